"""Household circumstances, assigned helpers and registrations to escape poverty (REST)."""

import pytest

from server.accounts.models import Role
from server.support.models import (
    EscapeRegistration,
    HelperAssignment,
    HelperContribution,
    SupportCircumstance,
)
from tests.server.conftest import client_for


def test_a_circumstance_is_set_and_changes_the_priority(personas, household_in):
    client = client_for(personas[Role.COMMUNE_OFFICER])
    url = f"/api/v1/support/households/{household_in.pk}/circumstance/"
    response = client.put(url, {"special_hardship": True, "no_house": True}, format="json")
    assert response.status_code == 200
    found = SupportCircumstance.objects.get(household=household_in)
    assert (found.special_hardship, found.no_house, found.disaster_area) == (True, True, False)
    assert found.updated_by == personas[Role.COMMUNE_OFFICER]


def test_a_helper_assigned_twice_is_stored_once_and_records_what_was_given(personas, household_in):
    client = client_for(personas[Role.SUPPORT_STAFF])
    url = f"/api/v1/support/households/{household_in.pk}/helpers/"
    body = {"kind": "business", "name": "Công ty Xi măng", "assigned_on": "2025-01-10"}
    first = client.post(url, body, format="json").json()
    again = client.post(url, body, format="json").json()
    assert first["id"] == again["id"]
    assert HelperAssignment.objects.count() == 1
    gift = {
        "kind": "goods",
        "description": "50 bao xi măng",
        "value": 5_000_000,
        "given_on": "2025-02-01",
    }
    response = client.post(
        f"/api/v1/support/helpers/{first['id']}/contributions/", gift, format="json"
    )
    assert response.status_code == 201
    listed = client.get(url).json()
    assert [(c["kind"], c["value"]) for c in listed[0]["contributions"]] == [("goods", 5_000_000)]


def test_a_contribution_without_a_description_stores_nothing(personas, household_in):
    client = client_for(personas[Role.SUPPORT_STAFF])
    helper = client.post(
        f"/api/v1/support/households/{household_in.pk}/helpers/",
        {"kind": "cadre", "name": "Nông Văn Dũng", "assigned_on": "2025-01-10"},
        format="json",
    ).json()
    gift = {"kind": "money", "description": " ", "value": 1_000_000, "given_on": "2025-02-01"}
    response = client.post(
        f"/api/v1/support/helpers/{helper['id']}/contributions/", gift, format="json"
    )
    assert response.status_code == 400
    assert HelperContribution.objects.count() == 0


def test_a_registration_to_escape_poverty_and_its_outcome(personas, household_in):
    client = client_for(personas[Role.COMMUNE_OFFICER])
    url = f"/api/v1/support/households/{household_in.pk}/escape/"
    registered = client.post(
        url, {"year": 2025, "registered_on": "2025-01-15"}, format="json"
    ).json()
    assert registered["outcome"] == "pending"
    response = client.post(
        f"/api/v1/support/escape/{registered['id']}/outcome/",
        {"outcome": "escaped", "outcome_on": "2025-12-20"},
        format="json",
    )
    assert response.json()["outcome"] == "escaped"
    assert EscapeRegistration.objects.get().outcome_on.isoformat() == "2025-12-20"


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.DISTRICT_REVIEWER])
def test_roles_without_support_get_403_inside_and_404_outside(
    personas, household_in, household_out, role
):
    client = client_for(personas[role])
    for household, status in ((household_in, 403), (household_out, 404)):
        for url in ("helpers/", "escape/"):
            assert (
                client.get(f"/api/v1/support/households/{household.pk}/{url}").status_code == status
            )


def test_support_staff_get_404_outside_their_area(personas, household_out):
    client = client_for(personas[Role.SUPPORT_STAFF])
    url = f"/api/v1/support/households/{household_out.pk}/circumstance/"
    assert client.put(url, {"no_house": True}, format="json").status_code == 404
    assert SupportCircumstance.objects.count() == 0
