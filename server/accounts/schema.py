"""How the OpenAPI document describes device-token authentication."""

from typing import Any

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class DeviceTokenScheme(OpenApiAuthenticationExtension):
    """`Authorization: Token <token>`, the token a device receives when it signs in."""

    target_class = "server.accounts.authentication.DeviceTokenAuthentication"
    name = "deviceToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "Token <device token> (POST /api/v1/auth/device-tokens/)",
        }


class CsrfSessionScheme(SessionScheme):
    """The staff session, as drf-spectacular describes DRF's own SessionAuthentication."""

    target_class = "server.accounts.authentication.CsrfSessionAuthentication"
