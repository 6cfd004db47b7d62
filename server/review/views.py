"""Console pages of the review round's actions, under /console/review/rounds/.

Thin: each POST parses a Django form, calls one service and redirects back to the round
page; a refusal re-renders the form with the services' messages, in the page's language.
The reviewer queue, the household page and the dashboards are in views_* (reviewui).
"""

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from server.accounts import access
from server.accounts.access import Action
from server.accounts.authentication import signed_in_user
from server.common.errors import DomainValidationError, FieldError, PermissionRefused
from server.console.mixins import StaffRequiredMixin, refused
from server.review import pdf, selectors, services
from server.review.calendar import is_overdue, period_end, reporting_calendar
from server.review.choices import ComplaintResult, DecidedClass, RoundKind, Step
from server.review.fields import answer_choices
from server.review.models import HouseholdReview, ReviewRound
from server.review.transitions import ORDER, A, transition_for

T = TypeVar("T")


def _attempt(call: Callable[[], T]) -> tuple[T | None, list[FieldError]]:
    """Run a service; return its result, or the field errors it refused with."""
    try:
        return call(), []
    except DomainValidationError as refusal:
        return None, refusal.errors


def _revision(request: HttpRequest) -> int | None:
    """The revision a form was built on; a missing or garbled one skips the check."""
    raw = request.POST.get("revision", "")
    return int(raw) if raw.isdigit() else None


def _round_url(round_id: int) -> str:
    return reverse("review:round", args=[round_id])


class _Base(StaffRequiredMixin, View):
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().dispatch(request, *args, **kwargs)
        except PermissionRefused:
            return refused(request)


# --- rounds ------------------------------------------------------------------------


class OpenRoundForm(forms.Form):
    commune = forms.IntegerField(label=_("Commune"))
    year = forms.IntegerField(label=_("Year"), min_value=2016, max_value=2100)
    kind = forms.ChoiceField(label=_("Kind"), choices=RoundKind.choices)
    period = forms.IntegerField(label=_("Month"), min_value=0, max_value=12, initial=0)


class RoundListView(_Base):
    """The rounds of the user's area; officers open a commune's round here."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, OpenRoundForm(initial={"year": timezone.localdate().year}), [])

    def post(self, request: HttpRequest) -> HttpResponse:
        form = OpenRoundForm(request.POST)
        if not form.is_valid():
            return self._page(request, form, [])
        data = form.cleaned_data
        opened, errors = _attempt(
            lambda: services.round_open(
                user=signed_in_user(request),
                commune_id=data["commune"],
                year=data["year"],
                kind=data["kind"],
                period=data["period"] or 0,
            ),
        )
        if opened is None:
            return self._page(request, form, errors)
        return redirect(_round_url(opened.pk))

    def _page(
        self, request: HttpRequest, form: forms.Form, errors: list[FieldError]
    ) -> HttpResponse:
        user = request.user
        communes = access.visible_units(user).filter(level="commune").order_by("name")
        return render(
            request,
            "review/rounds.html",
            {
                "rounds": selectors.round_list(user=user),
                "communes": communes,
                "form": form,
                "errors": errors,
                "can_decide": access.allows(user, Action.DECIDE),
            },
            status=400 if errors or form.errors else 200,
        )


def _household_rows(user: Any, review_round: ReviewRound) -> list[dict[str, Any]]:
    today = timezone.localdate()
    rows = []
    for review in selectors.household_reviews(user=user, review_round=review_round):
        rows.append(
            {
                "review": review,
                "engine": selectors.engine_label(review.engine_class),
                "overdue": is_overdue(review.due_on, today),
                "can": {
                    a: transition_for(review.step, a) is not None
                    for a in (A.SCREEN_IN, A.SCREEN_OUT, A.SCORE, A.COMPLAIN, A.RETURN)
                },
            }
        )
    return rows


class RoundView(_Base):
    """A commune's round: progress per village and step, deadlines, every action's entry."""

    def get(self, request: HttpRequest, round_id: int) -> HttpResponse:
        user = request.user
        review_round = selectors.round_get(user=user, round_id=round_id)
        today = timezone.localdate()
        decision = selectors.decision_for_round(user=user, review_round=review_round)
        context = {
            "round": review_round,
            "steps": [(s.value, Step(s.value).label) for s in ORDER],
            "progress": selectors.round_progress(user=user, review_round=review_round, today=today),
            "rows": _household_rows(user, review_round),
            "meetings": selectors.meetings(user=user, review_round=review_round),
            "postings": selectors.postings(user=user, review_round=review_round),
            "complaints": selectors.complaints(user=user, review_round=review_round),
            "decision": decision,
            "entries": selectors.decision_entries(decision) if decision else [],
            "calendar": reporting_calendar(review_round.year),
            "today": today,
            "can_decide": access.allows(user, Action.DECIDE),
            "can_review": access.allows(user, Action.REVIEW),
            "audit": selectors.audit_for(user=user, review_round=review_round)[:50],
        }
        return render(request, "review/round.html", context)


class ListHouseholdsView(_Base):
    def post(self, request: HttpRequest, round_id: int) -> HttpResponse:
        selectors.round_get(user=request.user, round_id=round_id)
        listed = services.households_list(user=signed_in_user(request), round_id=round_id)
        messages.success(request, _("%(n)d households listed.") % {"n": len(listed)})
        return redirect(_round_url(round_id))


STEP_ACTIONS = {"screen_in", "screen_out", "score"}


class HouseholdStepView(_Base):
    """Screen in, screen out, or take the engine's class: one button each on the round page."""

    def post(self, request: HttpRequest, round_id: int, review_id: int, action: str) -> Any:
        review = selectors.household_review_get(user=request.user, review_id=review_id)
        if action not in STEP_ACTIONS or review.round_id != round_id:
            raise Http404
        user = signed_in_user(request)
        revision = _revision(request)
        if action == "score":
            call: Callable[[], Any] = lambda: services.survey_record(  # noqa: E731
                user=user, review_id=review_id, revision=revision
            )
        else:
            call = lambda: services.screening_record(  # noqa: E731
                user=user,
                review_id=review_id,
                screened_out=action == "screen_out",
                revision=revision,
            )
        _done, errors = _attempt(call)
        for error in errors:
            messages.warning(request, f"{review.household.code}: {error.message}")
        return redirect(_round_url(round_id) + "#households")


