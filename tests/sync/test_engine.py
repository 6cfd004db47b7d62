"""apply_push gives each item its own verdict; build_pull pages the change feed."""

from __future__ import annotations

import json
from uuid import UUID

import pytest

from sync import codec, cursor, engine, rules
from sync.errors import BatchTooLarge, DecodeError, SyncError
from sync.messages import (
    Change,
    ChangeKind,
    ConflictReason,
    Cursor,
    InvalidItem,
    ItemOutcome,
    Outcome,
    PushBatch,
    PushItem,
)
from tests.sync.builders import (
    EDIT,
    HOUSEHOLD,
    PHOTO_REF,
    SUBMISSION,
    household,
    household_edit,
    submission,
    wire,
)
from tests.sync.fakes import FakeSyncStore


def push(store: FakeSyncStore, *items: PushItem | InvalidItem) -> list[ItemOutcome]:
    return list(engine.apply_push(PushBatch(protocol=1, items=items), store=store).items)


def test_new_submission_is_accepted_and_lists_its_missing_photo() -> None:
    store = FakeSyncStore()
    [outcome] = push(store, submission(attachments=(PHOTO_REF,)))
    assert outcome == ItemOutcome(
        0, SUBMISSION, Outcome.ACCEPTED, missing_attachments=("roof.jpg",)
    )
    assert list(store.submissions) == [SUBMISSION]


def test_resent_submission_is_duplicate_and_stores_nothing_new() -> None:
    store = FakeSyncStore()
    push(store, submission())
    [outcome] = push(store, submission())
    assert outcome == ItemOutcome(0, SUBMISSION, Outcome.DUPLICATE)
    assert len(store.submissions) == 1
    assert len(store.receipts) == 1


def test_same_uuid_with_other_payload_is_conflict_and_keeps_both_versions() -> None:
    store = FakeSyncStore()
    push(store, submission())
    changed = submission(payload={"ho_ten": "Nguyễn Thị Hoa", "thu_nhap": "900000"})
    [outcome] = push(store, changed)
    assert outcome == ItemOutcome(
        0, SUBMISSION, Outcome.CONFLICT, conflict_reason=ConflictReason.DIFFERENT_PAYLOAD
    )
    assert store.submissions[SUBMISSION]["thu_nhap"] == "1500000.50"
    assert store.conflicts == {
        (SUBMISSION, changed.payload_sha256): ConflictReason.DIFFERENT_PAYLOAD
    }


def test_invalid_submission_is_rejected_with_paths_and_leaves_no_receipt() -> None:
    store = FakeSyncStore()
    [outcome] = push(store, submission(payload={"thu_nhap": "1"}))
    assert outcome.outcome is Outcome.REJECTED
    assert [(e.path, e.code) for e in outcome.errors] == [("items[0].payload.ho_ten", "required")]
    assert store.receipts == {}
    assert store.submissions == {}


def test_one_bad_item_does_not_fail_the_rest_of_the_batch() -> None:
    store = FakeSyncStore()
    bad = InvalidItem(client_uuid=UUID(int=9), issues=())
    outcomes = push(store, household(), bad, submission(payload={}), submission(UUID(int=8)))
    assert [o.outcome for o in outcomes] == [
        Outcome.ACCEPTED,
        Outcome.REJECTED,
        Outcome.REJECTED,
        Outcome.ACCEPTED,
    ]
    assert [o.index for o in outcomes] == [0, 1, 2, 3]
    assert [(e.path, e.code) for e in outcomes[2].errors] == [
        ("items[2].payload.ho_ten", "required")
    ]
    assert set(store.receipts) == {HOUSEHOLD, UUID(int=8)}


def test_a_batch_is_committed_once_as_a_whole() -> None:
    store = FakeSyncStore()
    push(store, household(), submission(UUID(int=8)), submission(UUID(int=9)))
    assert store.batches_committed == 1
    assert set(store.receipts) == {HOUSEHOLD, UUID(int=8), UUID(int=9)}


