"""The roster of units and the address book."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date


class UnitKind(enum.StrEnum):
    TOWN = "town"
    COMMUNE = "commune"
    OFFICE = "office"
    MASS_ORG = "mass_org"


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    kind: UnitKind
    required: bool
    emails: tuple[str, ...] = ()
    # When the unit existed (both inclusive; None: always), and the unit that took
    # its place when it was merged or renamed. The register keeps the past as it was.
    starts: date | None = None
    ends: date | None = None
    successor: str | None = None

    def in_force(self, day: date) -> bool:
        """Whether the unit existed on ``day``."""
        return (self.starts is None or self.starts <= day) and (
            self.ends is None or day <= self.ends
        )


@dataclass(frozen=True)
class Roster:
    units: tuple[Unit, ...]
    # Known addresses outside the roster file (address book, learned addresses).
    addresses: Mapping[str, str] = field(default_factory=dict)
    # Where the units are ("huyện Châu Thành", "tỉnh Tây Ninh"): a message that
    # places its sender in another huyện or tỉnh is not one of ours by name alone.
    area: tuple[str, ...] = ()

    def by_code(self, code: str) -> Unit | None:
        return next((u for u in self.units if u.code == code), None)

    def in_force(self, day: date) -> tuple[Unit, ...]:
        """Return the units that existed on ``day``, in roster order: a campaign's units are
        those in force on its closing day."""
        return tuple(u for u in self.units if u.in_force(day))

    def successors(self) -> dict[str, tuple[date, str]]:
        """Return each merged or renamed unit's last day and successor, by code."""
        return {
            u.code: (u.ends, u.successor) for u in self.units if u.ends and u.successor is not None
        }

    def address_book(self) -> dict[str, str]:
        """Return every known address (lower-cased) mapped to its unit code."""
        book = {email.lower(): unit.code for unit in self.units for email in unit.emails}
        book.update({email.lower(): code for email, code in self.addresses.items()})
        return book


def find_unit_by_address(address: str, book: Mapping[str, str]) -> str | None:
    """Return the unit code of a known sending address, or None."""
    return book.get(address.strip().lower())


def stands_for(code: str, day: date, successors: Mapping[str, tuple[date, str]]) -> str:
    """Return the unit that stands for ``code`` on ``day``: itself while it exists, else
    its successor (followed through later mergers) once it has ended.

    ``successors`` is Roster.successors(): a unit's last day and successor.
    """
    seen = {code}
    while (step := successors.get(code)) is not None and step[0] < day:
        if step[1] in seen:  # the roster check refuses cycles; never loop
            break
        code = step[1]
        seen.add(code)
    return code
