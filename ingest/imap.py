"""IMAP adapter: connect, look at a folder cheaply, fetch new messages in batches.

Every command has a total deadline, not only the socket timeout between two
bytes (a server that drips one byte a second never trips that one): the time
spent waiting for one command's answer may be ``DEADLINE_FACTOR`` ×
``timeout_seconds``, plus ``timeout_seconds`` per MB of message data the answer
brings, so a slow but working link is never cut. Past it a watchdog thread
shuts the connection and the command raises ``ResponseTimedOut``. A stop
request (``Interrupt.set``, the worker's SIGTERM) shuts every connection
registered with it at once, and their commands raise ``Interrupted``.
"""

from __future__ import annotations

import contextlib
import functools
import imaplib
import logging
import os
import socket
import ssl
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, TypeVar

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError
from imapclient.util import to_unicode

from app.config import MailboxConfig

if TYPE_CHECKING:
    from typing_extensions import Buffer

FETCH_ITEMS = [b"BODY.PEEK[]", b"INTERNALDATE"]
#: Bytes of mail fetched at once (by RFC822.SIZE); a larger message is fetched alone.
BATCH_BYTES = 16 * 1024 * 1024
INGESTED_FLAG = b"$CchcIngested"
#: The answer to one command may take this many times the mailbox's timeout_seconds…
DEADLINE_FACTOR = 4
#: …plus timeout_seconds for each of these many bytes of message data it brings.
DEADLINE_BYTES = 1024 * 1024
#: How often the watchdog looks at the connections waiting for an answer.
WATCH_EVERY = 0.2

T = TypeVar("T")


class ResponseTimedOut(Exception):
    """The server did not finish answering a command within its deadline."""


class Interrupted(Exception):
    """A stop request shut the connection while it was in use."""


class PasswordMissing(Exception):
    """The mailbox's password is not where the configuration says it is."""


class PostProcessingUnsupported(Exception):
    """The server cannot move messages without expunging others (no MOVE, no UIDPLUS)."""


@dataclass(frozen=True)
class FolderStatus:
    uidvalidity: int
    uidnext: int
    messages: int


@dataclass(frozen=True)
class FetchedItem:
    uid: int
    raw: bytes
    internaldate: datetime


def read_password(mailbox: MailboxConfig, environ: Mapping[str, str]) -> str:
    """Return the mailbox password from its environment variable or file."""
    if mailbox.password_env:
        value = environ.get(mailbox.password_env)
        if not value:
            raise PasswordMissing(
                f"mailbox {mailbox.name}: environment variable {mailbox.password_env} is not set"
            )
        return value
    assert mailbox.password_file is not None
    try:
        return mailbox.password_file.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise PasswordMissing(f"mailbox {mailbox.name}: {error}") from None


class Interrupt:
    """A stop request that also shuts every connection opened with it.

    It can stand in for a ``threading.Event`` (``set``, ``is_set``, ``wait``).
    """

    def __init__(self) -> None:
        self._event = threading.Event()
        self._guards: weakref.WeakSet[_Guard] = weakref.WeakSet()
        self._lock = threading.Lock()

    def set(self) -> None:
        self._event.set()
        with self._lock:
            guards = list(self._guards)
        for guard in guards:
            guard.cut(interrupted=True)

    def is_set(self) -> bool:
        return self._event.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._event.wait(timeout)

    def attach(self, guard: _Guard) -> None:
        with self._lock:
            self._guards.add(guard)
        if self.is_set():  # the request came first: the connection must not be used
            guard.cut(interrupted=True)


