"""Fixtures for housing support: a campaign record for the inside household, photo upload."""

import hashlib
import uuid
from datetime import date
from decimal import Decimal

import pytest

from server.accounts.models import Role
from server.evidence.models import Attachment
from server.evidence.services import chunk_receive
from server.registry.models import Household
from server.support.models import Programme, SupportRecord
from server.support.services import SponsorShare, support_record_create

# The inside household's recorded point (Thôn Nà Pò, made up for the tests).
HOUSE = (22.665712, 106.257934)
# About 1 km north of the house.
ONE_KM_AWAY = (22.674712, 106.257934)
# About 50 m north of the house.
NEAR = (22.666162, 106.257934)


def place(household: Household, point: tuple[float, float] = HOUSE) -> Household:
    Household.objects.filter(pk=household.pk).update(
        latitude=Decimal(f"{point[0]:.6f}"), longitude=Decimal(f"{point[1]:.6f}")
    )
    household.refresh_from_db()
    return household


def upload(item_uuid: uuid.UUID, data: bytes, name: str = "p1.jpg") -> Attachment:
    """Send a whole photo in one chunk, as a phone with a good signal does."""
    chunk_receive(
        item_uuid=item_uuid,
        name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        offset=0,
        data=data,
    )
    return Attachment.objects.get(item_uuid=item_uuid, name=name)


@pytest.fixture
def campaign(db: None) -> Programme:
    return Programme.objects.get(code="xoa-nha-tam")


def make_record(user, household, programme, work="new_build", **extra) -> SupportRecord:
    amount = extra.pop("amount", None) or (60_000_000 if work == "new_build" else 30_000_000)
    return support_record_create(
        user=user,
        household=household,
        programme=programme,
        work=work,
        approved_on=extra.pop("approved_on", date(2025, 2, 20)),
        sponsors=[SponsorShare(kind="state", name="Ngân sách", share=amount)],
        amount=amount,
        **extra,
    )


@pytest.fixture
def record(personas, household_in, campaign) -> SupportRecord:
    place(household_in)
    return make_record(personas[Role.PROVINCE_ADMIN], household_in, campaign)


@pytest.fixture
def record_out(personas, household_out, campaign) -> SupportRecord:
    place(household_out, (10.762622, 106.660172))
    return make_record(personas[Role.PROVINCE_ADMIN], household_out, campaign)
