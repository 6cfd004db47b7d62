"""The live OpenAPI schema against the running app, as a volunteer and as a commune officer.

schemathesis generates requests from /api/schema/ and sends them through the WSGI app;
every answer must be a documented status, content type and body, and never a 5xx. The
number of examples is bounded so the whole run stays well under a minute or two.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server.accounts.models import Role
from server.accounts.services import device_register

MAX_EXAMPLES = 8
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
# Requests that fit the schema: the contract is about what the API answers to them.
schema.config.generation.update(modes=[GenerationMode.POSITIVE])


@pytest.fixture
def same_connection():
    """Keep the test's transaction open across WSGI calls, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(params=[Role.VOLUNTEER, Role.COMMUNE_OFFICER])
def token(request, personas, household_in, household_out, same_connection) -> str:
    _device, raw = device_register(user=personas[request.param], name="schemathesis")
    return raw


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_the_api_answers_as_its_schema_documents(case, token):
    # identity: the WSGI transport does not undo gzip (sync pull compresses), a real client does.
    headers = {"Authorization": f"Token {token}", "Accept-Encoding": "identity"}
    response = case.call(headers=headers)
    assert response.status_code < 500, response.text_lossy
    # Raises with the failing check (status, content type or body not as documented).
    case.validate_response(response, checks=CHECKS, headers=headers)
