# ruff: noqa: S608  (SQL built from integers and a model's table name only)
"""Dashboard figures for a province of 1,000,000 households on PostgreSQL.

    PYTHONPATH=. .venv/bin/python bench/reports_dashboard.py                 # 1,000,000
    PYTHONPATH=. .venv/bin/python bench/reports_dashboard.py --households 50000 --keep

A fresh database (`reports_bench` by default) is migrated, then filled with SQL
(generate_series; triggers off while loading): one province, 100 communes (a fifth of
them urban), 20 villages each, N households with two members each, one latest
assessment each with ten indicators, and official statuses for the years 2021–2025.
The counters are then built once (`figures_rebuild`, timed and reported) and every
dashboard read is timed: medians of --runs runs, each reported as a ratio against the
baseline measured in the same run, `SELECT count(*) FROM registry_household`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
COMMUNES, VILLAGES = 100, 20
YEARS = (2021, 2022, 2023, 2024, 2025)


def prepare(url: str, name: str) -> None:
    admin = url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "tests.settings"}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def units() -> None:
    from server.registry.services import unit_create

    province = unit_create(code="95", name="Tỉnh Thử Tải", level="province", parent=None)
    for c in range(1, COMMUNES + 1):
        area = "urban" if c % 5 == 0 else "rural"
        commune = unit_create(
            code=f"95{c:03d}", name=f"Xã {c:03d}", level="commune", parent=province, area_type=area
        )
        for v in range(1, VILLAGES + 1):
            unit_create(
                code=f"95{c:03d}{v:03d}", name=f"Thôn {v:02d}", level="village", parent=commune
            )


LOAD_SQL = """
SET session_replication_role = replica;
CREATE TEMP TABLE v AS
  SELECT row_number() OVER (ORDER BY path) - 1 AS n, id, parent_id FROM registry_unit
  WHERE level = 'village';
INSERT INTO registry_household (id, commune_id, village_id, code, head_name, address,
  is_ethnic_minority, has_meritorious_member, receives_social_assistance, no_labour_capacity,
  status, status_year, revision, flagged_for_review, flag_reason, search_text,
  poverty_causes, policies_received, policies_needed, created_at, updated_at)
SELECT gen_random_uuid(), v.parent_id, v.id, 'B' || g, 'Chủ hộ ' || g, '',
  (g % 3 = 0), (g % 19 = 0), (g % 8 = 0), (g % 23 = 0),
  CASE WHEN g % 100 < 6 THEN 'poor' WHEN g % 100 < 11 THEN 'near_poor'
       WHEN g % 100 < 30 THEN 'middle' ELSE 'not_poor' END,
  2025, 1, false, '', '',
  CASE WHEN g % 100 < 6 THEN '["no_capital", "no_land"]'::jsonb ELSE '[]'::jsonb END,
  '[]'::jsonb, '[]'::jsonb, now(), now()
FROM generate_series(1, {n}) g JOIN v ON v.n = g % {villages};
INSERT INTO registry_member (id, household_id, full_name, name_folded, sex, birth_year,
  relation, ethnicity, revision, created_at, updated_at)
SELECT gen_random_uuid(), h.id, 'Người ' || k, 'nguoi', 'male', 1980 + k,
  CASE WHEN k = 1 THEN 'head' ELSE 'child' END,
  CASE WHEN h.is_ethnic_minority THEN 'tay' ELSE 'kinh' END, 1, now(), now()
FROM registry_household h, generate_series(1, 2) k;
INSERT INTO submissions_assessment (household_id, review_year, ruleset_id, ruleset_version,
  engine_version, household_class, deprivation_count, income_per_person, income_method,
  confidence, facts, facts_sha256, result, is_latest, created_at)
SELECT h.id, 2025, 'vn-2022-2025', 1, '1',
  CASE h.status WHEN 'poor' THEN 'POOR' WHEN 'near_poor' THEN 'NEAR_POOR'
       WHEN 'middle' THEN 'MIDDLE' ELSE 'NOT_POOR' END,
  0, 1500000, 'proxy', 'high', '{}', md5(h.id::text) || md5(h.code),
  (SELECT jsonb_build_object('indicators', jsonb_agg(jsonb_build_object(
     'code', 'I' || i, 'status',
     CASE WHEN abs(hashtext(h.code) + i) % 7 = 0 THEN 'deprived' ELSE 'not_deprived' END)))
   FROM generate_series(1, 10) i),
  true, now()
