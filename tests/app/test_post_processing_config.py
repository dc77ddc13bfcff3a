"""The per-mailbox post-processing keys: off by default, checked when given."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.config import ConfigError, load_config
from tests.app.test_config import write_config

ANCHOR = 'security = "ssl"'


def with_keys(tmp_path: Path, lines: str) -> Path:
    return write_config(tmp_path, (ANCHOR, f"{ANCHOR}\n{lines}"))


def test_post_processing_is_off_unless_configured(tmp_path: Path) -> None:
    mailbox = load_config(write_config(tmp_path)).mailboxes[0]
    assert (mailbox.mark_processed, mailbox.move_to) == (None, None)


def test_flag_and_move_modes_are_read(tmp_path: Path) -> None:
    flag = load_config(with_keys(tmp_path, 'mark_processed = "flag"')).mailboxes[0]
    assert flag.mark_processed == "flag"
    moved = load_config(
        with_keys(tmp_path, 'mark_processed = "move"\nmove_to = "Đã xử lý"')
    ).mailboxes[0]
    assert (moved.mark_processed, moved.move_to) == ("move", "Đã xử lý")


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ('mark_processed = "delete"', '[mailboxes[0]].mark_processed: phải là "flag" hoặc "move"'),
        ('mark_processed = "move"', "[mailboxes[0]].move_to: bắt buộc khi"),
        (
            'mark_processed = "move"\nmove_to = ""',
            "[mailboxes[0]].move_to: phải là một chuỗi không rỗng",
        ),
    ],
)
def test_a_wrong_post_processing_key_names_the_key(
    tmp_path: Path, lines: str, message: str
) -> None:
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_config(with_keys(tmp_path, lines))
