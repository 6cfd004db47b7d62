"""Writes to the registry. Each service owns its transaction and records history."""

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from server.accounts.access import mask_citizen_id
from server.common.errors import DomainValidationError, FieldError, RevisionConflict
from server.common.text import fold
from server.feed.models import FeedKind
from server.feed.services import feed_append, feed_append_tombstone
from server.registry.choices import (
    LEVEL_RANK,
    HouseholdStatus,
    Policy,
    PovertyCause,
    Relation,
    UnitLevel,
)
from server.registry.models import (
    ChangeAction,
    Household,
    HouseholdChange,
    HouseholdStatusRecord,
    Member,
    Unit,
)

MAX_MEMBERS = 30


ID_TAKEN = _("This id cannot be used; generate a new one.")
DUPLICATE_HEAD = _("The household already has a head.")


HOUSEHOLD_FIELDS = (
    "code", "head_name", "address", "latitude", "longitude", "gps_accuracy_m",
    "is_ethnic_minority", "has_meritorious_member", "receives_social_assistance",
    "no_labour_capacity",
)  # fmt: skip
MEMBER_FIELDS = (
    "full_name", "sex", "birth_date", "birth_year", "relation", "ethnicity", "citizen_id",
)  # fmt: skip


def _jsonable(field: str, value: Any) -> Any:
    if field == "citizen_id":
        return mask_citizen_id(value)
    if isinstance(value, date | Decimal | uuid.UUID):
        return str(value)
    return value


# --- units -----------------------------------------------------------------


def unit_path_for(*, code: str, parent: Unit | None) -> str:
    return f"{parent.path if parent else ''}{code}/"


def unit_create(
    *,
    code: str,
    name: str,
    level: str,
    parent: Unit | None,
    area_type: str = "",
    division_type: str = "",
    is_demo: bool = False,
) -> Unit:
    """Create a unit under `parent`; the parent's level must rank above the child's."""
    if parent is not None and LEVEL_RANK[UnitLevel(parent.level)] >= LEVEL_RANK[UnitLevel(level)]:
        raise DomainValidationError(
            [FieldError("parent", "level_order", _("A unit must sit below a higher level."))]
        )
    if not area_type and parent is not None:
        area_type = parent.area_type
    return Unit.objects.create(
        code=code,
        name=name,
        name_folded=fold(name),
        level=level,
        parent=parent,
        area_type=area_type,
        division_type=division_type,
        is_demo=is_demo,
        path=unit_path_for(code=code, parent=parent),
        depth=parent.depth + 1 if parent else 0,
    )


def commune_of(unit: Unit) -> Unit | None:
    """Return the commune a village belongs to, walking up at most two levels."""
    node: Unit | None = unit
    while node is not None and node.level != UnitLevel.COMMUNE:
        node = node.parent
    return node


# --- households --------------------------------------------------------------


def _record(
    *,
    household: Household,
    member: Member | None,
    action: str,
    changes: Mapping[str, Any],
    actor: object,
    source: str,
) -> None:
    HouseholdChange.objects.create(
        household=household,
        member=member,
        entity="member" if member else "household",
        action=action,
        changes=dict(changes),
        actor=actor if isinstance(actor, get_user_model()) and actor.pk else None,
        source=source,
    )


@transaction.atomic
def household_create(
    *,
    actor: object,
    village: Unit,
    data: Mapping[str, Any],
    members: Iterable[Mapping[str, Any]] = (),
    household_id: uuid.UUID | None = None,
    source: str = "api",
) -> Household:
    """Create a household and its roster atomically; a refusal stores nothing."""
    commune = commune_of(village)
    if commune is None:
        raise DomainValidationError(
            [FieldError("village", "no_commune", _("The village has no commune."))]
        )
    household = Household(
        id=household_id or uuid.uuid4(),
        commune=commune,
        village=village,
        **{k: v for k, v in data.items() if k in HOUSEHOLD_FIELDS},
    )
    _save_household(household, force_insert=True)
    _record(
        household=household,
        member=None,
        action=ChangeAction.CREATED,
        actor=actor,
        source=source,
        changes={k: [None, _jsonable(k, getattr(household, k))] for k in HOUSEHOLD_FIELDS},
    )
    for index, member_data in enumerate(members):
        try:
            _member_insert(household=household, data=member_data, actor=actor, source=source)
        except DomainValidationError as refused:
            raise _under(f"members[{index}]", refused) from None
    household_refresh_derived(household=household)
    return household


