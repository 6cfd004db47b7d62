"""Strict conversion between wire dicts (parsed JSON) and protocol messages.

Decoding never guesses: unknown fields, wrong types and floats are refused with a
path per problem. A push is split in two levels: a broken envelope (or an item whose
identity cannot be read) refuses the request with DecodeError, while any other fault
inside an item only rejects that item, so one bad item never blocks a phone's outbox.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from typing import Any

from sync import rules
from sync.errors import DecodeError, Issue, SyncError
from sync.fields import (
    MAX_SAFE_INTEGER,
    MISSING,
    FieldReader,
    check_json_value,
    join_path,
    object_reader,
)
from sync.messages import (
    AttachmentRef,
    Change,
    ChangeKind,
    ConflictReason,
    FormRef,
    InvalidItem,
    ItemKind,
    ItemOutcome,
    JsonValue,
    Outcome,
    PhotoKind,
    PullPage,
    PushBatch,
    PushItem,
    PushResult,
)
from sync.schema import build_schema
from sync.support import decode_stage_proof
from sync.version import MIN_SUPPORTED_CLIENT_PROTOCOL, PROTOCOL_VERSION


class Presence(enum.Enum):
    """Whether an optional item field must, may or must not appear for a kind."""

    REQUIRED = "required"
    OPTIONAL = "optional"
    ABSENT = "absent"


REQ, OPT, ABS = Presence.REQUIRED, Presence.OPTIONAL, Presence.ABSENT
KIND_FIELDS: dict[ItemKind, dict[str, Presence]] = {
    ItemKind.SUBMISSION: {"form": REQ, "household_id": OPT, "target_id": ABS, "base_revision": ABS},
    ItemKind.HOUSEHOLD_CREATE: {
        "form": ABS,
        "household_id": ABS,
        "target_id": ABS,
        "base_revision": ABS,
    },
    ItemKind.MEMBER_CREATE: {
        "form": ABS,
        "household_id": REQ,
        "target_id": ABS,
        "base_revision": ABS,
    },
    ItemKind.HOUSEHOLD_EDIT: {
        "form": ABS,
        "household_id": ABS,
        "target_id": REQ,
        "base_revision": REQ,
    },
    ItemKind.MEMBER_EDIT: {
        "form": ABS,
        "household_id": ABS,
        "target_id": REQ,
        "base_revision": REQ,
    },
    ItemKind.SUPPORT_STAGE_PROOF: {
        "form": ABS,
        "household_id": ABS,
        "target_id": ABS,
        "base_revision": ABS,
    },
}
"""Single source for the decoder and the JSON schema of which fields each kind takes."""

_ITEM_FIELDS = {"client_uuid", "kind", "payload", "payload_sha256", "attachments"} | set(
    KIND_FIELDS[ItemKind.SUBMISSION]
)
# --- push request ------------------------------------------------------------------


def decode_push(data: object) -> PushBatch:
    """Decode a push request body.

    Raises DecodeError (400) for a bad envelope or an item without a readable
    `client_uuid`, and BatchTooLarge (413) beyond MAX_BATCH_ITEMS. Other item faults
    come back as InvalidItem entries in their batch position.
    """
    issues: list[Issue] = []
    root = object_reader(data, "", issues)
    if root is None:
        raise DecodeError(issues)
    root.refuse_unknown({"protocol", "items"})
    protocol = root.integer("protocol", low=1, high=10_000)
    raw_items = root.array("items")
    if issues or protocol is None or raw_items is None:
        raise DecodeError(issues)
    rules.check_batch_items(len(raw_items))
    items = tuple(_decode_entry(i, raw, issues) for i, raw in enumerate(raw_items))
    if issues:
        raise DecodeError(issues)
    return PushBatch(protocol=protocol, items=items)  # type: ignore[arg-type]  # a None entry left an issue


def _decode_entry(index: int, raw: object, envelope: list[Issue]) -> PushItem | InvalidItem | None:
    """Decode one item; envelope faults go to `envelope`, the rest into an InvalidItem."""
    path = join_path("items", index)
    item = object_reader(raw, path, envelope)
    if item is None:
        return None
    client_uuid = item.uuid("client_uuid")
    if client_uuid is None:
        return None
    own: list[Issue] = []
    decoded = decode_item(raw, path=path, issues=own)  # type: ignore[arg-type]  # object_reader found a mapping
    if decoded is None:
        return InvalidItem(client_uuid=client_uuid, issues=tuple(own))
    return decoded


def decode_item(data: Mapping[str, Any], *, path: str, issues: list[Issue]) -> PushItem | None:
    """Decode one item object, or return None after appending its issues."""
    r = FieldReader(data, path, issues)
    r.refuse_unknown(_ITEM_FIELDS)
    client_uuid = r.uuid("client_uuid")
    kind: ItemKind | None = r.choice("kind", ItemKind)
    payload = _decode_payload(r)
    sha = r.sha256("payload_sha256")
    attachments = _decode_attachments(r)
    extras = _decode_kind_fields(r, kind) if kind is not None else None
    if issues or client_uuid is None or kind is None or payload is None or sha is None:
        return None
    if extras is None or attachments is None:
        return None
    if kind is ItemKind.SUPPORT_STAGE_PROOF and not _stage_proof_valid(r, payload, attachments):
        return None
    if rules.payload_sha256(payload) != sha:
        r.fail("payload_sha256", "payload_sha256_mismatch")
        return None
    return PushItem(
        client_uuid=client_uuid,
        kind=kind,
        payload=payload,
        payload_sha256=sha,
        attachments=attachments,
        **extras,
    )


def _stage_proof_valid(
    r: FieldReader, payload: dict[str, JsonValue], attachments: tuple[AttachmentRef, ...]
) -> bool:
    """A stage proof's payload is checked here, in the pure core, for every client."""
    path = join_path(r.path, "payload")
    return decode_stage_proof(payload, attachments, path=path, issues=r.issues) is not None


