"""Frozen messages of the sync protocol: what goes over the wire, as Python values.

These types are the contract between the codec, the engine, the store port and the
reference client. They carry no behaviour beyond small derived properties.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeAlias
from uuid import UUID

from sync.errors import Issue

JsonValue: TypeAlias = "None | bool | int | str | list[JsonValue] | dict[str, JsonValue]"
"""A JSON value as the protocol allows it in payloads: no floats (see PROTOCOL.md §2)."""

JsonObject: TypeAlias = "dict[str, JsonValue]"


class ItemKind(enum.StrEnum):
    """What a pushed item asks the server to do."""

    SUBMISSION = "submission"
    HOUSEHOLD_CREATE = "household_create"
    MEMBER_CREATE = "member_create"
    HOUSEHOLD_EDIT = "household_edit"
    MEMBER_EDIT = "member_edit"
    SUPPORT_STAGE_PROOF = "support_stage_proof"

    @property
    def is_edit(self) -> bool:
        return self in (ItemKind.HOUSEHOLD_EDIT, ItemKind.MEMBER_EDIT)

    @property
    def is_create(self) -> bool:
        return self in (ItemKind.HOUSEHOLD_CREATE, ItemKind.MEMBER_CREATE)

    @property
    def entity(self) -> Entity | None:
        """Return the registry entity a create or edit touches; None for submissions."""
        return _ENTITY_OF.get(self)


class Entity(enum.StrEnum):
    """Registry entities that carry a revision number."""

    HOUSEHOLD = "household"
    MEMBER = "member"


_ENTITY_OF = {
    ItemKind.HOUSEHOLD_CREATE: Entity.HOUSEHOLD,
    ItemKind.HOUSEHOLD_EDIT: Entity.HOUSEHOLD,
    ItemKind.MEMBER_CREATE: Entity.MEMBER,
    ItemKind.MEMBER_EDIT: Entity.MEMBER,
}


class Outcome(enum.StrEnum):
    """The server's answer for one pushed item."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    REJECTED = "rejected"


class ConflictReason(enum.StrEnum):
    """Why an item ended as a conflict; both versions are kept in either case."""

    DIFFERENT_PAYLOAD = "different_payload"
    STALE_BASE_REVISION = "stale_base_revision"


class ChangeKind(enum.StrEnum):
    """The kinds of record a pull returns."""

    HOUSEHOLD = "household"
    MEMBER = "member"
    ASSESSMENT = "assessment"
    REVIEW = "review"
    FORM = "form"
    TOMBSTONE = "tombstone"
    SUPPORT_RECORD = "support_record"


@dataclass(frozen=True)
class FormRef:
    """The exact form version a submission was filled with."""

    id: str
    version: str


class PhotoKind(enum.StrEnum):
    """What a photo shows. The app lists the same codes (survey.mjs, PHOTO_KINDS)."""

    HOUSE = "house"
    ROOF = "roof"
    LATRINE = "latrine"
    WATER_SOURCE = "water_source"
    DOCUMENT = "document"


@dataclass(frozen=True)
class AttachmentRef:
    """A file an item refers to; its bytes travel separately (PUT /attachments).

    `kind` says what the photo shows; optional, so phones that do not send it still work.
    """

    name: str
    sha256: str
    size: int
    kind: PhotoKind | None = None

    def declaration(self) -> dict[str, str | int]:
        """The JSON a receipt and a submission keep for this file (`kind` only when set)."""
        out: dict[str, str | int] = {"name": self.name, "sha256": self.sha256, "size": self.size}
        if self.kind is not None:
            out["kind"] = self.kind.value
        return out


@dataclass(frozen=True)
class PushItem:
    """One idempotent unit of a push, identified by its client-generated UUID.

    For creates the client UUID is the new household's or member's identity.
    `target_id` and `base_revision` are set exactly for edits; `form` exactly for
    submissions; `household_id` for member creates (required) and submissions (optional).
    """

    client_uuid: UUID
    kind: ItemKind
    payload: Mapping[str, JsonValue]
    payload_sha256: str
    attachments: tuple[AttachmentRef, ...] = ()
    form: FormRef | None = None
    household_id: UUID | None = None
    target_id: UUID | None = None
    base_revision: int | None = None

    @property
    def target(self) -> UUID | None:
        """The existing record the item acts on: an edit's target, else its household.

        A stage proof acts on its support record (`payload.record_id`).
        None for a household create, which acts on no existing record. A resent
        client_uuid must name the same target as its original receipt.
        """
        if self.kind is ItemKind.SUPPORT_STAGE_PROOF:
            return _uuid_or_none(self.payload.get("record_id"))
        return self.target_id if self.kind.is_edit else self.household_id


def _uuid_or_none(value: object) -> UUID | None:
    """A stage proof's support record id; the codec checked it before any PushItem exists."""
    if not isinstance(value, str) or len(value) != 36:
        return None
    try:
        return UUID(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class InvalidItem:
    """An item whose identity decoded but whose body did not; it becomes `rejected`.

    Keeping it in the batch, rather than failing the request, is what lets one bad
    item never block the rest of a phone's outbox.
    """

    client_uuid: UUID
    issues: tuple[Issue, ...]


@dataclass(frozen=True)
class PushBatch:
    """A push request: items are processed in order, each in its own transaction."""

    protocol: int
    items: tuple[PushItem | InvalidItem, ...]


@dataclass(frozen=True)
class ItemOutcome:
    """The answer for one item, echoed at the item's index in the batch.

    `revision` is the entity's revision on the server after this item: 1 for an
    accepted create, the new revision for an accepted edit, the server's current
    revision for a conflict, None for submissions and rejections.
    `missing_attachments` names declared files whose bytes the server still lacks.
    """

    index: int
    client_uuid: UUID
    outcome: Outcome
    revision: int | None = None
    conflict_reason: ConflictReason | None = None
    missing_attachments: tuple[str, ...] = ()
    errors: tuple[Issue, ...] = ()


@dataclass(frozen=True)
class PushResult:
    """The answer to a push: exactly one outcome per item, in batch order."""

    protocol: int
    items: tuple[ItemOutcome, ...]


@dataclass(frozen=True)
class Change:
    """One change record of the pull feed, ordered by the server-assigned `seq`.

    For a tombstone, `id` is the vanished record's id and `data` is
    {"of": <change kind>, "reason": "deleted" | "moved_out"}.
    """

    seq: int
    kind: ChangeKind
    id: str
    data: Mapping[str, JsonValue] = field(default_factory=dict)


@dataclass(frozen=True)
class Cursor:
    """A position in the change feed: the last seq delivered, within one scope.

    `scope` fingerprints the device user's area; when it changes the old position
    means nothing and the client must start over.
    """

    seq: int
    scope: str


@dataclass(frozen=True)
class PullPage:
    """A page of changes; `reset` tells the client to drop its local registry first."""

    protocol: int
    changes: tuple[Change, ...]
    next_cursor: str
    has_more: bool
    reset: bool = False
