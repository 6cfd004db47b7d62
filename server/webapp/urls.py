"""URLs of the volunteer app, served under /app/."""

from django.urls import path, re_path

from server.webapp import views

app_name = "webapp"

urlpatterns = [
    path("", views.shell, name="shell"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("app.bundle.mjs", views.app_bundle, name="bundle"),
    path("i18n/<str:language>.js", views.LanguageCatalog.as_view(), name="catalog"),
    re_path(r"^static/(?P<path>[A-Za-z0-9_./-]+)$", views.asset, name="asset"),
]
