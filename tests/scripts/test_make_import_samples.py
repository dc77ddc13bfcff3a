"""scripts/make_import_samples.py: the committed exports are what it writes, and stay small."""

from __future__ import annotations

from pathlib import Path

from scripts import make_import_samples

DATA = Path(__file__).resolve().parents[2] / "tests" / "data" / "import"


def test_the_committed_exports_are_a_fresh_run_of_the_generator(tmp_path: Path) -> None:
    make_import_samples.main(["--out", str(tmp_path)])
    fresh = {p.relative_to(tmp_path): p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    committed = {p.relative_to(DATA): p.read_bytes() for p in DATA.rglob("*") if p.is_file()}
    assert fresh == committed


def test_the_exports_are_small() -> None:
    assert sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file()) < 32 * 1024


def test_the_first_message_of_the_office_mbox_is_the_sample_the_dovecot_tests_append() -> None:
    mbox = (DATA / "office.mbox").read_bytes()
    first = mbox.split(b"\nFrom MAILER-DAEMON ")[0].split(b"\n", 1)[1]
    assert first.rstrip(b"\n") == make_import_samples.SAMPLE.read_bytes().replace(
        b"\r\n", b"\n"
    ).rstrip(b"\n")
