"""The review round's transition table, as plain data.

For each (step, action): the step a household moves to, the roles allowed and the
preconditions the service checks. Nothing here touches the database; the services
look a move up with `transition_for` and refuse what the table does not hold.

Steps follow QĐ 24/2021/QĐ-TTg Art. 4 (see docs staff-side.md §2). A household can be
returned to its volunteer at any step before the decision; the return sends it back
to the step where a new survey is awaited.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import Final


class S(StrEnum):
    """Steps; the same codes as server.review.choices.Step."""

    LISTED = "listed"
    SCREENED_OUT = "screened_out"
    SCREENED = "screened"
    SURVEYED = "surveyed"
    DISCUSSED = "discussed"
    POSTED = "posted"
    RECHECK = "recheck"
    RECOGNISED = "recognised"
    CERTIFIED = "certified"


class A(StrEnum):
    """Actions on one household of a round."""

    SCREEN_IN = "screen_in"  # Phiếu A: fewer criteria met than the cut-off
    SCREEN_OUT = "screen_out"  # Phiếu A: the cut-off met, surely not poor
    SCORE = "score"  # Phiếu B surveyed and scored by the engine
    MEETING_PASSED = "meeting_passed"  # at least 50% of attendees agreed
    MEETING_FAILED = "meeting_failed"  # under 50%: reviewed again
    POST = "post"  # put on the public posting
    COMPLAIN = "complain"  # a complaint opens a re-check
    RECHECK_POST = "recheck_post"  # the re-check result is posted again
    DECIDE = "decide"  # recognised by the commune chairman's decision (Mẫu 02)
    CERTIFY = "certify"  # certificate issued (Mẫu 03)
    RETURN = "return"  # back to the volunteer with a comment


# Role codes: the values of server.accounts.models.Role.
VOLUNTEER: Final = "volunteer"
COMMUNE_OFFICER: Final = "commune_officer"
DISTRICT_REVIEWER: Final = "district_reviewer"
PROVINCE_ADMIN: Final = "province_admin"
SUPPORT_STAFF: Final = "support_staff"
ROLES: Final = (VOLUNTEER, COMMUNE_OFFICER, DISTRICT_REVIEWER, PROVINCE_ADMIN, SUPPORT_STAFF)

RUNNERS: Final = frozenset({COMMUNE_OFFICER, PROVINCE_ADMIN})
"""Who runs the commune's round and prepares the decision (Action.DECIDE)."""
REVIEWERS: Final = frozenset({COMMUNE_OFFICER, DISTRICT_REVIEWER, PROVINCE_ADMIN})
"""Who may return a household to its volunteer (Action.REVIEW)."""

# Preconditions, by name; the services check each one.
HAS_ASSESSMENT: Final = "has_assessment"  # an engine class for the round's year
VOTE_PASSED: Final = "vote_passed"  # agree * 2 >= attendees
VOTE_FAILED: Final = "vote_failed"  # agree * 2 < attendees
POSTING_ENDED: Final = "posting_ended"  # every posting of the household has ended
NO_OPEN_COMPLAINT: Final = "no_open_complaint"
POSTING_RUNNING: Final = "posting_running"  # a complaint comes while the list is posted
RECHECK_DONE: Final = "recheck_done"  # the complaint has a result
OVERRIDE_HAS_REASON: Final = "override_has_reason"  # decided class != engine's needs a reason
HAS_COMMENT: Final = "has_comment"
FIELDS_IN_FORM: Final = "fields_in_form"  # returned field paths exist in the survey's form


@dataclass(frozen=True)
class Transition:
    target: S
    roles: frozenset[str]
    preconditions: tuple[str, ...] = ()


_RETURN: Final = (HAS_COMMENT, FIELDS_IN_FORM)

TABLE: Final[dict[tuple[S, A], Transition]] = {
    (S.LISTED, A.SCREEN_IN): Transition(S.SCREENED, RUNNERS),
    (S.LISTED, A.SCREEN_OUT): Transition(S.SCREENED_OUT, RUNNERS),
    (S.LISTED, A.SCORE): Transition(S.SURVEYED, RUNNERS, (HAS_ASSESSMENT,)),
    (S.SCREENED, A.SCORE): Transition(S.SURVEYED, RUNNERS, (HAS_ASSESSMENT,)),
    (S.SURVEYED, A.SCORE): Transition(S.SURVEYED, RUNNERS, (HAS_ASSESSMENT,)),
    (S.SURVEYED, A.MEETING_PASSED): Transition(S.DISCUSSED, RUNNERS, (VOTE_PASSED,)),
    (S.SURVEYED, A.MEETING_FAILED): Transition(S.SURVEYED, RUNNERS, (VOTE_FAILED,)),
    (S.DISCUSSED, A.POST): Transition(S.POSTED, RUNNERS),
    (S.POSTED, A.COMPLAIN): Transition(S.RECHECK, RUNNERS, (POSTING_RUNNING,)),
    (S.RECHECK, A.RECHECK_POST): Transition(S.POSTED, RUNNERS, (RECHECK_DONE,)),
    (S.POSTED, A.DECIDE): Transition(
        S.RECOGNISED, RUNNERS, (POSTING_ENDED, NO_OPEN_COMPLAINT, OVERRIDE_HAS_REASON)
    ),
    (S.SCREENED_OUT, A.DECIDE): Transition(S.RECOGNISED, RUNNERS, (OVERRIDE_HAS_REASON,)),
    (S.RECOGNISED, A.CERTIFY): Transition(S.CERTIFIED, RUNNERS),
    # Returns: before the decision only. A surveyed or later household awaits a new survey.
    (S.LISTED, A.RETURN): Transition(S.LISTED, REVIEWERS, _RETURN),
    (S.SCREENED_OUT, A.RETURN): Transition(S.LISTED, REVIEWERS, _RETURN),
    (S.SCREENED, A.RETURN): Transition(S.SCREENED, REVIEWERS, _RETURN),
    (S.SURVEYED, A.RETURN): Transition(S.SCREENED, REVIEWERS, _RETURN),
    (S.DISCUSSED, A.RETURN): Transition(S.SCREENED, REVIEWERS, _RETURN),
    (S.POSTED, A.RETURN): Transition(S.SCREENED, REVIEWERS, _RETURN),
    (S.RECHECK, A.RETURN): Transition(S.SCREENED, REVIEWERS, _RETURN),
}

ORDER: Final = (
    S.LISTED,
    S.SCREENED_OUT,
    S.SCREENED,
    S.SURVEYED,
    S.DISCUSSED,
    S.POSTED,
    S.RECHECK,
    S.RECOGNISED,
    S.CERTIFIED,
)
"""Steps in the law's order, for dashboards."""

BEFORE_DECISION: Final = frozenset(ORDER[:7])


def transition_for(step: str, action: str) -> Transition | None:
    """The move for `action` at `step`, or None when the table has none."""
    try:
        return TABLE.get((S(step), A(action)))
    except ValueError:
        return None


def allowed(step: str, action: str, role: str) -> bool:
    """Whether the table lets `role` take `action` at `step` (preconditions aside)."""
    move = transition_for(step, action)
    return move is not None and role in move.roles


def vote_passes(agree: int, attendees: int) -> bool:
    """At least half of the attendees agree: exactly 50% passes, 49% does not."""
    return attendees > 0 and 0 <= agree <= attendees and agree * 2 >= attendees
