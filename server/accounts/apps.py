from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "server.accounts"
    label = "accounts"
    verbose_name = _("Accounts and devices")

    def ready(self) -> None:
        from server.accounts import schema  # noqa: F401 - registers the OpenAPI auth scheme
