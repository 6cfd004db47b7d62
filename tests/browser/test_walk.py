"""The field walk: a five-member household surveyed at 360×640, taps and screens counted.

The figures go to var/walk.json (and docs/volunteer-app.md by hand); the screenshots of
the walk to var/walk/. The test fails if the walk does not end with one queued survey.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.browser import driver, walk
from tests.browser.conftest import Area

pytestmark = [pytest.mark.browser, pytest.mark.slow]

OUT = Path(__file__).resolve().parents[2] / "var"


# The figures after the sectioned survey (docs/volunteer-app.md); a change to the app that
# costs the volunteer more taps or more scrolling than this fails here and is looked at.
MAX_TAPS = 115
MAX_SCREENS = 10.0
# Phiếu A, walked first since Phiếu B follows it (issue 15, screening first).
MAX_SCREENING_TAPS = 15
MAX_SCREENING_SCREENS = 1.5


def test_a_five_member_household_is_surveyed_and_the_effort_is_counted(
    live_server: Any, page: Any, area: Area, record_property: Any
):
    shots = OUT / "walk"
    shots.mkdir(parents=True, exist_ok=True)
    driver.sign_in(page, live_server.url)
    page.context.set_offline(True)
    driver.open_household(page, "Nguyễn Văn An")

    screening = walk.screen_household(page)
    page.screenshot(path=str(shots / "walk-0-screened-in.png"))
    figures = walk.survey_five_members(page, shots)

    assert driver.outbox_states(page) == ["submission:waiting", "submission:waiting"]
    figures = {**figures, "screening": screening}
    (OUT / "walk.json").write_text(json.dumps(figures, indent=2))
    record_property("walk", figures)
    assert figures["taps"] <= MAX_TAPS
    assert figures["screens_scrolled"] <= MAX_SCREENS
    assert screening["taps"] <= MAX_SCREENING_TAPS
    assert screening["screens_scrolled"] <= MAX_SCREENING_SCREENS
    assert page.errors == []
