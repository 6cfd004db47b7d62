"""The ports the sync engine drives; the Django adapter implements them.

The adapter stores and reads; every protocol decision stays in `sync.engine` and
`sync.rules`. Each method's docstring is the contract the adapter must honour.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol
from uuid import UUID

from sync.errors import Issue
from sync.messages import AttachmentRef, Change, ConflictReason, Entity, Outcome, PushItem


@dataclass(frozen=True)
class Claim:
    """The receipt row for a client UUID, as found or as just inserted.

    `outcome` and `revision` are what `settle` recorded; both are None on a fresh claim.
    `kind` and `target` are the original item's (`PushItem.target`); a receipt written
    before targets were recorded has `target` None and `target_known` False.
    """

    created: bool
    payload_sha256: str
    outcome: Outcome | None = None
    revision: int | None = None
    kind: str | None = None
    target: UUID | None = None
    target_known: bool = True


class BatchRaced(Exception):
    """The batch's single transaction lost a race with another request and was rolled back.

    Typical causes: another request inserted one of the batch's client UUIDs while this
    batch ran, or the database broke a deadlock by aborting this transaction. Nothing of
    the batch is stored; the engine applies the items again, one transaction each.
    """


@dataclass(frozen=True)
class UploadState:
    """What the server holds of one declared attachment."""

    declared: AttachmentRef
    received: int
    complete: bool


class PushStore(Protocol):
    """Storage for pushed items: each item atomic, the batch committed once if it can be."""

    def batch(self, items: Sequence[PushItem]) -> AbstractContextManager[None]:
        """Run a whole batch inside one transaction that commits when the block ends.

        Inside it, `atomic` scopes one item (a savepoint, or writes held back until the
        batch ends), so a rejected item still leaves nothing. The store may read ahead
        for `items` (receipts, rows to lock) and defer inserts to the end of the block.
        If the transaction loses a race with another request, it MUST be rolled back
        whole and BatchRaced raised; any other exception propagates after the rollback.
        """
        ...

    def atomic(self) -> AbstractContextManager[None]:
        """Scope one item: every write made inside is undone if the block raises.

        Outside `batch` this is the item's own transaction, committed at the end.
        """
        ...

    def authorize(self, item: PushItem) -> Sequence[Issue]:
        """Return why the device user may not push this item; empty when it may.

        Runs after `claim`, except for byte-identical resends (answered from the
        receipt), inside the item's `atomic`: a refusal rolls the item back, so it
        stores nothing, not even a receipt.
        A target (an edit's record, a member create's or survey's household) outside
        the user's area answers `target_not_found`, exactly as a missing one; a role
        that may not change the registry answers `permission_denied` for creates and
        edits of households and members, as the REST API answers 403.
        """
        ...

    def claim(self, item: PushItem) -> Claim:
        """Insert the receipt for item.client_uuid, or return the existing one.

        MUST be enforced by a unique constraint on client_uuid (get_or_create inside
        the transaction), never by check-then-insert. The receipt stores the kind,
        the target (item.target), payload_sha256 and the declared attachments.
        """
        ...

    def settle(self, client_uuid: UUID, *, outcome: Outcome, revision: int | None) -> None:
        """Record the final outcome (accepted or conflict) and revision on the receipt."""
        ...

    def store_new(self, item: PushItem) -> Sequence[Issue]:
        """Validate and store a new submission, household or member; return issues.

        Issue paths are relative to the item ("payload.ho_ten", "form.version"); the
        engine prefixes them with "items[i]".
        Households and members take item.client_uuid as their id and revision 1.
        Submissions are validated against item.form exactly. A household or member
        outside the device user's area counts as missing. Non-empty issues mean the
        item is rejected: store nothing (the engine then rolls the transaction back).
        """
        ...

    def current_revision(self, entity: Entity, entity_id: UUID) -> int | None:
        """Lock the entity row (SELECT ... FOR UPDATE) and return its revision.

        None when it does not exist or lies outside the device user's area.
        """
        ...

    def apply_edit(self, item: PushItem) -> int | Sequence[Issue]:
        """Apply the edit's payload (top-level fields replace) to item.target_id.

        Called only after the engine found base_revision current, with the row still
        locked. Return the new revision (previous + 1), or validation issues with
        nothing written.
        """
        ...

    def keep_conflict(
        self, item: PushItem, *, reason: ConflictReason, server_revision: int | None
    ) -> None:
        """Keep the incoming version beside the server's and flag the household for review.

        Nothing that exists is overwritten. Idempotent per (client_uuid,
        payload_sha256): a unique constraint there makes a resent conflict a no-op.
        """
        ...

    def missing_attachments(self, client_uuid: UUID) -> Sequence[str]:
        """Return the names declared by the receipt whose bytes are not complete yet."""
        ...


class PullStore(Protocol):
    """Read access to the change feed, scoped to the device user's area."""

    def scope_key(self) -> str:
        """Return a fingerprint of the device user's area ([A-Za-z0-9_-], ≤ 64 chars).

        It changes when the area assignment changes; cursors from another scope are
        answered with `reset` and a full resend.
        """
        ...

    def changes_since(self, seq: int, limit: int) -> Sequence[Change]:
        """Return up to `limit` changes with seq > `seq`, ascending, in the user's area.

        Only the latest change per record is needed. Records that left the area or
        were deleted appear as tombstones. Seqs must become visible in increasing
        order: a reader must never see seq N+1 committed while N may still commit
        (see PROTOCOL.md §5.3).
        """
        ...


class SyncStore(PushStore, PullStore, Protocol):
    """Everything push and pull need; the adapter is constructed per device."""


class UploadStore(Protocol):
    """Byte storage for declared attachments, scoped to the device's own items."""

    def upload_state(self, item_uuid: UUID, name: str) -> UploadState | None:
        """Return what is held for the attachment; None if undeclared or not visible."""
        ...

    def append(self, item_uuid: UUID, name: str, *, offset: int, data: bytes) -> int:
        """Append `data` if exactly `offset` bytes are held; return the bytes held after.

        The check and the write are one atomic step (row lock), so two concurrent
        PUTs cannot interleave. A mismatch writes nothing.
        """
        ...

    def received_sha256(self, item_uuid: UUID, name: str) -> str:
        """Return the lowercase hex SHA-256 of the bytes held."""
        ...

    def complete(self, item_uuid: UUID, name: str) -> Sequence[Issue]:
        """Validate the full file (e.g. as an image) and mark it complete; return issues.

        On issues nothing is marked; the engine then calls `discard`.
        """
        ...

    def discard(self, item_uuid: UUID, name: str) -> None:
        """Drop the bytes held so the upload restarts at offset 0."""
        ...
