"""Tests for scripts/make_samples.py and the sample mails it commits to tests/data/mail."""

from __future__ import annotations

import io
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest
from docx.table import Table

from scripts import make_samples

REPO = Path(__file__).resolve().parents[2]
MAIL = REPO / "tests" / "data" / "mail"
DEMO = REPO / "demo"
ICT = timezone(timedelta(hours=7))
DEADLINE_START = datetime(2024, 5, 15, tzinfo=ICT)
DEADLINE_END = datetime(2024, 6, 26, tzinfo=ICT)  # end of 25/6/2024, local time
DOCUMENT_SUFFIXES = (".docx", ".pdf")
MANIFEST_KEYS = {
    "file",
    "received_at",
    "true_unit",
    "timing",
    "kind",
    "titles",
    "documents",
    "authors",
}


def load_manifest(folder: Path) -> list[dict[str, Any]]:
    with (folder / "manifest.toml").open("rb") as handle:
        entries: list[dict[str, Any]] = tomllib.load(handle)["message"]
    return entries


ENTRIES = load_manifest(MAIL)
IDS = [str(entry["file"]) for entry in ENTRIES]


def parse(path: Path) -> EmailMessage:
    message = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def documents(message: EmailMessage) -> list[tuple[str, bytes]]:
    found: list[tuple[str, bytes]] = []
    for part in message.iter_attachments():
        name = unicodedata.normalize("NFC", part.get_filename() or "")
        if name.lower().endswith(DOCUMENT_SUFFIXES):
            payload = part.get_payload(decode=True)
            assert isinstance(payload, bytes)
            found.append((name, payload))
    return found


def _table_texts(tables: Iterable[Table]) -> Iterator[str]:
    for table in tables:
        for row in table.rows:
            for cell in row.cells:
                yield from (paragraph.text for paragraph in cell.paragraphs)
                yield from _table_texts(cell.tables)


def document_text(name: str, data: bytes) -> str:
    if name.lower().endswith(".docx"):
        document = docx.Document(io.BytesIO(data))
        parts = [paragraph.text for paragraph in document.paragraphs]
        parts += _table_texts(document.tables)
    else:
        parts = [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages]
    return "\n".join(parts)


