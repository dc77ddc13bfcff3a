"""Read and validate config.toml and the roster; every error names file and key.

The messages are for the administrator who edits these files, so they are in
Vietnamese; the keys they name stay as they are written in the files.
"""

from __future__ import annotations

import difflib
import errno
import logging
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import tomli

from parsers.campaign import FORMS, SOFT_FILE, Campaign
from parsers.limits import DEFAULT_LIMITS, Limits
from parsers.periods import Every, Recurrence, expand
from parsers.roster import Roster, Unit, UnitKind
from parsers.text import nfc
from parsers.units import PLACE_LEVELS, parse_place
from reports.council import Band, Criterion, Rubric, rubric_problem

log = logging.getLogger(__name__)

SECURITY_MODES = ("ssl", "starttls", "none")
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class ConfigError(Exception):
    """A configuration or roster file is wrong; the message says where and how.

    ``path`` is shown absolute and normalised, so the administrator sees which file
    was read (the default ``./config.toml`` depends on the current folder).
    """

    def __init__(self, path: Path, key: str, problem: str) -> None:
        self.path = path.resolve()
        self.key = key
        self.problem = problem
        super().__init__(f"{self.path}: {key}: {problem}" if key else f"{self.path}: {problem}")


# The keys each table may hold. A key that is not listed is a typo (or a key of
# another version), never silently ignored: `securty = "none"` would otherwise
# leave TLS on and fail far from the cause.
TOP_LEVEL_TABLES = (
    "database",
    "storage",
    "units",
    "mailboxes",
    "campaign",
    "campaigns",
    "schedule",
    "smtp",
    "digest",
    "notifications",
    "limits",
    "web",
    "documents",
    "council",
)
DATABASE_KEYS = ("url",)
STORAGE_KEYS = ("dir",)
UNITS_KEYS = ("file", "addresses_file")
MAILBOX_KEYS = (
    "name",
    "host",
    "port",
    "security",
    "allow_insecure",
    "username",
    "password_env",
    "password_file",
    "folder",
    "trusted_authserv_id",
    "receiving_hosts",
    "batch_size",
    "timeout_seconds",
    "mark_processed",
    "move_to",
    "idle",
)
CAMPAIGN_KEYS = (
    "code",
    "name",
    "opens",
    "closes",
    "timezone",
    "min_per_unit",
    "requires",
    "keywords",
    # Reminders of this campaign on other days than [notifications].reminder_days_before.
    "reminder_days_before",
    # A periodic report (parsers.periods): one campaign per period from `opens` to `until`.
    "every",
    "until",
    "due_day",
)
SCHEDULE_KEYS = ("poll_every", "digest_at", "stale_after")
SMTP_KEYS = (
    "host",
    "port",
    "security",
    "allow_insecure",
    "username",
    "password_env",
    "password_file",
    "from",
    "timeout_seconds",
    "max_attempts",
    "retry_after",
)
DIGEST_KEYS = ("to",)
NOTIFICATIONS_KEYS = ("receipts", "reminder_days_before")
COUNCIL_KEYS = ("threshold", "scorers", "gap", "criteria")
CRITERION_KEYS = ("key", "name", "max", "bands")
BAND_KEYS = ("label", "min", "max")
DOCUMENTS_KEYS = (
    "issuer",
    "parent",
    "place",
    "number_suffix",
    "signer_capacity",
    "signer_name",
    "recipients",
)
ROSTER_TOP_LEVEL = ("area", "unit")
UNIT_KEYS = ("code", "name", "kind", "required", "emails", "from", "until", "successor")
ADDRESS_BOOK_TOP_LEVEL = ("addresses",)


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
    # Host names of the office's own mail servers (lower case): `import` takes a
    # message's receive time from the topmost Received: header one of them wrote.
    receiving_hosts: tuple[str, ...] = ()


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
class DocumentsConfig:
    """Who issues and signs the council's documents ([documents]); every key has a default.

    ``parent`` and ``place`` left out are taken from the roster's ``area`` when
    a document is made (app.documents): "huyện Châu Thành" gives "UBND huyện
    Châu Thành" and "Châu Thành".
    """

    issuer: str = "Phòng Nội vụ"
    parent: str | None = None
    place: str | None = None
    number_suffix: str = "BC-PNV"
    signer_capacity: str = "Trưởng phòng"
    signer_name: str = ""
    recipients: tuple[str, ...] = ("Lưu: VT.",)


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
    # Every campaign the register keeps, in the order configured (one [campaign]
    # table, or [[campaigns]] tables).
    campaigns: tuple[Campaign, ...]
    schedule: ScheduleConfig
    smtp: SmtpConfig | None = None
    digest: DigestConfig = DigestConfig()
    notifications: NotificationsConfig = NotificationsConfig()
    limits: Limits = DEFAULT_LIMITS
    web: WebConfig = WebConfig()
    documents: DocumentsConfig = DocumentsConfig()
    # The council's rubric ([council]); None when the file has no [council] table.
    council: Rubric | None = None

    @property
    def campaign(self) -> Campaign:
        """Return the campaign that opens last: the default where no day says otherwise
        (app.campaigns.select_campaign picks by the day), and the zone times are shown in."""
        return max(self.campaigns, key=lambda c: c.opens)

    def find_campaign(self, code: str) -> Campaign | None:
        """Return the campaign whose code is ``code``, if one is configured."""
        return next((c for c in self.campaigns if c.code == code), None)

    def reminder_days(self, campaign: Campaign) -> tuple[int, ...]:
        """Return the days before ``campaign`` closes that units are reminded on: its own
        ``reminder_days_before``, else [notifications]'s."""
        if campaign.reminder_days is not None:
            return campaign.reminder_days
        return self.notifications.reminder_days_before

    def campaign_of(self, code: str | None) -> Campaign:
        """Return the campaign a message whose campaign is ``code`` is spoken of in: that
        one, else (a message of none yet, or of a campaign since removed) ``campaign``."""
        return (self.find_campaign(code) if code else None) or self.campaign


