"""Finding one's way through Phiếu B, photos taken again or deleted, GPS far from the house."""

from __future__ import annotations

import math
from typing import Any

import pytest
from playwright.sync_api import expect

from server.registry.models import Household
from tests.browser import driver
from tests.browser.conftest import Area

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# The registry's point of the household: 0.01° north of where the phone's GPS says it is.
REGISTERED = (22.675712, 106.257934)
PHONE = (22.665712, 106.257934)


def metres(a: tuple[float, float], b: tuple[float, float]) -> int:
    lat1, lon1, lat2, lon2 = (math.radians(x) for x in (*a, *b))
    k = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return round(2 * 6371000 * math.asin(math.sqrt(k)))


def stored_photos(page: Any) -> int:
    return page.evaluate(
        """async () => {
            const db = await new Promise((ok) => { const r = indexedDB.open("chungtay"); r.onsuccess = () => ok(r.result); });
            const n = await new Promise((ok) => {
                const r = db.transaction("photos").objectStore("photos").count(); r.onsuccess = () => ok(r.result);
            });
            db.close();
            return n;
        }"""
    )


def focused_path(page: Any) -> str:
    return page.evaluate("() => document.activeElement.closest('[data-path]').dataset.path")


def open_survey(page: Any, base: str) -> None:
    driver.sign_in(page, base)
    page.context.set_offline(True)
    driver.open_household(page, "Hoàng Thị Đào")
    driver.start_form(page, "Phiếu B")


def test_the_jump_list_shows_each_sections_state_and_leads_to_each_missing_answer(
    live_server: Any, page: Any, area: Area
):
    open_survey(page, live_server.url)
    assert page.inner_text("#jump .secnav-count") == "Phần 1/8"
    page.click("#jump")
    states = page.locator(".jump .jump-state").all_inner_texts()
    # I: the area type; II: the registry's head without the survey's questions; the rest untouched.
    assert states == ["1 lỗi cần sửa", "7 lỗi cần sửa", *["Chưa làm"] * 6]

    page.click('.jump[data-section="2"]')
    assert page.inner_text("#jump .secnav-count") == "Phần 3/8"
    missing = page.locator('section.section [data-missing="2"]')
    expect(missing.locator(".missing-text")).to_have_text("Phần này còn 6 câu thiếu hoặc cần sửa.")
    missing.locator("button.next-missing").click()
    assert focused_path(page) == "wall_material"
    page.locator("section.section:not(.off) button.next-missing").click()
    assert focused_path(page) == "column_material"

    for key in ("wall_material", "column_material", "roof_material"):
        driver.answer(page, key, "brick_stone" if key != "roof_material" else "tile")
    driver.answer(page, "living_area", "40")
    expect(missing.locator(".missing-text")).to_have_text("Phần này còn 2 câu thiếu hoặc cần sửa.")
    page.click("#jump")
    assert page.locator(".jump .jump-state").nth(2).inner_text() == "2 lỗi cần sửa"
    assert sorted(driver.outbox_states(page)) == ["submission:draft", "submission:waiting"]
    assert not page.errors


def test_a_photo_is_taken_again_or_deleted_before_finish(live_server: Any, page: Any, area: Area):
    open_survey(page, live_server.url)
    box = page.locator('.q[data-path="photo_house_front"]')
    driver.attach_photo(page, "photo_house_front", seed=1)
    first = box.locator(".photo-preview img").get_attribute("src")
    expect(box.locator("label.btn").first).to_have_text("Chụp lại")
    assert stored_photos(page) == 1

    driver.attach_photo(page, "photo_house_front", seed=2)
    expect(box.locator(".photo-preview img")).not_to_have_attribute("src", first)
    driver.wait_saved(page)
    assert stored_photos(page) == 1  # the retaken photo replaced the first

    box.locator("button.photo-delete").click()
    expect(box.locator("button.photo-delete")).to_have_text("Chạm lần nữa để xoá ảnh")
    assert stored_photos(page) == 1  # one tap deletes nothing
    box.locator("button.photo-delete").click()
    expect(box.locator(".photo-preview img")).to_have_count(0)
    expect(box.locator("label.btn").first).to_have_text("Chụp ảnh")
    driver.wait_saved(page)
    assert stored_photos(page) == 0
    answers = page.evaluate(
        """async () => {
            const db = await new Promise((ok) => { const r = indexedDB.open("chungtay"); r.onsuccess = () => ok(r.result); });
            const items = await new Promise((ok) => {
                const r = db.transaction("items").objectStore("items").getAll(); r.onsuccess = () => ok(r.result);
            });
            db.close();
            return items.find((it) => it.form.id === "household_survey").answers;
        }"""
    )
    assert answers["photo_house_front"] is None
    assert not page.errors


def test_a_gps_fix_far_from_the_registered_point_is_accepted_with_a_warning(
    live_server: Any, page: Any, area: Area
):
    Household.objects.filter(pk=area.households[1].pk).update(
        latitude=str(REGISTERED[0]), longitude=str(REGISTERED[1])
    )
    open_survey(page, live_server.url)
    driver.record_gps(page, "house_gps")  # ±12 m is better than 20 m: accepted at once
    far = metres(PHONE, REGISTERED)
    assert far == 1112
    assert page.inner_text("#gps-distance") == (
        f"Xa vị trí đã đăng ký của hộ: {far} m. Kiểm tra đúng hộ chưa, rồi lấy vị trí tại nhà."
    )
    assert not page.errors


def test_a_gps_fix_at_the_registered_point_shows_the_distance_without_a_warning(
    live_server: Any, page: Any, area: Area
):
    Household.objects.filter(pk=area.households[1].pk).update(
        latitude=str(PHONE[0]), longitude=str(PHONE[1] + 0.0005)
    )
    open_survey(page, live_server.url)
    driver.record_gps(page, "house_gps")
    assert (
        page.inner_text("#gps-distance")
        == f"Cách vị trí đã đăng ký của hộ {metres(PHONE, (PHONE[0], PHONE[1] + 0.0005))} m."
    )
    assert page.locator("#gps-distance[role=alert]").count() == 0
    assert not page.errors
