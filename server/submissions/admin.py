from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from server.common.admin import ReadOnlyAdmin
from server.registry.models import Household
from server.submissions.models import Assessment, Submission


class HouseholdScopedAdmin(ReadOnlyAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        visible = Household.objects.visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(household_id__in=visible)


@admin.register(Submission)
class SubmissionAdmin(HouseholdScopedAdmin):
    list_display = [
        "id",
        "household",
        "form_version",
        "review_status",
        "attachments_complete",
        "created_at",
    ]
    list_filter = ["review_status", "attachments_complete"]
    list_select_related = ["household", "form_version"]


@admin.register(Assessment)
class AssessmentAdmin(HouseholdScopedAdmin):
    list_display = [
        "household",
        "review_year",
        "ruleset_id",
        "household_class",
        "deprivation_count",
        "income_per_person",
        "is_latest",
        "created_at",
    ]
    list_filter = ["household_class", "ruleset_id", "review_year", "is_latest"]
    list_select_related = ["household"]
