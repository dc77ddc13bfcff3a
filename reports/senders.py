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


def with_sender_keys(submissions_json: str, rows: Sequence[SubmissionRow]) -> str:
    """Return ``report submissions`` JSON with "sender" and "reply_to" after "from"."""
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
