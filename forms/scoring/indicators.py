"""The registry of indicator kinds: one builder per kind.

A ruleset names each indicator's kind and parameters (data); the builder turns the
parameters into a compiled indicator once, when the ruleset is loaded, so scoring a household
does no parameter parsing. A new kind needs a builder here, a SPEC.md §4.5 entry and golden
cases.
"""

from __future__ import annotations

from typing import Final

from forms.scoring import kinds_household as household
from forms.scoring import kinds_members as members
from forms.scoring.logic import Builder, Compiled, Ctx, Detail, Finding, WorkingAge

__all__ = ["KINDS", "Compiled", "Ctx", "Detail", "Finding", "WorkingAge"]

KINDS: Final[dict[str, Builder]] = {
    "member_without_insurance": members.member_without_insurance,
    "adult_education_cohort": members.adult_education_cohort,
    "adult_education_bands": members.adult_education_bands,
    "child_out_of_school": members.child_out_of_school,
    "child_school_level": members.child_school_level,
    "child_malnutrition": members.child_malnutrition,
    "employment": members.employment,
    "dependants": members.dependants,
    "fact_not_in": household.fact_not_in,
    "household_uses": household.household_uses,
    "information_devices": household.information_devices,
    "housing_durability": household.housing_durability,
    "living_area": household.living_area,
}
