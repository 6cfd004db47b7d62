"""Exports: exact content per format, scope, streaming, and the background job path."""

import csv
import io
import json
import uuid

import pytest
from django.http import StreamingHttpResponse
from openpyxl import load_workbook

from server.accounts.models import Role
from server.exports.models import ExportJob, JobStatus
from tests.server.conftest import client_for

pytestmark = pytest.mark.django_db

HOUSEHOLD_HEADER_VI = [
    "Mã hộ",
    "Chủ hộ",
    "Mã xã",
    "Xã",
    "Mã thôn",
    "Thôn",
    "Địa chỉ",
    "Vĩ độ",
    "Kinh độ",
    "Dân tộc thiểu số",
    "Có người có công",
    "Hưởng trợ giúp xã hội",
    "Không có khả năng lao động",
    "Tình trạng chính thức",
    "Năm rà soát của tình trạng",
    "Phân loại theo lần chấm điểm gần nhất",
    "Năm rà soát của lần chấm điểm",
]
HD001 = [
    "HD001", "Nguyễn Văn A", "90001", "Xã Một", "90001001", "Thôn Nà Pò", "Thôn Nà Pò",
    "22.666", "106.257", "Không", "Không", "Không", "Không", "Hộ nghèo", "2025", "", "",
]  # fmt: skip
HD002 = [
    "HD002", "Lò Thị Cúc", "90001", "Xã Một", "90001002", "Thôn Bản Chang", "",
    "", "", "Có", "Không", "Không", "Không", "Hộ cận nghèo", "2025", "", "",
]  # fmt: skip


def body(response: StreamingHttpResponse) -> bytes:
    return b"".join(response.streaming_content)  # type: ignore[arg-type]


def test_household_csv_is_streamed_with_exact_rows_in_scope(personas, three):
    client = client_for(personas[Role.PROVINCE_ADMIN])
    response = client.get("/api/v1/exports/households.csv", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = body(response).decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [HOUSEHOLD_HEADER_VI, HD001, HD002]


def test_household_csv_headers_in_english(personas, three):
    client = client_for(personas[Role.PROVINCE_ADMIN])
    response = client.get("/api/v1/exports/households.csv", HTTP_ACCEPT_LANGUAGE="en")
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8")[1:])))
    assert rows[0][:2] == ["Household code", "Head of household"]
    assert rows[1][13] == "Poor"


def test_household_xlsx_has_the_same_cells(personas, three):
    client = client_for(personas[Role.PROVINCE_ADMIN])
    response = client.get("/api/v1/exports/households.xlsx", HTTP_ACCEPT_LANGUAGE="vi")
    assert isinstance(response, StreamingHttpResponse)
    sheet = load_workbook(io.BytesIO(body(response)), read_only=True).active
    # Empty trailing cells are not written at all; pad them back for the comparison.
    values = [[*row, *[None] * (17 - len(row))] for row in sheet.iter_rows(values_only=True)]
    assert values[0] == HOUSEHOLD_HEADER_VI
    assert values[1] == [
        "HD001", "Nguyễn Văn A", "90001", "Xã Một", "90001001", "Thôn Nà Pò", "Thôn Nà Pò",
        22.666, 106.257, "Không", "Không", "Không", "Không", "Hộ nghèo", 2025, None, None,
    ]  # fmt: skip
    assert values[2][0] == "HD002"
    assert len(values) == 3


def test_household_geojson_points_and_null_geometry(personas, three):
    client = client_for(personas[Role.PROVINCE_ADMIN])
    response = client.get("/api/v1/exports/households.geojson")
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(body(response))
    assert data == {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [106.257, 22.666]},
                "properties": {
                    "id": str(three["in"].pk),
                    "code": "HD001",
                    "head_name": "Nguyễn Văn A",
                    "status": "poor",
                    "engine_class": None,
                },
            },
            {
                "type": "Feature",
                "geometry": None,
                "properties": {
                    "id": str(three["second"].pk),
                    "code": "HD002",
                    "head_name": "Lò Thị Cúc",
                    "status": "near_poor",
                    "engine_class": None,
                },
            },
        ],
    }


def test_members_csv_masks_citizen_ids_for_a_reviewer(personas, three):
    client = client_for(personas[Role.DISTRICT_REVIEWER])
    response = client.get("/api/v1/exports/members.csv", HTTP_ACCEPT_LANGUAGE="vi")
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8")[1:])))
    assert rows[1:] == [
        ["HD001", "90001", "90001001", "Nguyễn Văn A", "Nam", "1980", "Chủ hộ", "Tày", "********2345"],
        ["HD001", "90001", "90001001", "Nguyễn Thị Bích", "Nữ", "2012", "Con", "Tày", ""],
        ["HD002", "90001", "90001002", "Lò Thị Cúc", "Nữ", "1980", "Chủ hộ", "Tày", ""],
    ]  # fmt: skip


def test_members_csv_shows_whole_ids_to_a_commune_officer(personas, three):
    client = client_for(personas[Role.COMMUNE_OFFICER])
    response = client.get("/api/v1/exports/members.csv")
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8")[1:])))
    assert rows[1][8] == "001080012345"


