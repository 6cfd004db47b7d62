"""A durable outbox, pull cursor and local registry in one SQLite file.

Write-ahead rule: an item is marked `sending` and committed before any byte goes to
the network. After a crash, `sending` items are simply sent again; the server answers
`duplicate`, so a lost response can never create a second row.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from uuid import UUID

from sync import codec, rules
from sync.messages import ChangeKind, ItemOutcome, Outcome, PullPage, PushItem

ITEM_STATES = ("waiting", "sending", "sent", "conflict", "rejected")
ATTACHMENT_STATES = ("waiting", "sending", "sent", "rejected")
_OUTCOME_STATE = {
    Outcome.ACCEPTED: "sent",
    Outcome.DUPLICATE: "sent",
    Outcome.CONFLICT: "conflict",
    Outcome.REJECTED: "rejected",
}
BATCH_OVERHEAD_BYTES = 64
"""Room for the envelope around the items: {"protocol":1,"items":[...]} and commas."""

SCHEMA = """
CREATE TABLE IF NOT EXISTS items (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    client_uuid TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('waiting','sending','sent','conflict','rejected')),
    revision INTEGER,
    detail TEXT,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS attachments (
    item_uuid TEXT NOT NULL REFERENCES items(client_uuid),
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('waiting','sending','sent','rejected')),
    detail TEXT,
    PRIMARY KEY (item_uuid, name)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS registry (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
"""


class OutboxError(Exception):
    """The outbox refused an operation (e.g. one UUID enqueued with two payloads)."""


@dataclass(frozen=True)
class PendingAttachment:
    """An attachment whose bytes the server may still lack."""

    item_uuid: UUID
    name: str
    path: Path
    sha256: str
    size: int


class Outbox:
    """The client's durable state; every method commits before it returns."""

    def __init__(self, path: Path | str) -> None:
        self.db = sqlite3.connect(str(path), isolation_level=None, timeout=30)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.db.executescript(SCHEMA)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """Run a block in one IMMEDIATE transaction: all of it is durable, or none."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # --- enqueue -------------------------------------------------------------------

    def enqueue(self, item: PushItem, files: Mapping[str, Path]) -> bool:
        """Store an item and its attachment files; return False if already enqueued.

        Raises OutboxError when the UUID is known with another body, or when the
        item alone would exceed the batch byte limit.
        """
        body = rules.canonical_json(codec.encode_item(item)).decode("utf-8")
        if len(body.encode("utf-8")) + BATCH_OVERHEAD_BYTES > rules.MAX_BATCH_BYTES:
            raise OutboxError(f"item {item.client_uuid} exceeds {rules.MAX_BATCH_BYTES} bytes")
        with self._tx() as db:
            row = db.execute(
                "SELECT body FROM items WHERE client_uuid=?", (str(item.client_uuid),)
            ).fetchone()
            if row is not None:
                if row[0] != body:
                    raise OutboxError(f"item {item.client_uuid} already enqueued with another body")
                return False
            db.execute(
                "INSERT INTO items (client_uuid, body, state) VALUES (?, ?, 'waiting')",
                (str(item.client_uuid), body),
            )
            for ref in item.attachments:
                db.execute(
                    "INSERT INTO attachments VALUES (?, ?, ?, ?, ?, 'waiting', NULL)",
                    (str(item.client_uuid), ref.name, str(files[ref.name]), ref.sha256, ref.size),
                )
        return True

    def requeue(self, item: PushItem, files: Mapping[str, Path]) -> None:
        """Replace a rejected item by its corrected version under the same UUID.

        Safe because a rejected item leaves nothing on the server. Conflicts are not
        requeued: an edit made after a conflict is a new item with a new UUID.
        """
        with self._tx() as db:
            row = db.execute(
                "SELECT state FROM items WHERE client_uuid=?", (str(item.client_uuid),)
            ).fetchone()
            if row is None or row[0] != "rejected":
                raise OutboxError(f"item {item.client_uuid} is not rejected")
            db.execute("DELETE FROM attachments WHERE item_uuid=?", (str(item.client_uuid),))
            db.execute("DELETE FROM items WHERE client_uuid=?", (str(item.client_uuid),))
        self.enqueue(item, files)

    # --- push ----------------------------------------------------------------------

    def claim_batch(
        self, *, max_items: int = rules.MAX_BATCH_ITEMS, max_bytes: int = rules.MAX_BATCH_BYTES
    ) -> list[dict[str, object]]:
        """Pick the oldest unsettled items within the limits and mark them `sending`.

        Items left `sending` by a crashed run are picked again first, in enqueue order.
        """
        with self._tx() as db:
            rows = db.execute(
                "SELECT client_uuid, body FROM items WHERE state IN ('waiting','sending') ORDER BY id LIMIT ?",
                (max_items,),
            ).fetchall()
            chosen = _within_bytes(rows, max_bytes)
            db.executemany(
                "UPDATE items SET state='sending', attempts=attempts+1 WHERE client_uuid=?",
                [(uuid,) for uuid, _ in chosen],
            )
        return [json.loads(body) for _, body in chosen]

    def record_outcomes(self, outcomes: Sequence[ItemOutcome]) -> None:
        """Settle items from the server's answer, and note which photos it already has."""
        with self._tx() as db:
            for o in outcomes:
                _record_outcome(db, o)

    def release(self, client_uuids: Sequence[str]) -> None:
        """Return items to `waiting` after a refusal that says nothing about them."""
        with self._tx() as db:
            db.executemany(
                "UPDATE items SET state='waiting' WHERE client_uuid=? AND state='sending'",
                [(u,) for u in client_uuids],
            )

    def pending_attachments(self) -> list[PendingAttachment]:
        """Return attachments still to upload for items the server has settled."""
        rows = self.db.execute(
            "SELECT a.item_uuid, a.name, a.path, a.sha256, a.size FROM attachments a "
            "JOIN items i ON i.client_uuid = a.item_uuid "
            "WHERE a.state IN ('waiting','sending') AND i.state IN ('sent','conflict') ORDER BY i.id, a.name"
        ).fetchall()
        return [PendingAttachment(UUID(r[0]), r[1], Path(r[2]), r[3], r[4]) for r in rows]

    def set_attachment_state(
        self, item_uuid: UUID, name: str, state: str, detail: str | None = None
    ) -> None:
        with self._tx() as db:
            db.execute(
                "UPDATE attachments SET state=?, detail=? WHERE item_uuid=? AND name=?",
                (state, detail, str(item_uuid), name),
            )

    # --- inspection ----------------------------------------------------------------

    def item_states(self) -> dict[str, str]:
        rows = self.db.execute("SELECT client_uuid, state FROM items ORDER BY id").fetchall()
        return dict(rows)

    def item_detail(self, client_uuid: UUID) -> tuple[str, int | None, object]:
        """Return (state, revision, detail) of one item; detail is decoded JSON or None."""
        state, revision, detail = self.db.execute(
            "SELECT state, revision, detail FROM items WHERE client_uuid=?", (str(client_uuid),)
        ).fetchone()
        return state, revision, json.loads(detail) if detail else None

    def attachment_states(self) -> dict[tuple[str, str], str]:
        rows = self.db.execute("SELECT item_uuid, name, state FROM attachments").fetchall()
        return {(u, n): s for u, n, s in rows}

    # --- pull ----------------------------------------------------------------------

    def cursor(self) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key='cursor'").fetchone()
        return None if row is None else str(row[0])

    def apply_page(self, page: PullPage) -> None:
        """Apply a pulled page and advance the cursor in the same transaction.

        A crash therefore either keeps the old cursor with the old data, or the new
        cursor with the new data; never a cursor ahead of the data.
        """
        with self._tx() as db:
            if page.reset:
                db.execute("DELETE FROM registry")
            for change in page.changes:
                _apply_change(db, change.kind, change.id, change.seq, dict(change.data))
            db.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('cursor', ?)", (page.next_cursor,)
            )

    def registry(self) -> dict[tuple[str, str], dict[str, object]]:
        rows = self.db.execute("SELECT kind, id, data FROM registry").fetchall()
        return {(k, i): json.loads(d) for k, i, d in rows}