class _Guard:
    """One connection's deadline: the time spent waiting for the current answer, and its cut."""

    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.sock: socket.socket | None = None
        self.spent = 0.0  # waiting for the current command's answer, before this read
        self.received = 0  # bytes of that answer so far (announced literals included)
        self.reading_since: float | None = None
        self.expired = False
        self.interrupted = False

    @property
    def allowance(self) -> float:
        return self.timeout * (DEADLINE_FACTOR + self.received / DEADLINE_BYTES)

    def overdue(self, now: float) -> bool:
        since = self.reading_since
        return since is not None and self.spent + (now - since) > self.allowance

    def new_command(self) -> None:
        self.spent, self.received = 0.0, 0

    def cut(self, *, interrupted: bool = False) -> None:
        """Shut the socket: a read blocked on it returns at once."""
        if interrupted:
            self.interrupted = True
        else:
            self.expired = True
        if self.sock is not None:
            with contextlib.suppress(OSError):
                # The plain socket's shutdown: an SSL socket's own would drop its
                # state under the thread that is reading.
                socket.socket.shutdown(self.sock, socket.SHUT_RDWR)

    def wait_for(self, read: Callable[[], T], size: Callable[[T], int]) -> T:
        """Run one read from the server under the deadline; count its bytes."""
        self._raise_if_cut(None)
        start = time.monotonic()
        self.reading_since = start
        _WATCHDOG.watch(self)
        try:
            result = read()
        except BaseException as error:
            self._settle(start)
            self._raise_if_cut(error)
            raise
        self._settle(start)
        self._raise_if_cut(None)
        self.received += size(result)
        return result

    def _settle(self, start: float) -> None:
        self.reading_since = None
        self.spent += time.monotonic() - start

    def _raise_if_cut(self, error: BaseException | None) -> None:
        if self.interrupted:
            raise Interrupted("đã dừng theo yêu cầu") from error
        if self.expired:
            raise ResponseTimedOut(
                f"máy chủ IMAP trả lời quá chậm: một lệnh chưa xong sau {self.allowance:g} giây "
                f"chờ (giới hạn theo timeout_seconds = {self.timeout:g}), đã ngắt kết nối"
            ) from error


class _Watchdog:
    """One daemon thread that cuts the connections whose answer is past its deadline."""

    def __init__(self) -> None:
        self._guards: weakref.WeakSet[_Guard] = weakref.WeakSet()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def watch(self, guard: _Guard) -> None:
        with self._lock:
            self._guards.add(guard)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="imap-deadline", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            time.sleep(WATCH_EVERY)
            with self._lock:
                guards = list(self._guards)
                if not guards:
                    self._thread = None
                    return
            now = time.monotonic()
            for guard in guards:
                if not guard.expired and guard.overdue(now):
                    guard.cut()


_WATCHDOG = _Watchdog()


class _GuardedIMAP4(imaplib.IMAP4):
    """imaplib's connection with every read under the guard (read, readline, send are
    imaplib's documented override points)."""

    def __init__(self, guard: _Guard, host: str, port: int, timeout: float | None) -> None:
        self._guard = guard
        super().__init__(host, port, timeout)

    # STARTTLS replaces the socket: the guard must always cut the current one.
    @property
    def sock(self) -> socket.socket:
        return self._guarded_sock

    @sock.setter
    def sock(self, value: socket.socket) -> None:
        self._guarded_sock = value
        self._guard.sock = value

    def _create_socket(self, timeout: float | None = None) -> socket.socket:
        return self._guard.wait_for(lambda: self._connect_to(timeout), lambda _: 0)

    def _connect_to(self, timeout: float | None) -> socket.socket:
        sock = socket.create_connection((self.host or None, self.port), timeout)
        self._guard.sock = sock  # the TLS handshake can be cut too
        return sock

    def readline(self) -> bytes:
        return self._guard.wait_for(super().readline, len)

    def read(self, size: int) -> bytes:
        # A literal announces its size: the deadline grows with it before it comes.
        self._guard.received += size
        return self._guard.wait_for(lambda: imaplib.IMAP4.read(self, size), lambda _: 0)

    def send(self, data: Buffer) -> None:
        self._guard.new_command()
        self._guard.wait_for(lambda: imaplib.IMAP4.send(self, data), lambda _: 0)


class _GuardedTLS(_GuardedIMAP4):
    """TLS from the start, the handshake under the guard too."""

    def __init__(
        self, guard: _Guard, host: str, port: int, context: ssl.SSLContext, timeout: float | None
    ) -> None:
        self.ssl_context = context
        super().__init__(guard, host, port, timeout)

    def _connect_to(self, timeout: float | None) -> socket.socket:
        sock = super()._connect_to(timeout)
        return self.ssl_context.wrap_socket(sock, server_hostname=self.host)


