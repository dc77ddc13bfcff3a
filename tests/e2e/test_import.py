"""`cchc-inbox import`: mail exported to files is registered once, timed by the office's server.

Every test runs the real command line on the files scripts/make_import_samples.py
wrote to tests/data/import, on SQLite and PostgreSQL, beside the real Dovecot.
"""

from __future__ import annotations

import mailbox
import os
import pty
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from app.config import load_config
from app.root import open_engine
from ingest.assembly import open_services
from ingest.importing import as_fetched, receiving_hosts, source_of
from ingest.mailfiles import Found, MailFiles
from ingest.poll import store_batch
from store.db import make_engine, make_session_factory
from store.models import Message
from store.read import list_pending, list_submissions
from tests.e2e.conftest import ROOT, Register
from tests.e2e.imap_tools import generated_message

pytestmark = pytest.mark.dovecot

DATA = ROOT / "tests" / "data" / "import"
OFFICE = DATA / "office.mbox"
Y_TE = ROOT / "tests" / "data" / "mail" / "07-y-te-drive-link.eml"
Y_TE_RECEIVED = datetime(2024, 6, 18, 10, 5, 44, tzinfo=timezone(timedelta(hours=7)))
LATE_ID = "<import-late-0001@tuphap.example>"
NO_RECEIVED_ID = "<import-noreceived-0002@longvinh.example>"


@pytest.fixture
def office(register: Register) -> Register:
    """The register, its mailbox told that mail.tayninh.gov.vn is the office's server."""
    text = register.config.read_text(encoding="utf-8")
    text = text.replace(
        "batch_size = 5", 'batch_size = 5\nreceiving_hosts = ["Mail.TayNinh.gov.vn."]'
    )
    register.config.write_text(text, encoding="utf-8")
    return register


def submissions(register: Register) -> list[dict[str, Any]]:
    rows = register.json("report", "submissions")["submissions"]
    assert isinstance(rows, list)
    return rows


def by_message_id(register: Register) -> dict[str, dict[str, Any]]:
    return {row["message_id"]: row for row in submissions(register)}


def test_an_mbox_imported_twice_is_registered_once_with_its_source(office: Register) -> None:
    first = office.run("import", str(OFFICE))
    assert "3 thư đọc được, 3 thư mới, 0 thư trùng (đã có), 0 thư lỗi" in first.stdout
    assert "1 thư không có dòng Received: của máy chủ cơ quan, chờ xem xét" in first.stdout
    # Not a terminal: no progress bar.
    assert "Nhập office.mbox" not in first.stderr

    again = office.run("import", str(OFFICE))
    assert "3 thư đọc được, 0 thư mới, 3 thư trùng (đã có), 0 thư lỗi" in again.stdout
    rows = submissions(office)
    assert len(rows) == 3
    assert {row["source"] for row in rows} == {f"import:{OFFICE}"}
    assert all(row["parse_status"] == "ok" for row in rows)


def test_on_a_terminal_the_import_shows_a_progress_bar(office: Register) -> None:
    terminal, side = pty.openpty()
    try:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "ingest.cli",
                "--config",
                str(office.config),
                "import",
                str(OFFICE),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=side,
            text=True,
            check=False,
            timeout=300,
        )
    finally:
        os.close(side)
    shown = b""
    while True:
        try:
            chunk = os.read(terminal, 4096)
        except OSError:  # the other side is closed: all is read
            break
        if not chunk:
            break
        shown += chunk
    os.close(terminal)
    assert done.returncode == 0
    assert "Nhập office.mbox" in shown.decode()
    assert "100%" in shown.decode()
    assert "3 thư mới" in done.stdout


def test_the_receive_time_is_the_topmost_received_header_of_the_offices_server_not_date(
    office: Register,
) -> None:
    office.run("import", str(OFFICE))
    late = by_message_id(office)[LATE_ID]
    # Date: says 25/6 16:40 and a forged lower Received: says 24/6; the office's
    # server received it on 26/6 at 08:15: late.
    assert late["received_at"] == "2024-06-26T08:15:02+07:00"
    assert late["timing"] == "late"
    assert "late" in late["reasons"]


