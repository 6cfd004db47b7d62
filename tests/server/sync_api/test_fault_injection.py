"""End to end through a faulty network and a server crash: nothing lost, nothing doubled.

A real gunicorn serves a throwaway database (PostgreSQL when DATABASE_URL names one,
else SQLite in a temp dir; pytest-django's test database is invisible to another
process, so this test prepares its own and never uses the `db` fixture). The seeded
chaos proxy sits in front and drops, cuts, delays, replays and loses answers. Four
phones of one volunteer push 2,000 Phiếu B surveys with two real JPEGs each through the
reference client, each from its own outbox file. Midway through the pushes (after the
proxy has seen RESTART_AFTER connections, while every phone still has batches to send),
gunicorn is killed with SIGKILL, so in-flight item transactions die with it, and started
again on the same port. A second kill is aimed: the first worker to store a verified
photo exits right after writing the file, before its transaction commits
(server.evidence.faults). The phones drain their outboxes (surveys, then photos); then
the database must hold every submission exactly once, scored, with every photo stored
once, byte-identical.

The proxy's fault for connection n is fixed by the seed; which request is connection n
depends on thread timing, so the faults hit different requests from run to run, which
is what a fault-injection test should survive anyway.
"""

from __future__ import annotations

import hashlib
import os
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench.sync.chaos_proxy import ChaosConfig, ChaosProxy, Fault
from bench.sync.payloads import Photo, household_id, item_uuid, jpeg, survey_item
from bench.sync.servers import Database, Gunicorn, database, setup_area
from server.evidence.faults import CRASH_ENV
from sync import codec
from sync.client import HttpTransport, Outbox, Retrier, RetriesExhausted, SyncClient

pytestmark = pytest.mark.slow

SUBMISSIONS = 2000
PHOTOS_PER_SUBMISSION = 2
PHONES = 4
HOUSEHOLDS = 400
SEED = 20261122
RESTART_AFTER = 24
"""Proxy connections before the crash: about 6 of each phone's 10 push batches."""
RUN = "fault-injection"
DEADLINE_SECONDS = 900
CHAOS = ChaosConfig(
    seed=SEED,
    drop=0.04,
    reset_mid_body=0.04,
    lose_response=0.04,
    delay=0.03,
    replay=0.04,
    max_delay_seconds=0.3,
)


@dataclass
class Phone:
    """What one device enqueued and, after draining, the states its outbox ended in."""

    uuids: list[str] = field(default_factory=list)
    photos: dict[tuple[str, str], str] = field(default_factory=dict)
    item_states: set[str] = field(default_factory=set)
    attachment_states: set[str] = field(default_factory=set)


@pytest.fixture
def external_db(tmp_path: Path) -> Iterator[Database]:
    """A migrated database with forms, a 400-household commune and 4 device tokens."""
    url = os.environ.get("DATABASE_URL", "")
    vendor = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    db = database(vendor, f"chungtay_fault_{uuid.uuid4().hex[:12]}", tmp_path, url or None)
    db.create()
    try:
        yield db
    finally:
        db.drop()


def _client(index: int, token: str, url: str, outbox: Outbox) -> SyncClient:
    """The reference client with a test-fast, seeded retry schedule."""
    rng = random.Random(SEED + index)
    retrier = Retrier(max_attempts=6, base_seconds=0.05, cap_seconds=0.5, rand=rng.random)
    return SyncClient(
        transport=HttpTransport(url, timeout=30),
        outbox=outbox,
        token=token,
        retrier=retrier,
        batch_items=50,
    )