def load_config(path: Path) -> Config:
    """Read ``path`` and return the validated configuration."""
    data = _read_toml(path)
    base = path.resolve().parent
    reader = _Reader(path, data)
    reader.only_tables(data, TOP_LEVEL_TABLES)
    database = reader.table("database", DATABASE_KEYS)
    storage = reader.table("storage", STORAGE_KEYS)
    units = reader.table("units", UNITS_KEYS)
    addresses = reader.optional_text(units, "units", "addresses_file")
    mailboxes = data.get("mailboxes")
    if not isinstance(mailboxes, list) or not mailboxes:
        raise ConfigError(path, "[[mailboxes]]", "cần ít nhất một hộp thư (một bảng [[mailboxes]])")
    parsed_boxes = tuple(
        _mailbox(reader, item, f"mailboxes[{i}]", base) for i, item in enumerate(mailboxes)
    )
    names = [m.name for m in parsed_boxes]
    for name in names:
        if names.count(name) > 1:
            raise ConfigError(
                path,
                "[[mailboxes]].name",
                f"tên {name!r} dùng cho hai hộp thư: mỗi hộp thư một tên",
            )
    return Config(
        path=path.resolve(),
        database_url=_resolve_sqlite(reader.text(database, "database", "url"), base),
        storage_dir=_absolute(base, reader.text(storage, "storage", "dir")),
        units_file=_absolute(base, reader.text(units, "units", "file")),
        addresses_file=_absolute(base, addresses) if addresses else None,
        mailboxes=parsed_boxes,
        campaigns=_campaigns(reader, data),
        schedule=_schedule(reader, reader.table("schedule", SCHEDULE_KEYS)),
        smtp=_smtp(reader, data.get("smtp"), base),
        digest=_digest(reader, data.get("digest")),
        notifications=_notifications(reader, data.get("notifications")),
        limits=_limits(reader, data.get("limits")),
        web=_web(reader, data.get("web")),
        documents=_documents(reader, data.get("documents")),
        council=_council(reader, data.get("council")),
    )


def load_roster(units_file: Path, addresses_file: Path | None = None) -> Roster:
    """Read the roster (and an optional address book) and check it."""
    data = _read_toml(units_file)
    reader = _Reader(units_file, data)
    reader.only_keys(data, "", ROSTER_TOP_LEVEL)
    items = data.get("unit")
    if not isinstance(items, list) or not items:
        raise reader.fail("[[unit]]", "danh sách chưa có đơn vị nào (một bảng [[unit]] mỗi đơn vị)")
    units = tuple(_unit(reader, item, i) for i, item in enumerate(items))
    codes: set[str] = set()
    for unit in units:  # a set: a roster of 1,000 units costs nothing to check
        if unit.code in codes:
            raise reader.fail(
                f"{_unit_label(unit.code, None, 0)}.code", "mã này đã dùng cho một đơn vị khác"
            )
        codes.add(unit.code)
    _check_successors(reader, units)
    addresses = _address_book(addresses_file, codes) if addresses_file is not None else {}
    return Roster(units=units, addresses=addresses, area=_area(reader, data.get("area", [])))


def _address_book(path: Path, codes: Collection[str]) -> dict[str, str]:
    """Read ``[addresses]``: e-mail address = unit code, every code from the roster."""
    data = _read_toml(path)
    reader = _Reader(path, data)
    reader.only_keys(data, "", ADDRESS_BOOK_TOP_LEVEL)
    book = data.get("addresses", {})
    if not isinstance(book, dict):
        raise reader.fail("[addresses]", 'phải là một bảng: "địa chỉ" = "mã đơn vị"')
    addresses: dict[str, str] = {}
    for email, code in book.items():
        where = f"[addresses] {email!r}"
        if "@" not in email:
            raise reader.fail(where, "không phải địa chỉ thư điện tử")
        if not isinstance(code, str) or code not in codes:
            raise reader.fail(where, f"đơn vị {code!r} không có trong danh sách đơn vị")
        addresses[email.lower()] = code
    return addresses


