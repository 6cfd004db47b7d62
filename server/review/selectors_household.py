"""What the household page shows, read through the one scoping rule, in few queries.

Nothing here writes. Texts are built for people: members by position and name, facts by
question label, classes by their names; code paths stay in the stored results.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import Http404
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from forms.model import FormDefinition
from forms.reasons import AssessmentExplanation
from forms.scoring.ruleset import RulesetError, load_ruleset
from forms.scoring.transitions import derive_transition
from server.accounts import access
from server.evidence.models import Attachment
from server.registry.choices import HouseholdStatus
from server.registry.models import Household, Member
from server.review.answers import AnswerChange, AnswerRow, answer_changes, answer_rows
from server.review.choices import ComplaintResult, DecisionList, Step
from server.review.flags import NEAR_LINE_SHARE
from server.review.models import AuditEvent, Complaint, DecisionEntry, HouseholdReview
from server.submissions.explanations import SURVEY_FORM_ID, assessments_explain
from server.submissions.models import Assessment, ReviewStatus, Submission
from server.surveys.services import form_definition

KNOWN_CLASSES = frozenset({"POOR", "NEAR_POOR", "MIDDLE", "NOT_POOR"})

ENGINE_CLASS_LABELS: dict[str, Any] = {
    "POOR": gettext_lazy("Poor"),
    "NEAR_POOR": gettext_lazy("Near-poor"),
    "MIDDLE": gettext_lazy("Middle living standard"),
    "NOT_POOR": gettext_lazy("Not poor"),
    "UNDETERMINED": gettext_lazy("Undetermined: facts missing"),
}

TRANSITION_LABELS: dict[str, Any] = {
    "unchanged": gettext_lazy("Unchanged"),
    "escaped_poverty": gettext_lazy("Escaped poverty"),
    "escaped_near_poverty": gettext_lazy("Escaped near-poverty"),
    "newly_poor": gettext_lazy("Newly poor"),
    "newly_near_poor": gettext_lazy("Newly near-poor"),
    "re_poor": gettext_lazy("Poor again (re-poor)"),
}

CODE_LABELS: dict[str, Any] = {
    **dict(HouseholdStatus.choices),
    **dict(Step.choices),
    **dict(ComplaintResult.choices),
    **dict(DecisionList.choices),
    **dict(ReviewStatus.choices),
    **ENGINE_CLASS_LABELS,
}
"""Stored codes an audit entry may hold, shown by their names."""

FIELD_LABELS: dict[str, Any] = {
    "review_status": gettext_lazy("survey review"),
    "fields": gettext_lazy("questions to correct"),
    "removed": gettext_lazy("removed from the roster"),
}
"""Keys of audit entries that are no model field; the others use their field's name."""

ACTION_LABELS: dict[str, Any] = {
    "return": gettext_lazy("Returned to the volunteer"),
    "submission_return": gettext_lazy("Returned to the volunteer"),
    "round_open": gettext_lazy("Round opened"),
    "listed": Step.LISTED.label,
    "meeting_record": gettext_lazy("Village meeting recorded"),
    "meeting_scan": gettext_lazy("Signed minutes attached"),
    "recheck": gettext_lazy("Re-check recorded"),
    "decision_issue": gettext_lazy("Decision issued"),
    "conflict_resolve": gettext_lazy("Sync conflict settled"),
    "flag": gettext_lazy("Flagged by a reviewer"),
    "screen_in": Step.SCREENED.label,
    "screen_out": Step.SCREENED_OUT.label,
    "score": Step.SURVEYED.label,
    "meeting_passed": Step.DISCUSSED.label,
    "meeting_failed": gettext_lazy("Not passed at the village meeting"),
    "post": Step.POSTED.label,
    "complain": Step.RECHECK.label,
    "recheck_post": gettext_lazy("Re-check result posted"),
    "decide": Step.RECOGNISED.label,
    "certify": Step.CERTIFIED.label,
}
"""Audit actions by name; the round's moves reuse the names of the steps they lead to."""


