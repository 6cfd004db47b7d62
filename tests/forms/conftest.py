"""Shared builders for the forms tests: small definitions and a valid Phiếu B household."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from forms import FormDefinition, find_shipped

T = {"vi": "Nhãn", "en": "Label"}


def text(vi: str = "Nhãn", en: str = "Label") -> dict[str, str]:
    return {"vi": vi, "en": en}


def minimal_form(*questions: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A one-section definition around `questions`, with a yes/no choice list."""
    yes_no = [
        {"value": "yes", "label": text("Có", "Yes"), "fact": True},
        {"value": "no", "label": text("Không", "No"), "fact": False},
    ]
    uses_yes_no = '"yes_no"' in json.dumps(questions)
    data: dict[str, Any] = {
        "id": "mini",
        "version": "1",
        "title": text("Phiếu thử", "Test form"),
        "choice_lists": {"yes_no": yes_no} if uses_yes_no else {},
        "sections": [{"id": "main", "label": text(), "questions": list(questions)}],
    }
    data.update(extra)
    return data


def question(qid: str, kind: str, **keys: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"id": qid, "type": kind}
    if kind != "calculate":
        data["label"] = text()
    data.update(keys)
    return data


def member(name: str, relation: str, sex: str, birth_date: str, **answers: Any) -> dict[str, Any]:
    """One roster item with the answers every member gets; pass the age-dependent ones."""
    item: dict[str, Any] = {
        "full_name": name,
        "relation": relation,
        "sex": sex,
        "birth_date_known": "date",
        "birth_date": birth_date,
        "ethnicity": "kinh",
        "health_insurance": "yes",
        "disabled": "no",
        "social_allowance": "no",
    }
    item.update(answers)
    return item


ADULT = {
    "in_school": "no",
    "highest_qualification": "upper_secondary",
    "employment_status": "employed",
    "employment_type": "self_employed",
    "unable_to_work": "no",
}

HOUSEHOLD: dict[str, Any] = {
    "survey_date": "2026-10-15",
    "review_year": 2026,
    "area_type": "rural",
    "members": [
        member(
            "Nguyễn Văn An",
            "head",
            "male",
            "1980-03-14",
            **{**ADULT, "employment_type": "wage", "labour_contract": "yes"},
        ),
        member("Lê Thị Bình", "spouse", "female", "1983-05-01", **ADULT),
        member(
            "Nguyễn Thị Chi",
            "child",
            "female",
            "2014-09-01",
            in_school="yes",
            school_level="primary",
            nutrition="normal",
        ),
    ],
    "wall_material": "brick_stone",
    "column_material": "brick_stone",
    "roof_material": "metal_sheet",
    "living_area": 36.5,
    "photo_house_front": "front.jpg",
    "photo_roof": "roof.jpg",
    "water_source": "drilled_well",
    "photo_water_source": "water.jpg",
    "latrine": "flush_septic",
    "photo_latrine": "latrine.jpg",
    "waste_treatment": "collected",
    "phone_subscription": "yes",
    "internet_use": "yes",
    "devices": ["tv", "smartphone"],
    "loudspeaker_reach": "yes",
    "digital_services_use": "yes",
    "serious_illness_12m": "no",
    "income_sources": ["wages", "agriculture"],
    "income_wages": 48000000,
    "income_agriculture": 9000000,
    "house_gps": {"latitude": 10.95, "longitude": 106.82, "accuracy": 4.5},
    "volunteer_remarks": "Hộ hợp tác tốt.",
}


@pytest.fixture(scope="session")
def survey() -> FormDefinition:
    return find_shipped("household_survey", "1")


@pytest.fixture(scope="session")
def screening() -> FormDefinition:
    return find_shipped("household_screening", "1")


@pytest.fixture
def household() -> dict[str, Any]:
    """A complete, valid Phiếu B submission (a fresh deep copy per test)."""
    return copy.deepcopy(HOUSEHOLD)
