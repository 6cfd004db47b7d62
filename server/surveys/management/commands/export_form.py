from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

import forms
from server.surveys.models import FormVersion
from server.surveys.services import form_definition


class Command(BaseCommand):
    help = "Export a published form version as XLSForm (.xlsx) and/or XForm (.xml)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("form_id")
        parser.add_argument(
            "--form-version", dest="form_version", help="Default: the latest published version."
        )
        parser.add_argument("--xlsx", type=Path)
        parser.add_argument("--xml", type=Path)
        parser.add_argument(
            "--validate", action="store_true", help="Run ODK Validate (needs Java)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        versions = FormVersion.objects.filter(form_id=options["form_id"])
        if options["form_version"]:
            versions = versions.filter(version=options["form_version"])
        found = versions.order_by("-published_at", "-id").first()
        if found is None:
            raise CommandError(f"No published form {options['form_id']!r}; run load_forms first.")
        definition = form_definition(found)
        if options["xlsx"]:
            options["xlsx"].write_bytes(forms.form_to_xlsform(definition))
            self.stdout.write(f"wrote {options['xlsx']}")
        if options["xml"]:
            options["xml"].write_text(
                forms.form_to_xform(definition, validate=options["validate"]), encoding="utf-8"
            )
            self.stdout.write(f"wrote {options['xml']}")
