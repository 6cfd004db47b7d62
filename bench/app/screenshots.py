"""Screenshots of the volunteer app at 360×640 into docs/screenshots/.

Run: .venv/bin/python bench/app/screenshots.py
Starts its own seeded server (bench/app/server.py), surveys one household end to end,
leaves others as draft and waiting, then captures the list, household, form, error and
sync screens.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.app.server import CHROMIUM, CHROMIUM_ARGS, seeded_server  # noqa: E402
from tests.browser import driver  # noqa: E402
from tests.browser.camera import camera_jpeg  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def survey_and_sync(page: Any) -> None:
    driver.open_household(page, "Nguyễn Văn An")
    driver.start_form(page, "Phiếu B")
    driver.clear_roster(page)
    for key, value in driver.DWELLING:
        driver.answer(page, key, value)
    for index, answers in enumerate(driver.FAMILY):
        driver.add_member(page, index, answers)
    driver.attach_photo(page, "photo_house_front", seed=1)
    driver.attach_photo(page, "photo_roof", seed=2)
    for key, value in driver.REST:
        driver.answer(page, key, value)
    driver.record_gps(page, "house_gps")
    driver.finish(page)
    driver.sync_now(page)


def screening(page: Any, name: str, *, finish: bool) -> None:
    driver.open_household(page, name)
    driver.start_form(page, "Phiếu A")
    answers = driver.SCREENING if finish else driver.SCREENING[:4]
    for key, value in answers:
        driver.answer(page, key, value)
    driver.wait_saved(page)
    if finish:
        driver.finish(page)


def screening_states(page: Any) -> None:
    """Phiếu A's two outcomes on the household page, the photos of documents, and a
    returned survey opened at the reviewer's fields."""
    driver.open_household(page, "Triệu Văn Đức")
    driver.screen_in(page, yes=4)
    page.locator("#screened-out").scroll_into_view_if_needed()
    shoot(page, "screened-out")
    driver.open_household(page, "Lò Văn Páo")
    page.locator("#screened-in").scroll_into_view_if_needed()
    shoot(page, "screened-in")
    driver.start_form(page, "Phiếu B")
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
    page.wait_for_selector(".documents .doc img")
    page.locator(".documents").scroll_into_view_if_needed()
    shoot(page, "documents")
    page.evaluate(RETURN_WITH_FIELDS)
    page.wait_for_selector("#review-fields")
    page.wait_for_timeout(300)
    shoot(page, "returned-fields")
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "returned-list")


# The survey as the pull leaves it after a reviewer's return that points at two fields.
RETURN_WITH_FIELDS = """async () => {
    const db = await new Promise((ok) => { const r = indexedDB.open("chungtay"); r.onsuccess = () => ok(r.result); });
    const items = await new Promise((ok) => {
        const r = db.transaction("items").objectStore("items").getAll(); r.onsuccess = () => ok(r.result);
    });
    const item = items.find((it) => it.form.id === "household_survey" && it.state === "draft"
        && it.household_label === "Lò Văn Páo");
    item.state = "returned";
    item.review = { comment: "Diện tích nhà và năm sinh của chủ hộ chưa khớp giấy tờ.",
        fields: ["living_area", "members[0].birth_year"], at: new Date().toISOString() };
    await new Promise((ok) => { const t = db.transaction("items", "readwrite"); t.objectStore("items").put(item, item.id); t.oncomplete = ok; });
    db.close();
    location.reload();
}"""


def shoot(page: Any, name: str) -> None:
    page.evaluate("document.getElementById('toast').className = ''")
    page.wait_for_timeout(300)
    page.screenshot(path=str(OUT / f"{name}.png"))
    print("wrote", OUT / f"{name}.png")


def main() -> None:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with seeded_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        ctx = browser.new_context(
            viewport={"width": 360, "height": 640},
            locale="vi-VN",
            geolocation={"latitude": 22.665712, "longitude": 106.257934, "accuracy": 12},
            permissions=["geolocation"],
        )
        page = ctx.new_page()
        driver.sign_in(page, base)
        survey_and_sync(page)
        ctx.set_offline(True)
        screening(page, "Lò Văn Páo", finish=True)
        screening(page, "Hoàng Thị Đào", finish=False)
        driver.open_household(page, "Nguyễn Văn An")
        page.wait_for_selector("#assessment")
        shoot(page, "household")
        page.click("a.brand")
        page.wait_for_selector("#households li")
        shoot(page, "list")
        driver.open_household(page, "Nông Thị Hoà")
        driver.start_form(page, "Phiếu B")
        driver.answer(page, "area_type", "rural")
        driver.clear_roster(page)
        driver.add_member(page, 0, driver.HEAD[:5])
        page.locator(".repeat h3").evaluate("e => { e.scrollIntoView(); scrollBy(0, -64); }")
        shoot(page, "form")
        page.click("#jump")
        shoot(page, "jump")
        page.click("#jump")
        driver.answer(page, "members[0].birth_year", "1850")
        driver.wait_saved(page)
        page.click("#finish")
        page.wait_for_selector("#form-status:not(:empty)")
        shoot(page, "error")
        page.click("a.pending")
        page.wait_for_selector("#sync-now")
        shoot(page, "sync")
        screening_states(page)
        page.click("button.lang")
        page.click("a.brand")
        page.wait_for_selector("#households li")
        shoot(page, "list-en")
        browser.close()


if __name__ == "__main__":
    main()
