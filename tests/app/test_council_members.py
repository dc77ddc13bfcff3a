"""Council members are accounts of role ``council``, with an optional unit."""

from __future__ import annotations

import pytest

from app import accounts
from app.root import Register


@pytest.mark.parametrize(
    ("role", "needed", "allowed"),
    [
        ("council", "council", True),
        ("council", "viewer", False),  # a member has none of the staff's rights
        ("admin", "council", False),
        ("admin", "viewer", True),
        ("viewer", "reviewer", False),
    ],
)
def test_a_council_member_has_only_its_own_rights(role: str, needed: str, allowed: bool) -> None:
    assert accounts.may(role, needed) is allowed


def test_a_member_is_created_with_the_unit_whose_initiatives_they_do_not_judge(
    register: Register,
) -> None:
    made = accounts.create(
        register, "tam", "council", "mat-khau-dai-1", by="admin", unit="xa-an-co"
    )
    assert made.ok and made.user is not None and made.user.unit == "xa-an-co"
    assert "thành viên hội đồng" in made.text
    refused = accounts.create(register, "lan", "council", "mat-khau-dai-1", by="admin", unit="xa-x")
    assert not refused.ok and refused.text == "Không có đơn vị mã 'xa-x' trong danh sách đơn vị."
    assert [u.name for u in accounts.accounts(register)] == ["tam"]
