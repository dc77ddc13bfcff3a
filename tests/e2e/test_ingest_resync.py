"""A folder whose UIDVALIDITY changed is resynchronised without counting anything twice."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import ROOT, Register
from tests.e2e.imap_tools import append_many, generated_message

pytestmark = pytest.mark.dovecot
SAMPLES = ROOT / "tests" / "data" / "mail"


def uidvalidity(register: Register) -> int:
    with register.dovecot.client() as client:
        return int(client.folder_status(register.folder, [b"UIDVALIDITY"])[b"UIDVALIDITY"])


def recreate_folder(register: Register) -> None:
    with register.dovecot.client() as client:
        client.delete_folder(register.folder)
        client.create_folder(register.folder)


def test_a_recreated_folder_is_matched_by_message_id_and_hash_and_counted_once(
    register: Register,
) -> None:
    count = register.dovecot.seed(SAMPLES, folder=register.folder)
    assert f"{count} thư mới" in register.run("poll").stdout
    before = uidvalidity(register)
    recreate_folder(register)
    register.dovecot.seed(SAMPLES, folder=register.folder)
    assert uidvalidity(register) != before

    resync = register.run("poll").stdout
    assert f"0 thư mới, {count} thư trùng, 0 thư lỗi" in resync
    assert f"khớp {count} thư đã có" in resync
    rows = register.json("report", "submissions")["submissions"]
    assert len(rows) == count  # type: ignore[arg-type]

    append_many(register.dovecot, register.folder, [generated_message(1, "after")])
    assert "1 thư mới, 0 thư trùng, 0 thư lỗi" in register.run("poll").stdout
    assert "0 thư mới, 0 thư trùng, 0 thư lỗi" in register.run("poll").stdout
    rows = register.json("report", "submissions")["submissions"]
    assert len(rows) == count + 1  # type: ignore[arg-type]
    # The register now points at the messages' new UIDs: no two rows share one.
    assert len({r["uid"] for r in rows}) == count + 1  # type: ignore[index, union-attr]


def test_a_recreated_folder_with_an_edited_copy_stores_the_different_bytes_as_new(
    register: Register,
) -> None:
    append_many(register.dovecot, register.folder, [generated_message(i) for i in range(4)])
    register.run("poll")
    recreate_folder(register)
    edited = generated_message(3).replace(b" dung ", b" DUNG ")
    assert edited != generated_message(3)
    append_many(
        register.dovecot,
        register.folder,
        [*(generated_message(i) for i in range(3)), edited],
    )
    out = register.run("poll").stdout
    # Same Message-ID, other bytes: never merged with the stored one.
    assert "1 thư mới, 3 thư trùng, 0 thư lỗi" in out
    assert "khớp 3 thư đã có" in out
    assert len(register.json("report", "submissions")["submissions"]) == 5  # type: ignore[arg-type]
