"""Photo uploads against a real gunicorn: a worker killed inside verification, duplicate
last chunks at once, bodies cut short.

Like test_fault_injection, this prepares its own database (PostgreSQL when DATABASE_URL
names one, else SQLite in a temp dir), because another process cannot see pytest-django's.
The kill is deliberate: CHUNGTAY_TEST_CRASH arms server.evidence.faults, and the worker
that reaches the armed point exits at once, as SIGKILL would, with its transaction open.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.sync.payloads import Photo, household_id, jpeg, push_body, survey_item
from bench.sync.servers import LOOPBACK, Database, Gunicorn, database, setup_area
from server.evidence.faults import CRASH_ENV

pytestmark = pytest.mark.slow

CHUNK = 700
"""Bytes per PUT: small, so each photo takes several chunks."""


class Area:
    """A migrated throwaway database with one commune and one device token."""

    def __init__(self, db: Database, token: str) -> None:
        self.db, self.token = db, token
        self.serial = 0

    def next_serial(self) -> int:
        self.serial += 1
        return self.serial


@pytest.fixture(scope="module")
def area(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Area]:
    url = os.environ.get("DATABASE_URL", "")
    vendor = "postgresql" if url.startswith(("postgres://", "postgresql://")) else "sqlite"
    base = tmp_path_factory.mktemp("upload-faults")
    db = database(vendor, f"chungtay_upload_{uuid.uuid4().hex[:12]}", base, url or None)
    db.create()
    try:
        summary = setup_area(db, "--migrate", "--households", "8", "--villages", "1")
        yield Area(db, list(summary["tokens"])[0])  # type: ignore[call-overload]
    finally:
        db.drop()


@pytest.fixture
def server(area: Area, request: pytest.FixtureRequest) -> Iterator[Gunicorn]:
    env = getattr(request, "param", {})
    gunicorn = Gunicorn(area.db, workers=2, env_extra=env)
    gunicorn.start()
    try:
        yield gunicorn
    finally:
        gunicorn.stop()


def _headers(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}", "X-ChungTay-Protocol": "1", **extra}


def _request(
    server: Gunicorn, method: str, path: str, token: str, body: bytes | None = None, **extra: str
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection(LOOPBACK, server.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=_headers(token, **extra))
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()


def _declare(area: Area, server: Gunicorn, count: int = 1) -> tuple[str, list[Photo]]:
    """Push one survey declaring `count` distinct photos; return its UUID and the photos."""
    serial = area.next_serial()
    photos = [Photo(f"p{n}.jpg", jpeg(serial * 100 + n, side=64)) for n in range(count)]
    item = survey_item(
        client_uuid=uuid.uuid4(),
        household=household_id("99001", 1 + serial % 8),
        serial=serial,
        photos=tuple(photos),
    )
    status, _h, body = _request(
        server,
        "POST",
        "/api/v1/sync/push",
        area.token,
        push_body([item]),
        **{"Content-Type": "application/json"},
    )
    answer = json.loads(body)["items"][0]
    assert (status, answer["outcome"]) == (200, "accepted"), body
    return item["client_uuid"], photos


def _path(item: str, photo: Photo) -> str:
    return f"/api/v1/sync/attachments/{item}/{photo.name}"


def _put(server: Gunicorn, token: str, path: str, data: bytes, start: int) -> tuple[int, str]:
    """PUT data[start:start+CHUNK]; return the status and Upload-Offset."""
    chunk = data[start : start + CHUNK]
    status, headers, _body = _request(
        server,
        "PUT",
        path,
        token,
        chunk,
        **{
            "Content-Type": "application/octet-stream",
            "Content-Range": f"bytes {start}-{start + len(chunk) - 1}/{len(data)}",
        },
    )
    return status, headers.get("Upload-Offset", "")


def _head_offset(server: Gunicorn, token: str, path: str) -> int:
    status, headers, _body = _request(server, "HEAD", path, token)
    assert status == 200
    return int(headers["Upload-Offset"])


def _last_start(size: int) -> int:
    return (size - 1) // CHUNK * CHUNK


def _all_but_last(server: Gunicorn, token: str, path: str, data: bytes) -> int:
    for start in range(0, _last_start(len(data)), CHUNK):
        assert _put(server, token, path, data, start) == (204, str(start + CHUNK))
    return _last_start(len(data))


def _twice_at_once(
    server: Gunicorn, token: str, path: str, data: bytes, start: int
) -> list[tuple[int, str]]:
    """Send the same chunk on two connections released together; sorted answers."""
    barrier = threading.Barrier(2)
    pair: list[tuple[int, str]] = []

    def send() -> None:
        barrier.wait()
        pair.append(_put(server, token, path, data, start))

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(pair)


def _stored_files(db: Database, item: str) -> list[str]:
    """Media files whose name belongs to this item (photo and thumbnail copies)."""
    return sorted(p.name for p in (db.var_dir / "media").rglob(f"{item}-*"))


def _row(db: Database, item: str, name: str) -> tuple[bool, int, str]:
    hex_id = uuid.UUID(item).hex if db.vendor == "sqlite" else item
    rows = db.rows(
        "SELECT complete, received, file FROM evidence_attachment "  # noqa: S608 - test ids
        f"WHERE item_uuid = '{hex_id}' AND name = '{name}'"
    )
    complete, received, file = rows[0]
    return bool(complete), int(received), str(file)  # type: ignore[call-overload]


def _crash_env(tmp_path: Path, point: str) -> tuple[dict[str, str], Path]:
    token = tmp_path / f"crash-{point}"
    token.write_text("armed")
    return {CRASH_ENV: f"{point}@{token}"}, token


@pytest.mark.parametrize("point", ["verify", "stored"])
def test_a_worker_killed_inside_verification_loses_no_photo(
    area: Area, tmp_path: Path, point: str
) -> None:
    """Killed after the last chunk's insert ("verify") or after the file was written
    ("stored"), the transaction dies whole: HEAD reports the bytes before the last
    chunk, never the full size, and resending that chunk finishes the photo, once."""
    env, armed = _crash_env(tmp_path, point)
    server = Gunicorn(area.db, workers=1, env_extra=env)
    server.start()
    try:
        item, (photo,) = _declare(area, server)
        path = _path(item, photo)
        last = _all_but_last(server, area.token, path, photo.data)
        with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
            _put(server, area.token, path, photo.data, last)
        assert not armed.exists(), "the armed point was never reached"
        after_crash = _head_offset(server, area.token, path)  # a fresh worker answers
        retried = _put(server, area.token, path, photo.data, last)
        final = _head_offset(server, area.token, path)
    finally:
        server.stop()
    assert after_crash == last
    assert retried == (201, str(len(photo.data)))
    assert final == len(photo.data)
    complete, received, file = _row(area.db, item, photo.name)
    assert (complete, received) == (True, len(photo.data))
    assert (area.db.var_dir / "media" / file).read_bytes() == photo.data
    assert _stored_files(area.db, item) == [f"{item}-p0-thumb.jpg", f"{item}-p0.jpg"]


def test_duplicate_last_chunks_at_once_answer_201_and_200_never_422(
    area: Area, server: Gunicorn
) -> None:
    """Twenty photos, each finished by two simultaneous copies of its last chunk."""
    item, photos = _declare(area, server, count=20)
    answers = []
    for photo in photos:
        path = _path(item, photo)
        last = _all_but_last(server, area.token, path, photo.data)
        answers.append(_twice_at_once(server, area.token, path, photo.data, last))
    assert answers == [[(200, str(len(p.data))), (201, str(len(p.data)))] for p in photos], answers
    for photo in photos:
        complete, _received, file = _row(area.db, item, photo.name)
        assert complete
        assert (area.db.var_dir / "media" / file).read_bytes() == photo.data
    assert len(_stored_files(area.db, item)) == 2 * len(photos)


def test_a_cut_body_is_a_400_with_a_reason_and_leaves_no_traceback(
    area: Area, server: Gunicorn
) -> None:
    """The client promises 700 bytes, sends 300 and closes its side."""
    item, (photo,) = _declare(area, server)
    path = _path(item, photo)
    head = (
        f"PUT {path} HTTP/1.1\r\nHost: {LOOPBACK}\r\nAuthorization: Token {area.token}\r\n"
        f"X-ChungTay-Protocol: 1\r\nContent-Type: application/octet-stream\r\n"
        f"Content-Range: bytes 0-{CHUNK - 1}/{len(photo.data)}\r\n"
        f"Content-Length: {CHUNK}\r\nConnection: close\r\n\r\n"
    ).encode()
    with socket.create_connection((LOOPBACK, server.port), timeout=30) as sock:
        sock.sendall(head + photo.data[:300])
        sock.shutdown(socket.SHUT_WR)
        reply = b""
        while chunk := sock.recv(65536):
            reply += chunk
    status_line, _, rest = reply.partition(b"\r\n")
    body = json.loads(rest.split(b"\r\n\r\n", 1)[1])
    assert status_line.split()[1] == b"400", reply
    assert [(i["path"], i["code"]) for i in body["error"]["issues"]] == [
        ("Content-Length", "body_truncated")
    ]
    assert _head_offset(server, area.token, path) == 0
    log = server.log_tail(200)
    assert "Traceback" not in log, log
    assert "cut upload body" in log
