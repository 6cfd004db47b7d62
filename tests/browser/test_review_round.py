"""The review round in the staff console, walked in Chromium as the people who run it.

A commune officer takes the demo-like commune from survey to certificates: a meeting where
one household gets exactly 50% and another 49%, a posting the day before Tết whose end
skips the holiday, a complaint and its re-check, the decision, and the certificates PDF.
A district reviewer then filters the queue by a flag and returns one household with a
comment pointing at a question. Screenshots at 360×640 and 1280×800 go to docs/review/.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from server.accounts.models import Role, UnitAssignment, User
from server.registry.models import Household, Unit
from server.registry.services import household_create, unit_create
from server.review.models import DecisionEntry, HouseholdReview, MeetingVote
from server.submissions.models import ReviewStatus, Submission
from tests.browser.driver import PASSWORD
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import push, survey_answers, survey_item

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "review"
PHONE = {"width": 360, "height": 640}
LAPTOP = {"width": 1280, "height": 800}
ATTENDEES = 100


@dataclass
class Commune:
    commune: Unit
    officer: User
    reviewer: User
    passes: Household  # 50 of 100 agree
    fails: Household  # 49 of 100 agree
    flagged: Household  # surveyed, not in the round: the reviewer returns it


def _household(village: Unit, code: str, name: str) -> Household:
    head = {"full_name": name, "sex": "male", "birth_year": 1975, "relation": "head"}
    return household_create(
        actor=None,
        village=village,
        members=[{**head, "ethnicity": "tay"}],
        data={"code": code, "head_name": name, "address": village.name},
    )


@pytest.fixture
def commune(transactional_db: None) -> Commune:
    """A rural commune with two villages, three surveyed households, an officer and a reviewer."""
    from server.surveys.services import publish_shipped_forms

    publish_shipped_forms()
    province = unit_create(code="96", name="Tỉnh Cao Bằng (thử)", level="province", parent=None)
    district = unit_create(code="96-D1", name="Huyện Hà Quảng", level="district", parent=province)
    commune = unit_create(
        code="96001", name="Xã Trường Hà", level="commune", parent=district, area_type="rural"
    )
    village_a = unit_create(code="96001001", name="Thôn Nà Mạ", level="village", parent=commune)
    village_b = unit_create(code="96001002", name="Thôn Cốc Sâu", level="village", parent=commune)
    officer = User.objects.create_user(
        username="canbo", password=PASSWORD, role=Role.COMMUNE_OFFICER, first_name="Nông Thị Hạnh"
    )
    UnitAssignment.objects.create(user=officer, unit=commune)
    reviewer = User.objects.create_user(
        username="thamdinh",
        password=PASSWORD,
        role=Role.DISTRICT_REVIEWER,
        first_name="Lục Văn Sơn",
    )
    UnitAssignment.objects.create(user=reviewer, unit=district)
    volunteer = User.objects.create_user(username="ctv", password=PASSWORD, role=Role.VOLUNTEER)
    UnitAssignment.objects.create(user=volunteer, unit=commune)
    passes = _household(village_a, "HD001", "Hoàng Văn Páo")
    fails = _household(village_a, "HD002", "Lò Thị Mai")
    flagged = _household(village_b, "HD003", "Nông Văn Sử")
    phone = client_for(volunteer)
    for target in (passes, fails, flagged):
        answers = survey_answers()
        answers.update(review_year=2025, survey_date="2025-10-10")
        answers["members"][0]["full_name"] = target.head_name
        if target is flagged:
            # 72,000,000 a year for 4 people: 1,500,000 a month each, on the poverty line.
            answers["income_agriculture"] = 72_000_000
        item = survey_item(target, answers)
        assert push(phone, item).json()["items"][0]["outcome"] == "accepted"
    return Commune(commune, officer, reviewer, passes, fails, flagged)


def _sign_in(page: Any, base: str, username: str) -> None:
    page.goto(base + "/console/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button.btn-primary")
    page.wait_for_url(base + "/console/")


def _shot(page: Any, name: str) -> None:
    """The page as a phone and as a laptop shows it; the laptop one whole."""
    for size, label, whole in ((PHONE, "360", False), (LAPTOP, "1280", True)):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"{name}-{label}.png"), full_page=whole)
    page.set_viewport_size(LAPTOP)


def _row_form(page: Any, code: str, button: str) -> None:
    page.locator("#households tr", has_text=code).get_by_role(
        "button", name=button, exact=True
    ).click()
    page.wait_for_load_state()


def test_an_officer_runs_the_round_and_a_reviewer_returns_a_household(
    live_server: Any, page: Any, commune: Commune
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    page.set_viewport_size(LAPTOP)
    _sign_in(page, base, "canbo")
    _shot(page, "01-home-officer")

    # Open the 2025 round, list the commune, screen both in and take their surveys' class.
    page.goto(base + "/console/review/rounds/")
    page.select_option("#id_commune", label="Xã Trường Hà")
    page.fill("#id_year", "2025")
    page.click("form button[type=submit]")
    page.wait_for_selector("#households")
    round_url = page.url
    page.click("text=Lập danh sách các hộ của xã")
    for code in ("HD001", "HD002"):
        _row_form(page, code, "Qua sàng lọc")
        _row_form(page, code, "Lấy kết quả phiếu điều tra")
    _shot(page, "02-round-surveyed")

    # The village meeting: 100 attendees; 50 agree (exactly 50%) and 49 agree (49%).
    page.goto(round_url + "meeting/")
    page.select_option("#id_village", label="Thôn Nà Mạ")
    page.fill("#id_held_on", "2026-02-10")
    page.fill("#id_chair", "Hoàng Văn Chủ")
    page.fill("#id_supervisor", "Nông Thị Giám")
    page.fill("#id_attendees", str(ATTENDEES))
    page.fill(f"#agree-{commune.passes.pk}", "50")
    page.fill(f"#agree-{commune.fails.pk}", "49")
    _shot(page, "03-meeting-50-and-49")
    page.click("form button.btn-primary")
    page.wait_for_selector("#meetings")
    votes = {v.household_id: v.passed for v in MeetingVote.objects.all()}
    assert votes == {commune.passes.pk: True, commune.fails.pk: False}

    # The posting starts on 16/02/2026, the day before Tết: it ends on 25/02/2026.
    page.goto(round_url + "posting/")
    page.fill("#id_starts_on", "2026-02-16")
    page.dispatch_event("#id_starts_on", "change")
    expect(page.locator("#ends-on")).to_have_text("25/02/2026")
    _shot(page, "04-posting-before-tet")
    page.click("text=Niêm yết danh sách")
    page.wait_for_selector("#postings")
    assert "25/02/2026" in page.inner_text("#postings")

    # A complaint about HD001 while posted, then its re-check (dismissed), posted again.
    page.locator("#households tr", has_text="HD001").get_by_role(
        "link", name="Nhận khiếu nại"
    ).click()
    page.fill("#id_complainant", "Hà Văn Khiếu")
    page.fill("#id_disputed", "Hộ có xe máy mới, thu nhập cao hơn kê khai")
    page.fill("#id_received_on", "2026-02-18")
    page.click("form button.btn-primary")
    page.wait_for_selector("#complaints")
    page.locator("#complaints").get_by_role("link", name="Ghi kết quả phúc tra").click()
    page.select_option("#id_result", "dismissed")
    page.fill("#id_note", "Xe máy mua trả góp; thu nhập đúng như kê khai")
    page.fill("#id_rechecked_on", "2026-02-24")
    _shot(page, "05-recheck")
    page.click("form button.btn-primary")
    page.wait_for_selector("#complaints")
    _shot(page, "06-round-posted")

    # Nothing official changed yet; then the decision, the only writer of the status.
    statuses = dict(Household.objects.values_list("code", "status"))
    assert statuses == {"HD001": "not_reviewed", "HD002": "not_reviewed", "HD003": "not_reviewed"}
    page.goto(round_url + "decision/")
    page.fill("#id_number", "15/QĐ-UBND")
    page.fill("#id_signed_on", "2026-03-10")
    page.fill("#id_signer", "Lục Văn Chủ tịch")
    _shot(page, "07-decision")
    page.click("form button.btn-primary")
    page.wait_for_selector("#decision table")
    entry = DecisionEntry.objects.get()
    assert (entry.household_id, entry.decided_class) == (commune.passes.pk, "poor")
    statuses = dict(Household.objects.values_list("code", "status"))
    assert statuses == {"HD001": "poor", "HD002": "not_reviewed", "HD003": "not_reviewed"}

    # Certificates, then the whole decision's PDF opened.
    page.click("#decision form button")
    page.wait_for_selector("#decision a[href*='certificates.pdf?household']")
    _shot(page, "08-certificates")
    pdf_url = page.get_attribute("#decision a.btn-primary", "href")
    response = page.request.get(base + pdf_url)
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body()[:5] == b"%PDF-"

    # The officer's dashboard and the household page of HD001.
    page.goto(base + "/console/review/dashboard/")
    _shot(page, "09-dashboard-officer")
    page.goto(base + f"/console/review/households/{commune.passes.pk}/")
    html = page.content()
    assert "members[" not in html
    assert ".latrine =" not in html
    _shot(page, "10-household")
    page.click("form[action='/console/logout/'] button")

    # The district reviewer: all communes' progress, the queue filtered by a flag, a return.
    _sign_in(page, base, "thamdinh")
    page.goto(base + "/console/review/dashboard/")
    assert "Xã Trường Hà" in page.inner_text("#communes")
    _shot(page, "11-dashboard-reviewer")
    page.goto(base + "/console/review/queue/")
    page.click(".queue-more summary")
    page.check("input[name=flag][value=income_near_line]")
    expect(page.locator("#queue-rows input[name=households]")).to_have_count(1)
    assert "HD003" in page.inner_text("#queue-rows")
    _shot(page, "12-queue-flagged")
    page.check(f"input[name=households][value='{commune.flagged.pk}']")
    page.select_option("#bulk-action", "return")
    page.fill("#bulk-comment", "Kiểm tra lại loại nhà tiêu, chụp ảnh nhà tiêu")
    page.select_option("#bulk-fields", "latrine")
    page.click("text=Tiếp tục")
    page.wait_for_selector("text=HD003")
    _shot(page, "13-return-confirm")
    page.click("form button.btn-danger")
    page.wait_for_selector(".messages")
    returned = Submission.objects.get(household=commune.flagged)
    assert (returned.review_status, returned.review_fields) == (ReviewStatus.RETURNED, ["latrine"])
    assert returned.review_comment == "Kiểm tra lại loại nhà tiêu, chụp ảnh nhà tiêu"
    in_round = HouseholdReview.objects.get(household=commune.flagged)
    assert (in_round.returned, in_round.return_fields) == (True, ["latrine"])
    assert page.errors == []
