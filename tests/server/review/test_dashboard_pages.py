"""The round dashboard and the console home: progress, deadlines, calendar, area and roles."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from server.accounts.models import Role
from server.review.choices import ComplaintResult, PostingKind, Step
from server.review.models import Complaint, Posting
from server.review.selectors_dashboard import reporting_calendar
from tests.server.conftest import make_user
from tests.server.review.fixtures import household, in_round, review_round

DASHBOARD = "/console/review/dashboard/"


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def rounds(tree):
    """Commune 1 (inside) mid-round; commune 2 (outside every inside persona) too."""
    year = timezone.localdate().year
    inside, outside = review_round(tree.commune1, year), review_round(tree.commune2, year)
    for code, village, step in [
        ("A1", tree.village1a, Step.SURVEYED),
        ("A2", tree.village1a, Step.SURVEYED),
        ("A3", tree.village1a, Step.POSTED),
        ("B1", tree.village1b, Step.DISCUSSED),
    ]:
        in_round(household(village, code), inside, step)
    in_round(household(tree.village2a, "Z1"), outside, Step.SURVEYED)
    return inside, outside


def test_a_district_reviewer_sees_each_commune_in_the_area_by_step(personas, rounds):
    response = _client(personas[Role.DISTRICT_REVIEWER]).get(DASHBOARD)
    assert response.status_code == 200
    [commune] = response.context["communes"]
    assert (commune["unit"].code, commune["unit"].total) == ("90001", 4)
    steps = [code for code, _label in response.context["steps"]]
    assert dict(zip(steps, commune["cells"], strict=True)) == {
        "surveyed": 2,
        "discussed": 1,
        "posted": 1,
    }


def test_the_commune_view_splits_progress_by_village(personas, rounds):
    response = _client(personas[Role.COMMUNE_OFFICER]).get(DASHBOARD, {"commune": "90001"})
    villages = [(v["unit"].code, v["unit"].total) for v in response.context["villages"]]
    assert villages == [("90001001", 3), ("90001002", 1)]


def test_a_commune_outside_the_area_shows_nothing(personas, rounds):
    response = _client(personas[Role.DISTRICT_REVIEWER]).get(DASHBOARD, {"commune": "91002"})
    assert (response.context["chosen"], response.context["villages"]) == (None, [])
    assert "Phường Hai" not in response.content.decode()


def test_a_reviewer_of_both_districts_sees_both_communes(tree, rounds):
    wide = make_user("wide", Role.DISTRICT_REVIEWER, tree.district1, tree.district2)
    response = _client(wide).get(DASHBOARD)
    assert [(c["unit"].code, c["unit"].total) for c in response.context["communes"]] == [
        ("90001", 4),
        ("91002", 1),
    ]


def test_overdue_recheck_and_running_posting_are_shown(personas, rounds):
    inside, _outside = rounds
    today = timezone.localdate()
    Posting.objects.create(
        round=inside, kind=PostingKind.FIRST, starts_on=today, ends_on=today + timedelta(days=4)
    )
    target = household(personas[Role.VOLUNTEER].units.get(), "C1")
    Complaint.objects.create(
        round=inside,
        household=target,
        disputed="Thu nhập",
        received_on=today - timedelta(days=12),
        recheck_due_on=today - timedelta(days=1),
        result=ComplaintResult.PENDING,
    )
    response = _client(personas[Role.COMMUNE_OFFICER]).get(DASHBOARD)
    context = response.context
    assert (context["running_postings"], context["pending_complaints"], context["overdue"]) == (
        1,
        1,
        1,
    )
    overdue = [d for d in context["deadlines"] if d.overdue]
    assert [(d.on, str(d.what)) for d in overdue] == [
        (today - timedelta(days=1), "Hạn phúc tra hộ C1")
    ]


def test_the_reporting_calendar_follows_the_law():
    entries = reporting_calendar(year=2026, today=date(2026, 6, 1))
    assert [e.on for e in entries] == [
        *[date(2026, month, 5) for month in range(2, 10)],
        date(2026, 11, 15),
        date(2026, 12, 20),
    ]
    assert [e.past for e in entries][:5] == [True, True, True, True, False]


@pytest.mark.parametrize("role", [Role.VOLUNTEER, Role.SUPPORT_STAFF])
@pytest.mark.parametrize(
    "url", [DASHBOARD, "/console/review/queue/", "/console/review/households/{pk}/"]
)
def test_volunteers_and_support_staff_are_refused_every_review_page(personas, rounds, role, url):
    target = rounds[0].households.first().household
    assert _client(personas[role]).get(url.format(pk=target.pk)).status_code == 403


def test_the_console_home_links_the_review_pages_for_reviewers_only(personas):
    reviewer_home = _client(personas[Role.DISTRICT_REVIEWER]).get("/console/").content.decode()
    assert DASHBOARD in reviewer_home
    assert "/console/review/queue/" in reviewer_home
    support_home = _client(personas[Role.SUPPORT_STAFF]).get("/console/").content.decode()
    assert DASHBOARD not in support_home


def test_the_dashboard_costs_the_same_queries_for_four_or_forty_households(personas, tree, rounds):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    inside, _outside = rounds
    client = _client(personas[Role.DISTRICT_REVIEWER])
    with CaptureQueriesContext(connection) as few:
        client.get(DASHBOARD, {"commune": "90001"})
    for i in range(36):
        in_round(
            household(tree.village1b, f"M{i:02d}"), inside, Step.POSTED, due_on=date(2020, 1, 1)
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(DASHBOARD, {"commune": "90001"})
    assert response.context["overdue"] == 36
    assert len(many.captured_queries) == len(few.captured_queries)
