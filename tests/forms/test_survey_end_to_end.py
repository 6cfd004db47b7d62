"""Full households: answers -> validate -> facts -> forms.scoring.score -> class.

The expected class of each case in forms/conformance/survey/ was worked out by hand from the
law; each case's description carries the reasoning.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from forms import facts_from_answers, find_shipped, validate

CASES_DIR = Path(__file__).resolve().parents[2] / "forms" / "conformance" / "survey"
CASES = sorted(CASES_DIR.glob("*.json"))
scoring = pytest.importorskip("forms.scoring")


def _load(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def test_there_are_at_least_six_scored_cases() -> None:
    scored = [path for path in CASES if _load(path)["expected"]["valid"]]
    assert len(scored) >= 6


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_household_is_classified_as_a_reviewer_would(path: Path) -> None:
    case = _load(path)
    form = find_shipped(case["form"]["id"], case["form"]["version"])
    expected = case["expected"]
    found = [[e.path, e.code] for e in validate(form, case["answers"])]
    if not expected["valid"]:
        assert found == expected["errors"]
        return
    assert found == []
    assessment = scoring.score(
        facts_from_answers(form, case["answers"], extra=case.get("extra_facts"))
    )
    assert assessment.ruleset_id == expected["ruleset"]
    assert assessment.income.per_person == expected["income_per_person_month"]
    assert sorted(r.code for r in assessment.indicators if r.deprived) == expected["deprived"]
    assert assessment.unknown_indicator_count == 0
    assert assessment.household_class == expected["class"]
