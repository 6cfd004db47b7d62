"""Official reports: layouts as data, sending freezes them, corrections, the calendar."""

import io
import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook

from server.accounts.models import Role
from server.common.errors import DomainValidationError
from server.exports import selectors, services
from server.exports.models import ReportTemplate, SentReport
from server.registry.services import household_status_set
from tests.server.conftest import client_for
from tests.server.exports.conftest import set_status

pytestmark = pytest.mark.django_db
SUMMARY = "status-summary"
TRANSITIONS = "summary-2016-2020"
LIST = "tt07-2021-phu-luc-vi"


def send(client, **overrides):
    payload = {
        "request_id": str(uuid.uuid4()),
        "template": SUMMARY,
        "unit": "90001",
        "kind": "official",
        "period": "2025",
        **overrides,
    }
    return client.post("/api/v1/reports/sent/", payload, format="json")


def test_national_templates_are_loaded_as_data():
    codes = list(ReportTemplate.objects.values_list("code", "kind"))
    assert codes == [(SUMMARY, "summary"), (TRANSITIONS, "summary"), (LIST, "list")]


def test_summary_preview_counts_official_statuses_per_village(personas, three):
    client = client_for(personas[Role.COMMUNE_OFFICER])
    data = client.get(f"/api/v1/reports/preview/?template={SUMMARY}&unit=90001").json()
    rows = [(r["unit_name"], r["households"], r["poor"], r["poor_pct"]) for r in data["rows"]]
    assert rows == [
        ("Thôn Nà Pò", 1, 1, 100.0),
        ("Thôn Bản Chang", 1, 0, 0.0),
        ("Tổng", 2, 1, 50.0),
    ]
    total = data["rows"][-1]
    assert (total["near_poor"], total["near_poor_ethnic_minority"]) == (1, 1)
    assert total["near_poor_ethnic_minority_pct"] == 100.0


def test_list_preview_is_the_poor_and_near_poor_households(personas, three):
    client = client_for(personas[Role.PROVINCE_ADMIN])
    data = client.get(f"/api/v1/reports/preview/?template={LIST}&unit=90").json()
    assert data["rows"] == [
        {"stt": 1, "head_name": "Nguyễn Văn A", "code": "HD001", "village": "Thôn Nà Pò",
         "address": "Thôn Nà Pò", "poor": "x", "near_poor": "", "ethnic_minority": "",
         "members": 2, "status_year": 2025},
        {"stt": 2, "head_name": "Lò Thị Cúc", "code": "HD002", "village": "Thôn Bản Chang",
         "address": "", "poor": "", "near_poor": "x", "ethnic_minority": "x",
         "members": 1, "status_year": 2025},
    ]  # fmt: skip


def test_a_sent_report_does_not_change_when_later_decisions_change_the_numbers(personas, three):
    officer = personas[Role.COMMUNE_OFFICER]
    response = send(client_for(officer))
    assert response.status_code == 201
    sent = response.json()
    assert (sent["version"], sent["sent_by"], sent["rows"][-1]["poor"]) == (1, "officer", 1)

    set_status(three["second"], "poor")
    set_status(three["in"], "not_poor")

    again = client_for(officer).get(f"/api/v1/reports/sent/{sent['id']}/").json()
    assert again["rows"] == sent["rows"]
    assert again["rows"][-1]["poor"] == 1
    report = SentReport.objects.get()
    sheet = load_workbook(io.BytesIO(report.file.read())).active
    cells = [row for row in sheet.iter_rows(values_only=True) if row[1] == "Tổng"]
    assert cells[0][2:6] == (2, 0, 2, 1)  # households, urban, rural, poor
    live = services.report_rows(officer, report.template, report.unit, 2025)
    assert live[-1]["poor"] == 1
    assert live[0]["poor"] == 0


def test_a_correction_is_a_new_version_beside_the_first(personas, three):
    client = client_for(personas[Role.COMMUNE_OFFICER])
    first = send(client).json()
    set_status(three["second"], "poor")
    second = send(client, note="Sửa sau quyết định bổ sung").json()
    assert (first["version"], second["version"]) == (1, 2)
    assert (first["rows"][-1]["poor"], second["rows"][-1]["poor"]) == (1, 2)
    assert SentReport.objects.count() == 2


def test_a_retried_send_is_stored_once(personas, three):
    client = client_for(personas[Role.COMMUNE_OFFICER])
    request_id = str(uuid.uuid4())
    first = send(client, request_id=request_id).json()
    second = send(client, request_id=request_id).json()
    assert first["id"] == second["id"]
    assert SentReport.objects.count() == 1


def test_refused_sends_store_nothing(personas, three):
    assert send(client_for(personas[Role.VOLUNTEER]), unit="90001001").status_code == 403
    assert send(client_for(personas[Role.SUPPORT_STAFF])).status_code == 403
    assert send(client_for(personas[Role.COMMUNE_OFFICER]), unit="91002").status_code == 404
    bad = send(client_for(personas[Role.COMMUNE_OFFICER]), kind="monthly", period="2025-11")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["path"] == "period"
    assert SentReport.objects.count() == 0


