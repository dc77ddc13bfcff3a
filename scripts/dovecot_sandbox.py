"""A throwaway, real Dovecot IMAP server for the demo and the test suite.

Each sandbox is a private Dovecot 2.3 instance started with ``dovecot -c
ROOT/dovecot.conf``. The configuration is written from scratch (the system's
``/etc/dovecot`` is never read), and every path Dovecot touches lives inside
the caller's root folder, so sandboxes neither collide with a system Dovecot
nor with each other::

    ROOT/dovecot.conf   the standalone configuration
    ROOT/passwd         passwd-file with the single IMAP user
    ROOT/run/           base_dir (master.pid, sockets, login chroots)
    ROOT/state/         state_dir
    ROOT/log/           dovecot.log (log_path = info_log_path = debug_log_path)
                        and dovecot-start.log (stdout/stderr of ``dovecot``)
    ROOT/mail/          the mail home; messages are in ROOT/mail/Maildir
    ROOT/sandbox.json   connection details (written by the command line only)

Dovecot listens on 127.0.0.1 only, speaks plain IMAP (no TLS, no POP3, LMTP
or submission) and accepts one user with a plaintext password.

Running as root, Dovecot refuses to access mail as uid 0, so mail belongs to
the unprivileged system user ``cchcmail`` (created if missing, as are
Dovecot's own ``dovecot`` and ``dovenull`` users). Because the root folder may
sit below directories that only root can enter (pytest's ``tmp_path`` does),
the mail processes chroot into ``ROOT/mail`` before dropping privileges, and
the auth process runs as root so that it can read ``ROOT/passwd``; login
processes still run as ``dovenull``. Running as an ordinary user, every
Dovecot process runs as that user and nothing is chrooted.

Command line (for shell scripts)::

    python scripts/dovecot_sandbox.py start --root DIR [--port N] [--seed MAIL_DIR]
                                            [--user U] [--password P]
    python scripts/dovecot_sandbox.py stop --root DIR

``start`` first stops a Dovecot still running from the same root (it is never
reused), wipes the maildir, starts a fresh daemonised Dovecot that keeps
running after Python exits, optionally seeds it from ``MAIL_DIR/manifest.toml``,
writes ``DIR/sandbox.json`` and prints the port. Without ``--port`` a new free
port is chosen on every start. ``stop`` stops it and removes ``sandbox.json``;
stopping a root where nothing runs is not an error.
"""

from __future__ import annotations

import argparse
import base64
import errno
import grp
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType

from imapclient import IMAPClient  # type: ignore[import-untyped, unused-ignore]

__all__ = [
    "DEFAULT_PASSWORD",
    "DEFAULT_USER",
    "DovecotSandbox",
    "SandboxError",
    "free_port",
    "main",
]

DEFAULT_USER = "phongnv-cth@tayninh.gov.vn"
DEFAULT_PASSWORD = "demo-password"
HOST = "127.0.0.1"
#: TZ of the Dovecot processes: Vietnam time (Asia/Ho_Chi_Minh, UTC+07:00, no
#: DST) as a POSIX string, which needs no zoneinfo file inside the mail chroot.
SERVER_TZ = "ICT-7"

#: Unprivileged owner of the mail storage when the sandbox runs as root.
MAIL_SYSTEM_USER = "cchcmail"
LOGIN_SYSTEM_USER = "dovenull"
INTERNAL_SYSTEM_USER = "dovecot"

START_TIMEOUT = 10.0
STOP_TIMEOUT = 10.0
CLIENT_TIMEOUT = 10.0

_APPENDUID = re.compile(rb"\[APPENDUID (\d+) (\d+)\]", re.IGNORECASE)
_LOG_TAIL_LINES = 40


_REPO = Path(__file__).resolve().parents[1]


