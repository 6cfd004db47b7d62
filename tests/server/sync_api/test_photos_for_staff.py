"""Staff see submitted photos without their metadata; reused or far-away photos are flagged."""

import hashlib
import io
import uuid

import pytest
from PIL import Image

from server.accounts.models import Role
from server.evidence.models import Attachment
from server.registry.models import Household
from server.surveys.services import publish_shipped_forms
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import HEADERS, declared_photos, item, push
from tests.server.sync_api.test_submissions import survey_answers


def gps_jpeg(lat: float, lon: float, shade: int = 90) -> bytes:
    """A JPEG carrying EXIF GPS, like a phone's camera writes it."""
    image = Image.new("RGB", (640, 480), (shade, 140, 200))
    for x in range(0, 640, 40):
        image.paste((255 - shade, 60, 30), (x, 0, x + 20, 480))
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (lat, 0.0, 0.0), 3: "E", 4: (lon, 0.0, 0.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif.tobytes())
    return buffer.getvalue()


@pytest.fixture
def phone(personas):
    publish_shipped_forms()
    return client_for(personas[Role.VOLUNTEER])


def submit_with_photo(phone, household, data: bytes) -> uuid.UUID:
    sid = uuid.uuid4()
    answers = survey_answers()
    attachments = [
        {"name": "front.jpg", "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)},
        *(ref for ref in declared_photos(answers) if ref["name"] != "front.jpg"),
    ]
    sub = item(
        "submission",
        answers,
        client_uuid=sid,
        form={"id": "household_survey", "version": "1"},
        household_id=str(household.pk),
        attachments=attachments,
    )
    assert push(phone, sub).json()["items"][0]["outcome"] == "accepted"
    response = phone.generic(
        "PUT",
        f"/api/v1/sync/attachments/{sid}/front.jpg",
        data,
        content_type="application/octet-stream",
        **HEADERS,
    )
    assert response.status_code == 201
    return sid


def test_a_shown_photo_has_no_gps_and_the_thumbnail_is_small(phone, personas, household_in):
    sid = submit_with_photo(phone, household_in, gps_jpeg(22.0, 106.0))
    officer = client_for(personas[Role.COMMUNE_OFFICER])
    full = officer.get(f"/api/v1/submissions/{sid}/photos/front.jpg")
    assert full.status_code == 200
    assert full["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(full.content)).getexif().get_ifd(0x8825) == {}
    thumb = officer.get(f"/api/v1/submissions/{sid}/photos/front.jpg", {"size": "thumb"})
    assert max(Image.open(io.BytesIO(thumb.content)).size) == 320


def test_photos_outside_the_area_are_404(phone, personas, household_in, tree):
    sid = submit_with_photo(phone, household_in, gps_jpeg(22.0, 106.0))
    from tests.server.conftest import make_user

    outsider = client_for(make_user("outsider", Role.COMMUNE_OFFICER, tree.commune2))
    assert outsider.get(f"/api/v1/submissions/{sid}/photos/front.jpg").status_code == 404


def test_a_photo_far_from_the_household_flags_it(phone, household_in):
    Household.objects.filter(pk=household_in.pk).update(
        latitude="21.000000", longitude="105.000000"
    )
    submit_with_photo(phone, household_in, gps_jpeg(22.0, 106.0))
    photo = Attachment.objects.get()
    assert photo.distance_m > 100_000
    household_in.refresh_from_db()
    assert (household_in.flagged_for_review, household_in.flag_reason) == (
        True,
        "photo_far_from_household",
    )


def test_the_same_photo_for_two_households_flags_the_second(phone, household_in, tree):
    from server.registry.services import household_create

    other = household_create(
        actor=None, village=tree.village1a, data={"code": "HD777", "head_name": "Bế Văn Tú"}
    )
    data = gps_jpeg(22.0, 106.0)
    first = submit_with_photo(phone, household_in, data)
    submit_with_photo(phone, other, data)
    reused = Attachment.objects.exclude(item_uuid=first).get()
    assert reused.reused_from == first
    other.refresh_from_db()
    assert other.flag_reason == "photo_reused"