def normalise(text: str) -> str:
    """NFC, and every run of whitespace (PDF line wraps, justified spacing) as one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def entry_for(name: str) -> dict[str, Any]:
    return next(entry for entry in ENTRIES if entry["file"] == name)


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("fresh")
    make_samples.main(root / "mail", root / "demo")
    return root


def test_running_the_generator_twice_gives_byte_identical_files(tmp_path: Path) -> None:
    make_samples.main(tmp_path / "a" / "mail", tmp_path / "a" / "demo")
    make_samples.main(tmp_path / "b" / "mail", tmp_path / "b" / "demo")
    first = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    second = sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file()
    )
    assert first == second
    assert len(first) == len(ENTRIES) + 2  # the .eml files, manifest.toml, addresses.toml
    for relative in first:
        assert (tmp_path / "a" / relative).read_bytes() == (
            tmp_path / "b" / relative
        ).read_bytes(), relative


def test_the_committed_samples_equal_a_fresh_run(fresh: Path) -> None:
    generated = sorted(p.name for p in (fresh / "mail").iterdir())
    committed = sorted(p.name for p in MAIL.iterdir() if p.suffix in {".eml", ".toml"})
    assert committed == generated, "stale or missing files: run python -m scripts.make_samples"
    for name in generated:
        assert (MAIL / name).read_bytes() == (fresh / "mail" / name).read_bytes(), (
            f"tests/data/mail/{name} differs from the generator: never edit it by hand, "
            "change scripts/make_samples.py and rerun it"
        )
    assert (DEMO / "addresses.toml").read_bytes() == (
        fresh / "demo" / "addresses.toml"
    ).read_bytes()


def test_every_manifest_entry_has_exactly_the_agreed_keys_and_values() -> None:
    assert len(ENTRIES) == 14
    assert len(set(IDS)) == len(IDS)
    for entry in ENTRIES:
        assert set(entry) == MANIFEST_KEYS, entry["file"]
        assert re.fullmatch(r"\d\d-[a-z0-9-]+\.eml", entry["file"])
        assert isinstance(entry["received_at"], datetime)
        assert entry["received_at"].utcoffset() == timedelta(hours=7)
        assert entry["timing"] in {"early", "on_time", "late"}
        assert entry["kind"] in {"submission", "no_document", "auto_reply", "unknown_sender"}
        assert len(entry["titles"]) == entry["documents"]
        assert len(entry["authors"]) == entry["documents"]
        assert all(names and all(isinstance(n, str) for n in names) for names in entry["authors"])


def test_true_units_are_codes_from_the_roster() -> None:
    with (REPO / "units.toml").open("rb") as handle:
        codes = {unit["code"] for unit in tomllib.load(handle)["unit"]}
    for entry in ENTRIES:
        assert entry["true_unit"] == "" or entry["true_unit"] in codes, entry["file"]
        assert (entry["true_unit"] == "") == (entry["kind"] in {"auto_reply", "unknown_sender"})


def test_every_received_at_lies_between_10_may_and_27_june_2024() -> None:
    for entry in ENTRIES:
        assert datetime(2024, 5, 10, tzinfo=ICT) <= entry["received_at"]
        assert entry["received_at"] < datetime(2024, 6, 28, tzinfo=ICT)


def test_timing_follows_received_at_against_the_local_deadline() -> None:
    for entry in ENTRIES:
        received = entry["received_at"]
        expected = (
            "early"
            if received < DEADLINE_START
            else "on_time"
            if received < DEADLINE_END
            else "late"
        )
        assert entry["timing"] == expected, entry["file"]
    timings = {entry["timing"] for entry in ENTRIES}
    assert timings == {"early", "on_time", "late"}


@pytest.mark.parametrize("name", IDS)
def test_each_file_parses_and_carries_the_stated_number_of_documents(name: str) -> None:
    entry = entry_for(name)
    message = parse(MAIL / name)
    assert message["Message-ID"]
    assert message["From"].addresses
    assert message["To"].addresses[0].addr_spec == "phongnv-cth@tayninh.gov.vn"
    assert len(documents(message)) == entry["documents"]
    assert all(len(data) < 60 * 1024 for _, data in documents(message))


@pytest.mark.parametrize("name", [n for n in IDS if entry_for(n)["documents"]])
def test_each_title_appears_in_the_text_of_its_attachment(name: str) -> None:
    entry = entry_for(name)
    attached = documents(parse(MAIL / name))
    for title, (filename, data) in zip(entry["titles"], attached, strict=True):
        assert normalise(title) in normalise(document_text(filename, data)), (name, filename)


def test_the_server_receive_time_is_also_in_the_received_header() -> None:
    for entry in ENTRIES:
        received = str(parse(MAIL / entry["file"])["Received"])
        stamp = parsedate_to_datetime(received.rsplit(";", 1)[1].strip())
        assert stamp == entry["received_at"], entry["file"]


def test_a_late_message_claims_an_on_time_date_header() -> None:
    late_claiming_on_time = [
        entry["file"]
        for entry in ENTRIES
        if entry["timing"] == "late"
        and parsedate_to_datetime(str(parse(MAIL / entry["file"])["Date"])) < DEADLINE_END
    ]
    assert "04-tc-kh-late.eml" in late_claiming_on_time


def test_the_address_book_maps_only_official_senders_to_their_true_unit() -> None:
    with (DEMO / "addresses.toml").open("rb") as handle:
        book: dict[str, str] = tomllib.load(handle)["addresses"]
    assert book["vanthu.thaibinh@tayninh.gov.vn"] == "xa-thai-binh"
    senders: dict[str, str] = {}
    for entry in ENTRIES:
        address = parse(MAIL / entry["file"])["From"].addresses[0].addr_spec
        if address in book:
            assert book[address] == entry["true_unit"], entry["file"]
        senders[address] = entry["true_unit"]
    assert set(book) <= set(senders)
    assert all(address.endswith("@tayninh.gov.vn") for address in book)
    assert not any(address.endswith(("@gmail.com", "@yahoo.com")) for address in book)


def test_the_hoa_thanh_subject_is_decomposed_unicode_with_old_tone_marks() -> None:
    subject = str(parse(MAIL / "11-hoa-thanh-nfd.eml")["Subject"])
    assert subject == unicodedata.normalize("NFD", subject) != unicodedata.normalize("NFC", subject)
    assert "Hoà Thạnh" in unicodedata.normalize("NFC", subject)


def test_the_unknown_sender_names_no_unit_of_the_roster() -> None:
    with (REPO / "units.toml").open("rb") as handle:
        names = [unit["name"] for unit in tomllib.load(handle)["unit"]]
    message = parse(MAIL / "14-unknown-sender.eml")
    body = message.get_body(preferencelist=("plain",))
    assert body is not None
    texts = [str(message["From"]), str(message["Subject"]), body.get_content()]
    texts += [document_text(name, data) for name, data in documents(message)]
    everything = normalise("\n".join(texts)).lower()
    for name in names:
        bare = re.sub(r"^(UBND|Ủy ban nhân dân) ", "", name).lower()
        assert bare not in everything, name
