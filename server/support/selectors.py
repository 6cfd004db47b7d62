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
    EscapeRegistration,
    HelperAssignment,
    Instalment,
    Payment,
    PhotoFlag,
    Programme,
    ProgrammeAmount,
    StageChoice,
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


def _indicator(result: dict[str, Any], code: str) -> dict[str, Any] | None:
    found = [i for i in result.get("indicators", []) if i.get("code") == code]
    return found[0] if found else None


@dataclass(frozen=True)
class _Latest:
    """The parts of a household's latest assessment the rules read."""

    pk: int
    area_m2: Any
    persons: int | None
    # True deprived, False not, None unknown (verdict-only reads say False for unknown:
    # an unknown need is not met either way, so the verdict is the same).
    non_durable: bool | None


@dataclass(frozen=True)
class _Known:
    """What is stored about a batch of households, read in a few queries."""

    latest: dict[UUID, _Latest]
    circumstances: dict[UUID, SupportCircumstance]
    earlier: dict[UUID, list[str]]
    texts: dict[int, Text]


def _known(households: list[Household], programme: Programme | None, explain: bool) -> _Known:
    ids = [h.pk for h in households]
    latest, texts = _latest_full(ids) if explain else (_latest_light(ids), {})
    records = SupportRecord.objects.filter(household_id__in=ids).select_related("programme")
    if programme is not None:
        records = records.exclude(programme=programme)
    earlier: dict[UUID, list[str]] = {}
    for r in records.order_by("approved_on"):
        earlier.setdefault(r.household_id, []).append(
            f"{r.programme.name_vi} ({r.approved_on.year})"
        )
    return _Known(
        latest=latest,
        circumstances={
            c.household_id: c for c in SupportCircumstance.objects.filter(household_id__in=ids)
        },
        earlier=earlier,
        texts=texts,
    )


def _persons(members: Any) -> int | None:
    return len(members) if isinstance(members, list) else None


def _latest_full(ids: list[UUID]) -> tuple[dict[UUID, _Latest], dict[int, Text]]:
    """Whole latest assessments, with the engine's S1 reason rendered in plain words."""
    rows = list(
        Assessment.objects.filter(household_id__in=ids, is_latest=True).order_by("created_at", "id")
    )
    found = {}
    for a in rows:
        s1 = _indicator(a.result, "S1")
        found[a.household_id] = _Latest(
            pk=a.pk,
            area_m2=(a.facts.get("dwelling") or {}).get("area_m2"),
            persons=_persons(a.facts.get("members")),
            non_durable=s1.get("deprived") if s1 else None,
        )
    return found, _plain_texts(rows, "S1")


def _latest_light(ids: list[UUID]) -> dict[UUID, _Latest]:
    """Only the keys the verdict needs, so counting thousands of households stays cheap."""
    rows = (
        Assessment.objects.filter(household_id__in=ids, is_latest=True)
        .order_by("created_at", "id")
        .values_list(
            "pk", "household_id", "facts__dwelling__area_m2", "facts__members", "result__deprived"
        )
    )
    return {
        household_id: _Latest(
            pk=pk,
            area_m2=area,
            persons=_persons(members),
            non_durable="S1" in (deprived or []),
        )
        for pk, household_id, area, members, deprived in rows
    }


def _plain_texts(assessments: list[Assessment], code: str) -> dict[int, Text]:
    """The indicator's reason in plain words (question labels, not fact paths)."""
    explained = assessments_explain(assessments) if assessments else {}
    return {
        pk: text
        for pk, explanation in explained.items()
        for text in [next((i.text for i in explanation.indicators if i.code == code), None)]
        if text is not None
    }


