"""The Django admin for administrators, scoped by the same rule as the API."""

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from server.accounts import policy
from server.common.admin import ReadOnlyAdmin, ServiceFormAdmin
from server.common.text import fold
from server.registry.choices import UnitLevel
from server.registry.models import Household, HouseholdChange, Member, Unit
from server.registry.services import (
    HOUSEHOLD_FIELDS,
    MEMBER_FIELDS,
    household_create,
    member_add,
    unit_create,
)


class ScopedAdmin(ServiceFormAdmin):
    """Scoped by the one rule; records are never deleted here (history and feed would miss it)."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        # The base admin's queryset is typed for any model; each model here has visible_to().
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined, no-any-return]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Unit)
class UnitAdmin(ScopedAdmin):
    """Provinces and communes come from the national import; administrators add villages here.

    A village's code and commune are fixed once created, because they form the
    materialised path of everything below it.
    """

    list_display = ["code", "name", "level", "division_type", "area_type", "parent", "is_demo"]
    list_filter = ["level", "area_type", "is_demo"]
    search_fields = ["code", "name", "name_folded"]
    autocomplete_fields = ["parent"]

    # The stubs type the result as an invariant list of field groups; names alone are one.
    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:  # type: ignore[override]
        if obj is None:
            return ["code", "name", "division_type", "parent"]
        return ["code", "name", "division_type", "level", "area_type", "parent", "path", "depth"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        if obj is None:
            return []
        return ["code", "level", "area_type", "parent", "path", "depth"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return policy.can_manage_units(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.level != UnitLevel.VILLAGE:
            return False
        if not policy.can_manage_units(request.user):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "parent":
            kwargs["queryset"] = Unit.objects.visible_to(request.user).filter(
                level=UnitLevel.COMMUNE
            )
            kwargs["label"] = _("commune")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Unit, form: Any, change: bool) -> None:
        if change:
            obj.name_folded = fold(obj.name)
            obj.save(update_fields=["name", "name_folded", "division_type", "updated_at"])
            return
        created = unit_create(
            code=obj.code,
            name=obj.name,
            level=UnitLevel.VILLAGE,
            parent=obj.parent,
            division_type=obj.division_type or "thôn",
        )
        obj.pk, obj.path = created.pk, created.path


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    fields = readonly_fields = (
        "full_name",
        "sex",
        "birth_date",
        "birth_year",
        "relation",
        "ethnicity",
        "removed_at",
    )
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def _village_queryset(request: HttpRequest) -> QuerySet[Unit]:
    return Unit.objects.visible_to(request.user).filter(level=UnitLevel.VILLAGE)


@admin.register(Household)
class HouseholdAdmin(ScopedAdmin):
    """Households are added through the registry service and edited only through the API.

    The official status is never set here: it changes only through a review decision.
    """

    list_display = ["code", "head_name", "village", "status", "status_year", "is_ethnic_minority"]
    list_filter = [
        "status",
        "is_ethnic_minority",
        "has_meritorious_member",
        "receives_social_assistance",
    ]
    search_fields = ["code", "search_text"]
    list_select_related = ["village"]
    raw_id_fields = ["village"]
    readonly_fields = [
        "id",
        "commune",
        "status",
        "status_year",
        "flagged_for_review",
        "flag_reason",
        "revision",
        "search_text",
        "created_at",
        "updated_at",
    ]
    inlines = [MemberInline]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["village", *HOUSEHOLD_FIELDS]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return [] if obj is None else self.inlines

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "village":
            # The form field validates against this queryset, whatever id is posted.
            kwargs["queryset"] = _village_queryset(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> Any:
        return super().get_search_results(request, queryset, fold(search_term))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return policy.can_edit_households(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Edits go through the API services so that revisions and history stay right.
        return False

    def save_model(self, request: HttpRequest, obj: Household, form: Any, change: bool) -> None:
        data = {k: v for k, v in form.cleaned_data.items() if k in HOUSEHOLD_FIELDS}
        created = household_create(
            actor=request.user, village=form.cleaned_data["village"], data=data, source="admin"
        )
        self.adopt(obj, created)


@admin.register(Member)
class MemberAdmin(ScopedAdmin):
    """Members are added through the registry service, to a household in the area."""

    list_display = ["full_name", "household", "relation", "birth_year", "ethnicity"]
    search_fields = ["name_folded"]
    list_select_related = ["household"]
    raw_id_fields = ["household"]
    readonly_fields = ["id", "household", "revision", "removed_at", "name_folded"]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["household", *MEMBER_FIELDS]
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return [] if obj is None else self.readonly_fields

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "household":
            kwargs["queryset"] = Household.objects.visible_to(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return policy.can_edit_households(request.user) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Member, form: Any, change: bool) -> None:
        data = {k: v for k, v in form.cleaned_data.items() if k in MEMBER_FIELDS}
        created = member_add(
            actor=request.user, household=form.cleaned_data["household"], data=data, source="admin"
        )
        self.adopt(obj, created)


@admin.register(HouseholdChange)
class HouseholdChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "household", "entity", "action", "actor", "source"]
    list_filter = ["entity", "action", "source"]
    list_select_related = ["household", "actor"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[HouseholdChange]:
        visible = Household.objects.visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(household_id__in=visible)
