"""A serializer's errors as data: the lazily rebuilt message says exactly what DRF says,
in every language, from one validation pass."""

import pytest
from django.utils import translation

from server.api.exceptions import flatten
from server.api.validation import field_errors
from server.common.errors import render
from server.registry.serializers import (
    HouseholdCreateSerializer,
    HouseholdUpdateSerializer,
    MemberInputSerializer,
    MemberUpdateSerializer,
)

MEMBER = {"full_name": "Lò Văn Páo", "sex": "male", "birth_year": 1975, "relation": "head",
          "ethnicity": "thai"}  # fmt: skip
HOUSEHOLD = {"code": "HD100", "head_name": "Lò Văn Páo", "village": "90001001"}

CASES = [
    (MemberInputSerializer, {**MEMBER, "sex": "alien"}, False),
    (MemberInputSerializer, {**MEMBER, "full_name": "x" * 201, "relation": None}, False),
    (MemberInputSerializer, {**MEMBER, "birth_date": "17/05/1980"}, False),
    (MemberInputSerializer, {**MEMBER, "birth_date": "2999-01-01"}, False),
    (MemberInputSerializer, {**MEMBER, "birth_date": "1980-05-17", "birth_year": 1981}, False),
    (MemberInputSerializer, {**MEMBER, "birth_year": 1800}, False),
    (MemberInputSerializer, {**MEMBER, "birth_year": "năm"}, False),
    (MemberInputSerializer, {k: v for k, v in MEMBER.items() if k != "birth_year"}, False),
    (MemberInputSerializer, {**MEMBER, "citizen_id": "００１０８００１２３４５"}, False),
    (MemberInputSerializer, {"full_name": ""}, False),
    (MemberInputSerializer, ["not", "an", "object"], False),
    (MemberUpdateSerializer, {"revision": 0, "sex": True}, True),
    (HouseholdCreateSerializer, {**HOUSEHOLD, "code": "HD 100", "is_ethnic_minority": "có"}, False),
    (HouseholdCreateSerializer, {**HOUSEHOLD, "latitude": "1.5", "longitude": "105.8"}, False),
    (HouseholdCreateSerializer, {**HOUSEHOLD, "latitude": "21.1234567"}, False),
    (HouseholdCreateSerializer, {**HOUSEHOLD, "longitude": "1234.5"}, False),
    (HouseholdCreateSerializer, {**HOUSEHOLD, "gps_accuracy_m": "-1", "id": "abc"}, False),
    (HouseholdCreateSerializer, {**HOUSEHOLD, "members": {"full_name": "A"}}, False),
    (HouseholdCreateSerializer, {**HOUSEHOLD, "members": [MEMBER] * 31}, False),
    (HouseholdCreateSerializer, {**HOUSEHOLD, "members": [MEMBER, {**MEMBER, "sex": "x"}]}, False),
    (HouseholdCreateSerializer, {**HOUSEHOLD, "members": [MEMBER, MEMBER]}, False),
    (HouseholdUpdateSerializer, {"latitude": "21.0", "revision": "một"}, True),
]


def _drf_rendering(serializer_class, data, partial, language):
    """What DRF itself says when it validates in `language`: the reference."""
    with translation.override(language):
        serializer = serializer_class(data=data, partial=partial)
        assert not serializer.is_valid()
        return [(e.path, e.code, e.message) for e in flatten(serializer.errors)]


@pytest.mark.parametrize(("serializer_class", "data", "partial"), CASES)
def test_one_pass_renders_what_drf_says_in_each_language(serializer_class, data, partial):
    serializer = serializer_class(data=data, partial=partial)
    assert not serializer.is_valid()
    errors = field_errors(serializer)
    for language in ("vi", "en"):
        rendered = [(e.path, e.code, render(e.message, language)) for e in errors]
        assert rendered == _drf_rendering(serializer_class, data, partial, language)


def test_vietnamese_and_english_differ_for_every_case():
    """Each refusal reads in Vietnamese, not as English text left untranslated."""
    for serializer_class, data, partial in CASES:
        serializer = serializer_class(data=data, partial=partial)
        assert not serializer.is_valid()
        for error in field_errors(serializer):
            assert render(error.message, "vi") != render(error.message, "en"), error