def _area(reader: _Reader, value: object) -> tuple[str, ...]:
    """The places the units belong to (``area = ["huyện Châu Thành", "tỉnh Tây Ninh"]``)."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise reader.fail("area", 'phải là danh sách địa danh, ví dụ ["tỉnh Tây Ninh"]')
    for place in value:
        try:
            parse_place(place)
        except ValueError:
            raise reader.fail(
                "area",
                f"{place!r} phải gồm một cấp ({', '.join(PLACE_LEVELS)}) và một tên, "
                'ví dụ "huyện Châu Thành"',
            ) from None
    return tuple(nfc(place.strip()) for place in value)


def parse_duration(text: str) -> timedelta:
    """Parse "30s", "5m", "1h" or "1d"."""
    match = re.fullmatch(r"\s*(\d+)\s*([smhd])\s*", text)
    if not match:
        raise ValueError(f"cần một khoảng thời gian như 30s, 5m, 1h hoặc 1d, không phải {text!r}")
    unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
    return timedelta(**{unit: int(match.group(1))})


def _absolute(base: Path, path: str) -> Path:
    """Resolve ``path`` against ``base`` into a normalised absolute path."""
    return (base / path).resolve()


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomli.load(handle)
    except FileNotFoundError:
        raise ConfigError(path, "", "không tìm thấy tệp") from None
    except IsADirectoryError:
        raise ConfigError(path, "", "đây là một thư mục, không phải tệp") from None
    except OSError as error:
        if error.errno == errno.EACCES:
            raise ConfigError(path, "", "người dùng này không có quyền đọc tệp") from None
        log.debug("%s: %s", path, error)
        raise ConfigError(path, "", f"không đọc được tệp ({error.strerror})") from None
    except UnicodeDecodeError:
        raise ConfigError(path, "", "tệp không phải UTF-8: hãy lưu lại với mã hóa UTF-8") from None
    except tomli.TOMLDecodeError as error:
        log.debug("%s: %s", path, error)
        raise ConfigError(
            path,
            "",
            f"sai cú pháp TOML ở dòng {error.lineno}, cột {error.colno}: sửa chỗ đó "
            "(chuỗi trong dấu ngoặc kép, ngày không có ngoặc kép, mỗi khóa một dòng)",
        ) from None


class _Reader:
    """Typed access to TOML values that names the offending key on error."""

    def __init__(self, path: Path, data: Mapping[str, Any]) -> None:
        self.path = path
        self.data = data

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(self.path, key, problem)

    def table(self, name: str, keys: Collection[str]) -> Mapping[str, Any]:
        """Return the required table ``[name]``, which may hold only ``keys``."""
        value = self.data.get(name)
        if value is None:
            raise self.fail(f"[{name}]", "bắt buộc, chưa có trong tệp")
        if not isinstance(value, dict):
            raise self.fail(f"[{name}]", "phải là một bảng")
        self.only_keys(value, f"[{name}]", keys)
        return value

    def only_tables(self, data: Mapping[str, Any], names: Collection[str]) -> None:
        """Refuse a top-level table (or key) that is not one of ``names``."""
        for key in data:
            if key not in names:
                close = difflib.get_close_matches(key, names, n=1)
                hint = f" — có phải ý bạn là `[{close[0]}]`?" if close else ""
                raise self.fail("", f"bảng `[{key}]` không hợp lệ{hint}")

    def only_keys(self, table: Mapping[str, Any], where: str, keys: Collection[str]) -> None:
        """Refuse a key of ``table`` that is not one of ``keys``, naming the closest."""
        for key in table:
            if key not in keys:
                close = difflib.get_close_matches(key, keys, n=1)
                hint = (
                    f" — có phải ý bạn là `{close[0]}`?"
                    if close
                    else f" (các khóa hợp lệ: {', '.join(keys)})"
                )
                raise self.fail(where, f"khóa `{key}` không hợp lệ{hint}")

    def text(self, table: Mapping[str, Any], where: str, key: str) -> str:
        value = table.get(key)
        if value is None:
            raise self.fail(f"[{where}].{key}", "bắt buộc, chưa có (một chuỗi trong ngoặc kép)")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"[{where}].{key}", "phải là một chuỗi không rỗng (trong ngoặc kép)")
        return value

    def optional_text(self, table: Mapping[str, Any], where: str, key: str) -> str | None:
        if key not in table:
            return None
        return self.text(table, where, key)

    def integer(self, table: Mapping[str, Any], where: str, key: str, default: int) -> int:
        value = table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.fail(f"[{where}].{key}", "phải là một số nguyên ≥ 0")
        return value

    def day(self, table: Mapping[str, Any], where: str, key: str) -> date:
        value = table.get(key)
        if not isinstance(value, date) or hasattr(value, "hour"):
            needed = "bắt buộc, chưa có" if value is None else "phải là"
            raise self.fail(
                f"[{where}].{key}", f"{needed} một ngày dạng 2024-05-15 (không có ngoặc kép)"
            )
        return value


_CLEAR_TEXT = (
    "'none' gửi {what} không mã hóa: chỉ dùng được với máy chủ trên chính máy này "
    "(127.0.0.1, localhost) hoặc khi đặt allow_insecure = true"
)


def _mailbox(reader: _Reader, item: Any, where: str, base: Path) -> MailboxConfig:
    if not isinstance(item, dict):
        raise reader.fail(f"[{where}]", "phải là một bảng [[mailboxes]]")
    reader.only_keys(item, f"[{where}]", MAILBOX_KEYS)
    host = reader.text(item, where, "host")
    security = item.get("security", "ssl")
    if security not in SECURITY_MODES:
        raise reader.fail(f"[{where}].security", f"phải là một trong: {', '.join(SECURITY_MODES)}")
    if security == "none" and host not in LOOPBACK_HOSTS and not item.get("allow_insecure"):
        raise reader.fail(f"[{where}].security", _CLEAR_TEXT.format(what="mật khẩu"))
    password_env = reader.optional_text(item, where, "password_env")
    password_file = reader.optional_text(item, where, "password_file")
    if bool(password_env) == bool(password_file):
        raise reader.fail(
            f"[{where}]", "cần đúng một trong hai khóa password_env hoặc password_file"
        )
    default_port = {"ssl": 993, "starttls": 143, "none": 143}[security]
    port = reader.integer(item, where, "port", default_port)
    if not 0 < port < 65536:
        raise reader.fail(f"[{where}].port", "phải là một cổng TCP (1–65535)")
    batch = reader.integer(item, where, "batch_size", 100)
    if batch == 0:
        raise reader.fail(f"[{where}].batch_size", "phải ít nhất là 1")
    idle = item.get("idle", False)
    if not isinstance(idle, bool):
        raise reader.fail(f"[{where}].idle", "phải là true hoặc false")
    return MailboxConfig(
        name=reader.text(item, where, "name"),
        host=host,
        port=port,
        security=security,
        username=reader.text(item, where, "username"),
        password_env=password_env,
        password_file=_absolute(base, password_file) if password_file else None,
        folder=reader.optional_text(item, where, "folder") or "INBOX",
        trusted_authserv_id=reader.optional_text(item, where, "trusted_authserv_id"),
        batch_size=batch,
        timeout=float(reader.integer(item, where, "timeout_seconds", 60)),
        idle=idle,
        receiving_hosts=_host_names(reader, item, where),
        **_post_processing(reader, item, where),
    )


def _host_names(reader: _Reader, item: Mapping[str, Any], where: str) -> tuple[str, ...]:
    """Return ``receiving_hosts``: a list of host names, lower case, without repeats."""
    value = item.get("receiving_hosts", [])
    key = f"[{where}].receiving_hosts"
    if not isinstance(value, list):
        raise reader.fail(key, 'phải là một danh sách tên máy, ví dụ ["mx1.tayninh.gov.vn"]')
    hosts: list[str] = []
    for host in value:
        if not isinstance(host, str) or not host.strip() or any(c.isspace() for c in host.strip()):
            raise reader.fail(
                key, "mỗi phần tử phải là một tên máy (chuỗi không rỗng, không dấu cách)"
            )
        name = host.strip().lower().rstrip(".")
        if name not in hosts:
            hosts.append(name)
    return tuple(hosts)


POST_PROCESSING = ("flag", "move")


def _post_processing(reader: _Reader, item: Mapping[str, Any], where: str) -> dict[str, Any]:
    mode = item.get("mark_processed")
    if mode is None:
        return {}
    if mode not in POST_PROCESSING:
        raise reader.fail(f"[{where}].mark_processed", 'phải là "flag" hoặc "move"')
    move_to = reader.optional_text(item, where, "move_to")
    if mode == "move" and move_to is None:
        raise reader.fail(
            f"[{where}].move_to", 'bắt buộc khi mark_processed = "move": thư mục chuyển thư đến'
        )
    return {"mark_processed": mode, "move_to": move_to}


def _campaigns(reader: _Reader, data: Mapping[str, Any]) -> tuple[Campaign, ...]:
    """Return the campaigns: one ``[campaign]`` table, or ``[[campaigns]]`` tables."""
    tables = data.get("campaigns")
    if tables is None:
        return (_campaign(reader, reader.table("campaign", CAMPAIGN_KEYS), "campaign"),)
    if "campaign" in data:
        raise reader.fail(
            "[campaign]",
            "chỉ dùng một cách: một bảng [campaign] hoặc các bảng [[campaigns]], không cả hai",
        )
    if not isinstance(tables, list) or not tables:
        raise reader.fail("[[campaigns]]", "cần ít nhất một đợt (một bảng [[campaigns]])")
    campaigns: list[Campaign] = []
    for index, table in enumerate(tables):
        where = f"campaigns[{index}]"
        if not isinstance(table, dict):
            raise reader.fail(f"[{where}]", "phải là một bảng [[campaigns]]")
        reader.only_keys(table, f"[{where}]", CAMPAIGN_KEYS)
        made = (
            _recurring(reader, table, where)
            if "every" in table
            else (_campaign(reader, table, where),)
        )
        for campaign in made:
            if any(c.code == campaign.code for c in campaigns):
                raise reader.fail(
                    f"[{where}].code",
                    f"mã {campaign.code!r} đã dùng cho một đợt khác: mỗi đợt một mã"
                    ' (đặt code cho đợt thứ hai, ví dụ "bc-quy-2-2024")',
                )
            campaigns.append(campaign)
    return tuple(campaigns)


#: A periodic report's code leaves room for the period it is followed by ("-2024-q2").
SERIES_CODE_LENGTH = 32


def _recurring(reader: _Reader, table: Mapping[str, Any], where: str) -> tuple[Campaign, ...]:
    """Return a periodic report's campaigns, one per period (parsers.periods)."""
    every = table["every"]
    allowed = ", ".join(f'"{e.value}"' for e in Every)
    if every not in {e.value for e in Every}:
        raise reader.fail(f"[{where}].every", f"{every!r} không hợp lệ: một trong {allowed}")
    if "closes" in table:
        raise reader.fail(
            f"[{where}].closes",
            "đợt định kỳ (có `every`) không dùng closes: hạn của mỗi kỳ là `due_day`,"
            " kỳ cuối cùng là kỳ chứa ngày `until`",
        )
    if "code" not in table:
        raise reader.fail(
            f"[{where}].code",
            'bắt buộc với đợt định kỳ (ví dụ "bc-quy": các kỳ là "bc-quy-2024-q1", …)',
        )
    first = reader.day(table, where, "opens")
    until = reader.day(table, where, "until")
    if until < first:
        raise reader.fail(f"[{where}].until", f"trước ngày [{where}].opens")
    due_day = table.get("due_day")
    if due_day is not None and (
        not isinstance(due_day, int) or isinstance(due_day, bool) or not 1 <= due_day <= 31
    ):
        raise reader.fail(f"[{where}].due_day", "phải là một ngày trong tháng, từ 1 đến 31")
    template = _campaign(reader, {**table, "closes": first}, where)
    if len(template.code) > SERIES_CODE_LENGTH:
        raise reader.fail(
            f"[{where}].code", f"quá dài: đợt định kỳ dùng mã tối đa {SERIES_CODE_LENGTH} ký tự"
        )
    return expand(template, Recurrence(Every(every), first, until, due_day))


