"""Writes for housing support. Each service owns its transaction; a refusal stores nothing.

Retries are stored once through the models' unique constraints: a stage proof by its id
(the pushed item's UUID), a payment by (record, instalment), a flag by (photo, check).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from server.accounts.access import Action, allows
from server.accounts.models import Device, User
from server.common.errors import DomainValidationError, FieldError, PermissionRefused
from server.evidence.images import LOCAL_ZONE, distance_m
from server.evidence.models import Attachment
from server.feed.models import FeedKind
from server.feed.services import feed_append
from server.registry.models import Household
from server.support import stages
from server.support.models import (
    DocumentKind,
    FlagCheck,
    Instalment,
    Payment,
    PhotoFlag,
    Programme,
    SignedDocument,
    Sponsor,
    StageChoice,
    StageProof,
    SupportRecord,
    WorkKind,
)
from server.support.selectors import (
    payment_due_stage,
    programme_amount_on,
    proved_stages,
    submitted_stages,
    support_record_get,
)
from server.support.stages import Stage

# A photo may be taken up to this long before the previous stage was proved (clocks
# drift, visits overlap) and this long after its proof reached the server.
WINDOW_GRACE = timedelta(days=1)


def _refuse(path: str, code: str, message: Any) -> DomainValidationError:
    return DomainValidationError([FieldError(path, code, message)])


def _require_support(user: object) -> None:
    if not allows(user, Action.SUPPORT):
        raise PermissionRefused


def _record_for(user: object, record_id: UUID) -> SupportRecord:
    """The record in reach (404 first), then the role grant (403)."""
    record = support_record_get(user=user, record_id=record_id)
    _require_support(user)
    return record


def _announce(record: SupportRecord) -> None:
    """Phones pull support records through the feed; call last inside the transaction."""
    feed_append(
        kind=FeedKind.SUPPORT, record_id=record.pk, scope_path=record.household.village.path
    )


# --- stage proofs (the phone's contract) ---------------------------------------------


def stage_proof_submit(
    *,
    user: User,
    proof_id: UUID,
    record_id: UUID,
    stage: str,
    note: str,
    device: Device | None,
) -> StageProof:
    """Record an on-site visit proving `stage`; the same proof_id again returns the first.

    Photos arrive as evidence Attachments with item_uuid = proof_id, before or after
    this call. Order is checked against the stages already submitted, so proofs taken
    offline one after another are accepted before their photos arrive.
    """
    record = _record_for(user, record_id)
    existing = StageProof.objects.filter(pk=proof_id).first()
    if existing is not None:
        return _same_proof(existing, record, stage)
    _check_stage(record, stage)
    try:
        with transaction.atomic():
            proof = StageProof.objects.create(
                id=proof_id,
                record=record,
                stage=stage,
                note=note.strip(),
                submitted_by=user,
                device=device,
            )
            for photo in Attachment.objects.filter(item_uuid=proof_id, complete=True):
                _check_photo(proof, photo)
            _announce(record)
    except IntegrityError:
        return _same_proof(StageProof.objects.get(pk=proof_id), record, stage)
    return proof


def _same_proof(existing: StageProof, record: SupportRecord, stage: str) -> StageProof:
    if existing.record_id != record.pk or existing.stage != stage:
        raise _refuse(
            "id",
            "proof_id_reused",
            _("This proof id was already used for another record or stage."),
        )
    return existing


def _check_stage(record: SupportRecord, stage: str) -> None:
    if not stages.is_stage(stage) or Stage(stage) not in stages.PROVABLE:
        raise _refuse("stage", "unknown_stage", _("This is not a stage that photos can prove."))
    if stage not in record.programme.stages:
        raise _refuse("stage", "unknown_stage", _("This programme does not use this stage."))
    submitted = submitted_stages(record)
    if not stages.may_prove(Stage(stage), submitted):
        expected = stages.next_stage(stages.reached(submitted))
        label = StageChoice(expected.value).label if expected else _("none")
        raise _refuse(
            "stage",
            "stage_out_of_order",
            format_lazy(_("Stages are proved in order; the next stage is: {}."), label),
        )


# --- photo checks ----------------------------------------------------------------------


def stage_photo_checks(*, attachment: Attachment) -> list[PhotoFlag]:
    """Check a completed photo if it belongs to a stage proof; called by evidence's signal."""
    proof = (
        StageProof.objects.select_related("record__household")
        .filter(pk=attachment.item_uuid)
        .first()
    )
    if proof is None:
        return []
    with transaction.atomic():
        return _check_photo(proof, attachment)


