"""Member ages at the reference date, as ranges so that an unknown age is never guessed.

An age is a closed range [lo, hi] in whole years plus a range in whole months. A birth date
gives a single value; a birth year alone gives a single year value only when the reference
date is 31 December (SPEC.md §3). Every test answers True, False or None (unknown).
"""

from __future__ import annotations

from datetime import date
from typing import Final, NamedTuple

from forms.scoring.facts import Member

_NO_AGE_MAX: Final = 200
_DATE: Final = "birth_date"
_YEAR: Final = "birth_year"


class Age(NamedTuple):
    """Age range of one member; a tuple because one is built per member per assessment."""

    lo: int
    hi: int
    months_lo: int
    months_hi: int
    member: int
    # Fact the age rests on: "birth_date", "birth_year", or "" when neither is known.
    basis: str

    def between(self, low: int, high: int) -> bool | None:
        """Return whether low ≤ age < high, in whole years."""
        if self.lo >= low and self.hi < high:
            return True
        if self.hi < low or self.lo >= high:
            return False
        return None

    def months_below(self, limit: int) -> bool | None:
        """Return whether the age in completed months is below ``limit``."""
        if self.months_hi < limit:
            return True
        if self.months_lo >= limit:
            return False
        return None

    @property
    def evidence(self) -> str:
        """Path of the fact the age rests on, or "" when there is none."""
        return f"members[{self.member}].{self.basis}" if self.basis else ""

    @property
    def missing(self) -> str:
        """Path to ask for when a test cannot be decided from this range."""
        return f"members[{self.member}].{_DATE if self.basis else _YEAR}"


def member_age(member: Member, index: int, ref: date) -> Age:
    """Return the member's age range at ``ref``; raise ValueError(path) if born after it."""
    born = member.birth_date
    if born is not None:
        months = (ref.year - born.year) * 12 + ref.month - born.month - (ref.day < born.day)
        if months < 0:
            raise ValueError(f"members[{index}].{_DATE}")
        return Age(months // 12, months // 12, months, months, index, _DATE)
    if member.birth_year is not None:
        return _from_year(member.birth_year, ref, index)
    return Age(0, _NO_AGE_MAX, 0, _NO_AGE_MAX * 12 + 11, index, "")


def _from_year(year: int, ref: date, index: int) -> Age:
    years = ref.year - year
    if years < 0:
        raise ValueError(f"members[{index}].{_YEAR}")
    if ref.month == 12 and ref.day == 31:
        # Everyone born in `year` has completed exactly `years` years on 31 December.
        return Age(years, years, years * 12, years * 12 + 11, index, _YEAR)
    low = max(years - 1, 0)
    return Age(low, years, low * 12, years * 12 + 11, index, _YEAR)