def _campaign(reader: _Reader, table: Mapping[str, Any], where: str) -> Campaign:
    opens = reader.day(table, where, "opens")
    closes = reader.day(table, where, "closes")
    if closes < opens:
        raise reader.fail(f"[{where}].closes", f"trước ngày [{where}].opens")
    zone = reader.text(table, where, "timezone")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        raise reader.fail(
            f"[{where}].timezone", f'không có múi giờ {zone!r} (ví dụ đúng: "Asia/Ho_Chi_Minh")'
        ) from None
    minimum = reader.integer(table, where, "min_per_unit", 1)
    code = reader.optional_text(table, where, "code") or str(opens.year)
    if not CAMPAIGN_CODE.fullmatch(code):
        raise reader.fail(
            f"[{where}].code",
            f"mã {code!r} không hợp lệ: chỉ chữ không dấu, số, '-', '_' và '.' (ví dụ \"2025\")",
        )
    return Campaign(
        name=reader.text(table, where, "name"),
        opens=opens,
        closes=closes,
        timezone=zone,
        min_per_unit=minimum,
        code=code,
        requires=_forms(reader, table.get("requires", [SOFT_FILE]), f"[{where}].requires"),
        keywords=_keywords(reader, table.get("keywords", []), f"[{where}].keywords"),
        reminder_days=(
            _reminder_days(reader, table["reminder_days_before"], f"[{where}]")
            if "reminder_days_before" in table
            else None
        ),
    )


