"""Ruleset selection and the provincial override mechanism."""

from __future__ import annotations

import pytest

from forms.scoring import (
    RulesetError,
    facts_from_dict,
    list_rulesets,
    load_ruleset,
    ruleset_for_year,
    score,
)
from forms.scoring.income import per_person_monthly
from tests.forms.scoring.factories import household


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2016, "vn-2016-2020"),
        (2021, "vn-2016-2020"),
        (2022, "vn-2022-2025"),
        (2026, "vn-2022-2025"),
        (2027, "vn-2027-2030"),
        (2030, "vn-2027-2030"),
    ],
)
def test_national_ruleset_is_chosen_by_review_year(year: int, expected: str) -> None:
    assert ruleset_for_year(year).id == expected


def test_provincial_ruleset_only_when_the_province_is_asked_for() -> None:
    assert ruleset_for_year(2024).id == "vn-2022-2025"
    assert ruleset_for_year(2024, 75).id == "vn-75-2022-2025"
    assert ruleset_for_year(2026, 75).id == "vn-2022-2025"  # the local standard covers 2022–2025
    assert ruleset_for_year(2024, 79).id == "vn-2022-2025"


def test_override_changes_only_what_it_names() -> None:
    """Đồng Nai changes the poverty line and the cut-off; the rest is the national ruleset."""
    national, local = load_ruleset("vn-2022-2025"), load_ruleset("vn-75-2022-2025")
    assert (local.lines["poverty"].rural, local.lines["poverty"].urban) == (2_000_000, 2_500_000)
    assert local.cutoff == 2
    assert local.lines["middle"] == national.lines["middle"]
    assert [i.code for i in local.indicators] == [i.code for i in national.indicators]
    assert local.lines["poverty"].name_vi == national.lines["poverty"].name_vi


def test_shipped_rulesets_and_unknown_ids() -> None:
    assert list_rulesets() == ["vn-2016-2020", "vn-2022-2025", "vn-2027-2030", "vn-75-2022-2025"]
    with pytest.raises(RulesetError):
        load_ruleset("vn-1999")
    with pytest.raises(RulesetError):
        ruleset_for_year(2015)


def test_provisional_ruleset_is_marked() -> None:
    ruleset = load_ruleset("vn-2027-2030")
    assert ruleset.status == "provisional"
    assert {i.confidence for i in ruleset.indicators} == {"provisional"}


def test_explicit_ruleset_for_another_year_is_allowed_and_flagged() -> None:
    """Re-scoring a 2026 household under the 2027 standard is a supported what-if."""
    assessment = score(facts_from_dict(household(review_year=2026)), ruleset="vn-2027-2030")
    assert assessment.ruleset_id == "vn-2027-2030"
    assert assessment.ruleset_covers_year is False


@pytest.mark.parametrize(
    ("total", "members", "expected"),
    [
        (0, 1, 0),
        (12, 1, 1),
        (18, 1, 2),
        (17, 1, 1),
        (72_000_023, 4, 1_500_000),
        (72_000_024, 4, 1_500_001),
    ],
)
def test_income_per_person_rounds_half_up(total: int, members: int, expected: int) -> None:
    assert per_person_monthly(total, members) == expected
