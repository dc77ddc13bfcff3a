"""The council's rubric and how a verdict follows from the scores (pure).

The rubric is configuration ([council], read by app.config): criteria with a
maximum and bands, the total that recognises an initiative, how many members
score each one, and when a third is needed. Everything here is arithmetic on
those values and the sheets members submitted; the explanation says it in
Vietnamese, for the council's list and ``council results``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

RECOGNISED, NOT_RECOGNISED = "recognised", "not_recognised"
VERDICTS = (RECOGNISED, NOT_RECOGNISED)
#: Final states of an initiative without a verdict yet.
PENDING, THIRD_NEEDED = "pending", "third_needed"
VERDICT_WORDS = {
    RECOGNISED: "Công nhận",
    NOT_RECOGNISED: "Không công nhận",
    PENDING: "Chưa chấm xong",
    THIRD_NEEDED: "Cần người chấm thứ ba",
}


@dataclass(frozen=True)
class Band:
    label: str
    low: int
    high: int


@dataclass(frozen=True)
class Criterion:
    key: str
    name: str
    maximum: int
    bands: tuple[Band, ...]


@dataclass(frozen=True)
class Rubric:
    criteria: tuple[Criterion, ...]
    threshold: int  # a total at or above it recognises the initiative
    scorers: int = 2
    gap: int = 10  # a third scorer when the first two totals differ by more than this

    @property
    def maximum(self) -> int:
        return sum(c.maximum for c in self.criteria)

    def criterion(self, key: str) -> Criterion | None:
        return next((c for c in self.criteria if c.key == key), None)


@dataclass(frozen=True)
class Sheet:
    """One member's scores of one initiative; only submitted sheets count."""

    member: str
    scores: Mapping[str, int]
    submitted: bool


@dataclass(frozen=True)
class Outcome:
    verdict: str  # recognised | not_recognised | pending | third_needed
    total: float | None  # the mean of the submitted totals
    third_needed: bool
    explanation: str


def rubric_problem(rubric: Rubric) -> tuple[str, str] | None:
    """Return (key, problem) of the first thing wrong with ``rubric``, or None."""
    if not rubric.criteria:
        return "criteria", "cần ít nhất một tiêu chí"
    keys = [c.key for c in rubric.criteria]
    for criterion in rubric.criteria:
        where = f"criteria.{criterion.key}"
        if keys.count(criterion.key) > 1:
            return where, f"khóa {criterion.key!r} dùng cho hai tiêu chí"
        if criterion.maximum <= 0:
            return f"{where}.max", "phải là một số nguyên dương"
        bands = sorted(criterion.bands, key=lambda b: b.low)
        for band in bands:
            if not 0 <= band.low <= band.high <= criterion.maximum:
                return (
                    f"{where}.bands",
                    f"mức {band.label!r} ({band.low}–{band.high}) phải nằm trong 0–"
                    f"{criterion.maximum}, min ≤ max",
                )
        for lower, upper in pairwise(bands):
            if upper.low <= lower.high:
                return (
                    f"{where}.bands",
                    f"mức {lower.label!r} ({lower.low}–{lower.high}) và {upper.label!r} "
                    f"({upper.low}–{upper.high}) chồng lên nhau",
                )
        if bands and bands[-1].high != criterion.maximum:
            return (
                f"{where}.bands",
                f"không mức nào chứa điểm tối đa {criterion.maximum}",
            )
    if rubric.threshold > rubric.maximum:
        return "threshold", f"{rubric.threshold} lớn hơn tổng điểm tối đa {rubric.maximum}"
    if rubric.scorers < 1:
        return "scorers", "cần ít nhất một người chấm"
    return None


def band_of(criterion: Criterion, points: int) -> Band | None:
    """Return the band ``points`` falls in, or None when no band holds it."""
    return next((b for b in criterion.bands if b.low <= points <= b.high), None)


def score_problem(rubric: Rubric, scores: Mapping[str, int]) -> str | None:
    """Return why ``scores`` cannot be kept (Vietnamese), or None."""
    for key, points in scores.items():
        criterion = rubric.criterion(key)
        if criterion is None:
            known = ", ".join(c.key for c in rubric.criteria)
            return f"Tiêu chí {key!r} không có trong thang điểm; các tiêu chí: {known}."
        if not 0 <= points <= criterion.maximum:
            return (
                f"Điểm {points} của tiêu chí {criterion.name!r} ngoài khoảng 0–{criterion.maximum}."
            )
    return None