def _keywords(reader: _Reader, value: object, key: str) -> tuple[str, ...]:
    """Return a campaign's keywords: a list of non-empty strings (NFC)."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise reader.fail(key, 'cần một danh sách chuỗi không rỗng, ví dụ ["báo cáo quý II"]')
    return tuple(nfc(v.strip()) for v in value)


#: A campaign's code: what commands and records name it by ("2024", "cchc-q1-2025").
CAMPAIGN_CODE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")


def _forms(reader: _Reader, value: object, key: str) -> tuple[str, ...]:
    """Return the forms a campaign requires: a non-empty list of ``FORMS`` without repeats."""
    allowed = ", ".join(f'"{f}"' for f in FORMS)
    if not isinstance(value, list) or not value:
        raise reader.fail(key, f"cần một danh sách không rỗng, gồm {allowed}")
    forms: list[str] = []
    for item in value:
        if item not in FORMS:
            raise reader.fail(key, f"{item!r} không phải là một hình thức nộp ({allowed})")
        if item in forms:
            raise reader.fail(key, f"{item!r} ghi hai lần")
        forms.append(item)
    return tuple(forms)


def _schedule(reader: _Reader, table: Mapping[str, Any]) -> ScheduleConfig:
    try:
        every = parse_duration(reader.text(table, "schedule", "poll_every"))
    except ValueError as error:
        raise reader.fail("[schedule].poll_every", str(error)) from None
    if every < timedelta(seconds=10):
        raise reader.fail("[schedule].poll_every", "phải ít nhất 10s")
    text = reader.text(table, "schedule", "digest_at")
    try:
        at = time.fromisoformat(text)
    except ValueError:
        raise reader.fail(
            "[schedule].digest_at", f"cần một giờ dạng 07:00, không phải {text!r}"
        ) from None
    stale_after = None
    if "stale_after" in table:
        try:
            stale_after = parse_duration(str(table["stale_after"]))
        except ValueError as error:
            raise reader.fail("[schedule].stale_after", str(error)) from None
    return ScheduleConfig(poll_every=every, digest_at=at, stale_after=stale_after)


def _unit_label(code: object, name: object, index: int) -> str:
    """Name a roster entry by its code, else its name, else its position (from 1)."""
    if isinstance(code, str) and code.strip():
        return f'[[unit]] "{code.strip()}"'
    if isinstance(name, str) and name.strip():
        return f'[[unit]] "{name.strip()}"'
    return f"[[unit]] thứ {index + 1}"


def _unit(reader: _Reader, item: Any, index: int) -> Unit:
    if not isinstance(item, dict):
        raise reader.fail(f"[[unit]] thứ {index + 1}", "phải là một bảng [[unit]]")
    where = _unit_label(item.get("code"), item.get("name"), index)
    reader.only_keys(item, where, UNIT_KEYS)
    code = item.get("code")
    if not isinstance(code, str) or not code.strip():
        raise reader.fail(f"{where}.code", 'bắt buộc, một mã như "xa-thai-binh"')
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", code):
        raise reader.fail(
            f"{where}.code", "chỉ dùng chữ thường không dấu, chữ số và '-', ví dụ \"xa-thai-binh\""
        )
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise reader.fail(f"{where}.name", 'bắt buộc, tên đơn vị như "UBND xã Thái Bình"')
    kind = item.get("kind")
    if kind not in {k.value for k in UnitKind}:
        kinds = ", ".join(k.value for k in UnitKind)
        raise reader.fail(f"{where}.kind", f"{kind!r} không phải một trong: {kinds}")
    required = item.get("required")
    if not isinstance(required, bool):
        raise reader.fail(f"{where}.required", "bắt buộc, true hoặc false")
    emails = item.get("emails", [])
    if not isinstance(emails, list) or not all(isinstance(e, str) and "@" in e for e in emails):
        raise reader.fail(f"{where}.emails", "phải là danh sách địa chỉ thư điện tử")
    starts = _optional_day(reader, item, where, "from")
    ends = _optional_day(reader, item, where, "until")
    if starts and ends and ends < starts:
        raise reader.fail(f"{where}.until", f"trước ngày {where}.from")
    successor = item.get("successor")
    if successor is not None:
        if not isinstance(successor, str) or not successor.strip():
            raise reader.fail(f"{where}.successor", 'phải là mã một đơn vị, ví dụ "xa-hoa-hoi"')
        if ends is None:
            raise reader.fail(
                f"{where}.successor", "cần until: ngày cuối cùng đơn vị này còn tồn tại"
            )
    return Unit(
        code=code,
        name=name,
        kind=UnitKind(kind),
        required=required,
        emails=tuple(e.lower() for e in emails),
        starts=starts,
        ends=ends,
        successor=successor,
    )


def _optional_day(reader: _Reader, item: Mapping[str, Any], where: str, key: str) -> date | None:
    if key not in item:
        return None
    value = item[key]
    if not isinstance(value, date) or hasattr(value, "hour"):
        raise reader.fail(f"{where}.{key}", "phải là một ngày dạng 2025-07-01 (không có ngoặc kép)")
    return value


def _check_successors(reader: _Reader, units: tuple[Unit, ...]) -> None:
    """Refuse a successor the roster does not have, or a chain of them that comes back."""
    by_code = {u.code: u for u in units}
    for unit in units:
        if unit.successor is None:
            continue
        where = f"{_unit_label(unit.code, None, 0)}.successor"
        if unit.successor not in by_code:
            raise reader.fail(where, f"đơn vị {unit.successor!r} không có trong danh sách đơn vị")
        seen: set[str] = {unit.code}
        code: str | None = unit.successor
        while code is not None:
            if code in seen:
                raise reader.fail(where, "đơn vị kế thừa quay vòng lại chính nó")
            seen.add(code)
            code = by_code[code].successor


def _resolve_sqlite(url: str, base: Path) -> str:
    """Resolve a relative SQLite path against the config file's folder, normalised."""
    prefix = "sqlite:///"
    if url.startswith(prefix) and not url.startswith(prefix + "/"):
        rest, query, options = url[len(prefix) :].partition("?")
        if rest and not rest.startswith(":memory:"):
            return prefix + str(_absolute(base, rest)) + query + options
    return url


