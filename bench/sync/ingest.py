"""Push throughput: Phiếu B submissions ingested and scored per second, over real HTTP.

    .venv/bin/python -m bench.sync.ingest                     # PostgreSQL and SQLite
    .venv/bin/python -m bench.sync.ingest --vendors postgresql --batches 20 --runs 3

For each database and batch size: a fresh copy of a prepared database (5,000-household
commune, forms loaded), `gunicorn server.wsgi -w 2` on 127.0.0.1, 50 concurrent keep-alive
clients pushing valid, distinct surveys for households of the commune. A run stops after
`--seconds` or when the clients' prepared bodies are used up. Scoring happens in the
request path, so a stored submission is a scored one; after each run the database must
hold exactly one Submission and one Assessment per item sent, or the run is a failure.
The median of `--runs` runs is reported and written to bench/sync/results.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from bench.sync.load import LoadResult, plan_clients, run_clients
from bench.sync.results import write_section
from bench.sync.servers import (
    Database,
    Gunicorn,
    database,
    pg_backends_cpu_seconds,
    setup_area,
)

SUBMISSIONS = "submissions_submission"
ASSESSMENTS = "submissions_assessment"


@dataclass
class RunFigures:
    """One run, checked against the database."""

    sent: int
    accepted: int
    failures: int
    stored: int
    assessed: int
    missing: int
    extra: int
    seconds: float
    p50_ms: float
    p95_ms: float
    server_cpu: float = 0.0
    db_cpu: float = 0.0
    client_cpu: float = 0.0

    @property
    def cpu_ms(self) -> float:
        """Server CPU (gunicorn workers + PostgreSQL backends) per accepted submission."""
        return 1000 * self.server_cpu / self.accepted if self.accepted else 0.0

    @property
    def db_cpu_ms(self) -> float:
        """The PostgreSQL backends' part of cpu_ms."""
        return 1000 * self.db_cpu / self.accepted if self.accepted else 0.0

    @property
    def rate(self) -> float:
        return self.accepted / self.seconds if self.seconds else 0.0

    @property
    def ok(self) -> bool:
        exact = self.sent == self.accepted == self.stored == self.assessed
        return exact and self.failures == 0 and self.missing == self.extra == 0


def prepare_template(vendor: str, base: Path, households: int) -> tuple[Database, str]:
    """Migrate, load forms and build the area once; runs copy this database."""
    template = database(vendor, f"bench_ingest_tmpl_{os.getpid()}", base)
    template.drop()
    template.create()
    summary = setup_area(template, "--migrate", "--households", str(households))
    return template, str(summary["token"])


