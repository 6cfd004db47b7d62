"""Drive the volunteer app like a volunteer: sign in, open a household, answer, sync.

Field ids follow the app's rule: `f-` + the answer path with every non-alphanumeric
character replaced by `_` (`members[0].full_name` → `f-members_0__full_name`).
"""

from __future__ import annotations

import re
import time
from typing import Any

from tests.browser.camera import camera_jpeg

PASSWORD = "pw-volunteer-1"

HEAD = [
    ("full_name", "Nguyễn Văn An"),
    ("relation", "head"),
    ("sex", "male"),
    ("birth_date_known", "year_only"),
    ("birth_year", "1975"),
    ("ethnicity", "tay"),
    ("health_insurance", "yes"),
    ("in_school", "no"),
    ("highest_qualification", "lower_secondary"),
    ("employment_status", "employed"),
    ("employment_type", "self_employed"),
    ("disabled", "no"),
    ("unable_to_work", "no"),
    ("social_allowance", "no"),
]
SPOUSE = [
    ("full_name", "Hoàng Thị Lan"),
    ("relation", "spouse"),
    ("sex", "female"),
    ("birth_date_known", "date"),
    ("birth_date", "1978-03-08"),
    ("ethnicity", "tay"),
    ("health_insurance", "yes"),
    ("in_school", "no"),
    ("highest_qualification", "primary"),
    ("employment_status", "employed"),
    ("employment_type", "family_worker"),
    ("disabled", "no"),
    ("unable_to_work", "no"),
    ("social_allowance", "no"),
]


def child(name: str, sex: str, year: str, level: str) -> list[tuple[str, str]]:
    return [
        ("full_name", name),
        ("relation", "child"),
        ("sex", sex),
        ("birth_date_known", "year_only"),
        ("birth_year", year),
        ("ethnicity", "tay"),
        ("health_insurance", "yes"),
        ("in_school", "yes"),
        ("school_level", level),
        ("disabled", "no"),
        ("social_allowance", "no"),
        ("nutrition", "normal"),
    ]


FAMILY = [
    HEAD,
    SPOUSE,
    child("Nguyễn Thị Hoa", "female", "2012", "lower_secondary"),
    child("Nguyễn Văn Bình", "male", "2018", "primary"),
]
DWELLING = [
    ("area_type", "rural"),
    ("wall_material", "brick_stone"),
    ("column_material", "brick_stone"),
    ("roof_material", "tile"),
    ("living_area", "62,5"),
]
REST = [
    ("water_source", "drilled_well"),
    ("latrine", "flush_septic"),
    ("waste_treatment", "collected"),
    ("phone_subscription", "yes"),
    ("internet_use", "yes"),
    ("devices", ["tv", "smartphone"]),
    ("loudspeaker_reach", "yes"),
    ("digital_services_use", "yes"),
    ("serious_illness_12m", "no"),
    ("income_sources", ["wages", "agriculture"]),
    ("income_wages", "60000000"),
    ("income_agriculture", "24000000"),
]
SCREENING = [
    ("area_type", "rural"),
    ("head_name", "Hoàng Thị Đào"),
    ("member_count", "3"),
] + [
    (f"c0{i}_{name}", "no")
    for i, name in enumerate(
        [
            "salaried",
            "car",
            "solid_house",
            "air_conditioner",
            "production_assets",
            "farmland",
            "business",
            "abroad",
            "high_spending",
        ],
        start=1,
    )
]


def field_id(path: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9]", "_", path)


def show(page: Any, selector: str) -> None:
    """Open the survey section holding `selector` through the jump list, if it is not shown."""
    element = page.locator(selector).first
    if element.is_visible():
        return
    index = element.evaluate("e => e.closest('section[data-index]')?.dataset.index ?? null")
    if index is None:
        return
    page.click("#jump")
    page.click(f'.jump[data-section="{index}"]')
    page.wait_for_selector(f'section.section:not(.off)[data-index="{index}"]')


def answer(page: Any, path: str, value: str | list[str]) -> None:
    """Answer one question whatever its widget: radios, checkboxes, select or text."""
    selector = "#" + field_id(path)
    show(page, f'.q[data-path="{path}"]')
    element = page.locator(selector)
    tag = element.evaluate("e => e.tagName.toLowerCase()")
    if tag == "select":
        element.select_option(value)
    elif tag == "div":
        for code in [value] if isinstance(value, str) else value:
            element.locator(f'input[value="{code}"]').check()
    else:
        element.fill(str(value))
        element.dispatch_event("change")


def wait_saved(page: Any) -> None:
    page.wait_for_selector('#app[data-saving="0"]', state="attached")


