"""The staff map in Chromium with no network: points clustered and coloured by class.

Every request that is not to the live server is aborted, so a CDN or a tile server would
show up as a failure. Screenshots go to docs/reports/map*.png to be looked at.
"""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from server.accounts.models import Role, UnitAssignment, User
from server.registry.models import Household, Unit
from server.registry.services import unit_create
from server.submissions.models import Assessment
from tests.browser.conftest import _require_chromium

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "reports"
PASSWORD = "pw-admin-map-1"
STATUSES = ["poor", "near_poor", "not_poor", "not_poor", "not_poor", "middle"]


def _province() -> User:
    """Cao Bằng-like area: three communes, 240 households with points, 10 without."""
    rng = random.Random(7)
    province = unit_create(code="96", name="Tỉnh Bản Đồ", level="province", parent=None)
    admin = User.objects.create_user(username="tinh", password=PASSWORD, role=Role.PROVINCE_ADMIN)
    UnitAssignment.objects.create(user=admin, unit=province)
    centres = [(22.666, 106.257), (22.85, 106.05), (22.55, 105.95)]
    rows, assessments = [], []
    for c, (lat, lon) in enumerate(centres, start=1):
        commune = unit_create(code=f"9600{c}", name=f"Xã {c}", level="commune", parent=province)
        village = unit_create(code=f"9600{c}001", name=f"Thôn {c}", level="village", parent=commune)
        for n in range(1, 84):
            placed = n > 3
            household = Household(
                commune=commune,
                village=village,
                code=f"H{c}{n:03d}",
                head_name=f"Chủ hộ {c}-{n}",
                status=STATUSES[rng.randrange(len(STATUSES))],
                latitude=Decimal(f"{lat + rng.gauss(0, 0.04):.6f}") if placed else None,
                longitude=Decimal(f"{lon + rng.gauss(0, 0.04):.6f}") if placed else None,
            )
            rows.append(household)
    Household.objects.bulk_create(rows)
    for household in rows:
        assessments.append(
            Assessment(
                household=household,
                review_year=2025,
                ruleset_id="vn-2022-2025",
                ruleset_version=1,
                engine_version="1",
                confidence="high",
                facts={},
                household_class=STATUSES[rng.randrange(len(STATUSES))],
                deprivation_count=0,
                facts_sha256=str(household.pk),
                result={},
                is_latest=True,
            )  # fmt: skip
        )
    Assessment.objects.bulk_create(assessments)
    return admin


def _offline(context: Any, host: str, blocked: list[str]) -> None:
    def handle(route: Any) -> None:
        if urlsplit(route.request.url).netloc == host:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", handle)


def test_map_draws_clustered_households_offline(
    live_server: Any, browser: Any, transactional_db: None
) -> None:
    _require_chromium()
    _province()
    assert Unit.objects.filter(code="96").exists()
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN")
    blocked: list[str] = []
    _offline(context, urlsplit(live_server.url).netloc, blocked)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(live_server.url + "/console/login/")
    page.fill("input[name=username]", "tinh")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button.btn-primary")
    page.goto(live_server.url + "/console/exports/map/")
    page.wait_for_selector("#map[data-drawn]")
    assert page.get_attribute("#map", "data-drawn") == "240", page.inner_text("#map-status")
    assert page.locator(".leaflet-marker-icon").count() >= 3  # clusters
    assert page.inner_text("#map-status") == "240 trên 249 hộ có vị trí trên bản đồ."
    legend = page.inner_text("#legend")
    assert "Hộ nghèo" in legend
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "map-official.png"), full_page=True)

    page.check("input[value=engine_class]")
    page.wait_for_timeout(500)
    page.screenshot(path=str(SHOTS / "map-engine.png"), full_page=True)

    page.locator(".leaflet-marker-icon").first.click()
    page.wait_for_timeout(800)
    page.screenshot(path=str(SHOTS / "map-zoomed.png"), full_page=True)
    assert errors == []
    assert blocked == []
    context.close()


def test_printable_report_and_calendar_render_offline(
    live_server: Any, browser: Any, transactional_db: None
) -> None:
    """The 2016–2020 summary and the list, as printed pages; screenshots to look at."""
    _require_chromium()
    _province()
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="vi-VN")
    blocked: list[str] = []
    _offline(context, urlsplit(live_server.url).netloc, blocked)
    page = context.new_page()
    page.goto(live_server.url + "/console/login/")
    page.fill("input[name=username]", "tinh")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button.btn-primary")
    page.goto(live_server.url + "/console/exports/reports/print/?template=status-summary&unit=96")
    assert page.locator("table.report tbody tr").count() == 4  # three communes and the total
    page.screenshot(path=str(SHOTS / "report-status-summary.png"), full_page=True)
    page.goto(live_server.url + "/console/exports/reports/?unit=96")
    page.select_option("#kind", "preliminary")
    page.fill("#period", "2025")
    page.click("main form[method=post] button.btn-primary")
    assert "phiên bản 1" in page.inner_text(".messages")
    page.goto(live_server.url + "/console/exports/reports/calendar/?unit=96&year=2025")
    page.screenshot(path=str(SHOTS / "report-calendar.png"), full_page=True)
    assert page.locator(".badge-ok").count() + page.locator(".badge-warn").count() == 1
    assert blocked == []
    context.close()
