"""Read and validate config.toml and the roster; every error names file and key."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli

from parsers.campaign import Campaign
from parsers.limits import DEFAULT_LIMITS, Limits
from parsers.roster import Roster, Unit, UnitKind
from parsers.text import nfc
from parsers.units import parse_place

SECURITY_MODES = ("ssl", "starttls", "none")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class ConfigError(Exception):
    """A configuration or roster file is wrong; the message says where and how."""

    def __init__(self, path: Path, key: str, problem: str) -> None:
        super().__init__(f"{path}: {key}: {problem}" if key else f"{path}: {problem}")


@dataclass(frozen=True)
class MailboxConfig:
    name: str
    host: str
    port: int
    security: str
    username: str
    password_env: str | None
    password_file: Path | None
    folder: str
    trusted_authserv_id: str | None
    batch_size: int
    timeout: float
    # Optional post-processing after commit: None (off), "flag" or "move".
    mark_processed: str | None = None
    move_to: str | None = None
    # `serve` also waits in IMAP IDLE on the folder and polls as soon as mail arrives.
    idle: bool = False


@dataclass(frozen=True)
class ScheduleConfig:
    poll_every: timedelta
    digest_at: time
    # `status` fails when a folder's last successful poll is older (None: the default).
    stale_after: timedelta | None = None


@dataclass(frozen=True)
class SmtpConfig:
    """Outgoing mail ([smtp]); absent means nothing is ever sent."""

    host: str
    port: int
    security: str
    username: str | None
    password_env: str | None
    password_file: Path | None
    sender: str  # the From: header, "Phòng Nội vụ … <phongnv-cth@…>"
    timeout: float = 60.0
    max_attempts: int = 5
    retry_after: timedelta = timedelta(minutes=1)  # doubled after every failed attempt


@dataclass(frozen=True)
class DigestConfig:
    to: tuple[str, ...] = ()


@dataclass(frozen=True)
class NotificationsConfig:
    receipts: bool = False
    reminder_days_before: tuple[int, ...] = ()


@dataclass(frozen=True)
class WebConfig:
    """The staff's web application ([web]); every key has a default."""

    bind: str = "127.0.0.1:8080"
    threads: int = 8  # requests served at once (waitress)
    idle_timeout: timedelta = timedelta(minutes=30)  # signed out after this long unused
    max_failed_logins: int = 5  # failed logins of one account before it is held back
    lockout: timedelta = timedelta(minutes=15)  # how long; also the window counted
    # Behind nginx: trust one proxy's X-Forwarded-For/-Proto (client address, https).
    behind_proxy: bool = False


@dataclass(frozen=True)
class Config:
    path: Path
    database_url: str
    storage_dir: Path
    units_file: Path
    addresses_file: Path | None
    mailboxes: tuple[MailboxConfig, ...]
    campaign: Campaign
    schedule: ScheduleConfig
    smtp: SmtpConfig | None = None
    digest: DigestConfig = DigestConfig()
    notifications: NotificationsConfig = NotificationsConfig()
    limits: Limits = DEFAULT_LIMITS
    web: WebConfig = WebConfig()


def load_config(path: Path) -> Config:
    """Read ``path`` and return the validated configuration."""
    data = _read_toml(path)
    base = path.resolve().parent
    reader = _Reader(path, data)
    database = reader.table("database")
    storage = reader.table("storage")
    units = reader.table("units")
    addresses = reader.optional_text(units, "units", "addresses_file")
    mailboxes = data.get("mailboxes")
    if not isinstance(mailboxes, list) or not mailboxes:
        raise ConfigError(path, "[[mailboxes]]", "at least one mailbox is required")
    parsed_boxes = tuple(
        _mailbox(reader, item, f"mailboxes[{i}]", base) for i, item in enumerate(mailboxes)
    )
    names = [m.name for m in parsed_boxes]
    if len(set(names)) != len(names):
        raise ConfigError(path, "[[mailboxes]].name", "mailbox names must be unique")
    return Config(
        path=path.resolve(),
        database_url=_resolve_sqlite(reader.text(database, "database", "url"), base),
        storage_dir=base / reader.text(storage, "storage", "dir"),
        units_file=base / reader.text(units, "units", "file"),
        addresses_file=base / addresses if addresses else None,
        mailboxes=parsed_boxes,
        campaign=_campaign(reader, reader.table("campaign")),
        schedule=_schedule(reader, reader.table("schedule")),
        smtp=_smtp(reader, data.get("smtp"), base),
        digest=_digest(reader, data.get("digest")),
        notifications=_notifications(reader, data.get("notifications")),
        limits=_limits(reader, data.get("limits")),
        web=_web(reader, data.get("web")),
    )


