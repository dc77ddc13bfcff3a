"""The Sender and Reply-To addresses beside From in the submissions JSON."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from reports.render import submissions_json
from tests.reports.rows import CAMPAIGN, submission


def test_the_submissions_json_has_sender_and_reply_to_after_from() -> None:
    rows = [
        replace(
            submission(1, None, datetime(2024, 6, 1, tzinfo=UTC)),
            sender="a@tayninh.gov.vn",
            reply_to=("b@gmail.com", "c@gmail.com"),
        ),
        submission(2, "xa-an-co", datetime(2024, 6, 2, tzinfo=UTC)),
    ]
    items = json.loads(submissions_json(rows, CAMPAIGN))["submissions"]
    for item in items:
        keys = list(item)
        at = keys.index("from")
        assert keys[at + 1 : at + 3] == ["sender", "reply_to"]
    assert [(s["sender"], s["reply_to"]) for s in items] == [
        ("a@tayninh.gov.vn", ["b@gmail.com", "c@gmail.com"]),
        (None, []),
    ]
