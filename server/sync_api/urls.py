from django.urls import path

from server.sync_api import apis

urlpatterns = [
    path("sync/push", apis.SyncPushApi.as_view(), name="sync-push"),
    path("sync/pull", apis.SyncPullApi.as_view(), name="sync-pull"),
    path(
        "sync/attachments/<uuid:item_uuid>/<str:name>",
        apis.SyncAttachmentApi.as_view(),
        name="sync-attachment",
    ),
    path("conflicts/", apis.ConflictListApi.as_view(), name="conflict-list"),
    path(
        "conflicts/<int:conflict_id>/",
        apis.ConflictDetailApi.as_view(),
        name="conflict-detail",
    ),
]