def _decode_payload(r: FieldReader) -> dict[str, JsonValue] | None:
    value = r.raw("payload")
    if value is MISSING:
        return None
    if not isinstance(value, dict):
        r.fail("payload", "wrong_type", expected="object")
        return None
    before = len(r.issues)
    check_json_value(value, join_path(r.path, "payload"), r.issues)
    return value if len(r.issues) == before else None


def _decode_attachments(r: FieldReader) -> tuple[AttachmentRef, ...] | None:
    raw = r.array("attachments", required=False)
    if raw is None:
        return () if "attachments" not in r.data else None
    if len(raw) > rules.MAX_ATTACHMENTS_PER_ITEM:
        r.fail("attachments", "out_of_range", low=0, high=rules.MAX_ATTACHMENTS_PER_ITEM)
        return None
    refs = [_decode_attachment(r, i, value) for i, value in enumerate(raw)]
    names = [ref.name for ref in refs if ref is not None]
    for i, ref in enumerate(refs):
        if ref is not None and names.count(ref.name) > 1:
            r.fail(f"attachments[{i}].name", "duplicate_name")
    if any(ref is None for ref in refs) or len(set(names)) != len(names):
        return None
    return tuple(ref for ref in refs if ref is not None)


def _decode_attachment(r: FieldReader, index: int, value: object) -> AttachmentRef | None:
    a = r.child(f"attachments[{index}]", value)
    if a is None:
        return None
    a.refuse_unknown({"name", "sha256", "size", "kind"})
    name = a.string("name")
    if name is not None and not rules.is_attachment_name(name):
        a.fail("name", "invalid_name")
        name = None
    sha = a.sha256("sha256")
    size = a.integer("size", low=1, high=rules.MAX_ATTACHMENT_BYTES)
    has_kind = "kind" in a.data
    kind: PhotoKind | None = a.choice("kind", PhotoKind) if has_kind else None
    if name is None or sha is None or size is None or (has_kind and kind is None):
        return None
    return AttachmentRef(name=name, sha256=sha, size=size, kind=kind)


