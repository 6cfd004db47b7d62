"""The one access module: where a user may look, and what their role may do there.

Scoping: a user reaches the units assigned to them and everything below them
(`server.accounts.scoping.scope_q`, case-exact on every database). Every household-owned
record (members, history, submissions, assessments, kept conflicts, photos) is visible
exactly when its household is. A record outside the area is answered like a missing one.

Policy: each role is granted a fixed set of actions (`ROLE_ACTIONS`); an active
superuser is granted all. `require(user, action, obj)` checks the area first, so a
refused role never learns that an out-of-area record exists.

Every queryset of these records starts here (or at a `visible_to` wrapper that calls the
same rule); tests/server/test_access_boundary.py fails when a module reads them another way.
"""

import enum
from uuid import UUID

from django.db.models import Q, QuerySet
from django.http import Http404

from server.accounts.models import Role, User
from server.accounts.scoping import covers_path, is_unrestricted, scope_q, user_unit_paths
from server.common.errors import PermissionRefused
from server.evidence.models import Attachment
from server.registry.models import Household, HouseholdChange, Member, MemberQuerySet, Unit
from server.review.models import (
    AuditEvent,
    Complaint,
    Decision,
    HouseholdReview,
    Posting,
    ReviewRound,
    VillageMeeting,
)
from server.submissions.models import Assessment, Submission
from server.support.models import StageProof, SupportRecord
from server.sync_api.models import ConflictCopy
from sync.messages import ItemKind

__all__ = [
    "Action",
    "ROLE_ACTIONS",
    "action_for_item_kind",
    "allows",
    "citizen_id_for",
    "covers",
    "mask_citizen_id",
    "require",
    "scope_q",
    "user_unit_paths",
    "visible_area_users",
    "visible_assessments",
    "visible_attachments",
    "visible_conflicts",
    "visible_history",
    "visible_households",
    "visible_members",
    "visible_stage_proofs",
    "visible_submissions",
    "visible_support_records",
    "visible_units",
    "visible_rounds",
    "visible_household_reviews",
    "visible_meetings",
    "visible_postings",
    "visible_complaints",
    "visible_decisions",
    "visible_review_audit",
]


class Action(enum.StrEnum):
    """What a role may be granted inside its area."""

    EDIT_HOUSEHOLDS = "edit_households"  # create/edit households and members, any path
    READ_CITIZEN_ID = "read_citizen_id"  # see whole citizen IDs, not masked ones
    MANAGE_UNITS = "manage_units"  # add villages (one by one or by CSV)
    MANAGE_DEVICES = "manage_devices"  # list and revoke the devices of the area's users
    REVIEW = "review"  # return surveys, settle kept conflicts
    SUPPORT = "support"  # housing support: records, stage proofs, payments, photo flags
    DECIDE = "decide"  # run a commune's review round: meetings, postings, the decision


ROLE_ACTIONS: dict[Role, frozenset[Action]] = {
    Role.VOLUNTEER: frozenset({Action.EDIT_HOUSEHOLDS}),
    Role.COMMUNE_OFFICER: frozenset(
        {
            Action.EDIT_HOUSEHOLDS,
            Action.READ_CITIZEN_ID,
            Action.REVIEW,
            Action.DECIDE,
            Action.SUPPORT,
        }
    ),
    Role.DISTRICT_REVIEWER: frozenset({Action.REVIEW}),
    Role.PROVINCE_ADMIN: frozenset(Action),
    Role.SUPPORT_STAFF: frozenset({Action.SUPPORT}),
}

_ITEM_KIND_ACTIONS: dict[ItemKind, Action | None] = {
    ItemKind.HOUSEHOLD_CREATE: Action.EDIT_HOUSEHOLDS,
    ItemKind.HOUSEHOLD_EDIT: Action.EDIT_HOUSEHOLDS,
    ItemKind.MEMBER_CREATE: Action.EDIT_HOUSEHOLDS,
    ItemKind.MEMBER_EDIT: Action.EDIT_HOUSEHOLDS,
    ItemKind.SUBMISSION: None,
    ItemKind.SUPPORT_STAGE_PROOF: Action.SUPPORT,
}


# --- policy ----------------------------------------------------------------------


def allows(user: object, action: Action) -> bool:
    """Whether the user's role grants `action` (an active superuser is granted every one)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_unrestricted(user):
        return True
    role = getattr(user, "role", None)
    return role in ROLE_ACTIONS and action in ROLE_ACTIONS[Role(role)]


def action_for_item_kind(kind: ItemKind) -> Action | None:
    """The action a pushed sync item needs, so sync and REST refuse the same roles.

    None means the item kind needs no role grant beyond its area (surveys: every role
    that covers the household may submit one).
    """
    return _ITEM_KIND_ACTIONS[kind]


def require(user: object, action: Action, obj: object | None = None) -> None:
    """Refuse unless `obj` is in the user's area (404) and the role grants `action` (403).

    The area is checked first: outside it, a refused role sees the same 404 as for a
    record that does not exist.
    """
    if obj is not None and not covers(user, obj):
        raise Http404
    if not allows(user, action):
        raise PermissionRefused


# --- citizen IDs -----------------------------------------------------------------


def mask_citizen_id(value: str | None) -> str | None:
    """Keep the last 4 digits only, e.g. ********1234.

    What a role without READ_CITIZEN_ID sees, and what history stores for every role.
    """
    if not value:
        return value
    return "*" * (len(value) - 4) + value[-4:]


def citizen_id_for(user: object, value: str | None) -> str | None:
    """A citizen ID as `user` may see it: whole only if the role grants READ_CITIZEN_ID.

    The one rule for every edge that shows an ID: the REST API, conflict payloads and
    the phone's pull feed.
    """
    return value if allows(user, Action.READ_CITIZEN_ID) else mask_citizen_id(value)


# --- scoping ---------------------------------------------------------------------


def covers(user: object, obj: object) -> bool:
    """Whether a loaded record lies in the user's area, by the same rule as the querysets."""
    path = _path_of(obj)
    return path is not None and covers_path(user, path)


