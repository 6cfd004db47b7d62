from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from server.registry.selectors import unit_status_counts
from server.registry.tasks import unit_status_counts_task


class Command(BaseCommand):
    help = "Send one task through the configured Celery broker and check the worker's answer."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("unit_code")
        parser.add_argument("--timeout", type=float, default=60.0)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.CELERY_TASK_ALWAYS_EAGER:
            raise CommandError(
                "CELERY_BROKER_URL is not set: tasks would run inline, not on a worker."
            )
        result = unit_status_counts_task.delay(options["unit_code"])
        remote = result.get(timeout=options["timeout"])
        local = unit_status_counts(unit_code=options["unit_code"])
        if remote != local:
            raise CommandError(f"worker answered {remote}, expected {local}")
        self.stdout.write(f"worker answered {remote} (task {result.id})")
