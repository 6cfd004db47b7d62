"""Pure decisions of the sync protocol: hashing, receipts, revisions, limits, ranges.

Nothing here does I/O. The server adapter and the reference client both call these
functions, so the two sides cannot disagree about what a repeat or a range means.
"""

from __future__ import annotations

import enum
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sync.errors import AttachmentTooLarge, BatchTooLarge, DecodeError, issue
from sync.messages import JsonValue, Outcome, PushItem

if TYPE_CHECKING:
    from sync.ports import Claim

MAX_BATCH_ITEMS = 100
MAX_BATCH_BYTES = 5 * 1024 * 1024
"""Limit on the push request body, in bytes, as sent (before any decompression)."""
MAX_ATTACHMENTS_PER_ITEM = 20
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_PULL_LIMIT = 500
DEFAULT_PULL_LIMIT = 200

_SHA256 = re.compile(r"[0-9a-f]{64}")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_CONTENT_RANGE = re.compile(r"bytes ([0-9]{1,12})-([0-9]{1,12})/([0-9]{1,12})")


def canonical_json(value: Mapping[str, JsonValue] | JsonValue) -> bytes:
    """Serialise a JSON value the one way both sides hash it.

    Sorted keys, no whitespace, UTF-8 without \\u escapes for non-ASCII. Floats are
    refused upstream by the codec because their text differs across languages.
    """
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )
    return text.encode("utf-8")


def payload_sha256(payload: Mapping[str, JsonValue]) -> str:
    """Return the lowercase hex SHA-256 of the canonical JSON of a payload."""
    return hashlib.sha256(canonical_json(payload)).hexdigest()


def is_sha256(text: str) -> bool:
    return _SHA256.fullmatch(text) is not None


def is_attachment_name(text: str) -> bool:
    """Accept names safe as one URL path segment and as a file name on any OS."""
    return _NAME.fullmatch(text) is not None and ".." not in text


def classify_receipt(*, created: bool, stored_sha256: str, incoming_sha256: str) -> Outcome:
    """Decide what storing an item under its client UUID means.

    The database decides `created` through a unique constraint; this function only
    interprets it, so concurrent retries cannot both be accepted.
    """
    if created:
        return Outcome.ACCEPTED
    if stored_sha256 == incoming_sha256:
        return Outcome.DUPLICATE
    return Outcome.CONFLICT


def same_identity(claim: Claim, item: PushItem) -> bool:
    """Whether a resent client_uuid names the same kind and target as its original.

    Anything else is a different item reusing the UUID: refused, never kept as a
    conflict, so a resend cannot reach a record the original did not name.
    """
    if claim.kind is not None and claim.kind != item.kind.value:
        return False
    return not claim.target_known or claim.target == item.target


def replay_outcome(stored: Outcome) -> Outcome:
    """Return the answer to a byte-identical resend of an item already settled.

    A resend after a lost response must see the same verdict again: an accepted item
    reads as `duplicate`, a conflict stays a conflict.
    """
    if stored is Outcome.CONFLICT:
        return Outcome.CONFLICT
    return Outcome.DUPLICATE


def is_stale(*, base_revision: int, current_revision: int) -> bool:
    """Return True when an edit was made on another revision than the server's current one.

    Any difference counts, including a base ahead of the server, which only a
    confused client can send; neither may overwrite.
    """
    return base_revision != current_revision


def check_batch_bytes(content_length: int | None) -> None:
    """Raise BatchTooLarge (413) before parsing a push body beyond MAX_BATCH_BYTES."""
    if content_length is not None and content_length > MAX_BATCH_BYTES:
        raise BatchTooLarge([issue("", "batch_too_large", limit=MAX_BATCH_BYTES)])


def check_batch_items(count: int) -> None:
    """Raise BatchTooLarge (413) when a batch holds more than MAX_BATCH_ITEMS items."""
    if count > MAX_BATCH_ITEMS:
        raise BatchTooLarge([issue("items", "too_many_items", limit=MAX_BATCH_ITEMS)])


def check_upload_bytes(content_length: int | None) -> None:
    """Raise AttachmentTooLarge (413) before reading a PUT body beyond one attachment."""
    if content_length is not None and content_length > MAX_ATTACHMENT_BYTES:
        raise AttachmentTooLarge([issue("", "attachment_too_large", limit=MAX_ATTACHMENT_BYTES)])


def check_body_complete(content_length: int | None, received: int) -> None:
    """Raise DecodeError (400 `body_truncated`) when fewer bytes arrived than announced.

    A cut connection is the network's fault, not the server's: it is answered (if
    anyone still listens) and logged as a refusal, not as an error.
    """
    if content_length is not None and received < content_length:
        raise DecodeError(
            [issue("Content-Length", "body_truncated", received=received, expected=content_length)]
        )


def clamp_pull_limit(raw: str | None) -> int:
    """Parse the `limit` query parameter; absent means DEFAULT_PULL_LIMIT.

    Values above MAX_PULL_LIMIT are lowered rather than refused, so a server can
    shrink its pages without breaking clients.
    """
    if raw is None or raw == "":
        return DEFAULT_PULL_LIMIT
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6 or int(raw) < 1:
        raise DecodeError([issue("limit", "out_of_range", low=1, high=MAX_PULL_LIMIT)])
    return min(int(raw), MAX_PULL_LIMIT)


@dataclass(frozen=True)
class ContentRange:
    """An inclusive byte range of an upload: bytes start..end of total."""

    start: int
    end: int
    total: int

    @property
    def length(self) -> int:
        return self.end - self.start + 1


def parse_content_range(header: str) -> ContentRange:
    """Parse `bytes START-END/TOTAL` strictly (RFC 9110 §14.4, no `*` forms).

    Refuses end before start, end at or beyond total, and whitespace variants.
    """
    match = _CONTENT_RANGE.fullmatch(header)
    if match is None:
        raise DecodeError([issue("Content-Range", "content_range_invalid")])
    start, end, total = (int(g) for g in match.groups())
    if end < start or end >= total:
        raise DecodeError([issue("Content-Range", "content_range_invalid")])
    return ContentRange(start=start, end=end, total=total)


def content_range_header(start: int, length: int, total: int) -> str:
    """Return the Content-Range value for `length` bytes from `start` of `total`."""
    return f"bytes {start}-{start + length - 1}/{total}"


class ChunkVerdict(enum.Enum):
    """What the server does with one PUT of attachment bytes."""

    APPEND = "append"
    ALREADY_COMPLETE = "already_complete"
    SIZE_MISMATCH = "size_mismatch"
    OFFSET_MISMATCH = "offset_mismatch"
    LENGTH_MISMATCH = "length_mismatch"
    TOO_LARGE = "too_large"


def judge_chunk(
    *, declared_size: int, received: int, complete: bool, rng: ContentRange, body_length: int
) -> ChunkVerdict:
    """Decide one upload chunk against what the server already holds.

    Invariant kept: the server's bytes are always a prefix of the declared file, so a
    chunk is appended only when it starts exactly at the received offset.
    """
    if complete:
        return ChunkVerdict.ALREADY_COMPLETE
    if rng.total > MAX_ATTACHMENT_BYTES:
        return ChunkVerdict.TOO_LARGE
    if rng.total != declared_size:
        return ChunkVerdict.SIZE_MISMATCH
    if rng.length != body_length:
        return ChunkVerdict.LENGTH_MISMATCH
    if rng.start != received:
        return ChunkVerdict.OFFSET_MISMATCH
    return ChunkVerdict.APPEND
