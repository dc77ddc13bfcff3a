"""Generate the small exports `cchc-inbox import` is tested on, in ``tests/data/import``.

Everything is deterministic (fixed Message-IDs, dates, boundaries), so running
the generator twice gives byte-identical files; tests/scripts/test_make_import_samples.py
compares the committed files with a fresh run: change this script, never the output.

- ``office.mbox``: three messages. The first is ``tests/data/mail/07-y-te-drive-link.eml``
  byte for byte (LF line ends, as mbox keeps them): the same message the Dovecot tests
  append, so importing and polling it must give one message. The second is late by
  its topmost Received: header of the office's server while its Date: (and a forged
  Received: lower down) says on time. The third has no Received: header of the
  office's server at all.
- ``truncated.mbox``: two whole messages, then a multipart message cut off inside its
  attachment (as a copy that ran out of disk leaves it).
- ``maildir/``: a Maildir (``cur``, ``new``) with two messages and a file that is not mail.
- ``eml/``: a folder of two .eml files (CRLF line ends).

Usage::

    python -m scripts.make_import_samples [--out DIR]
"""

from __future__ import annotations

import argparse
import base64
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "tests" / "data" / "import"
SAMPLE = REPO / "tests" / "data" / "mail" / "07-y-te-drive-link.eml"
MX = "mail.tayninh.gov.vn"
INBOX = "phongnv-cth@tayninh.gov.vn"
#: The mbox separator line every message starts with (its date is not read).
FROM_LINE = b"From MAILER-DAEMON Thu Jan  1 00:00:00 1970\n"


def lf(raw: bytes) -> bytes:
    return raw.replace(b"\r\n", b"\n")


def crlf(text: str) -> bytes:
    return lf(text.encode("utf-8")).replace(b"\n", b"\r\n")


#: Phòng Tư pháp: Date: and a forged lower Received: say 25/6 (on time); the office's
#: server received it on 26/6 at 08:15 (+07), after the end of 25/6: late.
LATE_BY_RECEIVED = crlf(
    f"""Received: from relay.tuphap.example (relay.tuphap.example [203.0.113.7])
 by {MX} (Postfix) with ESMTPS id 4W9kLq1Zr2z9Tp for <{INBOX}>;
 Wed, 26 Jun 2024 08:15:02 +0700
Received: from [10.20.1.42] (unknown [10.20.1.42]) by {MX}
 (Postfix) with ESMTPSA id 1AAAAAAAAA for <{INBOX}>;
 Mon, 24 Jun 2024 09:00:00 +0700
Message-ID: <import-late-0001@tuphap.example>
Date: Tue, 25 Jun 2024 16:40:00 +0700
From: =?utf-8?b?UGjDsm5nIFTGsCBwaMOhcA==?= <ptp.chauthanh@tayninh.gov.vn>
To: {INBOX}
Subject: =?utf-8?b?UGjDsm5nIFTGsCBwaMOhcCBn4butaSBzw6FuZyBraeG6v24=?=
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Kính gửi Phòng Nội vụ,
Phòng Tư pháp gửi sáng kiến năm 2024 (tệp gửi sau).
"""
)

#: Xã Long Vĩnh from a relay that is not the office's: no Received: of its server.
NO_RECEIVED = crlf(
    f"""Received: from mail-sor-f41.google.com (mail-sor-f41.google.com [209.85.220.41])
 by mx.google.com with SMTPS id a1b2c3;
 Thu, 20 Jun 2024 10:00:00 -0700
Message-ID: <import-noreceived-0002@longvinh.example>
Date: Fri, 21 Jun 2024 00:00:00 +0700
From: =?utf-8?b?VUJORCB4w6MgTG9uZyBWxKluaA==?= <ubndxa.longvinh@tayninh.gov.vn>
To: {INBOX}
Subject: =?utf-8?b?WMOjIExvbmcgVsSpbmggZ+G7rWkgc8Ohbmcga2nhur9u?=
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Kính gửi Phòng Nội vụ,
Xã Long Vĩnh gửi sáng kiến năm 2024.
"""
)

_NOTE = base64.encodebytes(("Ghi chú của xã Thái Bình về sáng kiến. " * 24).encode("utf-8"))

#: Xã Thái Bình, on time, with a small attachment: the message the truncated mbox cuts.
WITH_ATTACHMENT = crlf(
    f"""Received: from [10.20.3.17] (unknown [10.20.3.17]) by {MX}
 (Postfix) with ESMTPSA id 4WAbCd0Thb for <{INBOX}>;
 Mon, 10 Jun 2024 14:20:11 +0700
Message-ID: <import-attached-0003@thaibinh.example>
Date: Mon, 10 Jun 2024 14:20:00 +0700
From: =?utf-8?b?VUJORCB4w6MgVGjDoWkgQsOsbmg=?= <vanthu.thaibinh@tayninh.gov.vn>
To: {INBOX}
Subject: =?utf-8?b?WMOjIFRow6FpIELDrG5oIGfhu61pIGdoaSBjaMO6?=
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="==import-0003=="

--==import-0003==
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Kính gửi Phòng Nội vụ, xã Thái Bình gửi ghi chú kèm theo.

--==import-0003==
Content-Type: text/plain; charset="utf-8"; name="ghi-chu.txt"
Content-Disposition: attachment; filename="ghi-chu.txt"
Content-Transfer-Encoding: base64

{_NOTE.decode("ascii")}
--==import-0003==--
"""
)

#: What a Maildir may hold beside mail: a picture dropped in by hand.
NOT_MAIL = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"


def mbox(messages: list[bytes]) -> bytes:
    """Return an mbox of ``messages``: LF line ends, lines starting "From " quoted."""
    out = b""
    for raw in messages:
        body = b"\n".join(
            b">" + line if line.startswith(b"From ") else line for line in lf(raw).split(b"\n")
        )
        out += FROM_LINE + body.rstrip(b"\n") + b"\n\n"
    return out


def samples() -> dict[str, bytes]:
    """Return every file to write, by its path under the output folder."""
    y_te = SAMPLE.read_bytes()
    whole = mbox([y_te, LATE_BY_RECEIVED, WITH_ATTACHMENT])
    # Cut inside the last message's attachment: its closing boundary never comes.
    cut = whole[: whole.rindex(b"Content-Transfer-Encoding: base64\n\n") + 300]
    return {
        "office.mbox": mbox([y_te, LATE_BY_RECEIVED, NO_RECEIVED]),
        "truncated.mbox": cut,
        "maildir/cur/1718694344.M1P100.sandbox:2,S": lf(y_te),
        "maildir/new/1718004011.M2P100.sandbox": lf(WITH_ATTACHMENT),
        "maildir/cur/1718100000.M3P100.sandbox:2,S": NOT_MAIL,
        "eml/01-tu-phap-late.eml": LATE_BY_RECEIVED,
        "eml/02-thai-binh-ghi-chu.eml": WITH_ATTACHMENT,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    out = parser.parse_args(argv).out
    for name, data in samples().items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    print(f"wrote {len(samples())} files under {out}")


if __name__ == "__main__":
    main()
