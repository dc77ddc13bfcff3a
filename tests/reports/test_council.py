"""The rubric: which band a score is in, when a third scorer is needed, and the verdict."""

from __future__ import annotations

import pytest

from reports.council import (
    NOT_RECOGNISED,
    PENDING,
    RECOGNISED,
    THIRD_NEEDED,
    Band,
    Criterion,
    Rubric,
    Sheet,
    band_of,
    decide,
    needs_third,
    rubric_problem,
    score_problem,
)

NEW = Criterion(
    "moi",
    "Tính mới",
    30,
    (
        Band("Hoàn toàn mới", 27, 30),
        Band("Cải tiến rõ rệt", 21, 26),
        Band("Trung bình", 16, 20),
        Band("Nhỏ", 1, 15),
        Band("Không có", 0, 0),
    ),
)
USE = Criterion("ap-dung", "Khả năng áp dụng", 70, (Band("Có", 1, 70), Band("Không", 0, 0)))
RUBRIC = Rubric(criteria=(NEW, USE), threshold=60, scorers=2, gap=15)


def sheet(member: str, new: int, use: int, submitted: bool = True) -> Sheet:
    return Sheet(member, {"moi": new, "ap-dung": use}, submitted)


@pytest.mark.parametrize(
    ("points", "label"),
    [
        (30, "Hoàn toàn mới"),
        (27, "Hoàn toàn mới"),
        (26, "Cải tiến rõ rệt"),
        (1, "Nhỏ"),
        (0, "Không có"),
    ],
)
def test_a_score_falls_in_the_band_that_holds_it(points: int, label: str) -> None:
    band = band_of(NEW, points)
    assert band is not None and band.label == label


@pytest.mark.parametrize(
    ("bands", "key", "problem"),
    [
        ((Band("a", 20, 30), Band("b", 0, 20)), "criteria.moi.bands", "chồng lên nhau"),
        ((Band("a", 20, 29), Band("b", 0, 19)), "criteria.moi.bands", "điểm tối đa 30"),
        ((Band("a", 20, 31),), "criteria.moi.bands", "0–30"),
    ],
)
def test_bands_that_overlap_or_leave_the_maximum_out_are_refused(
    bands: tuple[Band, ...], key: str, problem: str
) -> None:
    found = rubric_problem(Rubric((Criterion("moi", "Tính mới", 30, bands),), threshold=10))
    assert found is not None and found[0] == key and problem in found[1]


def test_a_threshold_above_the_total_maximum_is_refused() -> None:
    assert rubric_problem(Rubric((NEW, USE), threshold=101)) == (
        "threshold",
        "101 lớn hơn tổng điểm tối đa 100",
    )
    assert rubric_problem(RUBRIC) is None


def test_a_score_above_a_criterions_maximum_or_of_an_unknown_criterion_is_named() -> None:
    assert "ngoài khoảng 0–30" in (score_problem(RUBRIC, {"moi": 31}) or "")
    assert "'x' không có" in (score_problem(RUBRIC, {"x": 1}) or "")
    assert score_problem(RUBRIC, {"moi": 30, "ap-dung": 0}) is None


def test_two_agreeing_sheets_give_their_verdict_with_the_mean_and_the_bands() -> None:
    outcome = decide(RUBRIC, [sheet("an", 27, 50), sheet("binh", 21, 50)])
    assert (outcome.verdict, outcome.total, outcome.third_needed) == (RECOGNISED, 74, False)
    assert "an: Tính mới 27/30 (Hoàn toàn mới)" in outcome.explanation
    assert "Điểm trung bình 74/100, ngưỡng công nhận 60: công nhận." in outcome.explanation


def test_an_unsubmitted_sheet_does_not_count() -> None:
    outcome = decide(RUBRIC, [sheet("an", 27, 50), sheet("binh", 21, 50, submitted=False)])
    assert outcome.verdict == PENDING
    assert outcome.explanation.endswith("Đã nộp 1/2 phiếu: chưa có kết quả.")


@pytest.mark.parametrize(
    ("first", "second", "third"),
    [
        ((30, 60), (10, 60), True),  # 90 and 70: 20 apart, more than the gap of 15
        ((20, 45), (15, 40), True),  # 65 and 55: 10 apart, but one recognises, one not
        ((20, 45), (20, 40), False),  # 65 and 60: both recognise, 5 apart
    ],
)
def test_a_third_scorer_is_needed_when_totals_or_verdicts_disagree(
    first: tuple[int, int], second: tuple[int, int], third: bool
) -> None:
    assert needs_third(RUBRIC, [sheet("an", *first), sheet("binh", *second)]) is third


def test_disagreeing_sheets_wait_for_the_third_and_then_the_majority_decides() -> None:
    two = [sheet("an", 20, 45), sheet("binh", 15, 40)]
    assert decide(RUBRIC, two).verdict == THIRD_NEEDED
    outcome = decide(RUBRIC, [*two, sheet("chi", 10, 30)])
    assert (outcome.verdict, outcome.third_needed) == (NOT_RECOGNISED, True)
    assert "Hai người chấm đầu kết luận khác nhau (65 và 55)" in outcome.explanation
    assert outcome.explanation.endswith("Đa số 2/3 phiếu: không công nhận.")


def test_the_chairs_decision_overrides_the_scores() -> None:
    outcome = decide(RUBRIC, [sheet("an", 20, 45), sheet("binh", 15, 40)], (RECOGNISED, "tam"))
    assert outcome.verdict == RECOGNISED
    assert outcome.explanation.endswith("Chủ tịch hội đồng (tam) quyết định: công nhận.")
