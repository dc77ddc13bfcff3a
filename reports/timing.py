"""Why a message is early, on time or late, in the words staff read (pure)."""

from __future__ import annotations

from datetime import datetime, timedelta

from parsers.campaign import Campaign, Timing, judge_timing


def explain_timing(received_at: datetime, campaign: Campaign) -> str:
    """Return one sentence: when the server received it, the rule, the verdict."""
    zone = campaign.zone
    seen = received_at.astimezone(zone).strftime("%d/%m/%Y %H:%M:%S")
    closes = campaign.closes.strftime("%d/%m/%Y")
    opens = campaign.opens.strftime("%d/%m/%Y")
    timing = judge_timing(received_at, campaign)
    head = f"Máy chủ thư nhận lúc {seen} (giờ {campaign.timezone})"
    if timing is Timing.EARLY:
        return f"{head}, trước ngày bắt đầu {opens}: gửi sớm, vẫn được tính."
    if timing is Timing.ON_TIME:
        left = campaign.ends_at - received_at
        return f"{head}, trong hạn (hết ngày {closes}, còn {duration_text(left)}): đúng hạn."
    late = received_at - campaign.ends_at
    return f"{head}, sau hạn chót (hết ngày {closes}) {duration_text(late)}: trễ hạn."


def duration_text(span: timedelta) -> str:
    """Return a duration in its two largest units: "2 ngày 3 giờ", "30 giây"."""
    seconds = max(0, int(span.total_seconds()))
    parts: list[str] = []
    for size, word in ((86400, "ngày"), (3600, "giờ"), (60, "phút"), (1, "giây")):
        if seconds >= size or (size == 1 and not parts):
            parts.append(f"{seconds // size} {word}")
            seconds %= size
    return " ".join(parts[:2])
