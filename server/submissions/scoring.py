"""Scoring households on the server: facts in, stored assessments out, idempotently."""

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q

from forms import scoring
from server.feed.models import FeedKind
from server.feed.services import feed_append
from server.registry.models import Household
from server.submissions.models import Assessment, Submission


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


def _identity(assessment: Assessment) -> Q:
    return Q(
        household_id=assessment.household_id,
        review_year=assessment.review_year,
        ruleset_id=assessment.ruleset_id,
        ruleset_version=assessment.ruleset_version,
        engine_version=assessment.engine_version,
        facts_sha256=assessment.facts_sha256,
    )


@transaction.atomic
def assessment_record(
    *,
    household: Household,
    facts: Mapping[str, Any],
    submission: Submission | None = None,
    ruleset_id: str | None = None,
) -> Assessment:
    """Score and store; the same facts under the same rules are stored once."""
    built = build_assessment(
        household_id=household.pk,
        facts=facts,
        ruleset_id=ruleset_id,
        submission_id=submission.pk if submission else None,
    )
    stored = Assessment.objects.filter(_identity(built)).first()
    if stored is None:
        Assessment.objects.bulk_create([built], ignore_conflicts=True)
        stored = Assessment.objects.get(_identity(built))
    promote_latest(
        household_ids=[household.pk], candidates={household.pk: stored.pk}, year=stored.review_year
    )
    feed_append(kind=FeedKind.ASSESSMENT, record_id=household.pk, scope_path=household.village.path)
    stored.refresh_from_db(fields=["is_latest"])
    return stored


def promote_latest(*, household_ids: list[Any], candidates: dict[Any, int], year: int) -> None:
    """Make the candidates each household's latest, unless a later review year is latest.

    The partial unique constraint allows one latest per household, so the old flag is
    cleared before the new one is set.
    """
    newer = set(
        Assessment.objects.filter(
            household_id__in=household_ids, is_latest=True, review_year__gt=year
        ).values_list("household_id", flat=True)
    )
    promoted = [pk for household_id, pk in candidates.items() if household_id not in newer]
    Assessment.objects.filter(
        household_id__in=[h for h in household_ids if h not in newer], is_latest=True
    ).exclude(pk__in=promoted).update(is_latest=False)
    Assessment.objects.filter(pk__in=promoted).update(is_latest=True)
