"""Console pages of exports, map and reports: staff only, scoped, in Vietnamese."""

import uuid

import pytest
from django.test import Client

from server.accounts.models import Role
from server.exports.models import ExportJob, SentReport

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/console/exports/",
        "/console/exports/map/",
        "/console/exports/reports/",
        "/console/exports/reports/calendar/",
        "/console/exports/reports/print/?template=summary-2016-2020&unit=90001",
        "/console/exports/reports/print/?template=tt07-2021-phu-luc-vi&unit=90001",
        "/console/exports/reports/print/?template=status-summary&unit=90001&year=2025",
    ],
)
def test_pages_open_for_a_commune_officer_and_not_for_a_volunteer(personas, three, url):
    assert signed_in(personas[Role.COMMUNE_OFFICER]).get(url).status_code == 200
    assert signed_in(personas[Role.VOLUNTEER]).get(url).status_code == 403


def test_print_page_of_another_area_answers_404(personas, three):
    client = signed_in(personas[Role.COMMUNE_OFFICER])
    url = "/console/exports/reports/print/?template=summary-2016-2020&unit=91002"
    assert client.get(url).status_code == 404


def test_print_page_shows_vietnamese_figures(personas, three):
    client = signed_in(personas[Role.COMMUNE_OFFICER])
    page = client.get(
        "/console/exports/reports/print/?template=status-summary&unit=90001",
        HTTP_ACCEPT_LANGUAGE="vi",
    ).content.decode()
    assert "Tổng hợp hộ nghèo, hộ cận nghèo theo tình trạng chính thức hiện tại" in page
    assert "<td>Tổng</td><td>2</td><td>0</td><td>2</td><td>1</td><td>50,00</td>" in page


def test_background_export_from_the_console_polls_until_ready(
    personas, three, django_capture_on_commit_callbacks
):
    client = signed_in(personas[Role.PROVINCE_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        row = client.post(
            "/console/exports/jobs/",
            {"dataset": "households", "format": "xlsx", "request_id": str(uuid.uuid4())},
            HTTP_HX_REQUEST="true",
        )
    job = ExportJob.objects.get()
    assert 'hx-trigger="every 1s"' in row.content.decode()
    ready = client.get(f"/console/exports/jobs/{job.pk}/").content.decode()
    assert "hx-trigger" not in ready
    assert f"/api/v1/exports/jobs/{job.pk}/file/" in ready
    other = signed_in(personas[Role.COMMUNE_OFFICER])
    assert other.get(f"/console/exports/jobs/{job.pk}/").status_code == 404


def test_sending_from_the_console_freezes_a_version(personas, three):
    client = signed_in(personas[Role.COMMUNE_OFFICER])
    data = {
        "unit": "90001",
        "template": "tt07-2021-phu-luc-vi",
        "kind": "preliminary",
        "period": "2025",
        "request_id": str(uuid.uuid4()),
    }
    assert client.post("/console/exports/reports/", data).status_code == 302
    report = SentReport.objects.get()
    assert (report.version, report.kind, len(report.rows)) == (1, "preliminary", 2)
    bad = client.post("/console/exports/reports/", {**data, "period": "25", "request_id": ""})
    assert bad.status_code == 302
    assert SentReport.objects.count() == 1


def test_the_map_has_no_tile_source_unless_one_is_set(personas, three, settings):
    client = signed_in(personas[Role.COMMUNE_OFFICER])
    assert 'data-tiles=""' in client.get("/console/exports/map/").content.decode()
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    page = client.get("/console/exports/map/?unit=90001").content.decode()
    assert 'data-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in page
    assert 'data-url="/api/v1/map/households/?unit=90001"' in page