def _under(prefix: str, refused: DomainValidationError) -> DomainValidationError:
    """The same refusal, with paths under `prefix` (e.g. a roster row's index)."""
    return DomainValidationError(
        [
            FieldError(f"{prefix}.{e.path}" if e.path else prefix, e.code, e.message)
            for e in refused.errors
        ]
    )


@transaction.atomic
def household_update(
    *,
    actor: object,
    household: Household,
    base_revision: int,
    data: Mapping[str, Any],
    source: str = "api",
) -> Household:
    """Apply an edit made on `base_revision`; a stale base is a conflict, never an overwrite."""
    household = Household.objects.select_for_update().get(pk=household.pk)
    if household.revision != base_revision:
        raise RevisionConflict("household", household.revision, base_revision)
    changes = _apply(household, data, HOUSEHOLD_FIELDS)
    if not changes:
        return household
    household.revision = F("revision") + 1
    _save_household(household)
    household.refresh_from_db()
    _record(
        household=household,
        member=None,
        action=ChangeAction.UPDATED,
        changes=changes,
        actor=actor,
        source=source,
    )
    household_refresh_derived(household=household)
    return household


@transaction.atomic
def household_flag(*, household: Household, reason: str, actor: object, source: str) -> None:
    """Flag a household for a reviewer's eye, with history and a feed entry.

    The feed entry is what brings the flag to the volunteers' phones on their next pull.
    The revision stays: a flag is not an edit of the household's fields, so edits made
    on the current revision still apply. Flagging again for the same reason writes
    nothing.
    """
    locked = _locked_for_flag(household)
    _flag_set(household, locked, flagged=True, reason=reason, actor=actor, source=source)


@transaction.atomic
def household_unflag(
    *, household: Household, actor: object, source: str, reason_prefix: str = ""
) -> None:
    """Clear a household's flag, with history and a feed entry.

    With `reason_prefix`, only a flag whose reason starts with it is cleared (read under
    the row lock), so settling a sync conflict never clears a photo check's flag.
    """
    locked = _locked_for_flag(household)
    if locked.flag_reason.startswith(reason_prefix):
        _flag_set(household, locked, flagged=False, reason="", actor=actor, source=source)


# --- official status and needs ----------------------------------------------------


@transaction.atomic
def household_status_set(
    *,
    household: Household,
    year: int,
    status: str,
    decided_on: date,
    decision_ref: str,
    actor: object,
    source: str,
) -> HouseholdStatusRecord:
    """Record the commune's decision on a household's official status for `year`.

    The only writer of the official status: the review's decision service calls it. The
    household's current status follows the newest year on record, so recording an earlier
    year's history never rolls the current status back. Retried with the same values, it
    writes nothing new: (household, year) is unique.
    """
    if status not in HouseholdStatus.values or status == HouseholdStatus.NOT_REVIEWED:
        raise DomainValidationError([FieldError("status", "invalid_choice", INVALID_STATUS)])
    locked = _locked_for_flag(household)
    record, _created = HouseholdStatusRecord.objects.update_or_create(
        household=locked,
        year=year,
        defaults={"status": status, "decided_on": decided_on, "decision_ref": decision_ref},
    )
    if locked.status_year is None or year >= locked.status_year:
        _status_follow(locked, year=year, status=status, actor=actor, source=source)
    household.status, household.status_year = locked.status, locked.status_year
    return record


def _status_follow(
    household: Household, *, year: int, status: str, actor: object, source: str
) -> None:
    changes = _apply(household, {"status": status, "status_year": year}, ("status", "status_year"))
    if changes:
        _save_changed(household, changes, actor=actor, source=source)


NEEDS_CHOICES = {
    "poverty_causes": frozenset(PovertyCause.values),
    "policies_received": frozenset(Policy.values),
    "policies_needed": frozenset(Policy.values),
}
INVALID_STATUS = _("Choose poor, near-poor, middle or not poor.")
INVALID_CODE = _("This is not one of the listed choices.")