def test_a_raced_batch_is_applied_again_item_by_item_with_serial_outcomes() -> None:
    def other_request_stores_uuid_8(other: FakeSyncStore) -> None:
        push(other, submission(UUID(int=8)))

    store = FakeSyncStore(races=[other_request_stores_uuid_8])
    outcomes = push(store, submission(UUID(int=7)), submission(UUID(int=8)))
    assert [o.outcome for o in outcomes] == [Outcome.ACCEPTED, Outcome.DUPLICATE]
    assert list(store.submissions) == [UUID(int=8), UUID(int=7)]
    assert store.batches_committed == 1  # the other request's batch; this one fell back


def test_a_raced_batch_keeps_nothing_of_its_first_attempt() -> None:
    def other_request_creates_the_household(other: FakeSyncStore) -> None:
        push(other, household(payload={"ho_ten": "Lò Thị Mai"}))

    store = FakeSyncStore(races=[other_request_creates_the_household])
    [outcome] = push(store, household(payload={"ho_ten": "Hà Văn Páo"}))
    assert outcome.outcome is Outcome.CONFLICT
    assert outcome.conflict_reason is ConflictReason.DIFFERENT_PAYLOAD
    assert store.records[HOUSEHOLD].data == {"ho_ten": "Lò Thị Mai"}


def test_household_created_on_the_phone_keeps_its_client_uuid_and_starts_at_revision_1() -> None:
    store = FakeSyncStore()
    [outcome] = push(store, household())
    assert outcome == ItemOutcome(0, HOUSEHOLD, Outcome.ACCEPTED, revision=1)
    assert store.records[HOUSEHOLD].revision == 1


def test_edit_on_current_revision_is_applied_in_the_same_batch_as_the_create() -> None:
    store = FakeSyncStore()
    outcomes = push(store, household(), household_edit(base_revision=1, payload={"so_nguoi": 5}))
    assert outcomes[1] == ItemOutcome(1, EDIT, Outcome.ACCEPTED, revision=2)
    assert store.records[HOUSEHOLD].data == {"chu_ho": "Lò Văn Páo", "so_nguoi": 5}


def test_edit_on_stale_revision_is_conflict_with_server_revision_and_overwrites_nothing() -> None:
    store = FakeSyncStore()
    push(store, household(), household_edit(base_revision=1, payload={"so_nguoi": 5}))
    stale = household_edit(base_revision=1, payload={"so_nguoi": 3}, client_uuid=UUID(int=77))
    [outcome] = push(store, stale)
    assert outcome == ItemOutcome(
        0, UUID(int=77), Outcome.CONFLICT, 2, ConflictReason.STALE_BASE_REVISION
    )
    assert store.records[HOUSEHOLD].data["so_nguoi"] == 5
    assert store.flagged == {HOUSEHOLD}
    assert store.conflicts == {
        (UUID(int=77), stale.payload_sha256): ConflictReason.STALE_BASE_REVISION
    }


def test_resent_stale_edit_replays_the_conflict_not_a_duplicate() -> None:
    store = FakeSyncStore()
    push(store, household(), household_edit(base_revision=1, payload={"so_nguoi": 5}))
    stale = household_edit(base_revision=1, payload={"so_nguoi": 3}, client_uuid=UUID(int=77))
    first = push(store, stale)
    again = push(store, stale)
    assert again == first
    assert len(store.conflicts) == 1


def test_resent_accepted_edit_is_duplicate_with_the_revision_it_produced() -> None:
    store = FakeSyncStore()
    edit = household_edit(base_revision=1, payload={"so_nguoi": 5})
    push(store, household(), edit)
    [outcome] = push(store, edit)
    assert outcome == ItemOutcome(0, EDIT, Outcome.DUPLICATE, revision=2)
    assert store.records[HOUSEHOLD].revision == 2


def test_edit_of_unknown_household_is_rejected_as_not_found() -> None:
    store = FakeSyncStore()
    [outcome] = push(store, household_edit(base_revision=1, payload={"so_nguoi": 5}))
    assert [(e.path, e.code) for e in outcome.errors] == [
        ("items[0].target_id", "target_not_found")
    ]
    assert store.receipts == {}


def test_edit_refused_by_validation_rolls_back_its_receipt() -> None:
    store = FakeSyncStore()
    push(store, household())
    [outcome] = push(store, household_edit(base_revision=1, payload={"so_nguoi": -1}))
    assert outcome.outcome is Outcome.REJECTED
    assert set(store.receipts) == {HOUSEHOLD}
    assert store.records[HOUSEHOLD].revision == 1


