"""Pushing support_stage_proof items: exactly once, scoped, refused whole, photos resumable."""

import hashlib
import io
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from PIL import Image

from server.accounts.models import Role
from server.evidence.models import Attachment
from server.feed.models import FeedEntry
from server.registry.models import Household
from server.support.models import Programme, StageProof, SupportRecord
from server.support.selectors import record_stage
from server.support.services import SponsorShare, payment_record, support_record_create
from server.support.stages import Stage
from server.sync_api.models import ConflictCopy, Receipt
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import HEADERS, item, pull, push

KIND = "support_stage_proof"


def jpeg(seed: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (640, 480), (seed * 40 % 255, 120, 90)).save(out, "JPEG", quality=85)
    return out.getvalue()


def ref(name: str, data: bytes) -> dict[str, Any]:
    return {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}


def make_record(admin: Any, household: Household) -> SupportRecord:
    Household.objects.filter(pk=household.pk).update(
        latitude=Decimal("22.665712"), longitude=Decimal("106.257934")
    )
    return support_record_create(
        user=admin,
        household=household,
        programme=Programme.objects.get(code="xoa-nha-tam"),
        work="new_build",
        approved_on=date(2025, 2, 20),
        sponsors=[SponsorShare(kind="state", name="Ngân sách", share=60_000_000)],
        amount=60_000_000,
    )


@pytest.fixture
def record(personas, household_in) -> SupportRecord:
    return make_record(personas[Role.PROVINCE_ADMIN], household_in)


@pytest.fixture
def record_out(personas, household_out) -> SupportRecord:
    return make_record(personas[Role.PROVINCE_ADMIN], household_out)


@pytest.fixture
def phone(personas):
    return client_for(personas[Role.SUPPORT_STAFF])


def proof(record_id: Any, stage: str = "started", photos=(("p1.jpg", 1),), **extra: Any) -> dict:
    payload = {
        "record_id": str(record_id),
        "stage": stage,
        "note": "Đã khởi công",
        "photos": [name for name, _seed in photos],
    }
    attachments = [ref(name, jpeg(seed)) for name, seed in photos]
    return item(KIND, payload, attachments=attachments, **extra)


def upload(phone: Any, item_uuid: str, name: str, data: bytes) -> int:
    url = f"/api/v1/sync/attachments/{item_uuid}/{name}"
    return phone.generic(
        "PUT", url, data, content_type="application/octet-stream", **HEADERS
    ).status_code


def outcome(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.content
    return response.json()["items"][0]


def counts() -> tuple[int, int, int, int]:
    return (
        StageProof.objects.count(),
        Receipt.objects.count(),
        Attachment.objects.count(),
        ConflictCopy.objects.count(),
    )


def test_a_proof_is_stored_once_and_its_replay_is_a_duplicate(phone, record):
    sent = proof(record.pk)
    first = outcome(push(phone, sent))
    again = outcome(push(phone, sent))
    assert (first["outcome"], first["missing_attachments"]) == ("accepted", ["p1.jpg"])
    assert (again["outcome"], again["missing_attachments"]) == ("duplicate", ["p1.jpg"])
    stored = StageProof.objects.get()
    assert (stored.pk, stored.record_id, stored.stage) == (
        uuid.UUID(sent["client_uuid"]),
        record.pk,
        "started",
    )
    assert stored.note == "Đã khởi công"
    receipt = Receipt.objects.get()
    assert (receipt.kind, receipt.target_id, receipt.outcome) == (KIND, record.pk, "accepted")


def test_the_stage_is_proved_once_its_photo_arrives(phone, record):
    sent = proof(record.pk)
    outcome(push(phone, sent))
    assert record_stage(record) == Stage.APPROVED
    assert upload(phone, sent["client_uuid"], "p1.jpg", jpeg(1)) == 201
    assert record_stage(record) == Stage.STARTED
    assert outcome(push(phone, sent))["missing_attachments"] == []


def test_a_record_outside_the_area_answers_like_a_missing_one(phone, record_out):
    before = counts()
    missing = outcome(push(phone, proof(uuid.uuid4())))
    outside = outcome(push(phone, proof(record_out.pk)))
    for answer in (missing, outside):
        assert answer["outcome"] == "rejected"
        assert answer["errors"] == [
            {
                "path": "items[0].payload.record_id",
                "code": "target_not_found",
                "message_vi": "Không tìm thấy hồ sơ hỗ trợ trong địa bàn của bạn.",
                "message_en": "No such support record in your area.",
            }
        ]
    assert counts() == before


def test_an_unknown_stage_is_refused_at_its_path_and_nothing_is_stored(phone, record):
    before = counts()
    answer = outcome(push(phone, proof(record.pk, stage="walls")))
    assert answer["outcome"] == "rejected"
    assert [(e["path"], e["code"]) for e in answer["errors"]] == [
        ("items[0].payload.stage", "invalid_choice")
    ]
    assert counts() == before


def test_a_stage_out_of_order_is_refused_by_the_service_and_nothing_is_stored(phone, record):
    before = counts()
    answer = outcome(push(phone, proof(record.pk, stage="roof")))
    assert answer["outcome"] == "rejected"
    assert [(e["path"], e["code"]) for e in answer["errors"]] == [
        ("items[0].payload.stage", "stage_out_of_order")
    ]
    assert counts() == before


def test_an_undeclared_photo_is_refused_and_nothing_is_stored(phone, record):
    sent = proof(record.pk)
    sent["payload"]["photos"] = ["other.jpg"]
    sent = item(KIND, sent["payload"], attachments=sent["attachments"])
    before = counts()
    answer = outcome(push(phone, sent))
    assert [(e["path"], e["code"]) for e in answer["errors"]] == [
        ("items[0].payload.photos[0]", "undeclared_attachment")
    ]
    assert counts() == before


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.VOLUNTEER, "permission_denied"),
        (Role.DISTRICT_REVIEWER, "permission_denied"),
        (Role.SUPPORT_STAFF, "accepted"),
        (Role.COMMUNE_OFFICER, "accepted"),
        (Role.PROVINCE_ADMIN, "accepted"),
    ],
)
def test_only_roles_that_prove_support_may_push_a_proof(personas, record, role, expected):
    before = counts()
    answer = outcome(push(client_for(personas[role]), proof(record.pk)))
    found = answer["outcome"] if answer["outcome"] == "accepted" else answer["errors"][0]["code"]
    assert found == expected
    if expected == "permission_denied":
        assert answer["errors"][0]["path"] == "items[0].kind"
        assert counts() == before


