"""Report categories from two consecutive years' classes (SPEC.md §7)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

ESCAPED_POVERTY: Final = "escaped_poverty"
ESCAPED_NEAR_POVERTY: Final = "escaped_near_poverty"
NEWLY_POOR: Final = "newly_poor"
NEWLY_NEAR_POOR: Final = "newly_near_poor"
RE_POOR: Final = "re_poor"
UNCHANGED: Final = "unchanged"

_LISTED: Final = frozenset({"POOR", "NEAR_POOR"})
_KNOWN: Final = frozenset({"POOR", "NEAR_POOR", "MIDDLE", "NOT_POOR"})


def derive_transition(
    previous: str | None, current: str, *, earlier: Iterable[str | None] = ()
) -> tuple[str, ...]:
    """Return the report categories for a household whose class went ``previous`` → ``current``.

    ``previous`` is None for a household not assessed the year before (e.g. newly formed).
    ``earlier`` holds the classes of the years before ``previous`` within the same standard
    period; it only matters for re-poverty (tái nghèo): poor again after having escaped.
    """
    for value in (previous, current, *earlier):
        if value is not None and value not in _KNOWN:
            raise ValueError(f"cannot derive a transition from class {value!r}")
    if previous == current:
        return (UNCHANGED,)
    if previous == "POOR":
        return (ESCAPED_POVERTY, NEWLY_NEAR_POOR) if current == "NEAR_POOR" else (ESCAPED_POVERTY,)
    if current == "POOR":
        return (RE_POOR,) if "POOR" in tuple(earlier) else (NEWLY_POOR,)
    if previous == "NEAR_POOR":
        return (ESCAPED_NEAR_POVERTY,)
    if current == "NEAR_POOR":
        return (NEWLY_NEAR_POOR,)
    return (UNCHANGED,)