def load_roster(units_file: Path, addresses_file: Path | None = None) -> Roster:
    """Read the roster (and an optional address book) and check it."""
    data = _read_toml(units_file)
    reader = _Reader(units_file, data)
    items = data.get("unit")
    if not isinstance(items, list) or not items:
        raise ConfigError(units_file, "[[unit]]", "the roster lists no unit")
    units = tuple(_unit(reader, item, f"unit[{i}]") for i, item in enumerate(items))
    codes: set[str] = set()
    for unit in units:  # a set: a roster of 1,000 units costs nothing to check
        if unit.code in codes:
            raise ConfigError(units_file, "unit.code", f"code {unit.code!r} is used twice")
        codes.add(unit.code)
    addresses: dict[str, str] = {}
    if addresses_file is not None:
        book = _read_toml(addresses_file).get("addresses", {})
        if not isinstance(book, dict):
            raise ConfigError(addresses_file, "[addresses]", "must be a table")
        for email, code in book.items():
            if code not in codes:
                raise ConfigError(addresses_file, f"addresses.{email!r}", f"unknown unit {code!r}")
            addresses[email.lower()] = code
    return Roster(units=units, addresses=addresses, area=_area(reader, data.get("area", [])))


def _area(reader: _Reader, value: object) -> tuple[str, ...]:
    """The places the units belong to (``area = ["huyện Châu Thành", "tỉnh Tây Ninh"]``)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise reader.fail("area", 'must be a list of places such as "tỉnh Tây Ninh"')
    for place in value:
        try:
            parse_place(place)
        except ValueError as error:
            raise reader.fail("area", str(error)) from None
    return tuple(nfc(place.strip()) for place in value)


def parse_duration(text: str) -> timedelta:
    """Parse "30s", "5m", "1h" or "1d"."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", text)
    if not match:
        raise ValueError(f"expected a duration like 30s, 5m, 1h, got {text!r}")
    unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
    return timedelta(**{unit: int(match.group(1))})


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomli.load(handle)
    except FileNotFoundError:
        raise ConfigError(path, "", "file not found") from None
    except tomli.TOMLDecodeError as error:
        raise ConfigError(path, "", f"not valid TOML: {error}") from None


class _Reader:
    """Typed access to TOML values that names the offending key on error."""

    def __init__(self, path: Path, data: Mapping[str, Any]) -> None:
        self.path = path
        self.data = data

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.path, key, problem)

    def table(self, name: str) -> Mapping[str, Any]:
        value = self.data.get(name)
        if not isinstance(value, dict):
            raise self.fail(f"[{name}]", "missing table")
        return value

    def text(self, table: Mapping[str, Any], where: str, key: str) -> str:
        value = table.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"[{where}].{key}", "required, a non-empty string")
        return value

    def optional_text(self, table: Mapping[str, Any], where: str, key: str) -> str | None:
        if key not in table:
            return None
        return self.text(table, where, key)

    def integer(self, table: Mapping[str, Any], where: str, key: str, default: int) -> int:
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(f"[{where}].{key}", "must be a whole number >= 0")
        return value

    def day(self, table: Mapping[str, Any], where: str, key: str) -> date:
        value = table.get(key)
        if not isinstance(value, date) or hasattr(value, "hour"):
            raise self.fail(f"[{where}].{key}", "required, a date like 2024-05-15 (no quotes)")
        return value


