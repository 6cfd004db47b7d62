"""Test data builders for household facts (JSON-ready dicts, as the server would hold them)."""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

from forms.scoring import facts as codes


def adult(**overrides: Any) -> dict[str, Any]:
    """Return a working adult who is deprived on nothing."""
    data: dict[str, Any] = {
        "name": "Nguyễn Văn An",
        "sex": "male",
        "birth_year": 1980,
        "in_school": False,
        "highest_qualification": "upper_secondary",
        "health_insurance": True,
        "employment_status": "employed",
        "employment_type": "self_employed",
        "disabled": False,
        "unable_to_work": False,
    }
    data.update(overrides)
    return data


def household(**overrides: Any) -> dict[str, Any]:
    """Return a 2024 rural household deprived on nothing, income 1,000,000 per person."""
    data: dict[str, Any] = {
        "facts_version": 1,
        "review_year": 2024,
        "area_type": "rural",
        "members": [adult(), adult(name="Trần Thị Bình", sex="female", birth_year=1982)],
        "dwelling": {
            "wall_material": "brick_stone",
            "column_material": "brick_stone",
            "roof_material": "tile",
            "area_m2": 40,
        },
        "sanitation": {"water_source": "piped_to_premises", "latrine": "flush_septic"},
        "information": {"internet_use": True, "phone_subscription": True, "devices": ["tv"]},
        "health": {"ill_without_care_12m": False},
        "income": {"method": "declared", "sources": [{"kind": "wages", "amount_12m": 24_000_000}]},
    }
    data.update(copy.deepcopy(overrides))
    return data


def _optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy, strategy, strategy)


def _code(values: frozenset[str]) -> st.SearchStrategy[Any]:
    return _optional(st.sampled_from(sorted(values)))


@st.composite
def members(draw: st.DrawFn, year: int) -> dict[str, Any]:
    """Draw one member with any mix of known and unknown facts."""
    data: dict[str, Any] = {
        "name": draw(st.one_of(st.none(), st.sampled_from(["Lan", "Minh", "Hoa", "Tuấn"]))),
        "sex": draw(_code(codes.SEXES)),
        "birth_year": draw(_optional(st.integers(year - 90, year))),
        "in_school": draw(_optional(st.booleans())),
        "school_level": draw(_code(codes.SCHOOL_LEVELS)),
        "highest_qualification": draw(_code(codes.QUALIFICATIONS)),
        "health_insurance": draw(_optional(st.booleans())),
        "employment_status": draw(_code(codes.EMPLOYMENT_STATUSES)),
        "employment_type": draw(_code(codes.EMPLOYMENT_TYPES)),
        "labour_contract": draw(_optional(st.booleans())),
        "disabled": draw(_optional(st.booleans())),
        "unable_to_work": draw(_optional(st.booleans())),
        "nutrition": draw(_code(codes.NUTRITION_STATUSES)),
    }
    return {k: v for k, v in data.items() if v is not None}


@st.composite
def households(draw: st.DrawFn, *, with_income: bool = True) -> dict[str, Any]:
    """Draw a valid household under any shipped national ruleset."""
    year = draw(st.sampled_from([2016, 2019, 2021, 2022, 2024, 2025, 2026, 2027, 2030]))
    devices = draw(
        _optional(st.lists(st.sampled_from(sorted(codes.DEVICES)), max_size=3, unique=True))
    )
    total = draw(st.integers(0, 600_000_000)) if with_income else None
    return {
        "facts_version": 1,
        "review_year": year,
        "area_type": draw(_code(codes.AREA_TYPES)),
        "members": draw(st.lists(members(year), min_size=1, max_size=6)),
        "dwelling": {
            "wall_material": draw(_code(codes.MATERIALS)),
            "column_material": draw(_code(codes.MATERIALS)),
            "roof_material": draw(_code(codes.MATERIALS)),
            "area_m2": draw(_optional(st.integers(0, 200))),
        },
        "sanitation": {
            "water_source": draw(_code(codes.WATER_SOURCES)),
            "latrine": draw(_code(codes.LATRINE_TYPES)),
            "waste_treatment": draw(_code(codes.WASTE_TREATMENTS)),
        },
        "information": {
            "internet_use": draw(_optional(st.booleans())),
            "phone_subscription": draw(_optional(st.booleans())),
            "devices": devices,
            "loudspeaker_reach": draw(_optional(st.booleans())),
            "digital_services_use": draw(_optional(st.booleans())),
        },
        "health": {"ill_without_care_12m": draw(_optional(st.booleans()))},
        "income": None
        if total is None
        else {"method": "declared", "sources": [{"kind": "wages", "amount_12m": total}]},
    }
