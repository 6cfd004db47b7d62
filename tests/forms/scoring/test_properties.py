"""Properties every assessment must have, checked over generated households."""

from __future__ import annotations

import copy
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from forms.scoring import Assessment, facts_from_dict, score
from forms.scoring.income import per_person_monthly
from tests.forms.scoring.factories import households

RANK = {"POOR": 0, "NEAR_POOR": 1, "MIDDLE": 2, "NOT_POOR": 3}


def _assess(data: dict[str, Any]) -> Assessment:
    return score(facts_from_dict(data))


def _range(assessment: Assessment) -> tuple[int, int]:
    """Return the poorest and richest class still possible, as ranks."""
    ranks = [RANK[c] for c in assessment.possible_classes]
    return min(ranks), max(ranks)


def _with_income(data: dict[str, Any], total: int) -> dict[str, Any]:
    changed = copy.deepcopy(data)
    changed["income"] = {"method": "declared", "sources": [{"kind": "wages", "amount_12m": total}]}
    return changed


@settings(max_examples=200, deadline=None)
@given(households(), st.integers(1, 200_000_000))
def test_more_income_never_gives_a_poorer_class(data: dict[str, Any], extra: int) -> None:
    """Raising declared income can only keep or raise the possible classes."""
    total = data["income"]["sources"][0]["amount_12m"]
    before, after = _assess(data), _assess(_with_income(data, total + extra))
    assert _range(after)[0] >= _range(before)[0]
    assert _range(after)[1] >= _range(before)[1]


@settings(max_examples=200, deadline=None)
@given(households())
def test_one_more_deprivation_never_gives_a_richer_class(data: dict[str, Any]) -> None:
    """Turning clean water into surface water (W1 in every ruleset) never makes a household richer."""
    data["sanitation"]["water_source"] = "piped_to_premises"
    worse = copy.deepcopy(data)
    worse["sanitation"]["water_source"] = "surface_water"
    before, after = _assess(data), _assess(worse)
    assert after.deprivation_count == before.deprivation_count + 1
    assert _range(after)[0] <= _range(before)[0]
    assert _range(after)[1] <= _range(before)[1]


@settings(max_examples=200, deadline=None)
@given(households(), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_member_order(data: dict[str, Any], rng: Any) -> None:
    """Shuffling members changes names in reasons but not the classification."""
    shuffled = copy.deepcopy(data)
    rng.shuffle(shuffled["members"])
    a, b = _assess(data), _assess(shuffled)
    assert a.household_class == b.household_class
    assert a.possible_classes == b.possible_classes
    assert a.deprived_codes == b.deprived_codes
    assert [i.deprived for i in a.indicators] == [i.deprived for i in b.indicators]
    assert a.income == b.income
    assert _unindexed(a.missing_facts) == _unindexed(b.missing_facts)


def _unindexed(paths: tuple[str, ...]) -> list[str]:
    return sorted(re.sub(r"members\[\d+\]", "members[]", p) for p in paths)


_PATH = re.compile(
    r"(members\[\d+\](?:\.\w+)?|(?:dwelling|sanitation|information|health|income)\.\w+(?:\.\w+)?|\barea_type\b|\(members\))"
)


def _lookup(data: dict[str, Any], path: str) -> tuple[bool, Any]:
    """Return (parent exists, value) for a fact path like members[2].sex or dwelling.area_m2."""
    node: Any = data
    for part in re.findall(r"\w+|\[\d+\]", path):
        if part.startswith("["):
            index = int(part[1:-1])
            if not isinstance(node, list) or index >= len(node):
                return False, None
            node = node[index]
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return False, None
    return True, node


@settings(max_examples=200, deadline=None)
@given(households(with_income=False) | households())
def test_every_reason_names_real_facts(data: dict[str, Any]) -> None:
    """Evidence paths hold values in the input; missing paths point at absent values of real parents."""
    assessment = _assess(data)
    for indicator in assessment.indicators:
        for path in indicator.evidence:
            exists, value = _lookup(data, path)
            assert exists, (indicator.code, path)
            assert value is not None, (indicator.code, path)
        for path in indicator.missing:
            parent_exists, _ = _lookup(data, path.rsplit(".", 1)[0] if "." in path else "")
            assert parent_exists, (indicator.code, path)
        named = _PATH.findall(indicator.reason_en)
        assert named, indicator.reason_en
        assert all(_lookup(data, p.strip("()"))[0] for p in named), indicator.reason_en
        assert _PATH.findall(indicator.reason_vi) == named
    for path in assessment.missing_facts:
        assert _lookup(data, path.split(".")[0])[0], path


@settings(max_examples=200, deadline=None)
@given(households(with_income=False) | households())
def test_quick_values_agree_with_explanations(data: dict[str, Any]) -> None:
    """The fast value pass and the explaining pass of every indicator give the same answer."""
    assessment = _assess(data)
    ctx = assessment.ctx
    assert ctx is not None
    explained = [spec.run.explain(ctx).deprived for spec in assessment.specs]
    assert explained == list(assessment.values)
    for indicator in assessment.indicators:
        assert (indicator.deprived is None) == bool(indicator.missing), indicator.code
        assert (indicator.deprived is not None) == bool(indicator.evidence), indicator.code


@settings(max_examples=500, deadline=None)
@given(st.integers(0, 10**12), st.integers(1, 60))
def test_integer_income_rounding_is_decimal_round_half_up(total: int, members: int) -> None:
    """The integer formula equals Decimal division quantized with ROUND_HALF_UP (SPEC.md §5.1)."""
    exact = (Decimal(total) / Decimal(12 * members)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    assert per_person_monthly(total, members) == int(exact)
