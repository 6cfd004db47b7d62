"""The review API: role x endpoint x area. Outside the area every endpoint answers 404,
a role without the grant 403, and neither changes anything."""

from datetime import date

import pytest

from server.accounts.models import Role
from server.review import services
from server.review.models import Complaint, HouseholdReview
from tests.server.conftest import client_for, make_user
from tests.server.review.conftest import YEAR, meeting
from tests.server.review.test_services import snapshot


@pytest.fixture
def posted(tree, officer, annual, four):
    """four[0] posted (posting ended 14 Oct), four[1] with an open complaint, four[2] surveyed."""
    meeting(officer, annual, tree.village1a, [(four[0], 80), (four[1], 80)])
    services.posting_open(user=officer, round_id=annual.pk, starts_on=date(2026, 10, 12))
    complaint = services.complaint_take(
        user=officer, review_id=four[1].pk, disputed="x", received_on=date(2026, 10, 12)
    )
    return {"reviews": four, "complaint": complaint}


def _writes(annual, posted, tree):
    four, complaint = posted["reviews"], posted["complaint"]
    return [
        (
            "post",
            "/api/v1/review/rounds/",
            {"commune": tree.commune1.pk, "year": YEAR, "kind": "annual"},
        ),
        ("post", f"/api/v1/review/rounds/{annual.pk}/households/", {}),
        ("post", f"/api/v1/review/households/{four[3].pk}/screening/", {"screened_out": True}),
        ("post", f"/api/v1/review/households/{four[2].pk}/survey/", {}),
        (
            "post",
            f"/api/v1/review/rounds/{annual.pk}/meetings/",
            {
                "village": tree.village1a.pk,
                "held_on": "2026-10-20",
                "chair": "A",
                "supervisor": "B",
                "attendees": 10,
                "votes": [{"household": str(four[2].household_id), "agree_count": 5}],
            },
        ),
        ("post", f"/api/v1/review/rounds/{annual.pk}/postings/", {"starts_on": "2026-10-20"}),
        (
            "post",
            f"/api/v1/review/rounds/{annual.pk}/decision/",
            {
                "number": "1/QĐ",
                "signed_on": "2026-11-02",
                "signer": "C",
                "entries": [{"household": str(four[0].household_id), "decided_class": "poor"}],
            },
        ),
        (
            "post",
            f"/api/v1/review/households/{four[2].pk}/complaints/",
            {"disputed": "y", "received_on": "2026-10-21"},
        ),
        (
            "post",
            f"/api/v1/review/complaints/{complaint.pk}/recheck/",
            {"result": "dismissed", "note": "z", "rechecked_on": "2026-10-16"},
        ),
    ]


# Expected answer per role for each write above, in order (inside the area).
EXPECTED = {
    Role.COMMUNE_OFFICER: [201, 200, 400, 200, 201, 201, 201, 201, 200],
    Role.PROVINCE_ADMIN: [201, 200, 400, 200, 201, 201, 201, 201, 200],
    Role.DISTRICT_REVIEWER: [403] * 9,
    Role.SUPPORT_STAFF: [403] * 9,
}


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_write_answers_by_role_inside_the_area(tree, personas, annual, posted, role):
    client = client_for(personas[role])
    statuses = []
    for index, (method, url, body) in enumerate(_writes(annual, posted, tree)):
        before = snapshot()
        response = getattr(client, method)(url, body, format="json")
        statuses.append(response.status_code)
        if response.status_code >= 400:
            assert snapshot() == before, (index, url, response.json())
    assert statuses == EXPECTED[role]


def test_a_volunteer_sees_no_round_and_can_change_nothing(tree, personas, annual, posted):
    client = client_for(personas[Role.VOLUNTEER])
    before = snapshot()
    statuses = [
        getattr(client, m)(u, b, format="json").status_code
        for m, u, b in _writes(annual, posted, tree)[1:]
    ]
    # A village's volunteer covers no whole commune: rounds, meetings and decisions are
    # outside; households of the village are inside, so those writes are refused by role.
    assert statuses == [404, 403, 403, 404, 404, 404, 403, 403]
    assert snapshot() == before


def test_outside_the_area_every_endpoint_answers_404_and_changes_nothing(tree, annual, posted):
    outsider = make_user("outside", Role.COMMUNE_OFFICER, tree.commune2)
    client = client_for(outsider)
    before = snapshot()
    statuses = [
        getattr(client, m)(u, b, format="json").status_code
        for m, u, b in _writes(annual, posted, tree)[1:]
    ]
    assert statuses == [404] * 8
    reads = [
        f"/api/v1/review/rounds/{annual.pk}/",
        f"/api/v1/review/rounds/{annual.pk}/households/",
        f"/api/v1/review/rounds/{annual.pk}/audit/",
    ]
    assert [client.get(u).status_code for u in reads] == [404, 404, 404]
    assert client.get("/api/v1/review/rounds/").json() == []
    assert snapshot() == before


def test_a_district_reviewer_can_return_but_not_decide(tree, personas, annual, posted):
    client = client_for(personas[Role.DISTRICT_REVIEWER])
    four = posted["reviews"]
    response = client.post(
        f"/api/v1/review/households/{four[2].pk}/return/", {"comment": "Xem lại"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["step"], response.json()["returned"]) == ("screened", True)


def test_the_round_detail_shows_progress_and_the_reporting_calendar(personas, annual, posted):
    body = (
        client_for(personas[Role.DISTRICT_REVIEWER])
        .get(f"/api/v1/review/rounds/{annual.pk}/")
        .json()
    )
    [village] = body["progress"]
    assert village["village"] == "Thôn Nà Pò"
    assert {k: v for k, v in village["steps"].items() if v} == {
        "surveyed": 2,
        "posted": 1,
        "recheck": 1,
    }
    assert [d["due_on"] for d in body["reporting_calendar"]][-2:] == ["2026-11-15", "2026-12-20"]


def test_a_refused_decision_answers_with_vietnamese_field_paths(personas, annual, posted):
    four = posted["reviews"]
    client = client_for(personas[Role.COMMUNE_OFFICER])
    before = snapshot()
    response = client.post(
        f"/api/v1/review/rounds/{annual.pk}/decision/",
        {
            "number": "1/QĐ",
            "signed_on": "2026-11-02",
            "signer": "C",
            "entries": [{"household": str(four[0].household_id), "decided_class": "middle"}],
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="vi",
    )
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert (error["path"], error["code"]) == ("entries[0].override_reason", "required")
    assert snapshot() == before
    assert HouseholdReview.objects.get(pk=four[0].pk).step == "posted"
    assert Complaint.objects.filter(result="pending").count() == 1
