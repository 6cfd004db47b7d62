"""Households with known statuses, classes and flags in the shared unit tree."""

from collections.abc import Callable
from typing import Any

import pytest

from server.registry.models import Household, Unit
from server.registry.services import household_create
from server.submissions.models import Assessment
from tests.server.conftest import CHILD, HEAD, Tree

Make = Callable[..., Household]


def indicator(code: str, status: str) -> dict[str, Any]:
    return {"code": code, "status": status}


@pytest.fixture
def make_household(tree: Tree) -> Make:
    counter = iter(range(1, 10_000))

    def make(
        village: Unit,
        *,
        status: str = "not_poor",
        klass: str | None = None,
        ethnicity: str = "tay",
        members: int = 2,
        indicators: tuple[tuple[str, str], ...] = (),
        **flags: bool,
    ) -> Household:
        n = next(counter)
        roster = [{**HEAD, "ethnicity": ethnicity, "citizen_id": None}]
        roster += [{**CHILD, "ethnicity": ethnicity}] * (members - 1)
        household = household_create(
            actor=None,
            village=village,
            members=roster,
            data={"code": f"H{n:04d}", "head_name": HEAD["full_name"]},
        )
        Household.objects.filter(pk=household.pk).update(status=status, **flags)
        if klass is not None:
            Assessment.objects.create(
                household=household,
                review_year=2025,
                ruleset_id="vn-2022-2025",
                ruleset_version=1,
                engine_version="1",
                household_class=klass,
                deprivation_count=0,
                confidence="high",
                facts={},
                facts_sha256=f"{n:064d}",
                result={"indicators": [indicator(c, s) for c, s in indicators]},
                is_latest=True,
            )
        household.refresh_from_db()
        return household

    return make
