"""Load the shipped programmes; running it again changes nothing (update_or_create)."""

from typing import Any

from django.db import migrations

from server.support.programmes import load_programmes


def load(apps: Any, schema_editor: Any) -> None:
    load_programmes(apps.get_model("support", "Programme"), apps.get_model("support", "ProgrammeAmount"))


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
