from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime

from reports.render import submissions_json
from reports.senders import with_sender_keys
from tests.reports.rows import CAMPAIGN, submission


def test_the_submissions_json_gains_sender_and_reply_to_after_from_and_keeps_every_key() -> None:
    rows = [
        replace(
            submission(1, None, datetime(2024, 6, 1, tzinfo=UTC)),
            sender="a@tayninh.gov.vn",
            reply_to=("b@gmail.com", "c@gmail.com"),
        ),
        submission(2, "xa-an-co", datetime(2024, 6, 2, tzinfo=UTC)),
    ]
    before = json.loads(submissions_json(rows, CAMPAIGN))["submissions"]
    after = json.loads(with_sender_keys(submissions_json(rows, CAMPAIGN), rows))["submissions"]
    for old, new in zip(before, after, strict=True):
        keys = list(old)
        at = keys.index("from") + 1
        assert list(new) == [*keys[:at], "sender", "reply_to", *keys[at:]]
        assert {k: v for k, v in new.items() if k in old} == old
    assert [(s["sender"], s["reply_to"]) for s in after] == [
        ("a@tayninh.gov.vn", ["b@gmail.com", "c@gmail.com"]),
        (None, []),
    ]


def test_the_keys_are_laid_out_as_a_json_writer_would_lay_them_out_whatever_the_text() -> None:
    rows = [
        replace(
            submission(1, None, datetime(2024, 6, 1, tzinfo=UTC), subject='x\n      "from": y'),
            sender='a"\u2028@tayninh.gov.vn',
            reply_to=("Nguyễn@gmail.com",),
        ),
        submission(2, "xa-an-co", datetime(2024, 6, 2, tzinfo=UTC)),
    ]
    text = submissions_json(rows, CAMPAIGN)
    data = json.loads(text)
    for item, row in zip(data["submissions"], rows, strict=True):
        at = list(item).index("from") + 1
        keys = [*list(item)[:at], "sender", "reply_to", *list(item)[at:]]
        values = {**item, "sender": row.sender, "reply_to": list(row.reply_to)}
        item.clear()
        item.update({k: values[k] for k in keys})
    expected = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    assert with_sender_keys(text, rows) == expected
    # Laid out otherwise (another indent), the text is read and written again.
    other = json.dumps(json.loads(text), ensure_ascii=False, indent=4)
    assert json.loads(with_sender_keys(other, rows)) == json.loads(expected)
