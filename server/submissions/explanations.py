"""Plain-language explanations of stored assessments, rendered when read and never stored.

The stored `result` keeps the engine's reasons (paths and codes) as the audit trail;
`forms.reasons` turns them into text with the labels of the form version the answers came
from. Both edges that show assessments (the REST API and the phone's pull feed) call
`assessments_explain` once per page.
"""

from collections.abc import Collection, Mapping, Sequence
from functools import cache
from typing import Any

import forms
from forms.reasons import STATUSES, AssessmentExplanation, explain_assessment
from server.submissions import selectors
from server.submissions.models import Assessment
from server.surveys.models import FormVersion
from server.surveys.services import form_definition

SURVEY_FORM_ID = "household_survey"


def assessments_explain(
    assessments: Sequence[Assessment], *, statuses: Collection[str] = STATUSES
) -> dict[int, AssessmentExplanation]:
    """Render each assessment with its submission's form version: two queries per page.

    An assessment without a submission (a rescore, or a submission since deleted) is
    rendered with the newest shipped Phiếu B: form versions only reword labels, never
    the facts they map to. `statuses` limits which indicators are rendered.
    """
    forms_by_submission = _forms_of({a.submission_id for a in assessments if a.submission_id})
    return {
        a.pk: explain_assessment(
            a.result,
            a.facts,
            forms_by_submission.get(a.submission_id) or _shipped_survey(),
            statuses=statuses,
        )
        for a in assessments
    }


def result_with_explanation(
    result: Mapping[str, Any], explanation: AssessmentExplanation
) -> dict[str, Any]:
    """A copy of the stored result with `explanation_vi`/`explanation_en` beside each reason."""
    texts = {i.code: i.text for i in explanation.indicators}
    indicators = [
        {**i, **explanation_fields(texts[i["code"]])} for i in result.get("indicators", [])
    ]
    decision = {**(result.get("decision") or {}), **explanation_fields(explanation.decision)}
    return {**result, "decision": decision, "indicators": indicators}


def explanation_fields(text: forms.Text) -> dict[str, str]:
    return {"explanation_vi": text.vi, "explanation_en": text.en}


def _forms_of(submission_ids: set[Any]) -> dict[Any, forms.FormDefinition]:
    if not submission_ids:
        return {}
    version_of = selectors.form_version_ids_of(submission_ids)
    # The definition column is read only for a version not parsed yet in this process.
    versions = FormVersion.objects.defer("definition").in_bulk(set(version_of.values()))
    return {sub: form_definition(versions[version]) for sub, version in version_of.items()}


@cache
def _shipped_survey() -> forms.FormDefinition:
    return forms.find_shipped(SURVEY_FORM_ID)
