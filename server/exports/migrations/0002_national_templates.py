"""Load the national report layouts (layouts/national.json) as data."""

from typing import Any

from django.db import migrations

from server.exports.layouts import load_national_templates, national_layouts


def load(apps: Any, schema_editor: Any) -> None:
    load_national_templates(apps.get_model("exports", "ReportTemplate"))


def unload(apps: Any, schema_editor: Any) -> None:
    codes = [item["code"] for item in national_layouts()]
    apps.get_model("exports", "ReportTemplate").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("exports", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