@transaction.atomic
def household_needs_set(
    *, household: Household, data: Mapping[str, Sequence[str]], actor: object, source: str
) -> Household:
    """Set causes of poverty and policies received or needed; unknown codes are refused whole."""
    errors = [
        FieldError(f"{field}[{i}]", "invalid_choice", INVALID_CODE)
        for field, codes in data.items()
        if field in NEEDS_CHOICES
        for i, code in enumerate(codes)
        if code not in NEEDS_CHOICES[field]
    ]
    if errors:
        raise DomainValidationError(errors)
    locked = _locked_for_flag(household)
    clean = {f: sorted(set(data[f])) for f in NEEDS_CHOICES if f in data}
    changes = _apply(locked, clean, NEEDS_CHOICES)
    if changes:
        _save_changed(locked, changes, actor=actor, source=source, announce=False)
    return locked


def _save_changed(
    household: Household,
    changes: Mapping[str, Any],
    *,
    actor: object,
    source: str,
    announce: bool = True,
) -> None:
    """Save the changed fields of a locked household, record them, and tell the phones.

    `announce=False` for fields phones do not carry (causes of poverty, policies).
    """
    household.save(update_fields=[*changes, "updated_at"])
    _record(
        household=household,
        member=None,
        action=ChangeAction.UPDATED,
        changes=changes,
        actor=actor,
        source=source,
    )
    if announce:
        feed_append(
            kind=FeedKind.HOUSEHOLD, record_id=household.pk, scope_path=household.village.path
        )


def _locked_for_flag(household: Household) -> Household:
    return Household.objects.select_for_update().select_related("village").get(pk=household.pk)


def _flag_set(
    household: Household,
    locked: Household,
    *,
    flagged: bool,
    reason: str,
    actor: object,
    source: str,
) -> None:
    """Write the flag on the locked row; `household`, the caller's copy, follows it."""
    before = {"flagged_for_review": locked.flagged_for_review, "flag_reason": locked.flag_reason}
    after = {"flagged_for_review": flagged, "flag_reason": reason}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changes:
        return
    locked.flagged_for_review, locked.flag_reason = flagged, reason
    _save_changed(locked, changes, actor=actor, source=source)
    household.flagged_for_review, household.flag_reason = flagged, reason


def _save_household(household: Household, *, force_insert: bool = False) -> None:
    """Save in a savepoint; the (commune, code) constraint, not a lookup, refuses duplicates."""
    try:
        with transaction.atomic():
            household.save(force_insert=force_insert)
    except IntegrityError:
        raise DomainValidationError(
            [FieldError("code", "unique", _("This household code is already used in the commune."))]
        ) from None


def _apply(instance: Any, data: Mapping[str, Any], fields: Iterable[str]) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for field in fields:
        if field not in data:
            continue
        old, new = getattr(instance, field), data[field]
        if old != new:
            changes[field] = [_jsonable(field, old), _jsonable(field, new)]
            setattr(instance, field, new)
    return changes


def household_refresh_derived(*, household: Household) -> None:
    """Recompute the head's name and the folded search text from the current roster."""
    names = list(
        Member.objects.current()
        .filter(household=household)
        .order_by("created_at")
        .values_list("full_name", "relation")
    )
    head = next((name for name, relation in names if relation == Relation.HEAD), None)
    if head:
        household.head_name = head
    parts = [household.code, household.head_name, household.address, *(n for n, _r in names)]
    search_text = " ".join(fold(part) for part in parts if part)
    Household.objects.filter(pk=household.pk).update(
        head_name=household.head_name, search_text=search_text
    )
    household.search_text = search_text
    feed_append(kind=FeedKind.HOUSEHOLD, record_id=household.pk, scope_path=household.village.path)


# --- members -------------------------------------------------------------------


def _member_insert(
    *,
    household: Household,
    data: Mapping[str, Any],
    actor: object,
    source: str,
    member_id: uuid.UUID | None = None,
) -> Member:
    member = Member(
        id=member_id or uuid.uuid4(),
        household=household,
        **{k: v for k, v in data.items() if k in MEMBER_FIELDS},
    )
    member.name_folded = fold(member.full_name)
    if member.birth_date and not member.birth_year:
        member.birth_year = member.birth_date.year
    try:
        with transaction.atomic():
            member.save(force_insert=True)
    except IntegrityError:
        raise DomainValidationError([_insert_refusal(member)]) from None
    _record(
        household=household,
        member=member,
        action=ChangeAction.CREATED,
        actor=actor,
        source=source,
        changes={k: [None, _jsonable(k, getattr(member, k))] for k in MEMBER_FIELDS},
    )
    feed_append(kind=FeedKind.MEMBER, record_id=member.pk, scope_path=household.village.path)
    return member


