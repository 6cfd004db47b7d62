"""Retry with exponential backoff and full jitter.

Full jitter (a uniform delay in [0, min(cap, base·2^attempt)]) spreads thousands of
phones that lost signal together, so they do not return to the server in waves.
Sleep and randomness are injected, so tests can pin the schedule exactly.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from sync.client.transport import Response, TransportError

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


def full_jitter(attempt: int, *, base: float, cap: float, rand: Callable[[], float]) -> float:
    """Return the delay in seconds before retry number `attempt` (0-based).

    The exponent is capped at 60 so a long-lived retry loop cannot overflow a float.
    """
    return rand() * min(cap, math.ldexp(base, min(attempt, 60)))


class RetriesExhausted(Exception):
    """Every attempt failed with a retryable fault; the last one is attached."""

    def __init__(self, last: Response | TransportError) -> None:
        super().__init__(repr(last))
        self.last = last


@dataclass
class Retrier:
    """Call a request function until it yields a non-retryable response."""

    max_attempts: int = 6
    base_seconds: float = 1.0
    cap_seconds: float = 300.0
    sleep: Callable[[float], None] = time.sleep
    rand: Callable[[], float] = field(default_factory=lambda: random.SystemRandom().random)
    delays: list[float] = field(default_factory=list)

    def call(self, send: Callable[[], Response]) -> Response:
        """Return the first response that is not retryable; raise RetriesExhausted."""
        last: Response | TransportError = TransportError("no attempt made")
        for attempt in range(self.max_attempts):
            try:
                response = send()
                if response.status not in RETRYABLE_STATUSES:
                    return response
                last = response
            except TransportError as error:
                last = error
            if attempt + 1 < self.max_attempts:
                self._wait(attempt, last)
        raise RetriesExhausted(last)

    def _wait(self, attempt: int, last: Response | TransportError) -> None:
        delay = full_jitter(attempt, base=self.base_seconds, cap=self.cap_seconds, rand=self.rand)
        delay = max(delay, _retry_after(last))
        self.delays.append(delay)
        self.sleep(delay)


def _retry_after(last: Response | TransportError) -> float:
    """Honour a server's Retry-After in whole seconds (capped at 1 hour)."""
    if isinstance(last, Response):
        value = last.header("Retry-After")
        if value is not None and value.isdigit():
            return float(min(int(value), 3600))
    return 0.0
