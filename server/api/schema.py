"""OpenAPI that matches the responses: error statuses, pages, and the sync wire format.

`ChungTayAutoSchema` adds the error responses each operation can really give, read off
its view (permissions, throttles, path parameters, method). `sync_components` copies
the committed sync protocol schema into the components, so sync push and pull are
documented with their real shapes rather than as free-form objects.
"""

import json
import re
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny

from sync.schema import snapshot_path
from sync.version import PROTOCOL_VERSION

SYNC_PREFIX = "Sync"


def sync_ref(name: str) -> dict[str, str]:
    """A reference to one definition of the sync protocol schema, as an OpenAPI component."""
    return {"$ref": f"#/components/schemas/{SYNC_PREFIX}{name}"}


class ErrorItemSerializer(serializers.Serializer[Any]):
    path = serializers.CharField(allow_blank=True)
    code = serializers.CharField()
    message = serializers.CharField()


@extend_schema_serializer(component_name="Error")
class ErrorSerializer(serializers.Serializer[Any]):
    """The one error shape of the REST API (server.api.exceptions)."""

    code = serializers.CharField()
    message = serializers.CharField()
    # A declared field named like Serializer.errors: the serializer metaclass moves it aside.
    errors = ErrorItemSerializer(many=True)  # type: ignore[assignment]
    current_revision = serializers.IntegerField(required=False)


class ChungTayAutoSchema(AutoSchema):
    """drf-spectacular's schema, plus the error statuses each operation can answer.

    Read off the view: authentication and role refusals (401, 403) unless it allows
    anyone, throttling (429), a record named in the path or a page past the last (404),
    an edit on a revision
    (409), and a request body (413, 415). A view adds statuses in `error_statuses`; a
    view that answers its own error shape (sync) lists it in `error_responses`, which
    then replaces the body-related ones.
    """

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses: dict[str, Any] = super()._get_response_bodies(direction)
        for status, schema in sorted(self._error_responses().items()):
            if status not in responses:
                # drf-spectacular leaves this hook unannotated.
                responses[status] = self._get_response_for_code(schema, status, None, direction)  # type: ignore[no-untyped-call]
        return responses

    def _error_responses(self) -> dict[str, Any]:
        errors: dict[str, Any] = dict.fromkeys(self._access_statuses(), ErrorSerializer)
        custom = getattr(self.view, "error_responses", None)
        if custom is None:
            errors.update(dict.fromkeys(self._request_statuses(), ErrorSerializer))
        else:
            errors.update({str(status): schema for status, schema in custom.items()})
        extra = getattr(self.view, "error_statuses", ())
        errors.update({str(status): ErrorSerializer for status in extra})
        return errors

    def _access_statuses(self) -> set[str]:
        statuses = set()
        if not any(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            statuses |= {"401", "403"}
        if self.view.get_throttles():
            statuses.add("429")
        return statuses

    def _request_statuses(self) -> set[str]:
        statuses = {"400"}  # malformed body, bad query, bad Content-Length (middleware)
        if re.search(r"{\w+}", self.path):
            statuses.add("404")
        if getattr(self.view, "pagination_class", None) and self.method == "GET":
            statuses.add("404")  # a page number past the last page
        if self.method in ("PATCH", "DELETE"):
            statuses.add("409")
        if self.method in ("POST", "PUT", "PATCH"):
            statuses |= {"413", "415"}
        return statuses


def sync_components(result: dict[str, Any], **_kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: add the sync protocol's definitions as `Sync*` components."""
    snapshot = snapshot_path(PROTOCOL_VERSION).read_text(encoding="utf-8")
    rewritten = snapshot.replace('"#/$defs/', f'"#/components/schemas/{SYNC_PREFIX}')
    definitions = json.loads(rewritten)["$defs"]
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    for name, schema in definitions.items():
        schemas[f"{SYNC_PREFIX}{name}"] = schema
    return result
