"""The throwaway Dovecot sandbox talks real IMAP (no mocks anywhere)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from imapclient import IMAPClient  # type: ignore[import-untyped, unused-ignore]
from imapclient.exceptions import LoginError  # type: ignore[import-untyped, unused-ignore]

from scripts.dovecot_sandbox import DovecotSandbox, SandboxError, free_port

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "scripts" / "dovecot_sandbox.py"

# Never skipped: scripts/test installs Dovecot, and a missing server must fail loudly.
pytestmark = pytest.mark.dovecot

ICT = timezone(timedelta(hours=7))


def _message(subject: str) -> bytes:
    return (
        "From: UBND xa Thai Binh <vanthu@thaibinh.tayninh.gov.vn>\r\n"
        "To: phongnv-cth@tayninh.gov.vn\r\n"
        f"Subject: {subject}\r\n"
        f"Message-ID: <{subject.replace(' ', '-')}@thaibinh.tayninh.gov.vn>\r\n"
        "\r\n"
        "Kinh gui Phong Noi vu.\r\n"
    ).encode("ascii")


def _plain_client(sandbox: DovecotSandbox) -> IMAPClient:
    """A client built by hand, independent of DovecotSandbox.client()."""
    client = IMAPClient(sandbox.host, port=sandbox.port, ssl=False, timeout=10)
    client.normalise_times = False
    client.login(sandbox.user, sandbox.password)
    return client


def _refuses_connections(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return False
    except OSError:
        return True


def _pid_is_gone(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat.rpartition(")")[2].split()[0] in ("Z", "X")  # zombie: exited


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[DovecotSandbox]:
    with DovecotSandbox(tmp_path / "dovecot") as running:
        yield running


# (subject, INTERNALDATE): three different offsets, one of them Vietnam time.
SAMPLES = [
    ("bao cao thang 5", datetime(2024, 6, 1, 9, 12, tzinfo=ICT)),
    ("bao cao bo sung", datetime(2024, 6, 2, 23, 59, 58, tzinfo=UTC)),
    ("de xuat sang kien", datetime(2024, 1, 31, 18, 0, 1, tzinfo=timezone(timedelta(hours=-5)))),
]


def test_append_keeps_the_given_internaldate(sandbox: DovecotSandbox) -> None:
    uids = [sandbox.append(_message(subject), when) for subject, when in SAMPLES]

    client = _plain_client(sandbox)
    try:
        client.select_folder("INBOX", readonly=True)
        fetched = client.fetch(uids, ["INTERNALDATE"])
    finally:
        client.logout()

    for uid, (_, when) in zip(uids, SAMPLES, strict=True):
        internaldate = fetched[uid][b"INTERNALDATE"]
        assert internaldate.utcoffset() is not None
        assert internaldate == when  # same instant, whatever offset it is shown in
    # Dovecot renders in its own time zone, Vietnam time by default.
    assert fetched[uids[0]][b"INTERNALDATE"].isoformat() == "2024-06-01T09:12:00+07:00"
    assert fetched[uids[1]][b"INTERNALDATE"].isoformat() == "2024-06-03T06:59:58+07:00"


def test_append_returns_the_uid_of_the_new_message(sandbox: DovecotSandbox) -> None:
    uids = [sandbox.append(_message(subject), when) for subject, when in SAMPLES]

    client = _plain_client(sandbox)
    try:
        client.select_folder("INBOX", readonly=True)
        assert client.search(["ALL"]) == uids
        fetched = client.fetch(uids, ["BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])
    finally:
        client.logout()

    assert uids == [1, 2, 3]
    for uid, (subject, _) in zip(uids, SAMPLES, strict=True):
        header = fetched[uid][b"BODY[HEADER.FIELDS (SUBJECT)]"]
        assert header.strip() == f"Subject: {subject}".encode()


@pytest.mark.parametrize("folder", ["INBOX", "Ban"])
def test_delivered_messages_are_served_with_their_receive_time(
    sandbox: DovecotSandbox, folder: str
) -> None:
    delivered = sandbox.deliver(((_message(s), when) for s, when in SAMPLES), folder)

    client = _plain_client(sandbox)
    try:
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        fetched = client.fetch(uids, ["INTERNALDATE", "BODY.PEEK[HEADER.FIELDS (SUBJECT)]"])
    finally:
        client.logout()

    assert delivered == len(uids) == 3
    served = {
        fetched[uid][b"BODY[HEADER.FIELDS (SUBJECT)]"].strip(): fetched[uid][b"INTERNALDATE"]
        for uid in uids
    }
    assert served == {f"Subject: {s}".encode(): when for s, when in SAMPLES}


def test_append_to_another_folder_creates_it_and_sets_flags(sandbox: DovecotSandbox) -> None:
    uid = sandbox.append(_message("da xu ly"), SAMPLES[0][1], folder="Archive", flags=["\\Seen"])

    client = _plain_client(sandbox)
    try:
        client.select_folder("Archive", readonly=True)
        fetched = client.fetch([uid], ["FLAGS", "INTERNALDATE"])
    finally:
        client.logout()

    assert uid == 1
    assert b"\\Seen" in fetched[uid][b"FLAGS"]
    assert fetched[uid][b"INTERNALDATE"] == SAMPLES[0][1]


def test_append_refuses_a_naive_internaldate(sandbox: DovecotSandbox) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        sandbox.append(_message("naive"), datetime(2024, 6, 1, 9, 12))


def test_a_wrong_password_is_refused(sandbox: DovecotSandbox) -> None:
    client = IMAPClient(sandbox.host, port=sandbox.port, ssl=False, timeout=10)
    try:
        with pytest.raises(LoginError):
            client.login(sandbox.user, "not-the-password")
    finally:
        client.shutdown()


def test_the_user_and_password_are_configurable(tmp_path: Path) -> None:
    with DovecotSandbox(tmp_path / "d", user="Van.Thu@Example.VN", password="p:w d%") as sandbox:
        client = _plain_client(sandbox)
        try:
            assert client.select_folder("INBOX")[b"EXISTS"] == 0
        finally:
            client.logout()


def test_seed_appends_every_message_in_the_manifest(
    sandbox: DovecotSandbox, tmp_path: Path
) -> None:
    mail_dir = tmp_path / "mails"
    mail_dir.mkdir()
    (mail_dir / "01-first.eml").write_bytes(_message("first"))
    (mail_dir / "02-second.eml").write_bytes(_message("second"))
    (mail_dir / "manifest.toml").write_text(
        "# sample mails\n"
        "[[message]]\n"
        'file = "01-first.eml"\n'
        "received_at = 2024-06-01T09:12:00+07:00\n"
        'note = "ignored"\n'
        "\n"
        "[[message]]\n"
        'file = "02-second.eml"\n'
        "received_at = 2024-06-03T07:30:00Z\n"
        "expect = { unit = 'xa-thai-binh' }\n",
        encoding="utf-8",
    )

    assert sandbox.seed(mail_dir) == 2

    client = _plain_client(sandbox)
    try:
        client.select_folder("INBOX", readonly=True)
        fetched = client.fetch([1, 2], ["INTERNALDATE", "BODY.PEEK[]"])
    finally:
        client.logout()
    assert fetched[1][b"INTERNALDATE"] == datetime(2024, 6, 1, 9, 12, tzinfo=ICT)
    assert fetched[2][b"INTERNALDATE"] == datetime(2024, 6, 3, 7, 30, tzinfo=UTC)
    assert fetched[1][b"BODY[]"] == _message("first")
    assert fetched[2][b"BODY[]"] == _message("second")


def test_stop_ends_dovecot_and_closes_the_port(tmp_path: Path) -> None:
    sandbox = DovecotSandbox(tmp_path / "dovecot")
    sandbox.start()
    pid = int((tmp_path / "dovecot" / "run" / "master.pid").read_text())
    assert not _refuses_connections(sandbox.port)

    sandbox.stop()

    assert _refuses_connections(sandbox.port)
    assert _pid_is_gone(pid)
    assert not sandbox.running()
    sandbox.stop()  # idempotent


def test_start_begins_with_an_empty_mailbox(tmp_path: Path) -> None:
    root = tmp_path / "dovecot"
    with DovecotSandbox(root) as first:
        first.append(_message("old"), SAMPLES[0][1])
    with DovecotSandbox(root) as second:
        assert second.append(_message("new"), SAMPLES[1][1]) == 1


def test_start_replaces_a_dovecot_still_running_from_the_same_root(tmp_path: Path) -> None:
    root = tmp_path / "dovecot"
    first = DovecotSandbox(root)
    first.start()
    old_port = first.port
    second = DovecotSandbox(root)
    try:
        second.start()
        assert second.port != old_port
        assert _refuses_connections(old_port)
        client = _plain_client(second)
        client.logout()
    finally:
        second.stop()
        first.stop()


def test_two_sandboxes_run_side_by_side(tmp_path: Path) -> None:
    with (
        DovecotSandbox(tmp_path / "a") as a,
        DovecotSandbox(tmp_path / "b", user="other@tayninh.gov.vn") as b,
    ):
        assert a.port != b.port
        a.append(_message("for a"), SAMPLES[0][1])
        client = _plain_client(b)
        try:
            assert client.select_folder("INBOX")[b"EXISTS"] == 0
        finally:
            client.logout()


def test_a_failed_start_reports_the_dovecot_log(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        sandbox = DovecotSandbox(tmp_path / "dovecot", port=taken.getsockname()[1])
        with pytest.raises(SandboxError, match="in use"):
            sandbox.start()
    assert not sandbox.running()


def test_free_port_returns_a_bindable_port() -> None:
    port = free_port()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))


def test_command_line_starts_seeds_and_stops_a_daemon(tmp_path: Path) -> None:
    root = tmp_path / "cli"
    mail_dir = tmp_path / "mails"
    mail_dir.mkdir()
    (mail_dir / "only.eml").write_bytes(_message("only"))
    (mail_dir / "manifest.toml").write_text(
        '[[message]]\nfile = "only.eml"\nreceived_at = 2024-06-01T09:12:00+07:00\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(SCRIPT), *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            check=True,
        )

    started = cli("start", "--root", str(root), "--seed", str(mail_dir))
    try:
        info = json.loads((root / "sandbox.json").read_text())
        assert started.stdout.strip() == str(info["port"])
        assert info["host"] == "127.0.0.1"
        assert info["seeded"] == 1
        sandbox = DovecotSandbox(
            root, port=info["port"], user=info["user"], password=info["password"]
        )
        client = _plain_client(sandbox)  # the daemon outlived the CLI process
        try:
            assert client.select_folder("INBOX", readonly=True)[b"EXISTS"] == 1
        finally:
            client.logout()
    finally:
        cli("stop", "--root", str(root))

    assert _refuses_connections(info["port"])
    assert not (root / "sandbox.json").exists()
