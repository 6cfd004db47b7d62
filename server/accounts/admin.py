"""The user and device admin, scoped to the administrator's area.

Only superusers grant superuser, staff, groups or permissions. An administrator sees
the users whose units all lie in their area (anyone else answers 404) and assigns
units only inside it.
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from server.accounts import access, selectors, services
from server.accounts.authentication import signed_in_user
from server.accounts.models import Device, UnitAssignment, User
from server.common.admin import NotFoundAdmin

PRIVILEGE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


def _is_superuser(request: HttpRequest) -> bool:
    return bool(request.user.is_superuser and request.user.is_active)


class UnitAssignmentInline(admin.TabularInline):
    model = UnitAssignment
    extra = 0
    raw_id_fields = ["unit"]

    def get_min_num(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> int:
        # A user without a unit would fall outside every administrator's area.
        return 0 if _is_superuser(request) else 1

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        kwargs.setdefault("validate_min", not _is_superuser(request))
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "unit":
            # The form field validates against this queryset, whatever id is posted.
            kwargs["queryset"] = access.visible_units(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class PasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password form; a new password ends every token of the user."""

    def save(self, commit: bool = True) -> Any:
        user = super().save(commit=commit)
        if commit:
            services.user_sign_out_everywhere(user=user)
        return user


@admin.register(User)
class UserAdmin(NotFoundAdmin, BaseUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "is_staff"]
    # The stubs type the base fieldsets as optional; Django's UserAdmin always sets them.
    fieldsets = (*BaseUserAdmin.fieldsets, (_("Role"), {"fields": ["role"]}))  # type: ignore[misc]
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role"), {"fields": ["role"]}),
    )
    inlines = [UnitAssignmentInline]
    change_password_form = PasswordChangeForm

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return selectors.user_list_managed(actor=signed_in_user(request))

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        readonly = list(super().get_readonly_fields(request, obj))
        if obj is not None and not _is_superuser(request):
            # Read-only fields are left out of the form: a posted value is ignored.
            readonly += PRIVILEGE_FIELDS
        return readonly

    def get_list_filter(self, request: HttpRequest) -> Any:
        return self.list_filter if _is_superuser(request) else ["role", "is_active"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        was_active = bool(form.initial.get("is_active", False))
        super().save_model(request, obj, form, change)
        if was_active and not obj.is_active:
            services.user_sign_out_everywhere(user=obj)


@admin.action(description=_("Revoke the selected devices"))
def revoke_devices(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Device]
) -> None:
    for device in queryset:
        services.device_revoke(device=device)
    modeladmin.message_user(request, _("Devices revoked."), messages.SUCCESS)


@admin.register(Device)
class DeviceAdmin(NotFoundAdmin):
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
        return selectors.device_list(user=signed_in_user(request))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
