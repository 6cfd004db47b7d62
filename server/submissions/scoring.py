"""Scoring households on the server: facts in, stored assessments out, idempotently."""

import hashlib
import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Exists

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


IDENTITY_FIELDS = [
    "household",
    "review_year",
    "ruleset_id",
    "ruleset_version",
    "engine_version",
    "facts_sha256",
]
"""The fields of the `assessment_once` constraint: the same facts under the same rules."""


def _store_once(built: Assessment) -> Assessment:
    """Insert, or find the stored twin, in one statement (an upsert that returns the id).

    The no-op update on conflict is what makes the database return the existing row's
    id; `ignore_conflicts` would return nothing and need two more round trips.
    """
    Assessment.objects.bulk_create(
        [built],
        update_conflicts=True,
        unique_fields=IDENTITY_FIELDS,
        update_fields=["facts_sha256"],
    )
    return built


@transaction.atomic(savepoint=False)
def assessment_record(
    *,
    household: Household,
    facts: Mapping[str, Any],
    submission: Submission | None = None,
    ruleset_id: str | None = None,
) -> Assessment:
    """Score and store; the same facts under the same rules are stored once.

    No savepoint: any error here aborts the caller's transaction anyway (the sync
    engine runs each item in its own), and a savepoint costs two round trips.
    """
    built = build_assessment(
        household_id=household.pk,
        facts=facts,
        ruleset_id=ruleset_id,
        submission_id=submission.pk if submission else None,
    )
    stored = _store_once(built)
    stored.is_latest = _promote_one(
        household_id=household.pk, pk=stored.pk, year=stored.review_year
    )
    feed_append(kind=FeedKind.ASSESSMENT, record_id=household.pk, scope_path=household.village.path)
    return stored


def _promote_one(*, household_id: Any, pk: int, year: int) -> bool:
    """promote_latest for one household in two statements instead of three (and no
    re-read): return whether assessment `pk` is now the latest.

    At most one assessment per household is latest. If it is of a later review year,
    the first statement matches nothing and the second is skipped by its NOT EXISTS;
    otherwise the old flag is cleared before the new one is set, as the partial unique
    constraint requires.
    """
    latest = Assessment.objects.filter(household_id=household_id, is_latest=True)
    latest.filter(review_year__lte=year).exclude(pk=pk).update(is_latest=False)
    newer = latest.filter(review_year__gt=year)
    return Assessment.objects.filter(pk=pk).exclude(Exists(newer)).update(is_latest=True) == 1


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
