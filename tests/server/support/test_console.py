"""Console pages: access by role and area, counts that equal the records, forms, PDFs."""

import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from server.accounts.models import Role
from server.registry.services import household_create
from server.support.models import Payment, PhotoFlag, SignedDocument
from server.support.progress import daily_rollup, dashboard
from server.support.services import payment_record, stage_proof_submit
from server.support.sitephotos import site_jpeg
from server.support.stages import Stage
from tests.server.support.conftest import make_record, place, upload
from tests.server.support.test_payments import prove_up_to
from tests.server.support.test_proofs import now_local


def browser(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def village_records(personas, tree, campaign, household_in):
    """Four records in commune 90001 at known stages, one overdue, one first payment."""
    admin = personas[Role.PROVINCE_ADMIN]
    homes = [place(household_in)] + [
        place(
            household_create(
                actor=None,
                village=tree.village1b if i % 2 else tree.village1a,
                members=[],
                data={"code": f"HD10{i}", "head_name": f"Chủ hộ {i}"},
            )
        )
        for i in range(1, 4)
    ]
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    records = [
        make_record(admin, homes[0], campaign),
        make_record(admin, homes[1], campaign, stage_due={"started": yesterday}),
        make_record(admin, homes[2], campaign, work="repair"),
        make_record(admin, homes[3], campaign),
    ]
    prove_up_to(admin, records[2], Stage.STARTED)
    prove_up_to(admin, records[3], Stage.COMPLETED)
    payment_record(
        user=admin,
        record_id=records[3].pk,
        instalment="first",
        paid_on=timezone.localdate(),
        reference="UNC-7",
    )
    return records


def test_dashboard_counts_equal_the_records(personas, tree, campaign, village_records):
    rows, total = dashboard(
        user=personas[Role.COMMUNE_OFFICER], unit=tree.commune1, programme=campaign
    )
    assert total.counts == {
        "approved": 2,
        "started": 1,
        "under_construction": 0,
        "completed": 1,
        "in_use": 0,
    }
    assert total.records == 4
    assert (total.overdue, total.committed, total.paid) == (1, 210_000_000, 42_000_000)
    by_village = {r.unit.code: (r.records, r.committed) for r in rows}
    assert by_village == {"90001001": (2, 90_000_000), "90001002": (2, 120_000_000)}


def test_the_province_page_drills_down_to_districts(personas, tree, campaign, village_records):
    rows, total = dashboard(user=personas[Role.PROVINCE_ADMIN], unit=tree.province, programme=None)
    assert [(r.unit.code, r.records) for r in rows] == [("90-D1", 4)]
    assert total.records == 4


def test_the_daily_rollup_counts_today_s_stages_and_payments(
    personas, tree, campaign, village_records
):
    rows = daily_rollup(
        user=personas[Role.COMMUNE_OFFICER], unit=tree.commune1, programme=campaign, days=3
    )
    today = [r for r in rows if r.day == timezone.localdate()]
    assert sorted(
        (
            r.unit.code,
            r.proved["started"],
            r.proved["under_construction"],
            r.proved["completed"],
            r.paid,
        )
        for r in today
    ) == [
        ("90001001", 1, 0, 0, 0),
        ("90001002", 1, 3, 1, 42_000_000),
    ]


def test_the_dashboard_page_shows_the_same_totals(personas, tree, campaign, village_records):
    response = browser(personas[Role.COMMUNE_OFFICER]).get(
        "/console/support/", {"unit": tree.commune1.code, "programme": campaign.code}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<th class="num">210.000.000</th><th class="num">42.000.000</th>' in html
    assert html.count('href="/console/support/records/') == 4


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.VOLUNTEER, 403),
        (Role.DISTRICT_REVIEWER, 403),
        (Role.SUPPORT_STAFF, 200),
        (Role.COMMUNE_OFFICER, 200),
        (Role.PROVINCE_ADMIN, 200),
    ],
)
def test_console_pages_by_role_inside_the_area(personas, record, role, status):
    client = browser(personas[role])
    assert client.get("/console/support/").status_code == status
    assert client.get(f"/console/support/records/{record.pk}/").status_code == status


@pytest.mark.parametrize("role", [Role.SUPPORT_STAFF, Role.COMMUNE_OFFICER, Role.PROVINCE_ADMIN])
def test_a_record_outside_the_area_is_404_on_the_console(personas, record_out, role):
    client = browser(personas[role])
    assert client.get(f"/console/support/records/{record_out.pk}/").status_code == 404
    assert (
        client.get(f"/console/support/records/{record_out.pk}/documents/completion.pdf").status_code
        == 404
    )
    assert client.get("/console/support/", {"unit": "91"}).status_code == 404


def test_the_record_page_shows_photos_flags_and_a_clear_form(personas, record):
    staff = personas[Role.SUPPORT_STAFF]
    proof = stage_proof_submit(
        user=staff,
        proof_id=uuid.uuid4(),
        record_id=record.pk,
        stage="started",
        note="",
        device=None,
    )
    upload(proof.pk, site_jpeg(seed=61, gps=None, taken_at=now_local()))
    html = browser(staff).get(f"/console/support/records/{record.pk}/").content.decode()
    assert f"/api/v1/support/records/{record.pk}/photos/{proof.pk}/p1.jpg?size=thumb" in html
    flag = PhotoFlag.objects.get()
    assert f"/console/support/flags/{flag.pk}/clear/" in html


def test_clearing_a_flag_on_the_console_without_a_reason_changes_nothing(personas, record):
    staff = personas[Role.SUPPORT_STAFF]
    proof = stage_proof_submit(
        user=staff,
        proof_id=uuid.uuid4(),
        record_id=record.pk,
        stage="started",
        note="",
        device=None,
    )
    upload(proof.pk, site_jpeg(seed=62, gps=None, taken_at=now_local()))
    flag = PhotoFlag.objects.get()
    client = browser(staff)
    response = client.post(f"/console/support/flags/{flag.pk}/clear/", {"reason": " "})
    assert response.status_code == 400
    flag.refresh_from_db()
    assert flag.cleared_at is None
    response = client.post(f"/console/support/flags/{flag.pk}/clear/", {"reason": "Trong nhà"})
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.clear_reason == "Trong nhà"


def test_a_payment_form_for_an_unproved_stage_is_refused_and_nothing_changes(personas, record):
    client = browser(personas[Role.COMMUNE_OFFICER])
    response = client.post(
        f"/console/support/records/{record.pk}/pay/",
        {"instalment": "first", "paid_on": "2025-03-01", "reference": "UNC-1"},
    )
    assert response.status_code == 400
    assert Payment.objects.count() == 0


def test_the_completion_record_prints_as_a_pdf_and_takes_a_signed_scan(personas, record):
    officer = personas[Role.COMMUNE_OFFICER]
    client = browser(officer)
    response = client.get(f"/console/support/records/{record.pk}/documents/completion.pdf")
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response.content.startswith(b"%PDF-")
    scan = b"%PDF-1.4 signed"
    url = f"/console/support/records/{record.pk}/documents/completion/scan/"
    early = client.post(url, {"scan": SimpleUploadedFile("s.pdf", scan, "application/pdf")})
    assert early.status_code == 400
    assert SignedDocument.objects.count() == 0
    prove_up_to(officer, record, Stage.COMPLETED)
    done = client.post(url, {"scan": SimpleUploadedFile("s.pdf", scan, "application/pdf")})
    assert done.status_code == 302
    assert client.get(url).content == scan
