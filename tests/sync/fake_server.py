"""A minimal server speaking the sync wire format over the pure core and a fake store.

It plays the role the Django views will: check the version, decode, call the engine,
encode. Tests reach it in-process (FakeTransport) or over real HTTP (serve_http).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit
from uuid import UUID

from sync import codec, engine, uploads
from sync.client.transport import Response, TransportError
from sync.errors import SyncError
from sync.version import PROTOCOL_HEADER, check_client_protocol
from tests.sync.fakes import FakeSyncStore

TOKEN = "device-token-1"


@dataclass
class FakeServer:
    store: FakeSyncStore = field(default_factory=FakeSyncStore)
    requests: list[tuple[str, str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Response:
        """Answer one request at a time, as a serialisable database would."""
        with self.lock:
            return self._handle(method, target, headers, body)

    def _handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> Response:
        """Answer one request; SyncError becomes its status with the error body."""
        content_range = {k.lower(): v for k, v in headers.items()}.get("content-range", "")
        self.requests.append((method, target, content_range))
        lowered = {k.lower(): v for k, v in headers.items()}
        if lowered.get("authorization") != f"Token {TOKEN}":
            return _json(401, {"detail": "Invalid token."})
        try:
            return self._route(method, target, lowered, body)
        except SyncError as error:
            return _json(error.http_status, codec.encode_error(error))

    def _route(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Response:
        url = urlsplit(target)
        parts = url.path.strip("/").split("/")
        version = headers.get(PROTOCOL_HEADER.lower())
        if method == "POST" and url.path == "/api/v1/sync/push":
            result = engine.handle_push(body, protocol_header=version, store=self.store)
            return _json(200, codec.encode_push_result(result))
        if method == "GET" and url.path == "/api/v1/sync/pull":
            query = {k: v[0] for k, v in parse_qs(url.query).items()}
            page = engine.handle_pull(
                query.get("cursor"), query.get("limit"), protocol_header=version, store=self.store
            )
            return _json(200, codec.encode_pull_page(page))
        check_client_protocol(version)
        if parts[:4] == ["api", "v1", "sync", "attachments"] and len(parts) == 6:
            return self._attachment(method, UUID(parts[4]), unquote(parts[5]), headers, body)
        return _json(404, {"detail": "Not found."})

    def _attachment(
        self, method: str, item: UUID, name: str, headers: Mapping[str, str], body: bytes
    ) -> Response:
        if method == "HEAD":
            reply = uploads.head_upload(item, name, store=self.store)
        else:
            reply = uploads.put_chunk(
                item, name, content_range=headers.get("content-range"), body=body, store=self.store
            )
        error = {
            "error": {
                "status": reply.status,
                "issues": [codec.encode_issue(i) for i in reply.issues],
            }
        }
        payload = json.dumps(error).encode() if reply.issues else b""
        return Response(reply.status, {k.lower(): v for k, v in reply.headers.items()}, payload)


def _json(status: int, body: object) -> Response:
    return Response(status, {"content-type": "application/json"}, json.dumps(body).encode("utf-8"))


Fault = Callable[[str, str], str | None]
"""Given (method, path), return None to pass, 'before' to fail before the server sees the
request, or 'after' to let the server handle it and then lose the response."""


@dataclass
class FakeTransport:
    """Deliver requests to a FakeServer in-process, with scripted network faults."""

    server: FakeServer
    faults: list[str | None] = field(default_factory=list)

    def request(
        self, method: str, path: str, *, headers: Mapping[str, str], body: bytes | None = None
    ) -> Response:
        fault = self.faults.pop(0) if self.faults else None
        if fault == "before":
            raise TransportError("connection refused")
        response = self.server.handle(method, path, headers, body or b"")
        if fault == "after":
            raise TransportError("connection reset after the server answered")
        if fault == "crash":
            raise KeyboardInterrupt("process killed between send and ack")
        return response


class _Handler(BaseHTTPRequestHandler):
    server_version = "FakeChungTay/1"
    fake: FakeServer

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        response = self.fake.handle(self.command, self.path, dict(self.headers.items()), body)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = do_POST = do_PUT = do_HEAD = _serve  # noqa: N815

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Keep test output quiet."""


@contextmanager
def serve_http(fake: FakeServer) -> Iterator[str]:
    """Serve `fake` on 127.0.0.1 on a free port; yield its base URL."""
    handler = type("Handler", (_Handler,), {"fake": fake})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
