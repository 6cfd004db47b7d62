"""Sync refusals: one validation pass per item, both languages rendered from its errors
(issue 13, "Bilingual messages without running code twice")."""

from collections import Counter

import pytest
from rest_framework import serializers

from server.accounts.models import Role
from server.registry import services as registry_services
from server.registry.models import Household, HouseholdChange, Member
from server.sync_api.models import Receipt
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import household_payload, item, push


@pytest.fixture
def phone(personas):
    return client_for(personas[Role.VOLUNTEER])


@pytest.fixture
def passes(monkeypatch) -> Counter:
    """Count serializer validations by class, and registry service runs by name."""
    counts: Counter = Counter()
    is_valid = serializers.Serializer.is_valid

    def counting_is_valid(self, *args, **kwargs):
        counts[type(self).__name__] += 1
        return is_valid(self, *args, **kwargs)

    monkeypatch.setattr(serializers.Serializer, "is_valid", counting_is_valid)
    for name in ("household_create", "member_add"):
        service = getattr(registry_services, name)

        def counting_service(*args, _service=service, _name=name, **kwargs):
            counts[_name] += 1
            return _service(*args, **kwargs)

        monkeypatch.setattr(registry_services, name, counting_service)
    return counts


def _stored() -> tuple:
    return (
        Receipt.objects.count(),
        Household.objects.count(),
        Member.objects.count(),
        HouseholdChange.objects.count(),
    )


def _errors(response, index: int = 0) -> list[tuple[str, str, str, str]]:
    outcome = response.json()["items"][index]
    assert outcome["outcome"] == "rejected"
    return [(e["path"], e["code"], e["message_vi"], e["message_en"]) for e in outcome["errors"]]


def test_a_payload_refused_by_its_serializer_is_validated_once_and_answered_in_both_languages(
    phone, tree, passes
):
    member = {"full_name": "Lò Văn Páo", "sex": "alien", "birth_year": 1975,
              "relation": "head", "ethnicity": "thai"}  # fmt: skip
    body = household_payload(tree.village1a.code, head_name="x" * 201, members=[member])
    before = _stored()
    response = push(phone, item("household_create", body))
    assert _errors(response) == [
        (
            "items[0].payload.head_name",
            "max_length",
            "Trường này dài tối đa 200 ký tự.",
            "Ensure this field has no more than 200 characters.",
        ),
        (
            "items[0].payload.members[0].sex",
            "invalid_choice",
            '"alien" không phải là lựa chọn hợp lệ.',
            '"alien" is not a valid choice.',
        ),
    ]
    assert passes == Counter({"HouseholdCreateSerializer": 1})
    assert _stored() == before


def test_a_payload_refused_by_the_registry_service_runs_the_service_once(
    phone, tree, household_in, passes
):
    body = household_payload(tree.village1a.code, code="HD001")  # household_in's code
    before = _stored()
    response = push(phone, item("household_create", body))
    assert _errors(response) == [
        (
            "items[0].payload.code",
            "unique",
            "Mã hộ này đã được dùng trong xã.",
            "This household code is already used in the commune.",
        )
    ]
    assert passes == Counter({"HouseholdCreateSerializer": 1, "household_create": 1})
    assert _stored() == before


def test_a_second_head_refused_by_the_database_runs_the_service_once(phone, household_in, passes):
    body = {"full_name": "Lò Văn Páo", "sex": "male", "birth_year": 1975, "relation": "head",
            "ethnicity": "thai"}  # fmt: skip
    before = _stored()
    response = push(phone, item("member_create", body, household_id=str(household_in.pk)))
    assert _errors(response) == [
        (
            "items[0].payload.relation",
            "duplicate_head",
            "Hộ đã có chủ hộ.",
            "The household already has a head.",
        )
    ]
    assert passes == Counter({"MemberInputSerializer": 1, "member_add": 1})
    assert _stored() == before


def test_an_accepted_item_is_validated_once_too(phone, tree, passes):
    member = {"full_name": "Lò Văn Páo", "sex": "male", "birth_year": 1975,
              "relation": "head", "ethnicity": "thai"}  # fmt: skip
    body = household_payload(tree.village1a.code, members=[member])
    response = push(phone, item("household_create", body))
    assert response.json()["items"][0]["outcome"] == "accepted"
    assert passes == Counter({"HouseholdCreateSerializer": 1, "household_create": 1})
