"""Fixtures of the browser tests: a real Chromium at 360×640 against the live server.

Chromium is Debian's /usr/bin/chromium; nothing is downloaded. Without it the tests skip
locally and fail under CI=true.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from server.accounts.models import Role, UnitAssignment, User
from server.registry.models import Household, Unit
from server.registry.services import household_create, unit_create
from tests.browser.driver import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
VIEWPORT = {"width": 360, "height": 640}


@pytest.fixture(autouse=True)
def shipped_data(transactional_db: None) -> None:
    """Put back the data migrations' rows (programmes, report layouts).

    Browser tests run on a transactional database, and each flush also empties the rows
    that migrations loaded; the product never loses them, so the tests must not either.
    """
    from server.exports.layouts import load_national_templates
    from server.exports.models import ReportTemplate
    from server.support.models import Programme, ProgrammeAmount
    from server.support.programmes import load_programmes

    load_programmes(Programme, ProgrammeAmount)
    load_national_templates(ReportTemplate)


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = f"{CHROMIUM} is missing: apt-get install -y chromium"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls of the tests
    # are still synchronous, so Django's async guard is lifted for the browser tests only.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


def _context(browser: Any, service_workers: str) -> Any:
    ctx = browser.new_context(
        viewport=VIEWPORT,
        locale="vi-VN",
        geolocation={"latitude": 22.665712, "longitude": 106.257934, "accuracy": 12},
        permissions=["geolocation"],
        service_workers=service_workers,
    )
    ctx.set_default_timeout(20_000)
    return ctx


def _page(ctx: Any) -> Any:
    page = ctx.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    return page


@pytest.fixture
def context(browser: Any) -> Iterator[Any]:
    ctx = _context(browser, "allow")
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: Any) -> Any:
    return _page(context)


@pytest.fixture
def page_without_service_worker(browser: Any) -> Iterator[Any]:
    """For network fault injection: page.route does not see requests a worker handles."""
    ctx = _context(browser, "block")
    yield _page(ctx)
    ctx.close()


@dataclass
class Area:
    village: Unit
    volunteer: User
    reviewer: User
    households: list[Household]


@pytest.fixture
def area(transactional_db: None) -> Area:
    """A commune with one village, a volunteer, a reviewer, three households and the forms."""
    from server.surveys.services import publish_shipped_forms

    publish_shipped_forms()
    province = unit_create(code="95", name="Tỉnh Thử", level="province", parent=None)
    district = unit_create(code="95-D1", name="Huyện Thử", level="district", parent=province)
    commune = unit_create(
        code="95001", name="Xã Thử", level="commune", parent=district, area_type="rural"
    )
    village = unit_create(code="95001001", name="Thôn Nà Pò", level="village", parent=commune)
    volunteer = User.objects.create_user(username="ctv", password=PASSWORD, role=Role.VOLUNTEER)
    UnitAssignment.objects.create(user=volunteer, unit=village)
    reviewer = User.objects.create_user(
        username="thamdinh", password=PASSWORD, role=Role.DISTRICT_REVIEWER
    )
    UnitAssignment.objects.create(user=reviewer, unit=district)
    people = [("Nguyễn Văn An", "HD001"), ("Hoàng Thị Đào", "HD002"), ("Lò Văn Páo", "HD003")]
    households = [
        household_create(
            actor=None,
            village=village,
            members=[
                {
                    "full_name": name,
                    "sex": "male",
                    "birth_year": 1980,
                    "relation": "head",
                    "ethnicity": "tay",
                }
            ],
            data={"code": code, "head_name": name, "address": "Thôn Nà Pò"},
        )
        for name, code in people
    ]
    return Area(village, volunteer, reviewer, households)
