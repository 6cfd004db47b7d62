"""Household facts: the input of the scoring engine.

The facts are what a reviewer observed, already mapped from the survey answers (Phiếu B).
Every field that can be unknown is ``None`` when unknown; the engine never fills in a
default, so a missing fact surfaces as an UNDETERMINED class naming the field path.

The string codes below are a stable contract with the survey forms and the phone port:
a code is never renamed or reused, only added. SPEC.md documents each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

FACTS_VERSION: Final = 1
"""Version of the household-facts format; bump on any incompatible change (SPEC.md §1)."""

AREA_TYPES: Final = frozenset({"urban", "rural"})
SEXES: Final = frozenset({"male", "female"})

SCHOOL_LEVELS: Final = frozenset(
    {
        "preschool",
        "primary",
        "lower_secondary",
        "upper_secondary",
        "continuing_education",
        "vocational_elementary",
        "vocational_intermediate",
        "college",
        "university",
        "postgraduate",
    }
)
"""Level a member currently attends (``school_level``)."""

QUALIFICATIONS: Final = frozenset(
    {
        "none",
        "primary",
        "lower_secondary",
        "upper_secondary",
        "vocational_short",
        "vocational_elementary",
        "vocational_intermediate",
        "college",
        "university",
        "postgraduate",
    }
)
"""Highest completed qualification (``highest_qualification``)."""

EMPLOYMENT_STATUSES: Final = frozenset({"employed", "unemployed", "not_in_labour_force"})
EMPLOYMENT_TYPES: Final = frozenset({"wage", "self_employed", "employer", "family_worker"})
NUTRITION_STATUSES: Final = frozenset({"normal", "stunted", "underweight", "stunted_underweight"})

MATERIALS: Final = frozenset(
    {
        "reinforced_concrete",
        "brick_stone",
        "durable_wood",
        "steel",
        "tile",
        "metal_sheet",
        "fibre_cement",
        "non_durable_wood",
        "bamboo",
        "mud",
        "thatch_leaves",
        "tarpaulin_scrap",
        "other",
    }
)
"""Main material of a wall, column or roof; durability per part is ruleset data."""

WATER_SOURCES: Final = frozenset(
    {
        "piped_to_premises",
        "piped_public_tap",
        "drilled_well",
        "protected_dug_well",
        "unprotected_dug_well",
        "protected_spring",
        "unprotected_spring",
        "rainwater",
        "bottled",
        "tanker_vendor",
        "surface_water",
        "other",
    }
)

LATRINE_TYPES: Final = frozenset(
    {
        "flush_septic",
        "flush_semi_septic",
        "flush_sewer",
        "flush_open_drain",
        "double_vault",
        "ventilated_pit",
        "biogas",
        "pit_with_slab",
        "pit_without_slab",
        "hanging_over_water",
        "none",
        "other",
    }
)

DEVICES: Final = frozenset(
    {"tv", "radio", "desktop_computer", "laptop", "smartphone", "tablet", "basic_phone"}
)

WASTE_TREATMENTS: Final = frozenset(
    {"collected", "composted", "buried_onsite", "burned", "dumped", "other"}
)

INCOME_KINDS: Final = frozenset(
    {
        "wages",
        "agriculture",
        "forestry",
        "fishery",
        "salt_making",
        "business",
        "pension",
        "social_allowance",
        "remittance",
        "property_rent",
        "other",
    }
)

INCOME_METHODS: Final = frozenset({"declared", "proxy"})


@dataclass(frozen=True, slots=True)
class Member:
    """One household member; the index in ``HouseholdFacts.members`` names it in reasons."""

    name: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    # Invariant: when birth_date is set, birth_year equals birth_date.year.
    birth_year: int | None = None
    in_school: bool | None = None
    school_level: str | None = None
    highest_qualification: str | None = None
    health_insurance: bool | None = None
    employment_status: str | None = None
    employment_type: str | None = None
    labour_contract: bool | None = None
    disabled: bool | None = None
    unable_to_work: bool | None = None
    social_allowance: bool | None = None
    nutrition: str | None = None


@dataclass(frozen=True, slots=True)
class Dwelling:
    """The house the household lives in; area in square metres, exact Decimal."""

    wall_material: str | None = None
    column_material: str | None = None
    roof_material: str | None = None
    area_m2: Decimal | None = None


@dataclass(frozen=True, slots=True)
class Sanitation:
    """Water, latrine and (from 2027) household waste treatment."""

    water_source: str | None = None
    latrine: str | None = None
    waste_treatment: str | None = None


@dataclass(frozen=True, slots=True)
class Information:
    """Access to information; ``devices`` is the set owned, empty when none is owned."""

    internet_use: bool | None = None
    phone_subscription: bool | None = None
    devices: frozenset[str] | None = None
    loudspeaker_reach: bool | None = None
    digital_services_use: bool | None = None


@dataclass(frozen=True, slots=True)
class Health:
    """Household-level health facts over the 12 months before the review."""

    ill_without_care_12m: bool | None = None


@dataclass(frozen=True, slots=True)
class IncomeSource:
    """One declared income source: whole VND received over the last 12 months."""

    kind: str
    amount_12m: int


@dataclass(frozen=True, slots=True)
class DeclaredIncome:
    """Income declared source by source; an empty tuple means no income at all."""

    sources: tuple[IncomeSource, ...]


@dataclass(frozen=True, slots=True)
class ProxyIncome:
    """Proxy items scored with a point table (TT 07/2021 "A score")."""

    table: str
    # Item code -> answer; bool for yes/no items, int for counts, str for coded items.
    items: tuple[tuple[str, bool | int | str], ...]


@dataclass(frozen=True, slots=True)
class HouseholdFacts:
    """Everything the poverty standards need about one household for one review year."""

    review_year: int
    members: tuple[Member, ...]
    area_type: str | None = None
    province_code: int | None = None
    household_id: str | None = None
    # None means: use the ruleset's reference date in review_year (SPEC.md §3).
    reference_date: date | None = None
    dwelling: Dwelling = Dwelling()
    sanitation: Sanitation = Sanitation()
    information: Information = Information()
    health: Health = Health()
    income: DeclaredIncome | ProxyIncome | None = None
