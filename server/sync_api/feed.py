"""Reading the change feed for one user: scoped, paged by seq, one entry per record."""

from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Q

from forms import Text
from forms.reasons import AssessmentExplanation
from server.accounts import access
from server.accounts.scoping import scope_q
from server.feed.models import FeedEntry, FeedKind
from server.registry.models import Household, Member
from server.submissions.explanations import assessments_explain, explanation_fields
from server.submissions.models import Assessment, Submission
from server.support.models import SupportRecord
from server.support.selectors import proved_stages_by_record
from server.support.stages import Stage, next_stage, reached
from server.surveys.models import FormVersion
from sync.messages import Change, ChangeKind

_MIN_SCAN = 100


class _Entry(NamedTuple):
    """A feed row as the pull needs it: no model instance, no timestamp to parse."""

    seq: int
    kind: str
    record_id: str
    of_kind: str
    reason: str


_UNSENT_HOUSEHOLD = ("search_text", "created_at", "updated_at")
_UNSENT_MEMBER = ("name_folded", "created_at", "updated_at")
_UNSENT_ASSESSMENT = ("created_at",)
"""Columns a phone's copy never shows, left unread: a first pull reads a whole commune,
and these are the large (search text) or costly to parse (timestamps) ones. An assessment's
facts are read: the reasons are rendered from them (names, answers)."""


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
    """The user's area; support records only for roles that prove support stages."""
    area = scope_q(user, "scope_path") | Q(scope_path="")
    if access.allows(user, access.Action.SUPPORT):
        return area
    return area & ~Q(kind=FeedKind.SUPPORT)


_CHANGE_KINDS = {FeedKind.SUPPORT.value: ChangeKind.SUPPORT_RECORD}
"""Feed kinds whose wire name differs (PROTOCOL.md §5.2); the others are the same word."""


def _change_kind(feed_kind: str) -> ChangeKind:
    return _CHANGE_KINDS.get(feed_kind) or ChangeKind(feed_kind)


def _distinct_entries(*, user: Any, seq: int, limit: int) -> list[_Entry]:
    """Scan the feed from `seq`, keeping each record's first entry, until `limit` are kept.

    A scan reads `limit` rows: on a first pull records rarely repeat, so one scan
    usually fills the page and no row is read twice.
    """
    chosen: list[_Entry] = []
    seen: set[tuple[str, str]] = set()
    cursor, scan = seq, max(limit, _MIN_SCAN)
    fields = _Entry._fields
    while len(chosen) < limit:
        rows = (
            FeedEntry.objects.filter(_visible(user), seq__gt=cursor)
            .order_by("seq")
            .values_list(*fields)[:scan]
        )
        batch = [_Entry(*row) for row in rows]
        for entry in batch:
            key = (entry.of_kind or entry.kind, entry.record_id)
            if key not in seen:
                seen.add(key)
                chosen.append(entry)
                if len(chosen) == limit:
                    break
        if len(batch) < scan:
            break
        cursor = batch[-1].seq
    return chosen


def _ids(entries: Iterable[_Entry], kind: str) -> list[str]:
    return [e.record_id for e in entries if e.kind == kind]


def _load_states(user: Any, entries: Sequence[_Entry]) -> dict[tuple[str, str], dict[str, Any]]:
    """Current state of each record in the page, for records in the user's area only.

    Members, assessments and reviews are read by primary key, then kept only if their
    household passes the one scoping rule (Household.visible_to), checked in one
    query for the whole page: cheaper than joining every table to the unit tree.
    """
    members = list(
        Member.objects.current()
        .defer(*_UNSENT_MEMBER)
        .filter(pk__in=_ids(entries, FeedKind.MEMBER))
    )
    latest = list(
        Assessment.objects.defer(*_UNSENT_ASSESSMENT).filter(
            is_latest=True, household_id__in=_ids(entries, FeedKind.ASSESSMENT)
        )
    )
    reviewed = list(Submission.objects.filter(pk__in=_ids(entries, FeedKind.REVIEW)))
    wanted = {*_ids(entries, FeedKind.HOUSEHOLD)}
    owned: list[Member | Assessment | Submission] = [*members, *latest, *reviewed]
    wanted |= {str(r.household_id) for r in owned if r.household_id}
    visible = {
        str(h.pk): h
        for h in Household.objects.visible_to(user)
        .select_related("village", "commune")
        .defer(*_UNSENT_HOUSEHOLD)
        .filter(pk__in=wanted)
    }
    states: dict[tuple[str, str], dict[str, Any]] = {
        (FeedKind.HOUSEHOLD, key): household_data(visible[key])
        for key in _ids(entries, FeedKind.HOUSEHOLD)
        if key in visible
    }
    for m in members:
        if str(m.household_id) in visible:
            states[(FeedKind.MEMBER, str(m.pk))] = member_data(m, user=user)
    latest = [a for a in latest if str(a.household_id) in visible]
    explained = assessments_explain(latest, statuses=_EXPLAINED_ON_PHONE)
    for a in latest:
        states[(FeedKind.ASSESSMENT, str(a.household_id))] = assessment_data(a, explained[a.pk])
    for r in reviewed:
        if str(r.household_id) in visible:
            states[(FeedKind.REVIEW, str(r.pk))] = review_data(r)
    states.update(_support_states(user, _ids(entries, FeedKind.SUPPORT)))
    for f in FormVersion.objects.defer("definition").filter(pk__in=_ids(entries, FeedKind.FORM)):
        states[(FeedKind.FORM, str(f.pk))] = {
            "id": f.form_id,
            "version": f.version,
            "checksum": f.checksum,
        }
    return states


