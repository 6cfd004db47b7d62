"""Issue 15's last items in a real browser: Phiếu A gates Phiếu B, a returned survey opens
at the reviewer's fields, and a survey keeps members added on the server after it started."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from server.accounts.services import device_register
from server.evidence.models import Attachment
from server.registry.models import Member
from server.registry.services import member_add
from server.submissions.models import Submission
from tests.browser import driver
from tests.browser.camera import camera_jpeg
from tests.browser.conftest import Area
from tests.browser.test_volunteer_app import fill_household_survey

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_household_screened_out_by_phieu_a_is_not_offered_phieu_b(
    live_server: Any, page: Any, area: Area
):
    driver.sign_in(page, live_server.url)
    page.context.set_offline(True)
    driver.open_household(page, "Hoàng Thị Đào")
    expect(page.locator("#screening-first")).to_have_text(
        "Phiếu B làm sau Phiếu A: hãy sàng lọc hộ bằng Phiếu A trước."
    )
    assert page.locator(".actions .btn:has-text('Phiếu B')").count() == 0
    driver.screen_in(page, yes=4)
    out = page.locator("#screened-out")
    expect(out.locator("strong")).to_have_text("Đã loại qua Phiếu A: không làm Phiếu B")
    expect(out.locator("p")).to_have_text(
        "Hộ đáp ứng 4 tiêu chí; từ 4 tiêu chí trở lên thì không rà soát bằng Phiếu B."
    )
    assert len(out.locator("li").all_inner_texts()) == 4
    assert out.locator("li").first.inner_text().startswith("Hộ có thành viên đang hưởng lương")
    assert page.locator(".actions .btn:has-text('Phiếu B')").count() == 0
    assert not page.errors


def test_a_household_screened_in_goes_on_to_phieu_b_with_the_count_shown(
    live_server: Any, page: Any, area: Area
):
    driver.sign_in(page, live_server.url)
    page.context.set_offline(True)
    driver.open_household(page, "Hoàng Thị Đào")
    driver.screen_in(page, yes=3)
    expect(page.locator("#screened-in")).to_have_text(
        "Phiếu A: hộ đáp ứng 3 tiêu chí (dưới 4). Tiếp tục rà soát bằng Phiếu B."
    )
    driver.start_form(page, "Phiếu B")
    assert page.inner_text("#jump .secnav-count") == "Phần 1/8"
    assert not page.errors


def test_a_returned_survey_opens_at_the_reviewers_fields_marked_and_listed(
    live_server: Any, page: Any, area: Area
):
    driver.sign_in(page, live_server.url)
    driver.open_household(page, "Hoàng Thị Đào")
    driver.start_form(page, "Phiếu A")
    for key, value in driver.SCREENING:
        driver.answer(page, key, value)
    driver.finish(page)
    driver.sync_now(page)
    first = Submission.objects.get()

    reviewer = APIClient()
    _device, token = device_register(user=area.reviewer, name="reviewer laptop")
    reviewer.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    comment = "Kiểm tra lại tiêu chí ô tô và số nhân khẩu."
    answer = reviewer.post(
        f"/api/v1/submissions/{first.pk}/return/",
        {"comment": comment, "fields": ["c02_car", "member_count"]},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    driver.sync_now(page)
    driver.open_household(page, "Hoàng Thị Đào")
    page.click(".actions .btn:has-text('Sửa và gửi lại')")
    page.wait_for_selector("#finish")

    review = page.locator("#review")
    expect(review).to_contain_text(comment)
    assert review.locator("#review-fields li").all_inner_texts() == [
        "Hộ có ô tô (trừ xe công nông, xe tải nhỏ dùng cho sản xuất)",
        "Số nhân khẩu của Hộ gia đình",
    ]
    # Opened at the first marked field: its section, focused and highlighted.
    assert page.inner_text("#jump .secnav-count") == "Phần 2/3"
    assert page.evaluate("() => document.activeElement.closest('[data-path]').dataset.path") == (
        "c02_car"
    )
    assert page.locator('.q.reviewed[data-path="c02_car"]').count() == 1
    page.click("#jump")
    expect(page.locator(".jump").nth(0).locator(".jump-review")).to_have_text(
        "1 câu người thẩm định đánh dấu"
    )
    expect(page.locator(".jump").nth(1).locator(".jump-review")).to_have_text(
        "1 câu người thẩm định đánh dấu"
    )
    assert page.locator(".jump").nth(2).locator(".jump-review").count() == 0
    page.click("#jump")
    review.locator("button[data-field=member_count]").click()
    assert page.inner_text("#jump .secnav-count") == "Phần 1/3"
    assert page.locator('.q.reviewed[data-path="member_count"]').is_visible()
    page.screenshot(path="var/returned-fields.png")
    assert not page.errors


def test_a_member_added_on_the_server_after_the_survey_started_is_kept(
    live_server: Any, page: Any, area: Area
):
    household = area.households[0]
    driver.sign_in(page, live_server.url)
    driver.open_household(page, "Nguyễn Văn An")
    driver.start_form(page, "Phiếu B")  # the roster base: the one member pulled
    pulled = [
        str(pk) for pk in Member.objects.filter(household=household).values_list("pk", flat=True)
    ]
    added = member_add(
        actor=area.reviewer,
        household=household,
        data={
            "full_name": "Nguyễn Thị Mới",
            "sex": "female",
            "birth_date": None,
            "birth_year": 2015,
            "citizen_id": None,
            "relation": "grandchild",
            "ethnicity": "kinh",
        },
    )
    page.context.set_offline(True)
    fill_household_survey(page)  # removes the pulled head, enters a family of four
    driver.finish(page)
    page.context.set_offline(False)
    driver.wait_for_outbox(page, ["submission:sent", "submission:sent"])

    survey = Submission.objects.get(form_version__form_id="household_survey")
    assert [b["member_id"] for b in survey.payload["roster_base"]] == pulled
    assert added.pk in set(Member.objects.current().values_list("pk", flat=True))
    current = Member.objects.current().filter(household=household)
    names = sorted(current.values_list("full_name", flat=True))
    assert names == sorted([*(dict(m)["full_name"] for m in driver.FAMILY), "Nguyễn Thị Mới"])
    assert not page.errors


def test_each_photo_says_what_it_shows_and_a_document_photo_is_sent_too(
    live_server: Any, page: Any, area: Area
):
    driver.sign_in(page, live_server.url)
    page.context.set_offline(True)
    driver.open_household(page, "Nguyễn Văn An")
    driver.start_form(page, "Phiếu B")
    fill_household_survey(page)
    house = page.locator('.q[data-path="photo_house_front"] .photo-preview')
    expect(house.locator(".badge.kind")).to_have_text("Ảnh nhà ở")
    driver.show(page, ".documents")
    page.set_input_files(
        "#f-documents",
        files=[
            {
                "name": "IMG_0009.jpg",
                "mimeType": "image/jpeg",
                "buffer": camera_jpeg(1600, 1200, seed=9),
            }
        ],
    )
    documents = page.locator(".documents .doc")
    expect(documents).to_have_count(1)
    expect(documents.locator(".badge.kind")).to_have_text("Ảnh giấy tờ")
    driver.finish(page)
    page.context.set_offline(False)
    driver.wait_for_outbox(page, ["submission:sent", "submission:sent"])

    survey = Submission.objects.get(form_version__form_id="household_survey")
    assert [a.get("kind") for a in survey.attachments] == ["house", "roof", "document"]
    document = survey.attachments[2]["name"]
    assert document.startswith("document_")
    assert Attachment.objects.get(item_uuid=survey.pk, name=document).complete
    assert not page.errors
