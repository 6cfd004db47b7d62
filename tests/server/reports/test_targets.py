"""Targets measured on the official status history: groups, ranking, and no effect on classes."""

from datetime import date
from decimal import Decimal

import pytest

from server.registry.models import Household
from server.registry.services import household_status_set
from server.reports import selectors
from server.reports.models import PoorCommune, Target
from server.submissions.models import Assessment
from tests.server.conftest import Tree
from tests.server.reports.conftest import Make

pytestmark = pytest.mark.django_db


def decide(h: Household, history: dict[int, str]) -> None:
    for year, status in history.items():
        household_status_set(household=h, year=year, status=status, decided_on=date(year, 12, 1),
                             decision_ref="", actor=None, source="test")  # fmt: skip


@pytest.fixture
def two_villages(tree: Tree, make_household: Make) -> Tree:
    """Village 1a: 4 households, poor 2 → 1; village 1b: 2 households, poor 1 → 1 (EM)."""
    for n, history in enumerate([{2024: "poor", 2025: "poor"}, {2024: "poor", 2025: "not_poor"},
                                 {2024: "not_poor", 2025: "not_poor"}, {2024: "near_poor", 2025: "not_poor"}]):  # fmt: skip
        decide(make_household(tree.village1a, klass="POOR" if n else None), history)
    decide(make_household(tree.village1b, is_ethnic_minority=True), {2024: "poor", 2025: "poor"})
    decide(make_household(tree.village1b), {2024: "not_poor", 2025: "not_poor"})
    return tree


def test_progress_of_a_rate_cut_for_all_and_for_ethnic_minority(two_villages: Tree) -> None:
    t = Target(unit=two_villages.commune1, measure="rate_cut", value=Decimal(10),
               base_year=2024, target_year=2026)  # fmt: skip
    p = selectors.target_progress(t)
    assert p.series == ((2024, Decimal("50.00")), (2025, Decimal("33.33")))
    assert p.required == ((2025, Decimal(40)), (2026, Decimal(30)))
    assert (p.projected, p.on_track) == (Decimal("16.66"), True)
    t.group = "ethnic_minority"
    em = selectors.target_progress(t)
    assert em.series == ((2024, Decimal("100.00")), (2025, Decimal("100.00")))
    assert em.on_track is False


def test_poor_communes_group_counts_only_listed_communes(two_villages: Tree) -> None:
    t = Target(unit=two_villages.province, group="poor_communes", measure="count_cut",
               value=Decimal(1), base_year=2024, target_year=2025)  # fmt: skip
    assert selectors.target_progress(t).series == ()
    PoorCommune.objects.create(unit=two_villages.commune1)
    assert selectors.target_progress(t).series == ((2024, Decimal(3)), (2025, Decimal(2)))


def test_ranking_puts_units_on_track_first(two_villages: Tree) -> None:
    t = Target.objects.create(unit=two_villages.commune1, name="x", measure="rate_cut",
                              value=Decimal(10), base_year=2024, target_year=2026)  # fmt: skip
    ranked = selectors.target_ranking(t)
    assert [(r.rank, r.unit.code, r.progress.latest, r.progress.on_track) for r in ranked] == [
        (1, "90001001", Decimal("25.00"), True),
        (2, "90001002", Decimal("50.00"), False),
    ]


def test_a_target_never_changes_a_household_class(two_villages: Tree) -> None:
    before = list(Household.objects.order_by("code").values_list("code", "status", "status_year"))
    classes = list(
        Assessment.objects.order_by("pk").values_list("pk", "household_class", "is_latest")
    )
    t = Target.objects.create(unit=two_villages.province, name="none", measure="none_left",
                              value=Decimal(0), base_year=2024, target_year=2025)  # fmt: skip
    selectors.target_progress(t)
    selectors.target_ranking(t)
    assert (
        list(Household.objects.order_by("code").values_list("code", "status", "status_year"))
        == before
    )
    assert (
        list(Assessment.objects.order_by("pk").values_list("pk", "household_class", "is_latest"))
        == classes
    )
