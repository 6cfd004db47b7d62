"""The chaos proxy injects each fault as described, reproducibly, on loopback only."""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from uuid import UUID

import pytest

from bench.sync.chaos_proxy import ChaosConfig, ChaosProxy, Fault
from sync.client import Outbox, Retrier, RetriesExhausted, SyncClient
from sync.client.transport import HttpTransport
from tests.sync.builders import PHOTO, PHOTO_REF, submission
from tests.sync.fake_server import TOKEN, FakeServer, serve_http


class Echo(BaseHTTPRequestHandler):
    """Answer every complete POST with its body; count what fully arrived."""

    received: list[bytes]

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append(body)
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep test output quiet."""


@contextmanager
def echo_server() -> Iterator[tuple[int, list[bytes]]]:
    received: list[bytes] = []
    handler = type("H", (Echo,), {"received": received})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield httpd.server_address[1], received
    finally:
        httpd.shutdown()
        httpd.server_close()


def post(port: int, body: bytes) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("POST", "/x", body=body)
        return connection.getresponse().read()
    finally:
        connection.close()


def settle(received: list[bytes], count: int) -> None:
    """Wait briefly for replayed requests, which arrive after the client's answer."""
    for _ in range(100):
        if len(received) >= count:
            return
        time.sleep(0.01)


@pytest.mark.parametrize(
    ("config", "client_fails", "upstream_count"),
    [
        (ChaosConfig(), False, 1),
        (ChaosConfig(drop=1.0), True, 0),
        (ChaosConfig(reset_mid_body=1.0), True, 0),
        (ChaosConfig(lose_response=1.0), True, 1),
        (ChaosConfig(replay=1.0), False, 2),
        (ChaosConfig(delay=1.0, max_delay_seconds=0.05), False, 1),
    ],
    ids=["forward", "drop", "reset_mid_body", "lose_response", "replay", "delay"],
)
def test_each_fault_reaches_upstream_the_documented_number_of_times(
    config: ChaosConfig, client_fails: bool, upstream_count: int
) -> None:
    with (
        echo_server() as (port, received),
        ChaosProxy(("127.0.0.1", port), config) as (_, proxy_port),
    ):
        if client_fails:
            with pytest.raises((ConnectionError, http.client.HTTPException)):
                post(proxy_port, b"a" * 5000)
        else:
            assert post(proxy_port, b"a" * 5000) == b"a" * 5000
        settle(received, upstream_count)
        time.sleep(0.05)
    assert received == [b"a" * 5000] * upstream_count


def test_same_seed_draws_the_same_faults() -> None:
    config = ChaosConfig(seed=3, drop=0.2, lose_response=0.2, replay=0.2, delay=0.2)
    first = [config.choose(i)[0] for i in range(50)]
    assert first == [config.choose(i)[0] for i in range(50)]
    assert first != [
        ChaosConfig(seed=4, drop=0.2, lose_response=0.2, replay=0.2, delay=0.2).choose(i)[0]
        for i in range(50)
    ]
    assert set(first) == {Fault.FORWARD, Fault.DROP, Fault.LOSE_RESPONSE, Fault.REPLAY, Fault.DELAY}


def test_proxy_refuses_to_bind_or_forward_beyond_loopback() -> None:
    with pytest.raises(ValueError, match="127.0.0.1 only"):
        ChaosProxy(("127.0.0.1", 1), listen_host="0.0.0.0")  # noqa: S104
    with pytest.raises(ValueError, match="127.0.0.1 only"):
        ChaosProxy(("10.0.0.1", 80))


def test_probabilities_above_one_are_refused() -> None:
    with pytest.raises(ValueError, match="at most 1"):
        ChaosConfig(drop=0.6, replay=0.6)


def test_run_stops_after_max_connections() -> None:
    with echo_server() as (port, _):
        proxy = ChaosProxy(("127.0.0.1", port), ChaosConfig(max_connections=2))
        _, proxy_port = proxy.start()
        post(proxy_port, b"1")
        post(proxy_port, b"2")
        proxy.wait()
        proxy.stop()
    assert proxy.faults == [Fault.FORWARD, Fault.FORWARD]


def push_through_chaos(seed: int, db: Path) -> tuple[Outbox, FakeServer, ChaosProxy, list[UUID]]:
    """Push 30 submissions in batches of 5 through a faulty proxy, rerunning on give-up."""
    server = FakeServer()
    config = ChaosConfig(seed=seed, drop=0.15, reset_mid_body=0.15, lose_response=0.2, replay=0.2)
    outbox = Outbox(db)
    uuids = [UUID(int=n + 1) for n in range(30)]
    photo = db.parent / "roof.jpg"
    photo.write_bytes(PHOTO)
    for uuid in uuids:
        with_photo = uuid.int % 5 == 0
        item = submission(uuid, attachments=(PHOTO_REF,) if with_photo else ())
        outbox.enqueue(item, {"roof.jpg": photo} if with_photo else {})
    with serve_http(server) as url:
        proxy = ChaosProxy(("127.0.0.1", int(url.rsplit(":", 1)[1])), config)
        _, port = proxy.start()
        retrier = Retrier(max_attempts=8, sleep=lambda _: None, rand=random.Random(1).random)
        client = SyncClient(
            transport=HttpTransport(f"http://127.0.0.1:{port}", timeout=5),
            outbox=outbox,
            token=TOKEN,
            retrier=retrier,
            batch_items=5,
            chunk_bytes=2048,
        )
        for _ in range(10):
            try:
                client.push()
                break
            except RetriesExhausted:
                continue
        time.sleep(0.1)  # let replays still in flight land before counting rows
        proxy.stop()
    return outbox, server, proxy, uuids


@pytest.mark.parametrize("seed", [1, 2, 3, 11])
def test_client_through_chaos_stores_every_item_exactly_once(seed: int, tmp_path: Path) -> None:
    """Drops, cuts, lost answers and replays end with 30 items sent and 30 rows stored."""
    outbox, server, _, uuids = push_through_chaos(seed, tmp_path / "o.db")
    assert set(outbox.item_states().values()) == {"sent"}
    assert sorted(server.store.submissions) == sorted(uuids)
    assert len(server.store.receipts) == 30
    assert set(outbox.attachment_states().values()) == {"sent"}
    assert len(server.store.complete_blobs) == 6
    assert {bytes(server.store.blobs[key]) for key in server.store.complete_blobs} == {PHOTO}


def test_seed_11_exercises_every_destructive_fault(tmp_path: Path) -> None:
    _, _, proxy, _ = push_through_chaos(11, tmp_path / "o.db")
    destructive = {Fault.DROP, Fault.RESET_MID_BODY, Fault.LOSE_RESPONSE, Fault.REPLAY}
    assert destructive <= set(proxy.faults)


def test_cut_point_never_leaves_a_complete_request() -> None:
    from bench.sync.chaos_proxy import _cut_point

    get = b"GET /x HTTP/1.1\r\nHost: a\r\n\r\n"
    post = b"POST /x HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd"
    assert _cut_point(get) == len(get) // 2
    assert post[: _cut_point(post)].endswith(b"\r\n\r\nab")
