"""Build a benchmark area in the database named by the environment and print a device token.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench SECRET_KEY=$(openssl rand -hex 32) \\
        .venv/bin/python -m bench.sync.setup_area --migrate --households 5000

Without DATABASE_URL the SQLite file under $CHUNGTAY_VAR_DIR is used. `--migrate` runs
`migrate` and `load_forms` first (needed on a fresh database). Household ids are
deterministic (bench.sync.payloads.household_id), so a load generator can address
household n of the commune without reading anything back.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import asdict


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sync.setup_area")
    parser.add_argument("--households", type=int, default=5000)
    parser.add_argument("--villages", type=int, default=10)
    parser.add_argument("--commune", default="99001")
    parser.add_argument("--devices", type=int, default=1, help="device tokens to register")
    parser.add_argument("--no-members", action="store_true", help="households without rosters")
    parser.add_argument("--migrate", action="store_true", help="migrate and load_forms first")
    parser.add_argument("--json", action="store_true", help="print a JSON summary line")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "server.settings")
    import django
    from django.core.management import call_command

    django.setup()
    from bench.sync.area import build_area

    started = time.monotonic()
    if args.migrate:
        call_command("migrate", verbosity=0, interactive=False)
        call_command("load_forms", verbosity=0)
    migrated = time.monotonic()
    area = build_area(
        households=args.households,
        villages=args.villages,
        commune_code=args.commune,
        with_members=not args.no_members,
        devices=args.devices,
    )
    built = time.monotonic()
    if args.json:
        summary = {
            **asdict(area),
            "migrate_seconds": round(migrated - started, 2),
            "build_seconds": round(built - migrated, 2),
        }
        print(json.dumps(summary))
    else:
        print(f"households={area.households} villages={area.villages} commune={area.commune_code}")
        print(f"build {built - migrated:.1f}s (migrate {migrated - started:.1f}s)")
        print("\n".join(area.tokens))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
