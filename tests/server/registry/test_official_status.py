"""The official status history and the needs lists, written only through registry services."""

from datetime import date

import pytest

from server.common.errors import DomainValidationError
from server.feed.models import FeedEntry
from server.registry.models import Household, HouseholdChange, HouseholdStatusRecord
from server.registry.services import household_needs_set, household_status_set


def _set(household: Household, year: int, status: str) -> HouseholdStatusRecord:
    return household_status_set(
        household=household,
        year=year,
        status=status,
        decided_on=date(year, 12, 15),
        decision_ref=f"{year}/QĐ-UBND",
        actor=None,
        source="review",
    )


def test_a_decision_sets_the_status_and_records_the_year(household_in: Household) -> None:
    record = _set(household_in, 2025, "poor")

    household_in.refresh_from_db()
    assert (household_in.status, household_in.status_year) == ("poor", 2025)
    assert (record.year, record.status, record.decision_ref) == (2025, "poor", "2025/QĐ-UBND")
    change = HouseholdChange.objects.filter(household=household_in).latest("id")
    assert change.changes == {"status": ["not_reviewed", "poor"], "status_year": [None, 2025]}
    assert change.source == "review"


def test_the_same_decision_retried_stores_one_record_and_one_change(
    household_in: Household,
) -> None:
    _set(household_in, 2025, "poor")
    changes = HouseholdChange.objects.count()
    feed = FeedEntry.objects.count()

    _set(household_in, 2025, "poor")

    assert HouseholdStatusRecord.objects.filter(household=household_in).count() == 1
    assert HouseholdChange.objects.count() == changes
    assert FeedEntry.objects.count() == feed


def test_a_later_decision_in_the_same_year_replaces_that_year(household_in: Household) -> None:
    _set(household_in, 2025, "poor")
    _set(household_in, 2025, "near_poor")

    records = list(HouseholdStatusRecord.objects.values_list("year", "status"))
    assert records == [(2025, "near_poor")]


def test_recording_an_earlier_year_keeps_the_current_status(household_in: Household) -> None:
    _set(household_in, 2025, "near_poor")
    _set(household_in, 2024, "poor")

    household_in.refresh_from_db()
    assert (household_in.status, household_in.status_year) == ("near_poor", 2025)
    assert list(HouseholdStatusRecord.objects.order_by("year").values_list("year", "status")) == [
        (2024, "poor"),
        (2025, "near_poor"),
    ]


@pytest.mark.parametrize("status", ["not_reviewed", "rich", ""])
def test_a_status_outside_the_decided_classes_is_refused(
    household_in: Household, status: str
) -> None:
    with pytest.raises(DomainValidationError) as refused:
        _set(household_in, 2025, status)

    assert [e.path for e in refused.value.errors] == ["status"]
    assert not HouseholdStatusRecord.objects.exists()
    household_in.refresh_from_db()
    assert household_in.status == "not_reviewed"


def test_needs_are_stored_sorted_without_repeats(household_in: Household) -> None:
    household_needs_set(
        household=household_in,
        data={"poverty_causes": ["no_land", "illness", "no_land"], "policies_needed": ["credit"]},
        actor=None,
        source="console",
    )

    household_in.refresh_from_db()
    assert household_in.poverty_causes == ["illness", "no_land"]
    assert household_in.policies_needed == ["credit"]
    assert household_in.policies_received == []


def test_an_unknown_code_refuses_every_list(household_in: Household) -> None:
    with pytest.raises(DomainValidationError) as refused:
        household_needs_set(
            household=household_in,
            data={"poverty_causes": ["illness"], "policies_needed": ["credit", "lottery"]},
            actor=None,
            source="console",
        )

    assert [e.path for e in refused.value.errors] == ["policies_needed[1]"]
    household_in.refresh_from_db()
    assert household_in.poverty_causes == []
