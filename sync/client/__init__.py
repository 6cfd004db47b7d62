"""The reference sync client: stdlib only, durable outbox in SQLite, resumable uploads."""

from __future__ import annotations

from sync.client.backoff import Retrier, RetriesExhausted, full_jitter
from sync.client.client import PushReport, SyncClient, SyncRefused
from sync.client.outbox import Outbox, OutboxError, PendingAttachment
from sync.client.transport import HttpTransport, Response, Transport, TransportError

__all__ = [
    "HttpTransport",
    "Outbox",
    "OutboxError",
    "PendingAttachment",
    "PushReport",
    "Response",
    "Retrier",
    "RetriesExhausted",
    "SyncClient",
    "SyncRefused",
    "Transport",
    "TransportError",
    "full_jitter",
]
