"""Every language-neutral case in forms/conformance/expressions/ passes on the reference evaluator."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from forms.expression_cases import Outcome, case_files, matches, run_case


def _cases() -> list[tuple[str, dict[str, Any], dict[str, Any]]]:
    found = []
    for path in case_files():
        data = json.loads(path.read_text(encoding="utf-8"))
        found += [(f"{path.stem}:{case['id']}", data["fields"], case) for case in data["cases"]]
    return found


CASES = _cases()


def test_the_corpus_has_at_least_sixty_cases_with_unique_ids() -> None:
    ids = [case_id for case_id, _, _ in CASES]
    assert len(ids) >= 60
    assert len(set(ids)) == len(ids)


@pytest.mark.parametrize(("case_id", "fields", "case"), CASES, ids=[c[0] for c in CASES])
def test_evaluator_matches_conformance_case(
    case_id: str, fields: dict[str, Any], case: dict[str, Any]
) -> None:
    outcome = run_case(fields, case)
    assert matches(outcome, case), f"{case_id}: got {outcome}"


def test_matcher_rejects_a_wrong_type_even_when_the_number_is_equal() -> None:
    assert not matches(
        Outcome(value=3, type="integer"), {"expected": {"type": "decimal", "value": "3"}}
    )


def test_matcher_rejects_an_error_in_the_wrong_phase() -> None:
    case = {"error": "type_error", "phase": "load"}
    assert not matches(Outcome(error="type_error", phase="evaluate"), case)


def test_every_case_file_is_valid_json_with_fields_and_cases() -> None:
    for path in case_files():
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        assert set(data) == {"description", "fields", "cases"}
