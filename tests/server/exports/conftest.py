"""Households with known statuses and points, inside and outside the personas' area."""

from decimal import Decimal

import pytest

from server.registry.models import Household
from server.registry.services import household_create
from tests.server.conftest import CHILD, HEAD, Tree


def set_status(household: Household, status: str, year: int = 2025) -> None:
    """The official status as the review round would leave it (setup only)."""
    Household.objects.filter(pk=household.pk).update(status=status, status_year=year)


@pytest.fixture
def three(tree: Tree, household_in: Household, household_out: Household) -> dict[str, Household]:
    """HD001 (village 1a, poor, with a point), HD002 (village 1b, near-poor, ethnic
    minority, no point) inside province 90; HD900 in province 91 (poor)."""
    Household.objects.filter(pk=household_in.pk).update(
        latitude=Decimal("22.666000"), longitude=Decimal("106.257000")
    )
    second = household_create(
        actor=None,
        village=tree.village1b,
        members=[{**HEAD, "full_name": "Lò Thị Cúc", "sex": "female", "citizen_id": None}],
        data={"code": "HD002", "head_name": "Lò Thị Cúc", "is_ethnic_minority": True},
    )
    set_status(household_in, "poor")
    set_status(second, "near_poor")
    set_status(household_out, "poor")
    return {"in": household_in, "second": second, "out": household_out}


__all__ = ["CHILD"]
