"""The transition table, exhaustively: every step x action x role, against the law's steps."""

import itertools

import pytest

from server.accounts.models import Role
from server.review.choices import Step
from server.review.transitions import (
    ROLES,
    TABLE,
    A,
    S,
    allowed,
    transition_for,
    vote_passes,
)

RUN = {"commune_officer", "province_admin"}
REV = {"commune_officer", "district_reviewer", "province_admin"}

# (step, action) -> (target, roles). Every pair absent here is refused for every role.
EXPECTED = {
    ("listed", "screen_in"): ("screened", RUN),
    ("listed", "screen_out"): ("screened_out", RUN),
    ("listed", "score"): ("surveyed", RUN),
    ("screened", "score"): ("surveyed", RUN),
    ("surveyed", "score"): ("surveyed", RUN),
    ("surveyed", "meeting_passed"): ("discussed", RUN),
    ("surveyed", "meeting_failed"): ("surveyed", RUN),
    ("discussed", "post"): ("posted", RUN),
    ("posted", "complain"): ("recheck", RUN),
    ("recheck", "recheck_post"): ("posted", RUN),
    ("posted", "decide"): ("recognised", RUN),
    ("screened_out", "decide"): ("recognised", RUN),
    ("recognised", "certify"): ("certified", RUN),
    ("listed", "return"): ("listed", REV),
    ("screened_out", "return"): ("listed", REV),
    ("screened", "return"): ("screened", REV),
    ("surveyed", "return"): ("screened", REV),
    ("discussed", "return"): ("screened", REV),
    ("posted", "return"): ("screened", REV),
    ("recheck", "return"): ("screened", REV),
}

CASES = list(itertools.product(list(S), list(A), ROLES))


def test_the_table_holds_exactly_the_expected_moves():
    assert {(s.value, a.value): (t.target.value, set(t.roles)) for (s, a), t in TABLE.items()} == (
        EXPECTED
    )


@pytest.mark.parametrize(("step", "action", "role"), CASES)
def test_every_step_action_and_role(step, action, role):
    expected = EXPECTED.get((step.value, action.value))
    assert allowed(step, action, role) is (expected is not None and role in expected[1])


def test_the_cases_cover_every_combination():
    assert len(CASES) == 9 * 11 * 5


def test_steps_and_roles_are_the_models_codes():
    assert {s.value for s in S} == set(Step.values)
    assert set(ROLES) == set(Role.values)


def test_a_return_is_possible_at_every_step_before_the_decision_and_none_after():
    returnable = {s for s in S if transition_for(s, A.RETURN) is not None}
    assert returnable == set(S) - {S.RECOGNISED, S.CERTIFIED}


def test_volunteers_and_support_staff_can_take_no_action_at_all():
    assert not any(allowed(s, a, r) for s, a, r in CASES if r in ("volunteer", "support_staff"))


def test_a_district_reviewer_can_only_return():
    assert {a for s, a, r in CASES if r == "district_reviewer" and allowed(s, a, r)} == {A.RETURN}


def test_an_unknown_step_or_action_has_no_move():
    assert transition_for("archived", "decide") is None
    assert transition_for("posted", "approve") is None


@pytest.mark.parametrize(
    ("agree", "attendees", "passes"),
    [
        (50, 100, True),
        (49, 100, False),
        (51, 100, True),
        (100, 100, True),
        (0, 100, False),
        (1, 2, True),
        (1, 3, False),
        (2, 3, True),
        (101, 100, False),
        (0, 0, False),
    ],
)
def test_a_vote_passes_at_half_of_the_attendees_or_more(agree, attendees, passes):
    assert vote_passes(agree, attendees) is passes
