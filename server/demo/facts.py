"""Synthetic survey facts for the demo households, so the demo shows real assessments.

Incomes lean low, as in Cao Bằng; a few facts are left missing on purpose so some
households come out UNDETERMINED and show what the reviewer must still ask.
"""

import random
from typing import Any

from server.registry.models import Member

# Durable materials are listed several times: most houses in the demo are solid.
MATERIALS = (
    ("brick_stone",) * 3
    + ("reinforced_concrete",) * 2
    + ("tile", "metal_sheet", "bamboo", "thatch_leaves", "mud")
)
WATER = ("piped_to_premises",) * 2 + (
    "drilled_well",
    "protected_dug_well",
    "unprotected_dug_well",
    "surface_water",
)
LATRINES = ("flush_septic",) * 2 + (
    "flush_semi_septic",
    "pit_with_slab",
    "hanging_over_water",
    "none",
)
DEVICES = ("tv", "radio", "smartphone", "basic_phone", "laptop")
QUALS = (
    "none",
    "primary",
    "lower_secondary",
    "upper_secondary",
    "vocational_elementary",
    "university",
)
REVIEW_YEAR = 2025


def _maybe(rng: random.Random, value: Any, missing: float = 0.01) -> Any:
    return None if rng.random() < missing else value


def _school_level(age: int) -> str:
    if age < 6:
        return "preschool"
    if age < 11:
        return "primary"
    return "lower_secondary" if age < 15 else "upper_secondary"


def _member(rng: random.Random, member: Member) -> dict[str, Any]:
    age = REVIEW_YEAR - member.birth_year
    child = age < 16
    data: dict[str, Any] = {
        "name": member.full_name,
        "sex": member.sex,
        "in_school": _maybe(rng, 3 <= age < 18 and rng.random() < 0.92),
        "school_level": _school_level(age) if 3 <= age < 18 else None,
        "highest_qualification": _maybe(rng, rng.choice(QUALS[:4] if age > 40 else QUALS)),
        "health_insurance": _maybe(rng, rng.random() < 0.88),
        "employment_status": None
        if child
        else _maybe(rng, rng.choice(("employed",) * 5 + ("unemployed",))),
        "employment_type": None
        if child
        else rng.choice(("wage", "self_employed", "self_employed")),
        "labour_contract": None if child else _maybe(rng, rng.random() < 0.5),
        "disabled": _maybe(rng, rng.random() < 0.04),
        "unable_to_work": None if child else _maybe(rng, rng.random() < 0.05),
        "nutrition": _maybe(rng, rng.choice(("normal",) * 7 + ("stunted", "underweight")))
        if child
        else None,
    }
    if member.birth_date:
        data["birth_date"] = member.birth_date.isoformat()
    else:
        data["birth_year"] = member.birth_year
    return data


def demo_facts(
    *, code: str, roster: list[Member], area_type: str, province_code: int
) -> dict[str, Any]:
    """Facts for one demo household, reproducible from its code."""
    rng = random.Random(f"facts-{code}")  # noqa: S311 - demo data, not security
    monthly_per_person = int(rng.lognormvariate(14.75, 0.5))
    return {
        "facts_version": 1,
        "household_id": None,
        "review_year": REVIEW_YEAR,
        "area_type": area_type,
        "province_code": province_code,
        "members": [_member(rng, m) for m in roster],
        "dwelling": {
            "wall_material": rng.choice(MATERIALS),
            "column_material": rng.choice(MATERIALS),
            "roof_material": rng.choice(MATERIALS),
            "area_m2": _maybe(rng, rng.randint(12, 110), 0.02),
        },
        "sanitation": {
            "water_source": rng.choice(WATER),
            "latrine": rng.choice(LATRINES),
            "waste_treatment": rng.choice(("collected", "burned", "dumped")),
        },
        "information": {
            "internet_use": rng.random() < 0.6,
            "phone_subscription": rng.random() < 0.9,
            "devices": rng.sample(DEVICES, rng.randint(0, 3)),
            "loudspeaker_reach": rng.random() < 0.6,
            "digital_services_use": rng.random() < 0.4,
        },
        "health": {"ill_without_care_12m": rng.random() < 0.05},
        "income": {
            "method": "declared",
            "sources": [
                {"kind": "agriculture", "amount_12m": monthly_per_person * 12 * len(roster)}
            ],
        },
    }
