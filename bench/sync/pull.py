"""Pull latency and size for a 5,000-household commune, over HTTP against gunicorn.

    .venv/bin/python -m bench.sync.pull                  # PostgreSQL and SQLite
    .venv/bin/python -m bench.sync.pull --vendors postgresql --runs 5

Three cases, each the median of `--runs` runs, as the volunteer's phone (one device
token, area = the commune):
- first pull: every page at limit=500 from no cursor, until has_more is false;
- incremental, nothing new: one request with the cursor the first pull ended on;
- incremental, 10 changed households: 10 household edits are pushed through the sync API
  (so they enter the feed exactly as phones' edits do), then one pull from the cursor.
Bytes are the response bodies: raw JSON, and gzip as sent when the server compresses
(Accept-Encoding: gzip); when it does not, the gzip figure is computed locally (level 6).
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench.sync.payloads import household_id, push_body
from bench.sync.results import write_section
from bench.sync.servers import Gunicorn, database, setup_area
from sync import rules

PULL_PATH = "/api/v1/sync/pull"
PUSH_PATH = "/api/v1/sync/push"
LIMIT = 500


@dataclass
class Pulled:
    """One pull (one or more pages): time, pages, changes and bytes."""

    seconds: float = 0.0
    pages: int = 0
    changes: int = 0
    raw_bytes: int = 0
    gzip_bytes: int = 0
    server_gzip: bool = True
    cursor: str | None = None
    kinds: dict[str, int] = field(default_factory=dict)


class Phone:
    """An HTTP client with the device token; gzip accepted like a phone. http.client
    reconnects by itself when the server closes the connection after a response."""

    def __init__(self, port: int, token: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Authorization": f"Token {token}", "X-ChungTay-Protocol": "1"}

    def request(
        self, method: str, path: str, body: bytes | None = None, **extra: str
    ) -> tuple[int, dict[str, str], bytes]:
        self.connection.request(method, path, body=body, headers={**self.headers, **extra})
        response = self.connection.getresponse()
        data = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def pull(self, cursor: str | None) -> Pulled:
        """Follow has_more from `cursor` to the end of the feed."""
        pulled = Pulled(cursor=cursor)
        began = time.perf_counter()
        while True:
            query = {"limit": str(LIMIT), **({"cursor": pulled.cursor} if pulled.cursor else {})}
            status, headers, body = self.request(
                "GET", f"{PULL_PATH}?{urlencode(query)}", **{"Accept-Encoding": "gzip"}
            )
            if status != 200:
                raise RuntimeError(f"pull answered {status}: {body[:300]!r}")
            raw = gzip.decompress(body) if headers.get("content-encoding") == "gzip" else body
            pulled.server_gzip &= headers.get("content-encoding") == "gzip"
            pulled.gzip_bytes += len(body) if pulled.server_gzip else len(gzip.compress(raw, 6))
            pulled.raw_bytes += len(raw)
            page = json.loads(raw)
            pulled.pages += 1
            pulled.changes += len(page["changes"])
            for change in page["changes"]:
                pulled.kinds[change["kind"]] = pulled.kinds.get(change["kind"], 0) + 1
            pulled.cursor = page["next_cursor"]
            if not page["has_more"]:
                break
        pulled.seconds = time.perf_counter() - began
        return pulled

    def edit_households(self, numbers: list[int], revisions: dict[int, int], tag: str) -> None:
        """Push one household_edit per household, on the revision last seen."""
        items = []
        for n in numbers:
            payload = {"address": f"Thôn {n % 10 + 1}, đổi {tag}"}
            items.append(
                {
                    "client_uuid": str(uuid.uuid4()),
                    "kind": "household_edit",
                    "target_id": str(household_id("99001", n)),
                    "base_revision": revisions.get(n, 1),
                    "payload": payload,
                    "payload_sha256": rules.payload_sha256(payload),
                }
            )
        status, _headers, body = self.request(
            "POST", PUSH_PATH, push_body(items), **{"Content-Type": "application/json"}
        )
        answer = json.loads(body)
        outcomes = [o["outcome"] for o in answer["items"]]
        if status != 200 or set(outcomes) != {"accepted"}:
            raise RuntimeError(f"edits answered {status}: {answer}")
        for n, outcome in zip(numbers, answer["items"], strict=True):
            revisions[n] = outcome["revision"]


def measure(vendor: str, base: Path, args: argparse.Namespace) -> dict[str, list[Pulled]]:
    db = database(vendor, f"bench_pull_{os.getpid()}", base)
    db.drop()
    db.create()
    server = Gunicorn(db, workers=2)
    try:
        token = str(setup_area(db, "--migrate", "--households", str(args.households))["token"])
        server.start()
        phone = Phone(server.port, token)
        results: dict[str, list[Pulled]] = {"first": [], "nothing": [], "ten": []}
        revisions: dict[int, int] = {}
        cursor = None
        for run in range(args.runs):
            first = phone.pull(None)
            results["first"].append(first)
            cursor = first.cursor
            print(f"{vendor} first pull run {run}: {_describe(first)}", flush=True)
        for run in range(args.runs):
            nothing = phone.pull(cursor)
            results["nothing"].append(nothing)
            print(f"{vendor} nothing new run {run}: {_describe(nothing)}", flush=True)
        for run in range(args.runs):
            numbers = [1 + (run * 10 + k) * 37 % args.households for k in range(10)]
            phone.edit_households(numbers, revisions, f"{run}")
            ten = phone.pull(cursor)
            cursor = ten.cursor
            results["ten"].append(ten)
            print(f"{vendor} ten changed run {run}: {_describe(ten)}", flush=True)
        return results
    except Exception:
        print(server.log_tail(), file=sys.stderr)
        raise
    finally:
        server.stop()
        db.drop()


def _describe(p: Pulled) -> str:
    return (
        f"{p.seconds * 1000:.0f} ms, {p.pages} pages, {p.changes} changes {p.kinds}, "
        f"{p.raw_bytes} B raw, {p.gzip_bytes} B gzip"
    )


def render(rows: dict[str, dict[str, list[Pulled]]], args: argparse.Namespace) -> str:
    command = "PYTHONPATH=. .venv/bin/python -m bench.sync.pull " + " ".join(sys.argv[1:])
    names = {
        "first": "first pull (all pages, limit 500)",
        "nothing": "incremental, nothing new",
        "ten": "incremental, 10 households changed",
    }
    lines = [
        f"Command: `{command.strip()}`",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; gunicorn -w 2; "
        f"{args.households} households (+ members) in one commune, one volunteer covering it; "
        f"median of {args.runs} runs; one client sending Accept-Encoding: gzip (sync workers "
        "close the connection after each response).",
        "",
        "| database | case | median latency | pages | changes | raw JSON | gzip |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for vendor, results in rows.items():
        for key, runs in results.items():
            mid = sorted(runs, key=lambda p: p.seconds)[len(runs) // 2]
            latency = statistics.median(p.seconds for p in runs)
            note = "" if all(p.server_gzip for p in runs) else " (local)"
            lines.append(
                f"| {vendor} | {names[key]} | {_ms(latency)} | {mid.pages} | {mid.changes} | "
                f"{_bytes(mid.raw_bytes)} | {_bytes(mid.gzip_bytes)}{note} |"
            )
    return "\n".join(lines)


def _ms(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.0f} ms"


def _bytes(count: int) -> str:
    return f"{count / 1e6:.2f} MB" if count >= 1e6 else f"{count / 1e3:.1f} kB"


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync.pull")
    parser.add_argument("--vendors", default="postgresql,sqlite")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    rows = {}
    with tempfile.TemporaryDirectory(prefix="chungtay-pull-") as tmp:
        for vendor in args.vendors.split(","):
            rows[vendor] = measure(vendor, Path(tmp), args)
    table = render(rows, args)
    print(table)
    if not args.no_write:
        write_section("pull", table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
