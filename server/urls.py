from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

admin.site.site_header = _("ChungTay administration")
admin.site.site_title = _("ChungTay")
admin.site.index_title = _("Household poverty review")

api_v1 = [
    path("", include("server.accounts.urls")),
    path("", include("server.registry.urls")),
    path("", include("server.surveys.urls")),
    path("", include("server.submissions.urls")),
    path("", include("server.sync_api.urls")),
    path("", include("server.evidence.urls")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("app/", include("server.webapp.urls")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
]

handler400 = "server.api.fallbacks.bad_request"
handler500 = "server.api.fallbacks.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
