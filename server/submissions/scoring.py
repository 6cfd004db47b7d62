"""Scoring households on the server: facts in, stored assessments out, idempotently."""

import hashlib
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction

from forms import scoring
from server.feed.models import FeedEntry, FeedKind
from server.feed.services import feed_extend
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


# The identity fields are concrete columns, never the reverse relations get_field() may return.
_IDENTITY_ATTNAMES = [Assessment._meta.get_field(name).attname for name in IDENTITY_FIELDS]  # type: ignore[union-attr]


def _identity(assessment: Assessment) -> tuple[Any, ...]:
    return tuple(getattr(assessment, attname) for attname in _IDENTITY_ATTNAMES)


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
    [stored] = assessments_store([(built, household)])
    return stored


def assessments_store(built: Sequence[tuple[Assessment, Household]]) -> list[Assessment]:
    """Store unsaved assessments once each, promote each household's last one, feed them.

    Returns the stored row for each input, in order, with `is_latest` set. The cost
    is one upsert, three promotion statements and one feed insert,
    however many assessments there are: a 20-survey push pays what one survey pays.
    The upsert's no-op update on conflict is what makes the database return the
    existing row's id for facts already stored; `ignore_conflicts` would return none.
    """
    unique: dict[tuple[Any, ...], Assessment] = {}
    stored = [unique.setdefault(_identity(a), a) for a, _household in built]
    Assessment.objects.bulk_create(
        list(unique.values()),
        update_conflicts=True,
        unique_fields=IDENTITY_FIELDS,
        update_fields=["facts_sha256"],
    )
    latest = promote_latest([(a.household_id, a.pk, a.review_year) for a in stored])
    for assessment in stored:
        assessment.is_latest = assessment.pk in latest
    households = {household.pk: household for _a, household in built}
    feed_extend(
        [
            FeedEntry(kind=FeedKind.ASSESSMENT, record_id=str(pk), scope_path=h.village.path)
            for pk, h in households.items()
        ]
    )
    return stored


def promote_latest(candidates: Sequence[tuple[Any, int, int]]) -> set[int]:
    """Promote (household_id, assessment id, review year) candidates, in order; return the
    ids that end up latest.

    A candidate replaces a household's latest unless that one is of a later review
    year, so the same year's newer assessment wins and an older year's never does.
    Three statements for any number of households and years. The partial unique
    constraint allows one latest per household, so old flags are cleared first.
    """
    best = {
        household_id: (pk, year)
        for household_id, pk, year in Assessment.objects.filter(
            household_id__in={c[0] for c in candidates}, is_latest=True
        ).values_list("household_id", "pk", "review_year")
    }
    current = {household_id: pk for household_id, (pk, _year) in best.items()}
    for household_id, pk, year in candidates:
        if year >= best.get(household_id, (pk, year))[1]:
            best[household_id] = (pk, year)
    winners = {h: pk for h, (pk, _year) in best.items() if current.get(h) != pk}
    if winners:
        Assessment.objects.filter(household_id__in=list(winners), is_latest=True).exclude(
            pk__in=winners.values()
        ).update(is_latest=False)
        Assessment.objects.filter(pk__in=winners.values()).update(is_latest=True)
    return {pk for pk, _year in best.values()}