def class_label(code: str | None) -> str:
    return str(ENGINE_CLASS_LABELS.get(code or "", code or "–"))


def transition_label(code: str) -> str:
    return str(TRANSITION_LABELS.get(code, code))


@dataclass(frozen=True)
class LineRow:
    name: str
    amount: int
    gap: int
    gap_percent: Decimal
    near: bool
    at_or_below: bool


@dataclass(frozen=True)
class YearRow:
    year: int
    klass: str
    income: int | None
    deprivations: int
    transitions: tuple[str, ...]


@dataclass(frozen=True)
class TrailRow:
    at: datetime
    actor: str
    what: str
    reason: str
    details: list[tuple[str, str, str]] = field(default_factory=list)


def household_page_get(*, user: object, household_id: UUID) -> Household:
    household = (
        access.visible_households(user)
        .select_related("village", "commune")
        .filter(pk=household_id)
        .first()
    )
    if household is None:
        raise Http404
    return household


def roster(*, user: object, household: Household) -> list[Member]:
    members = access.visible_members(user).current().filter(household=household)
    return list(members.order_by("created_at", "id"))


def latest_assessment(
    *, user: object, household: Household
) -> tuple[Assessment | None, AssessmentExplanation | None]:
    latest = access.visible_assessments(user).filter(household=household, is_latest=True).first()
    if latest is None:
        return None, None
    return latest, assessments_explain([latest])[latest.pk]


def income_against_lines(*, household: Household, assessment: Assessment) -> list[LineRow]:
    """The income per person beside each line of the assessment's own ruleset."""
    if assessment.income_per_person is None:
        return []
    try:
        ruleset = load_ruleset(assessment.ruleset_id)
    except RulesetError:
        return []
    area = str(assessment.facts.get("area_type") or household.commune.area_type or "rural")
    rows = []
    income = assessment.income_per_person
    for name in ruleset.class_lines:
        line = ruleset.lines[name]
        amount = line.for_area(area)
        gap = income - amount
        rows.append(
            LineRow(
                name=line.name_en if _english() else line.name_vi,
                amount=amount,
                gap=gap,
                gap_percent=(Decimal(gap) * 100 / amount).quantize(Decimal("0.1")),
                near=abs(gap) <= amount * NEAR_LINE_SHARE,
                at_or_below=gap <= 0,
            )
        )
    return rows


def earlier_years(*, user: object, household: Household) -> list[YearRow]:
    """One row per review year (its newest assessment), with the transition from the year before."""
    by_year: dict[int, Assessment] = {}
    for a in (
        access.visible_assessments(user)
        .filter(household=household)
        .order_by("review_year", "created_at", "id")
    ):
        by_year[a.review_year] = a
    rows: list[YearRow] = []
    seen: list[str | None] = []
    for year in sorted(by_year):
        a = by_year[year]
        previous = seen[-1] if seen else None
        rows.append(
            YearRow(
                year,
                a.household_class,
                a.income_per_person,
                a.deprivation_count,
                _transition(previous, a.household_class, seen[:-1]),
            )
        )
        seen.append(a.household_class if a.household_class in KNOWN_CLASSES else None)
    return list(reversed(rows))


def _transition(previous: str | None, current: str, earlier: list[str | None]) -> tuple[str, ...]:
    if current not in KNOWN_CLASSES:
        return ()
    return derive_transition(previous, current, earlier=[e for e in earlier if e])


def surveys(*, user: object, household: Household) -> list[Submission]:
    return list(
        access.visible_submissions(user)
        .filter(household=household, form_version__form_id=SURVEY_FORM_ID)
        .select_related("form_version", "submitted_by")
        .order_by("-created_at")
    )


def survey_answers(submission: Submission) -> list[AnswerRow]:
    return answer_rows(_form(submission), submission.payload)


def survey_diff(older: Submission, newer: Submission) -> list[AnswerChange]:
    return answer_changes(_form(newer), older.payload, newer.payload)


def _form(submission: Submission) -> FormDefinition:
    return form_definition(submission.form_version)


