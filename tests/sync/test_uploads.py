"""Resumable uploads: HEAD reports the offset, PUT continues from it, SHA-256 closes it."""

from __future__ import annotations

from uuid import UUID

import pytest

from sync import uploads
from sync.errors import DecodeError
from sync.messages import PushBatch
from sync.ports import ChunkResult
from tests.sync.builders import PHOTO, PHOTO_REF, SUBMISSION, submission
from tests.sync.fakes import FakeSyncStore

SIZE = len(PHOTO)


@pytest.fixture
def store() -> FakeSyncStore:
    from sync import engine

    fake = FakeSyncStore()
    engine.apply_push(PushBatch(1, (submission(attachments=(PHOTO_REF,)),)), store=fake)
    return fake


def put(
    store: FakeSyncStore, start: int, end: int, body: bytes | None = None
) -> uploads.UploadReply:
    chunk = PHOTO[start : end + 1] if body is None else body
    return uploads.put_chunk(
        SUBMISSION, "roof.jpg", content_range=f"bytes {start}-{end}/{SIZE}", body=chunk, store=store
    )


def test_head_on_a_fresh_declared_attachment_reports_offset_zero(store: FakeSyncStore) -> None:
    reply = uploads.head_upload(SUBMISSION, "roof.jpg", store=store)
    assert (reply.status, reply.headers) == (
        200,
        {"Upload-Offset": "0", "Upload-Length": str(SIZE)},
    )


def test_undeclared_attachment_is_404_for_head_and_put(store: FakeSyncStore) -> None:
    assert uploads.head_upload(SUBMISSION, "other.jpg", store=store).status == 404
    reply = uploads.put_chunk(SUBMISSION, "other.jpg", content_range=None, body=b"x", store=store)
    assert reply.status == 404
    assert reply.issues[0].code == "attachment_not_declared"


def test_upload_in_two_chunks_resumes_from_head_offset_and_completes(store: FakeSyncStore) -> None:
    first = put(store, 0, 999)
    offset = uploads.head_upload(SUBMISSION, "roof.jpg", store=store).offset
    last = put(store, offset, SIZE - 1)
    assert (first.status, first.offset) == (204, 1000)
    assert offset == 1000
    assert (last.status, last.offset) == (201, SIZE)
    assert bytes(store.blobs[(SUBMISSION, "roof.jpg")]) == PHOTO
    assert store.missing_attachments(SUBMISSION) == []


def test_whole_file_without_content_range_completes_in_one_put(store: FakeSyncStore) -> None:
    reply = uploads.put_chunk(SUBMISSION, "roof.jpg", content_range=None, body=PHOTO, store=store)
    assert (reply.status, reply.offset) == (201, SIZE)


def test_repeated_put_after_completion_is_200_and_writes_nothing(store: FakeSyncStore) -> None:
    put(store, 0, SIZE - 1)
    reply = put(store, 0, SIZE - 1)
    assert (reply.status, reply.offset) == (200, SIZE)
    assert len(store.blobs[(SUBMISSION, "roof.jpg")]) == SIZE


def test_chunk_not_at_the_held_offset_is_409_with_the_offset_to_resume(
    store: FakeSyncStore,
) -> None:
    put(store, 0, 999)
    reply = put(store, 500, 1499)
    assert (reply.status, reply.headers["Upload-Offset"]) == (409, "1000")
    assert len(store.blobs[(SUBMISSION, "roof.jpg")]) == 1000


def test_wrong_sha256_discards_everything_and_answers_422(store: FakeSyncStore) -> None:
    corrupt = bytes([PHOTO[0] ^ 1]) + PHOTO[1:]
    reply = put(store, 0, SIZE - 1, body=corrupt)
    assert (reply.status, reply.offset) == (422, 0)
    assert reply.issues[0].code == "sha256_mismatch"
    assert (SUBMISSION, "roof.jpg") not in store.blobs
    assert uploads.head_upload(SUBMISSION, "roof.jpg", store=store).offset == 0


