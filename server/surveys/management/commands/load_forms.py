from typing import Any

from django.core.management.base import BaseCommand, CommandError

from server.surveys.services import PublishedFormChanged, publish_shipped_forms


class Command(BaseCommand):
    help = "Publish new versions of the definitions in forms/definitions; never mutates a published one."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = publish_shipped_forms()
        except PublishedFormChanged as error:
            raise CommandError(str(error)) from None
        for name in report.published:
            self.stdout.write(f"published {name}")
        self.stdout.write(f"published={len(report.published)} unchanged={len(report.unchanged)}")
