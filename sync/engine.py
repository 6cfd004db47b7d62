"""Drive a store through a push or a pull; all protocol decisions are made here.

Each pushed item is atomic on its own, so an item is stored whole or not at all, and
a rejected item leaves no receipt behind: resending it after a fix is processed
afresh. A batch is committed as one transaction; if that transaction loses a race,
the items are applied again, one transaction each.
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from sync import codec, cursor, rules
from sync.errors import Issue, issue
from sync.fields import parse_json
from sync.messages import (
    Change,
    ConflictReason,
    Cursor,
    InvalidItem,
    ItemOutcome,
    Outcome,
    PullPage,
    PushBatch,
    PushItem,
    PushResult,
)
from sync.ports import BatchRaced, PullStore, PushStore
from sync.version import PROTOCOL_VERSION, check_client_protocol


class _Rejected(Exception):
    """Raised inside an item's transaction so the store rolls it back."""

    def __init__(self, issues: Sequence[Issue]) -> None:
        super().__init__(issues)
        self.issues = tuple(issues)


def handle_push(raw: bytes, *, protocol_header: str | None, store: PushStore) -> PushResult:
    """Run a whole push request: size, version, strict parse, decode, apply.

    This is all a push view does between authentication and encoding the answer.
    Raises BatchTooLarge (413), ProtocolTooOld (426) or DecodeError (400); the view
    should also check Content-Length with rules.check_batch_bytes before reading.
    """
    rules.check_batch_bytes(len(raw))
    check_client_protocol(protocol_header)
    body = parse_json(raw)
    declared = body.get("protocol") if isinstance(body, dict) else None
    if isinstance(declared, int) and not isinstance(declared, bool):
        check_client_protocol(protocol_header, declared)
    return apply_push(codec.decode_push(body), store=store)


def apply_push(batch: PushBatch, *, store: PushStore) -> PushResult:
    """Apply every item in order and return one outcome per item, in batch order.

    Order matters: a household created at index 0 can be edited or surveyed by a
    later item of the same batch.

    One commit per batch instead of one per item is what makes a 20-item push cheap.
    When the batch's transaction loses a race (BatchRaced: nothing of it was stored),
    the same items run again one transaction each, where the receipt's unique
    constraint settles every race item by item; the outcomes are the ones a serial
    run would give.
    """
    items = [entry for entry in batch.items if isinstance(entry, PushItem)]
    try:
        with store.batch(items):
            outcomes = _apply_all(batch, store)
    except BatchRaced:
        outcomes = _apply_all(batch, store)
    return PushResult(protocol=PROTOCOL_VERSION, items=outcomes)


def _apply_all(batch: PushBatch, store: PushStore) -> tuple[ItemOutcome, ...]:
    return tuple(_apply_entry(i, entry, store) for i, entry in enumerate(batch.items))


def _apply_entry(index: int, entry: PushItem | InvalidItem, store: PushStore) -> ItemOutcome:
    if isinstance(entry, InvalidItem):
        return _rejected(index, entry.client_uuid, entry.issues)
    try:
        with store.atomic():
            return _apply_item(index, entry, store)
    except _Rejected as rejection:
        return _rejected(index, entry.client_uuid, _within_item(index, rejection.issues))


def _within_item(index: int, issues: Sequence[Issue]) -> tuple[Issue, ...]:
    """Make the store's item-relative paths absolute, like the codec's (items[3].payload.x)."""
    prefix = f"items[{index}]"
    return tuple(
        Issue(f"{prefix}.{i.path}" if i.path else prefix, i.code, i.message_vi, i.message_en)
        for i in issues
    )


def _rejected(index: int, client_uuid: UUID, issues: Sequence[Issue]) -> ItemOutcome:
    return ItemOutcome(
        index=index, client_uuid=client_uuid, outcome=Outcome.REJECTED, errors=tuple(issues)
    )


def _apply_item(index: int, item: PushItem, store: PushStore) -> ItemOutcome:
    """Claim, then check identity and access; a refusal rolls the item back, receipt too.

    A byte-identical resend is answered from its receipt before the access checks, so
    it always gets its first verdict again (a lost response stays safe to retry) and
    changes nothing.
    """
    claim = store.claim(item)
    if not claim.created and not rules.same_identity(claim, item):
        raise _Rejected([issue("client_uuid", "client_uuid_reused")])
    verdict = rules.classify_receipt(
        created=claim.created,
        stored_sha256=claim.payload_sha256,
        incoming_sha256=item.payload_sha256,
    )
    if verdict is Outcome.DUPLICATE:
        return _replay(index, item, claim.outcome, claim.revision, store)
    refusals = store.authorize(item)
    if refusals:
        raise _Rejected(refusals)
    if verdict is Outcome.CONFLICT:
        return _different_payload(index, item, claim.revision, store)
    if item.kind.is_edit:
        return _apply_edit(index, item, store)
    return _apply_new(index, item, store)


