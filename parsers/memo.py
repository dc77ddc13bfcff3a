"""A bounded memo of values derived from texts, keyed by a digest of what they came from.

Pure code computes (``parsers.similarity`` signatures, ``parsers.tags`` tags); a
shell keeps one memo per process (``app.root.Register``), so that a page listed
again does not compute again what the same texts gave last time. The key is a
digest of every input, so a value can never be stale: a changed text is another
key. The least recently used values are forgotten past ``size``. Safe to share
between the web server's threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from hashlib import blake2b
from typing import Generic, TypeVar

V = TypeVar("V")

#: Values kept by default: a province's campaigns over several years, with room to spare.
MEMO_SIZE = 20_000


def digest_of(*parts: str) -> bytes:
    """Return a 16-byte BLAKE2 digest of ``parts`` (each part's length is hashed too, so
    ("ab", "c") and ("a", "bc") differ)."""
    hasher = blake2b(digest_size=16)
    for part in parts:
        data = part.encode("utf-8", "surrogatepass")
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.digest()


class Memo(Generic[V]):
    """Values by digest, the ``size`` most recently used kept."""

    def __init__(self, size: int = MEMO_SIZE) -> None:
        if size < 1:
            raise ValueError("a memo keeps at least one value")
        self._size = size
        self._values: OrderedDict[bytes, V] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._values)

    def get(self, key: bytes) -> V | None:
        """Return the value kept under ``key`` (now the most recently used), or None."""
        with self._lock:
            value = self._values.get(key)
            if value is not None:
                self._values.move_to_end(key)
            return value

    def put(self, key: bytes, value: V) -> None:
        """Keep ``value`` under ``key``, forgetting the least recently used past the size."""
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)
