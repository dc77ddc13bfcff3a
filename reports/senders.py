"""The Sender and Reply-To addresses beside From in the JSON reports (pure).

They are never evidence of the unit; staff see them so that a message whose
replies would go elsewhere than its sender does not go unnoticed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from store.read import SubmissionRow


def sender_keys(sender: str | None, reply_to: Sequence[str]) -> dict[str, Any]:
    """Return the JSON keys "sender" (address or null) and "reply_to" (list of addresses)."""
    return {"sender": sender, "reply_to": list(reply_to)}


# Where a submission's own "from" line starts in the indented JSON of reports.render:
# its keys are indented 6 spaces, nested objects' more, and no JSON string holds a newline.
_FROM = '\n      "from": '


def with_sender_keys(submissions_json: str, rows: Sequence[SubmissionRow]) -> str:
    """Return ``report submissions`` JSON with "sender" and "reply_to" after "from".

    The two lines are written after each submission's "from" line: parsing and
    writing 100,000 submissions again costs more than writing them. If the text
    is not laid out as expected, it is parsed and written again.
    """
    head, *pieces = submissions_json.split(_FROM)
    if len(pieces) != len(rows):
        return _rewritten(submissions_json, rows)
    out = [head]
    for piece, row in zip(pieces, rows, strict=True):
        # Each piece starts with the rest of a "from" line, which a later key follows.
        end = piece.find("\n")
        if end < 1 or piece[end - 1] != ",":
            return _rewritten(submissions_json, rows)
        out += (_FROM, piece[:end], _key_lines(row), piece[end:])
    return "".join(out)


def _key_lines(row: SubmissionRow) -> str:
    """Return the two lines, laid out as ``json.dumps(indent=2)`` lays them out there."""
    sender = json.dumps(row.sender, ensure_ascii=False)
    items = ",\n".join(f"        {json.dumps(a, ensure_ascii=False)}" for a in row.reply_to)
    reply_to = f"[\n{items}\n      ]" if items else "[]"
    return f'\n      "sender": {sender},\n      "reply_to": {reply_to},'


def _rewritten(submissions_json: str, rows: Sequence[SubmissionRow]) -> str:
    data = json.loads(submissions_json)
    data["submissions"] = [
        _after_from(item, sender_keys(row.sender, row.reply_to))
        for item, row in zip(data["submissions"], rows, strict=True)
    ]
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _after_from(item: dict[str, Any], keys: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in item.items():
        out[key] = value
        if key == "from":
            out.update(keys)
    out.update({k: v for k, v in keys.items() if k not in out})
    return out
