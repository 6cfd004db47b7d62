from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from forms import scoring
from server.registry.models import Unit
from server.submissions import selectors
from server.submissions.services import rescore_open_run, rescore_run


class Command(BaseCommand):
    help = "Re-score stored households under a ruleset; resumable and idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--ruleset", required=True, help=f"One of: {', '.join(scoring.list_rulesets())}"
        )
        parser.add_argument("--year", type=int, required=True, help="Review year to score for.")
        parser.add_argument("--unit", default="", help="Only households under this unit code.")
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["unit"] and not Unit.objects.filter(code=options["unit"]).exists():
            raise CommandError(f"No unit {options['unit']!r}.")
        try:
            run = rescore_open_run(
                ruleset_id=options["ruleset"], year=options["year"], unit_code=options["unit"]
            )
        except scoring.RulesetError as error:
            raise CommandError(str(error)) from None
        remaining = selectors.rescore_remaining(selectors.rescore_candidates(run), run)
        with tqdm(
            total=remaining.count(), disable=options["no_progress"], unit="hộ", file=self.stderr
        ) as bar:
            run = rescore_run(run, batch_size=options["batch_size"], on_batch=bar.update)
        self.stdout.write(f"scored={run.scored} ruleset={run.ruleset_id} year={run.review_year}")
