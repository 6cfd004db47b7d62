"""Load the shipped programmes; running it again changes nothing (update_or_create)."""

from datetime import date
from typing import Any

from django.db import migrations

from server.support.programmes import ALL_STAGES, PAYMENT_SOURCE, PROGRAMMES


def load(apps: Any, schema_editor: Any) -> None:
    programme_model = apps.get_model("support", "Programme")
    amount_model = apps.get_model("support", "ProgrammeAmount")
    for spec in PROGRAMMES:
        fields = {k: v for k, v in spec.items() if k not in {"code", "amounts"}}
        programme, _ = programme_model.objects.update_or_create(
            code=spec["code"],
            defaults={**fields, "stages": ALL_STAGES, "payment_source": PAYMENT_SOURCE},
        )
        for work, amount, applies_from, legal_ref in spec["amounts"]:
            amount_model.objects.update_or_create(
                programme=programme,
                work=work,
                applies_from=date.fromisoformat(applies_from),
                defaults={"amount": amount, "legal_ref": legal_ref},
            )


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
