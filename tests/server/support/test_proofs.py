"""The phone's contract: stage_proof_submit, and the checks run on each stage photo."""

import uuid

import pytest
from django.http import Http404
from django.utils import timezone

from server.accounts.models import Role
from server.common.errors import DomainValidationError, PermissionRefused, render
from server.feed.models import FeedEntry, FeedKind
from server.registry.services import household_create
from server.support.models import FlagCheck, PhotoFlag, StageProof
from server.support.selectors import proved_stages, record_stage
from server.support.services import photo_flag_clear, stage_proof_submit
from server.support.sitephotos import site_jpeg
from server.support.stages import Stage
from tests.server.conftest import make_user
from tests.server.support.conftest import HOUSE, NEAR, ONE_KM_AWAY, make_record, place, upload

PROOF = uuid.UUID("7b0c2d1e-0000-4000-8000-000000000001")


def submit(user, record, stage, proof_id=None, note=""):
    return stage_proof_submit(
        user=user,
        proof_id=proof_id or uuid.uuid4(),
        record_id=record.pk,
        stage=stage,
        note=note,
        device=None,
    )


def now_local() -> str:
    return timezone.localtime().strftime("%Y:%m:%d %H:%M:%S")


def prove(user, record, stage, *, seed, gps=HOUSE, taken_at=None):
    proof = submit(user, record, stage)
    upload(proof.pk, site_jpeg(seed=seed, gps=gps, taken_at=taken_at or now_local()))
    return proof


def flags(proof):
    return sorted(PhotoFlag.objects.filter(proof=proof).values_list("kind", flat=True))


def errors_of(caught):
    return [(e.path, e.code) for e in caught.value.errors]


def test_a_proof_sent_twice_is_stored_once(personas, record):
    staff = personas[Role.SUPPORT_STAFF]
    first = submit(staff, record, "started", proof_id=PROOF, note=" khởi công ")
    again = submit(staff, record, "started", proof_id=PROOF, note="khởi công")
    assert (first.pk, again.pk) == (PROOF, PROOF)
    assert StageProof.objects.filter(record=record).count() == 1
    assert StageProof.objects.get().note == "khởi công"
    assert FeedEntry.objects.filter(kind=FeedKind.SUPPORT, record_id=str(record.pk)).count() == 2


def test_the_same_proof_id_for_another_stage_is_refused(personas, record):
    staff = personas[Role.SUPPORT_STAFF]
    submit(staff, record, "started", proof_id=PROOF)
    with pytest.raises(DomainValidationError) as caught:
        submit(staff, record, "foundation", proof_id=PROOF)
    assert errors_of(caught) == [("id", "proof_id_reused")]


@pytest.mark.parametrize("stage", ["approved", "walls", ""])
def test_an_unknown_stage_is_refused_and_nothing_is_stored(personas, record, stage):
    with pytest.raises(DomainValidationError) as caught:
        submit(personas[Role.SUPPORT_STAFF], record, stage)
    assert errors_of(caught) == [("stage", "unknown_stage")]
    assert StageProof.objects.count() == 0


def test_a_stage_ahead_of_order_is_refused_with_the_next_stage_named(personas, record):
    with pytest.raises(DomainValidationError) as caught:
        submit(personas[Role.SUPPORT_STAFF], record, "roof")
    assert errors_of(caught) == [("stage", "stage_out_of_order")]
    assert render(caught.value.errors[0].message, "en") == (
        "Stages are proved in order; the next stage is: Started."
    )
    assert StageProof.objects.count() == 0


def test_offline_proofs_in_order_are_accepted_before_their_photos(personas, record):
    staff = personas[Role.SUPPORT_STAFF]
    submit(staff, record, "started")
    submit(staff, record, "foundation")
    assert proved_stages(record) == set()
    assert record_stage(record) == Stage.APPROVED


def test_a_stage_is_proved_when_one_photo_is_complete(personas, record):
    proof = prove(personas[Role.SUPPORT_STAFF], record, "started", seed=11)
    assert proved_stages(record) == {Stage.STARTED}
    assert record_stage(record) == Stage.STARTED
    assert flags(proof) == []


def test_a_photo_uploaded_before_its_proof_is_checked_when_the_proof_arrives(personas, record):
    upload(PROOF, site_jpeg(seed=12, gps=ONE_KM_AWAY, taken_at=now_local()))
    proof = submit(personas[Role.SUPPORT_STAFF], record, "started", proof_id=PROOF)
    assert flags(proof) == [FlagCheck.FAR]
    assert record_stage(record) == Stage.STARTED