def _insert_refusal(member: Member) -> FieldError:
    """Name the constraint a refused insert broke, saying no more than the caller may know.

    Two are possible: one head per household (`member_one_head`), and the primary key.
    The lookup runs after the constraint decided, only to choose the message; a taken id
    may belong to a household the caller cannot see, so it is never described further.
    """
    if member.relation == Relation.HEAD and _has_head(member.household, exclude=member.pk):
        return FieldError("relation", "duplicate_head", DUPLICATE_HEAD)
    return FieldError("id", "id_taken", ID_TAKEN)


def _has_head(household: Household, *, exclude: uuid.UUID) -> bool:
    heads = Member.objects.current().filter(household=household, relation=Relation.HEAD)
    return heads.exclude(pk=exclude).exists()


@transaction.atomic
def member_add(
    *,
    actor: object,
    household: Household,
    data: Mapping[str, Any],
    source: str = "api",
    member_id: uuid.UUID | None = None,
) -> Member:
    if Member.objects.current().filter(household=household).count() >= MAX_MEMBERS:
        raise DomainValidationError(
            [FieldError("", "too_many_members", _("A household has at most 30 members."))]
        )
    member = _member_insert(
        household=household, data=data, actor=actor, source=source, member_id=member_id
    )
    household_refresh_derived(household=household)
    return member


@transaction.atomic
def member_update(
    *,
    actor: object,
    member: Member,
    base_revision: int,
    data: Mapping[str, Any],
    source: str = "api",
) -> Member:
    member = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    if member.revision != base_revision:
        raise RevisionConflict("member", member.revision, base_revision)
    if _member_change(member, data, actor=actor, source=source):
        household_refresh_derived(household=member.household)
    return member


def _member_change(member: Member, data: Mapping[str, Any], *, actor: object, source: str) -> bool:
    """Write the fields of `data` that differ, with history and a feed entry; True if any."""
    changes = _apply(member, data, MEMBER_FIELDS)
    if not changes:
        return False
    member.name_folded = fold(member.full_name)
    if "birth_date" in changes and member.birth_date:
        member.birth_year = member.birth_date.year
    member.revision = F("revision") + 1
    _save_member(member, promoted="relation" in changes and member.relation == Relation.HEAD)
    member.refresh_from_db()
    _record(
        household=member.household,
        member=member,
        action=ChangeAction.UPDATED,
        changes=changes,
        actor=actor,
        source=source,
    )
    feed_append(kind=FeedKind.MEMBER, record_id=member.pk, scope_path=member.household.village.path)
    return True


def _save_member(member: Member, *, promoted: bool) -> None:
    """Save an edit; a promotion to head runs in a savepoint, as `member_one_head` may refuse it.

    Only a promotion can break that constraint, so other edits cost no savepoint.
    """
    if not promoted:
        member.save()
        return
    try:
        with transaction.atomic():
            member.save()
    except IntegrityError:
        raise DomainValidationError(
            [FieldError("relation", "duplicate_head", DUPLICATE_HEAD)]
        ) from None


@transaction.atomic
def member_remove(
    *, actor: object, member: Member, base_revision: int, source: str = "api"
) -> None:
    member = Member.objects.select_for_update().select_related("household").get(pk=member.pk)
    if member.revision != base_revision:
        raise RevisionConflict("member", member.revision, base_revision)
    _member_retire(member, actor=actor, source=source)
    household_refresh_derived(household=member.household)


def _member_retire(member: Member, *, actor: object, source: str) -> None:
    """Mark a member removed, with history and a tombstone; the row is kept."""
    member.removed_at = timezone.now()
    member.revision = F("revision") + 1
    member.save(update_fields=["removed_at", "revision", "updated_at"])
    _record(
        household=member.household,
        member=member,
        action=ChangeAction.REMOVED,
        changes={"removed": [False, True]},
        actor=actor,
        source=source,
    )
    feed_append_tombstone(
        of_kind=FeedKind.MEMBER,
        record_id=member.pk,
        scope_path=member.household.village.path,
        reason="deleted",
    )


# --- rosters from surveys ---------------------------------------------------------


