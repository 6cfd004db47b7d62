"""The reviewer's queue: filter, sort and page the area's households, then act on a few.

A bulk action is two posts: the first shows what will change and asks to confirm; only
the second, carrying `confirm`, calls the service. htmx swaps the rows on filter and page
changes; without JavaScript every control is a plain link or form.
"""

from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View

from forms.shipped import find_shipped
from server.accounts.models import User
from server.common.errors import DomainValidationError, PermissionRefused
from server.registry.choices import HouseholdStatus
from server.review.answers import question_choices
from server.review.choices import Step
from server.review.flags import FLAG_LABELS, Flag, raised_flags
from server.review.mixins import ReviewerRequiredMixin
from server.review.selectors_household import class_label
from server.review.selectors_queue import (
    SORTS,
    QueueFilters,
    queue_households,
    queue_rows_for_action,
    queue_unit_get,
    queue_units,
)
from server.review.services_queue import queue_bulk_flag, queue_bulk_return
from server.submissions.explanations import SURVEY_FORM_ID

PAGE_SIZE = 25

ENGINE_CLASSES = [
    ("POOR", _("Poor")),
    ("NEAR_POOR", _("Near-poor")),
    ("MIDDLE", _("Middle living standard")),
    ("NOT_POOR", _("Not poor")),
    ("UNDETERMINED", _("Undetermined: facts missing")),
]
SORT_LABELS = {
    "code": _("Code"),
    "-code": _("Code, descending"),
    "head": _("Head of household"),
    "village": _("Village"),
    "income": _("Income, lowest first"),
    "-income": _("Income, highest first"),
    "deprivations": _("Deprivations, most first"),
}


class QueueFilterForm(forms.Form):
    unit = forms.CharField(label=_("Commune or village"), required=False)
    step = forms.ChoiceField(label=_("Step"), required=False, choices=[("", "—"), *Step.choices])
    engine_class = forms.ChoiceField(
        label=_("Engine class"), required=False, choices=[("", "—"), *ENGINE_CLASSES]
    )
    status = forms.ChoiceField(
        label=_("Official status"), required=False, choices=[("", "—"), *HouseholdStatus.choices]
    )
    differs = forms.BooleanField(label=_("Engine ≠ official"), required=False)
    undetermined = forms.BooleanField(label=_("Undetermined only"), required=False)
    flag = forms.MultipleChoiceField(
        label=_("Flags"),
        required=False,
        choices=[(f.value, FLAG_LABELS[f]) for f in Flag],
        widget=forms.CheckboxSelectMultiple,
    )
    flagged = forms.BooleanField(label=_("Any flag"), required=False)
    q = forms.CharField(label=_("Code or head's name"), required=False, max_length=100)
    sort = forms.ChoiceField(
        label=_("Sort by"), required=False, choices=[(k, SORT_LABELS[k]) for k in SORTS]
    )

    def filters(self, user: object) -> QueueFilters:
        data = self.cleaned_data if self.is_valid() else {}
        code = data.get("unit") or ""
        return QueueFilters(
            unit=queue_unit_get(user=user, code=code) if code else None,
            step=data.get("step") or "",
            engine_class=data.get("engine_class") or "",
            official_status=data.get("status") or "",
            engine_differs=bool(data.get("differs")),
            undetermined=bool(data.get("undetermined")),
            flags=tuple(Flag(f) for f in data.get("flag") or ()),
            flagged_only=bool(data.get("flagged")),
            search=data.get("q") or "",
            sort=data.get("sort") or "code",
        )


class UUIDListField(forms.Field):
    """Household ids ticked in the queue; the service checks them against the user's area."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[UUID]:
        try:
            return [UUID(str(v)) for v in value or []]
        except ValueError as bad:
            raise forms.ValidationError(_("A chosen household was not found.")) from bad


class BulkForm(forms.Form):
    action = forms.ChoiceField(choices=[("return", _("Return")), ("flag", _("Flag"))])
    households = UUIDListField()
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea)
    questions = forms.MultipleChoiceField(
        label=_("Questions to correct"), required=False, choices=[]
    )
    confirm = forms.BooleanField(required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        questions = self.fields["questions"]
        assert isinstance(questions, forms.MultipleChoiceField)  # noqa: S101 - declared above
        questions.choices = question_choices(find_shipped(SURVEY_FORM_ID))


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


class QueueView(ReviewerRequiredMixin, View):
    def get(self, request: HttpRequest) -> HttpResponse:
        form = QueueFilterForm(request.GET)
        filters = form.filters(request.user)
        page = Paginator(queue_households(user=request.user, filters=filters), PAGE_SIZE)
        page_obj = page.get_page(request.GET.get("page"))
        rows = [_row(h) for h in page_obj.object_list]
        query = request.GET.copy()
        query.pop("page", None)
        context = {
            "form": form,
            "units": queue_units(user=request.user),
            "rows": rows,
            "page_obj": page_obj,
            "query": query.urlencode(),
            "flag_labels": {f.value: FLAG_LABELS[f] for f in Flag},
            "bulk": BulkForm(),
        }
        template = "review/queue_rows.html" if _is_htmx(request) else "review/queue.html"
        return render(request, template, context)


class QueueBulkView(ReviewerRequiredMixin, View):
    def post(self, request: HttpRequest) -> HttpResponse:
        form = BulkForm(request.POST)
        back = reverse("review-pages:queue") + "?" + request.POST.get("back", "")
        if not form.is_valid():
            messages.error(request, _("Choose at least one household and an action."))
            return HttpResponseRedirect(back)
        data = form.cleaned_data
        if not data["confirm"]:
            rows = queue_rows_for_action(
                user=request.user, ids=[str(i) for i in data["households"]]
            )
            context = {
                "form": form,
                "rows": [_row(h) for h in rows],
                "data": data,
                "back": back,
                "back_query": request.POST.get("back", ""),
            }
            return render(request, "review/queue_confirm.html", context)
        return self._apply(request, data, back)

    def _apply(self, request: HttpRequest, data: dict[str, Any], back: str) -> HttpResponse:
        user = request.user
        assert isinstance(user, User)  # noqa: S101 - StaffRequiredMixin lets only users in
        fields = list(data["questions"])
        try:
            if data["action"] == "return":
                count = queue_bulk_return(
                    user=user,
                    household_ids=data["households"],
                    comment=data["comment"],
                    fields=fields,
                )
                messages.success(request, _("%(n)d households returned.") % {"n": count})
            else:
                count = queue_bulk_flag(
                    user=user, household_ids=data["households"], note=data["comment"]
                )
                messages.success(request, _("%(n)d households flagged.") % {"n": count})
        except DomainValidationError as refused:
            for error in refused.errors:
                messages.error(request, str(error.message))
        except PermissionRefused:
            messages.error(request, _("Your role may not do this."))
        return HttpResponseRedirect(back)


def _row(household: Any) -> dict[str, Any]:
    return {
        "household": household,
        "engine": class_label(household.engine_class) if household.engine_class else "–",
        "engine_code": household.engine_class or "",
        "flags": [FLAG_LABELS[f] for f in raised_flags(household)],
        "step": Step(household.round_step).label if household.round_step else "–",
        "differs": bool(household.engine_class)
        and household.engine_class.lower() != household.status,
    }
