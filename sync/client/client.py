"""The reference sync client: push the outbox, upload photos resumably, pull changes.

It speaks only through a Transport and keeps all state in the Outbox, so killing the
process at any point loses nothing: the next run resends, and the server's duplicate
detection makes the resend harmless.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from sync import codec, rules
from sync.client.backoff import Retrier
from sync.client.outbox import Outbox, PendingAttachment
from sync.client.transport import Response, Transport
from sync.errors import DecodeError, Issue, issue
from sync.messages import Outcome, PullPage, PushResult
from sync.uploads import LENGTH_HEADER, OFFSET_HEADER
from sync.version import PROTOCOL_HEADER, PROTOCOL_VERSION

PUSH_PATH = "/api/v1/sync/push"
PULL_PATH = "/api/v1/sync/pull"
ATTACHMENT_PATH = "/api/v1/sync/attachments/{item_uuid}/{name}"
DEFAULT_CHUNK_BYTES = 256 * 1024
MAX_HASH_RESTARTS = 2
"""Full re-uploads allowed after the server reports a SHA-256 mismatch."""


class SyncRefused(Exception):
    """The server refused a request in a way retrying cannot fix (400, 401, 413, 426...)."""

    def __init__(self, status: int, issues: tuple[Issue, ...]) -> None:
        super().__init__(f"HTTP {status}: " + "; ".join(f"{i.path} {i.code}" for i in issues))
        self.status, self.issues = status, issues


@dataclass
class PushReport:
    """Counts of item outcomes and attachment results of one push run."""

    outcomes: dict[str, int] = field(default_factory=dict)
    uploaded: int = 0
    failed_uploads: int = 0


class SyncClient:
    """Drive push, uploads and pull for one device token against one server."""

    def __init__(
        self,
        *,
        transport: Transport,
        outbox: Outbox,
        token: str,
        retrier: Retrier | None = None,
        chunk_bytes: int = DEFAULT_CHUNK_BYTES,
        batch_items: int = rules.MAX_BATCH_ITEMS,
    ) -> None:
        self.transport, self.outbox, self.token = transport, outbox, token
        self.retrier = retrier or Retrier()
        self.chunk_bytes = chunk_bytes
        self.batch_items = min(batch_items, rules.MAX_BATCH_ITEMS)

    def _headers(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        headers = {"Authorization": f"Token {self.token}", PROTOCOL_HEADER: str(PROTOCOL_VERSION)}
        return {**headers, **(extra or {})}

    def _send(self, method: str, path: str, body: bytes | None = None, **extra: str) -> Response:
        headers = self._headers(extra)
        return self.retrier.call(
            lambda: self.transport.request(method, path, headers=headers, body=body)
        )

    # --- push ----------------------------------------------------------------------

    def push(self) -> PushReport:
        """Send every unsettled item in batches, then upload the photos still missing."""
        report = PushReport()
        while batch := self.outbox.claim_batch(max_items=self.batch_items):
            if not self._push_batch(batch, report):
                break
        self.upload_pending(report)
        return report

    def _push_batch(self, batch: list[dict[str, object]], report: PushReport) -> bool:
        """Send one batch; return False when the answer left some item unsettled."""
        body = json.dumps({"protocol": PROTOCOL_VERSION, "items": batch}, ensure_ascii=False)
        response = self._send(
            "POST", PUSH_PATH, body.encode("utf-8"), **{"Content-Type": "application/json"}
        )
        try:
            result = _push_result(response)
        except SyncRefused:
            self.outbox.release([str(item["client_uuid"]) for item in batch])
            raise
        self.outbox.record_outcomes(result.items)
        for outcome in result.items:
            key = outcome.outcome.value
            report.outcomes[key] = report.outcomes.get(key, 0) + 1
        answered = {str(o.client_uuid) for o in result.items}
        unanswered = [str(i["client_uuid"]) for i in batch if str(i["client_uuid"]) not in answered]
        self.outbox.release(unanswered)
        return not unanswered

    # --- attachments ---------------------------------------------------------------

    def upload_pending(self, report: PushReport | None = None) -> None:
        """Upload every attachment the server still lacks; failures stay for next run."""
        report = report if report is not None else PushReport()
        for pending in self.outbox.pending_attachments():
            if self.upload(pending):
                report.uploaded += 1
            else:
                report.failed_uploads += 1

    def upload(self, pending: PendingAttachment) -> bool:
        """Upload one file from where the server stopped; return True once complete."""
        data = pending.path.read_bytes() if pending.path.is_file() else b""
        if hashlib.sha256(data).hexdigest() != pending.sha256 or len(data) != pending.size:
            self._give_up(pending, 400, "local_file_changed")
            return False
        self.outbox.set_attachment_state(pending.item_uuid, pending.name, "sending")
        path = ATTACHMENT_PATH.format(item_uuid=pending.item_uuid, name=quote(pending.name))
        offset = self._head(pending, path)
        return offset is not None and self._upload_from(pending, path, data, offset)

    def _head(self, pending: PendingAttachment, path: str) -> int | None:
        """Return the bytes the server holds (the size only once it verified the file).

        None, after recording why, when the answer is a refusal or not the protocol's
        (a captive portal's 200 carries no Upload-Offset).
        """
        response = self._send("HEAD", path)
        offset = _upload_offset(response, pending.size)
        if response.status != 200 or offset is None:
            self._give_up(pending, response.status, "head")
            return None
        return offset

    def _upload_from(self, pending: PendingAttachment, path: str, data: bytes, offset: int) -> bool:
        """PUT chunks from `offset`, following the server's Upload-Offset after each reply.

        The loop is bounded so a misbehaving server cannot keep the client spinning.
        """
        restarts, budget = 0, 4 * (len(data) // self.chunk_bytes + 2) * (MAX_HASH_RESTARTS + 1)
        while offset < len(data) and budget > 0:
            budget -= 1
            chunk = data[offset : offset + self.chunk_bytes]
            rng = rules.content_range_header(offset, len(chunk), len(data))
            response = self._send("PUT", path, chunk, **{"Content-Range": rng})
            status, held = response.status, _upload_offset(response, len(data))
            if status == 422 and _code(response) == "sha256_mismatch":
                restarts += 1
                held = 0 if restarts <= MAX_HASH_RESTARTS else None
            elif status == 422:
                return self._refused_bytes(pending, path)
            if status in (200, 201) and held == len(data):
                return self._done(pending)
            if status == 409 and held == len(data):
                held = self._head(pending, path)  # held but maybe unchecked: HEAD checks it
                if held is None:
                    return False
            elif status not in (204, 409, 422) or held is None:
                self._give_up(pending, status, "put")
                return False
            offset = held
        return offset >= len(data) and self._done(pending)

    def _refused_bytes(self, pending: PendingAttachment, path: str) -> bool:
        """A 422 image fault: the file is refused unless another request finished it."""
        if self._head(pending, path) == pending.size:
            return self._done(pending)
        self._give_up(pending, 422, "put")
        return False

    def _done(self, pending: PendingAttachment) -> bool:
        self.outbox.set_attachment_state(pending.item_uuid, pending.name, "sent")
        return True

    def _give_up(self, pending: PendingAttachment, status: int, where: str) -> None:
        """Reject for refusals a retry cannot cure; otherwise leave it for the next run."""
        state = "rejected" if status in (400, 404, 413, 422) else "waiting"
        detail = where if where == "local_file_changed" else f"{where}_{status}"
        self.outbox.set_attachment_state(pending.item_uuid, pending.name, state, detail)

    # --- pull ----------------------------------------------------------------------

    def pull(self, *, limit: int = rules.DEFAULT_PULL_LIMIT) -> int:
        """Fetch pages until has_more is false; return the number of changes applied."""
        applied = 0
        while True:
            query = {"limit": str(limit)}
            cursor = self.outbox.cursor()
            if cursor is not None:
                query["cursor"] = cursor
            response = self._send("GET", f"{PULL_PATH}?{urlencode(query)}")
            page = _pull_page(response)
            self.outbox.apply_page(page)
            applied += len(page.changes)
            if not page.has_more:
                return applied


def _push_result(response: Response) -> PushResult:
    """Decode a push answer; a 200 that is not ours (a captive portal) is refused too."""
    if response.status != 200:
        raise _refusal(response)
    try:
        return codec.decode_push_result(json.loads(response.body))
    except (ValueError, DecodeError):
        raise SyncRefused(response.status, (issue("", "invalid_json"),)) from None


def _pull_page(response: Response) -> PullPage:
    if response.status != 200:
        raise _refusal(response)
    try:
        return codec.decode_pull_page(json.loads(response.body))
    except (ValueError, DecodeError):
        raise SyncRefused(response.status, (issue("", "invalid_json"),)) from None


def _upload_offset(response: Response, size: int) -> int | None:
    """Upload-Offset of a protocol answer about a file of `size` bytes, else None.

    An answer without both headers, or about another length, is not the server's (a
    captive portal, a proxy's error page) and must not be taken as progress.
    """
    offset, length = response.header(OFFSET_HEADER), response.header(LENGTH_HEADER)
    if not (offset and offset.isdigit() and length == str(size)) or int(offset) > size:
        return None
    return int(offset)


def _code(response: Response) -> str:
    """Return the first issue code of an error body, or '' when there is none."""
    issues = _issues(response)
    return issues[0].code if issues else ""


def _issues(response: Response) -> tuple[Issue, ...]:
    try:
        raw = json.loads(response.body)["error"]["issues"]
        return tuple(codec.decode_issue(i) for i in raw)
    except (ValueError, KeyError, TypeError):
        return ()


def _refusal(response: Response) -> SyncRefused:
    return SyncRefused(response.status, _issues(response))


def outcome_counts(report: PushReport) -> dict[str, int]:
    """Return outcome counts with every outcome present, for stable CLI output."""
    return {o.value: report.outcomes.get(o.value, 0) for o in Outcome}


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
