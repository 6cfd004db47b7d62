"""End-to-end: the volunteer app in a real Chromium (360×640) against the real server.

Nothing on the server side is faked: the app talks to /api/v1/auth, /api/v1/forms,
/api/v1/sync/push, /api/v1/sync/pull and /api/v1/sync/attachments of the live server.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect
from rest_framework.test import APIClient

from server.accounts.services import device_register
from server.evidence.models import Attachment
from server.registry.models import Household
from server.registry.services import household_update
from server.submissions.explanations import assessments_explain
from server.submissions.models import Assessment, ReviewStatus, Submission
from server.sync_api.models import ConflictCopy
from tests.browser import driver
from tests.browser.camera import DATETIME_ORIGINAL, EXIF_IFD, GPS_IFD
from tests.browser.conftest import Area

pytestmark = [pytest.mark.browser, pytest.mark.slow]


# A hanging latrine makes the household deprived on W2, so the app has a reason to show.
DEPRIVED_REST = [(k, "hanging_over_water" if k == "latrine" else v) for k, v in driver.REST]


def fill_household_survey(
    page: Any, *, reload_offline_midway: bool = False, rest: list[Any] = driver.REST
) -> None:
    """Phiếu B for a family of four with two photos and a GPS fix."""
    assert driver.roster_names(page) == ["1. Nguyễn Văn An"]  # pulled from the registry
    driver.clear_roster(page)
    for key, value in driver.DWELLING:
        driver.answer(page, key, value)
    for index, answers in enumerate(driver.FAMILY):
        driver.add_member(page, index, answers)
    note = page.locator('[data-path="member_count_note"]')
    expect(note).to_have_text(f"Số nhân khẩu đã kê khai: {len(driver.FAMILY)}")
    driver.attach_photo(page, "photo_house_front", seed=1)
    driver.attach_photo(page, "photo_roof", seed=2)
    driver.wait_saved(page)
    if reload_offline_midway:
        page.reload()
        page.wait_for_selector("#finish")
        assert page.inner_text(".repeat h3 .count") == "(4)"
        assert page.locator(".photo-preview img").count() == 2
        assert page.input_value("#" + driver.field_id("living_area")) == "62.5"
    for key, value in rest:
        driver.answer(page, key, value)
    # Fixed rather than today's, so the household is judged by the same ruleset in any year.
    driver.answer(page, "survey_date", "2026-11-20")
    driver.answer(page, "review_year", "2026")
    driver.record_gps(page, "house_gps")


def test_offline_survey_survives_reload_and_syncs_once(
    live_server: Any, page: Any, area: Area, tmp_path: Any
):
    base = live_server.url
    Household.objects.filter(pk=area.households[0].pk).update(status="near_poor", status_year=2025)
    driver.sign_in(page, base)
    driver.wait_for_service_worker(page)
    page.context.set_offline(True)

    driver.open_household(page, "Nguyễn Văn An")
    driver.start_form(page, "Phiếu B")
    fill_household_survey(page, reload_offline_midway=True, rest=DEPRIVED_REST)
    driver.finish(page)
    assert "submission:waiting" in driver.outbox_states(page)
    assert page.locator(".state.s-waiting").first.inner_text() == "Chờ gửi"
    assert Submission.objects.count() == 0

    page.context.set_offline(False)  # the app syncs by itself when the network returns
    driver.wait_for_outbox(page, ["submission:sent", "submission:sent"])  # Phiếu A and B

    household = area.households[0]
    submission = Submission.objects.get(form_version__form_id="household_survey")
    assert submission.household_id == household.pk
    assert len(submission.payload["members"]) == 4
    assert submission.attachments_complete
    assessment = Assessment.objects.get(household=household, is_latest=True)
    # 84,000,000 đ a year for four people is 1,750,000 đ a month: above the rural poverty
    # line (1,500,000) and within the middle living standard (2,250,000) of 2022–2025.
    assert (assessment.ruleset_id, assessment.household_class) == ("vn-2022-2025", "MIDDLE")
    for declared in submission.attachments:
        stored = Attachment.objects.get(item_uuid=submission.pk, name=declared["name"])
        assert stored.complete
        data = stored.file.read()
        assert hashlib.sha256(data).hexdigest() == declared["sha256"]
        assert len(data) == declared["size"] <= 330 * 1024
        image = Image.open(io.BytesIO(data))
        assert max(image.size) == 1600
        exif = image.getexif()
        assert exif.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] == "2026:11:20 09:15:42"
        degrees, minutes, seconds = (float(x) for x in exif.get_ifd(GPS_IFD)[2])
        assert abs(degrees + minutes / 60 + seconds / 3600 - 22.665712) < 1e-4

    page.clock.set_fixed_time("2026-11-21T10:00:00")  # the review year of the survey
    driver.open_household(page, "Nguyễn Văn An")
    page.wait_for_selector("#assessment")
    shown = page.inner_text("#assessment")
    assert "Phân loại" in shown
    assert page.inner_text("#preliminary") == "Sơ bộ — chờ họp thôn và quyết định của xã"
    assert page.inner_text("#official-status") == "Tình trạng chính thức: Hộ cận nghèo (2025)"
    second = page.locator("#second-household_survey")
    expect(second).to_contain_text("Hộ này đã có phiếu của kỳ rà soát 2026.")
    expect(second).to_contain_text("phiếu đầu vẫn được lưu")
    explained = assessments_explain([assessment])[assessment.pk]
    assert explained.decision.vi in shown
    texts = {i.code: i.text.vi for i in explained.indicators}
    listed = [i for i in assessment.result["indicators"] if i["status"] != "not_deprived"]
    assert listed
    for indicator in listed:
        assert page.inner_text(f'#assessment li[data-code="{indicator["code"]}"]') == (
            f"{indicator['name_vi']}: {texts[indicator['code']]}"
        )
    for raw in ("members[", "sanitation.", "dwelling.", "information.", " = ", "hanging_over"):
        assert raw not in shown
    assert "Loại nhà tiêu hộ đang sử dụng: Cầu tõm, cầu ao." in shown
    page.screenshot(path=tmp_path / "assessment-reasons.png", full_page=True)
    assert not page.errors


def fill_screening(page: Any) -> None:
    for key, value in driver.SCREENING:
        driver.answer(page, key, value)


def test_a_lost_push_response_is_resent_and_stored_once(
    live_server: Any, page_without_service_worker: Any, area: Area
):
    page = page_without_service_worker
    driver.sign_in(page, live_server.url)
    driver.open_household(page, "Hoàng Thị Đào")
    driver.start_form(page, "Phiếu A")
    fill_screening(page)
    driver.finish(page)

    cut = {"done": False}

    def lose_first_response(route: Any) -> None:
        if cut["done"]:
            route.continue_()
            return
        cut["done"] = True
        route.fetch()  # the server receives and stores the push
        route.abort("connectionreset")  # the phone never sees the answer

    page.route("**/api/v1/sync/push", lose_first_response)
    driver.sync_now(page)
    assert cut["done"]
    assert driver.outbox_states(page) == ["submission:waiting"]
    assert Submission.objects.count() == 1

    driver.sync_now(page)
    assert driver.outbox_states(page) == ["submission:sent"]
    assert Submission.objects.count() == 1
    assert not page.errors


def test_a_returned_survey_shows_the_comment_and_is_resubmitted(
    live_server: Any, page: Any, area: Area
):
    driver.sign_in(page, live_server.url)
    driver.open_household(page, "Hoàng Thị Đào")
    driver.start_form(page, "Phiếu A")
    fill_screening(page)
    driver.finish(page)
    driver.sync_now(page)
    first = Submission.objects.get()

    reviewer = APIClient()
    _device, token = device_register(user=area.reviewer, name="reviewer laptop")
    reviewer.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    comment = "Số nhân khẩu chưa đúng, hộ có 4 người."
    answer = reviewer.post(
        f"/api/v1/submissions/{first.pk}/return/", {"comment": comment}, format="json"
    )
    assert answer.status_code == 200, answer.content

    driver.sync_now(page)
    assert driver.outbox_states(page) == ["submission:returned"]
    driver.open_household(page, "Hoàng Thị Đào")
    assert comment in page.inner_text("#app")
    page.click(".actions .btn:has-text('Sửa và gửi lại')")
    page.wait_for_selector("#finish")
    assert comment in page.inner_text(".callout.warn")
    driver.answer(page, "member_count", "4")
    driver.finish(page)
    driver.sync_now(page)

    assert driver.outbox_states(page) == ["submission:sent"]
    submissions = Submission.objects.order_by("created_at")
    assert [s.review_status for s in submissions] == [ReviewStatus.RETURNED, ReviewStatus.PENDING]
    assert submissions[1].payload["member_count"] == 4
    assert submissions[1].pk != first.pk
    assert not page.errors


def test_bad_input_is_refused_in_vietnamese_and_nothing_is_queued(
    live_server: Any, page: Any, area: Area
):
    driver.sign_in(page, live_server.url)
    driver.open_household(page, "Lò Văn Páo")
    driver.start_form(page, "Phiếu B")
    pushes: list[str] = []
    page.on("request", lambda r: pushes.append(r.url) if "/sync/push" in r.url else None)

    driver.answer(page, "review_year", "năm nay")
    error = page.locator("#" + driver.field_id("review_year") + "-err")
    expect(error).to_have_text("Phải là số nguyên.")
    driver.answer(page, "review_year", "2040")
    expect(error).to_have_text("Giá trị phải từ 2.016 đến 2.030.")
    driver.clear_roster(page)
    driver.add_member(page, 0, [("full_name", "Lò Văn Páo"), ("birth_date_known", "year_only")])
    driver.answer(page, "members[0].birth_year", "1850")
    member_error = page.locator("#" + driver.field_id("members[0].birth_year") + "-err")
    expect(member_error).to_have_text("Giá trị phải từ 1.900 trở lên.")
    driver.answer(page, "living_area", "0")
    expect(page.locator("#" + driver.field_id("living_area") + "-err")).not_to_be_empty()

    page.context.set_geolocation({"latitude": 22.6657, "longitude": 106.2579, "accuracy": 80})
    driver.show(page, '.q[data-path="house_gps"]')
    page.click("#" + driver.field_id("house_gps"))
    gps = page.locator('.q[data-path="house_gps"] .gps')
    expect(gps).to_contain_text("±80 m")
    expect(gps.locator("[role=alert]")).to_contain_text("Sai số lớn: hơn 50 m")

    driver.wait_saved(page)
    page.click("#finish")
    expect(page.locator("#form-status")).to_contain_text("cần sửa trước khi gửi phiếu")
    assert page.locator(".q.invalid").count() >= 3
    assert page.locator("[aria-invalid=true]").count() >= 3
    # Phiếu A, finished before Phiếu B could start, waits; Phiếu B stays a draft.
    assert sorted(driver.outbox_states(page)) == ["submission:draft", "submission:waiting"]

    driver.sync_now(page)
    assert len(pushes) == 1
    assert list(Submission.objects.values_list("form_version__form_id", flat=True)) == [
        "household_screening"
    ]
    assert not page.errors


def test_a_household_added_offline_is_created_then_surveyed(
    live_server: Any, page: Any, area: Area
):
    driver.sign_in(page, live_server.url)
    page.context.set_offline(True)
    page.click("a.fab")
    page.fill("#head_name", "Vàng Thị Sính")
    page.fill("#address", "Bản Mới")
    page.click("form button[type=submit]")
    page.wait_for_selector("h1:has-text('Vàng Thị Sính')")
    # No machine code before sync: the village, and what happens to the code.
    assert page.inner_text("p.sub") == "mã hộ có khi đồng bộ · Thôn Nà Pò · Bản Mới"
    assert page.inner_text("#local-note") == (
        "Thêm trên máy này. Hộ và mã hộ được ghi nhận trên máy chủ ở lần đồng bộ tới."
    )
    driver.start_form(page, "Phiếu A")
    fill_screening(page)
    driver.finish(page)
    assert sorted(driver.outbox_states(page)) == ["household_create:waiting", "submission:waiting"]

    page.context.set_offline(False)
    driver.sync_now(page)
    assert sorted(driver.outbox_states(page)) == ["household_create:sent", "submission:sent"]
    created = Household.objects.get(head_name="Vàng Thị Sính")
    assert created.village_id == area.village.pk
    assert Submission.objects.get().household_id == created.pk
    driver.open_household(page, "Vàng Thị Sính")
    assert not page.errors


def correct_address(page: Any, name: str, address: str) -> None:
    driver.open_household(page, name)
    page.click("#edit-household")
    page.fill("#address", address)
    page.click("form button[type=submit]")
    page.wait_for_selector(f"p.sub:has-text('{address}')")


def test_an_address_corrected_offline_reaches_the_server_once_with_its_history(
    live_server: Any, page: Any, area: Area
):
    driver.sign_in(page, live_server.url)
    page.context.set_offline(True)
    correct_address(page, "Lò Văn Páo", "Bản Hai")
    correct_address(page, "Lò Văn Páo", "Bản Ba, cạnh trường")
    assert driver.outbox_states(page) == ["household_edit:waiting"]  # merged, not stacked
    page.reload()  # offline: the correction is on the phone, not in memory
    page.wait_for_selector("p.sub:has-text('Bản Ba, cạnh trường')")
    page.click("a.brand")
    expect(page.locator("#households")).to_contain_text("Bản Ba, cạnh trường")

    page.context.set_offline(False)
    driver.sync_now(page)
    assert driver.outbox_states(page) == ["household_edit:sent"]
    household = Household.objects.get(code="HD003")
    assert (household.address, household.revision) == ("Bản Ba, cạnh trường", 2)
    change = household.changes.latest("pk")
    assert (change.source, change.actor, change.changes) == (
        "sync",
        area.volunteer,
        {"address": ["Thôn Nà Pò", "Bản Ba, cạnh trường"]},
    )
    correct_address(page, "Lò Văn Páo", "Bản Bốn")  # based on revision 2, no conflict
    driver.sync_now(page)
    household.refresh_from_db()
    assert (household.address, household.revision) == ("Bản Bốn", 3)
    assert not page.errors


def test_a_correction_that_crossed_an_officers_edit_is_kept_as_a_conflict(
    live_server: Any, page: Any, area: Area, tmp_path: Any
):
    driver.sign_in(page, live_server.url)
    page.context.set_offline(True)
    correct_address(page, "Hoàng Thị Đào", "Bản Hai")
    household = area.households[1]
    household_update(
        actor=area.reviewer, household=household, base_revision=1, data={"address": "Bản Năm"}
    )

    page.context.set_offline(False)
    driver.sync_now(page)
    assert driver.outbox_states(page) == ["household_edit:conflict"]
    household.refresh_from_db()
    assert (household.address, household.revision, household.flagged_for_review) == (
        "Bản Năm",
        2,
        True,
    )
    assert ConflictCopy.objects.get().payload == {"address": "Bản Hai"}
    driver.open_household(page, "Hoàng Thị Đào")
    expect(page.locator("#edits")).to_contain_text("Người khác đã sửa hộ này trước")
    expect(page.locator("p.sub")).to_contain_text("Bản Năm")  # the server's version shows
    page.screenshot(path=tmp_path / "conflict.png")
    assert not page.errors
