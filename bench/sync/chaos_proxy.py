"""A seeded loopback HTTP proxy that loses, cuts, delays and replays requests.

It sits between a sync client and a live server to show that no fault the network
can produce leads to a duplicate row or a stuck outbox. It understands just enough
HTTP/1.1 (one request per connection, Content-Length bodies) to cut a request in the
middle of its body or to replay it whole.

Every connection's fate is drawn from `random.Random(seed * 1_000_003 + index)`, so a
run is reproducible regardless of thread timing. It binds 127.0.0.1 only and stops
after `max_connections` or `duration` seconds.

    python -m bench.sync.chaos_proxy --upstream 127.0.0.1:8000 --port 8001 --seed 7 --duration 60
"""

from __future__ import annotations

import argparse
import enum
import json
import random
import socket
import struct
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from types import TracebackType

LOOPBACK = "127.0.0.1"
HEADER_LIMIT = 64 * 1024
IO_TIMEOUT = 30.0


class Fault(enum.Enum):
    """What happens to one connection."""

    FORWARD = "forward"
    DROP = "drop"  # close the client's connection before anything reaches upstream
    RESET_MID_BODY = "reset_mid_body"  # forward half the body, then reset both sides
    LOSE_RESPONSE = "lose_response"  # upstream handles it; the client gets a reset
    DELAY = "delay"  # hold the request, then pass it
    REPLAY = "replay"  # pass it, then send the same request to upstream again


@dataclass(frozen=True)
class ChaosConfig:
    """Probabilities per connection (the rest passes untouched) and run bounds."""

    seed: int = 0
    drop: float = 0.0
    reset_mid_body: float = 0.0
    lose_response: float = 0.0
    delay: float = 0.0
    replay: float = 0.0
    max_delay_seconds: float = 2.0
    max_connections: int | None = None
    duration_seconds: float | None = None

    def __post_init__(self) -> None:
        total = self.drop + self.reset_mid_body + self.lose_response + self.delay + self.replay
        if not 0.0 <= total <= 1.0:
            raise ValueError(f"fault probabilities must sum to at most 1, got {total}")

    def choose(self, index: int) -> tuple[Fault, float]:
        """Return connection `index`'s fault and delay; pure in (seed, index)."""
        rng = random.Random(self.seed * 1_000_003 + index)
        draw, delay = rng.random(), rng.random() * self.max_delay_seconds
        for fault, p in self._table():
            if draw < p:
                return fault, delay
            draw -= p
        return Fault.FORWARD, 0.0

    def _table(self) -> list[tuple[Fault, float]]:
        return [
            (Fault.DROP, self.drop),
            (Fault.RESET_MID_BODY, self.reset_mid_body),
            (Fault.LOSE_RESPONSE, self.lose_response),
            (Fault.DELAY, self.delay),
            (Fault.REPLAY, self.replay),
        ]


