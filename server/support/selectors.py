"""Reads for housing support; every queryset starts at the access module's scoping."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from forms import Text
from server.accounts.access import (
    visible_attachments,
    visible_households,
    visible_stage_proofs,
    visible_submissions,
    visible_support_records,
    visible_units,
)
from server.accounts.scoping import path_within_q
from server.evidence.models import Attachment
from server.registry.models import Household, Unit
from server.submissions.explanations import assessments_explain
from server.submissions.models import Assessment
from server.support import stages
from server.support.eligibility import Eligibility, HousingFacts, assess
from server.support.models import (
    Instalment,
    Payment,
    PhotoFlag,
    Programme,
    ProgrammeAmount,
    StageProof,
    SupportCircumstance,
    SupportRecord,
    WorkKind,
)
from server.support.stages import Stage


def support_record_get(*, user: object, record_id: UUID) -> SupportRecord:
    """One record in the user's reach; 404 outside it, like a missing one."""
    record = (
        visible_support_records(user)
        .select_related("household__village", "household__commune", "programme")
        .filter(pk=record_id)
        .first()
    )
    if record is None:
        raise Http404
    return record


def support_records_list(*, user: object) -> QuerySet[SupportRecord]:
    return visible_support_records(user).select_related(
        "household__village", "household__commune", "programme"
    )


def support_records_for_pull(user: object) -> QuerySet[SupportRecord]:
    """Records a support worker's phone carries: assigned or in area, not yet in use."""
    done = StageProof.objects.filter(stage=Stage.IN_USE.value, pk__in=_complete_items())
    return (
        support_records_list(user=user)
        .exclude(pk__in=done.values("record_id"))
        .order_by("household__village__path", "household__code")
    )


def _complete_items() -> QuerySet[Attachment, Any]:
    return Attachment.objects.filter(complete=True).values("item_uuid")


def proved_stages_by_record(record_ids: Iterable[UUID]) -> dict[UUID, set[Stage]]:
    """Stages with at least one complete photo, per record: one query."""
    rows = StageProof.objects.filter(record_id__in=list(record_ids), pk__in=_complete_items())
    found: dict[UUID, set[Stage]] = {}
    for record_id, stage in rows.values_list("record_id", "stage"):
        found.setdefault(record_id, set()).add(Stage(stage))
    return found


def proved_stages(record: SupportRecord) -> set[Stage]:
    return proved_stages_by_record([record.pk]).get(record.pk, set())


def submitted_stages(record: SupportRecord) -> set[Stage]:
    """Stages with a proof pushed, photos arrived or not (orders offline proofs)."""
    return {Stage(s) for s in record.proofs.values_list("stage", flat=True)}


def record_stage(record: SupportRecord) -> Stage:
    return stages.reached(proved_stages(record))


def stage_proofs_of(*, user: object, record: SupportRecord) -> QuerySet[StageProof]:
    return visible_stage_proofs(user).filter(record=record).order_by("created_at")


def stage_photos(*, user: object, proof_ids: Iterable[UUID]) -> QuerySet[Attachment]:
    return visible_attachments(user).filter(item_uuid__in=list(proof_ids), complete=True)


def photo_flags_of(record: SupportRecord) -> QuerySet[PhotoFlag]:
    return PhotoFlag.objects.filter(proof__record=record).select_related("attachment", "proof")


def programme_amount_on(*, programme: Programme, work: str, on: date) -> ProgrammeAmount | None:
    """The amount that applies on a day: the latest one applying from that day or before."""
    return (
        programme.amounts.filter(work=work, applies_from__lte=on).order_by("-applies_from").first()
    )


def programmes_list() -> QuerySet[Programme]:
    return Programme.objects.filter(is_active=True).prefetch_related("amounts")


# --- eligibility -----------------------------------------------------------------------


def _latest_assessment(household: Household) -> Assessment | None:
    return (
        Assessment.objects.filter(household=household, is_latest=True)
        .order_by("-created_at", "-id")
        .first()
    )


def _plain_text(assessment: Assessment, code: str) -> Text | None:
    """The indicator's reason in plain words (question labels, not fact paths)."""
    explanation = assessments_explain([assessment])[assessment.pk]
    return next((i.text for i in explanation.indicators if i.code == code), None)


def _indicator(result: dict[str, Any], code: str) -> dict[str, Any] | None:
    found = [i for i in result.get("indicators", []) if i.get("code") == code]
    return found[0] if found else None