def one_run(
    *,
    template: Database,
    token: str,
    batch: int,
    index: int,
    args: argparse.Namespace,
) -> RunFigures:
    """Copy the template, serve it, push, stop the server, then count what was stored."""
    db = database(
        template.vendor, f"bench_ingest_{os.getpid()}_{batch}_{index}", template.var_dir.parent
    )
    db.drop()
    db.create(template)
    server = Gunicorn(db, workers=args.workers)
    try:
        per_client = max(batch, args.max_submissions // args.clients)
        plans = plan_clients(
            run=f"{batch}-{index}-{uuid.uuid4()}",
            clients=args.clients,
            batch=batch,
            per_client=per_client,
            households=args.households,
            commune_code="99001",
        )
        server.start()
        cpu_before, client_before = server.cpu_seconds(), time.process_time()
        result = run_clients(
            port=server.port, token=token, plans=plans, seconds=args.seconds, timeout=600
        )
        db_cpu = pg_backends_cpu_seconds(db)
        server_cpu = server.cpu_seconds() - cpu_before + db_cpu
        client_cpu = time.process_time() - client_before
        server.stop()
        figures = check(db, result)
        figures.server_cpu, figures.db_cpu, figures.client_cpu = server_cpu, db_cpu, client_cpu
        return figures
    except Exception:
        print(server.log_tail(), file=sys.stderr)
        raise
    finally:
        server.stop()
        if not args.keep:
            db.drop()


def check(db: Database, result: LoadResult) -> RunFigures:
    """Compare what the clients sent with what the database holds."""
    stored_ids = {_uuid(r[0]) for r in db.rows(f"SELECT id FROM {SUBMISSIONS}")}  # noqa: S608
    sent_ids = {uuid.UUID(u) for u in result.sent_uuids}
    latencies = sorted(result.latencies) or [0.0]
    return RunFigures(
        sent=len(result.sent_uuids),
        accepted=result.accepted,
        failures=result.failures,
        stored=int(db.scalar(f"SELECT count(*) FROM {SUBMISSIONS}")),  # noqa: S608
        assessed=int(db.scalar(f"SELECT count(*) FROM {ASSESSMENTS}")),  # noqa: S608
        missing=len(sent_ids - stored_ids),
        extra=len(stored_ids - sent_ids) + (len(result.sent_uuids) - len(sent_ids)),
        seconds=result.seconds,
        p50_ms=1000 * latencies[len(latencies) // 2],
        p95_ms=1000 * latencies[int(len(latencies) * 0.95)],
    )


def _uuid(value: object) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync.ingest")
    parser.add_argument("--vendors", default="postgresql,sqlite")
    parser.add_argument("--batches", default="1,20,100")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=float, default=20.0, help="cap per run")
    parser.add_argument("--max-submissions", type=int, default=10000, help="cap per run")
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--keep", action="store_true", help="keep run databases")
    parser.add_argument("--no-write", action="store_true", help="do not update results.md")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="chungtay-ingest-") as tmp:
        for vendor in args.vendors.split(","):
            template, token = prepare_template(vendor, Path(tmp), args.households)
            try:
                for batch in [int(b) for b in args.batches.split(",")]:
                    runs = []
                    for index in range(args.runs):
                        figures = one_run(
                            template=template, token=token, batch=batch, index=index, args=args
                        )
                        runs.append(figures)
                        print(_line(vendor, batch, index, figures), flush=True)
                    rows.append((vendor, batch, runs))
            finally:
                template.drop()
    table = render(rows, args)
    print(table)
    if not args.no_write:
        write_section("ingest", table)
    return 0 if all(f.ok for _v, _b, runs in rows for f in runs) else 1


def _line(vendor: str, batch: int, index: int, f: RunFigures) -> str:
    return (
        f"{vendor:10} batch={batch:<3} run={index} sent={f.sent} accepted={f.accepted} "
        f"stored={f.stored} assessed={f.assessed} failures={f.failures} missing={f.missing} "
        f"extra={f.extra} {f.seconds:.1f}s {f.rate:.0f}/s p50={f.p50_ms:.0f}ms p95={f.p95_ms:.0f}ms "
        f"server_cpu={f.server_cpu:.1f}s ({f.cpu_ms:.1f} ms/sub, database {f.db_cpu_ms:.1f}) "
        f"client_cpu={f.client_cpu:.1f}s"
    )


def render(rows: list[tuple[str, int, list[RunFigures]]], args: argparse.Namespace) -> str:
    command = "PYTHONPATH=. .venv/bin/python -m bench.sync.ingest " + " ".join(sys.argv[1:])
    lines = [
        f"Command: `{command.strip()}`",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} cores; "
        f"gunicorn -w {args.workers} (sync workers); {args.clients} concurrent clients; "
        f"{args.households} households; a client starts no request after {args.seconds:.0f} s "
        f"(requests already queued finish) and sends ≤ {args.max_submissions // args.clients} "
        "submissions; each run on a fresh copy of the database. Sync workers close the "
        "connection after each response, so clients reconnect per request. Server CPU = "
        "gunicorn master + workers + PostgreSQL backends, per accepted submission.",
        "",
        "| database | batch | median subs/s (ingested + scored) | runs (subs/s) | "
        "sent per run | p50 / p95 request ms | server CPU ms / sub (database) | failures | "
        "Submission = Assessment = sent |",
        "|---|---:|---:|---|---:|---|---:|---:|---|",
    ]
    for vendor, batch, runs in rows:
        median = statistics.median(f.rate for f in runs)
        middle = sorted(runs, key=lambda f: f.rate)[len(runs) // 2]
        lines.append(
            f"| {vendor} | {batch} | **{median:.0f}** | "
            f"{', '.join(f'{f.rate:.0f}' for f in runs)} | "
            f"{', '.join(str(f.sent) for f in runs)} | "
            f"{middle.p50_ms:.0f} / {middle.p95_ms:.0f} | "
            f"{statistics.median(f.cpu_ms for f in runs):.1f} "
            f"({statistics.median(f.db_cpu_ms for f in runs):.1f}) | "
            f"{sum(f.failures for f in runs)} | "
            f"{'yes' if all(f.ok for f in runs) else 'NO'} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
