from django.urls import path

from server.registry import apis

urlpatterns = [
    path("units/", apis.UnitListApi.as_view(), name="unit-list"),
    path("units/villages/", apis.VillageCreateApi.as_view(), name="village-create"),
    path("units/villages/import/", apis.VillageImportApi.as_view(), name="village-import"),
    path("units/<str:code>/", apis.UnitDetailApi.as_view(), name="unit-detail"),
    path("households/", apis.HouseholdListCreateApi.as_view(), name="household-list"),
    path(
        "households/<uuid:household_id>/",
        apis.HouseholdDetailApi.as_view(),
        name="household-detail",
    ),
    path(
        "households/<uuid:household_id>/history/",
        apis.HouseholdHistoryApi.as_view(),
        name="household-history",
    ),
    path(
        "households/<uuid:household_id>/members/",
        apis.MemberListCreateApi.as_view(),
        name="member-list",
    ),
    path("members/<uuid:member_id>/", apis.MemberDetailApi.as_view(), name="member-detail"),
]