def _mailbox(reader: _Reader, item: Any, where: str, base: Path) -> MailboxConfig:
    if not isinstance(item, dict):
        raise reader.fail(where, "must be a table")
    host = reader.text(item, where, "host")
    security = item.get("security", "ssl")
    if security not in SECURITY_MODES:
        raise reader.fail(f"[{where}].security", f"must be one of {', '.join(SECURITY_MODES)}")
    if security == "none" and host not in LOOPBACK_HOSTS and not item.get("allow_insecure"):
        raise reader.fail(
            f"[{where}].security",
            "'none' sends the password in clear; allowed only on loopback "
            "or with allow_insecure = true",
        )
    password_env = reader.optional_text(item, where, "password_env")
    password_file = reader.optional_text(item, where, "password_file")
    if bool(password_env) == bool(password_file):
        raise reader.fail(f"[{where}]", "give exactly one of password_env or password_file")
    default_port = {"ssl": 993, "starttls": 143, "none": 143}[security]
    port = reader.integer(item, where, "port", default_port)
    if not 0 < port < 65536:
        raise reader.fail(f"[{where}].port", "must be a TCP port (1-65535)")
    batch = reader.integer(item, where, "batch_size", 100)
    if batch == 0:
        raise reader.fail(f"[{where}].batch_size", "must be at least 1")
    idle = item.get("idle", False)
    if not isinstance(idle, bool):
        raise reader.fail(f"[{where}].idle", "must be true or false")
    return MailboxConfig(
        name=reader.text(item, where, "name"),
        host=host,
        port=port,
        security=security,
        username=reader.text(item, where, "username"),
        password_env=password_env,
        password_file=base / password_file if password_file else None,
        folder=item.get("folder", "INBOX") if isinstance(item.get("folder"), str) else "INBOX",
        trusted_authserv_id=reader.optional_text(item, where, "trusted_authserv_id"),
        batch_size=batch,
        timeout=float(reader.integer(item, where, "timeout_seconds", 60)),
        idle=idle,
        **_post_processing(reader, item, where),
    )


POST_PROCESSING = ("flag", "move")


def _post_processing(reader: _Reader, item: Mapping[str, Any], where: str) -> dict[str, Any]:
    mode = item.get("mark_processed")
    if mode is None:
        return {}
    if mode not in POST_PROCESSING:
        raise reader.fail(f"[{where}].mark_processed", "must be one of flag, move")
    move_to = reader.optional_text(item, where, "move_to")
    if mode == "move" and move_to is None:
        raise reader.fail(f"[{where}].move_to", "required when mark_processed = 'move'")
    return {"mark_processed": mode, "move_to": move_to}


def _campaign(reader: _Reader, table: Mapping[str, Any]) -> Campaign:
    opens = reader.day(table, "campaign", "opens")
    closes = reader.day(table, "campaign", "closes")
    if closes < opens:
        raise reader.fail("[campaign].closes", "is before [campaign].opens")
    zone = reader.text(table, "campaign", "timezone")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise reader.fail("[campaign].timezone", f"unknown time zone {zone!r}") from None
    minimum = reader.integer(table, "campaign", "min_per_unit", 1)
    return Campaign(
        name=reader.text(table, "campaign", "name"),
        opens=opens,
        closes=closes,
        timezone=zone,
        min_per_unit=minimum,
    )


def _schedule(reader: _Reader, table: Mapping[str, Any]) -> ScheduleConfig:
    try:
        every = parse_duration(reader.text(table, "schedule", "poll_every"))
    except ValueError as error:
        raise reader.fail("[schedule].poll_every", str(error)) from None
    if every < timedelta(seconds=10):
        raise reader.fail("[schedule].poll_every", "must be at least 10s")
    text = reader.text(table, "schedule", "digest_at")
    try:
        at = time.fromisoformat(text)
    except ValueError:
        raise reader.fail(
            "[schedule].digest_at", f"expected a time like 07:00, got {text!r}"
        ) from None
    stale_after = None
    if "stale_after" in table:
        try:
            stale_after = parse_duration(str(table["stale_after"]))
        except ValueError as error:
            raise reader.fail("[schedule].stale_after", str(error)) from None
    return ScheduleConfig(poll_every=every, digest_at=at, stale_after=stale_after)


