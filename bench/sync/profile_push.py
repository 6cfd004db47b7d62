"""Profile the push view in one process (cProfile), without HTTP or concurrency noise.

    .venv/bin/python -m bench.sync.profile_push --vendor postgresql --batches 20 --count 25
    .venv/bin/python -m bench.sync.profile_push --pull     # a commune's whole first pull

Builds a throwaway database with the benchmark area, then posts `--count` push bodies
through Django's test client under cProfile and prints the top functions by cumulative
and by own time, plus the SQL statements issued per submission.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import tempfile
import time
from pathlib import Path

from bench.sync.load import plan_clients
from bench.sync.servers import database, setup_area


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync.profile_push")
    parser.add_argument("--vendor", default="postgresql")
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--count", type=int, default=25, help="push requests to profile")
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--dump", help="also write the raw cProfile stats to this file")
    parser.add_argument("--pull", action="store_true", help="profile a first pull instead")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="chungtay-profile-") as tmp:
        db = database(args.vendor, f"bench_profile_{os.getpid()}", Path(tmp))
        db.drop()
        db.create()
        try:
            token = str(setup_area(db, "--migrate", "--households", str(args.households))["token"])
            os.environ.update(db.env())
            if db.url is None:
                os.environ.pop("DATABASE_URL", None)
            (_profile_pull if args.pull else _profile)(token, args)
        finally:
            from django.db import connections

            connections.close_all()
            db.drop()
    return 0


def _profile(token: str, args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    plan = plan_clients(
        run="profile",
        clients=1,
        batch=args.batch,
        per_client=args.batch * (args.count + 1),
        households=args.households,
        commune_code="99001",
    )[0]
    client = Client(
        HTTP_AUTHORIZATION=f"Token {token}", HTTP_X_CHUNGTAY_PROTOCOL="1", SERVER_NAME="127.0.0.1"
    )
    warm = client.post("/api/v1/sync/push", plan.bodies[0], content_type="application/json")
    assert warm.status_code == 200, warm.content[:500]
    captured: list[tuple[str, float]] = []
    record = _recorder(captured)
    with connection.execute_wrapper(record):
        client.post("/api/v1/sync/push", plan.bodies[1], content_type="application/json")
    print(f"SQL statements for one push of {args.batch}: {len(captured)}")
    for sql in _shapes(captured):
        print("  ", sql)
    profiler = cProfile.Profile()
    began, cpu = time.perf_counter(), time.process_time()
    profiler.enable()
    for body in plan.bodies[2 : args.count + 1]:
        response = client.post("/api/v1/sync/push", body, content_type="application/json")
        assert response.status_code == 200
    profiler.disable()
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    submissions = (args.count - 1) * args.batch
    print(
        f"{submissions} submissions in {elapsed:.2f}s wall, {cpu:.2f}s CPU of this process "
        f"(under cProfile): {submissions / elapsed:.0f}/s, "
        f"{1000 * cpu / submissions:.1f} ms CPU per submission"
    )
    if args.dump:
        profiler.dump_stats(args.dump)
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(FOCUS)
    stats.sort_stats("cumulative").print_stats(args.top)
    stats.sort_stats("tottime").print_stats(args.top)


def _profile_pull(token: str, args: argparse.Namespace) -> None:
    """Every page of a first pull at limit 500, as the phone asks for it."""
    import django

    django.setup()
    from django.test import Client

    client = Client(
        HTTP_AUTHORIZATION=f"Token {token}", HTTP_X_CHUNGTAY_PROTOCOL="1", SERVER_NAME="127.0.0.1"
    )
    from django.db import connection

    captured: list[tuple[str, float]] = []
    record = _recorder(captured)
    profiler = cProfile.Profile()
    began, pages, changes, cursor = time.perf_counter(), 0, 0, ""
    profiler.enable()
    with connection.execute_wrapper(record):
        while True:
            body = client.get("/api/v1/sync/pull", {"cursor": cursor, "limit": 500}).json()
            pages, changes = pages + 1, changes + len(body["changes"])
            cursor = body["next_cursor"]
            if not body["has_more"]:
                break
    profiler.disable()
    for line in _shapes(captured):
        print("  ", line)
    print(f"{changes} changes in {pages} pages: {time.perf_counter() - began:.2f}s (cProfile)")
    if args.dump:
        profiler.dump_stats(args.dump)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.top)


FOCUS = (
    r"validate\.py.*\(validate\)|mapping\.py.*\(facts_dict_from_answers\)|"
    r"scoring\.py.*\(build_assessment\)|scoring/__init__|engine\.py.*\(score\)|"
    r"utils\.py.*\(_execute\)$|connection\.py.*\(wait\)|compiler\.py.*\(as_sql\)|"
    r"fields\.py.*\(parse_json\)|codec\.py.*\(decode_push\)|store\.py|"
    r"authentication\.py.*\(authenticate\)|base\.py.*\(commit\)"
)
"""Functions whose cumulative time splits a push into validation, scoring, SQL and parsing."""


def _recorder(captured: list[tuple[str, float]]):  # type: ignore[no-untyped-def]
    """A Django execute_wrapper that appends (sql, seconds) for each statement."""

    def record(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            captured.append((sql, time.perf_counter() - began))

    return record


def _shapes(statements: list[tuple[str, float]]) -> list[str]:
    """Group statements by their first 80 characters, with counts and total milliseconds."""
    counts: dict[str, list[float]] = {}
    for sql, seconds in statements:
        counts.setdefault(sql[:80], []).append(seconds)
    ordered = sorted(counts.items(), key=lambda kv: -sum(kv[1]))
    return [f"{len(t):4d} × {1000 * sum(t):6.1f} ms  {key}" for key, t in ordered]


if __name__ == "__main__":
    raise SystemExit(main())