class SandboxError(RuntimeError):
    """Dovecot could not be started, stopped or used."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


class DovecotSandbox:
    """One private Dovecot instance rooted in ``root``.

    ``start()`` always begins from an empty mailbox: it stops a Dovecot still
    running from the same root and wipes ``root/mail``. Use it as a context
    manager to start and stop it::

        with DovecotSandbox(tmp_path / "imap") as imap:
            uid = imap.append(raw, received_at)
            with imap.client() as client:
                ...
    """

    host: str
    port: int
    user: str
    password: str

    def __init__(
        self,
        root: Path,
        port: int | None = None,
        user: str = DEFAULT_USER,
        password: str = DEFAULT_PASSWORD,
        *,
        tz: str = SERVER_TZ,
        settings: Sequence[str] = (),
    ) -> None:
        """``settings`` are extra dovecot.conf lines (e.g. a narrower ``imap_capability``).

        ``tz`` is the TZ of the Dovecot processes. Dovecot stores only the
        instant of an INTERNALDATE and renders it in its own time zone, so a
        message appended at +07:00 comes back with +07:00 under the default.
        """
        _check_passwd_field("user", user)
        if not user or any(ch in user for ch in " \t"):
            raise ValueError(f"user must be non-empty and contain no blanks: {user!r}")
        if "\n" in password or "\r" in password or "\0" in password:
            raise ValueError("password must not contain line breaks or NUL")
        self.root = Path(os.path.abspath(root))
        _check_config_value("root", str(self.root))
        self.host = HOST
        self._port_given = port is not None
        self.port = port if port is not None else free_port()
        self.user = user
        self.password = password
        self.tz = tz
        for line in settings:
            _check_config_value("setting", line)
        self.settings = tuple(settings)

    # ------------------------------------------------------------------ paths

    @property
    def config_path(self) -> Path:
        return self.root / "dovecot.conf"

    @property
    def passwd_path(self) -> Path:
        return self.root / "passwd"

    @property
    def base_dir(self) -> Path:
        return self.root / "run"

    @property
    def state_dir(self) -> Path:
        return self.root / "state"

    @property
    def log_path(self) -> Path:
        return self.root / "log" / "dovecot.log"

    @property
    def start_log_path(self) -> Path:
        return self.root / "log" / "dovecot-start.log"

    @property
    def mail_home(self) -> Path:
        return self.root / "mail"

    @property
    def maildir(self) -> Path:
        return self.mail_home / "Maildir"

    @property
    def pid_path(self) -> Path:
        return self.base_dir / "master.pid"

    # -------------------------------------------------------------- lifecycle

    def start(self) -> None:
        """Write config, passwd and an empty maildir, then start Dovecot.

        Returns once the port accepts connections and sends the IMAP greeting
        (at most about ten seconds); raises SandboxError with the tail of the
        Dovecot log otherwise.
        """
        self.stop()  # a Dovecot left running from this root is replaced
        attempts = 1 if self._port_given else 3
        for attempt in range(attempts):
            try:
                self._start_once()
                return
            except SandboxError as exc:
                if attempt + 1 < attempts and "in use" in str(exc):
                    self.port = free_port()  # lost a race for the free port
                    continue
                raise

    def stop(self) -> None:
        """Stop Dovecot and wait (bounded) until it is gone. Idempotent."""
        pid = self._master_pid()
        if pid is None:
            return
        port = self._configured_port()  # may differ from self.port (another start)
        if self.config_path.exists():
            self._doveadm_stop(pid)
        if _alive(pid):  # no config, doveadm failed, or the master ignored it
            _signal(pid, signal.SIGTERM)
            if not _wait_until(lambda: not _alive(pid), STOP_TIMEOUT):
                _signal(pid, signal.SIGKILL)
                if not _wait_until(lambda: not _alive(pid), 2.0):
                    raise SandboxError(f"Dovecot master {pid} did not stop\n{self.log_tail()}")
        # Children notice the master is gone and exit; wait for the listener.
        if port is not None:
            _wait_until(lambda: not _port_open(self.host, port), STOP_TIMEOUT)
        self.pid_path.unlink(missing_ok=True)

    def _doveadm_stop(self, pid: int) -> None:
        """Run ``doveadm -c conf stop`` and wait until the master has exited.

        doveadm sends SIGTERM, then polls kill(pid, 0) for up to 3 s. An exited
        master stays a zombie until init reaps it, which some container inits
        do late, so doveadm would always sit out its 3 s: we watch the master
        ourselves (zombie-aware) and end doveadm once the master is gone.
        """
        doveadm = subprocess.Popen(
            [_binary("doveadm"), "-c", str(self.config_path), "stop"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_until(
                lambda: not _alive(pid) or doveadm.poll() not in (None, 0),
                STOP_TIMEOUT,
            )
        finally:
            if doveadm.poll() is None:
                doveadm.kill()
            doveadm.wait()

    def __enter__(self) -> DovecotSandbox:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def running(self) -> bool:
        """Whether a Dovecot master started from this root is alive."""
        return self._master_pid() is not None

    def log_tail(self, lines: int = _LOG_TAIL_LINES) -> str:
        """The last lines of the Dovecot log and of dovecot's own output."""
        parts = []
        for path in (self.start_log_path, self.log_path):
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            if text.strip():
                tail = "\n".join(text.splitlines()[-lines:])
                parts.append(f"--- {path} ---\n{tail}")
        return "\n".join(parts) if parts else "(Dovecot wrote no log)"

    # ------------------------------------------------------------------ IMAP

    def client(self) -> IMAPClient:
        """A new IMAPClient, logged in as the sandbox user (caller logs out)."""
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=CLIENT_TIMEOUT)
        try:
            client.login(self.user, self.password)
        except BaseException:
            client.shutdown()
            raise
        return client

    def append(
        self,
        raw: bytes,
        internaldate: datetime,
        folder: str = "INBOX",
        flags: Sequence[str] = (),
    ) -> int:
        """APPEND ``raw`` with the given INTERNALDATE and return its UID.

        ``internaldate`` must be timezone-aware; the server keeps the instant
        (to the second). The folder is created if it does not exist.
        """
        client = self.client()
        try:
            return _append(client, raw, internaldate, folder, flags)
        finally:
            client.logout()

    def deliver(self, messages: Iterable[tuple[bytes, datetime]], folder: str = "INBOX") -> int:
        """Deliver messages into ``folder``'s Maildir as a local delivery agent does.

        Each file is written in ``tmp/`` and renamed into ``new/``; its mtime is the
        receive time, which Dovecot gives as the INTERNALDATE. Much faster than
        APPEND for the large folders of the benchmarks (Dovecot indexes the
        files when the folder is next opened). Returns how many were delivered.
        """
        target = self.maildir if folder == "INBOX" else self.maildir / f".{folder}"
        owner = pwd.getpwnam(MAIL_SYSTEM_USER) if os.geteuid() == 0 else None
        for sub in ("cur", "new", "tmp"):
            (target / sub).mkdir(parents=True, exist_ok=True)
        if target != self.maildir:
            (target / "maildirfolder").touch()
        count = 0
        stamp = f"{int(time.time())}.M{{}}P{os.getpid()}.sandbox"
        for raw, received_at in messages:
            name = stamp.format(count)
            draft = target / "tmp" / name
            draft.write_bytes(raw)
            moment = received_at.timestamp()
            os.utime(draft, (moment, moment))
            if owner is not None:
                os.chown(draft, owner.pw_uid, owner.pw_gid)
            draft.rename(target / "new" / name)
            count += 1
        if owner is not None:
            for path in [target, *(target / sub for sub in ("cur", "new", "tmp"))]:
                os.chown(path, owner.pw_uid, owner.pw_gid)
            if target != self.maildir:
                os.chown(target / "maildirfolder", owner.pw_uid, owner.pw_gid)
        return count

    def inbox_config(
        self,
        *,
        database_url: str,
        folder: str,
        password_env: str,
        batch_size: int = 100,
        campaign: str = "Sáng kiến, giải pháp CCHC năm 2024",
    ) -> str:
        """Return a cchc-inbox config.toml that polls ``folder`` of this sandbox.

        The 2024 campaign and roster, the demo address book, storage in ``files``
        beside the config file. Used by the end-to-end tests and the benchmarks.
        """
        return f"""
[database]
url = "{database_url}"
[storage]
dir = "files"
[units]
file = "{_REPO / "units.toml"}"
addresses_file = "{_REPO / "demo" / "addresses.toml"}"
[[mailboxes]]
name = "phongnv"
host = "{self.host}"
port = {self.port}
security = "none"
username = "{self.user}"
password_env = "{password_env}"
folder = "{folder}"
batch_size = {batch_size}
[campaign]
name = "{campaign}"
opens = 2024-05-15
closes = 2024-06-25
timezone = "Asia/Ho_Chi_Minh"
min_per_unit = 1
[schedule]
poll_every = "5m"
digest_at = "07:00"
"""

    def seed(self, mail_dir: Path, folder: str = "INBOX") -> int:
        """Append every message listed in ``mail_dir/manifest.toml``.

        Each ``[[message]]`` needs ``file`` (relative to ``mail_dir``) and
        ``received_at`` (an offset datetime, used as INTERNALDATE); other keys
        are ignored. Messages are appended in manifest order. Returns the count.
        """
        messages = read_manifest(Path(mail_dir))
        client = self.client()
        try:
            for path, received_at in messages:
                _append(client, path.read_bytes(), received_at, folder, ())
        finally:
            client.logout()
        return len(messages)

    # -------------------------------------------------------------- internals

    def _start_once(self) -> None:
        self._prepare()
        with self.start_log_path.open("wb") as out:
            try:
                result = subprocess.run(
                    [_binary("dovecot"), "-c", str(self.config_path)],
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    timeout=START_TIMEOUT,
                    check=False,
                    env={**os.environ, "TZ": self.tz},
                )
            except subprocess.TimeoutExpired as exc:
                raise SandboxError(f"dovecot did not daemonise\n{self.log_tail()}") from exc
        if result.returncode != 0:
            raise SandboxError(
                f"dovecot -c {self.config_path} exited with {result.returncode}\n{self.log_tail()}"
            )
        started = time.monotonic()
        while time.monotonic() - started < START_TIMEOUT:
            if self._greets():
                return
            if time.monotonic() - started > 1.0 and self._master_pid() is None:
                break  # the master went away: no point in waiting longer
            time.sleep(0.05)
        pid = self._master_pid()
        if pid is not None:
            self.stop()
        raise SandboxError(
            f"Dovecot did not greet on {self.host}:{self.port} within "
            f"{START_TIMEOUT:.0f} s\n{self.log_tail()}"
        )

    def _configured_port(self) -> int | None:
        try:
            config = self.config_path.read_text(encoding="utf-8")
        except OSError:
            return None
        match = re.search(r"inet_listener imap \{[^}]*?\bport = (\d+)", config)
        return int(match.group(1)) if match else None

    def _greets(self) -> bool:
        try:
            with socket.create_connection((self.host, self.port), timeout=1.0) as sock:
                return sock.recv(256).startswith(b"* OK")
        except OSError:
            return False

    def _master_pid(self) -> int | None:
        """The pid in master.pid if that process is alive and is our master."""
        try:
            pid = int(self.pid_path.read_text().strip())
        except (OSError, ValueError):
            return None
        if not _alive(pid):
            return None
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            return pid  # no /proc: trust the pid file
        if str(self.config_path).encode() not in cmdline:
            return None  # pid recycled by an unrelated process
        return pid

    def _prepare(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        self.log_path.parent.mkdir(exist_ok=True)
        self.state_dir.mkdir(exist_ok=True)
        if self.mail_home.exists():
            shutil.rmtree(self.mail_home)
        shutil.rmtree(self.base_dir, ignore_errors=True)
        for sub in ("cur", "new", "tmp"):
            (self.maildir / sub).mkdir(parents=True)
        self.log_path.write_bytes(b"")  # a fresh log per start

        self.passwd_path.write_text(_passwd_line(self.user, self.password), encoding="utf-8")
        self.passwd_path.chmod(0o600)

        if os.geteuid() == 0:
            for name in (INTERNAL_SYSTEM_USER, LOGIN_SYSTEM_USER, MAIL_SYSTEM_USER):
                _ensure_system_user(name)
            mail = pwd.getpwnam(MAIL_SYSTEM_USER)
            for path in [self.mail_home, *self.mail_home.rglob("*")]:
                os.chown(path, mail.pw_uid, mail.pw_gid)
            self.mail_home.chmod(0o700)
            config = self._config_as_root(mail.pw_uid, mail.pw_gid)
        else:
            config = self._config_as_user()
        self.config_path.write_text(config, encoding="utf-8")

    def _config_common(self) -> list[str]:
        q = _quote
        return [
            "# Written by scripts/dovecot_sandbox.py; regenerated on every start.",
            "protocols = imap",
            f"listen = {self.host}",
            f"base_dir = {q(str(self.base_dir))}",
            f"state_dir = {q(str(self.state_dir))}",
            f"log_path = {q(str(self.log_path))}",
            f"info_log_path = {q(str(self.log_path))}",
            f"debug_log_path = {q(str(self.log_path))}",
            "verbose_proctitle = yes",
            "ssl = no",
            "disable_plaintext_auth = no",
            "auth_mechanisms = plain login",
            "auth_username_format = %u",
            "auth_verbose = yes",
            "auth_failure_delay = 0",  # tests of wrong passwords need not wait 2 s
            "mail_location = maildir:~/Maildir",
            "",
            "passdb {",
            "  driver = passwd-file",
            f"  args = scheme=PLAIN username_format=%u {_escape_vars(str(self.passwd_path))}",
            "}",
            "userdb {",
            "  driver = static",
            "  args = allow_all_users=yes",
            "}",
            "",
            "protocol imap {",
            "  mail_max_userip_connections = 100",
            "}",
            "",
            "service imap-login {",
            "  inet_listener imap {",
            f"    address = {self.host}",
            f"    port = {self.port}",
            "  }",
            "  inet_listener imaps {",
            "    port = 0",
            "  }",
            "}",
            *self.settings,
        ]

    def _config_as_root(self, mail_uid: int, mail_gid: int) -> str:
        lines = self._config_common()
        lines += [
            "",
            f"default_internal_user = {INTERNAL_SYSTEM_USER}",
            f"default_login_user = {LOGIN_SYSTEM_USER}",
            f"mail_uid = {mail_uid}",
            f"mail_gid = {mail_gid}",
            f"first_valid_uid = {mail_uid}",
            f"last_valid_uid = {mail_uid}",
            f"first_valid_gid = {mail_gid}",
            f"last_valid_gid = {mail_gid}",
            # Mail processes chroot into ROOT/mail (as root, before dropping to
            # mail_uid), so ROOT's ancestors need not be searchable by mail_uid.
            f"valid_chroot_dirs = {_quote(str(self.mail_home))}",
            f"mail_chroot = {_quote(_escape_vars(str(self.mail_home)))}",
            "mail_home = /",
            "",
            # Reads ROOT/passwd, which may be below a directory only root enters.
            "service auth {",
            "  user = root",
            "}",
            "",
        ]
        return "\n".join(lines)

    def _config_as_user(self) -> str:
        me = pwd.getpwuid(os.geteuid())
        lines = self._config_common()
        lines += [
            "",
            f"default_internal_user = {me.pw_name}",
            f"default_login_user = {me.pw_name}",
            f"default_internal_group = {grp.getgrgid(me.pw_gid).gr_name}",
            f"mail_uid = {me.pw_uid}",
            f"mail_gid = {me.pw_gid}",
            f"first_valid_uid = {me.pw_uid}",
            f"last_valid_uid = {me.pw_uid}",
            f"first_valid_gid = {me.pw_gid}",
            f"last_valid_gid = {me.pw_gid}",
            f"mail_home = {_quote(_escape_vars(str(self.mail_home)))}",
            "",
        ]
        # Without root there is no chroot() and no switching users.
        for service in ("anvil", "imap-login", "ipc", "aggregator", "director"):
            lines += [f"service {service} {{", "  chroot =", "}"]
        for service in ("auth-worker", "imap-urlauth-worker", "indexer-worker"):
            lines += [f"service {service} {{", f"  user = {me.pw_name}", "}"]
        lines.append("")
        return "\n".join(lines)


# ------------------------------------------------------------------ helpers


def read_manifest(mail_dir: Path) -> list[tuple[Path, datetime]]:
    """(message file, received_at) for each ``[[message]]`` of the manifest."""
    manifest = mail_dir / "manifest.toml"
    with manifest.open("rb") as fh:
        data = tomllib.load(fh)
    entries = data.get("message", [])
    if not isinstance(entries, list):
        raise ValueError(f"{manifest}: 'message' must be an array of tables")
    messages: list[tuple[Path, datetime]] = []
    for index, entry in enumerate(entries, start=1):
        where = f"{manifest}: message #{index}"
        if not isinstance(entry, dict):
            raise ValueError(f"{where} is not a table")
        file = entry.get("file")
        received_at = entry.get("received_at")
        if not isinstance(file, str) or not file:
            raise ValueError(f"{where}: 'file' must be a non-empty string")
        if not isinstance(received_at, datetime) or received_at.utcoffset() is None:
            raise ValueError(f"{where}: 'received_at' must be an offset datetime")
        if not (mail_dir / file).is_file():
            raise ValueError(f"{where}: no such file {mail_dir / file}")
        messages.append((mail_dir / file, received_at))
    return messages


def _append(
    client: IMAPClient,
    raw: bytes,
    internaldate: datetime,
    folder: str,
    flags: Sequence[str],
) -> int:
    if internaldate.utcoffset() is None:
        raise ValueError("internaldate must be timezone-aware")
    if folder.upper() != "INBOX" and not client.folder_exists(folder):
        client.create_folder(folder)
    response = client.append(folder, raw, flags=tuple(flags), msg_time=internaldate)
    if isinstance(response, str):
        response = response.encode()
    match = _APPENDUID.search(response) if isinstance(response, bytes) else None
    if match is not None:
        return int(match.group(2))
    # No UIDPLUS: UIDs only grow, so the message just appended has the largest.
    client.select_folder(folder, readonly=True)
    uids = client.search(["ALL"])
    if not uids:
        raise SandboxError(f"APPEND to {folder} succeeded but the folder is empty")
    return int(max(uids))


def _passwd_line(user: str, password: str) -> str:
    # PLAIN.b64 keeps any character of the password out of the ':'-separated line.
    encoded = base64.b64encode(password.encode("utf-8")).decode("ascii")
    return f"{user}:{{PLAIN.b64}}{encoded}::::::\n"


def _check_passwd_field(name: str, value: str) -> None:
    if any(ch in value for ch in ":\n\r\0"):
        raise ValueError(f"{name} must not contain ':', line breaks or NUL: {value!r}")


def _check_config_value(name: str, value: str) -> None:
    if any(ch in value for ch in '\n\r\0"\\'):
        raise ValueError(f"{name} must not contain quotes, backslashes or line breaks")


def _quote(value: str) -> str:
    return f'"{value}"'


def _escape_vars(value: str) -> str:
    """Escape '%' for settings that Dovecot expands variables in."""
    return value.replace("%", "%%")


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for folder in ("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"):
        candidate = Path(folder) / name
        if candidate.exists():
            return str(candidate)
    raise SandboxError(f"{name} not found (install dovecot-imapd)")


def _ensure_system_user(name: str) -> None:
    try:
        pwd.getpwnam(name)
        return
    except KeyError:
        pass
    nologin = "/usr/sbin/nologin" if Path("/usr/sbin/nologin").exists() else "/bin/false"
    result = subprocess.run(
        [
            "useradd",
            "--system",
            "--user-group",
            "--no-create-home",
            "--home-dir",
            "/nonexistent",
            "--shell",
            nologin,
            name,
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    try:
        pwd.getpwnam(name)  # also fine if a concurrent sandbox created it
    except KeyError:
        detail = result.stderr.strip()
        raise SandboxError(f"could not create system user {name}: {detail}") from None


def _alive(pid: int) -> bool:
    """Whether pid exists and is not a zombie (PID 1 may never reap it)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    state = stat.rpartition(")")[2].split()
    return not state or state[0] not in ("Z", "X")


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass
    except OSError as exc:
        if exc.errno != errno.ESRCH:
            raise


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def _wait_until(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


# -------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run a throwaway Dovecot IMAP server (see the module docstring).",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser(
        "start",
        help="(re)start a sandbox with an empty mailbox, print its port",
    )
    start.add_argument("--root", type=Path, required=True, help="folder for all sandbox files")
    start.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    start.add_argument(
        "--seed",
        type=Path,
        action="append",
        default=[],
        metavar="MAIL_DIR",
        help="folder with manifest.toml (repeat to seed several, in order)",
    )
    start.add_argument("--user", default=DEFAULT_USER)
    start.add_argument("--password", default=DEFAULT_PASSWORD)
    start.add_argument(
        "--tz",
        default=SERVER_TZ,
        help=f"TZ of Dovecot, i.e. the offset of INTERNALDATE responses (default {SERVER_TZ})",
    )
    stop = commands.add_parser("stop", help="stop the sandbox running from --root")
    stop.add_argument("--root", type=Path, required=True)
    args = parser.parse_args(argv)

    root: Path = args.root
    info_path = root / "sandbox.json"
    try:
        if args.command == "stop":
            DovecotSandbox(root).stop()
            info_path.unlink(missing_ok=True)
            return 0
        DovecotSandbox(root).stop()  # never reuse: a fresh server on every start
        info_path.unlink(missing_ok=True)
        sandbox = DovecotSandbox(
            root, port=args.port, user=args.user, password=args.password, tz=args.tz
        )
        sandbox.start()
        try:
            seeded = sum(sandbox.seed(folder) for folder in args.seed)
        except BaseException:
            sandbox.stop()
            raise
        info = {
            "host": sandbox.host,
            "port": sandbox.port,
            "user": sandbox.user,
            "password": sandbox.password,
            "tz": sandbox.tz,
            "root": str(sandbox.root),
            "log": str(sandbox.log_path),
            "seeded": seeded,
        }
        info_path.write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
        print(sandbox.port)
        return 0
    except (SandboxError, OSError, ValueError, tomllib.TOMLDecodeError) as exc:
        print(f"dovecot_sandbox: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