def feed(count: int) -> list[Change]:
    return [Change(seq, ChangeKind.HOUSEHOLD, f"h{seq}", {"n": seq}) for seq in range(1, count + 1)]


def test_pull_pages_the_feed_with_has_more_and_next_cursor() -> None:
    store = FakeSyncStore(feed=feed(5))
    first = engine.build_pull(None, "2", store=store)
    second = engine.build_pull(first.next_cursor, "2", store=store)
    third = engine.build_pull(second.next_cursor, "2", store=store)
    assert [[c.seq for c in p.changes] for p in (first, second, third)] == [[1, 2], [3, 4], [5]]
    assert [p.has_more for p in (first, second, third)] == [True, True, False]
    assert cursor.decode_cursor(third.next_cursor) == Cursor(seq=5, scope="area-7")


def test_pull_with_nothing_new_returns_the_same_position() -> None:
    store = FakeSyncStore(feed=feed(2))
    page = engine.build_pull(cursor.encode_cursor(Cursor(2, "area-7")), None, store=store)
    assert page.changes == ()
    assert page.has_more is False
    assert page.next_cursor == cursor.encode_cursor(Cursor(2, "area-7"))


def test_pull_after_area_change_resets_and_restarts_from_zero() -> None:
    store = FakeSyncStore(feed=feed(3), scope="area-9")
    page = engine.build_pull(cursor.encode_cursor(Cursor(3, "area-7")), None, store=store)
    assert page.reset is True
    assert [c.seq for c in page.changes] == [1, 2, 3]


def test_pull_refuses_a_garbled_cursor() -> None:
    with pytest.raises(DecodeError) as caught:
        engine.build_pull("c1.!!", None, store=FakeSyncStore())
    assert [(i.path, i.code) for i in caught.value.issues] == [("cursor", "invalid_cursor")]


def test_pull_page_encodes_to_the_documented_shape() -> None:
    page = engine.build_pull(None, "1", store=FakeSyncStore(feed=feed(1)))
    assert codec.encode_pull_page(page) == {
        "protocol": 1,
        "changes": [{"seq": 1, "kind": "household", "id": "h1", "data": {"n": 1}}],
        "next_cursor": cursor.encode_cursor(Cursor(1, "area-7")),
        "has_more": False,
        "reset": False,
    }


def test_handle_push_runs_the_whole_request_from_raw_bytes() -> None:
    raw = json.dumps(wire(household())).encode()
    result = engine.handle_push(raw, protocol_header="1", store=FakeSyncStore())
    assert result.items == (ItemOutcome(0, HOUSEHOLD, Outcome.ACCEPTED, revision=1),)


@pytest.mark.parametrize(
    ("raw", "header", "error", "path", "code"),
    [
        (b"{", "1", DecodeError, "", "invalid_json"),
        (b"\xff", "1", DecodeError, "", "invalid_json"),
        (b'{"protocol":1,"protocol":1,"items":[]}', "1", DecodeError, "protocol", "duplicate_key"),
        (b'{"protocol":1,"items":[{"x":NaN}]}', "1", DecodeError, "", "invalid_json"),
        (b'{"protocol":2,"items":[]}', "1", DecodeError, "protocol", "protocol_mismatch"),
        (
            b'{"protocol":1,"items":[]}',
            None,
            DecodeError,
            "X-ChungTay-Protocol",
            "protocol_missing",
        ),
        (b" " * (rules.MAX_BATCH_BYTES + 1), "1", BatchTooLarge, "", "batch_too_large"),
    ],
)
def test_handle_push_refuses_the_whole_request(
    raw: bytes, header: str | None, error: type[SyncError], path: str, code: str
) -> None:
    store = FakeSyncStore()
    with pytest.raises(error) as caught:
        engine.handle_push(raw, protocol_header=header, store=store)
    assert [(i.path, i.code) for i in caught.value.issues] == [(path, code)]
    assert store.receipts == {}


def test_duplicate_after_photo_upload_lists_no_missing_attachments() -> None:
    store = FakeSyncStore()
    item = submission(attachments=(PHOTO_REF,))
    push(store, item)
    store.complete_blobs.add((SUBMISSION, "roof.jpg"))
    [outcome] = push(store, item)
    assert outcome == ItemOutcome(0, SUBMISSION, Outcome.DUPLICATE)
