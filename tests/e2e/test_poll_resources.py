"""A poll leaves nothing running behind it: the worker calls it every few minutes for months."""

from __future__ import annotations

import atexit
import multiprocessing

import pytest

from app.config import load_config
from app.root import open_engine
from ingest.commands.polling import run_poll
from tests.e2e.conftest import PASSWORD_ENV, ROOT, Register
from tests.e2e.imap_tools import append_many, generated_message

pytestmark = [
    pytest.mark.dovecot,
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


def test_repeated_polls_leave_no_extraction_process_behind(
    register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    register.dovecot.seed(ROOT / "tests" / "data" / "mail", folder=register.folder)
    monkeypatch.setenv(PASSWORD_ENV, register.dovecot.password)
    config = load_config(register.config)
    engine = open_engine(config)
    assert multiprocessing.active_children() == []

    [first] = run_poll(config, engine)
    [second] = run_poll(config, engine)
    engine.dispose()

    assert (first.new, second.new) == (14, 0)  # the first poll really extracted documents
    assert multiprocessing.active_children() == []


def test_polls_with_mail_do_not_add_exit_callbacks(
    register: Register, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PASSWORD_ENV, register.dovecot.password)
    config = load_config(register.config)
    engine = open_engine(config)
    callbacks = []
    for poll in range(4):
        append_many(register.dovecot, register.folder, [generated_message(poll, "atexit")])
        [summary] = run_poll(config, engine)
        assert summary.new == 1  # each poll had mail, so it started the extraction workers
        callbacks.append(atexit._ncallbacks())
    engine.dispose()
    assert len(set(callbacks)) == 1, callbacks