def _smtp(reader: _Reader, table: Any, base: Path) -> SmtpConfig | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        raise reader.fail("[smtp]", "phải là một bảng")
    reader.only_keys(table, "[smtp]", SMTP_KEYS)
    host = reader.text(table, "smtp", "host")
    security = table.get("security", "starttls")
    if security not in SECURITY_MODES:
        raise reader.fail("[smtp].security", f"phải là một trong: {', '.join(SECURITY_MODES)}")
    username = reader.optional_text(table, "smtp", "username")
    if security == "none" and host not in LOOPBACK_HOSTS and not table.get("allow_insecure"):
        raise reader.fail("[smtp].security", _CLEAR_TEXT.format(what="thư (và mật khẩu)"))
    password_env = reader.optional_text(table, "smtp", "password_env")
    password_file = reader.optional_text(table, "smtp", "password_file")
    if password_env and password_file:
        raise reader.fail("[smtp]", "chỉ dùng một trong hai khóa password_env hoặc password_file")
    if username and not (password_env or password_file):
        raise reader.fail("[smtp]", "có username thì cần password_env hoặc password_file")
    default_port = {"ssl": 465, "starttls": 587, "none": 25}[security]
    port = reader.integer(table, "smtp", "port", default_port)
    if not 0 < port < 65536:
        raise reader.fail("[smtp].port", "phải là một cổng TCP (1–65535)")
    sender = reader.text(table, "smtp", "from")
    if "\r" in sender or "\n" in sender or "@" not in sender:
        raise reader.fail(
            "[smtp].from", 'phải là một địa chỉ, như "Phòng Nội vụ <phongnv-cth@tayninh.gov.vn>"'
        )
    attempts = reader.integer(table, "smtp", "max_attempts", 5)
    if attempts == 0:
        raise reader.fail("[smtp].max_attempts", "phải ít nhất là 1")
    try:
        retry_after = parse_duration(table.get("retry_after", "1m"))
    except (ValueError, TypeError):
        raise reader.fail(
            "[smtp].retry_after", "cần một khoảng thời gian như 30s, 5m, 1h"
        ) from None
    return SmtpConfig(
        host=host,
        port=port,
        security=security,
        username=username,
        password_env=password_env,
        password_file=_absolute(base, password_file) if password_file else None,
        sender=sender,
        timeout=float(reader.integer(table, "smtp", "timeout_seconds", 60)),
        max_attempts=attempts,
        retry_after=retry_after,
    )


