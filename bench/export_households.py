"""Full household export of a 1,000,000-household province on PostgreSQL: time and memory.

    PYTHONPATH=. .venv/bin/python bench/export_households.py                 # seed + measure
    PYTHONPATH=. .venv/bin/python bench/export_households.py --no-seed --runs 3

The database `exports_bench` (on DATABASE_HOST, default 127.0.0.1:5432, user postgres)
is dropped, migrated and seeded with generate_series: one province, 10 districts, 100
communes, 1,000 villages, N households with points and official statuses, and one latest
assessment per household (so the export's LEFT JOIN to the engine's class is real).

Each measurement is a separate process (peak RSS is per process), run as a province
administrator covering the province, through the same code the download view streams:
`selectors.table(...)` and `services.export_chunks(...)`, the bytes written to a file.

- `export-csv`, `export-xlsx`: the whole province (N rows).
- the same for one district (N/10 rows): the peak RSS of both shows the memory is flat.
- `openpyxl-xlsx`: one commune (N/100 rows) through openpyxl's write-only mode, against
  `export-xlsx` of the same commune: why the sheet is written by hand.
- baseline `copy-csv`: PostgreSQL's own `COPY (SELECT <the same columns, join and order>)
  TO STDOUT WITH CSV` into a file, the fastest the rows can leave the database.

Prints medians of `--runs` and the ratios to the baseline.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB = "exports_bench"
HOST = os.environ.get("DATABASE_HOST", "127.0.0.1:5432")
URL = f"postgres://postgres@{HOST}/{DB}"
PROVINCE = "97"

HOUSEHOLDS_SQL = """
WITH v AS (
    SELECT id AS village_id, parent_id AS commune_id,
           row_number() OVER (ORDER BY path) - 1 AS k
    FROM registry_unit WHERE level = 'village' AND path LIKE %(prefix)s
)
INSERT INTO registry_household (
    id, created_at, updated_at, commune_id, village_id, code, head_name, address,
    latitude, longitude, gps_accuracy_m, is_ethnic_minority, has_meritorious_member,
    receives_social_assistance, no_labour_capacity, status, status_year, revision,
    flagged_for_review, flag_reason, search_text, poverty_causes, policies_received,
    policies_needed
)
SELECT md5('hh' || g)::uuid, now(), now(), v.commune_id, v.village_id,
       'H' || lpad(g::text, 7, '0'), 'Nguyễn Văn ' || g, 'Thôn ' || v.k || ', xã ' || v.commune_id,
       22.3 + (g %% 1000) / 2000.0, 105.6 + (g %% 997) / 1500.0, 8.5,
       g %% 3 = 0, g %% 17 = 0, g %% 11 = 0, g %% 13 = 0,
       (ARRAY['poor', 'near_poor', 'not_poor', 'not_poor', 'middle'])[1 + g %% 5], 2025, 1,
       false, '', '', '[]', '[]', '[]'
FROM generate_series(1, %(n)s) AS g JOIN v ON v.k = g %% 1000
"""
ASSESSMENTS_SQL = """
INSERT INTO submissions_assessment (
    household_id, review_year, ruleset_id, ruleset_version, engine_version, household_class,
    deprivation_count, income_per_person, income_method, confidence, facts, facts_sha256,
    result, is_latest, created_at
)
SELECT h.id, 2025, 'vn-2022-2025', 1, '1',
       (ARRAY['poor', 'near_poor', 'not_poor', 'middle'])[1 + abs(hashtext(h.code)) %% 4],
       2, 1500000, 'declared', 'high', '{}', md5(h.code), '{}', true, now()
