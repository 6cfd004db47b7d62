"""Support mode end to end: a support worker proves a stage offline on a 360×640 phone.

Nothing is faked on the server: the app signs in, pulls its support records, pushes a
support_stage_proof item and uploads its photos resumably to the live server; the stage is
then proved by the support service's own rule and the first payment is allowed.
"""

from __future__ import annotations

import hashlib
import importlib
import uuid
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps

from server.accounts import access
from server.accounts.models import Role, UnitAssignment, User
from server.evidence.models import Attachment
from server.evidence.services import chunk_receive
from server.registry.models import Household
from server.support.models import Programme, StageProof, SupportRecord
from server.support.selectors import record_stage
from server.support.services import (
    SponsorShare,
    payment_record,
    stage_proof_submit,
    support_record_create,
)
from server.support.stages import Stage
from tests.browser import driver
from tests.browser.camera import camera_jpeg
from tests.browser.conftest import Area
from tests.browser.test_accessibility import axe_page, violations  # noqa: F401 - a fixture

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "support"
HOUSE = (22.665712, 106.257934)


def _now_exif() -> str:
    return datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).strftime("%Y:%m:%d %H:%M:%S")


def _campaign() -> Programme:
    """The shipped campaign programme; a transactional test's flush removed the migration's."""
    importlib.import_module("server.support.migrations.0002_programmes").load(apps, None)
    return Programme.objects.get(code="xoa-nha-tam")


def _started_record(area: Area) -> tuple[SupportRecord, User]:
    """A campaign record of the first demo house whose `started` stage is proved."""
    household = area.households[0]
    Household.objects.filter(pk=household.pk).update(
        latitude=Decimal(str(HOUSE[0])), longitude=Decimal(str(HOUSE[1]))
    )
    staff = User.objects.create_user(
        username="hotro", password=driver.PASSWORD, role=Role.SUPPORT_STAFF
    )
    UnitAssignment.objects.create(user=staff, unit=area.village)
    admin = User.objects.create_user(username="tinh", password="x", role=Role.PROVINCE_ADMIN)
    UnitAssignment.objects.create(user=admin, unit=area.village)
    record = support_record_create(
        user=admin,
        household=household,
        programme=_campaign(),
        work="new_build",
        approved_on=date(2025, 2, 20),
        sponsors=[SponsorShare(kind="state", name="Ngân sách", share=60_000_000)],
        amount=60_000_000,
        assigned_to=staff,
    )
    proof_id = uuid.uuid4()
    stage_proof_submit(
        user=staff, proof_id=proof_id, record_id=record.pk, stage="started", note="", device=None
    )
    data = camera_jpeg(800, 600, seed=7, taken_at=_now_exif())
    chunk_receive(
        item_uuid=proof_id,
        name="start.jpg",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        offset=0,
        data=data,
    )
    assert record_stage(record) == Stage.STARTED
    return record, staff


def _sign_in(page: Any, base: str, password: str = driver.PASSWORD) -> None:
    page.goto(base + "/app/")
    page.fill("#username", "hotro")
    page.fill("#password", password)
    page.fill("#device", "Máy hỗ trợ")
    page.click("form.login button[type=submit]")
    page.wait_for_selector("#support-records li")


def _photo(page: Any, seed: int) -> None:
    before = page.locator(".proof-photo").count()
    data = camera_jpeg(2000, 1500, seed=seed, taken_at=_now_exif(), latitude=HOUSE[0])
    page.set_input_files(
        "#proof-camera",
        files=[{"name": f"IMG_{seed:04d}.jpg", "mimeType": "image/jpeg", "buffer": data}],
    )
    page.wait_for_function("n => document.querySelectorAll('.proof-photo').length > n", arg=before)


def _shot(page: Any, name: str) -> None:
    """A whole-page screenshot from the top, so the sticky bar stays at the top."""
    page.evaluate("() => window.scrollTo(0, 0)")
    if page.locator("#toast.show").count():
        page.click("#toast")  # a tap dismisses it; it would hide the stages in the picture
    page.screenshot(path=str(SHOTS / name), full_page=True)


def _stage_state(page: Any, stage: str) -> str:
    return page.get_attribute(f'li.stage[data-stage="{stage}"]', "data-state")


