"""Console pages of the reports, under /console/reports/."""

from django.urls import path

from server.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.ReportsHomeView.as_view(), name="home"),
    path("unit/<str:code>/", views.DashboardView.as_view(), name="unit"),
    path("unit/<str:code>/households/", views.HouseholdListView.as_view(), name="households"),
    path("unit/<str:code>/targets/", views.TargetsView.as_view(), name="targets"),
    path("household/<uuid:pk>/", views.HouseholdView.as_view(), name="household"),
    path("targets/<int:pk>/", views.TargetView.as_view(), name="target"),
]
