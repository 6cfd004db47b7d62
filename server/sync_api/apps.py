from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyncApiConfig(AppConfig):
    name = "server.sync_api"
    label = "sync_api"
    verbose_name = _("Sync")
