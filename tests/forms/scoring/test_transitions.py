"""Report categories derived from two years' classes (SPEC.md §7)."""

from __future__ import annotations

import pytest

from forms.scoring import derive_transition


@pytest.mark.parametrize(
    ("previous", "current", "earlier", "expected"),
    [
        ("POOR", "POOR", (), ("unchanged",)),
        ("POOR", "NEAR_POOR", (), ("escaped_poverty", "newly_near_poor")),
        ("POOR", "MIDDLE", (), ("escaped_poverty",)),
        ("POOR", "NOT_POOR", (), ("escaped_poverty",)),
        ("NEAR_POOR", "NEAR_POOR", (), ("unchanged",)),
        ("NEAR_POOR", "MIDDLE", (), ("escaped_near_poverty",)),
        ("NEAR_POOR", "POOR", (), ("newly_poor",)),
        ("NEAR_POOR", "POOR", ("POOR",), ("re_poor",)),
        ("MIDDLE", "POOR", (), ("newly_poor",)),
        ("NOT_POOR", "POOR", ("NEAR_POOR", "POOR"), ("re_poor",)),
        ("MIDDLE", "NEAR_POOR", (), ("newly_near_poor",)),
        (None, "POOR", (), ("newly_poor",)),
        (None, "NEAR_POOR", (), ("newly_near_poor",)),
        (None, "NOT_POOR", (), ("unchanged",)),
        ("MIDDLE", "NOT_POOR", (), ("unchanged",)),
    ],
)
def test_transition_categories(
    previous: str | None, current: str, earlier: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    assert derive_transition(previous, current, earlier=earlier) == expected


def test_undetermined_classes_have_no_transition() -> None:
    """A transition between an unknown class and anything would be a guess."""
    with pytest.raises(ValueError, match="UNDETERMINED"):
        derive_transition("POOR", "UNDETERMINED")
