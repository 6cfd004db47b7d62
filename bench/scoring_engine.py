"""Benchmark: households per second through the scoring engine on one core.

Usage: .venv/bin/python bench/scoring_engine.py [--households 20000] [--runs 7]

Households are generated with a fixed seed, varied across review years, area types, member
counts, ages, missing facts and both income methods, and decoded once before timing: the
figure measures score() alone. The median of several runs is reported.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from any directory

from forms.scoring import assessment_to_dict, facts_from_dict, score  # noqa: E402
from forms.scoring.facts import HouseholdFacts  # noqa: E402

YEARS = (2020, 2021, 2023, 2024, 2025, 2026, 2028)
MATERIALS = (
    "brick_stone",
    "reinforced_concrete",
    "tile",
    "metal_sheet",
    "bamboo",
    "thatch_leaves",
    "mud",
)
WATER = (
    "piped_to_premises",
    "drilled_well",
    "protected_dug_well",
    "unprotected_dug_well",
    "surface_water",
)
LATRINES = ("flush_septic", "flush_semi_septic", "pit_with_slab", "hanging_over_water", "none")
DEVICES = ("tv", "radio", "smartphone", "basic_phone", "laptop")
QUALS = (
    "none",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "vocational_elementary",
    "university",
)
LEVELS = ("preschool", "primary", "lower_secondary", "upper_secondary")


def maybe(rng: random.Random, value: Any, missing: float = 0.03) -> Any:
    """Return ``value``, or None with probability ``missing`` (facts missing in the field)."""
    return None if rng.random() < missing else value


def member(rng: random.Random, year: int, role: str) -> dict[str, Any]:
    age = {"adult": rng.randint(18, 75), "child": rng.randint(0, 17)}[role]
    data: dict[str, Any] = {
        "name": f"Thành viên {rng.randint(1, 9999)}",
        "sex": rng.choice(("male", "female")),
        "in_school": maybe(rng, role == "child" and rng.random() < 0.9),
        "school_level": rng.choice(LEVELS) if role == "child" else None,
        "highest_qualification": maybe(rng, rng.choice(QUALS)),
        "health_insurance": maybe(rng, rng.random() < 0.9),
        "employment_status": maybe(
            rng, rng.choice(("employed", "employed", "unemployed", "not_in_labour_force"))
        ),
        "employment_type": rng.choice(("wage", "self_employed", "family_worker")),
        "labour_contract": maybe(rng, rng.random() < 0.6),
        "disabled": maybe(rng, rng.random() < 0.05),
        "unable_to_work": maybe(rng, rng.random() < 0.05),
        "nutrition": maybe(rng, rng.choice(("normal",) * 8 + ("stunted", "underweight")))
        if age < 16
        else None,
    }
    if rng.random() < 0.5:
        data["birth_date"] = f"{year - age}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    else:
        data["birth_year"] = year - age
    return data


def household(rng: random.Random, index: int) -> dict[str, Any]:
    year = rng.choice(YEARS)
    size = rng.randint(1, 7)
    members = [
        member(rng, year, "adult" if i < 2 or rng.random() < 0.4 else "child") for i in range(size)
    ]
    return {
        "facts_version": 1,
        "household_id": f"HH-{index}",
        "review_year": year,
        "area_type": rng.choice(("rural", "rural", "urban")),
        "province_code": rng.choice((1, 75, 79)),
        "members": members,
        "dwelling": {
            "wall_material": maybe(rng, rng.choice(MATERIALS)),
            "column_material": maybe(rng, rng.choice(MATERIALS)),
            "roof_material": maybe(rng, rng.choice(MATERIALS)),
            "area_m2": maybe(rng, round(rng.uniform(6, 120), 1)),
        },
        "sanitation": {
            "water_source": maybe(rng, rng.choice(WATER)),
            "latrine": maybe(rng, rng.choice(LATRINES)),
            "waste_treatment": rng.choice(("collected", "burned", "dumped")),
        },
        "information": {
            "internet_use": maybe(rng, rng.random() < 0.7),
            "phone_subscription": rng.random() < 0.9,
            "devices": rng.sample(DEVICES, rng.randint(0, 3)),
            "loudspeaker_reach": rng.random() < 0.6,
            "digital_services_use": rng.random() < 0.5,
        },
        "health": {"ill_without_care_12m": rng.random() < 0.05},
        "income": maybe(rng, income(rng, size), 0.02),
    }


def income(rng: random.Random, size: int) -> dict[str, Any]:
    monthly = rng.randint(300_000, 4_000_000) * size
    return {"method": "declared", "sources": [{"kind": "wages", "amount_12m": monthly * 12}]}


def generate(count: int, seed: int = 20261121) -> list[HouseholdFacts]:
    rng = random.Random(seed)
    return [facts_from_dict(household(rng, i)) for i in range(count)]


def run_once(batch: list[HouseholdFacts], *, serialise: bool = False) -> float:
    """Return households per second of this process's CPU time (robust to other load)."""
    start = time.process_time()
    if serialise:
        for facts in batch:
            assessment_to_dict(score(facts))
    else:
        for facts in batch:
            score(facts)
    return len(batch) / (time.process_time() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument(
        "--serialise",
        action="store_true",
        help="also render reasons and build the JSON-ready dict (assessment_to_dict)",
    )
    args = parser.parse_args()
    batch = generate(args.households)
    run_once(batch[:1000], serialise=True)  # warm the ruleset and walk caches
    rates = [run_once(batch, serialise=args.serialise) for _ in range(args.runs)]
    what = "score() + assessment_to_dict()" if args.serialise else "score()"
    print(f"{what}: {len(batch)} households, {args.runs} runs")
    print(f"runs (households/s, CPU time): {', '.join(f'{r:,.0f}' for r in rates)}")
    print(f"median: {statistics.median(rates):,.0f} households/s on one core")


if __name__ == "__main__":
    main()
