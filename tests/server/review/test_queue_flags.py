"""Each queue flag raised by exactly the households it names, with the ruleset's own lines."""

import pytest

from server.accounts.models import Role
from server.review.choices import Step
from server.review.flags import Flag, near_line_bounds
from server.review.selectors_queue import QueueFilters, queue_households
from server.surveys.services import publish_shipped_forms
from tests.server.conftest import make_user
from tests.server.review.fixtures import (
    assess,
    conflict,
    decide,
    household,
    in_round,
    photo,
    returned_survey,
    review_round,
    survey,
    vote,
)


@pytest.fixture
def reviewer(personas):
    publish_shipped_forms()
    return personas[Role.DISTRICT_REVIEWER]


def _flagged(user, flag):
    rows = queue_households(user=user, filters=QueueFilters(flags=(flag,)))
    return sorted(rows.values_list("code", flat=True))


def test_near_line_bounds_are_five_per_cent_either_side():
    assert near_line_bounds(1_500_000) == (1_425_000, 1_575_000)
    assert near_line_bounds(2_250_000) == (2_137_500, 2_362_500)


def test_income_within_five_per_cent_of_a_rural_line_is_flagged_and_just_outside_is_not(
    tree, reviewer
):
    for code, income in [
        ("A-low-edge", 1_425_000),
        ("B-below", 1_424_999),
        ("C-high-edge", 1_575_000),
        ("D-above", 1_575_001),
        ("E-middle-line", 2_362_500),
        ("F-far", 1_800_000),
        ("G-none", None),
    ]:
        assess(household(tree.village1a, code), income=income, deprivations=0)
    assert _flagged(reviewer, Flag.INCOME_NEAR_LINE) == [
        "A-low-edge",
        "C-high-edge",
        "E-middle-line",
    ]


def test_an_urban_commune_is_held_to_the_urban_line(tree):
    urban_reviewer = make_user("urban", Role.DISTRICT_REVIEWER, tree.district2)
    assess(household(tree.village2a, "U-rural-line"), income=1_500_000)
    assess(household(tree.village2a, "U-urban-line"), income=1_900_000)
    assert _flagged(urban_reviewer, Flag.INCOME_NEAR_LINE) == ["U-urban-line"]


def test_the_lines_come_from_the_assessment_ruleset(tree, reviewer):
    # 2,100,000 is 4.5% under the 2027-2030 rural poverty line (2,200,000) and 6.7% under
    # the 2022-2025 middle line (2,250,000).
    assess(household(tree.village1a, "N-2027"), income=2_100_000, ruleset="vn-2027-2030", year=2027)
    assess(household(tree.village1a, "N-2022"), income=2_100_000)
    assert _flagged(reviewer, Flag.INCOME_NEAR_LINE) == ["N-2027"]


def test_deprivations_at_the_cutoff_plus_or_minus_one_are_flagged(tree, reviewer):
    for count in range(6):
        assess(household(tree.village1a, f"D{count}"), income=5_000_000, deprivations=count)
    assert _flagged(reviewer, Flag.CUTOFF_EDGE) == ["D2", "D3", "D4"]


def test_only_an_earlier_assessment_does_not_raise_a_flag(tree, reviewer):
    target = household(tree.village1a, "OLD")
    assess(target, deprivations=3)
    assess(target, deprivations=0, klass="NOT_POOR", income=9_000_000)
    assert _flagged(reviewer, Flag.CUTOFF_EDGE) == []


def test_an_unsettled_sync_conflict_is_flagged_and_a_settled_one_is_not(tree, reviewer):
    conflict(household(tree.village1a, "C-open"))
    conflict(household(tree.village1a, "C-settled"), resolved=True)
    assert _flagged(reviewer, Flag.SYNC_CONFLICT) == ["C-open"]


def test_reused_or_distant_photos_and_photo_check_marks_are_flagged(tree, reviewer):
    reused = household(tree.village1a, "P-reused")
    photo(survey(reused).pk, reused=True)
    far = household(tree.village1a, "P-far")
    photo(far.pk, distance=501)
    near = household(tree.village1a, "P-near")
    photo(survey(near).pk, distance=500)
    marked = household(tree.village1a, "P-marked")
    type(marked).objects.filter(pk=marked.pk).update(flag_reason="photo_reused")
    assert _flagged(reviewer, Flag.PHOTO_ANOMALY) == ["P-far", "P-marked", "P-reused"]


def test_a_survey_received_after_a_return_is_flagged(tree, reviewer):
    edited = household(tree.village1a, "R-edited")
    returned_survey(edited)
    survey(edited)
    waiting = household(tree.village1a, "R-waiting")
    returned_survey(waiting)
    assert _flagged(reviewer, Flag.EDITED_AFTER_RETURN) == ["R-edited"]


def test_a_household_with_only_a_screening_form_has_no_survey(tree, reviewer):
    surveyed = household(tree.village1a, "S-surveyed")
    survey(surveyed)
    screened = household(tree.village1a, "S-screened")
    survey(screened, form_id="household_screening")
    household(tree.village1a, "S-none")
    assert _flagged(reviewer, Flag.NO_SURVEY) == ["S-none", "S-screened"]


def test_a_household_past_the_meeting_without_a_passing_vote_is_flagged(tree, reviewer):
    rnd = review_round(tree.commune1)
    voted = household(tree.village1a, "M-voted")
    in_round(voted, rnd, Step.POSTED)
    vote(rnd, voted, agree=20)
    failed = household(tree.village1a, "M-failed")
    in_round(failed, rnd, Step.POSTED)
    vote(rnd, failed, agree=19)
    in_round(household(tree.village1a, "M-skipped"), rnd, Step.RECOGNISED)
    in_round(household(tree.village1a, "M-surveyed"), rnd, Step.SURVEYED)
    assert _flagged(reviewer, Flag.NO_MEETING) == ["M-failed", "M-skipped"]


def test_a_decided_class_differing_from_the_engine_is_an_override(tree, reviewer):
    rnd = review_round(tree.commune1)
    decide(rnd, household(tree.village1a, "O-same"), decided="poor", engine="POOR")
    decide(rnd, household(tree.village1a, "O-over"), decided="poor", engine="NEAR_POOR")
    assert _flagged(reviewer, Flag.OVERRIDE) == ["O-over"]
