"""The roster of units and the address book."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field


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

    def address_book(self) -> dict[str, str]:
        """Return every known address (lower-cased) mapped to its unit code."""
        book = {email.lower(): unit.code for unit in self.units for email in unit.emails}
        book.update({email.lower(): code for email, code in self.addresses.items()})
        return book


def find_unit_by_address(address: str, book: Mapping[str, str]) -> str | None:
    """Return the unit code of a known sending address, or None."""
    return book.get(address.strip().lower())
