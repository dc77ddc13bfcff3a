"""Find near-duplicate documents: the same initiative sent by two units, or sent again.

Pure: texts in, pairs with their similarity out. Each text is normalised
(``normalise_body``: NFC, tone style folded, no case; the header boilerplate
of an administrative document and the units' names dropped, so that a copy
sent under another unit's name, with another number and date, is still the
same text) and cut into word shingles (``SHINGLE_WORDS`` words). MinHash
signatures of the shingle sets go into LSH buckets (datasketch), which give
the candidate pairs without comparing every document with every other; each
candidate's similarity is then the exact Jaccard index of the two shingle
sets (0..1), and a pair is flagged at ``FLAG_AT`` or above. Reordered
sections change only the shingles across their borders, so they keep a copy
well above the mark.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from hashlib import blake2b
from typing import Any, Generic, TypeVar

from parsers.memo import Memo, digest_of
from parsers.text import fold_tone_style, nfc

#: Words per shingle.
SHINGLE_WORDS = 3
#: MinHash permutations: more is more exact estimates, slower indexing.
NUM_PERM = 128
#: The LSH's own threshold, below FLAG_AT so that it rarely misses a pair worth scoring:
#: with 128 permutations datasketch makes it 32 bands of 4 rows, so a pair of
#: similarity 0.5 becomes a candidate with probability 0.87, 0.6 with 0.99, and 0.2
#: (two distinct descriptions on the same form) with 0.05. Lower, the candidates
#: grow with the square of the documents (0.3: 85 per document among 2,000).
LSH_THRESHOLD = 0.4
#: The similarity (Jaccard of shingles) from which two documents are flagged.
FLAG_AT = 0.5
#: Documents with fewer shingles than this are too short to compare.
MIN_SHINGLES = 8

#: The longest line taken for a header line.
HEADER_CHARS = 120
_WORD = re.compile(r"[^\W_]+")
#: Lines of an administrative document's header and ending that say nothing of the
#: initiative: who sent it, to whom, its number, place and date, the motto, the signature.
_BOILERPLATE = re.compile(
    r"^(?:"
    r"cộng hòa xã hội chủ nghĩa việt nam|độc lập\s*[-–—]\s*tự do\s*[-–—]\s*hạnh phúc"
    r"|số\s*:|số\s+\d|kính gửi|nơi nhận|[-–—•]?\s*như trên|[-–—•]?\s*lưu\b"
    r"|ủy ban nhân dân|ubnd\b|hội đồng nhân dân|hđnd\b|phòng\b|văn phòng\b|thanh tra\b"
    r"|xã\b|thị trấn\b|huyện\b|tm\.?\s|kt\.?\s|chủ tịch|phó chủ tịch|trưởng phòng"
    r"|phó trưởng phòng|người viết|người đề nghị|xác nhận của|ký tên|\(ký"
    r"|[^\n]{0,60}ngày\s+\S+\s+tháng\s+\S+\s+năm\s+\S+"
    r")",
)

K = TypeVar("K", bound=Hashable)


_UNIT_PREFIX = re.compile(
    r"^(?:ubnd|ủy ban nhân dân)\s+|^(?:xã|thị trấn|phòng|văn phòng)\s+|\s+huyện$"
)


def name_forms(name: str) -> tuple[str, ...]:
    """Return a unit's name and its core ("UBND xã An Cơ" -> also "An Cơ"), as written."""
    forms = [nfc(name).strip()]
    core = forms[0]
    while True:
        shorter = _UNIT_PREFIX.sub("", fold_tone_style(core).casefold())
        if shorter == fold_tone_style(core).casefold() or not shorter:
            break
        core = shorter
    if core != forms[0]:
        forms.append(core)
    return tuple(forms)


def _as_is(value: int) -> int:
    return value


def names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    """Return the pattern that finds any of ``names`` in a normalised text: at each
    position the longest name there, leftmost first."""
    forms = {fold_tone_style(nfc(n)).casefold().strip() for n in names if n.strip()}
    if not forms:
        return None
    # Factored by prefix (a trie): as a plain alternation of a thousand names, every
    # position of the text would try every name.
    trie: _Trie = {}
    for form in forms:
        node = trie
        for char in form:
            node = node.setdefault(char, {})
        node[_END] = {}
    return re.compile(_trie_pattern(trie))


