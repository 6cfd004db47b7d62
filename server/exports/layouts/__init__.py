"""The national report layouts shipped as data (national.json), and their one loader."""

import json
from pathlib import Path
from typing import Any

NATIONAL = Path(__file__).resolve().parent / "national.json"


def national_layouts() -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = json.loads(NATIONAL.read_text(encoding="utf-8"))
    return items


def load_national_templates(template_model: Any) -> None:
    """Create or update the national layouts; running it again changes nothing.

    Takes the model class so that migration 0002 (a historical model) and test set-up after
    a table flush share one loader.
    """
    for item in national_layouts():
        code = item.pop("code")
        template_model.objects.update_or_create(code=code, province=None, defaults=item)