def sign_in(page: Any, base: str, username: str = "ctv") -> None:
    page.goto(base + "/app/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_selector("#households li")


def wait_for_service_worker(page: Any) -> None:
    """Wait until the shell is cached and the page is controlled by the service worker."""
    page.evaluate(
        """async () => {
            await navigator.serviceWorker.ready;
            if (!navigator.serviceWorker.controller) {
                await new Promise((r) => navigator.serviceWorker.addEventListener(
                    "controllerchange", r, { once: true }));
            }
        }"""
    )


def open_household(page: Any, name: str) -> None:
    page.click("a.brand")
    page.click(f"#households a:has-text('{name}')")
    page.wait_for_selector("h2")


def start_form(page: Any, title_fragment: str) -> None:
    """Start a form from the household page; Phiếu B after screening the household in
    with Phiếu A when the page asks for it (no criterion met, queued, not synced)."""
    if title_fragment == "Phiếu B" and page.locator("#screening-first").count():
        screen_in(page)
    page.click(f".actions .btn:has-text('{title_fragment}')")
    page.wait_for_selector("#finish")


def screen_in(page: Any, yes: int = 0) -> None:
    """Fill and finish Phiếu A with the first `yes` criteria met; back on the household page."""
    page.click(".actions .btn:has-text('Phiếu A')")
    page.wait_for_selector("#finish")
    for index, (key, value) in enumerate(SCREENING):
        criterion = index - 3  # the first three answers are not criteria
        answer(page, key, "yes" if 0 <= criterion < yes else value)
    finish(page)


def roster_names(page: Any) -> list[str]:
    return page.locator("li.member .member-head strong").all_inner_texts()


def clear_roster(page: Any) -> None:
    """Remove every member (the roster starts with the registry's members)."""
    show(page, ".repeat")
    while page.locator("li.member").count():
        before = page.locator("li.member").count()
        remove = page.locator("li.member").first.locator("button:has-text('Xoá')")
        remove.click()
        page.locator("li.member").first.locator("button:has-text('Chạm lần nữa để xoá')").click()
        page.wait_for_function(  # a function, not a string: CSP forbids eval in the page
            "n => document.querySelectorAll('li.member').length < n", arg=before
        )


def add_member(page: Any, index: int, answers: list[tuple[str, str]]) -> None:
    show(page, "#add-members")
    page.click("#add-members")
    for key, value in answers:
        answer(page, f"members[{index}].{key}", value)


def attach_photo(page: Any, path: str, seed: int) -> None:
    data = camera_jpeg(2000, 1500, seed=seed)
    show(page, f'.q[data-path="{path}"]')
    page.set_input_files(
        "#" + field_id(path),
        files=[{"name": f"IMG_{seed:04d}.jpg", "mimeType": "image/jpeg", "buffer": data}],
    )
    page.wait_for_selector(f'.q[data-path="{path}"] .photo-preview img')


def record_gps(page: Any, path: str) -> None:
    show(page, f'.q[data-path="{path}"]')
    page.click("#" + field_id(path))
    page.wait_for_selector(f'.q[data-path="{path}"] .gps:has-text("±12 m")')


def finish(page: Any) -> None:
    wait_saved(page)
    page.click("#finish")
    page.wait_for_selector("h2:has-text('Phiếu khảo sát')")


def sync_now(page: Any) -> None:
    """Open the sync screen, sync, and wait until the sync has finished."""
    page.click("a.pending")
    page.click("#sync-now")
    page.wait_for_selector('body[data-sync="idle"]', state="attached")
    page.wait_for_selector("#sync-now:not([disabled])")


def outbox_states(page: Any) -> list[str]:
    """States of every outbox item, read from IndexedDB."""
    return page.evaluate(
        """async () => {
            const db = await new Promise((ok, ko) => {
                const r = indexedDB.open("chungtay");
                r.onsuccess = () => ok(r.result); r.onerror = () => ko(r.error);
            });
            const items = await new Promise((ok) => {
                const r = db.transaction("items").objectStore("items").getAll();
                r.onsuccess = () => ok(r.result);
            });
            db.close();
            return items.map((it) => it.kind + ":" + it.state);
        }"""
    )


def wait_for_outbox(page: Any, expected: list[str], timeout_s: float = 30) -> None:
    """Poll IndexedDB until the outbox holds exactly `expected` (sorted)."""
    deadline = time.monotonic() + timeout_s
    while sorted(outbox_states(page)) != sorted(expected):
        if time.monotonic() > deadline:
            raise AssertionError(f"outbox is {outbox_states(page)}, expected {expected}")
        page.wait_for_timeout(200)
