"""The long-running worker (`cchc-inbox serve`): schedule, survive outages, stop cleanly.

APScheduler runs a short tick (never two at once, coalesced after a sleep);
the tick decides whether a poll is due (ingest.worker.poll_due), so a failing
mailbox or database is retried with backoff and a healthy one every
``poll_every``. Outages are logged when they start and when they end, never
once per try. SIGTERM/SIGINT ask the running poll to stop after the batch in
hand (committed), and cut the IMAP command in flight at once (a slow or
hostile server cannot hold the stop up); SIGHUP reloads the configuration
before the next poll.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any

from imapclient.exceptions import IMAPClientError

from app.config import Config, ConfigError, MailboxConfig, load_config, load_roster
from app.root import open_engine
from ingest.commands.polling import describe_poll, log_progress, run_poll
from ingest.explain import explain_mail_error
from ingest.imap import (
    Interrupt,
    Interrupted,
    ResponseTimedOut,
    connect,
    describe,
    disconnect,
    read_password,
    wait_for_new_mail,
)
from ingest.worker import Change, Outage, backoff_delay, observe, permission_warnings, poll_due
from outbound.notify import schedule_daily_mail
from outbound.smtp import read_smtp_password
from store.db import require_current_schema
from store.health import DatabaseUnavailable, describe_database_error

log = logging.getLogger("ingest.worker")

#: How often the scheduler asks whether a poll is due.
TICK = timedelta(seconds=2)
#: IDLE is ended and re-issued this often (RFC 2177: before 29 minutes).
IDLE_RENEW = timedelta(minutes=25)
DATABASE = "database"
_NETWORK_ERRORS = (TimeoutError, IMAPClientError, OSError, ResponseTimedOut)


class StopRequested(Exception):
    """A stop signal arrived: the poll ends after the batch it has committed."""


class FatalConfig(Exception):
    """The configuration cannot work (missing password, broken roster): do not retry."""


class QuietRetries(logging.Filter):
    """Drop ingest.poll's line per failed attempt: the worker logs each outage once."""

    TEMPLATES = frozenset({"%s: poll failed: %s", "%s: connection lost (%s), reconnecting"})

    def filter(self, record: logging.LogRecord) -> bool:
        return record.msg not in self.TEMPLATES


