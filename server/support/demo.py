"""Housing support in the demo: a programme's records at several stages, with real JPEGs.

Photos carry EXIF GPS near the house, one 1 km away, one without GPS, and one picture
reused on two houses, so every kind of flag shows. Running it again changes nothing:
records are unique per household and programme, proofs and photos have fixed ids.
"""

import hashlib
import uuid
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from server.accounts.models import User
from server.evidence.services import chunk_receive
from server.registry.models import Household, Unit
from server.support.models import Programme, SupportCircumstance, SupportRecord
from server.support.selectors import visible_households_under
from server.support.services import (
    SponsorShare,
    payment_record,
    stage_proof_submit,
    support_record_create,
)
from server.support.sitephotos import site_jpeg
from server.support.stages import ORDER, Stage

NAMESPACE = uuid.UUID("5a0c6d3e-2b1f-4c8e-9d7a-3f2e1b0c9d8e")
PROGRAMME = "xoa-nha-tam"
# About 1 km north of a house, in degrees of latitude.
ONE_KM = 0.009


@dataclass(frozen=True)
class DemoHouse:
    """What the demo does to one household: the stage to reach and what to show."""

    last: Stage
    work: str = "new_build"
    far_stage: Stage | None = None
    no_gps_stage: Stage | None = None
    reuse_of: int | None = None  # index of the house whose foundation photo is reused
    paid: tuple[str, ...] = ()
    overdue: Stage | None = None


PLAN = [
    DemoHouse(Stage.APPROVED),
    DemoHouse(Stage.STARTED, overdue=Stage.FOUNDATION),
    DemoHouse(Stage.FOUNDATION, paid=("first",)),
    DemoHouse(Stage.ROOF, work="repair", far_stage=Stage.FRAME_WALLS, paid=("first",)),
    DemoHouse(Stage.COMPLETED, no_gps_stage=Stage.COMPLETED, paid=("first",)),
    DemoHouse(Stage.IN_USE, reuse_of=2, paid=("first", "final")),
]


def seed_support_demo(*, commune: Unit, actor: User) -> list[SupportRecord]:
    """Records for poor households of one commune, and three more left eligible."""
    programme = Programme.objects.get(code=PROGRAMME)
    poor = list(
        visible_households_under(user=actor, unit=commune)
        .filter(status__in=["poor", "near_poor"], latitude__isnull=False)
        .order_by("code")[: len(PLAN) + 3]
    )
    records = [
        _record(actor, programme, household, index, plan)
        for index, (household, plan) in enumerate(zip(poor, PLAN, strict=False))
    ]
    for household in poor[len(PLAN) :]:
        SupportCircumstance.objects.get_or_create(household=household, defaults={"no_house": True})
    for index, (record, plan) in enumerate(zip(records, PLAN, strict=False)):
        _prove(actor, record, index, plan, poor)
        for instalment in plan.paid:
            payment_record(
                user=actor,
                record_id=record.pk,
                instalment=instalment,
                paid_on=timezone.localdate(),
                reference=f"UNC-DEMO-{index}-{instalment}",
            )
    return records


def _record(
    actor: User, programme: Programme, household: Household, index: int, plan: DemoHouse
) -> SupportRecord:
    amount = 60_000_000 if plan.work == "new_build" else 30_000_000
    today = timezone.localdate()
    due = {}
    if plan.overdue is not None:
        due[plan.overdue.value] = (today - timedelta(days=3)).isoformat()
    return support_record_create(
        user=actor,
        household=household,
        programme=programme,
        work=plan.work,
        approved_on=today - timedelta(days=30),
        amount=amount,
        decision_ref=f"QĐ-DEMO/{index + 1}",
        planned_start=today - timedelta(days=25),
        planned_completion=today + timedelta(days=60),
        stage_due=due,
        sponsors=[
            SponsorShare(kind="state", name="Ngân sách trung ương", share=amount * 2 // 3),
            SponsorShare(kind="business", name="Công ty Demo", share=amount - amount * 2 // 3),
        ],
    )


def _prove(
    actor: User, record: SupportRecord, index: int, plan: DemoHouse, houses: list[Household]
) -> None:
    household = record.household
    for stage in ORDER[1 : ORDER.index(plan.last) + 1]:
        proof_id = uuid.uuid5(NAMESPACE, f"{record.pk}/{stage.value}")
        stage_proof_submit(
            user=actor,
            proof_id=proof_id,
            record_id=record.pk,
            stage=stage.value,
            note="",
            device=None,
        )
        seed = index * 10 + ORDER.index(stage)
        if plan.reuse_of is not None and stage == Stage.FOUNDATION:
            seed = plan.reuse_of * 10 + ORDER.index(Stage.FOUNDATION)
        point = _point(household, far=stage == plan.far_stage)
        gps = None if stage == plan.no_gps_stage else point
        _upload(proof_id, site_jpeg(seed=1000 + seed, gps=gps, taken_at=_now_local()))


def _point(household: Household, *, far: bool) -> tuple[float, float]:
    lat, lon = float(household.latitude or 0), float(household.longitude or 0)
    return (lat + ONE_KM if far else lat + 0.0002, lon)


def _now_local() -> str:
    return (timezone.localtime() - timedelta(minutes=5)).strftime("%Y:%m:%d %H:%M:%S")


def _upload(item_uuid: uuid.UUID, data: bytes) -> None:
    chunk_receive(
        item_uuid=item_uuid,
        name="anh-1.jpg",
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        offset=0,
        data=data,
    )
