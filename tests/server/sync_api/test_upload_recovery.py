"""A photo left whole but unchecked is finished by the next HEAD, PUT or push; a failure
inside verification leaves the state before the last chunk.

The left-over state is what servers before issue 11 committed when they died between
storing the last chunk and checking it: every chunk held, received = size, not complete.
"""

import hashlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from server.accounts.models import Role
from server.evidence import images
from server.evidence.models import Attachment, AttachmentChunk
from server.evidence.tasks import expire_incomplete_uploads_task
from server.submissions.models import Submission
from server.surveys.services import publish_shipped_forms
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import HEADERS, push, survey_answers, survey_item
from tests.server.sync_api.test_attachments import jpeg, put


@pytest.fixture
def phone(personas):
    publish_shipped_forms()
    return client_for(personas[Role.VOLUNTEER])


def _survey(phone, household, data: bytes, name: str = "front.jpg") -> tuple[dict, str]:
    ref = {"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    # Every required photo question names the one declared file: a survey names only
    # photos it declares, and these tests follow a single photo.
    answers = {k: name if k.startswith("photo_") else v for k, v in survey_answers().items()}
    survey = survey_item(household, answers, attachments=[ref])
    answer = push(phone, survey).json()["items"][0]
    assert (answer["outcome"], answer["missing_attachments"]) == ("accepted", [name])
    return survey, f"/api/v1/sync/attachments/{survey['client_uuid']}/{name}"


def _left_whole_unchecked(survey: dict, data: bytes, name: str = "front.jpg") -> Attachment:
    """Two committed chunks holding every byte, never verified."""
    ref = survey["attachments"][0]
    row = Attachment.objects.create(
        item_uuid=survey["client_uuid"],
        name=name,
        declared_sha256=ref["sha256"],
        declared_size=ref["size"],
        received=len(data),
    )
    half = len(data) // 2
    AttachmentChunk.objects.create(attachment=row, offset=0, data=data[:half])
    AttachmentChunk.objects.create(attachment=row, offset=half, data=data[half:])
    return row


def _assert_stored(survey: dict, data: bytes) -> None:
    row = Attachment.objects.get(item_uuid=survey["client_uuid"])
    assert (row.complete, row.received, row.file.read()) == (True, len(data), data)
    assert AttachmentChunk.objects.count() == 0
    assert Submission.objects.get(pk=survey["client_uuid"]).attachments_complete is True


def test_head_finishes_a_photo_left_whole_but_unchecked(phone, household_in):
    data = jpeg()
    survey, url = _survey(phone, household_in, data)
    _left_whole_unchecked(survey, data)
    head = phone.head(url, **HEADERS)
    assert (head.status_code, head["Upload-Offset"]) == (200, str(len(data)))
    _assert_stored(survey, data)


def test_head_on_left_over_bytes_that_fail_the_check_reports_zero_and_drops_them(
    phone, household_in
):
    data = jpeg()
    survey, url = _survey(phone, household_in, data)
    _left_whole_unchecked(survey, bytes([data[0] ^ 1]) + data[1:])
    head = phone.head(url, **HEADERS)
    assert (head.status_code, head["Upload-Offset"]) == (200, "0")
    row = Attachment.objects.get()
    assert (row.complete, row.received, row.file.name) == (False, 0, "")
    assert AttachmentChunk.objects.count() == 0


def test_resending_the_last_chunk_of_a_left_over_photo_is_200_already_complete(phone, household_in):
    data = jpeg()
    survey, url = _survey(phone, household_in, data)
    _left_whole_unchecked(survey, data)
    half = len(data) // 2
    response = put(phone, url, data[half:], f"bytes {half}-{len(data) - 1}/{len(data)}")
    assert (response.status_code, response["Upload-Offset"]) == (200, str(len(data)))
    _assert_stored(survey, data)


def test_repushing_a_survey_finishes_its_left_over_photo_and_reports_nothing_missing(
    phone, household_in
):
    data = jpeg()
    survey, _url = _survey(phone, household_in, data)
    _left_whole_unchecked(survey, data)
    answer = push(phone, survey).json()["items"][0]
    assert (answer["outcome"], answer["missing_attachments"]) == ("duplicate", [])
    _assert_stored(survey, data)


def test_a_failure_inside_verification_leaves_the_bytes_before_the_last_chunk(
    phone, household_in, monkeypatch
):
    """The file is written before the thumbnail fails: the row, the last chunk and the
    completion all roll back, and the retry replaces the orphan file instead of adding one."""
    data = jpeg()
    survey, url = _survey(phone, household_in, data)
    half = len(data) // 2
    put(phone, url, data[:half], f"bytes 0-{half - 1}/{len(data)}")

    def broken(_data: bytes) -> bytes:
        raise OSError("disk full")

    monkeypatch.setattr(images, "make_thumbnail", broken)
    with pytest.raises(OSError, match="disk full"):
        put(phone, url, data[half:], f"bytes {half}-{len(data) - 1}/{len(data)}")
    head = phone.head(url, **HEADERS)
    assert head["Upload-Offset"] == str(half)
    assert list(AttachmentChunk.objects.values_list("offset", flat=True)) == [0]
    monkeypatch.undo()
    retried = put(phone, url, data[half:], f"bytes {half}-{len(data) - 1}/{len(data)}")
    assert retried.status_code == 201
    _assert_stored(survey, data)
    row = Attachment.objects.get()
    folder = Path(row.file.path).parent
    assert sorted(p.name for p in folder.glob(f"{row.item_uuid}-*")) == [
        f"{row.item_uuid}-front.jpg"
    ]


def _aged(row: Attachment, hours: int) -> None:
    Attachment.objects.filter(pk=row.pk).update(touched_at=timezone.now() - timedelta(hours=hours))


@pytest.fixture
def uploads(phone, household_in):
    """A stale partial upload, a fresh partial one, a stale complete one, a stale whole one."""
    rows = {}
    for key in ("stale", "fresh", "done", "whole"):
        data = jpeg(40 + len(key), 30)
        survey, url = _survey(phone, household_in, data, name=f"{key}.jpg")
        if key == "done":
            put(phone, url, data)
        elif key == "whole":
            _left_whole_unchecked(survey, data, name="whole.jpg")
        else:
            put(phone, url, data[:100], f"bytes 0-99/{len(data)}")
        rows[key] = Attachment.objects.get(item_uuid=survey["client_uuid"])
    for key in ("stale", "done", "whole"):
        _aged(rows[key], 73)
    _aged(rows["fresh"], 71)
    return rows


def test_the_expiry_command_removes_only_stale_partial_uploads(uploads, settings):
    settings.ATTACHMENT_INCOMPLETE_TTL_HOURS = 72
    call_command("expire_uploads")
    left = dict(Attachment.objects.values_list("name", "complete"))
    assert left == {"fresh.jpg": False, "done.jpg": True, "whole.jpg": True}
    assert AttachmentChunk.objects.filter(attachment__name="fresh.jpg").count() == 1
    assert AttachmentChunk.objects.filter(attachment__name="stale.jpg").count() == 0


def test_the_expiry_task_uses_the_configured_age(uploads, settings):
    settings.ATTACHMENT_INCOMPLETE_TTL_HOURS = 70
    assert expire_incomplete_uploads_task.delay().get() == 2
    assert sorted(Attachment.objects.values_list("name", flat=True)) == ["done.jpg", "whole.jpg"]


def test_an_expired_upload_restarts_from_zero(phone, household_in, settings):
    data = jpeg()
    survey, url = _survey(phone, household_in, data)
    put(phone, url, data[:100], f"bytes 0-99/{len(data)}")
    _aged(Attachment.objects.get(), 100)
    call_command("expire_uploads")
    assert phone.head(url, **HEADERS)["Upload-Offset"] == "0"
    assert put(phone, url, data).status_code == 201
    _assert_stored(survey, data)