class _Client(IMAPClient):  # type: ignore[misc]  # imapclient has no type hints
    """IMAPClient over a guarded connection (its documented constructor, our transport)."""

    def __init__(self, guard: _Guard, **options: Any) -> None:
        self._guard = guard
        super().__init__(**options)

    def _create_IMAP4(self) -> imaplib.IMAP4:
        connect_timeout = getattr(self._timeout, "connect", None)
        if self.ssl:
            return _GuardedTLS(self._guard, self.host, self.port, self.ssl_context, connect_timeout)
        return _GuardedIMAP4(self._guard, self.host, self.port, connect_timeout)


@functools.lru_cache(maxsize=4)
def tls_context(cafile: str | None = None) -> ssl.SSLContext:
    """Return the context that verifies IMAP servers (with ``cafile``'s CAs as well),
    made once per process: loading the system's certificates takes about 40 ms of
    CPU, which every poll of every mailbox paid, most of a poll with nothing new.
    A CA bundle changed on disk is read when the service restarts."""
    context = ssl.create_default_context()
    if cafile:
        context.load_verify_locations(cafile)
    return context


def connect(
    mailbox: MailboxConfig, password: str, interrupt: Interrupt | None = None
) -> IMAPClient:
    """Open a logged-in connection; TLS is verified unless security is 'none'.

    Every command on it has its deadline (see the module's docstring); ``interrupt``
    shuts it when a stop is requested.
    """
    context = None
    if mailbox.security != "none":
        context = tls_context(os.environ.get("CCHC_IMAP_CAFILE") or None)
    guard = _Guard(mailbox.timeout)
    if interrupt is not None:
        interrupt.attach(guard)
    client = _Client(
        guard,
        host=mailbox.host,
        port=mailbox.port,
        ssl=mailbox.security == "ssl",
        ssl_context=context if mailbox.security == "ssl" else None,
        timeout=mailbox.timeout,
    )
    # Keep INTERNALDATE timezone-aware (the default turns it into naive local
    # time): lateness is judged by it.
    client.normalise_times = False
    # imapclient turns imaplib's debug output on, so every response is formatted
    # for its logger (a 36 MB message three times over, 120 MB) even when nobody
    # listens. Keep it only for a logger that does.
    if not logging.getLogger("imapclient.imaplib").isEnabledFor(logging.DEBUG):
        client._imap.debug = 0
    try:
        if mailbox.security == "starttls":
            client.starttls(context)
        client.login(mailbox.username, password)
    except BaseException:
        client.shutdown()
        raise
    return client


def folder_status(client: IMAPClient, folder: str) -> FolderStatus:
    """Return UIDVALIDITY and UIDNEXT in one round trip (no SELECT)."""
    status = client.folder_status(folder, [b"UIDVALIDITY", b"UIDNEXT", b"MESSAGES"])
    return FolderStatus(
        uidvalidity=int(status[b"UIDVALIDITY"]),
        uidnext=int(status[b"UIDNEXT"]),
        messages=int(status[b"MESSAGES"]),
    )


def uids_after(
    client: IMAPClient,
    folder: str,
    after_uid: int,
    *,
    since: date | None = None,
    readonly: bool = True,
) -> list[int]:
    """Select ``folder`` and return, ascending, the UIDs greater than ``after_uid``."""
    client.select_folder(folder, readonly=readonly)
    criteria: list[object] = [b"UID", f"{after_uid + 1}:*"]
    if since is not None:
        criteria += [b"SINCE", since]
    # "UID n:*" always matches the last message even when n is beyond it.
    return sorted(u for u in client.search(criteria) if u > after_uid)