@dataclass(frozen=True)
class RosterEntry:
    """One person on a surveyed roster.

    `member_id` is the registry member the app pre-filled the row from; None (or an id
    that is not a current member of the household) means a person new to the registry.
    `data` holds registry member fields (MEMBER_FIELDS, without citizen_id).
    """

    member_id: uuid.UUID | None
    data: Mapping[str, Any]


def roster_member_id(seed: uuid.UUID, index: int) -> uuid.UUID:
    """The id of the member created from row `index` of the survey `seed`.

    Derived, never taken from the phone, so a survey cannot create a member under an id
    that exists elsewhere, and the same survey always yields the same ids.
    """
    return uuid.uuid5(seed, f"members[{index}]")


@transaction.atomic
def household_roster_replace(
    *,
    actor: object,
    household: Household,
    roster: Sequence[RosterEntry],
    seed: uuid.UUID,
    source: str = "survey",
    base: Mapping[uuid.UUID, int | None] | None = None,
) -> None:
    """Make the household's current members exactly the surveyed roster.

    An accepted Phiếu B is the volunteer's statement of who lives in the household:
    known members whose fields differ are updated, new people are added, and current
    members missing from the roster are removed. Each change is one history row and one
    feed entry; an unchanged roster writes nothing.

    `base` is the roster the survey started from (member id -> the revision the phone
    held, or None). With a base, only a missing member the survey knew, at that revision,
    is removed: a member added or changed since the phone pulled stays, because the
    volunteer never saw them (the head excepted, see `_known_to_survey`). Without a base
    (an older phone) every missing member leaves.
    """
    current = {
        m.pk: m
        for m in Member.objects.current()
        .select_for_update()
        .select_related("household__village")
        .filter(household=household)
    }
    rows = _roster_rows(roster, current)
    kept = {member.pk for _index, _entry, member in rows if member is not None}
    leaving = [
        member
        for member_id, member in current.items()
        if member_id not in kept and _known_to_survey(member, base)
    ]
    # A head who leaves goes first, like a demotion (see _demotions_first); the others
    # leave after the roster's rows are written, as they always have.
    changed = bool(leaving)
    for leaver in leaving:
        if leaver.relation == Relation.HEAD:
            _member_retire(leaver, actor=actor, source=source)
    for index, entry, member in _demotions_first(rows):
        if member is None:
            new_id = roster_member_id(seed, index)
            _member_insert(
                household=household, data=entry.data, actor=actor, source=source, member_id=new_id
            )
            changed = True
        else:
            changed |= _member_change(member, entry.data, actor=actor, source=source)
    for leaver in leaving:
        if leaver.relation != Relation.HEAD:
            _member_retire(leaver, actor=actor, source=source)
    if changed:
        household_refresh_derived(household=household)


def _known_to_survey(member: Member, base: Mapping[uuid.UUID, int | None] | None) -> bool:
    """Whether a missing member leaves: the survey saw them as they are now.

    A head always leaves when the roster lacks them: the roster names its own head, and a
    household has one head at a time (`member_one_head`).
    """
    if base is None or member.relation == Relation.HEAD:
        return True
    if member.pk not in base:
        return False
    revision = base[member.pk]
    return revision is None or revision == member.revision


_RosterRow = tuple[int, RosterEntry, Member | None]


def _roster_rows(
    roster: Sequence[RosterEntry], current: Mapping[uuid.UUID, Member]
) -> list[_RosterRow]:
    """Pair each row with the current member it updates; a repeated id's later rows are new."""
    rows: list[_RosterRow] = []
    kept: set[uuid.UUID] = set()
    for index, entry in enumerate(roster):
        member_id = entry.member_id
        member = current.get(member_id) if member_id is not None and member_id not in kept else None
        if member is not None:
            kept.add(member.pk)
        rows.append((index, entry, member))
    return rows


def _demotions_first(rows: list[_RosterRow]) -> list[_RosterRow]:
    """Rows in roster order, but a head who stops being head first.

    `member_one_head` allows one current head at every instant, not only at commit: the
    old head is demoted (or, above, removed) before anyone is promoted or added as head.
    A surveyed roster has exactly one head (the form's constraint), so this order never
    trips the constraint.
    """
    demoted = [
        row
        for row in rows
        if row[2] is not None
        and row[2].relation == Relation.HEAD
        and row[1].data.get("relation", Relation.HEAD) != Relation.HEAD
    ]
    first = {index for index, _entry, _member in demoted}
    return demoted + [row for row in rows if row[0] not in first]