def test_a_photo_taken_1_km_away_is_flagged_with_the_distance(personas, record):
    proof = prove(personas[Role.SUPPORT_STAFF], record, "started", seed=13, gps=ONE_KM_AWAY)
    flag = PhotoFlag.objects.get(proof=proof)
    assert flag.kind == FlagCheck.FAR
    assert flag.detail == {"metres": 997, "limit": 200}


def test_a_photo_50_m_away_is_not_flagged(personas, record):
    proof = prove(personas[Role.SUPPORT_STAFF], record, "started", seed=14, gps=NEAR)
    assert flags(proof) == []


def test_the_distance_limit_is_a_setting(personas, record, settings):
    settings.SUPPORT_PHOTO_MAX_DISTANCE_M = 20
    proof = prove(personas[Role.SUPPORT_STAFF], record, "started", seed=15, gps=NEAR)
    assert PhotoFlag.objects.get(proof=proof).detail == {"metres": 50, "limit": 20}


def test_a_photo_without_gps_is_flagged_not_refused(personas, record):
    proof = prove(personas[Role.SUPPORT_STAFF], record, "started", seed=16, gps=None)
    assert flags(proof) == [FlagCheck.NO_GPS]
    assert record_stage(record) == Stage.STARTED


def test_a_photo_reused_from_another_house_is_flagged(personas, record, tree, campaign):
    admin = personas[Role.PROVINCE_ADMIN]
    neighbour = household_create(
        actor=None,
        village=tree.village1b,
        members=[],
        data={"code": "HD002", "head_name": "Lò Thị C"},
    )
    other = make_record(admin, place(neighbour, NEAR), campaign)
    first = prove(admin, other, "started", seed=17)
    second = prove(personas[Role.SUPPORT_STAFF], record, "started", seed=17)
    assert flags(first) == []
    assert flags(second) == [FlagCheck.REUSED]
    assert PhotoFlag.objects.get(proof=second).detail == {"item": str(first.pk)}


def test_a_photo_reused_for_the_next_stage_is_flagged(personas, record):
    staff = personas[Role.SUPPORT_STAFF]
    prove(staff, record, "started", seed=18)
    again = prove(staff, record, "foundation", seed=18)
    assert flags(again) == [FlagCheck.REUSED]


def test_a_photo_taken_before_the_approval_is_flagged_outside_the_window(personas, record):
    proof = prove(
        personas[Role.SUPPORT_STAFF], record, "started", seed=19, taken_at="2025:01:05 10:00:00"
    )
    flag = PhotoFlag.objects.get(proof=proof)
    assert flag.kind == FlagCheck.OUTSIDE_WINDOW
    assert flag.detail["taken_at"] == "2025-01-05T03:00:00+00:00"
    assert flag.detail["start"] == "2025-02-18T17:00:00+00:00"


def test_clearing_a_flag_needs_a_reason_and_keeps_who_and_why(personas, record):
    officer = personas[Role.COMMUNE_OFFICER]
    proof = prove(personas[Role.SUPPORT_STAFF], record, "started", seed=20, gps=None)
    flag = PhotoFlag.objects.get(proof=proof)
    with pytest.raises(DomainValidationError) as caught:
        photo_flag_clear(user=officer, flag_id=flag.pk, reason="  ")
    assert errors_of(caught) == [("reason", "required")]
    flag.refresh_from_db()
    assert (flag.cleared_at, flag.cleared_by_id, flag.clear_reason) == (None, None, "")
    photo_flag_clear(user=officer, flag_id=flag.pk, reason="Chụp trong nhà, không có GPS")
    flag.refresh_from_db()
    assert (flag.cleared_by_id, flag.clear_reason) == (officer.pk, "Chụp trong nhà, không có GPS")
    assert flag.cleared_at is not None


def test_outside_the_area_a_record_answers_404_for_every_role(personas, record_out):
    for user in personas.values():
        with pytest.raises(Http404):
            submit(user, record_out, "started")
    assert StageProof.objects.count() == 0


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.DISTRICT_REVIEWER])
def test_roles_without_support_are_refused_inside_the_area(personas, record, role):
    with pytest.raises(PermissionRefused):
        submit(personas[role], record, "started")
    assert StageProof.objects.count() == 0


@pytest.mark.parametrize("role", [Role.SUPPORT_STAFF, Role.COMMUNE_OFFICER, Role.PROVINCE_ADMIN])
def test_support_roles_may_prove_inside_the_area(personas, record, role):
    assert submit(personas[role], record, "started").stage == "started"


def test_an_assigned_worker_reaches_a_record_outside_their_units(tree, record_out, personas):
    worker = make_user("assigned", Role.SUPPORT_STAFF, tree.village1b)
    record_out.assigned_to = worker
    record_out.save(update_fields=["assigned_to"])
    assert submit(worker, record_out, "started").record_id == record_out.pk
