"""Remove photo uploads left incomplete too long, for deployments without Celery beat."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from server.evidence.services import uploads_expire


class Command(BaseCommand):
    help = "Remove photo uploads untouched for ATTACHMENT_INCOMPLETE_TTL_HOURS (or --hours)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--hours", type=int, default=None, help="override the setting")

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["hours"] or settings.ATTACHMENT_INCOMPLETE_TTL_HOURS
        removed = uploads_expire(older_than=timedelta(hours=hours))
        self.stdout.write(f"removed {removed} incomplete upload(s) older than {hours} h")