# --- meeting -----------------------------------------------------------------------


class MeetingForm(forms.Form):
    village = forms.IntegerField(label=_("Village"))
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    chair = forms.CharField(label=_("Chair (village head)"), max_length=200)
    supervisor = forms.CharField(label=_("Fatherland Front supervisor"), max_length=200)
    attendees = forms.IntegerField(label=_("Attendees"), min_value=1)


class MeetingView(_Base):
    """Record a village meeting: the number of attendees, then each household's agree count."""

    def get(self, request: HttpRequest, round_id: int) -> HttpResponse:
        review_round = selectors.round_get(user=request.user, round_id=round_id)
        return self._page(request, review_round, MeetingForm(), [], {})

    def post(self, request: HttpRequest, round_id: int) -> HttpResponse:
        review_round = selectors.round_get(user=request.user, round_id=round_id)
        form = MeetingForm(request.POST)
        counts = {
            key.removeprefix("agree-"): request.POST.get(key, "").strip()
            for key in request.POST
            if key.startswith("agree-") and request.POST.get(key, "").strip()
        }
        if not form.is_valid():
            return self._page(request, review_round, form, [], counts)
        votes, errors = self._votes(counts)
        if not errors:
            data = form.cleaned_data
            meeting, errors = _attempt(
                lambda: services.meeting_record(
                    user=signed_in_user(request),
                    round_id=round_id,
                    village_id=data["village"],
                    held_on=data["held_on"],
                    chair=data["chair"],
                    supervisor=data["supervisor"],
                    attendees=data["attendees"],
                    votes=votes,
                ),
            )
            if meeting is not None:
                messages.success(request, _("The meeting is recorded."))
                return redirect(_round_url(round_id) + "#meetings")
        return self._page(request, review_round, form, errors, counts)

    def _votes(self, counts: dict[str, str]) -> tuple[list[services.Vote], list[FieldError]]:
        votes, errors = [], []
        for household_id, raw in counts.items():
            if not raw.isdigit():
                errors.append(
                    FieldError("votes", "integer", _("An agree count is a whole number."))
                )
                continue
            votes.append(services.Vote(_uuid(household_id), int(raw)))
        return votes, errors

    def _page(
        self,
        request: HttpRequest,
        review_round: ReviewRound,
        form: forms.Form,
        errors: list[FieldError],
        counts: dict[str, str],
    ) -> HttpResponse:
        surveyed = selectors.household_reviews(user=request.user, review_round=review_round).filter(
            step=Step.SURVEYED
        )
        villages = access.visible_units(request.user).filter(parent=review_round.commune)
        return render(
            request,
            "review/meeting_form.html",
            {
                "round": review_round,
                "form": form,
                "errors": errors,
                "villages": villages.order_by("name"),
                "rows": [
                    {
                        "review": r,
                        "engine": selectors.engine_label(r.engine_class),
                        "count": counts.get(str(r.household_id), ""),
                    }
                    for r in surveyed
                ],
            },
            status=400 if errors or form.errors else 200,
        )


