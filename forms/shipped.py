"""Read form definitions from JSON files, including those shipped in forms/definitions/.

Shipped definitions live in `forms/definitions/<form_id>/v<version>.json` (only directories
there: the volunteer app's tests scan it too):

- `household_screening` v1: Phiếu A (TT 07/2021, Phụ lục II). The 9 criteria texts are
  provisional (`"provisional": true` on the form and on each criterion); the rule "4 or
  more criteria met screens the household out" is the calculations `criteria_met` and
  `screened_out`. A new year's criteria or threshold is a new version.
- `household_survey` v1: Phiếu B (TT 07/2021, Phụ lục III), covering every fact the shipped
  scoring rulesets read; questions that feed scoring carry a `fact` path.

Never edit a published version: submissions are validated against the exact version they
were filled with, identified by its checksum. Copy the file to the next version instead. A
version that only rewords texts keeps its `fact` paths and choice facts, so it maps answers
to the same household facts (tests/forms/test_mapping.py checks this).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Final

from forms.loader import FormDefinitionError, load_form
from forms.model import FormDefinition

DEFINITIONS_DIR: Final = Path(__file__).resolve().parent / "definitions"


def load_definition_file(path: str | Path) -> FormDefinition:
    """Load one definition file; a JSON syntax error is a FormDefinitionError too."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise FormDefinitionError("", "json", f"{path}: {error}") from None
    return load_form(data)


def shipped_definition_paths() -> list[Path]:
    """Every JSON file under forms/definitions, sorted so the order is stable."""
    return sorted(DEFINITIONS_DIR.rglob("*.json"))


def iter_shipped_definitions() -> Iterator[FormDefinition]:
    """Load every shipped definition, failing loudly on the first bad one."""
    for path in shipped_definition_paths():
        yield load_definition_file(path)


def find_shipped(form_id: str, version: str | None = None) -> FormDefinition:
    """Return a shipped form by id, the given version or else the highest version."""
    forms = [form for form in iter_shipped_definitions() if form.id == form_id]
    if version is not None:
        forms = [form for form in forms if form.version == version]
    if not forms:
        raise LookupError(f"no shipped form {form_id!r} version {version or 'any'}")
    return max(forms, key=lambda form: _version_key(form.version))


def _version_key(version: str) -> tuple[tuple[int, str], ...]:
    """Order "2" after "1" and "10" after "9"; non-numeric parts compare as text."""
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in version.split("."))
