"""Reading the change feed for one user: scoped, paged by seq, one entry per record."""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Q

from server.accounts import policy
from server.feed.models import FeedEntry, FeedKind
from server.registry.models import Household, Member
from server.registry.scoping import scope_q
from server.registry.services import mask_citizen_id
from server.submissions.models import Assessment, Submission
from server.surveys.models import FormVersion
from sync.messages import Change, ChangeKind

_SCAN = 1000


def changes_since(*, user: Any, seq: int, limit: int) -> list[Change]:
    """Return up to `limit` changes after `seq`, ascending, each record at most once.

    A record changed several times appears at its first seq in the page with its
    current state; later entries of it are skipped here and resent on a later page,
    which is harmless because data is always the current state.
    """
    entries = _distinct_entries(user=user, seq=seq, limit=limit)
    states = _load_states(user, entries)
    return [_change(entry, states) for entry in entries]


def _visible(user: Any) -> Q:
    return scope_q(user, "scope_path") | Q(scope_path="")


def _distinct_entries(*, user: Any, seq: int, limit: int) -> list[FeedEntry]:
    chosen: list[FeedEntry] = []
    seen: set[tuple[str, str]] = set()
    cursor = seq
    while len(chosen) < limit:
        batch = list(
            FeedEntry.objects.filter(_visible(user), seq__gt=cursor).order_by("seq")[:_SCAN]
        )
        for entry in batch:
            key = (entry.of_kind or entry.kind, entry.record_id)
            if key not in seen:
                seen.add(key)
                chosen.append(entry)
                if len(chosen) == limit:
                    break
        if len(batch) < _SCAN:
            break
        cursor = batch[-1].seq
    return chosen


def _ids(entries: Iterable[FeedEntry], kind: str) -> list[str]:
    return [e.record_id for e in entries if e.kind == kind]


def _load_states(user: Any, entries: Sequence[FeedEntry]) -> dict[tuple[str, str], dict[str, Any]]:
    states: dict[tuple[str, str], dict[str, Any]] = {}
    households = Household.objects.visible_to(user).select_related("village", "commune")
    for h in households.filter(pk__in=_ids(entries, FeedKind.HOUSEHOLD)):
        states[(FeedKind.HOUSEHOLD, str(h.pk))] = household_data(h)
    members = (
        Member.objects.visible_to(user).current().filter(pk__in=_ids(entries, FeedKind.MEMBER))
    )
    full_ids = policy.can_read_citizen_id(user)
    for m in members:
        states[(FeedKind.MEMBER, str(m.pk))] = member_data(m, full_ids=full_ids)
    latest = Assessment.objects.filter(
        household__in=households,
        is_latest=True,
        household_id__in=_ids(entries, FeedKind.ASSESSMENT),
    )
    for a in latest:
        states[(FeedKind.ASSESSMENT, str(a.household_id))] = assessment_data(a)
    reviewed = Submission.objects.filter(
        household__in=households, pk__in=_ids(entries, FeedKind.REVIEW)
    )
    for s in reviewed:
        states[(FeedKind.REVIEW, str(s.pk))] = review_data(s)
    for f in FormVersion.objects.defer("definition").filter(pk__in=_ids(entries, FeedKind.FORM)):
        states[(FeedKind.FORM, str(f.pk))] = {
            "id": f.form_id,
            "version": f.version,
            "checksum": f.checksum,
        }
    return states


def _change(entry: FeedEntry, states: dict[tuple[str, str], dict[str, Any]]) -> Change:
    if entry.kind == FeedKind.TOMBSTONE:
        return Change(
            seq=entry.seq,
            kind=ChangeKind.TOMBSTONE,
            id=entry.record_id,
            data={"of": entry.of_kind, "reason": entry.reason},
        )
    state = states.get((entry.kind, entry.record_id))
    if state is None:
        # Gone since the entry was written, or no longer in the area: say so.
        return Change(
            seq=entry.seq,
            kind=ChangeKind.TOMBSTONE,
            id=entry.record_id,
            data={"of": entry.kind, "reason": "deleted"},
        )
    return Change(seq=entry.seq, kind=ChangeKind(entry.kind), id=entry.record_id, data=state)


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def household_data(h: Household) -> dict[str, Any]:
    return {
        "id": str(h.pk),
        "code": h.code,
        "head_name": h.head_name,
        "address": h.address,
        "village": h.village.code,
        "village_name": h.village.name,
        "commune": h.commune.code,
        "area_type": h.commune.area_type,
        "status": h.status,
        "status_year": h.status_year,
        "is_ethnic_minority": h.is_ethnic_minority,
        "has_meritorious_member": h.has_meritorious_member,
        "receives_social_assistance": h.receives_social_assistance,
        "no_labour_capacity": h.no_labour_capacity,
        "latitude": _text(h.latitude),
        "longitude": _text(h.longitude),
        "flagged_for_review": h.flagged_for_review,
        "revision": h.revision,
    }


def member_data(m: Member, *, full_ids: bool) -> dict[str, Any]:
    return {
        "id": str(m.pk),
        "household_id": str(m.household_id),
        "full_name": m.full_name,
        "sex": m.sex,
        "birth_date": m.birth_date.isoformat() if m.birth_date else None,
        "birth_year": m.birth_year,
        "relation": m.relation,
        "ethnicity": m.ethnicity,
        "citizen_id": m.citizen_id if full_ids else mask_citizen_id(m.citizen_id),
        "revision": m.revision,
    }


_INDICATOR_KEYS = (
    "code",
    "name_vi",
    "name_en",
    "status",
    "deprived",
    "reason_vi",
    "reason_en",
    "missing",
)


def _indicator_summary(indicator: dict[str, Any]) -> dict[str, Any]:
    """What a phone shows: the verdict, and the reason where it is deprived or unknown.

    Sources, evidence and the reasons of indicators that are met stay on the server
    (the assessments API has them); this keeps a commune's first pull small.
    """
    if indicator.get("status") == "not_deprived":
        return {"code": indicator.get("code"), "status": "not_deprived", "deprived": False}
    return {key: indicator.get(key) for key in _INDICATOR_KEYS}


def assessment_data(a: Assessment) -> dict[str, Any]:
    return {
        "household_id": str(a.household_id),
        "submission_id": str(a.submission_id) if a.submission_id else None,
        "review_year": a.review_year,
        "ruleset_id": a.ruleset_id,
        "class": a.household_class,
        "deprivation_count": a.deprivation_count,
        "income_per_person": a.income_per_person,
        "decision": a.result.get("decision"),
        "indicators": [_indicator_summary(i) for i in a.result.get("indicators", [])],
        "missing_facts": a.result.get("missing_facts"),
        "confidence": a.confidence,
    }


def review_data(s: Submission) -> dict[str, Any]:
    return {
        "submission_id": str(s.pk),
        "household_id": str(s.household_id) if s.household_id else None,
        "status": s.review_status,
        "comment": s.review_comment,
        "reviewed_at": s.reviewed_at.isoformat() if s.reviewed_at else None,
    }
