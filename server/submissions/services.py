"""Writes of submissions and assessments: stored scores and re-scoring (returns: server.review).

Each service owns its transaction and appends to the change feed that phones pull.
`server.submissions.scoring` builds unsaved assessments without touching the database;
storing them, promoting the latest one and re-scoring in batches happen here.
"""

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from forms import scoring
from server.feed.models import FeedEntry, FeedKind
from server.feed.services import feed_extend
from server.registry.models import Household
from server.submissions import selectors
from server.submissions.models import Assessment, RescoreRun, Submission
from server.submissions.scoring import IDENTITY_FIELDS, build_assessment, identity

BATCH_SIZE = 500

# --- stored assessments ------------------------------------------------------------


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
    stored = [unique.setdefault(identity(a), a) for a, _household in built]
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


# --- re-scoring --------------------------------------------------------------------


def rescore_open_run(*, ruleset_id: str, year: int, unit_code: str = "") -> RescoreRun:
    """Return the unfinished run for these arguments, or start one: runs resume, never restart."""
    scoring.load_ruleset(ruleset_id)  # fail fast on an unknown id
    run = RescoreRun.objects.filter(
        ruleset_id=ruleset_id, review_year=year, unit_code=unit_code, finished_at__isnull=True
    ).first()
    return run or RescoreRun.objects.create(
        ruleset_id=ruleset_id, review_year=year, unit_code=unit_code
    )


def rescore_run(
    run: RescoreRun,
    *,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int], object] | None = None,
) -> RescoreRun:
    """Process batches until done; each batch commits with its checkpoint."""
    candidates = selectors.rescore_candidates(run)
    while ids := list(
        selectors.rescore_remaining(candidates, run).values_list("pk", flat=True)[:batch_size]
    ):
        done = _rescore_batch(run, ids)
        if on_batch:
            on_batch(done)
    run.finished_at = timezone.now()
    run.save(update_fields=["finished_at"])
    return run


@transaction.atomic
def _rescore_batch(run: RescoreRun, household_ids: list[Any]) -> int:
    rows = Assessment.objects.filter(household_id__in=household_ids, is_latest=True).values_list(
        "household_id", "facts", "household__village__path"
    )
    built, paths = [], {}
    for household_id, facts, path in rows:
        rescored = {k: v for k, v in facts.items() if k != "reference_date"}
        rescored["review_year"] = run.review_year
        built.append(
            build_assessment(household_id=household_id, facts=rescored, ruleset_id=run.ruleset_id)
        )
        paths[household_id] = path
    Assessment.objects.bulk_create(built, ignore_conflicts=True, batch_size=500)
    _promote(run, built)
    feed_extend(
        [
            FeedEntry(kind=FeedKind.ASSESSMENT, record_id=str(h), scope_path=p)
            for h, p in paths.items()
        ]
    )
    run.last_household_id = household_ids[-1]
    run.scored += len(built)
    run.save(update_fields=["last_household_id", "scored"])
    return len(household_ids)


def _promote(run: RescoreRun, built: list[Assessment]) -> None:
    if not built:
        return
    first = built[0]
    stored = Assessment.objects.filter(
        household_id__in=[a.household_id for a in built],
        review_year=run.review_year,
        ruleset_id=first.ruleset_id,
        ruleset_version=first.ruleset_version,
        engine_version=first.engine_version,
    ).values_list("household_id", "facts_sha256", "pk")
    wanted = {(a.household_id, a.facts_sha256) for a in built}
    promote_latest([(h, pk, run.review_year) for h, sha, pk in stored if (h, sha) in wanted])