def _check_photo(proof: StageProof, photo: Attachment) -> list[PhotoFlag]:
    """Flag what failed; never refuse. A flag already stored is kept as it is."""
    found = [
        *_place_flags(proof, photo),
        *_time_flags(proof, photo),
        *_reuse_flags(proof, photo),
    ]
    PhotoFlag.objects.bulk_create(found, ignore_conflicts=True)
    return list(PhotoFlag.objects.filter(attachment=photo).order_by("pk"))


def _place_flags(proof: StageProof, photo: Attachment) -> list[PhotoFlag]:
    if photo.latitude is None or photo.longitude is None:
        return [PhotoFlag(attachment=photo, proof=proof, kind=FlagCheck.NO_GPS)]
    household = proof.record.household
    if household.latitude is None or household.longitude is None:
        return []
    metres = distance_m(
        (float(photo.latitude), float(photo.longitude)),
        (float(household.latitude), float(household.longitude)),
    )
    if metres <= settings.SUPPORT_PHOTO_MAX_DISTANCE_M:
        return []
    detail = {"metres": round(metres), "limit": settings.SUPPORT_PHOTO_MAX_DISTANCE_M}
    return [PhotoFlag(attachment=photo, proof=proof, kind=FlagCheck.FAR, detail=detail)]


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime


