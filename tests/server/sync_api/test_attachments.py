"""Resumable photo upload: HEAD for the offset, Content-Range to continue, checks at the end."""

import hashlib
import io
import struct
import uuid
import zlib

import pytest
from PIL import Image

from server.accounts.models import Role
from server.evidence.models import Attachment, AttachmentChunk
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import HEADERS, household_payload, item, push


def jpeg(width: int = 800, height: int = 600) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (120, 160, 90)).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def png_bomb(side: int = 20_000) -> bytes:
    """A valid 1-bit PNG header of side × side whose zero rows compress to a few KB."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    rows = zlib.compress(b"\x00" * ((side // 8 + 1) * 200), 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")
    )


@pytest.fixture
def phone(personas):
    return client_for(personas[Role.VOLUNTEER])


def declare(phone, tree, data: bytes, name: str = "front.jpg", sha256: str | None = None) -> str:
    hid = uuid.uuid4()
    attachments = [
        {"name": name, "sha256": sha256 or hashlib.sha256(data).hexdigest(), "size": len(data)}
    ]
    response = push(
        phone,
        item(
            "household_create",
            household_payload(tree.village1a.code),
            client_uuid=hid,
            attachments=attachments,
        ),
    )
    assert response.json()["items"][0]["missing_attachments"] == [name]
    return f"/api/v1/sync/attachments/{hid}/{name}"


def put(phone, url: str, body: bytes, content_range: str | None = None):
    extra = {"HTTP_CONTENT_RANGE": content_range} if content_range else {}
    return phone.generic(
        "PUT", url, body, content_type="application/octet-stream", **HEADERS, **extra
    )


def test_a_photo_sent_in_two_chunks_resumes_from_the_offset_the_server_reports(phone, tree):
    data = jpeg()
    url = declare(phone, tree, data)
    half = len(data) // 2
    first = put(phone, url, data[:half], f"bytes 0-{half - 1}/{len(data)}")
    assert (first.status_code, first["Upload-Offset"]) == (204, str(half))
    head = phone.head(url, **HEADERS)
    assert (head.status_code, head["Upload-Offset"], head["Upload-Length"]) == (
        200,
        str(half),
        str(len(data)),
    )
    last = put(phone, url, data[half:], f"bytes {half}-{len(data) - 1}/{len(data)}")
    assert last.status_code == 201
    stored = Attachment.objects.get()
    assert stored.complete is True
    assert stored.file.read() == data
    assert (stored.width, stored.height, stored.content_type) == (800, 600, "image/jpeg")
    assert stored.thumbnail.name.endswith("-thumb.jpg")
    assert AttachmentChunk.objects.count() == 0
    assert put(phone, url, data).status_code == 200


def test_a_chunk_at_the_wrong_offset_is_409_and_writes_nothing(phone, tree):
    data = jpeg()
    url = declare(phone, tree, data)
    response = put(phone, url, data[100:200], f"bytes 100-199/{len(data)}")
    assert (response.status_code, response["Upload-Offset"]) == (409, "0")
    assert AttachmentChunk.objects.count() == 0


def test_a_wrong_sha256_is_refused_and_the_bytes_are_discarded(phone, tree):
    data = jpeg()
    url = declare(phone, tree, data, sha256="0" * 64)
    response = put(phone, url, data)
    assert response.status_code == 422
    assert response.json()["error"]["issues"][0]["code"] == "sha256_mismatch"
    assert (Attachment.objects.get().received, Attachment.objects.get().complete) == (0, False)
    assert AttachmentChunk.objects.count() == 0


def test_a_truncated_image_is_refused(phone, tree):
    data = jpeg()[:4000]
    url = declare(phone, tree, data)
    response = put(phone, url, data)
    assert response.status_code == 422
    assert response.json()["error"]["issues"][0]["code"] == "corrupt"
    assert Attachment.objects.get().complete is False


def test_a_text_file_named_jpg_is_refused(phone, tree):
    data = b"this is not a photo, just text\n" * 20
    url = declare(phone, tree, data)
    response = put(phone, url, data)
    assert response.status_code == 422
    assert response.json()["error"]["issues"][0]["code"] == "not_an_image"
    assert Attachment.objects.get().file.name == ""


def test_a_20000_by_20000_png_bomb_is_refused(phone, tree):
    data = png_bomb()
    assert len(data) < 200_000
    url = declare(phone, tree, data, name="bomb.png")
    response = put(phone, url, data)
    assert response.status_code == 422
    assert response.json()["error"]["issues"][0]["code"] == "too_many_pixels"
    assert Attachment.objects.get().complete is False


def test_an_undeclared_attachment_is_404(phone, tree):
    url = f"/api/v1/sync/attachments/{uuid.uuid4()}/front.jpg"
    assert put(phone, url, jpeg()).status_code == 404
    assert phone.head(url, **HEADERS).status_code == 404


def test_another_users_attachment_is_404(phone, personas, tree):
    data = jpeg()
    url = declare(phone, tree, data)
    other = client_for(personas[Role.COMMUNE_OFFICER])
    assert put(other, url, data).status_code == 404
    assert Attachment.objects.filter(complete=True).count() == 0


def test_a_body_over_the_attachment_limit_is_413(phone, tree):
    url = declare(phone, tree, jpeg())
    response = phone.generic(
        "PUT",
        url,
        b"x",
        content_type="application/octet-stream",
        **HEADERS,
        CONTENT_LENGTH=str(11 * 1024 * 1024),
    )
    assert response.status_code == 413


def test_a_6_mb_file_in_one_put_reaches_the_image_check(phone, tree):
    data = bytes(range(256)) * (6 * 1024 * 1024 // 256)
    url = declare(phone, tree, data, name="big.jpg")
    response = put(phone, url, data)
    assert response.status_code == 422
    assert response.json()["error"]["issues"][0]["code"] == "not_an_image"


def test_a_declared_photo_keeps_what_it_shows_on_the_submission(personas, household_in):
    from server.accounts.models import Role
    from server.submissions.models import Submission
    from server.surveys.services import publish_shipped_forms
    from tests.server.conftest import client_for
    from tests.server.sync_api.helpers import declared_photos, push, survey_answers, survey_item

    publish_shipped_forms()
    phone = client_for(personas[Role.VOLUNTEER])
    answers = survey_answers()
    declared = declared_photos(answers)
    kinds = {
        "front.jpg": "house",
        "latrine.jpg": "latrine",
        "roof.jpg": "roof",
        "water.jpg": "water_source",
    }
    declared = [{**d, "kind": kinds[d["name"]]} for d in declared]
    document = {"name": "giay_to.jpg", "sha256": "a" * 64, "size": 5, "kind": "document"}
    survey = survey_item(household_in, answers, attachments=[*declared, document])
    outcome = push(phone, survey).json()["items"][0]
    assert (outcome["outcome"], outcome["errors"]) == ("accepted", [])
    stored = Submission.objects.get(pk=survey["client_uuid"]).attachments
    assert [(a["name"], a.get("kind")) for a in stored] == [
        ("front.jpg", "house"),
        ("latrine.jpg", "latrine"),
        ("roof.jpg", "roof"),
        ("water.jpg", "water_source"),
        ("giay_to.jpg", "document"),
    ]


def test_a_photo_of_an_unknown_kind_is_refused_and_nothing_is_stored(personas, household_in):
    from server.accounts.models import Role
    from server.submissions.models import Submission
    from server.surveys.services import publish_shipped_forms
    from tests.server.conftest import client_for
    from tests.server.sync_api.helpers import declared_photos, push, survey_answers, survey_item

    publish_shipped_forms()
    phone = client_for(personas[Role.VOLUNTEER])
    answers = survey_answers()
    declared = [{**d, "kind": "selfie"} for d in declared_photos(answers)]
    outcome = push(phone, survey_item(household_in, answers, attachments=declared)).json()
    assert outcome["items"][0]["outcome"] == "rejected"
    assert [(e["path"], e["code"]) for e in outcome["items"][0]["errors"]] == [
        (f"items[0].attachments[{i}].kind", "invalid_choice") for i in range(len(declared))
    ]
    assert Submission.objects.count() == 0


def test_a_truncated_image_is_refused_even_after_weasyprint_loosened_pillow(phone, tree):
    """WeasyPrint sets Pillow's LOAD_TRUNCATED_IMAGES on import; uploads stay strict."""
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True
    data = jpeg()[:4000]
    url = declare(phone, tree, data)
    response = put(phone, url, data)
    assert response.status_code == 422
    assert response.json()["error"]["issues"][0]["code"] == "corrupt"
    assert Attachment.objects.get().complete is False