#: A prefix tree of names, a character to the names that go on with it.
_Trie = dict[str, "_Trie"]
#: The key that ends a name (no character is empty).
_END = ""


def _trie_pattern(node: _Trie) -> str:
    branches = []
    for char, rest in sorted(node.items()):
        if char == _END:
            continue
        # A run of characters with one way on is one literal (no recursion per character).
        run = [char]
        while len(rest) == 1 and _END not in rest:
            [(char, rest)] = rest.items()
            run.append(char)
        branches.append(re.escape("".join(run)) + _trie_pattern(rest))
    if not branches:
        return ""
    either = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    # Greedy: a longer name that goes on from here first, the name that ends here if none.
    return f"(?:{either})?" if _END in node else either


def normalise_body(text: str, names: Iterable[str] | re.Pattern[str] | None = ()) -> str:
    """Return the words of ``text`` that say what the initiative is, one space apart.

    NFC, tone style folded ("hoà" is "hòa"), no case; header and signature
    lines dropped; every one of ``names`` (the units' names, or their
    ``names_pattern``) removed.
    """
    folded = fold_tone_style(nfc(text)).casefold()
    kept = []
    for raw in folded.splitlines():
        line = raw.strip()
        # Header lines are short; a long line is text even if it starts like one.
        if line and not (len(line) <= HEADER_CHARS and _BOILERPLATE.match(line)):
            kept.append(line)
    body = "\n".join(kept)
    pattern = names if isinstance(names, re.Pattern) or names is None else names_pattern(names)
    if pattern is not None:
        body = pattern.sub(" ", body)
    return " ".join(_WORD.findall(body))


#: A fresh 32-bit BLAKE2 hasher, copied for each shingle.
_BLAKE32 = blake2b(digest_size=4)


def shingles(body: str, size: int = SHINGLE_WORDS) -> frozenset[int]:
    """Return the runs of ``size`` consecutive words of a normalised body, each as a
    32-bit BLAKE2 hash: sets of numbers compare faster than sets of strings, and the
    hash is random enough for MinHash to take as it is (CRC-32, being linear, made
    ten times the candidate pairs)."""
    words = body.split()
    # Each distinct run hashed once; a copy of a fresh hasher costs less than a new one,
    # and the digests are read as little-endian numbers in one call.
    # The shorter slices end the runs: zip stops at the last whole one.
    runs = set(map(" ".join, zip(*(words[k:] for k in range(size)), strict=False)))
    if not runs and words:
        runs = {" ".join(words)}
    digests = []
    for run in runs:
        hasher = _BLAKE32.copy()
        hasher.update(run.encode())
        digests.append(hasher.digest())
    return frozenset(struct.unpack(f"<{len(digests)}I", b"".join(digests)))


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    """Return |a ∩ b| / |a ∪ b| (0 when both are empty)."""
    union = len(a | b)
    return len(a & b) / union if union else 0.0


#: Passages shown per near-duplicate, and the fewest words a passage has.
PASSAGES = 3
PASSAGE_WORDS = 8
_SENTENCE = re.compile(r"(?<=[^\d\s][.!?;])\s+|\n+")  # not after "3."


def shared_passages(
    text: str, other: str, names: Iterable[str] | re.Pattern[str] | None = ()
) -> tuple[str, ...]:
    """Return the sentences of ``text`` that ``other`` also has (compared normalised, as
    the index compares them), longest first: what staff read to judge a flag."""
    pattern = names if isinstance(names, re.Pattern) or names is None else names_pattern(names)

    def split(body: str) -> dict[str, str]:
        found: dict[str, str] = {}
        for part in _SENTENCE.split(nfc(body)):
            words = normalise_body(part, pattern)
            if len(words.split()) >= PASSAGE_WORDS:
                found.setdefault(words, " ".join(part.split()))
        return found

    theirs = split(other)
    mine = split(text)
    shared = [sentence for words, sentence in mine.items() if words in theirs]
    return tuple(sorted(shared, key=len, reverse=True)[:PASSAGES])


