"""Concurrent push clients on stdlib http.client, for measuring ingest throughput.

Request bodies are built before the clock starts, so the generator spends its share of
the (shared) CPU on sockets only. Each client owns a disjoint slice of the households,
as a volunteer owns a village: two clients never score the same household at once.
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from bench.sync.payloads import household_id, item_uuid, push_body, survey_item

PUSH_PATH = "/api/v1/sync/push"


@dataclass
class ClientPlan:
    """The bodies one client will send, in order, and the client UUIDs inside them."""

    bodies: list[bytes]
    uuids: list[list[str]]


@dataclass
class LoadResult:
    """Outcome counts and timing of one run across all clients."""

    outcomes: Counter[str] = field(default_factory=Counter)
    http_errors: Counter[str] = field(default_factory=Counter)
    sent_uuids: list[str] = field(default_factory=list)
    requests: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return self.outcomes.get("accepted", 0)

    @property
    def failures(self) -> int:
        bad = sum(v for k, v in self.outcomes.items() if k != "accepted")
        return bad + sum(self.http_errors.values())


def plan_clients(
    *,
    run: str,
    clients: int,
    batch: int,
    per_client: int,
    households: int,
    commune_code: str,
) -> list[ClientPlan]:
    """Build every client's batches: client c surveys households c+1, c+1+clients, ..."""
    plans = []
    for c in range(clients):
        mine = list(range(c + 1, households + 1, clients))
        bodies, uuids = [], []
        for start in range(0, per_client, batch):
            items = []
            for k in range(start, min(per_client, start + batch)):
                serial = c * per_client + k
                items.append(
                    survey_item(
                        client_uuid=item_uuid(run, serial),
                        household=household_id(commune_code, mine[k % len(mine)]),
                        serial=serial,
                    )
                )
            bodies.append(push_body(items))
            uuids.append([i["client_uuid"] for i in items])
        plans.append(ClientPlan(bodies, uuids))
    return plans


def run_clients(
    *, port: int, token: str, plans: list[ClientPlan], seconds: float, timeout: float = 60
) -> LoadResult:
    """Start all clients together; each sends its bodies until done or `seconds` pass.

    A request started before the deadline is completed and counted; no new one starts
    after it. The measured time runs from the common start to the last answer.
    """
    result = LoadResult()
    lock = threading.Lock()
    start = threading.Barrier(len(plans) + 1)
    state = {"deadline": 0.0}

    def client(plan: ClientPlan) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        headers = {
            "Authorization": f"Token {token}",
            "X-ChungTay-Protocol": "1",
            "Content-Type": "application/json",
        }
        local, errors, sent, latencies = Counter(), Counter(), [], []
        start.wait()
        for body, uuids in zip(plan.bodies, plan.uuids, strict=True):
            if time.monotonic() >= state["deadline"]:
                break
            began = time.monotonic()
            status, answer = _post(connection, body, headers)
            latencies.append(time.monotonic() - began)
            sent.extend(uuids)
            if status != 200:
                errors[str(status)] += len(uuids)
                continue
            local.update(o["outcome"] for o in json.loads(answer)["items"])
        connection.close()
        with lock:
            result.outcomes.update(local)
            result.http_errors.update(errors)
            result.sent_uuids.extend(sent)
            result.requests += len(latencies)
            result.latencies.extend(latencies)

    threads = [threading.Thread(target=client, args=(p,), daemon=True) for p in plans]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    state["deadline"] = began + seconds
    start.wait()
    for thread in threads:
        thread.join(timeout=seconds + timeout + 30)
    result.seconds = time.monotonic() - began
    return result


def _post(
    connection: http.client.HTTPConnection, body: bytes, headers: dict[str, str]
) -> tuple[int, bytes]:
    """POST once; a transport error counts as status 0 (no retry: it is a failure)."""
    try:
        connection.request("POST", PUSH_PATH, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    except (OSError, http.client.HTTPException) as error:
        connection.close()
        return 0, repr(error).encode()