@dataclass
class ChaosProxy:
    """Run the proxy in a background thread: `with ChaosProxy(...) as (host, port): ...`."""

    upstream: tuple[str, int]
    config: ChaosConfig = field(default_factory=ChaosConfig)
    listen_host: str = LOOPBACK
    listen_port: int = 0
    faults: list[Fault] = field(default_factory=list)
    stats: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        if self.listen_host != LOOPBACK or self.upstream[0] not in (LOOPBACK, "localhost"):
            raise ValueError("the chaos proxy binds and forwards on 127.0.0.1 only")
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> tuple[str, int]:
        """Bind, start accepting in a daemon thread and return the listening address."""
        listener = socket.create_server((self.listen_host, self.listen_port))
        listener.settimeout(0.2)
        self._listener = listener
        self._thread = threading.Thread(target=self._serve, name="chaos-proxy", daemon=True)
        self._thread.start()
        return LOOPBACK, listener.getsockname()[1]

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self._listener is not None:
            self._listener.close()

    def __enter__(self) -> tuple[str, int]:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def wait(self) -> None:
        """Block until the run's bounds are reached (or stop() is called)."""
        if self._thread is not None:
            self._thread.join()

    def _serve(self) -> None:
        assert self._listener is not None
        deadline = _deadline(self.config.duration_seconds)
        index = 0
        while not self._stop.is_set() and time.monotonic() < deadline:
            if self.config.max_connections is not None and index >= self.config.max_connections:
                return
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            fault, delay = self.config.choose(index)
            index += 1
            with self._lock:
                self.faults.append(fault)
            worker = threading.Thread(target=self._handle, args=(client, fault, delay), daemon=True)
            worker.start()

    def _handle(self, client: socket.socket, fault: Fault, delay: float) -> None:
        client.settimeout(IO_TIMEOUT)
        try:
            _HANDLERS[fault](self, client, delay)
            self._count(fault.value)
        except OSError:
            self._count("io_error")
        finally:
            client.close()

    def _count(self, key: str) -> None:
        with self._lock:
            self.stats[key] += 1

    # --- fault handlers -----------------------------------------------------------

    def _forward(self, client: socket.socket, delay: float) -> None:
        request = read_request(client)
        client.sendall(self._exchange(request))

    def _drop(self, client: socket.socket, delay: float) -> None:
        reset(client)

    def _reset_mid_body(self, client: socket.socket, delay: float) -> None:
        request = read_request(client)
        cut = _cut_point(request)
        with socket.create_connection(self.upstream, timeout=IO_TIMEOUT) as upstream:
            upstream.sendall(request[:cut])
            reset(upstream)
        reset(client)

    def _lose_response(self, client: socket.socket, delay: float) -> None:
        self._exchange(read_request(client))
        reset(client)

    def _delay(self, client: socket.socket, delay: float) -> None:
        request = read_request(client)
        time.sleep(delay)
        client.sendall(self._exchange(request))

    def _replay(self, client: socket.socket, delay: float) -> None:
        request = read_request(client)
        client.sendall(self._exchange(request))
        self._exchange(request)

    def _exchange(self, request: bytes) -> bytes:
        """Send a whole request upstream and return the whole response."""
        with socket.create_connection(self.upstream, timeout=IO_TIMEOUT) as upstream:
            upstream.sendall(request)
            return read_until_close(upstream)


_HANDLERS = {
    Fault.FORWARD: ChaosProxy._forward,
    Fault.DROP: ChaosProxy._drop,
    Fault.RESET_MID_BODY: ChaosProxy._reset_mid_body,
    Fault.LOSE_RESPONSE: ChaosProxy._lose_response,
    Fault.DELAY: ChaosProxy._delay,
    Fault.REPLAY: ChaosProxy._replay,
}


def _cut_point(request: bytes) -> int:
    """Return where to cut: mid-body, or mid-headers when there is no body.

    Either way upstream never receives a complete request.
    """
    head_end = request.index(b"\r\n\r\n") + 4
    if head_end == len(request):
        return head_end // 2
    return head_end + (len(request) - head_end) // 2


def _deadline(duration: float | None) -> float:
    return float("inf") if duration is None else time.monotonic() + duration


def reset(sock: socket.socket) -> None:
    """Close with SO_LINGER 0, so the peer sees a TCP reset rather than a clean FIN."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def read_request(sock: socket.socket) -> bytes:
    """Read one HTTP/1.1 request (Content-Length body) and force `Connection: close`."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk or len(data) > HEADER_LIMIT:
            raise ConnectionError("request ended before its headers")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = _content_length(lines[1:])
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionError("request ended before its body")
        body += chunk
    kept = [line for line in lines[1:] if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([lines[0], *kept, b"Connection: close"]) + b"\r\n\r\n" + body[:length]


def _content_length(header_lines: list[bytes]) -> int:
    for line in header_lines:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


def read_until_close(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync.chaos_proxy")
    parser.add_argument("--upstream", required=True, help="127.0.0.1:PORT of the server")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds; the run is bounded")
    parser.add_argument("--max-connections", type=int)
    for fault in ("drop", "reset-mid-body", "lose-response", "delay", "replay"):
        parser.add_argument(f"--{fault}", type=float, default=0.05)
    args = parser.parse_args()
    host, port = args.upstream.rsplit(":", 1)
    config = ChaosConfig(
        seed=args.seed,
        drop=args.drop,
        reset_mid_body=args.reset_mid_body,
        lose_response=args.lose_response,
        delay=args.delay,
        replay=args.replay,
        max_connections=args.max_connections,
        duration_seconds=args.duration,
    )
    proxy = ChaosProxy(upstream=(host, int(port)), config=config, listen_port=args.port)
    print(json.dumps({"listening": proxy.start()}), flush=True)
    proxy.wait()
    proxy.stop()
    print(
        json.dumps(
            {"faults": dict(Counter(f.value for f in proxy.faults)), "stats": dict(proxy.stats)}
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
