"""server.common.text.fold reproduces every golden case that the volunteer app's fold.mjs also passes."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest

from server.common.text import fold

CASES_FILE = Path(__file__).resolve().parents[3] / "forms/conformance/fold/cases.json"
CASES = json.loads(CASES_FILE.read_text(encoding="utf-8"))["cases"]
MARK_BLOCKS = {
    "U+0300–U+036F": (0x0300, 0x036F),
    "U+1AB0–U+1AFF": (0x1AB0, 0x1AFF),
    "U+1DC0–U+1DFF": (0x1DC0, 0x1DFF),
    "U+20D0–U+20FF": (0x20D0, 0x20FF),
    "U+FE20–U+FE2F": (0xFE20, 0xFE2F),
}


@pytest.mark.parametrize("form", ["as written", "NFC", "NFD"])
@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_fold_matches_golden_case_in_any_normalization(case: dict[str, str], form: str) -> None:
    text = case["input"] if form == "as written" else unicodedata.normalize(form, case["input"])
    assert fold(text) == case["folded"]


def test_golden_cases_have_unique_ids() -> None:
    ids = [case["id"] for case in CASES]
    assert len(ids) == len(set(ids)) == 25


@pytest.mark.parametrize("block", MARK_BLOCKS)
def test_golden_cases_strip_marks_from_every_combining_block(block: str) -> None:
    low, high = MARK_BLOCKS[block]
    marks = {ch for case in CASES for ch in case["input"] if low <= ord(ch) <= high}
    assert len(marks) >= 3
    assert all(ch not in case["folded"] for case in CASES for ch in marks)


def test_golden_inputs_use_only_characters_both_runtimes_know() -> None:
    """Python 3.11 knows Unicode 14; a newer mark would be stripped only by the phone."""
    unassigned = {ch for case in CASES for ch in case["input"] if unicodedata.category(ch) == "Cn"}
    assert unassigned == set()


def test_decomposed_and_composed_names_fold_alike() -> None:
    assert fold("Nguye\u0302\u0303n") == fold("Nguyễn") == "nguyen"
