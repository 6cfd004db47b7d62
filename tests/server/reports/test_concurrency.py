"""A write that commits while a refresh runs is never lost (PostgreSQL, two connections).

The writer's marker is not visible to the refresh, so the refresh leaves it; the village
stays dirty and the next read or refresh counts the write.
"""

import threading

import pytest
from django.db import connection, connections, transaction

from server.registry.models import Household
from server.reports import selectors, services
from server.reports.models import DirtyVillage, VillageFigure
from tests.server.conftest import Tree
from tests.server.reports.conftest import Make

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent writers"),
]


def test_a_write_committed_during_a_refresh_stays_dirty(
    tree: Tree, make_household: Make, monkeypatch: pytest.MonkeyPatch
) -> None:
    household = make_household(tree.village1a, status="near_poor")
    services.figures_refresh()
    written, release = threading.Event(), threading.Event()

    def writer() -> None:
        try:
            with transaction.atomic():
                Household.objects.filter(pk=household.pk).update(status="poor")
                written.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=writer)
    thread.start()
    assert written.wait(10)
    recompute = services.villages_replace

    def recompute_then_let_the_writer_commit(village_ids: list[int]) -> None:
        recompute(village_ids)  # counts the village without the uncommitted write
        release.set()
        thread.join(10)  # the write and its marker commit before the refresh deletes markers

    monkeypatch.setattr(services, "villages_replace", recompute_then_let_the_writer_commit)
    DirtyVillage.objects.create(village_id=tree.village1a.pk)  # so the refresh has work
    assert services.figures_refresh(max_villages=1) == 1  # one batch only
    monkeypatch.undo()
    stale = VillageFigure.objects.filter(village=tree.village1a, metric="st:poor").exists()
    assert stale is False  # the batch counted the village before the write committed
    assert list(DirtyVillage.objects.values_list("village_id", flat=True)) == [tree.village1a.pk]
    assert selectors.unit_counters(tree.village1a).get("st:poor") == 1  # exact before a refresh
    services.figures_refresh()
    stored = VillageFigure.objects.get(village=tree.village1a, metric="st:poor").value
    assert stored == 1
