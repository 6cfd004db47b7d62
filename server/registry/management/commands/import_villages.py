from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from server.common.errors import PermissionRefused
from server.registry.importers import import_villages_csv


class Command(BaseCommand):
    help = "Create villages from a CSV (code,name,commune_code,division_type); all rows or none."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv_path", type=Path)
        parser.add_argument(
            "--as-user", required=True, help="Username whose area the rows must fall in."
        )
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["as_user"]).first()
        if user is None:
            raise CommandError(f"No user {options['as_user']!r}.")
        text = options["csv_path"].read_text(encoding="utf-8")
        try:
            result = import_villages_csv(text, user=user, dry_run=options["dry_run"])
        except PermissionRefused:
            raise CommandError(f"{user.username!r} may not manage units.") from None
        for error in result.errors:
            self.stderr.write(f"row {error.row}, column {error.column}: {error.message}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} error(s); nothing was imported.")
        self.stdout.write(f"created={result.created} unchanged={result.unchanged}")
