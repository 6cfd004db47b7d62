"""Start-up check: every shipped form definition must load."""

from typing import Any

from django.core import checks

import forms


@checks.register("surveys")
def check_form_definitions(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    try:
        count = sum(1 for _form in forms.iter_shipped_definitions())
    except forms.FormDefinitionError as error:
        return [
            checks.Error(
                f"A form definition does not load: {error}",
                hint="Fix the JSON under forms/definitions; the path above names the fault.",
                id="surveys.E001",
            )
        ]
    if count == 0:
        return [
            checks.Error(
                "No form definitions were found under forms/definitions.", id="surveys.E002"
            )
        ]
    return []