def test_a_message_without_a_received_header_of_the_offices_server_waits_for_a_person(
    office: Register,
) -> None:
    office.run("import", str(OFFICE))
    row = by_message_id(office)[NO_RECEIVED_ID]
    assert row["status"] == "needs_review"
    assert "no_receive_time" in row["reasons"]
    listed = office.run("review", "list").stdout
    assert "Không rõ giờ nhận (thư nhập từ tệp" in listed

    # Analysed again, it still waits: the unknown receive time is kept with the message.
    office.run("reprocess", "--all")
    again = by_message_id(office)[NO_RECEIVED_ID]
    assert again["status"] == "needs_review"
    assert "no_receive_time" in again["reasons"]
    assert by_message_id(office)[LATE_ID]["reasons"].count("no_receive_time") == 0

    # A person who knows when it came counts it.
    office.run("review", "accept", str(again["id"]), "--by", "chuyenvien")
    accepted = by_message_id(office)[NO_RECEIVED_ID]
    assert accepted["status"] == "accepted"


def test_without_receiving_hosts_or_trusted_authserv_id_no_receive_time_is_known(
    register: Register,
) -> None:
    out = register.run("import", str(OFFICE)).stdout
    assert "3 thư không có dòng Received: của máy chủ cơ quan, chờ xem xét" in out
    assert all("no_receive_time" in row["reasons"] for row in submissions(register))


def test_the_trusted_authserv_id_names_the_offices_server_too(register: Register) -> None:
    text = register.config.read_text(encoding="utf-8")
    text = text.replace(
        "batch_size = 5", 'batch_size = 5\ntrusted_authserv_id = "mail.tayninh.gov.vn"'
    )
    register.config.write_text(text, encoding="utf-8")
    register.run("import", str(OFFICE))
    assert by_message_id(register)[LATE_ID]["received_at"] == "2024-06-26T08:15:02+07:00"


def test_a_message_imported_and_then_polled_is_one_message(office: Register) -> None:
    office.run("import", str(OFFICE))
    office.dovecot.append(Y_TE.read_bytes(), Y_TE_RECEIVED, folder=office.folder)
    polled = office.run("poll").stdout
    assert "0 thư mới, 1 thư trùng, 0 thư lỗi" in polled
    rows = submissions(office)
    assert len(rows) == 3
    y_te = [row for row in rows if row["from"] == "pyt.chauthanh@tayninh.gov.vn"]
    assert len(y_te) == 1 and y_te[0]["source"] == f"import:{OFFICE}"
    assert y_te[0]["received_at"] == "2024-06-18T10:05:44+07:00"


def test_a_message_polled_and_then_imported_is_one_message(office: Register) -> None:
    office.dovecot.append(Y_TE.read_bytes(), Y_TE_RECEIVED, folder=office.folder)
    assert "1 thư mới, 0 thư trùng, 0 thư lỗi" in office.run("poll").stdout
    out = office.run("import", str(OFFICE)).stdout
    assert "3 thư đọc được, 2 thư mới, 1 thư trùng (đã có), 0 thư lỗi" in out
    rows = submissions(office)
    assert len(rows) == 3
    sources = {row["from"]: row["source"] for row in rows}
    assert sources["pyt.chauthanh@tayninh.gov.vn"] == "imap"
    assert sources["ptp.chauthanh@tayninh.gov.vn"] == f"import:{OFFICE}"


def test_a_truncated_mbox_registers_its_whole_messages_and_names_the_cut_one(
    office: Register,
) -> None:
    office.run("import", str(DATA / "eml"))
    before = submissions(office)

    done = office.run("import", str(DATA / "truncated.mbox"), check=False)
    assert done.returncode == 1
    assert "2 thư đọc được, 1 thư mới, 1 thư trùng (đã có), 0 thư lỗi" in done.stdout
    assert "bỏ qua 1 mục không đọc được" in done.stdout
    assert f"Bỏ qua thư thứ 3 trong {DATA / 'truncated.mbox'}: thư bị cắt cụt" in done.stdout
    after = submissions(office)
    assert len(after) == 3
    # What was registered before is untouched.
    assert [row for row in after if row["id"] in {r["id"] for r in before}] == before