def _replay(
    index: int, item: PushItem, stored: Outcome | None, revision: int | None, store: PushStore
) -> ItemOutcome:
    """Answer a byte-identical resend with the verdict recorded the first time."""
    outcome = rules.replay_outcome(stored or Outcome.ACCEPTED)
    reason = ConflictReason.STALE_BASE_REVISION if outcome is Outcome.CONFLICT else None
    return ItemOutcome(
        index=index,
        client_uuid=item.client_uuid,
        outcome=outcome,
        revision=revision,
        conflict_reason=reason,
        missing_attachments=tuple(store.missing_attachments(item.client_uuid)),
    )


def _different_payload(
    index: int, item: PushItem, revision: int | None, store: PushStore
) -> ItemOutcome:
    """Keep a second, different payload under a known UUID without touching the first."""
    store.keep_conflict(item, reason=ConflictReason.DIFFERENT_PAYLOAD, server_revision=revision)
    return ItemOutcome(
        index=index,
        client_uuid=item.client_uuid,
        outcome=Outcome.CONFLICT,
        revision=revision,
        conflict_reason=ConflictReason.DIFFERENT_PAYLOAD,
    )


def _apply_new(index: int, item: PushItem, store: PushStore) -> ItemOutcome:
    issues = store.store_new(item)
    if issues:
        raise _Rejected(issues)
    revision = 1 if item.kind.is_create else None
    store.settle(item.client_uuid, outcome=Outcome.ACCEPTED, revision=revision)
    return _accepted(index, item, revision, store)


def _accepted(index: int, item: PushItem, revision: int | None, store: PushStore) -> ItemOutcome:
    return ItemOutcome(
        index=index,
        client_uuid=item.client_uuid,
        outcome=Outcome.ACCEPTED,
        revision=revision,
        missing_attachments=tuple(store.missing_attachments(item.client_uuid)),
    )


def _apply_edit(index: int, item: PushItem, store: PushStore) -> ItemOutcome:
    """Apply an edit only on the revision it was made on; otherwise keep both versions."""
    # The codec guarantees edits carry target_id and base_revision; the test keeps mypy honest.
    entity, target, base = item.kind.entity, item.target_id, item.base_revision
    if entity is None or target is None or base is None:
        raise _Rejected([issue("target_id", "required")])
    current = store.current_revision(entity, target)
    if current is None:
        raise _Rejected([issue("target_id", "target_not_found")])
    if rules.is_stale(base_revision=base, current_revision=current):
        return _stale(index, item, current, store)
    result = store.apply_edit(item)
    if not isinstance(result, int):
        raise _Rejected(result)
    store.settle(item.client_uuid, outcome=Outcome.ACCEPTED, revision=result)
    return _accepted(index, item, result, store)


def _stale(index: int, item: PushItem, current: int, store: PushStore) -> ItemOutcome:
    store.keep_conflict(item, reason=ConflictReason.STALE_BASE_REVISION, server_revision=current)
    store.settle(item.client_uuid, outcome=Outcome.CONFLICT, revision=current)
    return ItemOutcome(
        index=index,
        client_uuid=item.client_uuid,
        outcome=Outcome.CONFLICT,
        revision=current,
        conflict_reason=ConflictReason.STALE_BASE_REVISION,
        missing_attachments=tuple(store.missing_attachments(item.client_uuid)),
    )


def handle_pull(
    cursor_text: str | None,
    limit_text: str | None,
    *,
    protocol_header: str | None,
    store: PullStore,
) -> PullPage:
    """Run a whole pull request: version check, then build_pull."""
    check_client_protocol(protocol_header)
    return build_pull(cursor_text, limit_text, store=store)


def build_pull(cursor_text: str | None, limit_text: str | None, *, store: PullStore) -> PullPage:
    """Return the page of changes after a cursor, and the cursor for the next call.

    One extra change is fetched to learn `has_more` without a count query. A cursor
    from another scope restarts the feed at 0 with `reset`.
    """
    limit = rules.clamp_pull_limit(limit_text)
    position = cursor.decode_cursor(cursor_text)
    scope = store.scope_key()
    if not cursor.is_scope_key(scope):
        raise ValueError(f"store scope key {scope!r} is not [A-Za-z0-9_-]{{0,64}}")
    reset = cursor_text not in (None, "") and position.scope != scope
    start = 0 if reset else position.seq
    fetched = list(store.changes_since(start, limit + 1))
    page = fetched[:limit]
    _check_ascending(page, start)
    last = page[-1].seq if page else start
    return PullPage(
        protocol=PROTOCOL_VERSION,
        changes=tuple(page),
        next_cursor=cursor.encode_cursor(Cursor(seq=last, scope=scope)),
        has_more=len(fetched) > limit,
        reset=reset,
    )


def _check_ascending(page: Sequence[Change], start: int) -> None:
    """Refuse a store page that breaks the ordering contract; cursors would skip data."""
    seqs = [change.seq for change in page]
    if any(b <= a for a, b in zip([start, *seqs], seqs, strict=False)):
        raise RuntimeError(f"store returned seqs {seqs} after {start}: not strictly ascending")