def _change(entry: _Entry, states: dict[tuple[str, str], dict[str, Any]]) -> Change:
    if entry.kind == FeedKind.TOMBSTONE:
        return Change(
            seq=entry.seq,
            kind=ChangeKind.TOMBSTONE,
            id=entry.record_id,
            data={"of": _of_kind(entry.of_kind), "reason": entry.reason},
        )
    state = states.get((entry.kind, entry.record_id))
    if state is None:
        # Gone since the entry was written, or no longer in the area: say so.
        return Change(
            seq=entry.seq,
            kind=ChangeKind.TOMBSTONE,
            id=entry.record_id,
            data={"of": _of_kind(entry.kind), "reason": "deleted"},
        )
    return Change(seq=entry.seq, kind=_change_kind(entry.kind), id=entry.record_id, data=state)


def _of_kind(feed_kind: str) -> str:
    return _change_kind(feed_kind).value if feed_kind in _CHANGE_KINDS else feed_kind


def _support_states(user: Any, ids: list[str]) -> dict[tuple[str, str], dict[str, Any]]:
    """Records of the page in the user's reach, with the stage proved and the next one.

    A stage counts as proved once one of its photos is stored (the support service's
    rule), so a phone that pulls right after uploading sees its stage proved.
    """
    if not ids:
        return {}
    records = list(
        access.visible_support_records(user)
        .select_related("household__village", "programme")
        .filter(pk__in=ids)
    )
    proved = proved_stages_by_record([r.pk for r in records])
    return {
        (FeedKind.SUPPORT, str(r.pk)): support_record_data(r, proved.get(r.pk, set()))
        for r in records
    }


def support_record_data(r: SupportRecord, proved: set[Stage]) -> dict[str, Any]:
    stage = reached(proved)
    upcoming = next_stage(stage)
    h = r.household
    return {
        "id": str(r.pk),
        "household_id": str(h.pk),
        "household_code": h.code,
        "head_name": h.head_name,
        "address": h.address,
        "village_name": h.village.name,
        "latitude": _text(h.latitude),
        "longitude": _text(h.longitude),
        "programme": r.programme.code,
        "programme_name_vi": r.programme.name_vi,
        "programme_name_en": r.programme.name_en,
        "work": r.work,
        "amount": r.amount,
        "stage": stage.value,
        "next_stage": upcoming.value if upcoming else None,
        "proved_stages": [s.value for s in Stage if s in proved],
        "planned_completion": r.planned_completion.isoformat() if r.planned_completion else None,
    }


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


def member_data(m: Member, *, user: object) -> dict[str, Any]:
    return {
        "id": str(m.pk),
        "household_id": str(m.household_id),
        "full_name": m.full_name,
        "sex": m.sex,
        "birth_date": m.birth_date.isoformat() if m.birth_date else None,
        "birth_year": m.birth_year,
        "relation": m.relation,
        "ethnicity": m.ethnicity,
        "citizen_id": access.citizen_id_for(user, m.citizen_id),
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


_EXPLAINED_ON_PHONE = frozenset({"deprived", "unknown"})


def _indicator_summary(indicator: dict[str, Any], texts: dict[str, Text]) -> dict[str, Any]:
    """What a phone shows: the verdict, and the reason where it is deprived or unknown.

    Sources, evidence and the reasons of indicators that are met stay on the server
    (the assessments API has them); this keeps a commune's first pull small. The reason
    travels twice: as the audit trail and as `explanation_vi`/`_en`, the text a person reads.
    """
    if indicator.get("status") == "not_deprived":
        return {"code": indicator.get("code"), "status": "not_deprived", "deprived": False}
    summary = {key: indicator.get(key) for key in _INDICATOR_KEYS}
    return {**summary, **explanation_fields(texts[indicator["code"]])}


def assessment_data(a: Assessment, explanation: AssessmentExplanation) -> dict[str, Any]:
    texts = {i.code: i.text for i in explanation.indicators}
    return {
        "household_id": str(a.household_id),
        "submission_id": str(a.submission_id) if a.submission_id else None,
        "review_year": a.review_year,
        "ruleset_id": a.ruleset_id,
        "class": a.household_class,
        "deprivation_count": a.deprivation_count,
        "income_per_person": a.income_per_person,
        "decision": {**a.result.get("decision", {}), **explanation_fields(explanation.decision)},
        "indicators": [_indicator_summary(i, texts) for i in a.result.get("indicators", [])],
        "missing_facts": a.result.get("missing_facts"),
        "confidence": a.confidence,
    }


def review_data(s: Submission) -> dict[str, Any]:
    return {
        "submission_id": str(s.pk),
        "household_id": str(s.household_id) if s.household_id else None,
        "status": s.review_status,
        "comment": s.review_comment,
        "fields": list(s.review_fields),
        "reviewed_at": s.reviewed_at.isoformat() if s.reviewed_at else None,
    }