def test_a_maildir_with_a_file_that_is_not_mail_registers_the_mail_and_names_the_file(
    office: Register,
) -> None:
    done = office.run("import", str(DATA / "maildir"), check=False)
    assert done.returncode == 1
    assert "Nhập thư mục Maildir" in done.stdout
    assert "2 thư đọc được, 2 thư mới, 0 thư trùng (đã có), 0 thư lỗi" in done.stdout
    bad = DATA / "maildir" / "cur" / "1718100000.M3P100.sandbox:2,S"
    assert f"Bỏ qua {bad}: không phải thư điện tử" in done.stdout
    times = sorted(row["received_at"] for row in submissions(office))
    assert times == ["2024-06-10T14:20:11+07:00", "2024-06-18T10:05:44+07:00"]


def test_a_folder_of_eml_files_and_one_eml_file_are_registered(office: Register) -> None:
    out = office.run("import", str(DATA / "eml")).stdout
    assert "Nhập thư mục tệp .eml" in out
    assert "2 thư đọc được, 2 thư mới" in out
    single = office.run("import", str(DATA / "eml" / "01-tu-phap-late.eml")).stdout
    assert "1 thư đọc được, 0 thư mới, 1 thư trùng (đã có)" in single
    assert len(submissions(office)) == 2


def test_an_unreadable_file_in_a_folder_is_named_and_the_rest_registered(
    office: Register, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    shutil.copytree(DATA / "eml", folder)
    (folder / "03-khong-doc-duoc.eml").symlink_to(tmp_path / "gone.eml")  # a dangling link
    done = office.run("import", str(folder), check=False)
    assert done.returncode == 1
    assert f"Bỏ qua {folder / '03-khong-doc-duoc.eml'}: không tìm thấy tệp" in done.stdout
    assert len(submissions(office)) == 2


def test_a_hostile_file_name_is_shown_without_its_control_characters_or_bad_bytes(
    office: Register, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    shutil.copytree(DATA / "eml", folder)
    name = b"\x1b[31mdo\xff.eml"
    with open(os.path.join(os.fsencode(folder), name), "wb") as handle:
        handle.write(b"not mail at all\n")
    done = office.run("import", str(folder), check=False)
    assert done.returncode == 1
    assert f"Bỏ qua {folder}/\ufffd[31mdo\ufffd.eml: không phải thư điện tử" in done.stdout
    assert "\x1b" not in done.stdout
    assert len(submissions(office)) == 2


def test_an_import_stopped_halfway_is_finished_by_running_it_again(
    office: Register, tmp_path: Path
) -> None:
    # As a kill -9 after the first batch leaves it: the first messages registered.
    half = tmp_path / "office.mbox"
    source, target = mailbox.mbox(OFFICE, create=False), mailbox.mbox(half)
    for key in list(source.iterkeys())[:2]:
        target.add(source.get_bytes(key))
    target.close()
    office.run("import", str(half))
    shutil.copyfile(OFFICE, half)

    out = office.run("import", str(half)).stdout
    assert "3 thư đọc được, 1 thư mới, 2 thư trùng (đã có), 0 thư lỗi" in out
    assert len(submissions(office)) == 3


def test_a_path_that_does_not_exist_is_one_line_and_exit_2(office: Register) -> None:
    missing = DATA / "khong-co.mbox"
    done = office.run("import", str(missing), check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == f"Không nhập được: không có tệp hay thư mục {missing}"
    assert submissions(office) == []


def test_a_file_that_is_not_mail_is_one_line_and_exit_2(office: Register) -> None:
    done = office.run("import", str(ROOT / "units.toml"), check=False)
    assert done.returncode == 2
    assert "không phải tệp mbox, thư mục Maildir hay thư mục/tệp .eml" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("phongnv.pst", os.urandom(4096), "Error opening File"),
        # A copy that stopped after the header's signature, under another name.
        ("phongnv-ban-sao.bin", b"!BDN" + bytes(508), "Error opening File"),
    ],
    ids=["random-bytes", "truncated-header"],
)
def test_a_pst_readpst_cannot_read_is_one_line_with_its_reason_and_nothing_changes(
    office: Register,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    content: bytes,
    reason: str,
) -> None:
    office.run("import", str(DATA / "eml"))
    before = submissions(office)
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setenv("TMPDIR", str(private))
    pst = tmp_path / name
    pst.write_bytes(content)

    done = office.run("import", str(pst), check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == f"Không nhập được: {pst}: readpst không đọc được tệp: {reason}"
    assert done.stdout == ""
    assert submissions(office) == before
    assert list(private.iterdir()) == []  # readpst's temporary folder is gone


def test_without_readpst_a_pst_is_one_line_saying_to_install_pst_utils(
    office: Register, tmp_path: Path
) -> None:
    pst = tmp_path / "phongnv.pst"
    pst.write_bytes(b"!BDN" + bytes(508))
    done = office.run("import", str(pst), check=False, path=str(tmp_path / "no-tools"))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"Không nhập được: {pst}: cần chương trình readpst để đọc tệp .pst: "
        "hãy cài gói pst-utils (apt-get install pst-utils)"
    )
    assert submissions(office) == []


def test_an_ost_file_is_refused_in_one_line_that_says_how_to_export_it(
    office: Register, tmp_path: Path
) -> None:
    ost = tmp_path / "phongnv.ost"
    ost.write_bytes(b"!BDN" + bytes(508))
    done = office.run("import", str(ost), check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        f"Không nhập được: {ost}: tệp Outlook .ost chưa đọc được; "
        "hãy xuất hộp thư ra tệp .pst, mbox hoặc .eml"
    )
    assert submissions(office) == []


#: A real .pst to read end to end. No Python library writes one, and no sample
#: small enough with a licence that allows keeping it in tests/data was found,
#: so it is given by path (README, "Tests"): e.g. example/testdata/enron.pst of
#: the npm package pst-extractor (EDRM Enron data set, CC BY 3.0 US).
PST_SAMPLE = os.environ.get("CCHC_PST_SAMPLE")


@pytest.mark.skipif(not PST_SAMPLE, reason="CCHC_PST_SAMPLE names no .pst")
def test_the_messages_of_a_pst_are_registered_once_with_the_pst_as_their_source(
    office: Register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert PST_SAMPLE is not None
    pst = Path(PST_SAMPLE).resolve()
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setenv("TMPDIR", str(private))

    first = office.run("import", str(pst)).stdout
    assert f"Nhập tệp Outlook .pst {pst} vào hộp thư phongnv:" in first
    counts = re.search(r"(\d+) thư đọc được, (\d+) thư mới, (\d+) thư trùng", first)
    assert counts is not None
    read, new, duplicates = (int(n) for n in counts.groups())
    assert read > 0 and new > 0 and new + duplicates == read
    assert list(private.iterdir()) == []

    # readpst draws new MIME boundaries on every run: the same messages all the same.
    again = office.run("import", str(pst)).stdout
    assert f"{read} thư đọc được, 0 thư mới, {read} thư trùng (đã có), 0 thư lỗi" in again
    rows = submissions(office)
    assert len(rows) == new
    assert {row["source"] for row in rows} == {f"import:{pst}"}
    assert all(row["parse_status"] == "ok" for row in rows)


@pytest.mark.skipif(not PST_SAMPLE, reason="CCHC_PST_SAMPLE names no .pst")
def test_readpst_stopping_partway_registers_what_it_wrote_whole_and_a_rerun_the_rest(
    office: Register, tmp_path: Path
) -> None:
    assert PST_SAMPLE is not None
    pst = Path(PST_SAMPLE).resolve()
    readpst = shutil.which("readpst")
    assert readpst is not None
    # The real readpst, stopped by the kernel (SIGXFSZ) while writing the first
    # message over 2 MB, as a full disk or a quota stops it: that file is cut short.
    # (sh counts ulimit -f in 512-byte blocks.)
    tools = tmp_path / "tools"
    tools.mkdir()
    limited = tools / "readpst"
    limited.write_text(f'#!/bin/sh\nulimit -f 4000\nexec {readpst} "$@"\n')
    limited.chmod(0o755)

    done = office.run("import", str(pst), check=False, path=f"{tools}:{os.environ['PATH']}")
    assert done.returncode == 1
    assert f"Bỏ qua {pst}: readpst dừng giữa chừng: readpst thoát với mã -25" in done.stdout
    cut = re.findall(r"Bỏ qua (.+\.eml): thư bị cắt cụt", done.stdout)
    assert len(cut) == 1 and cut[0].startswith(f"{pst} › ")
    counts = re.search(r"(\d+) thư đọc được, (\d+) thư mới, (\d+) thư trùng", done.stdout)
    assert counts is not None
    read, new, _ = (int(n) for n in counts.groups())
    assert 0 < read < 71
    before = submissions(office)
    assert len(before) == new

    # Run again with room to write: the rest comes in, nothing registered changes.
    again = office.run("import", str(pst)).stdout
    assert f"71 thư đọc được, {71 - read} thư mới, {read} thư trùng (đã có), 0 thư lỗi" in again
    after = submissions(office)
    assert [row for row in after if row["id"] in {r["id"] for r in before}] == before
    assert len({row["message_id"] for row in after}) == len(after)


def test_an_unknown_mailbox_is_one_line_and_exit_2(office: Register) -> None:
    done = office.run("import", str(OFFICE), "--mailbox", "khac", check=False)
    assert done.returncode == 2
    assert done.stderr.strip() == "Không có hộp thư “khac” trong cấu hình (các hộp thư: phongnv)"
    assert submissions(office) == []


def test_a_message_stored_but_not_analysed_when_the_import_died_is_analysed_by_the_next(
    office: Register, database_url: str
) -> None:
    # As a kill -9 between the commit of the raw bytes and their analysis leaves it.
    config = load_config(office.config)
    mailbox_config = config.mailboxes[0]
    files = MailFiles(OFFICE)
    found = [item for item in files.items() if isinstance(item, Found)][:1]
    engine = open_engine(config)
    with open_services(config, engine) as services:
        fetched = [
            as_fetched(
                item,
                mailbox_config.name,
                source_of(files),
                receiving_hosts(mailbox_config),
                services.clock(),
            )
            for item in found
        ]
        store_batch(fetched, None, services)
    files.close()
    engine.dispose()
    sessions = make_session_factory(make_engine(database_url))
    with sessions() as session:
        assert len(list_pending(session)) == 1

    out = office.run("import", str(OFFICE)).stdout
    assert "3 thư đọc được, 2 thư mới, 1 thư trùng (đã có)" in out
    with sessions() as session:
        assert list_pending(session) == []
        rows = list_submissions(session)
    assert len(rows) == 3
    assert all(r.parse_status == "ok" for r in rows)


def import_until_killed(register: Register, database_url: str, path: Path, at: int) -> bool:
    """Start `import PATH`, SIGKILL it once ``at`` messages are stored; False if it finished."""
    engine = make_engine(database_url)
    worker = register.spawn_piped("import", str(path))
    try:
        deadline = time.monotonic() + 120
        while worker.poll() is None and time.monotonic() < deadline:
            try:
                with engine.connect() as connection:
                    stored = connection.scalar(select(func.count()).select_from(Message)) or 0
            except OperationalError:  # SQLite busy for a moment
                stored = 0
            if stored >= at:
                os.kill(worker.pid, signal.SIGKILL)
                worker.wait()
                return True
            time.sleep(0.02)
        return False
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.communicate()
        engine.dispose()


def test_kill_9_during_an_import_then_running_it_again_stores_every_message_once(
    office: Register, database_url: str, tmp_path: Path
) -> None:
    total = 300
    path = tmp_path / "backfill.mbox"
    box = mailbox.mbox(path)
    for index in range(total):
        box.add(generated_message(index, "import"))
    box.close()
    assert import_until_killed(office, database_url, path, 40), "the import ended before the kill"

    out = office.run("import", str(path)).stdout
    assert f"{total} thư đọc được" in out
    sessions = make_session_factory(make_engine(database_url))
    with sessions() as session:
        rows = list_submissions(session)
        pending = list_pending(session)
    assert len(rows) == total
    assert {r.message_id for r in rows} == {f"<import-{i}@test.cchc>" for i in range(total)}
    assert pending == []
    assert all(r.parse_status == "ok" for r in rows)
