"""Every figure equals a count recomputed from households, stored counters or not."""

from decimal import Decimal

import pytest

from server.registry.models import Household
from server.reports import selectors, services
from server.reports.models import DirtyVillage, VillageFigure
from tests.server.conftest import Tree
from tests.server.reports.conftest import Make

pytestmark = pytest.mark.django_db


@pytest.fixture
def mixed(tree: Tree, make_household: Make) -> Tree:  # fmt: skip
    """Commune 90001 (rural): 5 households; commune 91002 (urban): 2, in the other province."""
    v1, v2, v3 = tree.village1a, tree.village1b, tree.village2a
    make_household(
        v1,
        status="poor",
        klass="POOR",
        is_ethnic_minority=True,
        members=3,
        indicators=(("A1", "deprived"), ("B1", "not_deprived")),
    )
    make_household(
        v1,
        status="poor",
        klass="NEAR_POOR",
        is_ethnic_minority=True,
        no_labour_capacity=True,
        indicators=(("A1", "deprived"), ("B1", "deprived")),
    )
    make_household(
        v1,
        status="near_poor",
        klass="NEAR_POOR",
        ethnicity="kinh",
        has_meritorious_member=True,
        indicators=(("A1", "not_deprived"),),
    )
    make_household(v2, status="not_poor", klass="POOR", ethnicity="kinh", members=4)
    make_household(
        v2,
        status="not_reviewed",
        receives_social_assistance=True,
        ethnicity="hmong",
        is_ethnic_minority=True,
    )
    make_household(v3, status="poor", klass="POOR", ethnicity="kinh")
    make_household(v3, status="not_poor", klass="NOT_POOR", ethnicity="kinh")
    return tree


def test_province_figures_count_its_own_households_only(mixed: Tree) -> None:
    f = selectors.unit_figures(mixed.province)
    assert (f.households, f.members) == (5, 13)
    assert (f.total.poor.count, f.total.near_poor.count) == (2, 1)
    assert f.total.poor.rate == Decimal("40.00")
    assert (f.total.engine_poor.count, f.total.engine_near_poor.count) == (2, 2)  # type: ignore[union-attr]
    assert [(a.code, a.households.count, a.poor.count) for a in f.areas] == [("rural", 5, 2)]


def test_breakouts_and_ethnic_groups(mixed: Tree) -> None:
    f = selectors.unit_figures(mixed.commune1)
    groups = {g.code: (g.households.count, g.poor.count, g.near_poor.count) for g in f.groups}
    assert groups == {"em": (3, 2, 0), "mer": (1, 0, 1), "sp": (1, 0, 0), "nlc": (1, 1, 0)}
    ethnic = [(e.code, e.members, e.households.count, e.poor.count) for e in f.ethnic_groups]
    assert ethnic == [("kinh", 6, 2, 0), ("tay", 5, 2, 2), ("hmong", 2, 1, 0)]


def test_indicator_rates_count_deprived_over_scored(mixed: Tree) -> None:
    f = selectors.unit_figures(mixed.province)
    rates = [(i.key, i.count, i.total, i.rate) for i in f.indicators]
    assert rates == [
        ("ind:A1:deprived", 2, 3, Decimal("66.67")),
        ("ind:B1:deprived", 1, 2, Decimal("50.00")),
    ]


def test_stored_counters_equal_a_recomputation_after_refresh_and_writes(mixed: Tree) -> None:
    before = selectors.unit_figures(mixed.province).counters
    assert services.figures_refresh() == 3
    assert DirtyVillage.objects.count() == 0
    assert selectors.unit_figures(mixed.province).counters == before
    household = Household.objects.filter(status="poor", village=mixed.village1a).first()
    assert household is not None
    Household.objects.filter(pk=household.pk).update(status="near_poor")
    assert list(DirtyVillage.objects.values_list("village_id", flat=True)) == [mixed.village1a.pk]
    live = selectors.unit_figures(mixed.province)
    assert (live.total.poor.count, live.total.near_poor.count) == (1, 2)
    services.figures_refresh()
    stored = dict(
        VillageFigure.objects.filter(village=mixed.village1a).values_list("metric", "value")
    )
    assert stored == selectors.village_counters([mixed.village1a.pk])[mixed.village1a.pk]


def test_report_figures_command_folds_dirty_villages_and_rebuilds(mixed: Tree) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("report_figures", stdout=out)
    assert out.getvalue() == "3 villages recomputed\n"
    assert DirtyVillage.objects.count() == 0
    call_command("report_figures", "--rebuild", stdout=out)
    assert out.getvalue() == "3 villages recomputed\n" * 2  # every village of both provinces
