"""Reads for housing support; every queryset starts at the access module's scoping."""

from collections.abc import Iterable
from datetime import date
from uuid import UUID

from django.db.models import QuerySet
from django.http import Http404

from server.accounts.access import (
    visible_attachments,
    visible_stage_proofs,
    visible_support_records,
)
from server.evidence.models import Attachment
from server.support import stages
from server.support.models import (
    PhotoFlag,
    Programme,
    ProgrammeAmount,
    StageProof,
    SupportRecord,
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


def _complete_items() -> QuerySet[Attachment]:
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
