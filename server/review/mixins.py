"""Who may open the review's read pages: staff whose role reviews (officers, reviewers, admins)."""

from typing import Any

from django.http import HttpRequest

from server.accounts import access
from server.accounts.access import Action
from server.console.mixins import StaffRequiredMixin, refused


class ReviewerRequiredMixin(StaffRequiredMixin):
    """Signed-in staff with the REVIEW grant; support staff get the console's refusal page."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if request.user.is_authenticated and not access.allows(request.user, Action.REVIEW):
            return refused(request)
        return super().dispatch(request, *args, **kwargs)
