from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from server.demo.seed import DEMO_PASSWORD, seed_demo
from server.registry.models import Household, Unit
from server.surveys.services import publish_shipped_forms


class Command(BaseCommand):
    help = (
        "Load the demo: Cao Bằng, demo districts, villages, ~2,000 households, one user per role."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        forms_report = publish_shipped_forms()
        self.stdout.write(
            f"forms published={len(forms_report.published)} unchanged={len(forms_report.unchanged)}"
        )
        logins = seed_demo()
        self.stdout.write(f"units={Unit.objects.count()} households={Household.objects.count()}")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for login in logins:
            self.stdout.write(f"  {login.username:<12} {login.role:<18} {login.area}")
        self.stdout.write(f"Database: {_database_place()}")
        self.stdout.write(f"Media: {_media_place()}")


def _database_place() -> str:
    """Say where the data went, so a newcomer can find, back up or delete it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"SQLite file {db['NAME']}"
    return f"{connection.vendor} database {db['NAME']} on {db.get('HOST') or 'localhost'}"


def _media_place() -> str:
    bucket = getattr(settings, "AWS_STORAGE_BUCKET_NAME", "")
    return f"S3 bucket {bucket}" if bucket else f"folder {settings.MEDIA_ROOT}"