def _decode_kind_fields(r: FieldReader, kind: ItemKind) -> dict[str, Any]:
    """Read form, household_id, target_id and base_revision as KIND_FIELDS says."""
    presence = KIND_FIELDS[kind]
    for key, rule in presence.items():
        if rule is Presence.ABSENT and key in r.data:
            r.fail(key, "not_allowed", kind=kind.value)
    return {
        "form": _decode_form(r) if presence["form"] is not ABS else None,
        "household_id": _opt(r, "household_id", presence, r.uuid),
        "target_id": _opt(r, "target_id", presence, r.uuid),
        "base_revision": _opt_revision(r, presence),
    }


def _opt(r: FieldReader, key: str, presence: dict[str, Presence], read: Any) -> Any:
    if presence[key] is ABS:
        return None
    return read(key, required=presence[key] is REQ)


def _opt_revision(r: FieldReader, presence: dict[str, Presence]) -> int | None:
    if presence["base_revision"] is ABS:
        return None
    return r.integer("base_revision", low=1, high=MAX_SAFE_INTEGER)


def _decode_form(r: FieldReader) -> FormRef | None:
    value = r.raw("form")
    if value is MISSING:
        return None
    f = r.child("form", value)
    if f is None:
        return None
    f.refuse_unknown({"id", "version"})
    form_id, version = f.string("id"), f.string("version", max_length=50)
    if form_id is None or version is None:
        return None
    return FormRef(id=form_id, version=version)


def encode_item(item: PushItem) -> dict[str, JsonValue]:
    """Encode an item for the wire; optional fields appear only when set."""
    out: dict[str, JsonValue] = {
        "client_uuid": str(item.client_uuid),
        "kind": item.kind.value,
        "payload": dict(item.payload),
        "payload_sha256": item.payload_sha256,
        "attachments": [dict(a.declaration()) for a in item.attachments],
    }
    if item.form is not None:
        out["form"] = {"id": item.form.id, "version": item.form.version}
    for key in ("household_id", "target_id"):
        value = getattr(item, key)
        if value is not None:
            out[key] = str(value)
    if item.base_revision is not None:
        out["base_revision"] = item.base_revision
    return out


def encode_push(items: Sequence[PushItem]) -> dict[str, JsonValue]:
    """Encode a push request body for the current protocol version."""
    return {"protocol": PROTOCOL_VERSION, "items": [encode_item(i) for i in items]}


# --- push response -----------------------------------------------------------------


def encode_issue(i: Issue) -> dict[str, JsonValue]:
    return {"path": i.path, "code": i.code, "message_vi": i.message_vi, "message_en": i.message_en}


def encode_push_result(result: PushResult) -> dict[str, JsonValue]:
    """Encode a push response; every outcome field is always present."""
    return {"protocol": result.protocol, "items": [_encode_outcome(o) for o in result.items]}


def _encode_outcome(o: ItemOutcome) -> dict[str, JsonValue]:
    return {
        "index": o.index,
        "client_uuid": str(o.client_uuid),
        "outcome": o.outcome.value,
        "revision": o.revision,
        "conflict_reason": o.conflict_reason.value if o.conflict_reason else None,
        "missing_attachments": list(o.missing_attachments),
        "errors": [encode_issue(i) for i in o.errors],
    }


def decode_push_result(data: object) -> PushResult:
    """Decode a push response on the client; any fault raises DecodeError."""
    issues: list[Issue] = []
    root = object_reader(data, "", issues)
    if root is None:
        raise DecodeError(issues)
    protocol = root.integer("protocol", low=1, high=10_000)
    raw = root.array("items") or []
    outcomes = [_decode_outcome(root.child(join_path("items", i), v)) for i, v in enumerate(raw)]
    if issues or protocol is None:
        raise DecodeError(issues)
    return PushResult(protocol=protocol, items=tuple(o for o in outcomes if o is not None))


