from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "server.support"
    label = "support"
    verbose_name = _("Housing support")

    def ready(self) -> None:
        """Connect the photo checks to evidence's completion signal."""
        from server.support import receivers  # noqa: F401
