"""Fold dirty villages into the report counters, or rebuild every village's counters."""

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from server.reports.services import figures_rebuild, figures_refresh


class Command(BaseCommand):
    help = "Refresh the report counters of changed villages; --rebuild recomputes all."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="recompute every village (after a load that bypassed the triggers)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        done = figures_rebuild() if options["rebuild"] else figures_refresh()
        self.stdout.write(f"{done} villages recomputed")
