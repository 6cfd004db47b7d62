from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsoleConfig(AppConfig):
    """The staff console's shell: layout, sign-in, navigation and formatting filters."""

    name = "server.console"
    label = "console"
    verbose_name = _("Staff console")