def stage_window(proof: StageProof) -> Window:
    """When a stage's photos may be taken: from the previous stage's first proof (or the
    approval day) to this proof's arrival, each widened by WINDOW_GRACE."""
    previous = (
        StageProof.objects.filter(record=proof.record_id)
        .exclude(pk=proof.pk)
        .filter(stage__in=_stages_before(Stage(proof.stage)))
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    approved = datetime.combine(proof.record.approved_on, time.min, tzinfo=LOCAL_ZONE)
    start = previous or approved
    arrived = proof.created_at or timezone.now()
    return Window(start=start - WINDOW_GRACE, end=arrived + WINDOW_GRACE)


def _stages_before(stage: Stage) -> list[str]:
    return [s.value for s in stages.ORDER[1 : stages.index(stage)]]


def _time_flags(proof: StageProof, photo: Attachment) -> list[PhotoFlag]:
    if photo.taken_at is None:
        return [PhotoFlag(attachment=photo, proof=proof, kind=FlagCheck.NO_TIME)]
    window = stage_window(proof)
    if window.start <= photo.taken_at <= window.end:
        return []
    detail = {
        "taken_at": photo.taken_at.astimezone(UTC).isoformat(),
        "start": window.start.astimezone(UTC).isoformat(),
        "end": window.end.astimezone(UTC).isoformat(),
    }
    return [PhotoFlag(attachment=photo, proof=proof, kind=FlagCheck.OUTSIDE_WINDOW, detail=detail)]


def _reuse_flags(proof: StageProof, photo: Attachment) -> list[PhotoFlag]:
    """The same scene (equal perceptual hash) in any other item: another house or stage."""
    if not photo.perceptual_hash:
        return []
    twin = (
        Attachment.objects.filter(perceptual_hash=photo.perceptual_hash, complete=True)
        .exclude(item_uuid=photo.item_uuid)
        .order_by("completed_at", "pk")
        .values_list("item_uuid", flat=True)
        .first()
    )
    if twin is None:
        return []
    detail = {"item": str(twin)}
    return [PhotoFlag(attachment=photo, proof=proof, kind=FlagCheck.REUSED, detail=detail)]


def photo_flag_clear(*, user: User, flag_id: int, reason: str) -> PhotoFlag:
    """Clear a flag with a reason (kept with who and when); clearing twice keeps the first."""
    flag = PhotoFlag.objects.select_related("proof").filter(pk=flag_id).first()
    if flag is None:
        raise _not_found()
    _record_for(user, flag.proof.record_id)
    if not reason.strip():
        raise _refuse("reason", "required", _("Say why the flag is cleared."))
    with transaction.atomic():
        locked = PhotoFlag.objects.select_for_update().get(pk=flag_id)
        if locked.cleared_at is None:
            locked.cleared_at, locked.cleared_by = timezone.now(), user
            locked.clear_reason = reason.strip()
            locked.save(update_fields=["cleared_at", "cleared_by", "clear_reason"])
    return locked


def _not_found() -> Exception:
    return Http404()


# --- payments --------------------------------------------------------------------------


def payment_amount(record: SupportRecord, instalment: str) -> int:
    """First: the programme's percent of the amount (whole dong); final: the rest."""
    first = record.amount * record.programme.first_payment_percent // 100
    return first if instalment == Instalment.FIRST else record.amount - first


def payment_record(
    *, user: User, record_id: UUID, instalment: str, paid_on: date, reference: str
) -> Payment:
    """Record an instalment paid, refused unless its stage is proved (nothing changes).

    (record, instalment) is unique: the same payment sent again returns the stored one;
    a different reference for a paid instalment is refused.
    """
    record = _record_for(user, record_id)
    _check_payment(record, instalment, reference)
    existing = Payment.objects.filter(record=record, instalment=instalment).first()
    if existing is not None:
        return _same_payment(existing, reference.strip())
    try:
        with transaction.atomic():
            payment = Payment.objects.create(
                record=record,
                instalment=instalment,
                amount=payment_amount(record, instalment),
                paid_on=paid_on,
                reference=reference.strip(),
                created_by=user,
            )
            _announce(record)
    except IntegrityError:
        found = Payment.objects.get(record=record, instalment=instalment)
        return _same_payment(found, reference.strip())
    return payment


def _check_payment(record: SupportRecord, instalment: str, reference: str) -> None:
    errors = []
    if instalment not in Instalment.values:
        raise _refuse("instalment", "invalid", _("Choose the first or the final instalment."))
    if not reference.strip():
        errors.append(FieldError("reference", "required", _("Enter the payment reference.")))
    due = payment_due_stage(record, instalment)
    if not stages.is_at_least(stages.reached(proved_stages(record)), due):
        label = StageChoice(due.value).label
        message = format_lazy(_("Not paid: the stage “{}” is not proved by a photo yet."), label)
        errors.append(FieldError("instalment", "stage_not_proved", message))
    first_paid = Payment.objects.filter(record=record, instalment=Instalment.FIRST).exists()
    if instalment == Instalment.FINAL and not first_paid:
        message = _("The first instalment must be recorded before the final one.")
        errors.append(FieldError("instalment", "first_not_paid", message))
    if errors:
        raise DomainValidationError(errors)


def _same_payment(existing: Payment, reference: str) -> Payment:
    if existing.reference != reference:
        raise _refuse("instalment", "already_paid", _("This instalment is already paid."))
    return existing


# --- records ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SponsorShare:
    kind: str
    name: str
    share: int


def support_record_create(
    *,
    user: User,
    household: Household,
    programme: Programme,
    work: str,
    approved_on: date,
    sponsors: list[SponsorShare],
    amount: int | None = None,
    decision_ref: str = "",
    planned_start: date | None = None,
    planned_completion: date | None = None,
    stage_due: dict[str, str] | None = None,
    assigned_to: User | None = None,
) -> SupportRecord:
    """Grant support (the APPROVED stage). The amount defaults to the programme's amount
    on the approval day; sponsors' shares must sum to it. One record per household and
    programme: the same grant again returns the stored record."""
    _require_support(user)
    total = amount if amount is not None else _programme_amount(programme, work, approved_on)
    _check_sponsors(sponsors, total)
    existing = SupportRecord.objects.filter(household=household, programme=programme).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        record = SupportRecord.objects.create(
            household=household,
            programme=programme,
            work=work,
            amount=total,
            decision_ref=decision_ref,
            approved_on=approved_on,
            planned_start=planned_start,
            planned_completion=planned_completion,
            stage_due=stage_due or {},
            assigned_to=assigned_to,
            created_by=user,
        )
        Sponsor.objects.bulk_create(
            Sponsor(record=record, kind=s.kind, name=s.name, share=s.share) for s in sponsors
        )
        _announce(record)
    return record


def _programme_amount(programme: Programme, work: str, on: date) -> int:
    if work not in WorkKind.values:
        raise _refuse("work", "invalid", _("Choose a new build or a repair."))
    found = programme_amount_on(programme=programme, work=work, on=on)
    if found is None:
        raise _refuse("approved_on", "no_amount", _("The programme has no amount for this date."))
    return found.amount


def _check_sponsors(sponsors: list[SponsorShare], total: int) -> None:
    errors = []
    for i, sponsor in enumerate(sponsors):
        if sponsor.share <= 0:
            errors.append(
                FieldError(f"sponsors[{i}].share", "not_positive", _("Enter a share above 0."))
            )
        if not sponsor.name.strip():
            errors.append(
                FieldError(f"sponsors[{i}].name", "required", _("Enter the sponsor's name."))
            )
    if sum(s.share for s in sponsors) != total:
        message = format_lazy(_("The sponsors' shares must add up to the amount, {} dong."), total)
        errors.append(FieldError("sponsors", "shares_do_not_sum", message))
    if errors:
        raise DomainValidationError(errors)


# --- signed documents ------------------------------------------------------------------

SCAN_TYPES = {"application/pdf", "image/jpeg", "image/png"}
SCAN_MAX_BYTES = 10 * 1024 * 1024
# A document is signed once the stage it records is reached.
DOCUMENT_STAGE = {DocumentKind.COMPLETION: Stage.COMPLETED, DocumentKind.IN_USE: Stage.IN_USE}


def signed_document_attach(
    *, user: User, record_id: UUID, kind: str, data: bytes, content_type: str
) -> SignedDocument:
    """Attach the signed scan of a generated record; one per record and kind."""
    record = _record_for(user, record_id)
    _check_scan(record, kind, data, content_type)
    stem = f"{record.pk}-{kind}"
    extension = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}[content_type]
    try:
        with transaction.atomic():
            document = SignedDocument(
                record=record, kind=kind, content_type=content_type, uploaded_by=user
            )
            document.scan.save(f"{stem}.{extension}", ContentFile(data), save=False)
            document.save()
    except IntegrityError:
        document.scan.delete(save=False)
        raise _refuse("scan", "already_attached", _("A signed scan is already attached.")) from None
    return document


def _check_scan(record: SupportRecord, kind: str, data: bytes, content_type: str) -> None:
    if kind not in DocumentKind.values:
        raise _refuse("kind", "invalid", _("Choose the completion or the put-into-use record."))
    if not stages.is_at_least(
        stages.reached(proved_stages(record)), DOCUMENT_STAGE[DocumentKind(kind)]
    ):
        raise _refuse(
            "kind", "stage_not_proved", _("The stage this record confirms is not proved yet.")
        )
    if not data:
        raise _refuse("scan", "required", _("Choose the scanned file."))
    if content_type not in SCAN_TYPES or len(data) > SCAN_MAX_BYTES:
        raise _refuse("scan", "invalid", _("Send a PDF, JPEG or PNG file of at most 10 MB."))
    if SignedDocument.objects.filter(record=record, kind=kind).exists():
        raise _refuse("scan", "already_attached", _("A signed scan is already attached."))