def _within_bytes(rows: list[tuple[str, str]], max_bytes: int) -> list[tuple[str, str]]:
    """Keep the longest prefix of rows whose encoded request fits in max_bytes."""
    total, chosen = BATCH_OVERHEAD_BYTES, []
    for uuid, body in rows:
        total += len(body.encode("utf-8")) + 1
        if total > max_bytes:
            break
        chosen.append((uuid, body))
    return chosen


def _record_outcome(db: sqlite3.Connection, o: ItemOutcome) -> None:
    detail = {
        "conflict_reason": o.conflict_reason.value if o.conflict_reason else None,
        "errors": [codec.encode_issue(i) for i in o.errors],
    }
    db.execute(
        "UPDATE items SET state=?, revision=?, detail=? WHERE client_uuid=?",
        (
            _OUTCOME_STATE[o.outcome],
            o.revision,
            json.dumps(detail, ensure_ascii=False),
            str(o.client_uuid),
        ),
    )
    if o.outcome in (Outcome.ACCEPTED, Outcome.DUPLICATE, Outcome.CONFLICT):
        _mark_held_attachments(db, str(o.client_uuid), o.missing_attachments)


def _mark_held_attachments(db: sqlite3.Connection, item_uuid: str, missing: Sequence[str]) -> None:
    """Mark as sent every attachment of the item that the server did not list as missing."""
    rows = db.execute("SELECT name FROM attachments WHERE item_uuid=?", (item_uuid,)).fetchall()
    held = [(item_uuid, name) for (name,) in rows if name not in missing]
    db.executemany("UPDATE attachments SET state='sent' WHERE item_uuid=? AND name=?", held)


def _apply_change(
    db: sqlite3.Connection, kind: ChangeKind, change_id: str, seq: int, data: dict[str, object]
) -> None:
    if kind is ChangeKind.TOMBSTONE:
        db.execute(
            "DELETE FROM registry WHERE kind=? AND id=?", (str(data.get("of", "")), change_id)
        )
        return
    db.execute(
        "INSERT OR REPLACE INTO registry (kind, id, seq, data) VALUES (?, ?, ?, ?)",
        (kind.value, change_id, seq, json.dumps(data, ensure_ascii=False)),
    )