class Worker:
    def __init__(self, config_path: Path, environ: dict[str, str] | None = None) -> None:
        self.config_path = config_path
        self.environ = dict(os.environ if environ is None else environ)
        self.config = load_config(config_path)
        check_startable(self.config, self.environ)
        self.engine = open_engine(self.config)
        #: The stop request; setting it also cuts every IMAP connection in use.
        self.stopping = Interrupt()
        self.reload_requested = threading.Event()
        self.poll_requested = threading.Event()
        self.watchers: list[IdleWatcher] = []
        self.outages: dict[str, Outage] = {}
        self.last_started: datetime | None = None
        self.scheduler: Any = None

    # ------------------------------------------------------------ lifecycle

    def run(self) -> int:
        from apscheduler.schedulers.blocking import BlockingScheduler

        for warning in permission_warnings(self.config):
            log.warning("%s", warning)
        self._install_signals()
        if not self._wait_for_database():
            log.info("worker stopped")
            return 0
        self.scheduler = BlockingScheduler(timezone=self.config.campaign.timezone)
        self.scheduler.add_job(
            self._tick,
            "interval",
            seconds=TICK.total_seconds(),
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
            id="tick",
        )
        schedule_daily_mail(self.scheduler, self.config, self.engine)
        log.info(
            "worker started: %d mailbox(es), polling every %s",
            len(self.config.mailboxes),
            self.config.schedule.poll_every,
        )
        self._start_watchers()
        if not self.stopping.is_set():
            self.scheduler.start()
        self._stop_watchers()
        log.info("worker stopped")
        return 0

    def _shutdown_scheduler(self, *, wait: bool) -> None:
        from apscheduler.schedulers import SchedulerNotRunningError

        if self.scheduler is None:
            return
        with contextlib.suppress(SchedulerNotRunningError):  # the other path was first
            self.scheduler.shutdown(wait=wait)

    def _start_watchers(self) -> None:
        self.watchers = [
            IdleWatcher(m, self.environ, self.stopping, self.poll_requested.set, self._poll_every)
            for m in self.config.mailboxes
            if m.idle
        ]
        for watcher in self.watchers:
            watcher.start()

    def _stop_watchers(self) -> None:
        for watcher in self.watchers:
            watcher.halt.set()
        for watcher in self.watchers:
            watcher.join(timeout=5)
        self.watchers = []

    def _install_signals(self) -> None:
        def stop(signum: int, _frame: FrameType | None) -> None:
            if self.stopping.is_set():
                return
            log.info("%s received: finishing the batch in hand", signal.Signals(signum).name)
            self.stopping.set()
            self._shutdown_scheduler(wait=True)

        def reload(_signum: int, _frame: FrameType | None) -> None:
            self.reload_requested.set()

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGHUP, reload)
        logging.getLogger("ingest.poll").addFilter(QuietRetries())
        # "skipped: maximum number of running instances reached" on every tick of a
        # long poll is expected, not a warning.
        logging.getLogger("apscheduler").setLevel(logging.ERROR)

    def _wait_for_database(self) -> bool:
        """Wait (with backoff) until the database answers; False if stopped meanwhile.

        An outdated schema is fatal (SchemaOutdated propagates: run `db upgrade`).
        """
        while not self.stopping.is_set():
            try:
                require_current_schema(self.engine)
            except DatabaseUnavailable as error:
                self._note(DATABASE, describe_database_error(error))
                failures = self.outages[DATABASE].failures
                self.stopping.wait(backoff_delay(failures, self._poll_every).total_seconds())
                continue
            self._note(DATABASE, None)
            return True
        return False

    @property
    def _poll_every(self) -> timedelta:
        return self.config.schedule.poll_every

    # ------------------------------------------------------------ the tick

    def _tick(self) -> None:
        if self.stopping.is_set():
            # A signal that came just before the scheduler started could not stop it.
            self._shutdown_scheduler(wait=False)
            return
        if self.reload_requested.is_set():
            self.reload_requested.clear()
            self._reload()
        now = datetime.now(UTC)
        failures = max((o.failures for o in self.outages.values()), default=0)
        announced = self.poll_requested.is_set()  # IDLE: the server announced new mail
        if not announced and not poll_due(now, self.last_started, failures, self._poll_every):
            return
        self.poll_requested.clear()
        self.last_started = now
        self._poll()

    def _poll(self) -> None:
        try:
            summaries = run_poll(
                self.config,
                self.engine,
                progress=self._progress,
                should_stop=self._should_stop,
                interrupt=self.stopping,
            )
        except (StopRequested, Interrupted):
            log.info("poll interrupted by the stop request; the next run continues from here")
            return
        except DatabaseUnavailable as error:
            self._note(DATABASE, describe_database_error(error))
            return
        except Exception as error:  # a bug must not end the service; the next poll retries
            log.exception("poll failed unexpectedly")
            self._note("poll", f"{type(error).__name__}: {error}")
            return
        self._note(DATABASE, None)
        self._note("poll", None)
        for summary in summaries:
            self._note(f"mailbox {summary.mailbox}", summary.error)
            if summary.new or summary.failed or summary.duplicates or summary.skipped:
                log.info("%s", describe_poll(summary))
            else:
                log.debug("%s", describe_poll(summary))

    def _should_stop(self) -> bool:
        return self.stopping.is_set()

    def _progress(self, mailbox: str, done: int, total: int) -> None:
        log_progress(mailbox, done, total)
        if self.stopping.is_set():
            raise StopRequested

    def _note(self, component: str, error: str | None) -> None:
        self.outages, change = observe(self.outages, component, error)
        if change is not None:
            log_change(change, backoff_delay(1, self._poll_every))
        elif component in self.outages:
            outage = self.outages[component]
            log.debug("%s still unavailable (attempt %d): %s", component, outage.failures, error)

    # ------------------------------------------------------------ reload

    def _reload(self) -> None:
        try:
            config = load_config(self.config_path)
            check_startable(config, self.environ)
        except (ConfigError, FatalConfig) as error:
            log.error("SIGHUP: configuration not reloaded, keeping the old one: %s", error)
            return
        if config.database_url != self.config.database_url:
            self.engine.dispose()
            self.engine = open_engine(config)
        self.config = config
        if self.scheduler is not None:
            if self.scheduler.get_job("daily-mail") is not None:
                self.scheduler.remove_job("daily-mail")
            schedule_daily_mail(self.scheduler, config, self.engine)
        self._stop_watchers()
        self._start_watchers()
        self.last_started = None  # poll at once with the new configuration
        for warning in permission_warnings(config):
            log.warning("%s", warning)
        log.info("configuration reloaded from %s", self.config_path)


