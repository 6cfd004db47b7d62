"""Resumable attachment uploads: HEAD reports the offset, PUT appends from it.

The server's bytes are always a prefix of the declared file. The chunk that completes
the file is stored, checked (SHA-256, then the image checks) and the file written in one
transaction, so a crash leaves either the state before that chunk or a finished photo;
a fault discards everything so the client restarts cleanly instead of completing a
corrupt photo. Bytes left whole but unchecked by an older server are checked by the
next HEAD or PUT before it answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from uuid import UUID

from sync import rules
from sync.errors import Issue, issue
from sync.ports import ChunkOutcome, ChunkResult, UploadState, UploadStore
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
    """Report how many bytes are held: 200 with Upload-Offset, or 404 if undeclared.

    Upload-Offset equals the size only for a verified, stored file: held bytes that
    were never checked are checked first, and answer 0 if they fail.
    """
    state = store.upload_state(item_uuid, name)
    if state is None:
        return _not_declared()
    state = _settled(item_uuid, name, state, store)
    return UploadReply(status=200, offset=state.received, length=state.declared.size)


def _not_declared() -> UploadReply:
    return UploadReply(
        status=404, offset=0, length=0, issues=(issue("name", "attachment_not_declared"),)
    )


def _settled(item_uuid: UUID, name: str, state: UploadState, store: UploadStore) -> UploadState:
    """Verify bytes that are all held but unchecked; return the state after."""
    if not state.unverified:
        return state
    result = store.verify(item_uuid, name)
    done = result.outcome in (ChunkOutcome.COMPLETED, ChunkOutcome.ALREADY_COMPLETE)
    held = state.declared.size if done else result.held
    return UploadState(declared=state.declared, received=held, complete=done)


def put_chunk(
    item_uuid: UUID, name: str, *, content_range: str | None, body: bytes, store: UploadStore
) -> UploadReply:
    """Append one chunk; the chunk that completes the file is verified in the same step.

    Without Content-Range the body is the whole file from offset 0.
    Raises DecodeError (400) for a malformed Content-Range.
    """
    state = store.upload_state(item_uuid, name)
    if state is None:
        return _not_declared()
    state = _settled(item_uuid, name, state, store)
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
    result = store.append(item_uuid, name, offset=rng.start, data=body)
    return _appended(result, state.declared.size)


def _range_of(header: str | None, body_length: int) -> ContentRange:
    if header is None:
        return ContentRange(start=0, end=body_length - 1, total=body_length)
    return rules.parse_content_range(header)


def _appended(result: ChunkResult, size: int) -> UploadReply:
    """Answer what the store did with the chunk.

    A file another request finished meanwhile is 200, never a 422: a 422 always means
    this request's bytes were checked and refused.
    """
    outcome = result.outcome
    if outcome is ChunkOutcome.STORED:
        return UploadReply(status=204, offset=result.held, length=size)
    if outcome is ChunkOutcome.COMPLETED:
        return UploadReply(status=201, offset=size, length=size)
    if outcome is ChunkOutcome.ALREADY_COMPLETE:
        return UploadReply(status=200, offset=size, length=size)
    if outcome is ChunkOutcome.OFFSET_MISMATCH:
        return _offset_mismatch(result.held, size)
    return UploadReply(status=422, offset=0, length=size, issues=result.issues)


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