FROM registry_household h
"""
# The baseline: the export's columns, join and order, with no Python in the way.
COPY_SQL = """
COPY (
    SELECT h.code, h.head_name, c.code, c.name, v.code, v.name, h.address, h.latitude,
           h.longitude, h.is_ethnic_minority, h.has_meritorious_member,
           h.receives_social_assistance, h.no_labour_capacity, h.status, h.status_year,
           a.household_class, a.review_year
    FROM registry_household h
    JOIN registry_unit v ON v.id = h.village_id
    JOIN registry_unit c ON c.id = h.commune_id
    LEFT JOIN submissions_assessment a ON a.household_id = h.id AND a.is_latest
    WHERE v.path LIKE %s
    ORDER BY h.commune_id, h.code
) TO STDOUT WITH CSV HEADER
"""


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": URL,
        "DJANGO_SETTINGS_MODULE": "server.settings",
        "DEBUG": "0",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-" + "k" * 48),
        "PYTHONPATH": str(ROOT),
    }


def seed(households: int) -> None:
    import psycopg

    with psycopg.connect(f"postgres://postgres@{HOST}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB}")
        conn.execute(f"CREATE DATABASE {DB}")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v", "0"], env=_env(), check=True)
    subprocess.run(
        [sys.executable, __file__, "--child", "seed", str(households)], env=_env(), check=True
    )


def child_seed(households: int) -> None:
    import django

    django.setup()
    from django.db import connection

    from server.accounts.models import Role, UnitAssignment, User
    from server.registry.services import unit_create

    started = time.perf_counter()
    province = unit_create(code=PROVINCE, name="Tỉnh Đo Tốc Độ", level="province", parent=None)
    for d in range(10):
        district = unit_create(
            code=f"{PROVINCE}-{d}", name=f"Huyện {d}", level="district", parent=province
        )
        for c in range(10):
            code = f"{PROVINCE}{d}{c:02d}"
            commune = unit_create(
                code=code, name=f"Xã {d}-{c}", level="commune", parent=district, area_type="rural"
            )
            for v in range(10):
                unit_create(
                    code=f"{code}{v:03d}", name=f"Thôn {v}", level="village", parent=commune
                )
    admin = User.objects.create_user(username="bench-admin", role=Role.PROVINCE_ADMIN)
    UnitAssignment.objects.create(user=admin, unit=province)
    with connection.cursor() as cursor:
        cursor.execute(HOUSEHOLDS_SQL, {"prefix": province.path + "%", "n": households})
        cursor.execute(ASSESSMENTS_SQL, {})
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {households:,} households in {time.perf_counter() - started:.1f} s", flush=True)


def child_measure(kind: str, unit_code: str) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.utils import translation

    from server.accounts.models import User
    from server.exports import selectors, services
    from server.registry.models import Unit

    translation.activate("vi")
    user = User.objects.get(username="bench-admin")
    unit = Unit.objects.get(code=unit_code)
    rows = 0
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        if kind == "copy-csv":
            with connection.cursor() as cursor:
                raw = cursor.cursor
                with raw.copy(COPY_SQL, (unit.path + "%",)) as copy:
                    for block in copy:
                        out.write(block)
        elif kind == "openpyxl-xlsx":
            from server.exports.writers import xlsx_openpyxl

            table = selectors.table(user, "households", unit)
            xlsx_openpyxl(out, table.headers, table.rows(), title="households")
        else:
            table = selectors.table(user, "households", unit)
            for chunk in services.export_chunks(table, kind.split("-")[1], title="households"):
                out.write(chunk)
        seconds = time.perf_counter() - started
        size = out.tell()
    if kind != "copy-csv":
        rows = selectors.table(user, "households", unit).count()  # outside the timing
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "bytes": size, "rows": rows, "peak_rss_mb": peak_mb}))


def measure(kind: str, unit_code: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, __file__, "--child", kind, unit_code],
        env=_env(), check=True, capture_output=True, text=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-seed", action="store_true")
    parser.add_argument("--child", nargs=2)
    args = parser.parse_args()
    if args.child:
        kind, value = args.child
        child_seed(int(value)) if kind == "seed" else child_measure(kind, value)
        return
    if not args.no_seed:
        seed(args.households)
    results: dict[tuple[str, str], list[dict[str, float]]] = {}
    plan = [(f"{PROVINCE}000", k) for k in ("copy-csv", "export-xlsx", "openpyxl-xlsx")]
    plan += [
        (s, k)
        for s in (f"{PROVINCE}-0", PROVINCE)
        for k in ("copy-csv", "export-csv", "export-xlsx")
    ]
    for scope, kind in plan:
        if True:
            results[(kind, scope)] = [measure(kind, scope) for _ in range(args.runs)]
            r = results[(kind, scope)]
            print(
                kind,
                scope,
                [f"{x['seconds']:.1f}s/{x['peak_rss_mb']:.0f}MB" for x in r],
                flush=True,
            )
    print("\n| export | scope | rows | median s | ratio to COPY | peak RSS MB | file MB |")
    print("|---|---|---|---|---|---|---|")
    for (kind, scope), runs in results.items():
        median = statistics.median(x["seconds"] for x in runs)
        base = statistics.median(x["seconds"] for x in results[("copy-csv", scope)])
        peak = max(x["peak_rss_mb"] for x in runs)
        print(
            f"| {kind} | {scope} | {int(runs[0]['rows']):,} | {median:.1f} | {median / base:.1f}× |"
            f" {peak:.0f} | {runs[0]['bytes'] / 1e6:.0f} |"
        )


if __name__ == "__main__":
    main()
