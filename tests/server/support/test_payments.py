"""Payments follow the rule and are refused, changing nothing, when the stage is not proved."""

import uuid
from datetime import date

import pytest
from django.http import Http404

from server.accounts.models import Role
from server.common.errors import DomainValidationError, PermissionRefused
from server.feed.models import FeedEntry
from server.support.models import Payment
from server.support.services import payment_record, stage_proof_submit
from server.support.sitephotos import site_jpeg
from server.support.stages import ORDER, Stage
from tests.server.support.conftest import make_record, upload
from tests.server.support.test_proofs import now_local


def prove_up_to(user, record, last: Stage) -> None:
    for i, stage in enumerate(ORDER[1 : ORDER.index(last) + 1]):
        proof = stage_proof_submit(
            user=user,
            proof_id=uuid.uuid4(),
            record_id=record.pk,
            stage=stage.value,
            note="",
            device=None,
        )
        upload(proof.pk, site_jpeg(seed=100 + i, taken_at=now_local()))


def pay(user, record, instalment, reference="UNC-01"):
    return payment_record(
        user=user,
        record_id=record.pk,
        instalment=instalment,
        paid_on=date(2025, 3, 10),
        reference=reference,
    )


def state(record):
    return list(Payment.objects.filter(record=record).values_list("instalment", "amount")), (
        FeedEntry.objects.count()
    )


def codes(caught):
    return [(e.path, e.code) for e in caught.value.errors]


def test_the_first_payment_before_the_foundation_is_proved_is_refused_and_changes_nothing(
    personas, record
):
    officer = personas[Role.COMMUNE_OFFICER]
    prove_up_to(officer, record, Stage.STARTED)
    before = state(record)
    with pytest.raises(DomainValidationError) as caught:
        pay(officer, record, "first")
    assert codes(caught) == [("instalment", "stage_not_proved")]
    assert state(record) == before


def test_a_foundation_submitted_without_a_photo_is_not_proved(personas, record):
    officer = personas[Role.COMMUNE_OFFICER]
    prove_up_to(officer, record, Stage.STARTED)
    stage_proof_submit(
        user=officer,
        proof_id=uuid.uuid4(),
        record_id=record.pk,
        stage="foundation",
        note="",
        device=None,
    )
    with pytest.raises(DomainValidationError):
        pay(officer, record, "first")
    assert Payment.objects.count() == 0


def test_new_build_pays_70_percent_after_the_foundation(personas, record):
    officer = personas[Role.COMMUNE_OFFICER]
    prove_up_to(officer, record, Stage.FOUNDATION)
    payment = pay(officer, record, "first")
    assert (payment.amount, payment.reference, payment.paid_on) == (
        42_000_000,
        "UNC-01",
        date(2025, 3, 10),
    )


def test_a_retried_payment_is_stored_once(personas, record):
    officer = personas[Role.COMMUNE_OFFICER]
    prove_up_to(officer, record, Stage.FOUNDATION)
    first = pay(officer, record, "first")
    again = pay(officer, record, "first")
    assert again.pk == first.pk
    assert Payment.objects.filter(record=record).count() == 1


def test_a_second_payment_of_the_same_instalment_is_refused(personas, record):
    officer = personas[Role.COMMUNE_OFFICER]
    prove_up_to(officer, record, Stage.FOUNDATION)
    pay(officer, record, "first")
    with pytest.raises(DomainValidationError) as caught:
        pay(officer, record, "first", reference="UNC-99")
    assert codes(caught) == [("instalment", "already_paid")]
    assert state(record)[0] == [("first", 42_000_000)]


def test_the_final_30_percent_needs_completion_and_the_first_instalment(personas, record):
    officer = personas[Role.COMMUNE_OFFICER]
    prove_up_to(officer, record, Stage.ROOF)
    with pytest.raises(DomainValidationError) as caught:
        pay(officer, record, "final")
    assert codes(caught) == [
        ("instalment", "stage_not_proved"),
        ("instalment", "first_not_paid"),
    ]
    prove_up_to(officer, record, Stage.COMPLETED)
    pay(officer, record, "first")
    final = pay(officer, record, "final", reference="UNC-02")
    assert state(record)[0] == [("first", 42_000_000), ("final", 18_000_000)]
    assert final.amount == 18_000_000


def test_repair_pays_70_percent_once_the_frame_and_walls_are_proved(
    personas, household_in, campaign
):
    officer = personas[Role.COMMUNE_OFFICER]
    repair = make_record(officer, household_in, campaign, work="repair")
    prove_up_to(officer, repair, Stage.FOUNDATION)
    with pytest.raises(DomainValidationError):
        pay(officer, repair, "first")
    prove_up_to_from(officer, repair, Stage.FRAME_WALLS)
    assert pay(officer, repair, "first").amount == 21_000_000


def prove_up_to_from(user, record, stage: Stage) -> None:
    proof = stage_proof_submit(
        user=user, proof_id=uuid.uuid4(), record_id=record.pk, stage=stage, note="", device=None
    )
    upload(proof.pk, site_jpeg(seed=300, taken_at=now_local()))


def test_a_payment_without_a_reference_is_refused(personas, record):
    officer = personas[Role.COMMUNE_OFFICER]
    prove_up_to(officer, record, Stage.FOUNDATION)
    with pytest.raises(DomainValidationError) as caught:
        pay(officer, record, "first", reference=" ")
    assert codes(caught) == [("reference", "required")]
    assert Payment.objects.count() == 0


def test_outside_the_area_a_payment_answers_404(personas, record_out):
    with pytest.raises(Http404):
        pay(personas[Role.COMMUNE_OFFICER], record_out, "first")


def test_a_reviewer_may_not_record_a_payment(personas, record):
    with pytest.raises(PermissionRefused):
        pay(personas[Role.DISTRICT_REVIEWER], record, "first")