def housing_facts(
    household: Household, *, exclude_programme: Programme | None = None, explain: bool = True
) -> HousingFacts:
    """What the eligibility rules read: the latest assessment's facts and S1 result, the
    household's registry flags, its support circumstance and any earlier support."""
    assessment = _latest_assessment(household)
    facts: dict[str, Any] = assessment.facts if assessment else {}
    dwelling = facts.get("dwelling") or {}
    area = dwelling.get("area_m2")
    members = facts.get("members")
    s1 = _indicator(assessment.result, "S1") if assessment else None
    s1_text = _plain_text(assessment, "S1") if assessment and explain else None
    circumstance = SupportCircumstance.objects.filter(household=household).first()
    return HousingFacts(
        year=timezone.localdate().year,
        status=household.status,
        persons=len(members) if isinstance(members, list) else None,
        area_m2=Decimal(str(area)) if area is not None else None,
        non_durable=s1.get("deprived") if s1 else None,
        non_durable_vi=s1_text.vi if s1_text else "",
        non_durable_en=s1_text.en if s1_text else "",
        no_house=bool(circumstance and circumstance.no_house),
        house_built_year=circumstance.house_built_year if circumstance else None,
        house_deteriorated=bool(circumstance and circumstance.house_deteriorated),
        earlier_support=_earlier_support(household, circumstance, exclude_programme),
        is_ethnic_minority=household.is_ethnic_minority,
        has_meritorious_member=household.has_meritorious_member,
        receives_social_assistance=household.receives_social_assistance,
        special_hardship=bool(circumstance and circumstance.special_hardship),
        disaster_area=bool(circumstance and circumstance.disaster_area),
    )


def _earlier_support(
    household: Household,
    circumstance: SupportCircumstance | None,
    exclude_programme: Programme | None,
) -> str:
    """Earlier housing support: a record under another programme, or one noted by hand."""
    records = SupportRecord.objects.filter(household=household).select_related("programme")
    if exclude_programme is not None:
        records = records.exclude(programme=exclude_programme)
    found = [f"{r.programme.name_vi} ({r.approved_on.year})" for r in records]
    if circumstance and circumstance.earlier_support:
        found.append(circumstance.earlier_support)
    return "; ".join(found)


def household_eligibility(
    household: Household, programme: Programme, *, explain: bool = True
) -> Eligibility:
    """The programme's rules applied to the household; `explain=False` skips rendering the
    engine's reason in plain words (counts need only the verdict)."""
    facts = housing_facts(household, exclude_programme=programme, explain=explain)
    return assess(
        facts,
        rules=list(programme.eligibility_rules),
        requires_poverty_status=programme.requires_poverty_status,
    )


@dataclass(frozen=True)
class QueueEntry:
    household: Household
    eligibility: Eligibility


def eligible_queue(*, user: object, unit: Unit, programme: Programme) -> list[QueueEntry]:
    """Eligible households under `unit` without a record yet, in the legal priority order
    (then by household code)."""
    households = (
        visible_households_under(user=user, unit=unit)
        .exclude(support_records__isnull=False)
        .select_related("village", "commune")
        .order_by("code")
    )
    entries = [QueueEntry(h, household_eligibility(h, programme)) for h in households]
    eligible = [e for e in entries if e.eligibility.eligible]
    return sorted(eligible, key=lambda e: (e.eligibility.priority, e.household.code))


# --- one record, as the API and the console show it ----------------------------------


@dataclass(frozen=True)
class ProofView:
    proof: StageProof
    photos: list[Attachment]
    flags: list[PhotoFlag]


@dataclass(frozen=True)
class RecordView:
    record: SupportRecord
    stage: Stage
    next_stage: Stage | None
    proved: set[Stage]
    proofs: list[ProofView]
    payments: list[Payment]
    payable: dict[str, bool]


