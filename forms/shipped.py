"""Read form definitions from JSON files, including those shipped in forms/definitions/."""

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