def _digest(reader: _Reader, table: Any) -> DigestConfig:
    if table is None:
        return DigestConfig()
    if not isinstance(table, dict):
        raise reader.fail("[digest]", "phải là một bảng")
    reader.only_keys(table, "[digest]", DIGEST_KEYS)
    to = table.get("to", [])
    if not isinstance(to, list) or not all(
        isinstance(a, str) and "@" in a and "\n" not in a and "\r" not in a for a in to
    ):
        raise reader.fail("[digest].to", "phải là danh sách địa chỉ thư điện tử")
    return DigestConfig(to=tuple(to))


_WEB_KEYS = frozenset(
    {"bind", "threads", "idle_timeout", "max_failed_logins", "lockout", "behind_proxy"}
)


def _web(reader: _Reader, table: Any) -> WebConfig:
    if table is None:
        return WebConfig()
    if not isinstance(table, dict):
        raise reader.fail("[web]", "phải là một bảng")
    reader.only_keys(table, "[web]", sorted(_WEB_KEYS))
    defaults = WebConfig()
    bind = table.get("bind", defaults.bind)
    if not isinstance(bind, str) or not re.fullmatch(r"\[?[0-9A-Za-z.:-]+\]?:\d{1,5}", bind):
        raise reader.fail("[web].bind", 'cần dạng MÁY:CỔNG, ví dụ "127.0.0.1:8080"')
    threads = reader.integer(table, "web", "threads", defaults.threads)
    attempts = reader.integer(table, "web", "max_failed_logins", defaults.max_failed_logins)
    if threads == 0 or attempts == 0:
        key = "threads" if threads == 0 else "max_failed_logins"
        raise reader.fail(f"[web].{key}", "phải ít nhất là 1")
    durations = {}
    for key in ("idle_timeout", "lockout"):
        if key not in table:
            continue
        try:
            durations[key] = parse_duration(str(table[key]))
        except ValueError as error:
            raise reader.fail(f"[web].{key}", str(error)) from None
        if durations[key] < timedelta(minutes=1):
            raise reader.fail(f"[web].{key}", "phải ít nhất 1m")
    proxy = table.get("behind_proxy", False)
    if not isinstance(proxy, bool):
        raise reader.fail("[web].behind_proxy", "phải là true hoặc false")
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
        raise reader.fail("[notifications]", "phải là một bảng")
    reader.only_keys(table, "[notifications]", NOTIFICATIONS_KEYS)
    receipts = table.get("receipts", False)
    if not isinstance(receipts, bool):
        raise reader.fail("[notifications].receipts", "phải là true hoặc false")
    days = _reminder_days(reader, table.get("reminder_days_before", []), "[notifications]")
    return NotificationsConfig(receipts=receipts, reminder_days_before=days)


def _reminder_days(reader: _Reader, days: object, where: str) -> tuple[int, ...]:
    """Return the days before a deadline to remind on: a list of integers ≥ 0."""
    if not isinstance(days, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and d >= 0 for d in days
    ):
        raise reader.fail(
            f"{where}.reminder_days_before", "phải là danh sách số nguyên ≥ 0, ví dụ [7, 2]"
        )
    return tuple(sorted(set(days)))


def _documents(reader: _Reader, table: Any) -> DocumentsConfig:
    if table is None:
        return DocumentsConfig()
    if not isinstance(table, dict):
        raise reader.fail("[documents]", "phải là một bảng")
    reader.only_keys(table, "[documents]", DOCUMENTS_KEYS)
    defaults = DocumentsConfig()
    texts: dict[str, str] = {}
    for key in ("issuer", "parent", "place", "number_suffix", "signer_capacity"):
        value = reader.optional_text(table, "documents", key)
        if value is not None:
            if "\n" in value or "\r" in value:
                raise reader.fail(f"[documents].{key}", "phải nằm trên một dòng")
            texts[key] = nfc(value.strip())
    name = table.get("signer_name", defaults.signer_name)
    if not isinstance(name, str) or "\n" in name or "\r" in name:
        raise reader.fail(
            "[documents].signer_name", 'phải là một chuỗi một dòng, ví dụ "Nguyễn Văn A"'
        )
    recipients = table.get("recipients", list(defaults.recipients))
    if not isinstance(recipients, list) or not all(
        isinstance(r, str) and r.strip() for r in recipients
    ):
        raise reader.fail(
            "[documents].recipients",
            'cần một danh sách chuỗi không rỗng, ví dụ ["UBND huyện (b/c);", "Lưu: VT."]',
        )
    return DocumentsConfig(
        issuer=texts.get("issuer", defaults.issuer),
        parent=texts.get("parent"),
        place=texts.get("place"),
        number_suffix=texts.get("number_suffix", defaults.number_suffix),
        signer_capacity=texts.get("signer_capacity", defaults.signer_capacity),
        signer_name=nfc(name.strip()),
        recipients=tuple(nfc(r.strip()) for r in recipients),
    )


