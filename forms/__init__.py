"""Survey forms and the scoring engine: pure Python, no Django.

Everything here must also run on a phone port, so it imports only the standard library.

Public API for the server side (forms/EXPRESSIONS.md specifies the expression language):

- `load_form(data)` / `load_definition_file(path)` / `iter_shipped_definitions()` build
  frozen `FormDefinition`s, refusing bad definitions with `FormDefinitionError(.path, .code)`;
- `validate(form, answers, *, reference_date=None)` returns every `ValidationError`;
- `facts_from_answers(form, answers)` maps valid answers to the scoring engine's facts;
- `form_to_dict(form)` is the canonical JSON served to phones (its sha256 is `form.checksum`);
- `form_to_xlsform(form)` / `form_to_xform(form)` export for ODK tools (they import
  openpyxl and pyxform lazily; nothing else here needs a third-party package).
"""

from __future__ import annotations

from forms.loader import FormDefinitionError, load_form
from forms.mapping import facts_dict_from_answers, facts_dict_from_resolved, facts_from_answers
from forms.model import Choice, ChoiceList, FormDefinition, Question, Text
from forms.serialize import form_to_dict
from forms.shipped import find_shipped, iter_shipped_definitions, load_definition_file
from forms.validate import Resolved, ValidationError, resolve, validate, validate_and_resolve

__all__ = [
    "Choice",
    "ChoiceList",
    "FormDefinition",
    "FormDefinitionError",
    "Question",
    "Resolved",
    "Text",
    "ValidationError",
    "facts_dict_from_answers",
    "facts_dict_from_resolved",
    "facts_from_answers",
    "find_shipped",
    "form_to_dict",
    "form_to_xform",
    "form_to_xlsform",
    "iter_shipped_definitions",
    "load_definition_file",
    "load_form",
    "resolve",
    "validate",
    "validate_and_resolve",
]


def form_to_xlsform(form: FormDefinition) -> bytes:
    """Export `form` as an XLSForm workbook (.xlsx bytes); see forms.odk."""
    from forms.odk import form_to_xlsform as export

    return export(form)


def form_to_xform(form: FormDefinition, *, validate: bool = False) -> str:
    """Export `form` as an ODK XForm (XML text); `validate=True` runs ODK Validate (Java)."""
    from forms.odk import form_to_xform as export

    return export(form, validate=validate)