def log_change(change: Change, first_retry: timedelta) -> None:
    if change.down:
        log.error(
            "%s unavailable: %s (retrying from %ds, backing off; logged again when it is back)",
            change.component,
            change.error,
            int(first_retry.total_seconds()),
        )
    else:
        log.warning(
            "%s available again after %d failed attempt(s)", change.component, change.failures
        )


def check_startable(config: Config, environ: dict[str, str]) -> None:
    """Raise FatalConfig or ConfigError for what no retry can fix: roster, passwords."""
    load_roster(config.units_file, config.addresses_file)
    for mailbox in config.mailboxes:
        try:
            read_password(mailbox, environ)
        except Exception as error:
            log.debug("%s", describe(error))
            raise FatalConfig(
                f"hộp thư {mailbox.name}: {explain_mail_error(describe(error))}"
            ) from None
    if config.smtp is not None:
        try:
            read_smtp_password(config.smtp, environ)
        except Exception as error:
            raise FatalConfig(f"[smtp]: {error}") from None


class IdleWatcher(threading.Thread):
    """Hold one IMAP connection in IDLE on a mailbox's folder; wake the poller on new mail.

    Polling every ``poll_every`` goes on regardless: IDLE only makes it sooner. A
    server without IDLE is logged once and left to polling; a broken connection is
    reopened with backoff (the poller logs the outage).
    """

    def __init__(
        self,
        mailbox: MailboxConfig,
        environ: dict[str, str],
        stopping: Interrupt,
        wake: Callable[[], None],
        poll_every: timedelta,
    ) -> None:
        super().__init__(name=f"idle-{mailbox.name}", daemon=True)
        self.mailbox = mailbox
        self.environ = environ
        self.stopping = stopping
        self.halt = threading.Event()
        self.wake = wake
        self.poll_every = poll_every

    def stopped(self) -> bool:
        return self.halt.is_set() or self.stopping.is_set()

    def run(self) -> None:
        failures = 0
        announced = False
        name = self.mailbox.name
        while not self.stopped():
            try:
                client = connect(
                    self.mailbox, read_password(self.mailbox, self.environ), self.stopping
                )
            except Interrupted:
                return
            except Exception as error:  # refused, unreachable, no password: retry later
                failures += 1
                log.debug("%s: IDLE connection failed: %s", name, describe(error))
                self.halt.wait(backoff_delay(failures, self.poll_every).total_seconds())
                continue
            try:
                if not client.has_capability("IDLE"):
                    log.warning(
                        "%s: the server does not support IDLE; polling every %s",
                        name,
                        self.poll_every,
                    )
                    return
                client.select_folder(self.mailbox.folder, readonly=True)
                if not announced:
                    log.info("%s: waiting for new mail with IMAP IDLE", name)
                    announced = True
                failures = 0
                while not self.stopped():
                    if wait_for_new_mail(client, IDLE_RENEW.total_seconds(), self.stopped):
                        log.debug("%s: the server announced new mail", name)
                        self.wake()
            except Interrupted:
                return
            except _NETWORK_ERRORS as error:
                failures += 1
                log.debug("%s: IDLE connection lost: %s", name, describe(error))
                self.halt.wait(backoff_delay(failures, self.poll_every).total_seconds())
            finally:
                disconnect(client)
