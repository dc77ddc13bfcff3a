"""IMAP adapter: connect, look at a folder cheaply, fetch new messages in batches."""

from __future__ import annotations

import os
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime

from imapclient import IMAPClient
from imapclient.util import to_unicode

from ingest.config import MailboxConfig

FETCH_ITEMS = [b"BODY.PEEK[]", b"INTERNALDATE", b"RFC822.SIZE", b"FLAGS"]


class PasswordMissing(Exception):
    """The mailbox's password is not where the configuration says it is."""


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


def fetch_after(
    client: IMAPClient, folder: str, after_uid: int, batch_size: int
) -> Iterator[list[FetchedItem]]:
    """Yield batches of the messages whose UID is greater than ``after_uid``."""
    client.select_folder(folder, readonly=True)
    # "UID n:*" always matches the last message even when n is beyond it.
    uids = sorted(u for u in client.search([b"UID", f"{after_uid + 1}:*"]) if u > after_uid)
    for start in range(0, len(uids), batch_size):
        chunk = uids[start : start + batch_size]
        response = client.fetch(chunk, FETCH_ITEMS)
        items = []
        for uid in chunk:
            data = response.get(uid)
            if data is None or b"BODY[]" not in data:
                continue  # expunged by another client meanwhile
            items.append(FetchedItem(uid, bytes(data[b"BODY[]"]), data[b"INTERNALDATE"]))
        yield items


def describe(error: BaseException) -> str:
    """Return a one-line description of an IMAP or network error."""
    text = to_unicode(str(error)) if isinstance(error, bytes | str) else str(error)
    return f"{type(error).__name__}: {text}".strip()
