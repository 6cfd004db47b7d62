"""Re-score stored households under a ruleset, in resumable, idempotent batches."""

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from forms import scoring
from server.feed.models import FeedEntry, FeedKind
from server.feed.services import feed_extend
from server.registry.models import Household, Unit
from server.submissions.models import Assessment, RescoreRun
from server.submissions.scoring import build_assessment, promote_latest

BATCH_SIZE = 500


def rescore_open_run(*, ruleset_id: str, year: int, unit_code: str = "") -> RescoreRun:
    """Return the unfinished run for these arguments, or start one: runs resume, never restart."""
    scoring.load_ruleset(ruleset_id)  # fail fast on an unknown id
    run = RescoreRun.objects.filter(
        ruleset_id=ruleset_id, review_year=year, unit_code=unit_code, finished_at__isnull=True
    ).first()
    return run or RescoreRun.objects.create(
        ruleset_id=ruleset_id, review_year=year, unit_code=unit_code
    )


def rescore_candidates(run: RescoreRun) -> Any:
    """Households with a latest assessment to take facts from, in primary-key order."""
    qs = Household.objects.filter(assessments__is_latest=True)
    if run.unit_code:
        unit = Unit.objects.get(code=run.unit_code)
        qs = qs.filter(village__path__startswith=unit.path)
    return qs.order_by("pk")


def rescore_run(
    run: RescoreRun,
    *,
    batch_size: int = BATCH_SIZE,
    on_batch: Callable[[int], object] | None = None,
) -> RescoreRun:
    """Process batches until done; each batch commits with its checkpoint."""
    candidates = rescore_candidates(run)
    while True:
        qs = (
            candidates
            if run.last_household_id is None
            else candidates.filter(pk__gt=run.last_household_id)
        )
        ids = list(qs.values_list("pk", flat=True)[:batch_size])
        if not ids:
            break
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