def _council(reader: _Reader, table: Any) -> Rubric | None:
    if table is None:
        return None
    if not isinstance(table, dict):
        raise reader.fail("[council]", "phải là một bảng")
    reader.only_keys(table, "[council]", COUNCIL_KEYS)
    items = table.get("criteria")
    if not isinstance(items, list) or not items:
        raise reader.fail(
            "[council].criteria", "cần ít nhất một tiêu chí (một bảng [[council.criteria]])"
        )
    criteria = tuple(_criterion(reader, item, i) for i, item in enumerate(items))
    if "threshold" not in table:
        raise reader.fail("[council].threshold", "bắt buộc: tổng điểm tối thiểu để công nhận")
    rubric = Rubric(
        criteria=criteria,
        threshold=reader.integer(table, "council", "threshold", 0),
        scorers=reader.integer(table, "council", "scorers", 2),
        gap=reader.integer(table, "council", "gap", 10),
    )
    problem = rubric_problem(rubric)
    if problem is not None:
        key, text = problem
        raise reader.fail(f"[council].{key}", text)
    return rubric


def _criterion(reader: _Reader, item: Any, index: int) -> Criterion:
    where = f"council.criteria[{index}]"
    if not isinstance(item, dict):
        raise reader.fail(f"[{where}]", "phải là một bảng")
    reader.only_keys(item, f"[{where}]", CRITERION_KEYS)
    key = reader.text(item, where, "key").strip()
    if not re.fullmatch(r"[a-z0-9_-]+", key):
        raise reader.fail(f"[{where}].key", "chữ thường không dấu, số, '_' hoặc '-', ví dụ moi")
    bands = item.get("bands", [])
    if not isinstance(bands, list):
        raise reader.fail(f"[{where}].bands", "cần một danh sách mức điểm")
    parsed = []
    for j, band in enumerate(bands):
        band_where = f"{where}.bands[{j}]"
        if not isinstance(band, dict):
            raise reader.fail(f"[{band_where}]", 'cần { label = "…", min = …, max = … }')
        reader.only_keys(band, f"[{band_where}]", BAND_KEYS)
        parsed.append(
            Band(
                label=nfc(reader.text(band, band_where, "label").strip()),
                low=reader.integer(band, band_where, "min", 0),
                high=reader.integer(band, band_where, "max", 0),
            )
        )
    return Criterion(
        key=key,
        name=nfc(reader.text(item, where, "name").strip()),
        maximum=reader.integer(item, where, "max", 0),
        bands=tuple(parsed),
    )


# [limits] keys: (config key, Limits field, scale from the config unit).
_LIMIT_KEYS = (
    ("max_file_mb", "max_file_bytes", 1024 * 1024),
    ("max_unpacked_mb", "max_unpacked_bytes", 1024 * 1024),
    ("max_members", "max_members", 1),
    ("max_ratio", "max_ratio", 1),
    ("max_depth", "max_depth", 1),
    ("max_pdf_pages", "max_pdf_pages", 1),
    ("ocr_max_pages", "ocr_max_pages", 1),
    ("ocr_workers", "ocr_workers", 1),
    ("photo_max_megapixels", "photo_max_pixels", 1_000_000),
)
_OCR_MODES = {"auto": True, "off": False}
LIMITS_KEYS = (*(key for key, _, _ in _LIMIT_KEYS), "timeout_seconds", "ocr")


def _limits(reader: _Reader, table: Any) -> Limits:
    if table is None:
        return DEFAULT_LIMITS
    if not isinstance(table, dict):
        raise reader.fail("[limits]", "phải là một bảng")
    reader.only_keys(table, "[limits]", LIMITS_KEYS)
    values: dict[str, Any] = {}
    for key, field, scale in _LIMIT_KEYS:
        if key in table:
            number = table[key]
            if not isinstance(number, int) or isinstance(number, bool) or number < 1:
                raise reader.fail(f"[limits].{key}", "phải là một số nguyên ≥ 1")
            values[field] = number * scale
    if "timeout_seconds" in table:
        seconds = table["timeout_seconds"]
        if not isinstance(seconds, int | float) or isinstance(seconds, bool) or seconds <= 0:
            raise reader.fail("[limits].timeout_seconds", "phải là một số giây > 0")
        values["timeout_seconds"] = float(seconds)
    if "ocr" in table:
        if not isinstance(table["ocr"], str) or table["ocr"] not in _OCR_MODES:
            raise reader.fail("[limits].ocr", 'phải là "auto" hoặc "off"')
        values["ocr"] = _OCR_MODES[table["ocr"]]
    return Limits(**values)