def _enqueue(index: int, outbox: Outbox, folder: Path, phone: Phone) -> None:
    """This phone's share of surveys, on households index+1, index+1+PHONES, ... (disjoint
    across phones, as villages are across volunteers), each with two distinct JPEGs."""
    mine = list(range(index + 1, HOUSEHOLDS + 1, PHONES))
    for k in range(SUBMISSIONS // PHONES):
        serial = index * SUBMISSIONS + k
        photos = tuple(
            Photo(f"photo-{p}.jpg", jpeg(serial * PHOTOS_PER_SUBMISSION + p, side=64))
            for p in range(PHOTOS_PER_SUBMISSION)
        )
        files = {}
        for p, photo in enumerate(photos):
            files[photo.name] = folder / f"{serial}-{p}.jpg"
            files[photo.name].write_bytes(photo.data)
        wire = survey_item(
            client_uuid=item_uuid(RUN, serial),
            household=household_id("99001", mine[k % len(mine)]),
            serial=serial,
            photos=photos,
        )
        outbox.enqueue(codec.decode_push({"protocol": 1, "items": [wire]}).items[0], files)
        phone.uuids.append(wire["client_uuid"])
        phone.photos.update({(wire["client_uuid"], p.name): p.sha256 for p in photos})


def _pending(outbox: Outbox) -> bool:
    """Something is still to send; a rejection ends the loop (the assertions report it)."""
    items = set(outbox.item_states().values())
    attachments = set(outbox.attachment_states().values())
    if "rejected" in items | attachments:
        return False
    return bool(items - {"sent"} or attachments - {"sent"})


def _run_phone(
    index: int, token: str, url: str, folder: Path, deadline: float, phone: Phone
) -> None:
    """Enqueue, then push until the outbox is settled; a give-up (server down) is retried.

    The outbox's SQLite connection belongs to this thread, so everything happens here.
    """
    outbox = Outbox(folder / f"outbox-{index}.sqlite3")
    try:
        # Durability of the phone's own file is not under test; fsync per enqueue is slow.
        outbox.db.execute("PRAGMA synchronous=OFF")
        _enqueue(index, outbox, folder, phone)
        client = _client(index, token, url, outbox)
        while _pending(outbox) and time.monotonic() < deadline:
            try:
                client.push()
            except RetriesExhausted:
                time.sleep(0.2)
        phone.item_states = set(outbox.item_states().values())
        phone.attachment_states = set(outbox.attachment_states().values())
    finally:
        outbox.close()


def _guarded(errors: list[BaseException], target: Callable[..., None], *args: object) -> None:
    try:
        target(*args)
    except BaseException as error:  # noqa: BLE001 - reported by the main thread
        errors.append(error)


def _restart_when(
    proxy: ChaosProxy, server: Gunicorn, connections: int, done: threading.Event
) -> None:
    """Kill gunicorn (SIGKILL, whole group) once the proxy has seen `connections`, restart."""
    while len(proxy.faults) < connections:
        if done.wait(0.02):
            return
    server.stop(hard=True)
    time.sleep(0.5)
    server.start()


def _stored(db: Database) -> tuple[list[str], int, int, list[tuple[str, str, str, bool]]]:
    """Submission ids, Submission/Assessment counts and (item, name, file, complete) rows."""
    ids = [str(uuid.UUID(str(r[0]))) for r in db.rows("SELECT id FROM submissions_submission")]
    complete = db.rows(
        "SELECT count(*) FROM submissions_submission WHERE attachments_complete = false"
    )[0][0]
    assessed = db.scalar("SELECT count(*) FROM submissions_assessment")
    files = [
        (str(uuid.UUID(str(i))), str(n), str(f), bool(c))
        for i, n, f, c in db.rows("SELECT item_uuid, name, file, complete FROM evidence_attachment")
    ]
    return ids, int(complete), int(assessed), files


def test_pushes_through_chaos_and_a_crash_store_everything_exactly_once(
    external_db: Database, tmp_path: Path
) -> None:
    db = external_db
    began = time.monotonic()
    deadline = began + DEADLINE_SECONDS
    summary = setup_area(
        db,
        "--migrate",
        "--households",
        str(HOUSEHOLDS),
        "--villages",
        "4",
        "--devices",
        str(PHONES),
    )
    tokens = list(summary["tokens"])  # type: ignore[call-overload]
    armed = tmp_path / "crash-in-verification"
    armed.write_text("armed")
    server = Gunicorn(db, workers=2, env_extra={CRASH_ENV: f"stored@{armed}"})
    proxy = ChaosProxy(("127.0.0.1", server.port), CHAOS)
    phones = [Phone() for _ in range(PHONES)]
    errors: list[BaseException] = []
    done = threading.Event()
    restarter = threading.Thread(
        target=_guarded, args=(errors, _restart_when, proxy, server, RESTART_AFTER, done)
    )
    try:
        server.start()
        _host, proxy_port = proxy.start()
        url = f"http://127.0.0.1:{proxy_port}"
        threads = [
            threading.Thread(
                target=_guarded,
                args=(errors, _run_phone, i, tokens[i], url, tmp_path, deadline, phones[i]),
            )
            for i in range(PHONES)
        ]
        for thread in [restarter, *threads]:
            thread.start()
        for thread in threads:
            thread.join(timeout=max(1.0, deadline + 30 - time.monotonic()))
        done.set()
        restarter.join(timeout=60)
        assert not errors, errors
        assert not any(t.is_alive() for t in threads), "outboxes not drained in time"
        time.sleep(0.5)  # replays still in flight through the proxy land before counting
    finally:
        done.set()
        restarter.join(timeout=60)
        proxy.stop()
        server.stop()
    elapsed = time.monotonic() - began
    print(f"fault injection on {db.vendor}: {elapsed:.0f}s, proxy {dict(proxy.stats)}")  # noqa: T201

    assert all(p.item_states == {"sent"} for p in phones), [p.item_states for p in phones]
    assert all(p.attachment_states == {"sent"} for p in phones)
    enqueued = sorted(u for p in phones for u in p.uuids)
    ids, incomplete, assessed, files = _stored(db)
    assert len(ids) == len(set(ids)) == SUBMISSIONS
    assert sorted(ids) == enqueued
    assert assessed == SUBMISSIONS
    assert incomplete == 0
    assert db.scalar("SELECT count(*) FROM sync_api_receipt") == SUBMISSIONS
    photos = {key: sha for p in phones for key, sha in p.photos.items()}
    assert len(files) == len(photos) == SUBMISSIONS * PHOTOS_PER_SUBMISSION
    assert all(complete for *_key, complete in files)
    media = db.var_dir / "media"
    stored = {(i, n): hashlib.sha256((media / f).read_bytes()).hexdigest() for i, n, f, _c in files}
    assert stored == photos
    on_disk = [p for p in (media / "attachments").rglob("*") if p.is_file()]
    assert len(on_disk) == len(photos), "a photo was stored twice"
    assert not armed.exists(), "no worker was killed inside verification"
    destructive = {Fault.DROP, Fault.RESET_MID_BODY, Fault.LOSE_RESPONSE, Fault.REPLAY}
    assert destructive <= set(proxy.faults)
