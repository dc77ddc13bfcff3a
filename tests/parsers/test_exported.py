"""Mail read from files: its receive time from the office's Received: header, never Date:."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from parsers.exported import canonical, is_mail, receive_time, steady_boundaries, truncation

OFFICE = frozenset({"mail.tayninh.gov.vn"})


def message(*received: str, date: str = "Tue, 25 Jun 2024 16:40:00 +0700") -> bytes:
    headers = "".join(f"Received: {line}\r\n" for line in received)
    return (
        f"{headers}Message-ID: <x@example.vn>\r\nDate: {date}\r\nFrom: a@example.vn\r\n"
        "Subject: thử\r\n\r\nNội dung.\r\n"
    ).encode()


OURS_LATE = "from relay.example (relay.example [203.0.113.7]) by mail.tayninh.gov.vn (Postfix) with ESMTPS id A1; Wed, 26 Jun 2024 08:15:02 +0700"
OURS_EARLY = (
    "from [10.0.0.1] by mail.tayninh.gov.vn with ESMTPSA id B2; Mon, 24 Jun 2024 09:00:00 +0700"
)
THEIRS = "from [192.168.1.5] by smtp.gmail.com with ESMTPSA id C3; Tue, 25 Jun 2024 09:00:00 -0700"
LATE = datetime(2024, 6, 26, 1, 15, 2, tzinfo=UTC)


@pytest.mark.parametrize(
    ("received", "hosts", "expected"),
    [
        ((OURS_LATE, THEIRS), OFFICE, LATE),
        # The topmost of the office's headers wins over a (forged) lower one.
        ((OURS_LATE, OURS_EARLY, THEIRS), OFFICE, LATE),
        # Host names are compared without case and without a final dot.
        ((OURS_LATE,), frozenset({"MAIL.TayNinh.gov.vn."}), LATE),
        # Only a relay outside the office: the time is not known.
        ((THEIRS,), OFFICE, None),
        # No header at all, or no host configured: not known either (Date: is never used).
        ((), OFFICE, None),
        ((OURS_LATE,), frozenset(), None),
        # The office's header without a readable date gives no time; a lower one of the office does.
        (
            ("from x by mail.tayninh.gov.vn with ESMTP id D4; not a date", OURS_EARLY),
            OFFICE,
            datetime(2024, 6, 24, 2, 0, tzinfo=UTC),
        ),
        # A host whose name merely contains the office's is not the office.
        (
            (
                "from x by mail.tayninh.gov.vn.attacker.example with ESMTP id E5; Wed, 26 Jun 2024 08:15:02 +0700",
            ),
            OFFICE,
            None,
        ),
    ],
)
def test_the_receive_time_is_the_topmost_received_header_of_the_offices_server(
    received: tuple[str, ...], hosts: frozenset[str], expected: datetime | None
) -> None:
    assert receive_time(message(*received), hosts) == expected


def test_the_date_header_is_never_the_receive_time() -> None:
    raw = message(THEIRS, date="Wed, 26 Jun 2024 08:15:02 +0700")
    assert receive_time(raw, OFFICE) is None


def test_bare_line_feeds_become_crlf_and_crlf_stays() -> None:
    assert canonical(b"A: b\nC: d\r\n\r\nbody\n") == b"A: b\r\nC: d\r\n\r\nbody\r\n"
    assert canonical(message(OURS_LATE)) == message(OURS_LATE)


@pytest.mark.parametrize(
    ("raw", "mail"),
    [
        (message(OURS_LATE), True),
        (b"Subject: only a subject\n\nbody\n", True),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", False),
        (b"X-Custom: a header no message lacks\n\nbody", False),
        (b"hello world\n", False),
        (b"", False),
    ],
)
def test_a_file_is_mail_when_it_starts_with_header_fields_one_of_them_usual(
    raw: bytes, mail: bool
) -> None:
    assert is_mail(raw) is mail


def test_a_multipart_message_without_its_closing_boundary_is_cut_short() -> None:
    whole = (
        b'Subject: x\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        b"--b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b1--\r\n"
    )
    assert truncation(whole) is None
    assert truncation(whole[:-10]) is not None
    assert truncation(message(OURS_LATE)) is None


def readpst_message(outer: int, inner: int) -> bytes:
    """A message as readpst writes it: its boundaries carry a number drawn at random."""
    return (
        "Message-ID: <pst@example.vn>\nContent-Type: multipart/mixed;\n"
        f'\tboundary="--boundary-LibPST-iamunique-{outer}_-_-"\n\n'
        f"----boundary-LibPST-iamunique-{outer}_-_-\n"
        f'Content-Type: multipart/alternative; boundary="boundary-LibPST-iamunique-{inner}_-_-"\n\n'
        f"--boundary-LibPST-iamunique-{inner}_-_-\nContent-Type: text/plain\n\nNội dung.\n"
        f"--boundary-LibPST-iamunique-{inner}_-_---\n"
        f"----boundary-LibPST-iamunique-{outer}_-_---\n"
    ).encode()


def test_a_message_readpst_wrote_twice_is_the_same_bytes_once_its_boundaries_are_numbered() -> None:
    first = steady_boundaries(readpst_message(1134794756, -520862828))
    again = steady_boundaries(readpst_message(738923702, 42))
    assert first == again
    assert b"iamunique" not in first
    # Each boundary keeps its own number, so the MIME tree is the same one.
    assert first.count(b"boundary-LibPST-steady-0_-_-") == 3
    assert first.count(b"boundary-LibPST-steady-1_-_-") == 3
    assert truncation(first) is None


def test_a_message_not_written_by_readpst_keeps_its_bytes() -> None:
    raw = message(OURS_LATE)
    assert steady_boundaries(raw) == raw
