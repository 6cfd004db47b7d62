"""Member ages at the reference date, as ranges so that an unknown age is never guessed.

An age is a closed range [lo, hi] in whole years plus a range in whole months. A birth date
gives a single value; a birth year alone gives a single year value only when the reference
date is 31 December (SPEC.md §3). Every test answers True, False or None (unknown).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from forms.scoring.facts import Member

_NO_AGE_MAX: Final = 200


@dataclass(frozen=True, slots=True)
class Age:
    """Age range of one member; ``evidence`` and ``missing`` are field paths."""

    lo: int
    hi: int
    months_lo: int
    months_hi: int
    # Path of the fact the age rests on (present in the input) or "" when there is none.
    evidence: str
    # Path to ask for when a test cannot be decided from this range.
    missing: str

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


def member_age(member: Member, index: int, ref: date) -> Age:
    """Return the member's age range at ``ref``; raise ValueError if born after it."""
    prefix = f"members[{index}]"
    if member.birth_date is not None:
        return _from_date(member.birth_date, ref, prefix)
    if member.birth_year is not None:
        return _from_year(member.birth_year, ref, prefix)
    return Age(0, _NO_AGE_MAX, 0, _NO_AGE_MAX * 12 + 11, "", f"{prefix}.birth_year")


def _from_date(born: date, ref: date, prefix: str) -> Age:
    months = (ref.year - born.year) * 12 + ref.month - born.month - (ref.day < born.day)
    if months < 0:
        raise ValueError(f"{prefix}.birth_date")
    path = f"{prefix}.birth_date"
    return Age(months // 12, months // 12, months, months, path, path)


def _from_year(year: int, ref: date, prefix: str) -> Age:
    years = ref.year - year
    if years < 0:
        raise ValueError(f"{prefix}.birth_year")
    evidence, missing = f"{prefix}.birth_year", f"{prefix}.birth_date"
    if ref.month == 12 and ref.day == 31:
        # Everyone born in `year` has completed exactly `years` years on 31 December.
        return Age(years, years, years * 12, years * 12 + 11, evidence, missing)
    low = max(years - 1, 0)
    return Age(low, years, low * 12, years * 12 + 11, evidence, missing)
