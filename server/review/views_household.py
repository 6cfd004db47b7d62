"""The household page: everything a reviewer needs to judge one household, in plain words."""

from decimal import Decimal
from typing import Any
from uuid import UUID

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views import View

from server.accounts import access
from server.accounts.access import Action
from server.common.errors import DomainValidationError, PermissionRefused
from server.console.mixins import refused
from server.evidence.images import strip_exif
from server.registry.choices import Policy, PovertyCause
from server.registry.models import Household
from server.registry.services import household_needs_set
from server.review import selectors_household as page
from server.review.flags import FLAG_LABELS, raised_flags
from server.review.mixins import ReviewerRequiredMixin
from server.review.selectors_queue import QueueFilters, queue_households

MAP_WIDTH, MAP_HEIGHT, MAP_PAD = 320, 200, 16


class HouseholdView(ReviewerRequiredMixin, View):
    def get(self, request: HttpRequest, household_id: UUID) -> HttpResponse:
        user = request.user
        household = page.household_page_get(user=user, household_id=household_id)
        latest, explanation = page.latest_assessment(user=user, household=household)
        surveys = page.surveys(user=user, household=household)
        context: dict[str, Any] = {
            "household": household,
            "members": list(enumerate(page.roster(user=user, household=household), start=1)),
            "latest": latest,
            "latest_class": page.class_label(latest.household_class) if latest else "",
            "decision_text": _say(explanation.decision) if explanation else "",
            "indicators": _indicators(latest, explanation),
            "lines": page.income_against_lines(household=household, assessment=latest)
            if latest
            else [],
            "years": [
                (
                    row,
                    page.class_label(row.klass),
                    [page.transition_label(t) for t in row.transitions],
                )
                for row in page.earlier_years(user=user, household=household)
            ],
            "flags": _flags(user, household),
            "photos": page.photos(user=user, household=household),
            "map": _map(user, household, surveys),
            "trail": page.audit_trail(user=user, household=household),
            "needs": _needs(household),
            "needs_form": NeedsForm(
                initial={
                    "poverty_causes": household.poverty_causes,
                    "policies_received": household.policies_received,
                    "policies_needed": household.policies_needed,
                }
            ),
            "may_edit_needs": access.allows(user, Action.EDIT_HOUSEHOLDS),
            **_survey_context(request, surveys),
        }
        return render(request, "review/household.html", context)


class HouseholdPhotoView(ReviewerRequiredMixin, View):
    """A photo of a visible household, re-encoded without EXIF (GPS, device) at any size."""

    def get(self, request: HttpRequest, household_id: UUID, photo_id: int) -> HttpResponse:
        household = page.household_page_get(user=request.user, household_id=household_id)
        photo = page.photo_get(user=request.user, household=household, photo_id=photo_id)
        thumb = request.GET.get("size") == "thumb" and bool(photo.thumbnail)
        stored = photo.thumbnail if thumb else photo.file
        if not stored:
            raise Http404
        with stored.open("rb") as handle:
            data = strip_exif(handle.read())
        response = HttpResponse(data, content_type="image/jpeg" if thumb else photo.content_type)
        response["Cache-Control"] = "private, max-age=3600"
        response["X-Content-Type-Options"] = "nosniff"
        return response


def _needs(household: Household) -> list[tuple[str, list[str]]]:
    causes, policies = dict(PovertyCause.choices), dict(Policy.choices)
    return [
        (str(_("Causes of poverty")), [str(causes.get(c, c)) for c in household.poverty_causes]),
        (
            str(_("Policies received")),
            [str(policies.get(c, c)) for c in household.policies_received],
        ),
        (str(_("Policies needed")), [str(policies.get(c, c)) for c in household.policies_needed]),
    ]


def _say(text: Any) -> str:
    return str(text.en if (get_language() or "vi").startswith("en") else text.vi)


def _indicators(latest: Any, explanation: Any) -> list[dict[str, Any]]:
    """Deprived indicators first, then unknown, then met; each in the reader's language."""
    if latest is None or explanation is None:
        return []
    status = {i.get("code"): i.get("status") for i in latest.result.get("indicators", [])}
    order = {"deprived": 0, "unknown": 1, "not_deprived": 2}
    rows = [
        {"code": i.code, "status": status.get(i.code, ""), "text": _say(i.text)}
        for i in explanation.indicators
    ]
    return sorted(rows, key=lambda r: (order.get(r["status"], 3), r["code"]))


