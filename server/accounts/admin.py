from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from server.accounts import services
from server.accounts.models import Device, UnitAssignment, User


class UnitAssignmentInline(admin.TabularInline):
    model = UnitAssignment
    extra = 0
    raw_id_fields = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Role"), {"fields": ["role"]}))  # type: ignore[misc]
    inlines = [UnitAssignmentInline]


@admin.action(description=_("Revoke the selected devices"))
def revoke_devices(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Device]
) -> None:
    for device in queryset:
        services.device_revoke(device=device)
    modeladmin.message_user(request, _("Devices revoked."), messages.SUCCESS)


@admin.register(Device)
class DeviceAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "token_prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "token_prefix"]
    readonly_fields = [
        "id",
        "user",
        "name",
        "token_prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    actions = [revoke_devices]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Device]:
        from server.accounts.selectors import device_list

        return device_list(user=request.user)  # type: ignore[arg-type]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