def _facts_of(household: Household, known: _Known) -> HousingFacts:
    latest = known.latest.get(household.pk)
    area = latest.area_m2 if latest else None
    text = known.texts.get(latest.pk) if latest else None
    circumstance = known.circumstances.get(household.pk)
    earlier = list(known.earlier.get(household.pk, []))
    if circumstance and circumstance.earlier_support:
        earlier.append(circumstance.earlier_support)
    return HousingFacts(
        year=timezone.localdate().year,
        status=household.status,
        persons=latest.persons if latest else None,
        area_m2=Decimal(str(area)) if area is not None else None,
        non_durable=latest.non_durable if latest else None,
        non_durable_vi=text.vi if text else "",
        non_durable_en=text.en if text else "",
        no_house=bool(circumstance and circumstance.no_house),
        house_built_year=circumstance.house_built_year if circumstance else None,
        house_deteriorated=bool(circumstance and circumstance.house_deteriorated),
        earlier_support="; ".join(earlier),
        is_ethnic_minority=household.is_ethnic_minority,
        has_meritorious_member=household.has_meritorious_member,
        receives_social_assistance=household.receives_social_assistance,
        special_hardship=bool(circumstance and circumstance.special_hardship),
        disaster_area=bool(circumstance and circumstance.disaster_area),
    )


def households_eligibility(
    households: list[Household], programme: Programme, *, explain: bool = True
) -> dict[UUID, Eligibility]:
    """The programme's rules applied to each household, reading the batch at once.

    `explain=False` skips rendering the engine's reason in plain words (counts need
    only the verdict). Earlier support is any record under another programme, or one
    noted by hand in the household's support circumstance.
    """
    known = _known(households, programme, explain)
    return {
        h.pk: assess(
            _facts_of(h, known),
            rules=list(programme.eligibility_rules),
            requires_poverty_status=programme.requires_poverty_status,
        )
        for h in households
    }


def household_eligibility(
    household: Household, programme: Programme, *, explain: bool = True
) -> Eligibility:
    return households_eligibility([household], programme, explain=explain)[household.pk]


@dataclass(frozen=True)
class QueueEntry:
    household: Household
    eligibility: Eligibility


def eligible_households(*, user: object, unit: Unit, programme: Programme) -> list[Household]:
    """Households under the unit that qualify and have no record yet (verdicts only)."""
    households = list(
        visible_households_under(user=user, unit=unit)
        .exclude(support_records__isnull=False)
        .select_related("village", "commune")
        .order_by("code")
    )
    verdicts = households_eligibility(households, programme, explain=False)
    return [h for h in households if verdicts[h.pk].eligible]


def eligible_queue(*, user: object, unit: Unit, programme: Programme) -> list[QueueEntry]:
    """Eligible households under `unit` without a record yet, in the legal priority order
    (then by household code), each explained."""
    eligible = eligible_households(user=user, unit=unit, programme=programme)
    explained = households_eligibility(eligible, programme, explain=True)
    entries = [QueueEntry(h, explained[h.pk]) for h in eligible]
    return sorted(entries, key=lambda e: (e.eligibility.priority, e.household.code))


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

    @property
    def stage_label(self) -> str:
        return str(StageChoice(self.stage.value).label)

    @property
    def next_stage_label(self) -> str:
        return str(StageChoice(self.next_stage.value).label) if self.next_stage else ""


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


def helper_get(*, user: object, assignment_id: int) -> HelperAssignment:
    found = (
        HelperAssignment.objects.filter(household__in=visible_households(user).values("pk"))
        .filter(pk=assignment_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def helpers_of(household: Household) -> QuerySet[HelperAssignment]:
    return household.helpers.prefetch_related("contributions").order_by("assigned_on", "pk")


def escape_get(*, user: object, registration_id: int) -> EscapeRegistration:
    found = (
        EscapeRegistration.objects.filter(household__in=visible_households(user).values("pk"))
        .filter(pk=registration_id)
        .first()
    )
    if found is None:
        raise Http404
    return found


def escapes_of(household: Household) -> QuerySet[EscapeRegistration]:
    return household.escape_registrations.order_by("-year")
