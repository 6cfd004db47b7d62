"""`manage.py rescore` throughput on 100,000 stored households, SQLite and PostgreSQL.

    PYTHONPATH=. .venv/bin/python bench/rescore.py                  # both databases
    PYTHONPATH=. .venv/bin/python bench/rescore.py --vendors sqlite --households 20000

Each database is fresh: migrate, load_forms, a commune of N households (no rosters:
rescore reads only the latest assessment's facts and the village path), then one latest
Assessment per household. Those are made by scoring 64 varied Phiếu B surveys with
`server.submissions.scoring.build_assessment` and giving each household a copy with its
own household_id (and so its own facts_sha256), bulk-inserted. The timed part is the
command itself, run as a separate process exactly as an operator would:
`manage.py rescore --ruleset vn-2022-2025 --year 2025 --no-progress`. The figures go to
the "Rescore throughput" section of bench/sync/results.md.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = 64
RULESET, YEAR = "vn-2022-2025", 2025


def seed_assessments(households: int, commune_code: str = "99001") -> int:
    """Inside Django: one latest Assessment per household, cloned from scored templates."""
    import django

    django.setup()
    import forms
    from bench.sync.payloads import household_id, survey_answers
    from server.submissions.models import Assessment
    from server.submissions.scoring import build_assessment, facts_sha256

    form = next(f for f in forms.iter_shipped_definitions() if f.id == "household_survey")
    extra = {"area_type": "rural", "province_code": 99}
    templates = []
    for k in range(TEMPLATES):
        facts = forms.facts_dict_from_answers(
            form, survey_answers(k), extra={**extra, "household_id": "template"}
        )
        templates.append(build_assessment(household_id=None, facts=facts))
    batch: list[Assessment] = []
    for n in range(1, households + 1):
        template = templates[n % TEMPLATES]
        hid = str(household_id(commune_code, n))
        facts = {**template.facts, "household_id": hid}
        batch.append(
            Assessment(
                household_id=hid,
                review_year=template.review_year,
                ruleset_id=template.ruleset_id,
                ruleset_version=template.ruleset_version,
                engine_version=template.engine_version,
                household_class=template.household_class,
                deprivation_count=template.deprivation_count,
                income_per_person=template.income_per_person,
                income_method=template.income_method,
                confidence=template.confidence,
                facts=facts,
                facts_sha256=facts_sha256(facts),
                result={**template.result, "household_id": hid},
                is_latest=True,
            )
        )
        if len(batch) == 2000:
            Assessment.objects.bulk_create(batch)
            batch = []
    Assessment.objects.bulk_create(batch)
    return Assessment.objects.filter(is_latest=True).count()


def run_vendor(vendor: str, base: Path, households: int) -> dict[str, float]:
    """Prepare a fresh database, then time the rescore command; return the figures."""
    from bench.sync.servers import PYTHON, database, manage, setup_area

    db = database(vendor, f"bench_rescore_{os.getpid()}", base)
    db.drop()
    db.create()
    try:
        began = time.monotonic()
        setup_area(db, "--migrate", "--no-members", "--households", str(households))
        seeded = subprocess.run(
            [PYTHON, str(Path(__file__)), "--seed-only", "--households", str(households)],
            env=db.env(),
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=3600,
        )
        prepared = time.monotonic() - began
        if db.vendor == "postgresql":
            db.rows("SELECT 1")  # connection check; ANALYZE below needs autocommit
            _analyze(db)
        started = time.monotonic()
        output = manage(
            db, "rescore", "--ruleset", RULESET, "--year", str(YEAR), "--no-progress", timeout=7200
        )
        seconds = time.monotonic() - started
        scored = int(output.strip().split("scored=", 1)[1].split()[0])
        latest = int(db.scalar("SELECT count(*) FROM submissions_assessment WHERE is_latest"))
        total = int(db.scalar("SELECT count(*) FROM submissions_assessment"))
        print(f"{vendor}: seeded {seeded.stdout.strip()} in {prepared:.0f}s; {output.strip()}")
        return {
            "households": households,
            "scored": scored,
            "seconds": seconds,
            "rate": scored / seconds,
            "latest": latest,
            "total": total,
            "prepare": prepared,
        }
    finally:
        db.drop()


def _analyze(db: object) -> None:
    """Fresh bulk-loaded tables have no statistics yet; a real database would."""
    import psycopg

    url = db.url.replace("postgres://", "postgresql://", 1)  # type: ignore[attr-defined]
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("ANALYZE")


def render(rows: dict[str, dict[str, float]]) -> str:
    command = "PYTHONPATH=. .venv/bin/python bench/rescore.py " + " ".join(sys.argv[1:])
    lines = [
        f"Command: `{command.strip()}`",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; timed: "
        f"`manage.py rescore --ruleset {RULESET} --year {YEAR} --no-progress` (batch 500) "
        "in its own process on a fresh database holding one latest assessment per household.",
        "",
        "| database | households | scored | time | households/s | latest after | "
        "assessments after |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for vendor, f in rows.items():
        lines.append(
            f"| {vendor} | {int(f['households'])} | {int(f['scored'])} | {f['seconds']:.0f} s | "
            f"**{f['rate']:.0f}** | {int(f['latest'])} | {int(f['total'])} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(prog="bench/rescore.py")
    parser.add_argument("--vendors", default="sqlite,postgresql")
    parser.add_argument("--households", type=int, default=100_000)
    parser.add_argument("--seed-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if args.seed_only:
        print(seed_assessments(args.households))
        return 0
    sys.path.insert(0, str(ROOT))
    from bench.sync.results import write_section

    rows = {}
    with tempfile.TemporaryDirectory(prefix="chungtay-rescore-") as tmp:
        for vendor in args.vendors.split(","):
            rows[vendor] = run_vendor(vendor, Path(tmp), args.households)
    table = render(rows)
    print(table)
    if not args.no_write:
        write_section("rescore", table)
    ok = all(f["scored"] == f["households"] == f["latest"] for f in rows.values())
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
