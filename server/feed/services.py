"""Appending to the change feed, in commit order."""

from django.db import connection, transaction

from server.feed.models import FeedEntry, FeedKind

# An arbitrary constant: the PostgreSQL advisory lock that orders feed writers.
_FEED_LOCK_KEY = 0x43485459  # "CHTY"


def lock_feed() -> None:
    """Serialise feed writers until commit so seq order equals commit order.

    SQLite already serialises writers (transaction_mode IMMEDIATE). On PostgreSQL a
    transaction-level advisory lock is held from the first append until commit.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_FEED_LOCK_KEY])


def feed_append(
    *, kind: str, record_id: object, scope_path: str, of_kind: str = "", reason: str = ""
) -> None:
    """Record that a record changed; call inside the writing transaction, last."""
    entry = FeedEntry(
        kind=kind, record_id=str(record_id), scope_path=scope_path, of_kind=of_kind, reason=reason
    )
    feed_extend([entry])


def feed_extend(entries: list[FeedEntry]) -> None:
    """Insert unsaved entries in one statement, in list order; same rules as feed_append.

    The lock is held from here to commit, so the caller should do this as late as it can.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("feed entries must be written inside the writing transaction")
    if entries:
        lock_feed()
        FeedEntry.objects.bulk_create(entries)


def feed_append_tombstone(*, of_kind: str, record_id: object, scope_path: str, reason: str) -> None:
    feed_append(
        kind=FeedKind.TOMBSTONE,
        record_id=record_id,
        scope_path=scope_path,
        of_kind=of_kind,
        reason=reason,
    )
