"""The OpenAPI document describes what the API really answers: pages, errors, sync shapes."""

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def document() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _response_ref(document: dict, path: str, method: str, status: str) -> str:
    response = document["paths"][path][method]["responses"][status]
    return response["content"]["application/json"]["schema"]["$ref"]


@pytest.mark.parametrize(
    ("path", "page"),
    [
        ("/api/v1/units/", "PaginatedUnitOutputList"),
        ("/api/v1/households/", "PaginatedHouseholdListOutputList"),
        ("/api/v1/households/{household_id}/history/", "PaginatedHouseholdChangeOutputList"),
        ("/api/v1/households/{household_id}/assessments/", "PaginatedAssessmentOutputList"),
        ("/api/v1/conflicts/", "PaginatedConflictOutputList"),
    ],
)
def test_paginated_lists_are_documented_as_pages(document, path, page):
    assert _response_ref(document, path, "get", "200") == f"#/components/schemas/{page}"
    schema = document["components"]["schemas"][page]
    assert set(schema["properties"]) == {"count", "next", "previous", "results"}


def test_every_operation_documents_its_refusals(document):
    missing = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            statuses = set(operation["responses"])
            wanted = {"400"} if path == "/api/v1/auth/device-tokens/" else {"400", "401", "403"}
            if "{" in path:
                wanted.add("404")
            if method in ("patch", "delete"):
                wanted.add("409")
            if not wanted <= statuses:
                missing.append((method, path, sorted(wanted - statuses)))
    assert missing == []


def test_sign_in_documents_its_throttle(document):
    assert "429" in document["paths"]["/api/v1/auth/device-tokens/"]["post"]["responses"]


def test_a_conflict_resolve_documents_the_revision_conflict(document):
    responses = document["paths"]["/api/v1/conflicts/{conflict_id}/resolve/"]["post"]["responses"]
    assert responses["409"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_sync_push_is_documented_with_the_protocol_shapes(document):
    push = document["paths"]["/api/v1/sync/push"]["post"]
    request = push["requestBody"]["content"]["application/json"]["schema"]
    assert request == {"$ref": "#/components/schemas/SyncPushRequest"}
    assert _response_ref(document, "/api/v1/sync/push", "post", "200") == (
        "#/components/schemas/SyncPushResponse"
    )
    assert _response_ref(document, "/api/v1/sync/push", "post", "426") == (
        "#/components/schemas/SyncErrorResponse"
    )
    items = document["components"]["schemas"]["SyncPushRequest"]["properties"]["items"]
    assert items["items"] == {"$ref": "#/components/schemas/SyncPushItem"}
    assert [p["name"] for p in push["parameters"]] == ["X-ChungTay-Protocol"]


def test_every_reference_in_the_document_resolves(document):
    import json
    import re

    refs = set(re.findall(r'"#/components/schemas/([^"]+)"', json.dumps(document)))
    assert refs - set(document["components"]["schemas"]) == set()
