"""In-memory implementations of the sync ports, for tests and the fake server.

They follow the port contracts literally, including the transaction rollback the
Django adapter gets from `transaction.atomic()`, so engine tests exercise the same
atomicity the real store provides.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

from sync.errors import Issue, issue
from sync.messages import (
    AttachmentRef,
    Change,
    ChangeKind,
    ConflictReason,
    Entity,
    Outcome,
    PushItem,
)
from sync.ports import BatchRaced, ChunkOutcome, ChunkResult, Claim, UploadState


@dataclass
class Receipt:
    kind: str
    payload_sha256: str
    attachments: dict[str, AttachmentRef]
    target: UUID | None = None
    outcome: Outcome | None = None
    revision: int | None = None


@dataclass
class Record:
    entity: Entity
    data: dict[str, Any]
    revision: int = 1
    household_id: UUID | None = None


@dataclass
class FakeSyncStore:
    """SyncStore and UploadStore over dicts; `known_forms` lists accepted (id, version)."""

    known_forms: set[tuple[str, str]] = field(default_factory=lambda: {("phieu_b", "2025.1")})
    scope: str = "area-7"
    receipts: dict[UUID, Receipt] = field(default_factory=dict)
    submissions: dict[UUID, dict[str, Any]] = field(default_factory=dict)
    records: dict[UUID, Record] = field(default_factory=dict)
    conflicts: dict[tuple[UUID, str], ConflictReason] = field(default_factory=dict)
    flagged: set[UUID] = field(default_factory=set)
    blobs: dict[tuple[UUID, str], bytearray] = field(default_factory=dict)
    complete_blobs: set[tuple[UUID, str]] = field(default_factory=set)
    feed: list[Change] = field(default_factory=list)
    bad_images: set[str] = field(default_factory=set)
    # Each entry makes one batch lose its race: the batch is rolled back, the entry
    # (another request's committed writes) is applied, and BatchRaced is raised.
    races: list[Callable[[FakeSyncStore], None]] = field(default_factory=list)
    batches_committed: int = 0

    # --- PushStore ---------------------------------------------------------------

    @contextmanager
    def batch(self, items: Sequence[PushItem]) -> Iterator[None]:
        """One transaction for the batch: all of it is kept, or none of it."""
        saved = copy.deepcopy(self._tables())
        try:
            yield
        except BaseException:
            self._restore(saved)
            raise
        if self.races:
            self._restore(saved)
            self.races.pop(0)(self)
            raise BatchRaced
        self.batches_committed += 1

    @contextmanager
    def atomic(self) -> Iterator[None]:
        """Snapshot every table and restore it if the block raises."""
        saved = copy.deepcopy(self._tables())
        try:
            yield
        except BaseException:
            self._restore(saved)
            raise

    def _tables(self) -> dict[str, Any]:
        names = ("receipts", "submissions", "records", "conflicts", "flagged", "blobs")
        return {n: getattr(self, n) for n in names}

    def _restore(self, saved: dict[str, Any]) -> None:
        for name, value in saved.items():
            setattr(self, name, value)

    def authorize(self, item: PushItem) -> Sequence[Issue]:
        if item.kind.is_edit and item.target_id not in self.records:
            return [issue("target_id", "target_not_found")]
        return []

    def claim(self, item: PushItem) -> Claim:
        found = self.receipts.get(item.client_uuid)
        if found is not None:
            return Claim(
                False,
                found.payload_sha256,
                found.outcome,
                found.revision,
                kind=found.kind,
                target=found.target,
            )
        refs = {a.name: a for a in item.attachments}
        self.receipts[item.client_uuid] = Receipt(
            item.kind.value, item.payload_sha256, refs, item.target
        )
        return Claim(created=True, payload_sha256=item.payload_sha256)

    def settle(self, client_uuid: UUID, *, outcome: Outcome, revision: int | None) -> None:
        receipt = self.receipts[client_uuid]
        receipt.outcome, receipt.revision = outcome, revision

    def store_new(self, item: PushItem) -> Sequence[Issue]:
        if item.form is not None:
            return self._store_submission(item)
        if item.kind.entity is Entity.MEMBER and item.household_id not in self.records:
            return [issue("household_id", "target_not_found")]
        entity = item.kind.entity or Entity.HOUSEHOLD
        self.records[item.client_uuid] = Record(entity, dict(item.payload), 1, item.household_id)
        self._log(ChangeKind(entity.value), item.client_uuid)
        return []

    def _store_submission(self, item: PushItem) -> Sequence[Issue]:
        assert item.form is not None
        if (item.form.id, item.form.version) not in self.known_forms:
            return [issue("form.version", "invalid_choice", choices="2025.1")]
        if "ho_ten" not in item.payload:
            return [issue("payload.ho_ten", "required")]
        self.submissions[item.client_uuid] = dict(item.payload)
        return []

    def current_revision(self, entity: Entity, entity_id: UUID) -> int | None:
        record = self.records.get(entity_id)
        if record is None or record.entity is not entity:
            return None
        return record.revision

    def apply_edit(self, item: PushItem) -> int | Sequence[Issue]:
        assert item.target_id is not None
        if item.payload.get("so_nguoi") == -1:
            return [issue("payload.so_nguoi", "out_of_range", low=0, high=99)]
        record = self.records[item.target_id]
        record.data.update(item.payload)
        record.revision += 1
        self._log(ChangeKind(record.entity.value), item.target_id)
        return record.revision

    def keep_conflict(
        self, item: PushItem, *, reason: ConflictReason, server_revision: int | None
    ) -> None:
        self.conflicts.setdefault((item.client_uuid, item.payload_sha256), reason)
        self.flagged.add(item.target_id or item.household_id or item.client_uuid)

    def missing_attachments(self, client_uuid: UUID) -> Sequence[str]:
        receipt = self.receipts[client_uuid]
        return [n for n in receipt.attachments if (client_uuid, n) not in self.complete_blobs]

    # --- PullStore ---------------------------------------------------------------

    def scope_key(self) -> str:
        return self.scope

    def changes_since(self, seq: int, limit: int) -> Sequence[Change]:
        return [c for c in self.feed if c.seq > seq][:limit]

    def _log(self, kind: ChangeKind, record_id: UUID) -> None:
        data = dict(self.records[record_id].data) if record_id in self.records else {}
        self.feed.append(Change(len(self.feed) + 1, kind, str(record_id), data))

    # --- UploadStore -------------------------------------------------------------

    def upload_state(self, item_uuid: UUID, name: str) -> UploadState | None:
        receipt = self.receipts.get(item_uuid)
        if receipt is None or name not in receipt.attachments:
            return None
        held = len(self.blobs.get((item_uuid, name), b""))
        done = (item_uuid, name) in self.complete_blobs
        return UploadState(receipt.attachments[name], held, done)

    def append(self, item_uuid: UUID, name: str, *, offset: int, data: bytes) -> ChunkResult:
        declared = self.receipts[item_uuid].attachments[name]
        blob = self.blobs.setdefault((item_uuid, name), bytearray())
        if (item_uuid, name) in self.complete_blobs:
            return ChunkResult(ChunkOutcome.ALREADY_COMPLETE, declared.size)
        if len(blob) != offset:
            return ChunkResult(ChunkOutcome.OFFSET_MISMATCH, len(blob))
        blob.extend(data)
        if len(blob) < declared.size:
            return ChunkResult(ChunkOutcome.STORED, len(blob))
        return self.verify(item_uuid, name)

    def verify(self, item_uuid: UUID, name: str) -> ChunkResult:
        declared = self.receipts[item_uuid].attachments[name]
        blob = self.blobs.get((item_uuid, name), bytearray())
        if (item_uuid, name) in self.complete_blobs:
            return ChunkResult(ChunkOutcome.ALREADY_COMPLETE, declared.size)
        if len(blob) < declared.size:
            return ChunkResult(ChunkOutcome.OFFSET_MISMATCH, len(blob))
        problems: tuple[Issue, ...] = ()
        if hashlib.sha256(blob).hexdigest() != declared.sha256:
            problems = (issue("sha256", "sha256_mismatch"),)
        elif name in self.bad_images:
            problems = (issue("name", "wrong_type", expected="JPEG or PNG image"),)
        if problems:
            self.blobs.pop((item_uuid, name), None)
            return ChunkResult(ChunkOutcome.REFUSED, 0, problems)
        self.complete_blobs.add((item_uuid, name))
        return ChunkResult(ChunkOutcome.COMPLETED, declared.size)