def _path_of(obj: object) -> str | None:
    """The materialised path that decides who sees `obj`; None for a record with no area."""
    if isinstance(obj, Unit):
        return obj.path
    if isinstance(obj, Household):
        return obj.village.path
    household = getattr(obj, "household", None)
    if isinstance(household, Household):
        return household.village.path
    if isinstance(obj, ReviewRound):
        return obj.commune.path
    if isinstance(obj, VillageMeeting):
        return obj.village.path
    review_round = getattr(obj, "round", None)
    if isinstance(review_round, ReviewRound):
        return review_round.commune.path
    return None


def visible_units(user: object) -> QuerySet[Unit]:
    return Unit.objects.filter(scope_q(user, "path"))


def visible_households(user: object) -> QuerySet[Household]:
    return Household.objects.filter(scope_q(user, "village__path"))


def visible_members(user: object) -> MemberQuerySet:
    """Members of visible households, removed ones included (callers add `.current()`)."""
    return Member.objects.filter(scope_q(user, "household__village__path"))


def visible_history(user: object) -> QuerySet[HouseholdChange]:
    return HouseholdChange.objects.filter(scope_q(user, "household__village__path"))


def visible_submissions(user: object) -> QuerySet[Submission]:
    return Submission.objects.filter(_household_scope(user))


def visible_assessments(user: object) -> QuerySet[Assessment]:
    return Assessment.objects.filter(scope_q(user, "household__village__path"))


def visible_conflicts(user: object) -> QuerySet[ConflictCopy]:
    return ConflictCopy.objects.filter(_household_scope(user))


def visible_attachments(user: object) -> QuerySet[Attachment]:
    """Photos of visible submissions, or of households created by a visible item.

    An attachment is keyed by the UUID of the item that declared it: a survey's id or,
    for a household created from a phone, the household's id.
    """
    return Attachment.objects.filter(
        Q(item_uuid__in=visible_submissions(user).values("pk"))
        | Q(item_uuid__in=visible_households(user).values("pk"))
        | Q(item_uuid__in=visible_stage_proofs(user).values("pk"))
    )


def visible_attachments_of(user: object, item_uuid: UUID) -> QuerySet[Attachment]:
    """The photos of one item, empty unless the item is in the user's area: one query."""
    return visible_attachments(user).filter(item_uuid=item_uuid)


def visible_support_records(user: object) -> QuerySet[SupportRecord]:
    """Support records of visible households, and those assigned to the user.

    A support worker assigned to a record outside their units still reaches it: the
    assignment is the grant.
    """
    assigned = Q(assigned_to=user) if getattr(user, "pk", None) is not None else Q(pk__in=[])
    return SupportRecord.objects.filter(scope_q(user, "household__village__path") | assigned)


def visible_stage_proofs(user: object) -> QuerySet[StageProof]:
    return StageProof.objects.filter(record__in=visible_support_records(user).values("pk"))


def visible_area_users(user: object) -> QuerySet[User]:
    """Users with at least one unit inside the user's area."""
    area = User.objects.filter(scope_q(user, "assignments__unit__path")).values("pk")
    return User.objects.filter(pk__in=area)


def visible_rounds(user: object) -> QuerySet[ReviewRound]:
    """Rounds of communes the user covers whole; a village's volunteer sees none."""
    return ReviewRound.objects.filter(scope_q(user, "commune__path"))


def visible_household_reviews(user: object) -> QuerySet[HouseholdReview]:
    return HouseholdReview.objects.filter(scope_q(user, "household__village__path"))


def visible_meetings(user: object) -> QuerySet[VillageMeeting]:
    return VillageMeeting.objects.filter(scope_q(user, "village__path"))


def visible_postings(user: object) -> QuerySet[Posting]:
    return Posting.objects.filter(scope_q(user, "round__commune__path"))


def visible_complaints(user: object) -> QuerySet[Complaint]:
    return Complaint.objects.filter(scope_q(user, "household__village__path"))


def visible_decisions(user: object) -> QuerySet[Decision]:
    return Decision.objects.filter(scope_q(user, "round__commune__path"))


def visible_review_audit(user: object) -> QuerySet[AuditEvent]:
    """Audit events of visible households, or of visible rounds when no household is named."""
    return AuditEvent.objects.filter(
        scope_q(user, "household__village__path")
        | (Q(household__isnull=True) & scope_q(user, "round__commune__path"))
    )


def _household_scope(user: object) -> Q:
    """Records tied to a household: visible with it; with no household, only to a superuser."""
    if is_unrestricted(user):
        return Q()
    return Q(household__isnull=False) & scope_q(user, "household__village__path")
