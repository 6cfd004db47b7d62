"""The review's read pages under /console/review/: dashboard, queue and household page.

Kept apart from console_urls.py (the round's action pages) so both sets can grow
independently; the namespace `review-pages` names these.
"""

from django.urls import path

from server.review import views_dashboard, views_household, views_queue

app_name = "review-pages"

urlpatterns = [
    path("dashboard/", views_dashboard.DashboardView.as_view(), name="dashboard"),
    path("queue/", views_queue.QueueView.as_view(), name="queue"),
    path("queue/bulk/", views_queue.QueueBulkView.as_view(), name="queue-bulk"),
    path(
        "households/<uuid:household_id>/",
        views_household.HouseholdView.as_view(),
        name="household",
    ),
    path(
        "households/<uuid:household_id>/needs/",
        views_household.HouseholdNeedsView.as_view(),
        name="household-needs",
    ),
    path(
        "households/<uuid:household_id>/photos/<int:photo_id>/",
        views_household.HouseholdPhotoView.as_view(),
        name="household-photo",
    ),
]