def test_sent_reports_of_another_area_answer_404(personas, three):
    sent = send(client_for(personas[Role.PROVINCE_ADMIN]), unit="90").json()
    outsider = client_for(personas[Role.COMMUNE_OFFICER])
    assert outsider.get(f"/api/v1/reports/sent/{sent['id']}/").status_code == 404
    assert outsider.get(f"/api/v1/reports/sent/{sent['id']}/file/").status_code == 404
    admin = client_for(personas[Role.PROVINCE_ADMIN])
    assert admin.get(f"/api/v1/reports/sent/{sent['id']}/file/").status_code == 200


def test_due_dates_follow_the_calendar():
    assert selectors.due_date("monthly", "2025-02") == date(2025, 2, 5)
    assert selectors.due_date("preliminary", "2025") == date(2025, 11, 15)
    assert selectors.due_date("official", "2025") == date(2025, 12, 20)
    with pytest.raises(DomainValidationError):
        selectors.due_date("monthly", "2025-10")


def test_calendar_shows_due_sent_and_late(personas, three):
    officer = personas[Role.COMMUNE_OFFICER]
    unit = selectors.unit_required(officer, "90001")
    template = selectors.template_for(unit, SUMMARY)
    on_time = services.report_send(
        user=officer, request_id=uuid.uuid4(), unit=unit, template=template,
        kind="monthly", period="2025-02",
    )  # fmt: skip
    late = services.report_send(
        user=officer, request_id=uuid.uuid4(), unit=unit, template=template,
        kind="monthly", period="2025-03",
    )  # fmt: skip
    hanoi = ZoneInfo("Asia/Ho_Chi_Minh")
    SentReport.objects.filter(pk=on_time.pk).update(sent_at=datetime(2025, 2, 5, 16, tzinfo=hanoi))
    SentReport.objects.filter(pk=late.pk).update(sent_at=datetime(2025, 3, 6, 8, tzinfo=hanoi))
    entries = selectors.calendar(officer, unit, 2025, today=date(2025, 11, 20))
    states = {(e["kind"], e["period"]): e["state"] for e in entries}
    assert states == {
        ("monthly", "2025-02"): "sent",
        ("monthly", "2025-03"): "sent_late",
        **{("monthly", f"2025-{m:02d}"): "late" for m in range(4, 10)},
        ("preliminary", "2025"): "late",
        ("official", "2025"): "due",
    }
    api = client_for(officer).get("/api/v1/reports/calendar/?unit=90001&year=2025").json()
    assert [e["period"] for e in api][:2] == ["2025-02", "2025-03"]
    assert api[0]["latest_version"] == 1


def test_a_template_naming_an_unknown_figure_is_refused():
    with pytest.raises(DomainValidationError) as refused:
        services.template_check("summary", [{"key": "poor", "header_vi": "Nghèo"}, {"key": "x"}])
    paths = [e.path for e in refused.value.errors]
    assert paths == ["columns[0].header_en", "columns[1].key", "columns[1].header_vi",
                     "columns[1].header_en"]  # fmt: skip


def decide(household, year, status):
    household_status_set(
        household=household, year=year, status=status, decided_on=date(year, 12, 10),
        decision_ref=f"QĐ {year}", actor=None, source="test",
    )  # fmt: skip


def test_the_2016_2020_summary_reads_the_year_from_the_status_history(personas, three):
    decide(three["in"], 2024, "poor")
    decide(three["second"], 2024, "not_poor")
    decide(three["in"], 2025, "not_poor")
    decide(three["second"], 2025, "poor")
    client = client_for(personas[Role.COMMUNE_OFFICER])
    url = f"/api/v1/reports/preview/?template={TRANSITIONS}&unit=90001&year=2025"
    total = client.get(url).json()["rows"][-1]
    picked = {k: total[k] for k in ("start_poor", "escaped_poverty", "newly_poor", "end_poor")}
    assert picked == {"start_poor": 1, "escaped_poverty": 1, "newly_poor": 1, "end_poor": 1}
    assert (total["start_poor_pct"], total["end_poor_pct"]) == (50.0, 50.0)
    assert total["em_end_poor"] == 1


def test_a_sent_2016_2020_summary_keeps_its_figures_after_a_new_decision(personas, three):
    decide(three["in"], 2024, "poor")
    decide(three["second"], 2024, "not_poor")
    decide(three["in"], 2025, "not_poor")
    officer = personas[Role.COMMUNE_OFFICER]
    sent = send(client_for(officer), template=TRANSITIONS, period="2025").json()
    assert sent["rows"][-1]["escaped_poverty"] == 1
    decide(three["second"], 2025, "poor")
    again = client_for(officer).get(f"/api/v1/reports/sent/{sent['id']}/").json()
    assert again["rows"] == sent["rows"]
    assert again["rows"][-1]["end_poor"] == 0
    live = (
        client_for(officer)
        .get(f"/api/v1/reports/preview/?template={TRANSITIONS}&unit=90001&year=2025")
        .json()
    )
    assert live["rows"][-1]["end_poor"] == 1
