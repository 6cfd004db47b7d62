"""JSON Schema of the sync wire format, and the committed snapshot beside it.

`python -m sync.schema` rewrites `protocol-v<N>.json`; a test fails until the
snapshot matches `sync.codec.json_schema()`, so a shape change cannot slip through
without a regenerated snapshot and a PROTOCOL.md changelog entry.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sync import rules
from sync.messages import PhotoKind
from sync.support import MAX_NOTE_LENGTH, PROVABLE_STAGES

SCHEMA_DIR = Path(__file__).resolve().parent
UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
SHA256_PATTERN = "^[0-9a-f]{64}$"
NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"


def snapshot_path(protocol_version: int) -> Path:
    return SCHEMA_DIR / f"protocol-v{protocol_version}.json"


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _obj(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _string(max_length: int, pattern: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "string", "minLength": 1, "maxLength": max_length}
    if pattern is not None:
        out["pattern"] = pattern
    return out


def _kind_rule(kind: str, fields: dict[str, str]) -> dict[str, Any]:
    """Express one row of codec.KIND_FIELDS as an if/then clause."""
    required = [f for f, p in fields.items() if p == "required"]
    absent = [f for f, p in fields.items() if p == "absent"]
    then: dict[str, Any] = {"required": required}
    if absent:
        then["not"] = {"anyOf": [{"required": [f]} for f in absent]}
    return {"if": {"properties": {"kind": {"const": kind}}}, "then": then}


def _defs(kind_fields: dict[str, dict[str, str]]) -> dict[str, Any]:
    return {**_common_defs(), **_push_defs(kind_fields), **_answer_defs()}


def _common_defs() -> dict[str, Any]:
    uuid = {"type": "string", "pattern": UUID_PATTERN}
    return {
        "Uuid": uuid,
        "PayloadValue": {
            "description": "Any JSON value except non-integer numbers (decimals go as strings).",
            "anyOf": [
                {"type": ["null", "boolean", "string"]},
                {"type": "integer", "minimum": -(2**53 - 1), "maximum": 2**53 - 1},
                {"type": "array", "items": _ref("PayloadValue")},
                {"type": "object", "additionalProperties": _ref("PayloadValue")},
            ],
        },
        "Sha256": {"type": "string", "pattern": SHA256_PATTERN},
        "Issue": _obj(
            {k: {"type": "string"} for k in ("path", "code", "message_vi", "message_en")},
            ["path", "code", "message_vi", "message_en"],
        ),
        "AttachmentRef": _obj(
            {
                "name": _string(100, NAME_PATTERN),
                "sha256": _ref("Sha256"),
                "size": {"type": "integer", "minimum": 1, "maximum": rules.MAX_ATTACHMENT_BYTES},
                "kind": {"enum": [k.value for k in PhotoKind]},
            },
            ["name", "sha256", "size"],
        ),
        "FormRef": _obj({"id": _string(100), "version": _string(50)}, ["id", "version"]),
    }


def _push_defs(kind_fields: dict[str, dict[str, str]]) -> dict[str, Any]:
    return {
        "PushItem": {
            **_obj(
                {
                    "client_uuid": _ref("Uuid"),
                    "kind": {"enum": list(kind_fields)},
                    "payload": {"type": "object", "additionalProperties": _ref("PayloadValue")},
                    "payload_sha256": _ref("Sha256"),
                    "attachments": {
                        "type": "array",
                        "maxItems": rules.MAX_ATTACHMENTS_PER_ITEM,
                        "items": _ref("AttachmentRef"),
                    },
                    "form": _ref("FormRef"),
                    "household_id": _ref("Uuid"),
                    "target_id": _ref("Uuid"),
                    "base_revision": {"type": "integer", "minimum": 1},
                },
                ["client_uuid", "kind", "payload", "payload_sha256"],
            ),
            "allOf": [
                *(_kind_rule(k, f) for k, f in kind_fields.items()),
                {
                    "if": {"properties": {"kind": {"const": "support_stage_proof"}}},
                    "then": {"properties": {"payload": _ref("StageProofPayload")}},
                },
            ],
        },
        "StageProofPayload": _obj(
            {
                "record_id": _ref("Uuid"),
                "stage": {"enum": list(PROVABLE_STAGES)},
                "note": {"type": "string", "maxLength": MAX_NOTE_LENGTH},
                "photos": {
                    "type": "array",
                    "minItems": 1,
                    "maxItems": rules.MAX_ATTACHMENTS_PER_ITEM,
                    "uniqueItems": True,
                    "items": _string(100, NAME_PATTERN),
                },
            },
            ["record_id", "stage", "photos"],
        ),
        "PushRequest": _obj(
            {
                "protocol": {"type": "integer", "minimum": 1},
                "items": {
                    "type": "array",
                    "maxItems": rules.MAX_BATCH_ITEMS,
                    "items": _ref("PushItem"),
                },
            },
            ["protocol", "items"],
        ),
    }


def _answer_defs() -> dict[str, Any]:
    nullable_int = {"type": ["integer", "null"]}
    return {
        "ItemOutcome": _obj(
            {
                "index": {"type": "integer", "minimum": 0},
                "client_uuid": _ref("Uuid"),
                "outcome": {"enum": ["accepted", "duplicate", "conflict", "rejected"]},
                "revision": nullable_int,
                "conflict_reason": {"enum": ["different_payload", "stale_base_revision", None]},
                "missing_attachments": {"type": "array", "items": {"type": "string"}},
                "errors": {"type": "array", "items": _ref("Issue")},
            },
            [
                "index",
                "client_uuid",
                "outcome",
                "revision",
                "conflict_reason",
                "missing_attachments",
                "errors",
            ],
        ),
        "PushResponse": _obj(
            {
                "protocol": {"type": "integer"},
                "items": {"type": "array", "items": _ref("ItemOutcome")},
            },
            ["protocol", "items"],
        ),
        "Change": _obj(
            {
                "seq": {"type": "integer", "minimum": 1},
                "kind": {
                    "enum": [
                        "household",
                        "member",
                        "assessment",
                        "review",
                        "form",
                        "tombstone",
                        "support_record",
                    ]
                },
                "id": _string(200),
                "data": {"type": "object"},
            },
            ["seq", "kind", "id", "data"],
        ),
        "PullResponse": _obj(
            {
                "protocol": {"type": "integer"},
                "changes": {"type": "array", "items": _ref("Change")},
                "next_cursor": _string(200),
                "has_more": {"type": "boolean"},
                "reset": {"type": "boolean"},
            },
            ["protocol", "changes", "next_cursor", "has_more", "reset"],
        ),
        "ErrorResponse": _obj(
            {
                "error": _obj(
                    {
                        "status": {"type": "integer"},
                        "issues": {"type": "array", "items": _ref("Issue")},
                    },
                    ["status", "issues"],
                )
            },
            ["error"],
        ),
    }


def build_schema(
    *, protocol_version: int, min_client: int, kind_fields: dict[str, dict[str, str]]
) -> dict[str, Any]:
    """Assemble the schema document; limits travel with it so clients can read them."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://chungtay.vn/schema/sync/protocol-v{protocol_version}.json",
        "title": f"ChungTay sync protocol v{protocol_version}",
        "x-protocol-version": protocol_version,
        "x-min-supported-client-protocol": min_client,
        "x-limits": {
            "max_batch_items": rules.MAX_BATCH_ITEMS,
            "max_batch_bytes": rules.MAX_BATCH_BYTES,
            "max_attachments_per_item": rules.MAX_ATTACHMENTS_PER_ITEM,
            "max_attachment_bytes": rules.MAX_ATTACHMENT_BYTES,
            "default_pull_limit": rules.DEFAULT_PULL_LIMIT,
            "max_pull_limit": rules.MAX_PULL_LIMIT,
        },
        "$defs": _defs(kind_fields),
    }
