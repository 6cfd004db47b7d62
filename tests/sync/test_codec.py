"""The codec decodes strictly, names every faulty field and round-trips losslessly."""

from __future__ import annotations

import copy
from typing import Any
from uuid import UUID

import pytest

from sync import codec, rules
from sync.errors import BatchTooLarge, DecodeError, Issue
from sync.messages import (
    Change,
    ChangeKind,
    ConflictReason,
    InvalidItem,
    ItemOutcome,
    Outcome,
    PhotoKind,
    PullPage,
    PushResult,
)
from tests.sync.builders import PHOTO_REF, SUBMISSION, household, household_edit, submission, wire


def codes(error: DecodeError | InvalidItem) -> list[tuple[str, str]]:
    return [(i.path, i.code) for i in error.issues]


def decode_one(item: dict[str, Any]) -> Any:
    return codec.decode_push({"protocol": 1, "items": [item]}).items[0]


def test_push_round_trips_every_item_kind() -> None:
    items = (
        submission(attachments=(PHOTO_REF,)),
        household(),
        household_edit(base_revision=3, payload={"so_nguoi": 5}),
    )
    batch = codec.decode_push(wire(*items))
    assert batch.protocol == 1
    assert batch.items == items


def test_vietnamese_payload_hashes_as_sorted_compact_utf8_without_escapes() -> None:
    assert rules.canonical_json({"b": 1, "a": "Hòa"}) == '{"a":"Hòa","b":1}'.encode()
    assert rules.payload_sha256({"b": 1, "a": "Hòa"}) == (
        "4531be32e9b2090febcb6491e341cb05f2daaee3d1e529a899922ac85e350d5f"
    )


def test_non_object_body_is_a_decode_error_at_the_root() -> None:
    with pytest.raises(DecodeError) as caught:
        codec.decode_push([])
    assert codes(caught.value) == [("", "wrong_type")]


def test_envelope_faults_are_all_reported_together() -> None:
    with pytest.raises(DecodeError) as caught:
        codec.decode_push({"protocol": "1", "items": {}, "extra": True})
    assert codes(caught.value) == [
        ("extra", "unknown_field"),
        ("protocol", "wrong_type"),
        ("items", "wrong_type"),
    ]


def test_missing_envelope_fields_are_required() -> None:
    with pytest.raises(DecodeError) as caught:
        codec.decode_push({})
    assert codes(caught.value) == [("protocol", "required"), ("items", "required")]


def test_item_without_readable_client_uuid_fails_the_envelope_with_its_path() -> None:
    good = codec.encode_item(household())
    with pytest.raises(DecodeError) as caught:
        codec.decode_push({"protocol": 1, "items": [good, good, {**good, "client_uuid": "x"}, 7]})
    assert codes(caught.value) == [
        ("items[2].client_uuid", "invalid_uuid"),
        ("items[3]", "wrong_type"),
    ]


def test_more_than_max_items_is_refused_with_413() -> None:
    body = {"protocol": 1, "items": [{}] * (rules.MAX_BATCH_ITEMS + 1)}
    with pytest.raises(BatchTooLarge) as caught:
        codec.decode_push(body)
    assert caught.value.http_status == 413
    assert codes(caught.value) == [("items", "too_many_items")]  # type: ignore[arg-type]


def test_item_level_fault_becomes_invalid_item_not_a_batch_error() -> None:
    bad = {**codec.encode_item(submission()), "kind": "delete"}
    batch = codec.decode_push({"protocol": 1, "items": [codec.encode_item(household()), bad]})
    assert batch.items[0] == household()
    invalid = batch.items[1]
    assert isinstance(invalid, InvalidItem)
    assert invalid.client_uuid == SUBMISSION
    assert codes(invalid) == [("items[1].kind", "invalid_choice")]


