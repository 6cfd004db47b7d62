"""The console's own pages: the start page and sign-in. Feature pages live in their apps."""

from typing import Any

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.generic import TemplateView

from server.console.mixins import StaffRequiredMixin, is_staff_user
from server.console.navigation import items_for


class HomeView(StaffRequiredMixin, TemplateView):
    """Cards for the pages this person may open, so a first visit shows where to go."""

    template_name = "console/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["cards"] = [
            item for item in items_for(self.request.user) if item.url != self.request.path
        ]
        return context


class LoginView(auth_views.LoginView):
    """Username and password; django-axes counts failures on this form as on every other."""

    template_name = "console/login.html"
    redirect_authenticated_user = True

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated and not is_staff_user(request.user):
            return redirect("webapp:shell")
        return super().get(request, *args, **kwargs)


class LogoutView(auth_views.LogoutView):
    next_page = "console:login"
