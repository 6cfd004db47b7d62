"""EXIF DateTimeOriginal is local wall-clock time: 09:14 in Hanoi is 02:14 UTC."""

import uuid
from datetime import UTC, datetime

import pytest

from server.evidence.images import inspect_image
from server.submissions.models import Submission
from server.support.sitephotos import site_jpeg
from server.surveys.models import FormVersion
from server.surveys.services import publish_shipped_forms
from tests.server.support.conftest import upload


@pytest.fixture
def survey(household_in):
    publish_shipped_forms()
    return Submission.objects.create(
        id=uuid.UUID("2f6a1f7c-1d0e-4c55-8a38-7d4e2c3b1a42"),
        household=household_in,
        form_version=FormVersion.objects.get(form_id="household_screening"),
        payload={},
        payload_sha256="0" * 64,
    )


def test_a_survey_photo_without_an_offset_is_read_in_ho_chi_minh_time(survey):
    photo = upload(survey.pk, site_jpeg(seed=1, taken_at="2025:03:01 09:14:00"))
    assert photo.taken_at == datetime(2025, 3, 1, 2, 14, tzinfo=UTC)


def test_the_offset_tag_places_the_time_when_present(survey):
    photo = upload(survey.pk, site_jpeg(seed=2, taken_at="2025:03:01 09:14:00", offset="+09:00"))
    assert photo.taken_at == datetime(2025, 3, 1, 0, 14, tzinfo=UTC)


def test_a_zero_offset_is_utc_not_missing(survey):
    photo = upload(survey.pk, site_jpeg(seed=3, taken_at="2025:03:01 09:14:00", offset="+00:00"))
    assert photo.taken_at == datetime(2025, 3, 1, 9, 14, tzinfo=UTC)


def test_a_household_photo_is_read_the_same_way(household_in):
    photo = upload(household_in.pk, site_jpeg(seed=4, taken_at="2024:12:31 23:30:00"))
    assert photo.taken_at == datetime(2024, 12, 31, 16, 30, tzinfo=UTC)


@pytest.mark.parametrize("offset", ["+7:00", "0700", "+25:00", "+07:60", "abcdef"])
def test_a_malformed_offset_is_ignored(offset):
    info = inspect_image(site_jpeg(seed=5, offset=offset))
    assert info.taken_offset is None
    assert info.taken_at_utc() == datetime(2025, 3, 1, 2, 14, tzinfo=UTC)


def test_a_negative_offset_is_read():
    info = inspect_image(site_jpeg(seed=6, taken_at="2025:03:01 09:14:00", offset="-03:30"))
    assert info.taken_at_utc() == datetime(2025, 3, 1, 12, 44, tzinfo=UTC)
