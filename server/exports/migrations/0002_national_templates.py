"""Load the national report layouts (layouts/national.json) as data."""

import json
from pathlib import Path
from typing import Any

from django.db import migrations

LAYOUTS = Path(__file__).resolve().parents[1] / "layouts" / "national.json"


def load(apps: Any, schema_editor: Any) -> None:
    template_model = apps.get_model("exports", "ReportTemplate")
    for item in json.loads(LAYOUTS.read_text(encoding="utf-8")):
        code = item.pop("code")
        template_model.objects.update_or_create(code=code, province=None, defaults=item)


def unload(apps: Any, schema_editor: Any) -> None:
    codes = [item["code"] for item in json.loads(LAYOUTS.read_text(encoding="utf-8"))]
    apps.get_model("exports", "ReportTemplate").objects.filter(code__in=codes).delete()


class Migration(migrations.Migration):
    dependencies = [("exports", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
