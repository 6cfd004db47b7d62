"""Writes: folding stale villages back into the stored counters, and targets.

Why markers and not a service every writer calls: households, members, assessments and
status records are written by several apps, often in bulk (`bulk_create`, `update()`),
which run no Python hooks. Database triggers (migration 0002) insert a `DirtyVillage`
row in the writer's own transaction, so no write path can forget it and a rolled-back
write leaves no marker. Reads stay exact without waiting for a refresh
(`selectors.unit_counters` recomputes dirty villages live); the refresh only makes the
next read cheaper.

Concurrency: refreshes are serialised by a transaction-scoped lock (an advisory lock on
PostgreSQL; SQLite serialises writers itself). After taking it, a refresh reads a batch
of markers, recomputes those villages, replaces their counters and deletes exactly the
marker rows it read. A write that commits meanwhile inserted its own marker, which was
not read, so its village stays dirty until the next refresh: nothing is lost.
"""

from django.db import connection, transaction

from server.reports import selectors
from server.reports.models import DirtyVillage, VillageFigure

REFRESH_BATCH = 200
_LOCK_KEY = 0x5245504F  # "REPO"


def figures_refresh(*, max_villages: int | None = None) -> int:
    """Fold dirty villages into the stored counters, batch by batch; return villages done."""
    done = 0
    while max_villages is None or done < max_villages:
        count = _refresh_batch()
        if not count:
            break
        done += count
    return done


@transaction.atomic
def _refresh_batch() -> int:
    _lock()
    markers = list(DirtyVillage.objects.order_by("pk").values_list("pk", "village_id")[:5000])
    village_ids = sorted({v for _pk, v in markers})[:REFRESH_BATCH]
    if not village_ids:
        return 0
    taken = [pk for pk, v in markers if v in set(village_ids)]
    villages_replace(village_ids)
    DirtyVillage.objects.filter(pk__in=taken).delete()
    return len(village_ids)


def villages_replace(village_ids: list[int]) -> None:
    """Recompute the villages' counters and store them in place of the old ones."""
    counters = selectors.village_counters(village_ids)
    paths = dict(selectors.villages_paths(village_ids))
    VillageFigure.objects.filter(village_id__in=village_ids).delete()
    VillageFigure.objects.bulk_create(
        [
            VillageFigure(village_id=v, path=paths[v], metric=metric, value=value)
            for v, values in counters.items()
            if v in paths
            for metric, value in values.items()
        ],
        batch_size=2000,
    )


def figures_rebuild() -> int:
    """Recompute every village from scratch (first install, or after a bulk import)."""
    with transaction.atomic():
        _lock()
        DirtyVillage.objects.all().delete()
        ids = list(selectors.all_village_ids())
        for start in range(0, len(ids), REFRESH_BATCH):
            villages_replace(ids[start : start + REFRESH_BATCH])
    return len(ids)


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
