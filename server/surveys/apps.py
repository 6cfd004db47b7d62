from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "server.surveys"
    label = "surveys"
    verbose_name = _("Survey forms")

    def ready(self) -> None:
        from server.surveys import checks  # noqa: F401 - registers the system check
