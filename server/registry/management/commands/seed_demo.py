from typing import Any

from django.core.management.base import BaseCommand

from server.registry.demo import DEMO_PASSWORD, seed_demo
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
