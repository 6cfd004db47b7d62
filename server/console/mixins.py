"""Who may open the staff console: signed-in staff, never volunteers."""

from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from server.accounts.models import Role

STAFF_ROLES = frozenset(
    {Role.COMMUNE_OFFICER, Role.DISTRICT_REVIEWER, Role.PROVINCE_ADMIN, Role.SUPPORT_STAFF}
)


def is_staff_user(user: Any) -> bool:
    """Staff roles and active superusers; a volunteer works in the phone app instead."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser) or getattr(user, "role", None) in STAFF_ROLES


def refused(request: HttpRequest) -> HttpResponse:
    """A plain page, not a login loop: the person is signed in but the console is not theirs."""
    return render(request, "console/refused.html", status=403)


class StaffRequiredMixin(LoginRequiredMixin):
    """Login required (redirect to the console's sign-in), then a staff role."""

    login_url = "console:login"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not is_staff_user(request.user):
            return refused(request)
        return super().dispatch(request, *args, **kwargs)
