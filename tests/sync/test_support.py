"""The support_stage_proof item: its payload is checked in the pure core, path by path."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from sync import codec, rules
from sync.errors import Issue
from sync.messages import InvalidItem, ItemKind, PushItem
from sync.support import PROVABLE_STAGES, StageProof, decode_stage_proof, encode_stage_proof
from tests.sync.builders import PROOF, RECORD, SITE_REF, stage_proof, wire


def decode_one(item: PushItem) -> PushItem | InvalidItem:
    return codec.decode_push(wire(item)).items[0]


def rejected(payload: dict[str, Any], **kwargs: Any) -> list[tuple[str, str]]:
    decoded = decode_one(stage_proof(payload, **kwargs))
    assert isinstance(decoded, InvalidItem)
    return [(i.path, i.code) for i in decoded.issues]


def payload(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "record_id": str(RECORD),
        "stage": "foundation",
        "note": "",
        "photos": ["foundation-1.jpg"],
    }
    return {k: v for k, v in {**base, **changes}.items() if v is not None}


def test_stage_proof_round_trips_and_targets_its_support_record() -> None:
    item = stage_proof()
    decoded = decode_one(item)
    assert decoded == item
    assert isinstance(decoded, PushItem)
    assert decoded.kind is ItemKind.SUPPORT_STAGE_PROOF
    assert decoded.target == RECORD
    assert decoded.client_uuid == PROOF


def test_unknown_stage_is_refused_at_its_path_naming_the_provable_stages() -> None:
    decoded = decode_one(stage_proof(payload(stage="walls")))
    assert isinstance(decoded, InvalidItem)
    assert decoded.issues == (
        Issue(
            path="items[0].payload.stage",
            code="invalid_choice",
            message_vi="Giá trị không hợp lệ; chấp nhận: started, foundation, frame_walls, "
            "roof, completed, in_use.",
            message_en="Invalid value; allowed: started, foundation, frame_walls, roof, "
            "completed, in_use.",
        ),
    )


def test_approved_is_a_decision_in_the_office_not_a_stage_proved_on_site() -> None:
    assert rejected(payload(stage="approved")) == [("items[0].payload.stage", "invalid_choice")]
    assert PROVABLE_STAGES == (
        "started",
        "foundation",
        "frame_walls",
        "roof",
        "completed",
        "in_use",
    )


def test_a_proof_without_photos_is_refused() -> None:
    assert rejected(payload(photos=[])) == [("items[0].payload.photos", "photo_required")]
    assert rejected(payload(photos=None)) == [("items[0].payload.photos", "required")]


def test_every_photo_must_be_declared_once() -> None:
    found = rejected(payload(photos=["foundation-1.jpg", "other.jpg", "foundation-1.jpg", 7]))
    assert found == [
        ("items[0].payload.photos[1]", "undeclared_attachment"),
        ("items[0].payload.photos[2]", "duplicate_name"),
        ("items[0].payload.photos[3]", "wrong_type"),
    ]


def test_record_id_note_and_unknown_fields_are_checked_together() -> None:
    found = rejected(payload(record_id="55555555", note=5, amount=1))
    assert found == [
        ("items[0].payload.amount", "unknown_field"),
        ("items[0].payload.record_id", "invalid_uuid"),
        ("items[0].payload.note", "wrong_type"),
    ]


def test_a_note_longer_than_a_thousand_characters_is_refused() -> None:
    assert rejected(payload(note="x" * 1001)) == [("items[0].payload.note", "too_long")]
    assert isinstance(decode_one(stage_proof(payload(note="x" * 1000))), PushItem)


def test_a_stage_proof_carries_no_form_household_or_revision() -> None:
    body = wire(stage_proof())
    body["items"][0]["target_id"] = str(RECORD)
    decoded = codec.decode_push(body).items[0]
    assert isinstance(decoded, InvalidItem)
    assert [(i.path, i.code) for i in decoded.issues] == [("items[0].target_id", "not_allowed")]


def test_encoded_proof_hashes_like_the_phone_sends_it() -> None:
    proof = StageProof(RECORD, "roof", "Mái tôn", ("a.jpg", "b.jpg"))
    body = encode_stage_proof(proof)
    assert (
        rules.canonical_json(body)
        == (
            '{"note":"Mái tôn","photos":["a.jpg","b.jpg"],'
            '"record_id":"55555555-5555-4555-8555-555555555555","stage":"roof"}'
        ).encode()
    )
    issues: list[Issue] = []
    refs = (
        SITE_REF.__class__("a.jpg", SITE_REF.sha256, 1),
        SITE_REF.__class__("b.jpg", SITE_REF.sha256, 1),
    )
    assert decode_stage_proof(body, refs, issues=issues) == proof
    assert issues == []


def test_a_resend_under_the_same_uuid_for_another_record_has_another_target() -> None:
    other = UUID("77777777-7777-4777-8777-777777777777")
    moved = stage_proof(payload(record_id=str(other)))
    assert moved.target == other
    assert stage_proof().target == RECORD