def _uuid(raw: str) -> uuid.UUID:
    try:
        return uuid.UUID(raw)
    except ValueError:
        raise Http404 from None


class MeetingScanView(_Base):
    """The signed minutes: shown (photo metadata stripped) and attached here."""

    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        return scan_response(meeting)

    def post(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        upload = request.FILES.get("file")
        if upload is None:
            messages.warning(request, _("Choose the scan or photo of the signed minutes."))
            return redirect(_round_url(meeting.round_id) + "#meetings")
        _done, errors = _attempt(
            lambda: services.meeting_attach_scan(
                user=signed_in_user(request), meeting_id=meeting_id, upload=upload
            )
        )
        for error in errors:
            messages.warning(request, str(error.message))
        if not errors:
            messages.success(request, _("The signed minutes are attached."))
        return redirect(_round_url(meeting.round_id) + "#meetings")


def scan_response(meeting: Any) -> HttpResponse:
    content = selectors.scan_content(meeting)
    if content is None:
        raise Http404
    data, content_type = content
    response = HttpResponse(data, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=0"
    return response


class MinutesPdfView(_Base):
    def get(self, request: HttpRequest, meeting_id: int) -> HttpResponse:
        meeting = selectors.meeting_get(user=request.user, meeting_id=meeting_id)
        content = pdf.minutes_pdf(meeting, selectors.minutes_rows(meeting))
        return _pdf(content, f"bien-ban-hop-{meeting.pk}.pdf")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


# --- posting, complaint, re-check --------------------------------------------------


class PostingForm(forms.Form):
    starts_on = forms.DateField(label=_("Start"), widget=forms.DateInput(attrs={"type": "date"}))


class PostingView(_Base):
    """Post the households that passed their meeting; the end date is shown as it is typed."""

    def get(self, request: HttpRequest, round_id: int) -> HttpResponse:
        review_round = selectors.round_get(user=request.user, round_id=round_id)
        if request.htmx and "starts_on" in request.GET:  # type: ignore[attr-defined]
            return self._preview(request)
        form = PostingForm(initial={"starts_on": timezone.localdate()})
        return self._page(request, review_round, form, [])

    def _preview(self, request: HttpRequest) -> HttpResponse:
        form = PostingForm(request.GET)
        ends_on = period_end(form.cleaned_data["starts_on"], "posting") if form.is_valid() else None
        return render(request, "review/posting_end.html", {"ends_on": ends_on})

    def post(self, request: HttpRequest, round_id: int) -> HttpResponse:
        review_round = selectors.round_get(user=request.user, round_id=round_id)
        form = PostingForm(request.POST)
        if not form.is_valid():
            return self._page(request, review_round, form, [])
        chosen = [_uuid(v) for v in request.POST.getlist("household")]
        posting, errors = _attempt(
            lambda: services.posting_open(
                user=signed_in_user(request),
                round_id=round_id,
                starts_on=form.cleaned_data["starts_on"],
                household_ids=chosen,
            ),
        )
        if posting is None:
            return self._page(request, review_round, form, errors)
        messages.success(request, _("The list is posted."))
        return redirect(_round_url(round_id) + "#postings")

    def _page(
        self, request: HttpRequest, review_round: ReviewRound, form: Any, errors: list[FieldError]
    ) -> HttpResponse:
        discussed = selectors.household_reviews(
            user=request.user, review_round=review_round
        ).filter(step=Step.DISCUSSED)
        start = form["starts_on"].value()
        ends_on = period_end(start, "posting") if hasattr(start, "isoformat") else None
        return render(
            request,
            "review/posting_form.html",
            {
                "round": review_round,
                "form": form,
                "errors": errors,
                "reviews": discussed,
                "ends_on": ends_on,
            },
            status=400 if errors or form.errors else 200,
        )


def _review_of(request: HttpRequest, round_id: int, review_id: int) -> HouseholdReview:
    review = selectors.household_review_get(user=request.user, review_id=review_id)
    if review.round_id != round_id:
        raise Http404
    return review


class ComplaintForm(forms.Form):
    complainant = forms.CharField(label=_("Complainant"), max_length=200, required=False)
    disputed = forms.CharField(label=_("What is disputed"), widget=forms.Textarea)
    received_on = forms.DateField(
        label=_("Received on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class ComplaintView(_Base):
    def get(self, request: HttpRequest, round_id: int, review_id: int) -> HttpResponse:
        review = _review_of(request, round_id, review_id)
        form = ComplaintForm(initial={"received_on": timezone.localdate()})
        return self._page(request, review, form, [])

    def post(self, request: HttpRequest, round_id: int, review_id: int) -> HttpResponse:
        review = _review_of(request, round_id, review_id)
        form = ComplaintForm(request.POST)
        if not form.is_valid():
            return self._page(request, review, form, [])
        complaint, errors = _attempt(
            lambda: services.complaint_take(
                user=signed_in_user(request), review_id=review_id, **form.cleaned_data
            ),
        )
        if complaint is None:
            return self._page(request, review, form, errors)
        messages.success(request, _("The complaint is recorded; its re-check is due."))
        return redirect(_round_url(round_id) + "#complaints")

    def _page(
        self, request: HttpRequest, review: HouseholdReview, form: Any, errors: list[FieldError]
    ) -> HttpResponse:
        return render(
            request,
            "review/complaint_form.html",
            {"round": review.round, "review": review, "form": form, "errors": errors},
            status=400 if errors or form.errors else 200,
        )


class RecheckForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[(c.value, c.label) for c in (ComplaintResult.UPHELD, ComplaintResult.DISMISSED)],
    )
    result_class = forms.ChoiceField(
        label=_("Class after re-check"),
        choices=[("", "—"), *DecidedClass.choices],
        required=False,
    )
    note = forms.CharField(label=_("Re-check findings"), widget=forms.Textarea)
    rechecked_on = forms.DateField(
        label=_("Re-checked on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class RecheckView(_Base):
    def get(self, request: HttpRequest, complaint_id: int) -> HttpResponse:
        complaint = selectors.complaint_get(user=request.user, complaint_id=complaint_id)
        form = RecheckForm(initial={"rechecked_on": timezone.localdate()})
        return self._page(request, complaint, form, [])

    def post(self, request: HttpRequest, complaint_id: int) -> HttpResponse:
        complaint = selectors.complaint_get(user=request.user, complaint_id=complaint_id)
        form = RecheckForm(request.POST)
        if not form.is_valid():
            return self._page(request, complaint, form, [])
        done, errors = _attempt(
            lambda: services.recheck_record(
                user=signed_in_user(request), complaint_id=complaint_id, **form.cleaned_data
            ),
        )
        if done is None:
            return self._page(request, complaint, form, errors)
        messages.success(request, _("The re-check result is posted."))
        return redirect(_round_url(complaint.round_id) + "#complaints")

    def _page(
        self, request: HttpRequest, complaint: Any, form: Any, errors: list[Any]
    ) -> HttpResponse:
        return render(
            request,
            "review/recheck_form.html",
            {"round": complaint.round, "complaint": complaint, "form": form, "errors": errors},
            status=400 if errors or form.errors else 200,
        )


# --- decision and certificates -----------------------------------------------------


class DecisionForm(forms.Form):
    number = forms.CharField(label=_("Decision number"), max_length=40)
    signed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    signer = forms.CharField(label=_("Signed by"), max_length=200)


class DecisionView(_Base):
    """Issue the decision: each decidable household with its class (the engine's by default)
    and, where they differ, the reason."""

    def get(self, request: HttpRequest, round_id: int) -> HttpResponse:
        review_round = selectors.round_get(user=request.user, round_id=round_id)
        form = DecisionForm(initial={"signed_on": timezone.localdate()})
        return self._page(request, review_round, form, [], request.GET)

    def post(self, request: HttpRequest, round_id: int) -> HttpResponse:
        review_round = selectors.round_get(user=request.user, round_id=round_id)
        form = DecisionForm(request.POST)
        if not form.is_valid():
            return self._page(request, review_round, form, [], request.POST)
        entries = [
            services.Decided(
                _uuid(h),
                request.POST.get(f"class-{h}", ""),
                request.POST.get(f"reason-{h}", ""),
            )
            for h in request.POST.getlist("household")
        ]
        decision, errors = _attempt(
            lambda: services.decision_issue(
                user=signed_in_user(request),
                round_id=round_id,
                entries=entries,
                **form.cleaned_data,
            ),
        )
        if decision is None:
            return self._page(request, review_round, form, errors, request.POST)
        messages.success(request, _("The decision is issued."))
        return redirect(_round_url(round_id) + "#decision")

    def _page(
        self,
        request: HttpRequest,
        review_round: ReviewRound,
        form: Any,
        errors: list[FieldError],
        data: Any,
    ) -> HttpResponse:
        decidable = selectors.household_reviews(
            user=request.user, review_round=review_round
        ).filter(step__in=[Step.POSTED, Step.SCREENED_OUT])
        rows = []
        for review in decidable:
            key = str(review.household_id)
            engine = services.ENGINE_TO_STATUS.get(review.engine_class, "")
            rows.append(
                {
                    "review": review,
                    "key": key,
                    "engine": selectors.engine_label(review.engine_class),
                    "chosen": data.get(f"class-{key}", engine),
                    "reason": data.get(f"reason-{key}", ""),
                }
            )
        return render(
            request,
            "review/decision_form.html",
            {
                "round": review_round,
                "form": form,
                "errors": errors,
                "rows": rows,
                "classes": DecidedClass.choices,
            },
            status=400 if errors or form.errors else 200,
        )


class CertificatesIssueView(_Base):
    def post(self, request: HttpRequest, decision_id: int) -> HttpResponse:
        decision = selectors.decision_get(user=request.user, decision_id=decision_id)
        issued = services.certificates_issue(
            user=signed_in_user(request), decision_id=decision_id, issued_on=timezone.localdate()
        )
        messages.success(request, _("%(n)d certificates issued.") % {"n": len(issued)})
        return redirect(_round_url(decision.round_id) + "#decision")


class CertificatesPdfView(_Base):
    """The certificates of a decision in one PDF, or one household's (`?household=`)."""

    def get(self, request: HttpRequest, decision_id: int) -> HttpResponse:
        decision = selectors.decision_get(user=request.user, decision_id=decision_id)
        entries = [e for e in selectors.decision_entries(decision) if hasattr(e, "certificate")]
        household = request.GET.get("household")
        if household is not None:
            entries = [e for e in entries if str(e.household_id) == household]
        if not entries:
            raise Http404
        return _pdf(pdf.certificates_pdf(entries), f"giay-chung-nhan-{decision.pk}.pdf")


# --- return to the volunteer -------------------------------------------------------


class ReturnView(_Base):
    """Return a household with a comment; the pickers name answers by label and member."""

    def get(self, request: HttpRequest, round_id: int, review_id: int) -> HttpResponse:
        review = _review_of(request, round_id, review_id)
        return self._page(request, review, "", [], [])

    def post(self, request: HttpRequest, round_id: int, review_id: int) -> HttpResponse:
        review = _review_of(request, round_id, review_id)
        comment = request.POST.get("comment", "").strip()
        fields = request.POST.getlist("fields")
        done, errors = _attempt(
            lambda: services.household_return(
                user=signed_in_user(request),
                review_id=review_id,
                comment=comment,
                fields=fields,
                revision=_revision(request),
            ),
        )
        if done is None:
            return self._page(request, review, comment, fields, errors)
        messages.success(request, _("The household is returned to its volunteer."))
        return redirect(_round_url(round_id) + "#households")

    def _page(
        self,
        request: HttpRequest,
        review: HouseholdReview,
        comment: str,
        chosen: list[str],
        errors: list[FieldError],
    ) -> HttpResponse:
        pending = selectors.pending_submission(user=request.user, household=review.household)
        choices = answer_choices(pending) if pending else []
        return render(
            request,
            "review/return_form.html",
            {
                "round": review.round,
                "review": review,
                "comment": comment,
                "choices": choices,
                "chosen": set(chosen),
                "errors": errors,
            },
            status=400 if errors else 200,
        )
