"""Stored counters plus live dirty villages always equal a recomputation from the registry.

Hypothesis draws sequences of writes of every kind the triggers watch (new households,
status and flag edits by queryset, moves between villages, status decisions, assessments,
member removals, an area change) with refreshes in between, and after each sequence
compares every unit's counters with counters recomputed from scratch, and headline figures
with plain ORM counts.
"""

from datetime import date
from typing import Any

import pytest
from django.db.models import Count
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.registry.models import Household, HouseholdStatusRecord, Member, Unit
from server.registry.services import household_status_set
from server.reports import selectors, services
from server.reports.models import VillageFigure
from server.submissions.models import Assessment
from tests.server.conftest import Tree
from tests.server.reports.conftest import Make

pytestmark = pytest.mark.django_db

STATUS = st.sampled_from(["poor", "near_poor", "middle", "not_poor", "not_reviewed"])
OPS = st.one_of(
    st.tuples(st.just("create"), st.integers(0, 2), STATUS, st.booleans(), st.integers(1, 3)),
    st.tuples(st.just("status"), st.integers(0, 50), STATUS),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 2)),
    st.tuples(
        st.just("decide"),
        st.integers(0, 50),
        st.integers(2022, 2025),
        st.sampled_from(["poor", "near_poor", "not_poor"]),
    ),  # fmt: skip
    st.tuples(
        st.just("assess"), st.integers(0, 50), st.sampled_from(["POOR", "NEAR_POOR", "NOT_POOR"])
    ),
    st.tuples(st.just("remove_member"), st.integers(0, 50)),
    st.tuples(st.just("area"), st.sampled_from(["urban", "rural", ""])),
    st.tuples(st.just("refresh")),
)


def _pick(index: int) -> Household | None:
    households = list(Household.objects.order_by("code"))
    return households[index % len(households)] if households else None


def _apply(op: tuple[Any, ...], tree: Tree, make: Make) -> None:
    villages = [tree.village1a, tree.village1b, tree.village2a]
    kind = op[0]
    if kind == "create":
        make(villages[op[1]], status=op[2], is_ethnic_minority=op[3], members=op[4])
    elif kind == "refresh":
        services.figures_refresh()
    elif kind == "area":
        Unit.objects.filter(pk=tree.commune1.pk).update(area_type=op[1])
    elif (h := _pick(op[1])) is not None:
        if kind == "status":
            Household.objects.filter(pk=h.pk).update(status=op[2])
        elif kind == "move":
            Household.objects.filter(pk=h.pk).update(village=villages[op[2]])
        elif kind == "decide":
            household_status_set(household=h, year=op[2], status=op[3], decided_on=date(op[2], 12, 1),
                                 decision_ref="", actor=None, source="test")  # fmt: skip
        elif kind == "assess":
            Assessment.objects.filter(household=h).update(is_latest=False)
            Assessment.objects.create(
                household=h, review_year=2025, ruleset_id="r", ruleset_version=1,
                engine_version="1", household_class=op[2], deprivation_count=0,
                confidence="high", facts={}, facts_sha256=str(Assessment.objects.count()),
                result={"indicators": [{"code": "A1", "status": "deprived"}]}, is_latest=True,
            )  # fmt: skip
        elif kind == "remove_member":
            member = Member.objects.filter(household=h, removed_at__isnull=True).last()
            if member is not None:
                Member.objects.filter(pk=member.pk).update(removed_at=timezone.now())


def _recomputed(unit: Unit) -> dict[str, int]:
    ids = list(selectors.villages_under(unit).values_list("pk", flat=True))
    totals: dict[str, int] = {}
    for counters in selectors.village_counters(ids).values():
        for key, value in counters.items():
            totals[key] = totals.get(key, 0) + value
    return totals


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=st.lists(OPS, max_size=12))
def test_counters_equal_a_recomputation_after_any_writes(
    tree: Tree, make_household: Make, ops: list[tuple[Any, ...]]
) -> None:
    for op in ops:
        _apply(op, tree, make_household)
    for unit in [tree.province, tree.commune1, tree.village1a, tree.village1b, tree.province2]:
        assert selectors.unit_counters(unit) == _recomputed(unit)
    services.figures_refresh()
    stored: dict[str, int] = {}
    for metric, value in VillageFigure.objects.filter(
        path__startswith=tree.province.path
    ).values_list("metric", "value"):
        stored[metric] = stored.get(metric, 0) + value
    assert stored == _recomputed(tree.province)
    _assert_headlines(tree.province)


def _assert_headlines(unit: Unit) -> None:
    """Headline figures against plain ORM counts, independent of the counter code."""
    f = selectors.unit_figures(unit)
    households = Household.objects.filter(village__path__startswith=unit.path)
    assert f.households == households.count()
    assert f.total.poor.count == households.filter(status="poor").count()
    assert (
        f.members
        == Member.objects.filter(household__in=households, removed_at__isnull=True).count()
    )
    engine = dict(
        Assessment.objects.filter(household__in=households, is_latest=True)
        .values_list("household_class").annotate(n=Count("id"))
    )  # fmt: skip
    assert f.total.engine_poor.count == engine.get("POOR", 0)  # type: ignore[union-attr]
    records = HouseholdStatusRecord.objects.filter(household__in=households, year=2025)
    assert f.counters.get("y:2025:st:poor", 0) == records.filter(status="poor").count()