def photos(*, user: object, household: Household) -> list[Attachment]:
    """Complete photos of the household and of its surveys, newest first."""
    items = access.visible_submissions(user).filter(household=household).values("pk")
    return list(
        access.visible_attachments(user)
        .filter(complete=True)
        .filter(item_uuid__in=[household.pk, *[row["pk"] for row in items]])
        .order_by("-created_at", "id")
    )


def photo_get(*, user: object, household: Household, photo_id: int) -> Attachment:
    """One photo of this household, or 404 (outside the area, another household, unfinished)."""
    for photo in photos(user=user, household=household):
        if photo.pk == photo_id:
            return photo
    raise Http404


def audit_trail(*, user: object, household: Household) -> list[TrailRow]:
    """Review actions and registry changes together, newest first."""
    rows = [
        _audit_row(e)
        for e in access.visible_review_audit(user)
        .filter(household=household)
        .select_related("actor")
    ]
    rows += [
        _change_row(c)
        for c in access.visible_history(user)
        .filter(household=household)
        .select_related("actor", "member")
    ]
    return sorted(rows, key=lambda r: r.at, reverse=True)


def _audit_row(event: AuditEvent) -> TrailRow:
    keys = list(dict.fromkeys([*event.before, *event.after]))
    details = _details((k, event.before.get(k), event.after.get(k)) for k in keys)
    return TrailRow(
        event.at, _actor(event.actor), _action_label(event.action), event.reason, details
    )


def _change_row(change: Any) -> TrailRow:
    details = _details(
        (k, v[0], v[1]) for k, v in change.changes.items() if isinstance(v, list) and len(v) == 2
    )
    who = change.member.full_name if change.member else ""
    what = _("Registry change: %(entity)s %(who)s") % {
        "entity": _("member") if change.entity == "member" else _("household"),
        "who": who,
    }
    return TrailRow(change.at, _actor(change.actor), what.strip(), "", details)


def _actor(user: Any) -> str:
    if user is None:
        return _("System")
    return str(user.get_full_name() or user.username)


def _details(changes: Iterable[tuple[str, object, object]]) -> list[tuple[str, str, str]]:
    """Changed values only, each side as a person reads it."""
    rows = []
    for key, before, after in changes:
        shown = (_shown(key, before), _shown(key, after))
        if shown[0] != shown[1]:
            rows.append((_field_label(key), *shown))
    return rows


def _shown(key: str, value: object) -> str:
    """A stored value by its label: the field's own choices, then the review's codes."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return ", ".join(_shown(key, v) for v in value)
    if not isinstance(value, str):
        return str(value)
    choices = _field_choices(key)
    if value in choices:
        return choices[value]
    if ISO_DATE.fullmatch(value):
        return f"{value[8:10]}/{value[5:7]}/{value[:4]}"
    return str(CODE_LABELS.get(value, value))


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
TRAIL_MODELS = (Household, Member, HouseholdReview, DecisionEntry, Complaint)


def _field_choices(key: str) -> dict[str, str]:
    for model in TRAIL_MODELS:
        field = {f.name: f for f in model._meta.get_fields()}.get(key)
        choices = getattr(field, "choices", None)
        if choices:
            return {str(k): str(v) for k, v in choices}
    return {}


def _field_label(key: str) -> str:
    label = FIELD_LABELS.get(key)
    if label is not None:
        return str(label)
    for model in TRAIL_MODELS:
        names = {f.name: f for f in model._meta.get_fields()}
        verbose = getattr(names.get(key), "verbose_name", None)
        if verbose is not None:
            return str(verbose)
    return key.replace("_", " ")


def _action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action.replace("_", " ")))


def _english() -> bool:
    return (get_language() or "vi").startswith("en")


def village_points(*, user: object, household: Household) -> list[tuple[Decimal, Decimal, UUID]]:
    """Positions of the village's visible households, to place this one among them."""
    return [
        (lat, lon, pk)
        for lat, lon, pk in access.visible_households(user)
        .filter(village=household.village, latitude__isnull=False, longitude__isnull=False)
        .values_list("latitude", "longitude", "pk")
        if lat is not None and lon is not None
    ]
