"""The reports dashboard and a target page draw their charts in Chromium with no network.

Every request not to the live server is aborted, so Chart.js must come from the app's
own static files. Screenshots go to docs/reports/ to be looked at.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from server.accounts.models import Role, UnitAssignment, User
from server.registry.models import Household, HouseholdStatusRecord, Unit
from server.registry.services import household_create, unit_create
from server.reports.models import Target
from server.reports.services import figures_rebuild
from server.submissions.models import Assessment
from tests.browser.driver import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "reports"
CHARTS = ["chart-rates", "chart-transitions", "chart-indicators", "chart-ranking"]
STATUSES = ["poor", "near_poor", "not_poor", "middle"]


def _province() -> tuple[Unit, Target]:
    """A province of 3 communes × 2 villages, 12 households each, with 2021–2025 decisions."""
    rng = random.Random(7)
    province = unit_create(code="96", name="Tỉnh Minh Họa", level="province", parent=None)
    households: list[Household] = []
    for c in range(1, 4):
        commune = unit_create(code=f"96{c:03d}", name=f"Xã Minh Họa {c}", level="commune",
                              parent=province, area_type="urban" if c == 3 else "rural")  # fmt: skip
        for v in range(1, 3):
            village = unit_create(code=f"96{c:03d}{v:03d}", name=f"Thôn {c}.{v}",
                                  level="village", parent=commune)  # fmt: skip
            for n in range(12):
                households.append(
                    household_create(
                        actor=None, village=village,
                        members=[{"full_name": f"Chủ hộ {n}", "sex": "male", "birth_year": 1970,
                                  "relation": "head", "ethnicity": rng.choice(["tay", "nung", "kinh"])}],
                        data={"code": f"MH{c}{v}{n:02d}", "head_name": f"Chủ hộ {n}"},
                    )
                )  # fmt: skip
    records, assessments = [], []
    for i, h in enumerate(households):
        poor_until = rng.randint(2020, 2026)
        for year in range(2021, 2026):
            status = "poor" if year < poor_until else rng.choice(STATUSES[1:])
            records.append(HouseholdStatusRecord(household=h, year=year, status=status,
                                                 decided_on=date(year, 12, 15)))  # fmt: skip
        indicators = [{"code": code, "status": "deprived" if rng.random() < share else "not_deprived"}
                      for code, share in [("A1", .4), ("A2", .2), ("B1", .3), ("C1", .1), ("D1", .25)]]  # fmt: skip
        assessments.append(Assessment(household=h, review_year=2025, ruleset_id="vn-2022-2025",
                                      ruleset_version=1, engine_version="1",
                                      household_class=rng.choice(["POOR", "NEAR_POOR", "NOT_POOR"]),
                                      deprivation_count=0, confidence="high", facts={},
                                      facts_sha256=f"{i:064d}", result={"indicators": indicators},
                                      is_latest=True))  # fmt: skip
    HouseholdStatusRecord.objects.bulk_create(records)
    Assessment.objects.bulk_create(assessments)
    final = {r.household_id: r.status for r in records if r.year == 2025}
    for h in households:
        Household.objects.filter(pk=h.pk).update(status=final[h.pk], status_year=2025)
    target = Target.objects.create(unit=province, name="Giảm tỷ lệ hộ nghèo 5%/năm",
                                   measure="rate_cut", value=Decimal(5), base_year=2021,
                                   target_year=2026)  # fmt: skip
    figures_rebuild()
    return province, target


@pytest.fixture
def offline_page(browser: Any, live_server: Any) -> Iterator[Any]:
    ctx = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
    ctx.set_default_timeout(20_000)
    host = urlparse(live_server.url).hostname
    aborted: list[str] = []

    def guard(route: Any) -> None:
        if urlparse(route.request.url).hostname in (host, "localhost", "127.0.0.1"):
            route.continue_()
        else:
            aborted.append(route.request.url)
            route.abort()

    ctx.route("**/*", guard)
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors, page.aborted = errors, aborted
    yield page
    ctx.close()


def test_dashboard_and_target_charts_render_offline(
    transactional_db: None, live_server: Any, offline_page: Any
) -> None:
    province, target = _province()
    admin = User.objects.create_user(
        username="quantri", password=PASSWORD, role=Role.PROVINCE_ADMIN
    )
    UnitAssignment.objects.create(user=admin, unit=province)
    page = offline_page
    page.goto(live_server.url + "/console/login/?next=/console/reports/")
    page.fill("#id_username", "quantri")
    page.fill("#id_password", PASSWORD)
    page.click("button.btn-primary")
    page.wait_for_url("**/console/reports/unit/96/")
    for chart in CHARTS:
        page.wait_for_selector(f'canvas[data-chart="{chart}"][data-drawn="true"]')
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
    assert page.locator("#transitions tbody tr").count() == 2
    page.goto(live_server.url + f"/console/reports/targets/{target.pk}/")
    for chart in ["chart-target", "chart-target-ranking"]:
        page.wait_for_selector(f'canvas[data-chart="{chart}"][data-drawn="true"]')
    page.screenshot(path=str(SHOTS / "target.png"), full_page=True)
    page.goto(live_server.url + "/console/reports/unit/96001/")
    page.click('#children a:has-text("Thôn 1.1")')
    page.click('a.kpi[href*="key=hh"]')
    page.screenshot(path=str(SHOTS / "households.png"), full_page=True)
    assert page.locator("#households tbody tr").count() == 12
    assert page.errors == []
    assert page.aborted == []