ITEM_FAULTS: list[tuple[str, Any, list[tuple[str, str]]]] = [
    ("payload", None, [("items[0].payload", "required")]),
    ("payload", [1], [("items[0].payload", "wrong_type")]),
    ("payload", {"ho_ten": "A", "tien": 1.5}, [("items[0].payload.tien", "float_not_allowed")]),
    ("payload", {"ho_ten": "A", "n": 2**53}, [("items[0].payload.n", "out_of_range")]),
    (
        "payload",
        {"ho_ten": "A", "x": [1, [2.0]]},
        [("items[0].payload.x[1][0]", "float_not_allowed")],
    ),
    ("payload_sha256", "A" * 64, [("items[0].payload_sha256", "invalid_sha256")]),
    ("payload_sha256", "0" * 64, [("items[0].payload_sha256", "payload_sha256_mismatch")]),
    ("kind", None, [("items[0].kind", "required")]),
    ("form", None, [("items[0].form", "required")]),
    ("form", {"id": "phieu_b"}, [("items[0].form.version", "required")]),
    (
        "form",
        {"id": "", "version": "1", "x": 1},
        [("items[0].form.x", "unknown_field"), ("items[0].form.id", "wrong_type")],
    ),
    ("target_id", str(SUBMISSION), [("items[0].target_id", "not_allowed")]),
    ("household_id", "1234", [("items[0].household_id", "invalid_uuid")]),
    ("colour", "red", [("items[0].colour", "unknown_field")]),
    ("attachments", {}, [("items[0].attachments", "wrong_type")]),
    (
        "attachments",
        [{"name": "../x.jpg", "sha256": "0" * 64, "size": 1}],
        [("items[0].attachments[0].name", "invalid_name")],
    ),
    (
        "attachments",
        [{"name": "a.jpg", "sha256": "0" * 64, "size": 0}],
        [("items[0].attachments[0].size", "out_of_range")],
    ),
    (
        "attachments",
        [{"name": "a.jpg", "sha256": "0" * 64, "size": True}],
        [("items[0].attachments[0].size", "wrong_type")],
    ),
    (
        "attachments",
        [{"name": "a.jpg", "sha256": "0" * 64, "size": 1}] * 2,
        [
            ("items[0].attachments[0].name", "duplicate_name"),
            ("items[0].attachments[1].name", "duplicate_name"),
        ],
    ),
    (
        "attachments",
        [{"name": "a.jpg", "sha256": "0" * 64, "size": 1}] * 21,
        [("items[0].attachments", "out_of_range")],
    ),
    (
        "attachments",
        [{"name": "a.jpg", "sha256": "0" * 64, "size": 1, "kind": "selfie"}],
        [("items[0].attachments[0].kind", "invalid_choice")],
    ),
]


@pytest.mark.parametrize(("field", "value", "expected"), ITEM_FAULTS)
def test_each_item_fault_is_reported_at_its_path(field: str, value: Any, expected: Any) -> None:
    item = copy.deepcopy(codec.encode_item(submission()))
    if value is None:
        del item[field]
    else:
        item[field] = value
    decoded = decode_one(item)
    assert isinstance(decoded, InvalidItem)
    assert codes(decoded) == expected


def test_edit_requires_target_and_base_revision() -> None:
    item = codec.encode_item(household_edit(base_revision=1, payload={"a": 1}))
    del item["target_id"]
    item["base_revision"] = 0
    assert codes(decode_one(item)) == [
        ("items[0].target_id", "required"),
        ("items[0].base_revision", "out_of_range"),
    ]


def test_issue_messages_are_given_in_vietnamese_and_english() -> None:
    item = {**codec.encode_item(submission()), "kind": "delete"}
    found = decode_one(item).issues[0]
    assert found == Issue(
        path="items[0].kind",
        code="invalid_choice",
        message_vi="Giá trị không hợp lệ; chấp nhận: submission, household_create, "
        "member_create, household_edit, member_edit, support_stage_proof.",
        message_en="Invalid value; allowed: submission, household_create, member_create, "
        "household_edit, member_edit, support_stage_proof.",
    )


def test_push_result_round_trips() -> None:
    result = PushResult(
        protocol=1,
        items=(
            ItemOutcome(0, SUBMISSION, Outcome.ACCEPTED, None, None, ("roof.jpg",)),
            ItemOutcome(1, UUID(int=5), Outcome.CONFLICT, 4, ConflictReason.STALE_BASE_REVISION),
            ItemOutcome(2, UUID(int=6), Outcome.REJECTED, errors=(Issue("p", "c", "v", "e"),)),
        ),
    )
    assert codec.decode_push_result(codec.encode_push_result(result)) == result


def test_pull_page_round_trips() -> None:
    page = PullPage(
        protocol=1,
        changes=(
            Change(7, ChangeKind.TOMBSTONE, "h1", {"of": "household", "reason": "moved_out"}),
        ),
        next_cursor="c1.Nzph",
        has_more=True,
    )
    assert codec.decode_pull_page(codec.encode_pull_page(page)) == page


def test_error_body_carries_status_and_issues() -> None:
    error = DecodeError([Issue("cursor", "invalid_cursor", "vi", "en")])
    assert codec.encode_error(error) == {
        "error": {
            "status": 400,
            "issues": [
                {"path": "cursor", "code": "invalid_cursor", "message_vi": "vi", "message_en": "en"}
            ],
        }
    }


def test_an_attachment_carries_what_it_shows_and_older_ones_carry_nothing() -> None:
    item = copy.deepcopy(codec.encode_item(submission()))
    item["attachments"] = [
        {"name": "a.jpg", "sha256": "0" * 64, "size": 1, "kind": "document"},
        {"name": "b.jpg", "sha256": "1" * 64, "size": 2},
    ]
    decoded = decode_one(item)
    assert [(a.name, a.kind) for a in decoded.attachments] == [
        ("a.jpg", PhotoKind.DOCUMENT),
        ("b.jpg", None),
    ]
    assert codec.encode_item(decoded)["attachments"] == item["attachments"]
    assert [k.value for k in PhotoKind] == ["house", "roof", "latrine", "water_source", "document"]
