"""Several campaigns in one mailbox, through Dovecot and the real CLI: each message goes to
its campaign, one that fits two waits for a person, and every report is of one campaign."""

from __future__ import annotations

import email
import email.policy
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from tests.e2e.conftest import Register
from tests.e2e.test_review import SAMPLES

pytestmark = pytest.mark.dovecot

ICT = timezone(timedelta(hours=7))
THAI_BINH = SAMPLES / "01-thai-binh-docx.eml"
CAMPAIGNS = """[[campaigns]]
name = "Sáng kiến, giải pháp CCHC năm 2024"
opens = 2024-05-15
closes = 2024-06-25
timezone = "Asia/Ho_Chi_Minh"

[[campaigns]]
code = "bc-quy-2-2024"
name = "Báo cáo CCHC quý II năm 2024"
opens = 2024-06-01
closes = 2024-06-15
timezone = "Asia/Ho_Chi_Minh"
keywords = ["báo cáo CCHC quý II"]

[[campaigns]]
code = "bs"
name = "Đợt nhận bổ sung sáng kiến 2024"
opens = 2024-06-20
closes = 2024-07-10
timezone = "Asia/Ho_Chi_Minh"
"""


@pytest.fixture
def campaigns(register: Register) -> Register:
    """The register with three campaigns: the 2024 initiatives, a quarterly report whose
    window lies inside it, and a later round that overlaps its last days."""
    text = register.config.read_text(encoding="utf-8")
    head, rest = text.split("[campaign]\n", 1)
    register.config.write_text(head + CAMPAIGNS + rest[rest.index("[schedule]") :], "utf-8")
    return register


def deliver(register: Register, subject: str, at: datetime, tag: str) -> None:
    """Deliver Thái Bình's sample submission again, with another subject, at ``at``."""
    message = email.message_from_bytes(THAI_BINH.read_bytes(), policy=email.policy.default)
    del message["Subject"], message["Message-ID"]
    message["Subject"] = subject
    message["Message-ID"] = f"<{tag}@tayninh.gov.vn>"
    register.dovecot.append(message.as_bytes(), at, folder=register.folder)


def rows(register: Register, *args: str) -> list[dict[str, Any]]:
    found = register.json("report", "submissions", *args)["submissions"]
    assert isinstance(found, list)
    return found


def standing(register: Register, code: str, campaign: str) -> dict[str, Any]:
    report = register.json("report", "compliance", "--campaign", campaign)
    assert report["campaign"]["code"] == campaign  # type: ignore[index]
    units = report["units"]
    assert isinstance(units, list)
    return next(u for u in units if u["code"] == code)


def test_each_message_goes_to_its_campaign_and_each_campaign_counts_its_own(
    campaigns: Register,
) -> None:
    deliver(campaigns, "Gửi sáng kiến CCHC năm 2024", datetime(2024, 6, 1, 9, tzinfo=ICT), "a")
    deliver(campaigns, "Báo cáo CCHC quý II năm 2024", datetime(2024, 6, 10, 9, tzinfo=ICT), "b")
    deliver(campaigns, "Gửi bổ sung sáng kiến", datetime(2024, 6, 22, 9, tzinfo=ICT), "c")
    campaigns.run("poll")

    by_id = {r["message_id"]: r for r in rows(campaigns, "--campaign", "2024")}
    assert by_id["<a@tayninh.gov.vn>"]["campaign"] == "2024"
    assert "<b@tayninh.gov.vn>" not in by_id  # the quarterly report's, not the initiatives'
    waiting = by_id["<c@tayninh.gov.vn>"]  # of no campaign yet: listed in every campaign
    assert (waiting["campaign"], waiting["status"]) == (None, "needs_review")
    assert waiting["reasons"] == ["ambiguous_campaign"]
    report = {r["message_id"]: r for r in rows(campaigns, "--campaign", "bc-quy-2-2024")}
    assert report["<b@tayninh.gov.vn>"]["campaign"] == "bc-quy-2-2024"

    queue = campaigns.json("review", "list")["messages"]
    assert isinstance(queue, list)
    [item] = [m for m in queue if m["id"] == waiting["id"]]
    assert item["campaign_candidates"] == ["2024", "bs"]

    assert standing(campaigns, "xa-thai-binh", "2024")["status"] == "on_time"
    assert standing(campaigns, "xa-thai-binh", "bc-quy-2-2024")["status"] == "on_time"
    assert standing(campaigns, "xa-thai-binh", "bs")["status"] == "missing"

    done = campaigns.run("review", "campaign", str(waiting["id"]), "bs", "--by", "lan")
    assert "đã xếp vào đợt Đợt nhận bổ sung sáng kiến 2024 (bs)" in done.stdout
    assert standing(campaigns, "xa-thai-binh", "bs")["status"] == "on_time"
    # Today (2026) no campaign is open: a report without --campaign is of the one that
    # closed last.
    assert campaigns.json("report", "compliance")["campaign"]["code"] == "bs"  # type: ignore[index]


def test_an_unknown_campaign_is_one_line_and_exit_2(campaigns: Register) -> None:
    for args in (
        ("report", "compliance", "--campaign", "2023"),
        ("digest", "--campaign", "2023"),
        ("review", "campaign", "1", "2023"),
    ):
        result = campaigns.run(*args, check=False)
        assert result.returncode == 2, args
        assert "Không có đợt mã '2023'" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1
        assert "Traceback" not in result.stderr
