from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path, re_path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from server.api.root import ApiRootApi
from server.api.views import api_not_found

admin.site.site_header = _("ChungTay administration")
admin.site.site_title = _("ChungTay")
admin.site.index_title = _("Household poverty review")

api_v1: list[URLPattern | URLResolver] = [
    path("", ApiRootApi.as_view(), name="api-root"),
    path("", include("server.accounts.urls")),
    path("", include("server.registry.urls")),
    path("", include("server.surveys.urls")),
    path("", include("server.submissions.urls")),
    path("", include("server.sync_api.urls")),
    path("", include("server.evidence.urls")),
    path("", include("server.exports.urls")),
    path("", include("server.support.urls")),
    path("", include("server.review.urls")),
]

# The staff console: its shell, then each app's pages under its own prefix.
console_patterns: list[URLPattern | URLResolver] = [
    path("", include("server.console.console_urls")),
    path("exports/", include("server.exports.console_urls")),
    path("support/", include("server.support.console_urls")),
    path("reports/", include("server.reports.console_urls")),
    path("review/", include("server.review.console_urls_pages")),
    path("review/", include("server.review.console_urls")),
]

urlpatterns = [
    path("", RedirectView.as_view(url="/app/", permanent=False), name="home"),
    path("admin/", admin.site.urls),
    path("app/", include("server.webapp.urls")),
    path("console/", include(console_patterns)),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        csp_update({"style-src": [UNSAFE_INLINE]})(
            SpectacularSwaggerSplitView.as_view(url_name="schema")
        ),
        name="api-docs",
    ),
    path("i18n/", include("django.conf.urls.i18n")),
    re_path(r"^api/(?P<path>.*)$", api_not_found),
]

# Media (household photos) is never served from /media/, in any mode: photos are read
# only through the authorised, area-scoped view in server.evidence.
handler400 = "server.api.views.bad_request"
handler404 = "server.api.views.not_found"
handler500 = "server.api.views.server_error"
