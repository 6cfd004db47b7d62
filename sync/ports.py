"""The ports the sync engine drives; the Django adapter implements them.

The adapter stores and reads; every protocol decision stays in `sync.engine` and
`sync.rules`. Each method's docstring is the contract the adapter must honour.
"""

from __future__ import annotations

import enum
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

    @property
    def unverified(self) -> bool:
        """Every byte is held but no check has passed or failed yet."""
        return not self.complete and self.received == self.declared.size


class ChunkOutcome(enum.Enum):
    """What storing one chunk (or verifying held bytes) did, decided under the row lock."""

    STORED = "stored"
    """Appended; the file is not whole yet."""
    COMPLETED = "completed"
    """This call made the file whole, verified it and stored it."""
    ALREADY_COMPLETE = "already_complete"
    """Another request finished the file first; nothing was written."""
    OFFSET_MISMATCH = "offset_mismatch"
    """The held byte count was not the chunk's start; nothing was written."""
    REFUSED = "refused"
    """All bytes arrived but failed a check; every byte was discarded (held is 0)."""


@dataclass(frozen=True)
class ChunkResult:
    """The outcome, the bytes held afterwards and, for REFUSED, why."""

    outcome: ChunkOutcome
    held: int
    issues: tuple[Issue, ...] = ()


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

    def append(self, item_uuid: UUID, name: str, *, offset: int, data: bytes) -> ChunkResult:
        """Store `data` at `offset` and, if it completes the file, verify it: one transaction.

        With the attachment row locked (SELECT ... FOR UPDATE; SQLite's IMMEDIATE
        transactions serialise writers): a complete file gives ALREADY_COMPLETE with
        held = size; held != offset gives OFFSET_MISMATCH; otherwise the chunk is stored.
        When the bytes are then whole, the same transaction checks them: SHA-256 equal to
        the declared one (else REFUSED with `sha256_mismatch` at path `sha256`), then the
        adapter's content checks (else REFUSED with their issues); passing stores the
        file and marks it complete (COMPLETED), failing discards every byte (held 0).
        A crash before the commit leaves exactly the state before the call.
        """
        ...

    def verify(self, item_uuid: UUID, name: str) -> ChunkResult:
        """Check an attachment whose bytes are all held but were never verified.

        Such a state is left by servers that committed the last chunk on its own and
        died before checking it. Same lock and checks as the end of `append`:
        COMPLETED, REFUSED, ALREADY_COMPLETE (another request finished it) or
        OFFSET_MISMATCH with the bytes held when they are not all there.
        """
        ...
