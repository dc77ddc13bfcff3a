"""IMAP adapter: connect, look at a folder cheaply, fetch new messages in batches."""

from __future__ import annotations

import logging
import os
import ssl
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone

from imapclient import IMAPClient
from imapclient.util import to_unicode

from app.config import MailboxConfig

FETCH_ITEMS = [b"BODY.PEEK[]", b"INTERNALDATE"]
#: Bytes of mail fetched at once (by RFC822.SIZE); a larger message is fetched alone.
BATCH_BYTES = 16 * 1024 * 1024
INGESTED_FLAG = b"$CchcIngested"


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


def connect(mailbox: MailboxConfig, password: str) -> IMAPClient:
    """Open a logged-in connection; TLS is verified unless security is 'none'."""
    context = ssl.create_default_context()
    cafile = os.environ.get("CCHC_IMAP_CAFILE")
    if cafile:
        context.load_verify_locations(cafile)
    client = IMAPClient(
        mailbox.host,
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


def describe(error: BaseException) -> str:
    """Return a one-line description of an IMAP or network error."""
    text = to_unicode(str(error)) if isinstance(error, bytes | str) else str(error)
    return f"{type(error).__name__}: {text}".strip()