@dataclass(frozen=True)
class Pair(Generic[K]):
    first: K
    second: K
    similarity: float  # 0..1, the Jaccard index of the two shingle sets


@dataclass(frozen=True)
class Signature:
    """What indexing a text gave: its MinHash, or None when it is too short to compare
    (kept too, so that a short text is not shingled again either)."""

    minhash: Any  # a datasketch LeanMinHash, or None


@dataclass
class SimilarityIndex(Generic[K]):
    """Documents by key, their MinHash signatures in LSH buckets.

    With a ``memo`` (``parsers.memo``, kept by the caller between indexes), a text
    indexed before is not normalised, shingled and hashed again. A document's
    shingles are made again only when it has a candidate to score.
    """

    names: Sequence[str] = ()
    flag_at: float = FLAG_AT
    memo: Memo[Signature] | None = None
    _texts: dict[K, str] = field(default_factory=dict)
    _shingles: dict[K, frozenset[int]] = field(default_factory=dict)
    _order: list[K] = field(default_factory=list)
    _signatures: dict[K, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Imported here: numpy and datasketch load in a tenth of a second, needed only here.
        from datasketch import MinHashLSH

        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._names = names_pattern(self.names)
        self._names_source = "" if self._names is None else self._names.pattern

    @property
    def names_pattern(self) -> re.Pattern[str] | None:
        """Return the pattern of the units' names the index removes."""
        return self._names

    def add_many(self, documents: Iterable[tuple[K, str]]) -> None:
        """Index documents (key, text); a key already indexed, or too short a text, is skipped."""
        from datasketch import LeanMinHash, MinHash

        # In the order given: pairs() lists the pairs in the order the documents came.
        entries: list[tuple[K, bytes | None, Signature | None]] = []
        for key, text in documents:
            if key in self._texts:
                continue
            self._texts[key] = text
            digest = known = None
            if self.memo is not None:
                digest = digest_of(self._names_source, text)
                known = self.memo.get(digest)
            entries.append((key, digest, known))
        fresh = [key for key, _, known in entries if known is None]
        long_enough = [key for key in fresh if len(self._shingles_of(key)) >= MIN_SHINGLES]
        # The shingles are 32-bit hashes already: MinHash permutes them as they are.
        # In one batch: MinHash sets up its permutations once per call.
        minhashes = MinHash.bulk(
            [list(self._shingles_of(key)) for key in long_enough],
            num_perm=NUM_PERM,
            hashfunc=_as_is,
        )
        made = {key: LeanMinHash(m) for key, m in zip(long_enough, minhashes, strict=True)}
        with self._lsh.insertion_session() as session:
            for key, digest, known in entries:
                signature = known or Signature(made.get(key))
                if known is None and digest is not None and self.memo is not None:
                    self.memo.put(digest, signature)
                if signature.minhash is None:
                    continue
                session.insert(key, signature.minhash, check_duplication=False)
                self._signatures[key] = signature.minhash
                self._order.append(key)

    def _shingles_of(self, key: K) -> frozenset[int]:
        found = self._shingles.get(key)
        if found is None:
            found = shingles(normalise_body(self._texts[key], self._names))
            self._shingles[key] = found
        return found

    def similar_to(self, key: K) -> list[Pair[K]]:
        """Return the documents flagged as near-duplicates of ``key``, most similar first."""
        if key not in self._signatures:
            return []
        candidates = [other for other in self._lsh.query(self._signatures[key]) if other != key]
        if not candidates:
            return []
        mine = self._shingles_of(key)
        pairs = []
        for other in candidates:
            score = jaccard(mine, self._shingles_of(other))
            if score >= self.flag_at:
                pairs.append(Pair(key, other, round(score, 3)))
        return sorted(pairs, key=lambda p: -p.similarity)

    def pairs(self) -> list[Pair[K]]:
        """Return every flagged pair once, in the order the documents were indexed."""
        rank = {key: i for i, key in enumerate(self._order)}
        return [
            pair
            for key in self._order
            for pair in self.similar_to(key)
            if rank[pair.second] > rank[key]
        ]
