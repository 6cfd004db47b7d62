"""Transitions between review years from a hand-written official status history."""

from datetime import date

import pytest

from server.registry.models import Household
from server.registry.services import household_status_set
from server.reports import selectors
from server.reports.metrics import transition_categories
from tests.server.conftest import Tree
from tests.server.reports.conftest import Make

pytestmark = pytest.mark.django_db

HISTORY = {
    "A": {2023: "poor", 2024: "near_poor", 2025: "not_poor"},
    "B": {2023: "poor", 2024: "not_poor", 2025: "poor"},
    "C": {2024: "not_poor", 2025: "poor"},
    "D": {2024: "near_poor", 2025: "near_poor"},
    "E": {2025: "near_poor"},
    "F": {2024: "poor", 2025: "poor"},
}


def record(household: Household, history: dict[int, str]) -> None:
    for year, status in history.items():
        household_status_set(
            household=household, year=year, status=status, decided_on=date(year, 12, 15),
            decision_ref=f"QĐ {year}", actor=None, source="test",
        )  # fmt: skip


@pytest.fixture
def history(tree: Tree, make_household: Make) -> Tree:
    for name, years in HISTORY.items():
        record(make_household(tree.village1a, is_ethnic_minority=name == "F"), years)
    return tree


def counts(row: selectors.TransitionRow) -> dict[str, int]:
    names = ["start_poor", "start_near_poor", "escaped_poverty", "escaped_near_poverty",
             "newly_poor", "newly_near_poor", "re_poor", "end_poor", "end_near_poor"]  # fmt: skip
    return {n: getattr(row, n).count for n in names}


def test_transitions_into_2025_in_the_summary_layout(history: Tree) -> None:
    f = selectors.unit_figures(history.commune1, 2025)
    everyone, minority = f.transitions
    assert (everyone.group, minority.group) == ("all", "em")
    assert counts(everyone) == {
        "start_poor": 1, "start_near_poor": 2, "escaped_poverty": 0, "escaped_near_poverty": 1,
        "newly_poor": 1, "newly_near_poor": 1, "re_poor": 1, "end_poor": 3, "end_near_poor": 2,
    }  # fmt: skip
    assert (everyone.start_poor.total, everyone.start_poor.rate) == (5, 20)
    assert (everyone.end_poor.total, str(everyone.end_poor.rate)) == (6, "50.00")
    assert str(everyone.re_poor.rate) == "16.67"
    assert counts(minority)["start_poor"] == 1
    assert counts(minority)["end_poor"] == 1


def test_transitions_into_2024_count_first_listings_as_new(history: Tree) -> None:
    f = selectors.unit_figures(history.commune1, 2024)
    assert counts(f.transitions[0]) == {
        "start_poor": 2, "start_near_poor": 0, "escaped_poverty": 2, "escaped_near_poverty": 0,
        "newly_poor": 1, "newly_near_poor": 2, "re_poor": 0, "end_poor": 1, "end_near_poor": 2,
    }  # fmt: skip


def test_every_year_with_a_year_before_is_shown_by_default(history: Tree) -> None:
    f = selectors.unit_figures(history.province)
    assert [(t.year, t.group) for t in f.transitions] == [
        (2024, "all"), (2024, "em"), (2025, "all"), (2025, "em"),
    ]  # fmt: skip


def test_re_poverty_needs_an_escape_within_the_same_standard_period() -> None:
    assert transition_categories({2021: "poor", 2022: "not_poor", 2023: "poor"}, 2023) == (
        "newly_poor",
    )
    assert transition_categories({2022: "poor", 2023: "not_poor", 2024: "poor"}, 2024) == (
        "re_poor",
    )
    assert transition_categories({2024: "poor"}, 2023) == ()


def test_household_list_behind_re_poor_is_the_one_household(history: Tree, personas) -> None:
    admin = personas["province_admin"]
    rows = selectors.households_for_key(user=admin, unit=history.province, key="y:2025:tr:re_poor")
    assert [h.code for h in rows] == ["H0002"]  # household B: poor, escaped, poor again


def test_default_year_skips_a_round_under_way() -> None:
    c = {"y:2024:st:poor": 10, "y:2025:st:poor": 6, "y:2025:st:not_poor": 4, "y:2026:st:poor": 1}
    assert selectors.default_year(c, [2025, 2026]) == 2025
    assert selectors.default_year({**c, "y:2026:st:not_poor": 4}, [2025, 2026]) == 2026
    assert selectors.default_year({}, []) is None
