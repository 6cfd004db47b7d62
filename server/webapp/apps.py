from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebappConfig(AppConfig):
    name = "server.webapp"
    label = "webapp"
    verbose_name = _("Volunteer app")
