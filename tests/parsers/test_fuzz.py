"""No input makes the message parser raise: arbitrary bytes and mutated real mail."""

from __future__ import annotations

import unicodedata
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers.mail import ParsedMessage, parse_message

DATA = Path(__file__).parents[1] / "data"
SEEDS = [p.read_bytes() for p in sorted((DATA / "public-mail").glob("*.eml"))] + [
    p.read_bytes() for p in sorted((DATA / "mail").glob("*.eml"))
]
# Bytes that matter to MIME: boundaries, encoded words, header syntax.
TOKENS = [
    b"\r\n",
    b"\n\n",
    b"--",
    b"=?",
    b"?=",
    b"=?utf-8?B?",
    b"=?windows-1258?Q?",
    b'boundary="',
    b"Content-Type: multipart/mixed; boundary=x\r\n",
    b"Content-Type: message/rfc822\r\n",
    b"Content-Transfer-Encoding: base64\r\n",
    b"filename*0*=utf-8''%E1%BA",
    b"\x00",
    b"\xff\xfe",
    b"\xe1\xba",
]


def check(message: ParsedMessage) -> None:
    assert isinstance(message, ParsedMessage)
    assert unicodedata.is_normalized("NFC", message.subject)
    assert "\x00" not in message.body_text
    for attachment in message.attachments:
        assert attachment.filename and "/" not in attachment.filename
        assert not any(ch < " " for ch in attachment.filename)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_never_make_the_parser_raise(raw: bytes) -> None:
    check(parse_message(raw))


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 12))):
        position = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["insert", "delete", "flip", "token", "truncate"]))
        if action == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=16))
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 64))]
        elif action == "flip" and position < len(data):
            data[position] ^= draw(st.integers(1, 255))
        elif action == "token":
            data[position:position] = draw(st.sampled_from(TOKENS))
        elif action == "truncate":
            del data[position:]
    return bytes(data)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_real_messages_never_make_the_parser_raise(raw: bytes) -> None:
    check(parse_message(raw))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated())
def test_mutated_real_messages_parse_without_the_last_resort_fallback(raw: bytes) -> None:
    # parse_message() falls back to headers-only on any error; the MIME walk itself
    # must cope, or attachments would be lost silently.
    from parsers.mail import _parse

    check(_parse(raw, 0))


CORPUS = DATA / "parsers"
DOCUMENTS = [
    (p.suffix, p.read_bytes())
    for p in sorted(CORPUS.iterdir())
    if p.suffix in {".pdf", ".docx", ".doc", ".rtf", ".zip", ".7z", ".rar", ".dat"}
    and p.stat().st_size < 200_000
]


@st.composite
def damaged_document(draw: st.DrawFn) -> tuple[str, bytes]:
    suffix, original = draw(st.sampled_from(DOCUMENTS))
    data = bytearray(original)
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            break
        position = draw(st.integers(0, len(data) - 1))
        if draw(st.booleans()):
            data[position] ^= draw(st.integers(1, 255))
        else:
            del data[position : position + draw(st.integers(1, 512))]
    return suffix, bytes(data)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged_document())
def test_damaged_documents_and_archives_give_a_status_never_an_exception(
    document: tuple[str, bytes],
) -> None:
    from parsers.archives import unpack
    from parsers.documents import Extraction, extract_text
    from parsers.limits import Limits

    suffix, data = document
    if suffix in {".zip", ".7z", ".rar", ".dat"}:
        unpack(".tnef" if suffix == ".dat" else suffix, data, Limits())
    else:
        assert isinstance(extract_text(f"x{suffix}", "", data), Extraction)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_any_header_value_decodes_to_one_nfc_line(value: str) -> None:
    from parsers.headers import header_text

    text = header_text(value)
    assert unicodedata.is_normalized("NFC", text)
    assert "\n" not in text and "\x00" not in text


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500))
def test_any_html_turns_into_text_without_error(html: str) -> None:
    from parsers.html import html_to_text

    assert isinstance(html_to_text(html), str)
