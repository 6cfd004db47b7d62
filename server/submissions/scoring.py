"""Scoring households on the server: facts in, unsaved assessments out, with no I/O.

`server.submissions.services` stores what is built here, once per identity.
"""

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from forms import scoring
from server.registry.models import Household
from server.submissions.models import Assessment


def json_safe(value: Any) -> Any:
    """Make mapped facts storable as JSON: a Decimal becomes an int or its shortest float.

    The scoring decoder reads floats through their shortest repr, so "40.55" survives
    the round trip exactly.
    """
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(item) for item in value]
    return value


def facts_sha256(facts: Mapping[str, Any]) -> str:
    canonical = json.dumps(facts, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def registry_facts(household: Household) -> dict[str, Any]:
    """Facts the registry knows better than any survey answer: identity, area type, province."""
    province = household.village.path.split("/", 1)[0]
    return {
        "household_id": str(household.pk),
        "area_type": household.commune.area_type or None,
        "province_code": int(province) if province.isdigit() else None,
    }


def build_assessment(
    *,
    household_id: Any,
    facts: Mapping[str, Any],
    ruleset_id: str | None = None,
    submission_id: Any = None,
) -> Assessment:
    """Score facts into an unsaved Assessment; raises scoring.FactsError on bad facts."""
    facts = json_safe(dict(facts))
    result = scoring.score(scoring.facts_from_dict(dict(facts)), ruleset=ruleset_id)
    data = scoring.assessment_to_dict(result)
    return Assessment(
        household_id=household_id,
        submission_id=submission_id,
        review_year=result.review_year,
        ruleset_id=result.ruleset_id,
        ruleset_version=result.ruleset_version,
        engine_version=result.engine_version,
        household_class=result.household_class,
        deprivation_count=result.deprivation_count,
        income_per_person=data["income"].get("per_person"),
        income_method=data["income"].get("method") or "",
        confidence=result.confidence,
        facts=dict(facts),
        facts_sha256=facts_sha256(facts),
        result=data,
    )


IDENTITY_FIELDS = [
    "household",
    "review_year",
    "ruleset_id",
    "ruleset_version",
    "engine_version",
    "facts_sha256",
]
"""The fields of the `assessment_once` constraint: the same facts under the same rules."""


# The identity fields are concrete columns, never the reverse relations get_field() may return.
_IDENTITY_ATTNAMES = [Assessment._meta.get_field(name).attname for name in IDENTITY_FIELDS]  # type: ignore[union-attr]


def identity(assessment: Assessment) -> tuple[Any, ...]:
    """The values of the `assessment_once` constraint, to store each identity once per batch."""
    return tuple(getattr(assessment, attname) for attname in _IDENTITY_ATTNAMES)