def record_view(*, user: object, record: SupportRecord) -> RecordView:
    """Stages, proofs with their photos and flags, payments and which instalment is due."""
    proofs = list(stage_proofs_of(user=user, record=record))
    photos = list(stage_photos(user=user, proof_ids=[p.pk for p in proofs]).order_by("name"))
    flags = list(photo_flags_of(record).order_by("pk"))
    with_photo = {a.item_uuid for a in photos}
    proved = {Stage(p.stage) for p in proofs if p.pk in with_photo}
    current = stages.reached(proved)
    payments = list(record.payments.order_by("paid_on", "pk"))
    paid = {p.instalment for p in payments}
    payable = {
        instalment: instalment not in paid
        and stages.is_at_least(current, payment_due_stage(record, instalment))
        and (instalment == Instalment.FIRST or Instalment.FIRST in paid)
        for instalment in Instalment.values
    }
    return RecordView(
        record=record,
        stage=current,
        next_stage=stages.next_stage(current),
        proved=proved,
        proofs=[
            ProofView(
                p,
                [a for a in photos if a.item_uuid == p.pk],
                [f for f in flags if f.proof_id == p.pk],
            )
            for p in proofs
        ],
        payments=payments,
        payable=payable,
    )


def payment_due_stage(record: SupportRecord, instalment: str) -> Stage:
    """The stage a programme's payment rule makes an instalment due at."""
    programme = record.programme
    if instalment == Instalment.FINAL:
        return Stage(programme.final_payment_stage)
    if record.work == WorkKind.REPAIR:
        return Stage(programme.first_payment_stage_repair)
    return Stage(programme.first_payment_stage_new)


def stage_photo(*, user: object, record: SupportRecord, proof_id: UUID, name: str) -> Attachment:
    """One complete photo of one of the record's proofs; 404 otherwise."""
    proof = stage_proofs_of(user=user, record=record).filter(pk=proof_id).first()
    photo = (
        stage_photos(user=user, proof_ids=[proof.pk]).filter(name=name).first() if proof else None
    )
    if photo is None:
        raise Http404
    return photo


def unit_by_code(*, user: object, code: str) -> Unit | None:
    """A unit in the user's area by its code; None outside it, like a missing one."""
    return visible_units(user).filter(code=code).first()


def household_in_reach(*, user: object, household_id: UUID) -> Household | None:
    """A household named in a request body; None outside the area, like a missing one."""
    return visible_households(user).select_related("village").filter(pk=household_id).first()


def visible_households_under(*, user: object, unit: Unit) -> QuerySet[Household]:
    return visible_households(user).filter(path_within_q("village__path", unit.path))


# --- console helpers -------------------------------------------------------------------


def top_units(*, user: object) -> list[Unit]:
    """The highest units the user reaches (their own assignments, or the provinces)."""
    units = list(visible_units(user).order_by("depth", "code"))
    if not units:
        return []
    top = units[0].depth
    return [u for u in units if u.depth == top]


def unit_ancestors(*, user: object, unit: Unit) -> list[Unit]:
    """The unit's ancestors inside the user's area, highest first, then the unit."""
    chain = [unit]
    visible = visible_units(user)
    while chain[0].parent_id is not None:
        parent = visible.filter(pk=chain[0].parent_id).first()
        if parent is None:
            break
        chain.insert(0, parent)
    return chain


def survey_photos(*, user: object, household: Household) -> list[Attachment]:
    """The household's survey photos (the "before" beside a stage's photos), newest first."""
    surveys = visible_submissions(user).filter(household=household).values("pk")
    return list(
        visible_attachments(user)
        .filter(item_uuid__in=surveys, complete=True)
        .order_by("-completed_at", "name")
    )


def flag_record_id(*, user: object, flag_id: int) -> UUID:
    """The record a flag belongs to, if the user reaches it; 404 otherwise."""
    record_id = (
        PhotoFlag.objects.filter(
            pk=flag_id, proof__record__in=visible_support_records(user).values("pk")
        )
        .values_list("proof__record_id", flat=True)
        .first()
    )
    if record_id is None:
        raise Http404
    return record_id


def stage_first_photo_times(record_ids: list[UUID]) -> dict[tuple[UUID, str], datetime]:
    """When each (record, stage) first had a complete photo; records already scoped."""
    rows = StageProof.objects.filter(record_id__in=record_ids).values_list(
        "pk", "record_id", "stage"
    )
    proofs = {pk: (record_id, stage) for pk, record_id, stage in rows}
    first: dict[tuple[UUID, str], datetime] = {}
    photos = Attachment.objects.filter(item_uuid__in=list(proofs), complete=True)
    for item_uuid, completed_at in photos.values_list("item_uuid", "completed_at"):
        key = proofs[item_uuid]
        if completed_at is not None and (key not in first or completed_at < first[key]):
            first[key] = completed_at
    return first
