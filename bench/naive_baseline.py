"""The naive baseline the pipeline is measured against.

One process, no parallelism: imapclient batch fetch -> mail-parser -> python-docx /
pypdf text -> one SQLite insert per message. No raw archive, no de-duplication, no
classification. Kept deliberately simple: it is the floor a careful script reaches.
"""

from __future__ import annotations

import base64
import io
import sqlite3
from pathlib import Path

import docx
import mailparser
from imapclient import IMAPClient
from pypdf import PdfReader


def attachment_text(filename: str, data: bytes) -> str:
    if filename.lower().endswith(".pdf"):
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if filename.lower().endswith(".docx"):
        return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    return ""


def run(
    host: str, port: int, user: str, password: str, folder: str, database: Path, batch: int = 100
) -> int:
    """Fetch, parse and insert every message of ``folder``; return how many."""
    db = sqlite3.connect(database)
    db.execute(
        "CREATE TABLE IF NOT EXISTS mail (uid INTEGER, subject TEXT, sender TEXT, text TEXT)"
    )
    client = IMAPClient(host, port=port, ssl=False)
    client.login(user, password)
    client.select_folder(folder, readonly=True)
    uids = client.search(["ALL"])
    count = 0
    for start in range(0, len(uids), batch):
        response = client.fetch(uids[start : start + batch], ["BODY.PEEK[]", "INTERNALDATE"])
        for uid, data in response.items():
            mail = mailparser.parse_from_bytes(data[b"BODY[]"])
            texts = []
            for item in mail.attachments:
                payload = item["payload"]
                raw = base64.b64decode(payload) if item["binary"] else payload.encode()
                texts.append(attachment_text(item["filename"] or "", raw))
            sender = mail.from_[0][1] if mail.from_ else ""
            db.execute(
                "INSERT INTO mail VALUES (?, ?, ?, ?)",
                (uid, mail.subject, sender, "\n".join(texts)),
            )
            db.commit()
            count += 1
    client.logout()
    db.close()
    return count
