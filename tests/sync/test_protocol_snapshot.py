"""The committed wire schema matches the codec; encoded messages satisfy it."""

from __future__ import annotations

import json

import pytest

from sync import codec, engine
from sync.messages import PushBatch
from sync.schema import snapshot_path
from sync.version import PROTOCOL_VERSION
from tests.sync.builders import (
    PHOTO_REF,
    household,
    household_edit,
    stage_proof,
    submission,
    wire,
)
from tests.sync.fakes import FakeSyncStore


def test_wire_schema_matches_committed_snapshot() -> None:
    snapshot = json.loads(snapshot_path(PROTOCOL_VERSION).read_text(encoding="utf-8"))
    assert codec.json_schema() == snapshot, "run `python -m sync.schema` and update PROTOCOL.md"


def _validator(definition: str) -> object:
    jsonschema = pytest.importorskip("jsonschema")
    schema = {**codec.json_schema(), "$ref": f"#/$defs/{definition}"}
    return jsonschema.Draft202012Validator(schema)


def test_encoded_push_request_satisfies_the_schema() -> None:
    body = wire(submission(attachments=(PHOTO_REF,)), household(), household_edit(1, {"a": 1}))
    _validator("PushRequest").validate(body)  # type: ignore[attr-defined]


def test_schema_refuses_an_edit_without_base_revision() -> None:
    body = wire(household_edit(1, {"a": 1}))
    del body["items"][0]["base_revision"]
    assert not _validator("PushRequest").is_valid(body)  # type: ignore[attr-defined]


def test_encoded_push_response_satisfies_the_schema() -> None:
    batch = PushBatch(1, (household(), household_edit(5, {"a": 1}), submission(payload={})))
    result = engine.apply_push(batch, store=FakeSyncStore())
    _validator("PushResponse").validate(codec.encode_push_result(result))  # type: ignore[attr-defined]


def test_schema_refuses_a_float_inside_a_payload() -> None:
    body = wire(household())
    body["items"][0]["payload"]["so_nguoi"] = [1, {"tien": 1.5}]
    assert not _validator("PushRequest").is_valid(body)  # type: ignore[attr-defined]


def test_encoded_stage_proof_satisfies_the_schema_and_an_unknown_stage_does_not() -> None:
    body = wire(stage_proof())
    _validator("PushRequest").validate(body)  # type: ignore[attr-defined]
    body["items"][0]["payload"]["stage"] = "approved"
    assert not _validator("PushRequest").is_valid(body)  # type: ignore[attr-defined]
