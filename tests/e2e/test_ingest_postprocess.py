"""Optional post-processing: flag or move what was committed, and nothing else."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Register
from tests.e2e.imap_tools import append_many, generated_message, set_config_value

pytestmark = pytest.mark.dovecot
FLAG = b"$CchcIngested"


def configure(register: Register, lines: str) -> None:
    set_config_value(register.config, "batch_size = 5\n", "batch_size = 5\n" + lines)


def flags_by_message_id(register: Register, folder: str) -> dict[str, set[bytes]]:
    with register.dovecot.client() as client:
        client.select_folder(folder, readonly=True)
        uids = client.search(["ALL"])
        fetched = client.fetch(uids, [b"FLAGS", b"BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)]"])
    return {
        # The server sets \\Recent itself; only flags a client set matter here.
        data[b"BODY[HEADER.FIELDS (MESSAGE-ID)]"].decode().split(":", 1)[1].strip(): set(
            data[b"FLAGS"]
        )
        - {b"\\Recent"}
        for data in fetched.values()
    }


def test_post_processing_is_off_by_default_and_leaves_the_mailbox_untouched(
    register: Register,
) -> None:
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(3)])
    register.run("poll")
    assert all(flags == set() for flags in flags_by_message_id(register, register.folder).values())


def test_flag_mode_marks_every_ingested_message_and_only_those(register: Register) -> None:
    configure(register, 'mark_processed = "flag"\n')
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(12)])
    assert "12 thư mới" in register.run("poll").stdout
    append_many(register.dovecot, register.folder, [generated_message(99)])
    flags = flags_by_message_id(register, register.folder)
    assert len(flags) == 13
    assert all(FLAG in flags[f"<gen-{i}@test.cchc>"] for i in range(12))
    # Arrived after the poll: not ingested, not flagged. Reading never marks \Seen.
    assert flags["<gen-99@test.cchc>"] == set()
    assert all(b"\\Seen" not in f for f in flags.values())


def test_move_mode_moves_ingested_mail_to_the_configured_folder(register: Register) -> None:
    done = register.folder + "-done"
    with register.dovecot.client() as client:
        client.create_folder(done)
    configure(register, f'mark_processed = "move"\nmove_to = "{done}"\n')
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(7)])
    assert "7 thư mới, 0 thư trùng, 0 thư lỗi" in register.run("poll").stdout
    assert flags_by_message_id(register, register.folder) == {}
    assert sorted(flags_by_message_id(register, done)) == sorted(
        f"<gen-{i}@test.cchc>" for i in range(7)
    )
    append_many(register.dovecot, register.folder, [generated_message(7)])
    assert "1 thư mới, 0 thư trùng, 0 thư lỗi" in register.run("poll").stdout
    assert len(register.json("report", "submissions")["submissions"]) == 8  # type: ignore[arg-type]