def _unit(reader: _Reader, item: Any, where: str) -> Unit:
    if not isinstance(item, dict):
        raise reader.fail(where, "must be a table")
    code = reader.text(item, where, "code")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", code):
        raise reader.fail(f"{where}.code", f"{code!r}: use lower-case letters, digits and '-'")
    kind = item.get("kind")
    if kind not in {k.value for k in UnitKind}:
        kinds = ", ".join(k.value for k in UnitKind)
        raise reader.fail(f"{where}.kind", f"{kind!r} is not one of {kinds}")
    required = item.get("required")
    if not isinstance(required, bool):
        raise reader.fail(f"{where}.required", "required, true or false")
    emails = item.get("emails", [])
    if not isinstance(emails, list) or not all(isinstance(e, str) and "@" in e for e in emails):
        raise reader.fail(f"{where}.emails", "must be a list of e-mail addresses")
    return Unit(
        code=code,
        name=reader.text(item, where, "name"),
        kind=UnitKind(kind),
        required=required,
        emails=tuple(e.lower() for e in emails),
    )


def _resolve_sqlite(url: str, base: Path) -> str:
    """Resolve a relative SQLite path against the config file's folder."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        rest = url[len(prefix) :]
        if rest and not rest.startswith(":memory:"):
            return prefix + str(base / rest)
    return url


def _smtp(reader: _Reader, table: Any, base: Path) -> SmtpConfig | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        raise reader.fail("[smtp]", "must be a table")
    host = reader.text(table, "smtp", "host")
    security = table.get("security", "starttls")
    if security not in SECURITY_MODES:
        raise reader.fail("[smtp].security", f"must be one of {', '.join(SECURITY_MODES)}")
    username = reader.optional_text(table, "smtp", "username")
    if security == "none" and host not in LOOPBACK_HOSTS and not table.get("allow_insecure"):
        raise reader.fail(
            "[smtp].security",
            "'none' sends mail (and any password) in clear; allowed only on loopback "
            "or with allow_insecure = true",
        )
    password_env = reader.optional_text(table, "smtp", "password_env")
    password_file = reader.optional_text(table, "smtp", "password_file")
    if password_env and password_file:
        raise reader.fail("[smtp]", "give at most one of password_env or password_file")
    if username and not (password_env or password_file):
        raise reader.fail("[smtp]", "username needs password_env or password_file")
    default_port = {"ssl": 465, "starttls": 587, "none": 25}[security]
    port = reader.integer(table, "smtp", "port", default_port)
    if not 0 < port < 65536:
        raise reader.fail("[smtp].port", "must be a TCP port (1-65535)")
    sender = reader.text(table, "smtp", "from")
    if "\r" in sender or "\n" in sender or "@" not in sender:
        raise reader.fail("[smtp].from", "must be one address, like 'Name <user@example.vn>'")
    attempts = reader.integer(table, "smtp", "max_attempts", 5)
    if attempts == 0:
        raise reader.fail("[smtp].max_attempts", "must be at least 1")
    try:
        retry_after = parse_duration(table.get("retry_after", "1m"))
    except (ValueError, TypeError):
        raise reader.fail("[smtp].retry_after", "expected a duration like 30s, 5m, 1h") from None
    return SmtpConfig(
        host=host,
        port=port,
        security=security,
        username=username,
        password_env=password_env,
        password_file=base / password_file if password_file else None,
        sender=sender,
        timeout=float(reader.integer(table, "smtp", "timeout_seconds", 60)),
        max_attempts=attempts,
        retry_after=retry_after,
    )


def _digest(reader: _Reader, table: Any) -> DigestConfig:
    if table is None:
        return DigestConfig()
    if not isinstance(table, dict):
        raise reader.fail("[digest]", "must be a table")
    to = table.get("to", [])
    if not isinstance(to, list) or not all(
        isinstance(a, str) and "@" in a and "\n" not in a and "\r" not in a for a in to
    ):
        raise reader.fail("[digest].to", "must be a list of e-mail addresses")
    return DigestConfig(to=tuple(to))


_WEB_KEYS = frozenset(
    {"bind", "threads", "idle_timeout", "max_failed_logins", "lockout", "behind_proxy"}
)


def _web(reader: _Reader, table: Any) -> WebConfig:
    if table is None:
        return WebConfig()
    if not isinstance(table, dict):
        raise reader.fail("[web]", "must be a table")
    unknown = sorted(set(table) - _WEB_KEYS)
    if unknown:
        raise reader.fail(f"[web].{unknown[0]}", "unknown key")
    defaults = WebConfig()
    bind = table.get("bind", defaults.bind)
    if not isinstance(bind, str) or not re.fullmatch(r"\[?[0-9A-Za-z.:-]+\]?:\d{1,5}", bind):
        raise reader.fail("[web].bind", 'expected HOST:PORT, like "127.0.0.1:8080"')
    threads = reader.integer(table, "web", "threads", defaults.threads)
    attempts = reader.integer(table, "web", "max_failed_logins", defaults.max_failed_logins)
    if threads == 0 or attempts == 0:
        key = "threads" if threads == 0 else "max_failed_logins"
        raise reader.fail(f"[web].{key}", "must be at least 1")
    durations = {}
    for key in ("idle_timeout", "lockout"):
        if key not in table:
            continue
        try:
            durations[key] = parse_duration(str(table[key]))
        except ValueError as error:
            raise reader.fail(f"[web].{key}", str(error)) from None
        if durations[key] < timedelta(minutes=1):
            raise reader.fail(f"[web].{key}", "must be at least 1m")
    proxy = table.get("behind_proxy", False)
    if not isinstance(proxy, bool):
        raise reader.fail("[web].behind_proxy", "must be true or false")
    return WebConfig(
        bind=bind,
        threads=threads,
        idle_timeout=durations.get("idle_timeout", defaults.idle_timeout),
        max_failed_logins=attempts,
        lockout=durations.get("lockout", defaults.lockout),
        behind_proxy=proxy,
    )


def _notifications(reader: _Reader, table: Any) -> NotificationsConfig:
    if table is None:
        return NotificationsConfig()
    if not isinstance(table, dict):
        raise reader.fail("[notifications]", "must be a table")
    receipts = table.get("receipts", False)
    if not isinstance(receipts, bool):
        raise reader.fail("[notifications].receipts", "must be true or false")
    days = table.get("reminder_days_before", [])
    if not isinstance(days, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in days
    ):
        raise reader.fail(
            "[notifications].reminder_days_before", "must be a list of whole numbers >= 0"
        )
    return NotificationsConfig(receipts=receipts, reminder_days_before=tuple(sorted(set(days))))


# [limits] keys: (config key, Limits field, scale from the config unit).
_LIMIT_KEYS = (
    ("max_file_mb", "max_file_bytes", 1024 * 1024),
    ("max_unpacked_mb", "max_unpacked_bytes", 1024 * 1024),
    ("max_members", "max_members", 1),
    ("max_ratio", "max_ratio", 1),
    ("max_depth", "max_depth", 1),
    ("max_pdf_pages", "max_pdf_pages", 1),
    ("ocr_max_pages", "ocr_max_pages", 1),
)
_OCR_MODES = {"auto": True, "off": False}


def _limits(reader: _Reader, table: Any) -> Limits:
    if table is None:
        return DEFAULT_LIMITS
    if not isinstance(table, dict):
        raise reader.fail("[limits]", "must be a table")
    values: dict[str, Any] = {}
    for key, field, scale in _LIMIT_KEYS:
        if key in table:
            number = table[key]
            if not isinstance(number, int) or isinstance(number, bool) or number < 1:
                raise reader.fail(f"[limits].{key}", "must be a whole number >= 1")
            values[field] = number * scale
    if "timeout_seconds" in table:
        seconds = table["timeout_seconds"]
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds <= 0:
            raise reader.fail("[limits].timeout_seconds", "must be a number of seconds > 0")
        values["timeout_seconds"] = float(seconds)
    if "ocr" in table:
        if not isinstance(table["ocr"], str) or table["ocr"] not in _OCR_MODES:
            raise reader.fail("[limits].ocr", 'must be "auto" or "off"')
        values["ocr"] = _OCR_MODES[table["ocr"]]
    unknown = sorted(set(table) - {k for k, _, _ in _LIMIT_KEYS} - {"timeout_seconds", "ocr"})
    if unknown:
        raise reader.fail(f"[limits].{unknown[0]}", "unknown key")
    return Limits(**values)