def test_invalid_image_is_discarded_with_the_store_issue(store: FakeSyncStore) -> None:
    store.bad_images.add("roof.jpg")
    reply = put(store, 0, SIZE - 1)
    assert (reply.status, reply.offset, reply.issues[0].path) == (422, 0, "name")
    assert store.missing_attachments(SUBMISSION) == ["roof.jpg"]


def test_total_other_than_declared_size_is_400(store: FakeSyncStore) -> None:
    reply = uploads.put_chunk(
        SUBMISSION, "roof.jpg", content_range="bytes 0-9/11", body=PHOTO[:10], store=store
    )
    assert (reply.status, reply.issues[0].code) == (400, "upload_size_mismatch")


def test_body_shorter_than_content_range_is_400(store: FakeSyncStore) -> None:
    reply = put(store, 0, 99, body=PHOTO[:50])
    assert (reply.status, reply.issues[0].code) == (400, "chunk_length_mismatch")


def test_malformed_content_range_raises_decode_error(store: FakeSyncStore) -> None:
    with pytest.raises(DecodeError):
        uploads.put_chunk(
            SUBMISSION, "roof.jpg", content_range="bytes=0-1", body=b"ab", store=store
        )


def _left_whole_unchecked(store: FakeSyncStore, data: bytes = PHOTO) -> None:
    """Every byte held and never checked, as an older server left it after a crash."""
    store.blobs[(SUBMISSION, "roof.jpg")] = bytearray(data)


def test_head_checks_bytes_left_whole_and_reports_the_size_only_once_stored(
    store: FakeSyncStore,
) -> None:
    _left_whole_unchecked(store)
    reply = uploads.head_upload(SUBMISSION, "roof.jpg", store=store)
    assert (reply.status, reply.offset) == (200, SIZE)
    assert (SUBMISSION, "roof.jpg") in store.complete_blobs


def test_head_on_left_over_bytes_that_fail_the_check_reports_zero(store: FakeSyncStore) -> None:
    _left_whole_unchecked(store, bytes([PHOTO[0] ^ 1]) + PHOTO[1:])
    reply = uploads.head_upload(SUBMISSION, "roof.jpg", store=store)
    assert (reply.status, reply.offset) == (200, 0)
    assert (SUBMISSION, "roof.jpg") not in store.blobs
    assert store.complete_blobs == set()


def test_resending_the_last_chunk_over_left_over_bytes_is_200_complete(
    store: FakeSyncStore,
) -> None:
    _left_whole_unchecked(store)
    reply = put(store, 1000, SIZE - 1)
    assert (reply.status, reply.offset, reply.issues) == (200, SIZE, ())
    assert bytes(store.blobs[(SUBMISSION, "roof.jpg")]) == PHOTO


class FinishedMeanwhile(FakeSyncStore):
    """Another request completes the photo between this one's state read and its append."""

    def append(self, item_uuid: UUID, name: str, *, offset: int, data: bytes) -> ChunkResult:
        self.blobs[(item_uuid, name)] = bytearray(PHOTO)
        self.complete_blobs.add((item_uuid, name))
        return super().append(item_uuid, name, offset=offset, data=data)


def test_a_last_chunk_that_lost_the_race_is_200_already_complete_never_422() -> None:
    from sync import engine

    racing = FinishedMeanwhile()
    engine.apply_push(PushBatch(1, (submission(attachments=(PHOTO_REF,)),)), store=racing)
    racing.blobs[(SUBMISSION, "roof.jpg")] = bytearray(PHOTO[:1000])
    reply = put(racing, 1000, SIZE - 1, body=b"\0" * (SIZE - 1000))
    assert (reply.status, reply.offset, reply.issues) == (200, SIZE, ())
    assert bytes(racing.blobs[(SUBMISSION, "roof.jpg")]) == PHOTO
