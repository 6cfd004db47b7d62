"""Published forms: immutable versions, ETags for phones, ODK exports, start-up check."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

import forms
from server.accounts.models import Role
from server.surveys.checks import check_form_definitions
from server.surveys.models import FormVersion
from server.surveys.services import form_version_publish, publish_shipped_forms
from tests.server.conftest import client_for

SHIPPED = sorted((f.id, f.version) for f in forms.iter_shipped_definitions())


@pytest.fixture
def published(db):
    publish_shipped_forms()


@pytest.fixture
def phone(personas):
    return client_for(personas[Role.VOLUNTEER])


@pytest.mark.django_db
def test_load_forms_publishes_each_shipped_version_once(capsys):
    call_command("load_forms")
    call_command("load_forms")
    out = capsys.readouterr().out.strip().splitlines()
    assert out[-1] == f"published=0 unchanged={len(SHIPPED)}"
    assert sorted(FormVersion.objects.values_list("form_id", "version")) == SHIPPED


@pytest.mark.django_db
def test_a_changed_definition_under_a_published_version_is_refused_and_nothing_changes():
    form = next(forms.iter_shipped_definitions())
    stored, _created = form_version_publish(form=form)
    raw = {k: v for k, v in forms.form_to_dict(form).items() if k != "checksum"}
    raw["title"] = {"vi": "Tiêu đề khác", "en": "Another title"}
    changed = forms.load_form(raw)
    with pytest.raises(Exception, match="new version"):
        form_version_publish(form=changed)
    stored.refresh_from_db()
    assert stored.checksum == form.checksum
    assert FormVersion.objects.count() == 1


def test_phones_list_forms_and_revalidate_with_the_etag(published, phone):
    response = phone.get("/api/v1/forms/")
    assert response.status_code == 200
    assert sorted((f["id"], f["version"]) for f in response.json()) == SHIPPED
    assert phone.get("/api/v1/forms/", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_a_form_version_is_served_with_its_checksum_as_etag(published, phone):
    form_id, version = SHIPPED[-1]
    stored = FormVersion.objects.get(form_id=form_id, version=version)
    response = phone.get(f"/api/v1/forms/{form_id}/{version}/")
    assert response.status_code == 200
    assert response["ETag"] == f'"{stored.checksum}"'
    assert response.json()["checksum"] == stored.checksum
    again = phone.get(
        f"/api/v1/forms/{form_id}/{version}/", HTTP_IF_NONE_MATCH=f'"{stored.checksum}"'
    )
    assert again.status_code == 304
    assert again.content == b""


def test_an_unknown_form_version_is_404(published, phone):
    assert phone.get("/api/v1/forms/household_survey/999/").status_code == 404


def test_the_xlsform_export_has_survey_and_choices_sheets(published, phone):
    form_id, version = SHIPPED[-1]
    response = phone.get(f"/api/v1/forms/{form_id}/{version}/xlsform/")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert {"survey", "choices", "settings"} <= set(book.sheetnames)


def test_the_xform_export_is_xml_with_the_form_id(published, phone):
    form_id, version = SHIPPED[-1]
    response = phone.get(f"/api/v1/forms/{form_id}/{version}/xform/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert f'id="{form_id}"' in response.content.decode()


def test_export_command_writes_both_files(published, tmp_path):
    form_id, _version = SHIPPED[0]
    call_command(
        "export_form", form_id, "--xlsx", str(tmp_path / "f.xlsx"), "--xml", str(tmp_path / "f.xml")
    )
    assert (tmp_path / "f.xlsx").stat().st_size > 1000
    assert "<h:html" in (tmp_path / "f.xml").read_text(encoding="utf-8")


@pytest.mark.django_db
def test_export_command_refuses_an_unpublished_form():
    with pytest.raises(CommandError, match="load_forms"):
        call_command("export_form", "no_such_form")


def test_the_system_check_passes_for_the_shipped_definitions():
    assert check_form_definitions() == []


def test_the_system_check_fails_start_up_for_a_broken_definition(tmp_path, monkeypatch):
    broken = tmp_path / "broken" / "v1.json"
    broken.parent.mkdir()
    broken.write_text(json.dumps({"id": "broken", "version": "1"}), encoding="utf-8")
    monkeypatch.setattr("forms.shipped.DEFINITIONS_DIR", tmp_path)
    errors = check_form_definitions()
    assert [e.id for e in errors] == ["surveys.E001"]
