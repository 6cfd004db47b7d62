"""Shared admin pieces."""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse

from server.common.errors import DomainValidationError, FieldError


class NotFoundAdmin(admin.ModelAdmin):
    """A record outside the admin's queryset answers 404, exactly like a missing id.

    Django's admin would redirect with "does not exist" instead; 404 keeps the admin
    in line with the API, where out-of-area records are indistinguishable from missing.
    """

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj


class ServiceFormAdmin(NotFoundAdmin):
    """Adds go through a domain service; its refusals become errors on the same form.

    The service is the one validator. When it refuses, the whole request has rolled
    back; the form is then validated again with the service's errors attached, so
    the administrator sees a form error and nothing is stored.
    """

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainValidationError as exc:
            request._service_errors = exc.errors  # type: ignore[attr-defined]  # carried to get_form
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        errors: list[FieldError] = getattr(request, "_service_errors", [])
        if not errors:
            return form

        class WithServiceErrors(form):  # type: ignore[misc, valid-type]  # the form class get_form built
            def clean(self) -> Any:
                cleaned = super().clean()
                for error in errors:
                    self.add_error(error.path if error.path in self.fields else None, error.message)
                return cleaned

        return WithServiceErrors

    @staticmethod
    def adopt(obj: Model, created: Model) -> None:
        """Point the admin's unsaved instance at the row the service created."""
        obj.pk = created.pk
        obj._state.adding = False


class ReadOnlyAdmin(NotFoundAdmin):
    """Records written only by services (sync, scoring, publishing): shown, never edited here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
