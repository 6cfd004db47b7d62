from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from server.common.admin import ReadOnlyAdmin
from server.registry.models import Household
from server.sync_api.models import ConflictCopy


@admin.register(ConflictCopy)
class ConflictCopyAdmin(ReadOnlyAdmin):
    list_display = [
        "client_uuid",
        "kind",
        "reason",
        "household",
        "server_revision",
        "created_at",
        "resolution",
        "resolved_by",
        "resolved_at",
    ]
    list_filter = ["kind", "reason", "resolution"]
    list_select_related = ["household"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ConflictCopy]:
        visible = Household.objects.visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(household_id__in=visible)