def total_of(scores: Mapping[str, int]) -> int:
    return sum(scores.values())


def sheet_verdict(rubric: Rubric, scores: Mapping[str, int]) -> str:
    """Return the verdict one complete sheet gives: recognised at or above the threshold."""
    return RECOGNISED if total_of(scores) >= rubric.threshold else NOT_RECOGNISED


def is_complete(rubric: Rubric, sheet: Sheet) -> bool:
    return sheet.submitted and all(c.key in sheet.scores for c in rubric.criteria)


def needs_third(rubric: Rubric, sheets: Sequence[Sheet]) -> bool:
    """Whether the first two submitted sheets disagree: totals further apart than the gap,
    or one recognises and the other does not."""
    done = [s for s in sheets if is_complete(rubric, s)]
    if len(done) < 2:
        return False
    first, second = done[0].scores, done[1].scores
    return abs(total_of(first) - total_of(second)) > rubric.gap or sheet_verdict(
        rubric, first
    ) != sheet_verdict(rubric, second)


def decide(
    rubric: Rubric, sheets: Sequence[Sheet], chair: tuple[str, str] | None = None
) -> Outcome:
    """Return the initiative's verdict and how it follows from the sheets.

    ``sheets`` in the order they were assigned; ``chair`` is (verdict, name)
    when the chair decided, which overrides the scores. Without it: the
    verdict of the ``scorers`` submitted sheets when they agree; when the
    first two disagree, the majority once a third has submitted.
    """
    done = [s for s in sheets if is_complete(rubric, s)]
    total = sum(total_of(s.scores) for s in done) / len(done) if done else None
    lines = [_sheet_line(rubric, s) for s in done]
    third = needs_third(rubric, sheets)
    if chair is not None:
        verdict, name = chair
        lines.append(f"Chủ tịch hội đồng ({name}) quyết định: {VERDICT_WORDS[verdict].lower()}.")
        return Outcome(verdict, total, third, " ".join(lines))
    wanted = rubric.scorers + (1 if third else 0)
    if len(done) < wanted:
        state = THIRD_NEEDED if third and len(done) == 2 else PENDING
        if state == THIRD_NEEDED:
            lines.append(_disagreement(rubric, done))
        lines.append(f"Đã nộp {len(done)}/{wanted} phiếu: chưa có kết quả.")
        return Outcome(state, total, third, " ".join(lines))
    verdicts = [sheet_verdict(rubric, s.scores) for s in done[:wanted]]
    verdict = max(VERDICTS, key=verdicts.count)
    if verdicts.count(RECOGNISED) == verdicts.count(NOT_RECOGNISED):
        lines.append("Số phiếu công nhận và không công nhận bằng nhau: chờ chủ tịch quyết định.")
        return Outcome(PENDING, total, third, " ".join(lines))
    if third:
        lines.append(_disagreement(rubric, done))
        lines.append(
            f"Đa số {verdicts.count(verdict)}/{len(verdicts)} phiếu: "
            f"{VERDICT_WORDS[verdict].lower()}."
        )
    else:
        lines.append(
            f"Điểm trung bình {total:g}/{rubric.maximum}, ngưỡng công nhận {rubric.threshold}: "
            f"{VERDICT_WORDS[verdict].lower()}."
        )
    return Outcome(verdict, total, third, " ".join(lines))


def _sheet_line(rubric: Rubric, sheet: Sheet) -> str:
    parts = []
    for criterion in rubric.criteria:
        points = sheet.scores[criterion.key]
        band = band_of(criterion, points)
        parts.append(
            f"{criterion.name} {points}/{criterion.maximum}" + (f" ({band.label})" if band else "")
        )
    total = total_of(sheet.scores)
    word = "đạt" if total >= rubric.threshold else "chưa đạt"
    return f"{sheet.member}: {', '.join(parts)}; tổng {total} — {word} ngưỡng {rubric.threshold}."


def _disagreement(rubric: Rubric, done: Sequence[Sheet]) -> str:
    a, b = total_of(done[0].scores), total_of(done[1].scores)
    if sheet_verdict(rubric, done[0].scores) != sheet_verdict(rubric, done[1].scores):
        return f"Hai người chấm đầu kết luận khác nhau ({a} và {b}): cần người chấm thứ ba."
    return f"Hai tổng điểm đầu {a} và {b} chênh {abs(a - b)} > {rubric.gap}: cần người chấm thứ ba."
