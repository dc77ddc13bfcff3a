from __future__ import annotations

from datetime import date

from parsers.roster import Roster, Unit, UnitKind, stands_for

OLD = Unit(
    "xa-bien-gioi",
    "UBND xã Biên Giới",
    UnitKind.COMMUNE,
    True,
    ends=date(2025, 6, 30),
    successor="xa-hoa-hoi-moi",
)
MIDDLE = Unit(
    "xa-hoa-hoi-moi",
    "UBND xã Hòa Hội (mới)",
    UnitKind.COMMUNE,
    True,
    starts=date(2025, 7, 1),
    ends=date(2027, 12, 31),
    successor="xa-hoa-hoi-2028",
)
LAST = Unit("xa-hoa-hoi-2028", "UBND xã Hòa Hội", UnitKind.COMMUNE, True, starts=date(2028, 1, 1))
ALWAYS = Unit("phong-noi-vu", "Phòng Nội vụ", UnitKind.OFFICE, True)
ROSTER = Roster((OLD, MIDDLE, LAST, ALWAYS))


def test_the_units_in_force_on_a_day_are_those_that_existed_that_day() -> None:
    assert [u.code for u in ROSTER.in_force(date(2025, 6, 30))] == ["xa-bien-gioi", "phong-noi-vu"]
    assert [u.code for u in ROSTER.in_force(date(2025, 7, 1))] == [
        "xa-hoa-hoi-moi",
        "phong-noi-vu",
    ]
    assert [u.code for u in ROSTER.in_force(date(2030, 1, 1))] == [
        "xa-hoa-hoi-2028",
        "phong-noi-vu",
    ]


def test_a_unit_stands_for_itself_until_its_last_day_then_for_its_successors() -> None:
    successors = ROSTER.successors()
    assert stands_for("xa-bien-gioi", date(2025, 6, 30), successors) == "xa-bien-gioi"
    assert stands_for("xa-bien-gioi", date(2025, 7, 1), successors) == "xa-hoa-hoi-moi"
    assert stands_for("xa-bien-gioi", date(2028, 3, 1), successors) == "xa-hoa-hoi-2028"
    assert stands_for("phong-noi-vu", date(2030, 1, 1), successors) == "phong-noi-vu"


def test_a_cycle_of_successors_never_loops() -> None:
    successors = {"a": (date(2024, 1, 1), "b"), "b": (date(2024, 1, 1), "a")}
    assert stands_for("a", date(2025, 1, 1), successors) in {"a", "b"}