def _flags(user: object, household: Household) -> list[Any]:
    row = queue_households(user=user, filters=QueueFilters()).filter(pk=household.pk).first()
    return [FLAG_LABELS[f] for f in raised_flags(row)] if row else []


def _survey_context(request: HttpRequest, surveys: list[Any]) -> dict[str, Any]:
    """The newest survey's answers, and the diff between two chosen (default: newest two)."""
    by_id = {str(s.pk): s for s in surveys}
    newer = by_id.get(request.GET.get("b", "")) or (surveys[0] if surveys else None)
    older = by_id.get(request.GET.get("a", "")) or (surveys[1] if len(surveys) > 1 else None)
    return {
        "surveys": surveys,
        "shown_survey": newer,
        "answers": page.survey_answers(newer) if newer else [],
        "diff_from": older,
        "diff": page.survey_diff(older, newer) if older and newer and older != newer else [],
    }


def _map(user: object, household: Household, surveys: list[Any]) -> dict[str, Any] | None:
    """The household among its village's households, scaled into a small SVG; no tiles.

    Without a position on the registry, the newest survey's GPS answer is shown alone.
    """
    here = _position(household, surveys)
    if here is None:
        return None
    points = [
        (lat, lon, pk)
        for lat, lon, pk in page.village_points(user=user, household=household)
        if pk != household.pk
    ]
    lats = [here[0], *(p[0] for p in points)]
    lons = [here[1], *(p[1] for p in points)]
    span_lat = max(max(lats) - min(lats), Decimal("0.001"))
    span_lon = max(max(lons) - min(lons), Decimal("0.001"))

    def place(lat: Decimal, lon: Decimal) -> tuple[int, int]:
        x = MAP_PAD + (lon - min(lons)) / span_lon * (MAP_WIDTH - 2 * MAP_PAD)
        y = MAP_HEIGHT - MAP_PAD - (lat - min(lats)) / span_lat * (MAP_HEIGHT - 2 * MAP_PAD)
        return round(x), round(y)

    return {
        "width": MAP_WIDTH,
        "height": MAP_HEIGHT,
        "here": place(*here),
        "others": [place(lat, lon) for lat, lon, _pk in points],
        "latitude": here[0],
        "longitude": here[1],
        "accuracy": household.gps_accuracy_m,
        "from_survey": household.latitude is None,
    }


def _position(household: Household, surveys: list[Any]) -> tuple[Decimal, Decimal] | None:
    if household.latitude is not None and household.longitude is not None:
        return household.latitude, household.longitude
    gps = surveys[0].payload.get("house_gps") if surveys else None
    if not isinstance(gps, dict):
        return None
    try:
        return Decimal(str(gps["latitude"])), Decimal(str(gps["longitude"]))
    except (KeyError, ArithmeticError):
        return None


class NeedsForm(forms.Form):
    poverty_causes = forms.MultipleChoiceField(
        label=_("Causes of poverty"),
        required=False,
        choices=PovertyCause.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    policies_received = forms.MultipleChoiceField(
        label=_("Policies received"),
        required=False,
        choices=Policy.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    policies_needed = forms.MultipleChoiceField(
        label=_("Policies needed"),
        required=False,
        choices=Policy.choices,
        widget=forms.CheckboxSelectMultiple,
    )


class HouseholdNeedsView(ReviewerRequiredMixin, View):
    """Causes of poverty and policies: kept by whoever may edit households in the area."""

    def post(self, request: HttpRequest, household_id: UUID) -> HttpResponse:
        household = page.household_page_get(user=request.user, household_id=household_id)
        try:
            access.require(request.user, Action.EDIT_HOUSEHOLDS, household)
        except PermissionRefused:
            return refused(request)
        form = NeedsForm(request.POST)
        url = reverse("review-pages:household", args=[household.pk]) + "#needs"
        if not form.is_valid():
            messages.error(request, _("This is not one of the listed choices."))
            return HttpResponseRedirect(url)
        try:
            household_needs_set(
                household=household, data=form.cleaned_data, actor=request.user, source="console"
            )
        except DomainValidationError as refusal:
            for error in refusal.errors:
                messages.error(request, str(error.message))
            return HttpResponseRedirect(url)
        messages.success(request, _("Causes and policies saved."))
        return HttpResponseRedirect(url)
