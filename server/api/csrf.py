"""The DRF error for a failed CSRF check, kept apart so authentication can raise it."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status


class CsrfFailed(exceptions.APIException):
    """A session request without a valid CSRF token; distinct from a role refusal."""

    status_code = status.HTTP_403_FORBIDDEN
    default_code = "csrf_failed"
    default_detail = _("CSRF check failed: reload the page and try again.")
