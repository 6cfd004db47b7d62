"""The client's view of HTTP: one request in, one response out, or TransportError.

Kept to a single method so tests can swap the network for an in-process server or
a fault-injecting proxy without touching the client logic.
"""

from __future__ import annotations

import http.client
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit


class TransportError(Exception):
    """The request may or may not have reached the server; retry it as is."""


@dataclass(frozen=True)
class Response:
    """A response with lowercased header names."""

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class Transport(Protocol):
    def request(
        self, method: str, path: str, *, headers: Mapping[str, str], body: bytes | None = None
    ) -> Response: ...


class HttpTransport:
    """Stdlib HTTP(S), one connection per request, so a half-dead socket never lingers."""

    def __init__(self, base_url: str, *, timeout: float = 30.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"server URL must be http(s)://host[:port]: {base_url!r}")
        self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout

    def _connection(self) -> http.client.HTTPConnection:
        if self.scheme == "https":
            return http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout)
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def request(
        self, method: str, path: str, *, headers: Mapping[str, str], body: bytes | None = None
    ) -> Response:
        connection = self._connection()
        try:
            connection.request(method, self.prefix + path, body=body, headers=dict(headers))
            raw = connection.getresponse()
            data = raw.read()
            found = {k.lower(): v for k, v in raw.getheaders()}
            return Response(status=raw.status, headers=found, body=data)
        except (OSError, http.client.HTTPException) as error:
            raise TransportError(f"{method} {path}: {error!r}") from error
        finally:
            connection.close()