def test_a_volunteer_outside_the_area_gets_not_found_before_permission(tree, record_out, personas):
    answer = outcome(push(client_for(personas[Role.VOLUNTEER]), proof(record_out.pk)))
    assert [e["code"] for e in answer["errors"]] == ["target_not_found"]


def test_the_same_uuid_for_another_record_is_refused(phone, record, personas, tree):
    from server.registry.services import household_create

    other_house = household_create(
        actor=None, village=tree.village1b, members=[], data={"code": "HD9", "head_name": "B"}
    )
    other = make_record(personas[Role.PROVINCE_ADMIN], other_house)
    sent = proof(record.pk)
    outcome(push(phone, sent))
    reused = proof(other.pk, client_uuid=uuid.UUID(sent["client_uuid"]))
    answer = outcome(push(phone, reused))
    assert [(e["path"], e["code"]) for e in answer["errors"]] == [
        ("items[0].client_uuid", "client_uuid_reused")
    ]
    assert StageProof.objects.get().record_id == record.pk


def test_a_different_payload_under_the_same_uuid_is_kept_as_a_conflict(phone, record):
    sent = proof(record.pk)
    outcome(push(phone, sent))
    changed = dict(sent["payload"], note="Ghi chú khác")
    second = item(
        KIND, changed, client_uuid=uuid.UUID(sent["client_uuid"]), attachments=sent["attachments"]
    )
    answer = outcome(push(phone, second))
    assert (answer["outcome"], answer["conflict_reason"]) == ("conflict", "different_payload")
    assert StageProof.objects.get().note == "Đã khởi công"
    kept = ConflictCopy.objects.get()
    assert (kept.kind, kept.household_id) == (KIND, record.household_id)


def test_two_offline_proofs_in_one_batch_are_applied_in_order(phone, record):
    started = proof(record.pk, "started", photos=(("a.jpg", 1),))
    foundation = proof(record.pk, "foundation", photos=(("b.jpg", 2), ("c.jpg", 3)))
    response = push(phone, started, foundation)
    assert [i["outcome"] for i in response.json()["items"]] == ["accepted", "accepted"]
    for sent, name, seed in ((started, "a.jpg", 1), (foundation, "b.jpg", 2)):
        assert upload(phone, sent["client_uuid"], name, jpeg(seed)) == 201
    assert record_stage(record) == Stage.FOUNDATION


def test_the_first_payment_is_allowed_once_the_foundation_is_proved(phone, record, personas):
    admin = personas[Role.PROVINCE_ADMIN]
    started = proof(record.pk, "started", photos=(("a.jpg", 1),))
    foundation = proof(record.pk, "foundation", photos=(("b.jpg", 2),))
    push(phone, started, foundation)
    upload(phone, started["client_uuid"], "a.jpg", jpeg(1))
    upload(phone, foundation["client_uuid"], "b.jpg", jpeg(2))
    paid = payment_record(
        user=admin,
        record_id=record.pk,
        instalment="first",
        paid_on=date(2025, 4, 1),
        reference="UNC-1",
    )
    assert paid.amount == 42_000_000


def test_pull_carries_the_record_with_its_stage_to_support_staff_only(phone, record, personas):
    sent = proof(record.pk)
    outcome(push(phone, sent))
    upload(phone, sent["client_uuid"], "p1.jpg", jpeg(1))
    changes = pull(phone).json()["changes"]
    found = [c for c in changes if c["kind"] == "support_record"]
    assert [c["id"] for c in found] == [str(record.pk)]
    data = found[0]["data"]
    assert (data["stage"], data["next_stage"], data["proved_stages"]) == (
        "started",
        "foundation",
        ["started"],
    )
    assert (data["household_id"], data["programme"], data["work"]) == (
        str(record.household_id),
        "xoa-nha-tam",
        "new_build",
    )
    volunteer = pull(client_for(personas[Role.VOLUNTEER])).json()["changes"]
    assert [
        c for c in volunteer if "support" in c["kind"] or c["data"].get("of") == "support"
    ] == []
    assert FeedEntry.objects.filter(kind="support", record_id=str(record.pk)).count() == 2


def test_pull_does_not_carry_records_outside_the_area(phone, record_out):
    changes = pull(phone).json()["changes"]
    assert [c for c in changes if c["kind"] == "support_record"] == []


def test_a_deleted_record_reaches_the_phone_as_a_support_record_tombstone(phone, record):
    record_id = str(record.pk)
    record.delete()
    changes = [c for c in pull(phone).json()["changes"] if c["id"] == record_id]
    assert changes == [
        {
            "seq": changes[0]["seq"],
            "kind": "tombstone",
            "id": record_id,
            "data": {"of": "support_record", "reason": "deleted"},
        }
    ]