def _decode_outcome(r: FieldReader | None) -> ItemOutcome | None:
    if r is None:
        return None
    index = r.integer("index", low=0, high=rules.MAX_BATCH_ITEMS)
    client_uuid = r.uuid("client_uuid")
    outcome = r.choice("outcome", Outcome)
    reason = r.data.get("conflict_reason")
    revision = r.data.get("revision")
    missing = r.data.get("missing_attachments", [])
    errors = [decode_issue(e) for e in r.data.get("errors", [])]
    if index is None or client_uuid is None or outcome is None:
        return None
    return ItemOutcome(
        index=index,
        client_uuid=client_uuid,
        outcome=outcome,
        revision=revision if isinstance(revision, int) else None,
        conflict_reason=ConflictReason(reason) if reason else None,
        missing_attachments=tuple(str(m) for m in missing),
        errors=tuple(errors),
    )


def decode_issue(data: Mapping[str, Any]) -> Issue:
    """Decode an Issue leniently: a client should show any message the server sends."""
    return Issue(
        path=str(data.get("path", "")),
        code=str(data.get("code", "")),
        message_vi=str(data.get("message_vi", "")),
        message_en=str(data.get("message_en", "")),
    )


# --- pull --------------------------------------------------------------------------


def encode_change(change: Change) -> dict[str, JsonValue]:
    return {
        "seq": change.seq,
        "kind": change.kind.value,
        "id": change.id,
        "data": dict(change.data),
    }


def encode_pull_page(page: PullPage) -> dict[str, JsonValue]:
    return {
        "protocol": page.protocol,
        "changes": [encode_change(c) for c in page.changes],
        "next_cursor": page.next_cursor,
        "has_more": page.has_more,
        "reset": page.reset,
    }


def decode_pull_page(data: object) -> PullPage:
    """Decode a pull response on the client; any fault raises DecodeError."""
    issues: list[Issue] = []
    root = object_reader(data, "", issues)
    if root is None:
        raise DecodeError(issues)
    protocol = root.integer("protocol", low=1, high=10_000)
    cursor = root.string("next_cursor", max_length=200)
    has_more, reset = root.data.get("has_more"), root.data.get("reset", False)
    raw = root.array("changes") or []
    changes = [_decode_change(root.child(join_path("changes", i), v)) for i, v in enumerate(raw)]
    if not isinstance(has_more, bool) or not isinstance(reset, bool):
        root.fail("has_more", "wrong_type", expected="boolean")
    if issues or protocol is None or cursor is None:
        raise DecodeError(issues)
    return PullPage(
        protocol=protocol,
        changes=tuple(c for c in changes if c is not None),
        next_cursor=cursor,
        has_more=bool(has_more),
        reset=bool(reset),
    )


def _decode_change(r: FieldReader | None) -> Change | None:
    if r is None:
        return None
    seq = r.integer("seq", low=1, high=MAX_SAFE_INTEGER)
    kind = r.choice("kind", ChangeKind)
    change_id = r.string("id", max_length=200)
    data = r.raw("data")
    if not isinstance(data, dict):
        r.fail("data", "wrong_type", expected="object")
        return None
    if seq is None or kind is None or change_id is None:
        return None
    return Change(seq=seq, kind=kind, id=change_id, data=data)


# --- errors ------------------------------------------------------------------------


def encode_error(error: SyncError) -> dict[str, JsonValue]:
    """Encode the body of a refused request (400, 413, 422, 426...)."""
    return {
        "error": {
            "status": error.http_status,
            "issues": [encode_issue(i) for i in error.issues],
        }
    }


# --- schema ------------------------------------------------------------------------


def json_schema() -> dict[str, JsonValue]:
    """Return the JSON Schema of every wire message; committed as sync/schema/."""
    return build_schema(
        protocol_version=PROTOCOL_VERSION,
        min_client=MIN_SUPPORTED_CLIENT_PROTOCOL,
        kind_fields={k.value: {f: p.value for f, p in v.items()} for k, v in KIND_FIELDS.items()},
    )
