"""The stage-proof item of housing support: its payload, checked in the pure core.

A support worker proves a construction stage of a support record with photos taken on
site. The phone sends one `support_stage_proof` item per proof; its `client_uuid` is
the proof's id, so a resend can never store a second proof. Whether the stage is the
record's next one is the server's decision (it knows the record); the shape of the
payload, the stage names and the photos' declarations are decided here, so the phone,
the reference client and the server cannot disagree about them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sync.errors import Issue, issue
from sync.fields import FieldReader, join_path
from sync.messages import AttachmentRef

STAGES = ("approved", "started", "foundation", "frame_walls", "roof", "completed", "in_use")
"""Every stage of a support record, in order (issue 16)."""

PROVABLE_STAGES = STAGES[1:]
"""Stages proved with photos on site; `approved` is a decision taken in the office."""

MAX_NOTE_LENGTH = 1000
PAYLOAD_FIELDS = frozenset({"record_id", "stage", "note", "photos"})


@dataclass(frozen=True)
class StageProof:
    """A decoded stage-proof payload: which record, which stage, what was seen, which photos."""

    record_id: UUID
    stage: str
    note: str
    photos: tuple[str, ...]


def decode_stage_proof(
    payload: Mapping[str, Any],
    attachments: Sequence[AttachmentRef],
    *,
    path: str = "payload",
    issues: list[Issue],
) -> StageProof | None:
    """Check a stage-proof payload, appending one Issue per fault; None when any fault.

    Every stage needs at least one photo, and every photo named must be declared by the
    item, or its bytes could never arrive.
    """
    before = len(issues)
    r = FieldReader(payload, path, issues)
    r.refuse_unknown(set(PAYLOAD_FIELDS))
    record_id = r.uuid("record_id")
    stage = _stage(r)
    note = _note(r)
    photos = _photos(r, {a.name for a in attachments})
    if len(issues) != before or record_id is None or stage is None or note is None:
        return None
    if photos is None:
        return None
    return StageProof(record_id=record_id, stage=stage, note=note, photos=photos)


def _stage(r: FieldReader) -> str | None:
    value = r.string("stage", max_length=40)
    if value is not None and value not in PROVABLE_STAGES:
        r.fail("stage", "invalid_choice", choices=", ".join(PROVABLE_STAGES))
        return None
    return value


def _note(r: FieldReader) -> str | None:
    """The note may be empty or absent (an empty string): photos are the proof."""
    value = r.data.get("note", "")
    if not isinstance(value, str):
        r.fail("note", "wrong_type", expected="string")
        return None
    if len(value) > MAX_NOTE_LENGTH:
        r.fail("note", "too_long", limit=MAX_NOTE_LENGTH)
        return None
    return value


def _photos(r: FieldReader, declared: set[str]) -> tuple[str, ...] | None:
    values = r.array("photos")
    if values is None:
        return None
    if not values:
        r.fail("photos", "photo_required")
        return None
    path = join_path(r.path, "photos")
    before = len(r.issues)
    for index, name in enumerate(values):
        where = join_path(path, index)
        if not isinstance(name, str):
            r.issues.append(issue(where, "wrong_type", expected="string"))
        elif values.index(name) != index:
            r.issues.append(issue(where, "duplicate_name"))
        elif name not in declared:
            r.issues.append(issue(where, "undeclared_attachment", name=name))
    return tuple(values) if len(r.issues) == before else None


def encode_stage_proof(proof: StageProof) -> dict[str, Any]:
    """The payload the phone hashes and sends; the note is always present, maybe empty."""
    return {
        "record_id": str(proof.record_id),
        "stage": proof.stage,
        "note": proof.note,
        "photos": list(proof.photos),
    }
