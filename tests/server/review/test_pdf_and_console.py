"""PDFs (A4, Vietnamese text, certificate numbers) and the console's action pages."""

import io
from datetime import date

import pytest
from django.test import Client
from pypdf import PdfReader

from server.accounts.models import Role
from server.registry.models import Household
from server.review import services
from server.review.models import Decision, HouseholdReview
from tests.server.conftest import make_user
from tests.server.review.conftest import meeting
from tests.server.review.test_services import snapshot

A4 = (595, 842)  # points, rounded


def _pages(content: bytes) -> list[str]:
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    for page in reader.pages:
        assert (round(page.mediabox.width), round(page.mediabox.height)) == A4
    return [page.extract_text() for page in reader.pages]


@pytest.fixture
def certified(tree, officer, annual, four):
    meeting(officer, annual, tree.village1a, [(four[0], 50), (four[1], 49), (four[2], 70)])
    services.posting_open(user=officer, round_id=annual.pk, starts_on=date(2026, 10, 12))
    decision = services.decision_issue(
        user=officer,
        round_id=annual.pk,
        number="15/QĐ-UBND",
        signed_on=date(2026, 11, 2),
        signer="Nguyễn Văn Chủ Tịch",
        entries=[
            services.Decided(four[0].household_id, "poor"),
            services.Decided(four[2].household_id, "near_poor", "Có thu nhập mới"),
        ],
    )
    services.certificates_issue(user=officer, decision_id=decision.pk, issued_on=date(2026, 11, 3))
    return decision


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_decision_pdf_has_one_a4_page_per_certificate_with_its_number(officer, certified):
    response = _client(officer).get(
        f"/console/review/rounds/decisions/{certified.pk}/certificates.pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    pages = _pages(response.content)
    assert len(pages) == 2
    assert "001/GCN-HN.HCN" in pages[0]
    assert "002/GCN-HN.HCN" in pages[1]
    assert "Giấy chứng nhận hộ nghèo" in pages[0].replace("\n", " ")
    assert "Hộ số 0" in pages[0]


def test_one_households_certificate_pdf(officer, certified, four):
    url = (
        f"/api/v1/review/decisions/{certified.pk}/certificates.pdf?household={four[2].household_id}"
    )
    from tests.server.conftest import client_for

    pages = _pages(client_for(officer).get(url).content)
    assert len(pages) == 1
    assert "002/GCN-HN.HCN" in pages[0]


def test_the_minutes_pdf_lists_each_vote_with_diacritics(officer, certified):
    meeting_id = certified.round.meetings.get().pk
    pages = _pages(
        _client(officer).get(f"/console/review/rounds/meetings/{meeting_id}/minutes.pdf").content
    )
    text = " ".join(pages).replace("\n", " ")
    assert len(pages) == 1
    assert "Biên bản họp thôn bình xét hộ nghèo, hộ cận nghèo" in text
    assert "50/100" in text
    assert "49/100" in text
    assert "Hà Thị Mặt Trận" in text


def test_the_round_page_shows_steps_deadlines_and_pdf_links(officer, annual, certified):
    html = _client(officer).get(f"/console/review/rounds/{annual.pk}/").content.decode()
    assert "Thôn Nà Pò" in html
    assert "15/QĐ-UBND" in html
    assert f"/console/review/rounds/decisions/{certified.pk}/certificates.pdf" in html
    assert "20/12/2026" in html  # the official result's reporting deadline


def test_recording_a_meeting_in_the_console_passes_50_and_returns_49_percent(
    tree, officer, annual, four
):
    response = _client(officer).post(
        f"/console/review/rounds/{annual.pk}/meeting/",
        {
            "village": tree.village1a.pk,
            "held_on": "2026-10-05",
            "chair": "Lò Văn Chủ",
            "supervisor": "Hà Thị Mặt Trận",
            "attendees": "100",
            f"agree-{four[0].household_id}": "50",
            f"agree-{four[1].household_id}": "49",
        },
    )
    assert response.status_code == 302
    steps = [HouseholdReview.objects.get(pk=r.pk).step for r in four[:2]]
    assert steps == ["discussed", "surveyed"]


def test_the_posting_page_shows_the_end_date_after_tet(officer, tree, personas):
    round_2027 = services.round_open(
        user=officer, commune_id=tree.commune1.pk, year=2027, kind="annual"
    )
    response = _client(officer).get(
        f"/console/review/rounds/{round_2027.pk}/posting/",
        {"starts_on": "2027-02-05"},
        HTTP_HX_REQUEST="true",
    )
    assert response.content.decode().strip() == "15/02/2027"


def test_an_override_without_reason_in_the_console_is_refused_in_vietnamese(
    tree, officer, annual, four
):
    meeting(officer, annual, tree.village1a, [(four[0], 60)])
    services.posting_open(user=officer, round_id=annual.pk, starts_on=date(2026, 10, 12))
    before = snapshot()
    key = four[0].household_id
    response = _client(officer).post(
        f"/console/review/rounds/{annual.pk}/decision/",
        {
            "number": "1/QĐ",
            "signed_on": "2026-11-02",
            "signer": "C",
            "household": [str(key)],
            f"class-{key}": "middle",
            f"reason-{key}": "",
        },
    )
    assert response.status_code == 400
    assert "khác với kết quả" in response.content.decode()
    assert snapshot() == before
    assert Decision.objects.count() == 0


@pytest.mark.parametrize("role", [Role.DISTRICT_REVIEWER, Role.SUPPORT_STAFF])
def test_roles_without_decide_are_refused_in_the_console_and_change_nothing(
    tree, personas, annual, four, role
):
    before = snapshot()
    response = _client(personas[role]).post(
        f"/console/review/rounds/{annual.pk}/households/{four[0].pk}/screen_out/"
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_a_volunteer_cannot_open_the_console_pages(personas, annual):
    assert (
        _client(personas[Role.VOLUNTEER]).get(f"/console/review/rounds/{annual.pk}/").status_code
        == 403
    )


def test_an_officer_of_another_commune_gets_404_on_every_page(tree, annual, four, certified):
    outsider = _client(make_user("other", Role.COMMUNE_OFFICER, tree.commune2))
    before = snapshot()
    urls = [
        f"/console/review/rounds/{annual.pk}/",
        f"/console/review/rounds/{annual.pk}/meeting/",
        f"/console/review/rounds/{annual.pk}/posting/",
        f"/console/review/rounds/{annual.pk}/decision/",
        f"/console/review/rounds/{annual.pk}/households/{four[0].pk}/return/",
        f"/console/review/rounds/decisions/{certified.pk}/certificates.pdf",
    ]
    assert [outsider.get(u).status_code for u in urls] == [404] * 6
    posts = [
        f"/console/review/rounds/{annual.pk}/households/{four[3].pk}/score/",
        f"/console/review/rounds/decisions/{certified.pk}/certificates/",
        f"/console/review/rounds/{annual.pk}/list/",
    ]
    assert [outsider.post(u).status_code for u in posts] == [404] * 3
    assert snapshot() == before


def test_a_reviewer_returns_a_household_from_the_console(personas, annual, four):
    response = _client(personas[Role.DISTRICT_REVIEWER]).post(
        f"/console/review/rounds/{annual.pk}/households/{four[3].pk}/return/",
        {"comment": "Xem lại thu nhập", "revision": four[3].revision},
    )
    assert response.status_code == 302
    review = HouseholdReview.objects.get(pk=four[3].pk)
    assert (review.step, review.returned, review.return_comment) == (
        "screened",
        True,
        "Xem lại thu nhập",
    )
    assert Household.objects.get(pk=four[3].household_id).status == "not_reviewed"


def test_rendering_pdfs_leaves_truncated_images_refused(officer, certified):
    from PIL import ImageFile

    _client(officer).get(f"/console/review/rounds/decisions/{certified.pk}/certificates.pdf")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(out, "PNG")
    return out.getvalue()


def test_the_signed_minutes_are_attached_and_shown_only_inside_the_area(
    tree, officer, annual, certified
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.server.conftest import client_for

    meeting_id = certified.round.meetings.get().pk
    url = f"/api/v1/review/meetings/{meeting_id}/scan/"
    client = client_for(officer)
    assert client.get(url).status_code == 404  # nothing attached yet
    png = SimpleUploadedFile("bien-ban.png", _png(), content_type="image/png")
    assert client.post(url, {"file": png}, format="multipart").status_code == 200
    shown = client.get(url)
    assert (shown.status_code, shown["Content-Type"]) == (200, "image/png")
    outsider = client_for(make_user("far", Role.COMMUNE_OFFICER, tree.commune2))
    assert outsider.get(url).status_code == 404


def test_a_truncated_scan_is_refused_and_nothing_is_stored(officer, annual, certified):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.server.conftest import client_for

    meeting = certified.round.meetings.get()
    url = f"/api/v1/review/meetings/{meeting.pk}/scan/"
    broken = SimpleUploadedFile("x.png", _png()[:-30], content_type="image/png")
    response = client_for(officer).post(url, {"file": broken}, format="multipart")
    assert response.status_code == 400
    assert [e["path"] for e in response.json()["errors"]] == ["file"]
    meeting.refresh_from_db()
    assert meeting.signed_scan.name == ""


def test_a_pdf_scan_is_kept_as_it_is(officer, certified):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.server.conftest import client_for

    meeting_id = certified.round.meetings.get().pk
    url = f"/api/v1/review/meetings/{meeting_id}/scan/"
    client = client_for(officer)
    pdf = SimpleUploadedFile("scan.pdf", b"%PDF-1.4 signed", content_type="application/pdf")
    assert client.post(url, {"file": pdf}, format="multipart").status_code == 200
    shown = client.get(url)
    assert (shown["Content-Type"], shown.content) == ("application/pdf", b"%PDF-1.4 signed")