def test_a_volunteer_exports_only_their_village(personas, three):
    client = client_for(personas[Role.VOLUNTEER])
    response = client.get("/api/v1/exports/households.csv")
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8")[1:])))
    assert [row[0] for row in rows[1:]] == ["HD001"]


def test_a_unit_outside_the_area_answers_404_and_narrowing_works(personas, three):
    client = client_for(personas[Role.COMMUNE_OFFICER])
    assert client.get("/api/v1/exports/households.csv?unit=91002").status_code == 404
    assert client.get("/api/v1/exports/households.csv?unit=NOPE").status_code == 404
    response = client.get("/api/v1/exports/households.csv?unit=90001002")
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8")[1:])))
    assert [row[0] for row in rows[1:]] == ["HD002"]


def test_another_province_is_never_in_the_file(personas, three):
    client = client_for(personas[Role.PROVINCE_ADMIN])
    for fmt in ("csv", "geojson"):
        for dataset in ("households", "members", "assessments"):
            content = body(client.get(f"/api/v1/exports/{dataset}.{fmt}")).decode("utf-8")
            assert "HD900" not in content
            assert "Trần Văn Bình" not in content


def test_export_job_runs_eagerly_and_downloads_for_its_owner_only(
    personas, three, django_capture_on_commit_callbacks
):
    owner = personas[Role.PROVINCE_ADMIN]
    client = client_for(owner)
    request_id = str(uuid.uuid4())
    payload = {"request_id": request_id, "dataset": "households", "format": "csv"}
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post("/api/v1/exports/jobs/", payload, format="json")
    assert len(callbacks) == 1
    assert response.status_code == 202
    job = ExportJob.objects.get()
    assert (job.status, job.rows_done, job.rows_total) == (JobStatus.DONE, 2, 2)
    detail = client.get(f"/api/v1/exports/jobs/{job.pk}/").json()
    assert detail["status"] == "done"
    assert detail["download_url"] == f"/api/v1/exports/jobs/{job.pk}/file/"
    download = client.get(detail["download_url"])
    assert download.status_code == 200
    text = b"".join(download.streaming_content).decode("utf-8")
    assert [line.split(",")[0] for line in text[1:].splitlines()[1:]] == ["HD001", "HD002"]

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = client.post("/api/v1/exports/jobs/", payload, format="json")
    assert (again.status_code, len(callbacks)) == (200, 0)
    assert ExportJob.objects.count() == 1

    other = client_for(personas[Role.COMMUNE_OFFICER])
    assert other.get(f"/api/v1/exports/jobs/{job.pk}/").status_code == 404
    assert other.get(f"/api/v1/exports/jobs/{job.pk}/file/").status_code == 404
    assert other.get("/api/v1/exports/jobs/").json() == []


def test_export_job_for_a_unit_outside_the_area_stores_nothing(personas, three):
    client = client_for(personas[Role.COMMUNE_OFFICER])
    payload = {
        "request_id": str(uuid.uuid4()),
        "dataset": "households",
        "format": "xlsx",
        "unit": "91",
    }
    assert client.post("/api/v1/exports/jobs/", payload, format="json").status_code == 404
    assert ExportJob.objects.count() == 0


def test_map_endpoint_is_scoped_geojson(personas, three):
    client = client_for(personas[Role.VOLUNTEER])
    data = json.loads(body(client.get("/api/v1/map/households/")))
    assert [f["properties"]["code"] for f in data["features"]] == ["HD001"]


def test_a_file_accept_header_is_not_refused(personas, three):
    client = client_for(personas[Role.PROVINCE_ADMIN])
    response = client.get("/api/v1/exports/households.geojson", HTTP_ACCEPT="application/geo+json")
    assert response.status_code == 200
    csv_response = client.get("/api/v1/exports/households.csv", HTTP_ACCEPT="text/csv")
    assert csv_response.status_code == 200


def test_support_records_export_in_scope(personas, three):
    from datetime import date

    from server.support.models import Programme, SupportRecord

    campaign = Programme.objects.get(code="xoa-nha-tam")
    for household, ref in ((three["in"], "QĐ 12/UBND"), (three["out"], "QĐ 99/UBND")):
        SupportRecord.objects.create(
            household=household, programme=campaign, work="new_build", amount=60_000_000,
            decision_ref=ref, approved_on=date(2025, 2, 20), planned_start=date(2025, 3, 1),
        )  # fmt: skip
    client = client_for(personas[Role.COMMUNE_OFFICER])
    response = client.get("/api/v1/exports/support.csv", HTTP_ACCEPT_LANGUAGE="vi")
    rows = list(csv.reader(io.StringIO(body(response).decode("utf-8")[1:])))
    assert rows[0][:5] == ["Mã hộ", "Mã xã", "Mã thôn", "Chủ hộ", "Chương trình"]
    assert rows[1:] == [
        ["HD001", "90001", "90001001", "Nguyễn Văn A", campaign.name_vi, "Xây mới",
         "60000000", "QĐ 12/UBND", "2025-02-20", "2025-03-01", ""],
    ]  # fmt: skip
