"""Count what a volunteer does to survey a household: taps and scrolled screens.

A tap is one touch: a button, a choice, a text field (the typing itself is not counted),
a drop-down (two: open it, pick a line), the camera button. A scrolled screen is the
vertical distance the page scrolls to bring the next control into view, divided by the
viewport height; jumps the app makes itself (a new section opens at its top) are not
scrolling. The walk answers Phiếu B in document order, as a volunteer reads it, and moves
to the next section with the app's own "next" button when the next question is not shown.
Phiếu A, which now comes first (Phiếu B follows only a household it did not screen out),
is walked and counted on its own (`screen_household`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tests.browser import driver
from tests.browser.camera import camera_jpeg

GENERAL = [("area_type", "rural")]
DWELLING = [
    ("wall_material", "brick_stone"),
    ("column_material", "brick_stone"),
    ("roof_material", "tile"),
    ("living_area", "62,5"),
]
PHOTOS = ["photo_house_front", "photo_roof"]
FIVE_MEMBERS = [
    *driver.FAMILY,
    driver.child("Nguyễn Văn Cường", "male", "2020", "preschool"),
]


@dataclass
class Walk:
    """A page plus the running counts of one walk."""

    page: Any
    taps: int = 0
    scrolled_px: float = 0.0
    tallest_px: int = 0
    log: list[str] = field(default_factory=list)

    @property
    def screens(self) -> float:
        return round(self.scrolled_px / self.page.viewport_size["height"], 1)

    def reach(self, locator: Any) -> Any:
        """Scroll `locator` into view as a thumb would, adding the distance scrolled."""
        if not locator.is_visible() and self.page.locator("#next-section").count():
            self.next_section_until(locator)
        before, height = self.page.evaluate(
            "() => [window.scrollY, document.documentElement.scrollHeight]"
        )
        self.tallest_px = max(self.tallest_px, height)
        locator.scroll_into_view_if_needed()
        after = self.page.evaluate("() => window.scrollY")
        self.scrolled_px += abs(after - before)
        return locator

    def next_section_until(self, locator: Any) -> None:
        for _ in range(12):
            if locator.is_visible():
                return
            self.tap(self.page.locator("#next-section"))

    def tap(self, locator: Any, note: str = "") -> None:
        self.reach(locator)
        locator.click()
        self.taps += 1
        if note:
            self.log.append(note)

    def answer(self, path: str, value: str | list[str]) -> None:
        """Answer one question unless it already holds `value` (pre-filled from the registry)."""
        element = self.page.locator("#" + driver.field_id(path))
        self.reach(element)
        tag = element.evaluate("e => e.tagName.toLowerCase()")
        if tag == "select":
            if element.input_value() != value:
                element.select_option(value)
                self.taps += 2
        elif tag == "div":
            for code in [value] if isinstance(value, str) else value:
                choice = element.locator(f'input[value="{code}"]')
                if not choice.is_checked():
                    self.reach(choice)
                    choice.check()
                    self.taps += 1
        elif element.input_value() != str(value):
            element.fill(str(value))
            element.dispatch_event("change")
            self.taps += 1

    def photo(self, path: str, seed: int) -> None:
        button = self.page.locator(f'.q[data-path="{path}"] label.btn').first
        self.reach(button)
        self.taps += 1
        self.page.set_input_files(
            "#" + driver.field_id(path),
            files=[
                {
                    "name": f"IMG_{seed:04d}.jpg",
                    "mimeType": "image/jpeg",
                    "buffer": camera_jpeg(1200, 900, seed=seed),
                }
            ],
        )
        self.page.wait_for_selector(f'.q[data-path="{path}"] .photo-preview img')

    def member(self, index: int, answers: list[tuple[str, str]]) -> None:
        """Open (or add) member `index` and answer its questions."""
        row = self.page.locator(f'li.member[data-path="members[{index}]"]')
        if row.count():
            toggle = row.locator("button[aria-expanded]")
            if toggle.get_attribute("aria-expanded") != "true":
                self.tap(toggle, f"open member {index + 1}")
        else:
            self.tap(self.page.locator("#add-members"), f"add member {index + 1}")
            self.page.wait_for_selector("#" + driver.field_id(f"members[{index}].full_name"))
        for key, value in answers:
            self.answer(f"members[{index}].{key}", value)

    def report(self) -> dict[str, Any]:
        return {
            "taps": self.taps,
            "screens_scrolled": self.screens,
            "tallest_page_px": self.tallest_px,
        }


def screen_household(page: Any) -> dict[str, Any]:
    """From the household page: Phiếu A with no criterion met, Finish. Returns the counts."""
    walk = Walk(page)
    walk.tap(page.locator(".actions .btn:has-text('Phiếu A')"), "start screening")
    page.wait_for_selector("#finish")
    for key, value in driver.SCREENING:
        walk.answer(key, value)
    driver.wait_saved(page)
    figures = walk.report()
    walk.tap(page.locator("#finish"), "finish")
    page.wait_for_selector("h2:has-text('Phiếu khảo sát')")
    return {**figures, "taps": walk.taps, "screens_scrolled": walk.screens}


def survey_five_members(page: Any, screenshots: Any = None) -> dict[str, Any]:
    """From the household page: start Phiếu B, survey five members, Finish. Returns the counts."""
    walk = Walk(page)
    walk.tap(page.locator(".actions .btn:has-text('Phiếu B')"), "start")
    page.wait_for_selector("#finish")
    shot = (
        (lambda name: page.screenshot(path=str(screenshots / f"{name}.png")))
        if screenshots
        else (lambda name: None)
    )
    shot("walk-1-start")
    for key, value in GENERAL:
        walk.answer(key, value)
    for index, answers in enumerate(FIVE_MEMBERS):
        walk.member(index, answers)
        if index == 0:
            shot("walk-2-member")
    for key, value in DWELLING:
        walk.answer(key, value)
    for seed, path in enumerate(PHOTOS, start=1):
        walk.photo(path, seed)
    for key, value in driver.REST:
        walk.answer(key, value)
    shot("walk-3-late")
    gps = page.locator("#" + driver.field_id("house_gps"))
    walk.tap(gps, "gps")
    page.wait_for_selector('.q[data-path="house_gps"] .gps:has-text("±12 m")')
    driver.wait_saved(page)
    figures = walk.report()
    walk.tap(page.locator("#finish"), "finish")
    page.wait_for_selector("h2:has-text('Phiếu khảo sát')")
    return {**figures, "taps": walk.taps, "screens_scrolled": walk.screens}
