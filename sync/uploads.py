"""Resumable attachment uploads: HEAD reports the offset, PUT appends from it.

The server's bytes are always a prefix of the declared file; the SHA-256 is checked
once the last byte arrives, and a mismatch discards everything so the client
restarts cleanly instead of completing a corrupt photo.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sync import rules
from sync.errors import Issue, issue
from sync.ports import UploadState, UploadStore
from sync.rules import ChunkVerdict, ContentRange

OFFSET_HEADER = "Upload-Offset"
LENGTH_HEADER = "Upload-Length"


@dataclass(frozen=True)
class UploadReply:
    """What the HTTP layer answers: status, Upload-Offset/-Length headers, error issues."""

    status: int
    offset: int
    length: int
    issues: tuple[Issue, ...] = ()

    @property
    def headers(self) -> dict[str, str]:
        return {OFFSET_HEADER: str(self.offset), LENGTH_HEADER: str(self.length)}


def head_upload(item_uuid: UUID, name: str, *, store: UploadStore) -> UploadReply:
    """Report how many bytes are held: 200 with Upload-Offset, or 404 if undeclared."""
    state = store.upload_state(item_uuid, name)
    if state is None:
        return _not_declared()
    return UploadReply(status=200, offset=state.received, length=state.declared.size)


def _not_declared() -> UploadReply:
    return UploadReply(
        status=404, offset=0, length=0, issues=(issue("name", "attachment_not_declared"),)
    )


def put_chunk(
    item_uuid: UUID, name: str, *, content_range: str | None, body: bytes, store: UploadStore
) -> UploadReply:
    """Append one chunk and finish the upload when its last byte arrives.

    Without Content-Range the body is the whole file from offset 0.
    Raises DecodeError (400) for a malformed Content-Range.
    """
    state = store.upload_state(item_uuid, name)
    if state is None:
        return _not_declared()
    rng = _range_of(content_range, len(body))
    verdict = rules.judge_chunk(
        declared_size=state.declared.size,
        received=state.received,
        complete=state.complete,
        rng=rng,
        body_length=len(body),
    )
    if verdict is not ChunkVerdict.APPEND:
        return _refusal(verdict, state, rng)
    held = store.append(item_uuid, name, offset=rng.start, data=body)
    if held != rng.start + len(body):
        return _offset_mismatch(held, state.declared.size)
    if held < state.declared.size:
        return UploadReply(status=204, offset=held, length=state.declared.size)
    return _finish(item_uuid, name, state, store)


def _range_of(header: str | None, body_length: int) -> ContentRange:
    if header is None:
        return ContentRange(start=0, end=body_length - 1, total=body_length)
    return rules.parse_content_range(header)


def _refusal(verdict: ChunkVerdict, state: UploadState, rng: ContentRange) -> UploadReply:
    size = state.declared.size
    if verdict is ChunkVerdict.ALREADY_COMPLETE:
        return UploadReply(status=200, offset=size, length=size)
    if verdict is ChunkVerdict.OFFSET_MISMATCH:
        return _offset_mismatch(state.received, size)
    found = {
        ChunkVerdict.TOO_LARGE: (
            413,
            issue("Content-Range", "attachment_too_large", limit=rules.MAX_ATTACHMENT_BYTES),
        ),
        ChunkVerdict.SIZE_MISMATCH: (
            400,
            issue("Content-Range", "upload_size_mismatch", total=rng.total, declared=size),
        ),
        ChunkVerdict.LENGTH_MISMATCH: (400, issue("Content-Range", "chunk_length_mismatch")),
    }[verdict]
    return UploadReply(status=found[0], offset=state.received, length=size, issues=(found[1],))


def _offset_mismatch(held: int, size: int) -> UploadReply:
    return UploadReply(
        status=409,
        offset=held,
        length=size,
        issues=(issue("Content-Range", "upload_offset_mismatch", offset=held),),
    )


def _finish(item_uuid: UUID, name: str, state: UploadState, store: UploadStore) -> UploadReply:
    """Verify the whole file; on any fault discard it so the next try starts at 0."""
    size = state.declared.size
    if store.received_sha256(item_uuid, name) != state.declared.sha256:
        store.discard(item_uuid, name)
        return UploadReply(
            status=422, offset=0, length=size, issues=(issue("sha256", "sha256_mismatch"),)
        )
    problems = tuple(store.complete(item_uuid, name))
    if problems:
        store.discard(item_uuid, name)
        return UploadReply(status=422, offset=0, length=size, issues=problems)
    return UploadReply(status=201, offset=size, length=size)