def test_support_staff_prove_the_foundation_offline_and_the_first_payment_is_allowed(
    live_server: Any, page: Any, area: Area
):
    record, staff = _started_record(area)
    SHOTS.mkdir(parents=True, exist_ok=True)
    _sign_in(page, live_server.url)
    driver.wait_for_service_worker(page)
    card = page.locator(f'a.card[data-record="{record.pk}"]')
    assert "Tiếp theo: Xong móng" in card.inner_text()
    _shot(page, "01-records.png")

    page.context.set_offline(True)
    card.click()
    page.wait_for_selector("#proof-form")
    assert page.inner_text("#proof-form h2") == "Minh chứng giai đoạn: Xong móng"
    assert [_stage_state(page, s) for s in ("started", "foundation", "frame_walls")] == [
        "done",
        "next",
        "todo",
    ]
    _photo(page, seed=11)
    _photo(page, seed=12)
    page.fill("#proof-note", "Đã đổ móng, tường cao 30 cm")
    page.locator("#proof-note").dispatch_event("change")
    assert "GPS 22.66571" in page.inner_text("#proof-photos")
    _shot(page, "02-proof-offline.png")
    page.click("#proof-save")
    page.wait_for_selector('li.stage[data-stage="foundation"][data-state="waiting"]')
    assert driver.outbox_states(page) == ["support_stage_proof:waiting"]
    assert StageProof.objects.count() == 1  # only the started stage's, made on the server
    _shot(page, "03-queued.png")

    page.context.set_offline(False)  # the app syncs by itself when the network returns
    driver.wait_for_outbox(page, ["support_stage_proof:sent"])
    page.wait_for_selector('li.stage[data-stage="foundation"][data-state="done"]')
    assert _stage_state(page, "frame_walls") == "next"
    _shot(page, "04-proved.png")

    proof = StageProof.objects.get(stage="foundation")
    assert (proof.record_id, proof.note, proof.submitted_by_id) == (
        record.pk,
        "Đã đổ móng, tường cao 30 cm",
        staff.pk,
    )
    photos = Attachment.objects.filter(item_uuid=proof.pk, complete=True)
    assert photos.count() == 2
    assert record_stage(record) == Stage.FOUNDATION
    admin = User.objects.get(username="tinh")
    paid = payment_record(
        user=admin,
        record_id=record.pk,
        instalment="first",
        paid_on=date(2025, 6, 1),
        reference="UNC-0001",
    )
    assert paid.amount == 42_000_000  # 70 % of 60,000,000 đ
    assert page.errors == []


def test_support_screens_pass_axe(live_server: Any, axe_page: Any, area: Area):  # noqa: F811
    record, _staff = _started_record(area)
    page = axe_page
    _sign_in(page, live_server.url)
    report = {"support records": violations(page)}
    page.click(f'a.card[data-record="{record.pk}"]')
    page.wait_for_selector("#proof-form")
    page.wait_for_timeout(100)
    report["support record"] = violations(page)
    assert report == {"support records": [], "support record": []}


def test_support_staff_switch_to_households_and_back(live_server: Any, page: Any, area: Area):
    _started_record(area)
    _sign_in(page, live_server.url)
    page.click("#to-households")
    page.wait_for_selector("#households li")
    page.reload()  # the choice is kept on the phone
    page.wait_for_selector("#households li")
    page.click("#to-support")
    page.wait_for_selector("#support-records li")
    page.reload()
    page.wait_for_selector("#support-records li")
    assert page.errors == []


def test_the_demo_support_worker_proves_the_foundation_of_a_demo_house(
    live_server: Any, page: Any, transactional_db: None
):
    """`seed_demo` as `make run` loads it: hotro proves the foundation of the house at `started`."""
    from server.demo.seed import DEMO_PASSWORD, seed_demo

    seed_demo()
    staff = User.objects.get(username="hotro")
    record = next(
        r
        for r in access.visible_support_records(staff).order_by("household__code")
        if record_stage(r) == Stage.STARTED
    )
    _sign_in(page, live_server.url, DEMO_PASSWORD)
    driver.wait_for_service_worker(page)
    page.context.set_offline(True)
    page.click(f'a.card[data-record="{record.pk}"]')
    page.wait_for_selector("#proof-form")
    assert page.inner_text("#proof-form h2") == "Minh chứng giai đoạn: Xong móng"
    _photo(page, seed=21)
    _photo(page, seed=22)
    page.click("#proof-save")
    page.wait_for_selector('li.stage[data-stage="foundation"][data-state="waiting"]')
    page.context.set_offline(False)
    page.wait_for_selector('li.stage[data-stage="foundation"][data-state="done"]')
    assert record_stage(record) == Stage.FOUNDATION
    proof = StageProof.objects.get(record=record, stage="foundation")
    assert Attachment.objects.filter(item_uuid=proof.pk, complete=True).count() == 2
    admin = next(u for u in User.objects.filter(role=Role.PROVINCE_ADMIN))
    paid = payment_record(
        user=admin,
        record_id=record.pk,
        instalment="first",
        paid_on=date(2025, 6, 1),
        reference="UNC-DEMO-1",
    )
    assert paid.amount == record.amount * 70 // 100
    assert page.errors == []
