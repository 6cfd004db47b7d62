"""A commune round with households in both villages of commune 90001, and a scoring helper."""

from datetime import date

import pytest

from server.accounts.models import Role
from server.registry.models import Household
from server.registry.services import household_create
from server.review import services
from server.review.models import HouseholdReview, ReviewRound
from server.submissions.models import Assessment
from tests.server.conftest import HEAD, Tree

YEAR = 2026


def make_household(village, code: str, name: str = "Lò Văn Páo") -> Household:
    return household_create(
        actor=None,
        village=village,
        members=[{**HEAD, "full_name": name, "citizen_id": None}],
        data={"code": code, "head_name": name, "address": village.name},
    )


def scored(household: Household, klass: str, year: int = YEAR) -> Assessment:
    """An engine result for the household, stored as scoring stores one."""
    return Assessment.objects.create(
        household=household,
        review_year=year,
        ruleset_id="vn-2022-2025",
        ruleset_version=1,
        engine_version="1",
        household_class=klass,
        deprivation_count=3,
        confidence="complete",
        facts={},
        facts_sha256=f"{household.code}-{klass}".ljust(64, "0")[:64],
        result={},
        is_latest=True,
    )


@pytest.fixture
def officer(personas):
    return personas[Role.COMMUNE_OFFICER]


@pytest.fixture
def annual(tree: Tree, officer) -> ReviewRound:
    return services.round_open(user=officer, commune_id=tree.commune1.pk, year=YEAR, kind="annual")


@pytest.fixture
def four(tree: Tree, annual, officer) -> list[HouseholdReview]:
    """Four households of village 1a, listed, screened in and scored POOR."""
    households = [make_household(tree.village1a, f"HR{i}", f"Hộ số {i}") for i in range(4)]
    services.households_list(
        user=officer, round_id=annual.pk, household_ids=[h.pk for h in households]
    )
    reviews = []
    for h in households:
        scored(h, "POOR")
        review = HouseholdReview.objects.get(round=annual, household=h)
        services.screening_record(user=officer, review_id=review.pk, screened_out=False)
        reviews.append(services.survey_record(user=officer, review_id=review.pk))
    return reviews


def meeting(officer, annual, village, votes, attendees=100, held_on=date(2026, 10, 5)):
    return services.meeting_record(
        user=officer,
        round_id=annual.pk,
        village_id=village.pk,
        held_on=held_on,
        chair="Lò Văn Chủ",
        supervisor="Hà Thị Mặt Trận",
        attendees=attendees,
        votes=[services.Vote(r.household_id, n) for r, n in votes],
    )