def fetch_batches(
    client: IMAPClient, uids: Sequence[int], batch_size: int, max_bytes: int = BATCH_BYTES
) -> Iterator[tuple[int, list[FetchedItem]]]:
    """Yield (UIDs asked for, messages still there) for each batch of ``uids``.

    A batch holds at most ``batch_size`` messages and, by their RFC822.SIZE, at most
    ``max_bytes`` (a larger message comes alone), so memory does not depend on how
    big the mail is.
    """
    for start in range(0, len(uids), batch_size):
        chunk = list(uids[start : start + batch_size])
        sizes = client.fetch(chunk, [b"RFC822.SIZE"])
        for group in byte_bounded(
            chunk, {u: int(d.get(b"RFC822.SIZE", 0)) for u, d in sizes.items()}, max_bytes
        ):
            yield len(group), _fetch(client, group)


def byte_bounded(
    uids: Sequence[int], sizes: Mapping[int, int], max_bytes: int
) -> Iterator[list[int]]:
    """Split ``uids``, in order, into runs whose sizes add up to at most ``max_bytes``."""
    group: list[int] = []
    total = 0
    for uid in uids:
        size = sizes.get(uid, 0)
        if group and total + size > max_bytes:
            yield group
            group, total = [], 0
        group.append(uid)
        total += size
    if group:
        yield group


def _fetch(client: IMAPClient, uids: list[int]) -> list[FetchedItem]:
    response = client.fetch(uids, FETCH_ITEMS)
    items = []
    for uid in uids:
        data = response.pop(uid, None)
        if data is None or b"BODY[]" not in data:
            continue  # expunged by another client meanwhile
        items.append(FetchedItem(uid, bytes(data[b"BODY[]"]), _plain_zone(data[b"INTERNALDATE"])))
    return items


def _plain_zone(moment: datetime) -> datetime:
    """Return ``moment`` with the standard library's fixed-offset zone (it pickles)."""
    offset = moment.utcoffset()
    return moment if offset is None else moment.replace(tzinfo=timezone(offset))


def post_process(client: IMAPClient, mailbox: MailboxConfig, uids: Sequence[int]) -> None:
    """Flag or move messages already committed to the register; expunge nothing else."""
    if not uids or mailbox.mark_processed is None:
        return
    if mailbox.mark_processed == "flag":
        client.add_flags(list(uids), [INGESTED_FLAG], silent=True)
        return
    assert mailbox.move_to is not None
    if client.has_capability("MOVE"):
        client.move(list(uids), mailbox.move_to)
    elif client.has_capability("UIDPLUS"):
        client.copy(list(uids), mailbox.move_to)
        client.add_flags(list(uids), [b"\\Deleted"], silent=True)
        client.uid_expunge(list(uids))
    else:
        raise PostProcessingUnsupported(
            f"{mailbox.host} supports neither MOVE nor UIDPLUS: cannot move safely"
        )


def wait_for_new_mail(
    client: IMAPClient, seconds: float, stop: Callable[[], bool], step: float = 1.0
) -> bool:
    """IDLE on the selected folder for up to ``seconds``; True once the server announces mail.

    IDLE is ended before returning, so the caller can poll or IDLE again (RFC 2177:
    re-issue it before the server's 30-minute inactivity limit). ``stop`` is asked
    every ``step`` seconds.
    """
    client.idle()
    deadline = time.monotonic() + seconds
    try:
        while not stop() and time.monotonic() < deadline:
            for response in client.idle_check(timeout=step):
                if len(response) >= 2 and response[1] in (b"EXISTS", b"RECENT"):
                    return True
        return False
    finally:
        client.idle_done()


def disconnect(client: IMAPClient) -> None:
    """Log out politely, or just close a connection that was cut or is broken."""
    guard = getattr(client, "_guard", None)
    if isinstance(guard, _Guard) and (guard.expired or guard.interrupted):
        with contextlib.suppress(OSError):
            client.shutdown()
        return
    try:
        client.logout()
    except (IMAPClientError, OSError, ResponseTimedOut, Interrupted):
        with contextlib.suppress(OSError):
            client.shutdown()


def describe(error: BaseException) -> str:
    """Return a one-line description of an IMAP or network error."""
    text = to_unicode(str(error)) if isinstance(error, bytes | str) else str(error)
    return f"{type(error).__name__}: {text}".strip()