FROM registry_household h;
"""


def load(households: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        sql = LOAD_SQL.replace("{n}", str(int(households)))
        cursor.execute(sql.replace("{villages}", str(COMMUNES * VILLAGES)))
        history_sql = _history_sql()
        if history_sql:
            cursor.execute(history_sql)
        cursor.execute("SET session_replication_role = origin; ANALYZE;")


def _history_sql() -> str:
    """Official statuses per year: the poor share falls a point a year to 2025's."""
    from django.apps import apps

    try:
        model = apps.get_model("registry", "HouseholdStatusRecord")
    except LookupError:
        return ""
    table = model._meta.db_table
    rows = []
    for year in YEARS:
        shift = 2025 - year
        rows.append(
            f"INSERT INTO {table} (household_id, year, status, decided_on, decision_ref, recorded_at) "
            f"SELECT id, {year}, CASE WHEN abs(hashtext(code)) % 100 < {6 + shift} THEN 'poor' "
            f"WHEN abs(hashtext(code)) % 100 < {11 + shift} THEN 'near_poor' ELSE 'not_poor' END, "
            f"date '{year}-12-15', 'QĐ {year}', now() FROM registry_household;"
        )
    return "\n".join(rows)


def timed(fn: Callable[[], Any], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database", default="reports_bench")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--keep", action="store_true", help="reuse the loaded database")
    args = parser.parse_args()
    url = f"{args.server}/{args.database}"
    if not args.keep:
        prepare(url, args.database)
    os.environ.update(DATABASE_URL=url, DJANGO_SETTINGS_MODULE="tests.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from decimal import Decimal

    from django.db import connection

    from server.registry.models import Household, Unit
    from server.reports import selectors, services
    from server.reports.models import Target

    if not args.keep:
        t0 = time.perf_counter()
        units()
        load(args.households)
        print(f"load: {time.perf_counter() - t0:.1f} s")
        t0 = time.perf_counter()
        services.figures_rebuild()
        print(f"counters built from scratch: {time.perf_counter() - t0:.1f} s")
    province = Unit.objects.get(code="95")
    commune = Unit.objects.get(code="95007")
    village = Unit.objects.get(code="95007003")
    target, _ = Target.objects.get_or_create(
        unit=province, group="all", measure="rate_cut", base_year=2021, target_year=2025,
        defaults={"name": "bench", "value": Decimal(1)},
    )  # fmt: skip

    def baseline() -> None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM registry_household")
            cursor.fetchone()

    def dirty_ten() -> None:
        ids = [
            Household.objects.filter(village__code=f"95{c:03d}001").values_list("pk", flat=True)[0]
            for c in range(1, 11)
        ]
        Household.objects.filter(pk__in=ids).update(flagged_for_review=False)

    reads: dict[str, Callable[[], Any]] = {
        "baseline: SELECT count(*) FROM registry_household": baseline,
        "province figures (unit_figures)": lambda: selectors.unit_figures(province),
        "commune figures": lambda: selectors.unit_figures(commune),
        "village figures": lambda: selectors.unit_figures(village),
        "drill-down table: 100 communes": lambda: selectors.children_counters(
            province, ["hh", "st:", "cl:"]
        ),
        "target progress (province)": lambda: selectors.target_progress(target),
        "target ranking (100 communes)": lambda: selectors.target_ranking(target),
        "households behind 'poor' (first page)": lambda: selectors.households_for_key(
            user=_superuser(), unit=province, key="st:poor"
        ),
    }
    results = {name: timed(fn, args.runs) for name, fn in reads.items()}
    dirty_ten()
    results["province figures, 10 villages dirty"] = timed(
        lambda: selectors.unit_figures(province), args.runs
    )
    t0 = time.perf_counter()
    services.figures_refresh()
    results["refresh of 10 dirty villages"] = time.perf_counter() - t0
    base = results["baseline: SELECT count(*) FROM registry_household"]
    print(f"{Household.objects.count():,} households, medians of {args.runs} runs")
    for name, seconds in results.items():
        print(f"{name:50s} {seconds * 1000:9.1f} ms  {seconds / base:7.2f}× baseline")


def _superuser() -> Any:
    from server.accounts.models import User

    user, _ = User.objects.get_or_create(
        username="bench-admin", defaults={"is_superuser": True, "is_staff": True}
    )
    return user


if __name__ == "__main__":
    main()
