from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from server.registry.importers import import_national_units


class Command(BaseCommand):
    help = "Import provinces and communes (2025 structure) from the vietnam-provinces package."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--province",
            action="append",
            dest="provinces",
            help="Two-digit province code to import; repeatable. Default: all.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = import_national_units(province_codes=options["provinces"])
        self.stdout.write(
            f"created={counts.created} updated={counts.updated} unchanged={counts.unchanged}"
        )
