"""The reviewer's queue page: filters, area, roles, bulk actions with a confirmation, queries."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from server.accounts.models import Role
from server.registry.models import Household, HouseholdChange
from server.review.models import AuditEvent
from server.submissions.models import ReviewStatus, Submission
from server.surveys.services import publish_shipped_forms
from tests.server.review.fixtures import assess, conflict, household, survey

QUEUE = "/console/review/queue/"
BULK = "/console/review/queue/bulk/"


@pytest.fixture
def forms_published(db):
    publish_shipped_forms()


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _codes(response):
    return [row["household"].code for row in response.context["rows"]]


def test_the_queue_lists_only_households_in_the_area(personas, tree, forms_published):
    household(tree.village1a, "IN-1")
    household(tree.village1b, "IN-2")
    household(tree.village2a, "OUT-1")
    response = _client(personas[Role.DISTRICT_REVIEWER]).get(QUEUE)
    assert response.status_code == 200
    assert _codes(response) == ["IN-1", "IN-2"]
    assert "OUT-1" not in response.content.decode()


def test_a_volunteer_is_refused_and_an_anonymous_visitor_sent_to_sign_in(personas, tree):
    assert _client(personas[Role.VOLUNTEER]).get(QUEUE).status_code == 403
    response = Client().get(QUEUE)
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")


def test_filters_by_unit_class_status_difference_and_flag(personas, tree, forms_published):
    assess(household(tree.village1a, "A-poor"), klass="POOR", income=1_000_000, deprivations=5)
    near = household(tree.village1b, "B-near")
    assess(near, klass="NEAR_POOR", income=1_500_000, deprivations=1)
    Household.objects.filter(pk=near.pk).update(status="near_poor")
    assess(household(tree.village1b, "C-undet"), klass="UNDETERMINED", income=None)
    conflict(household(tree.village1b, "D-conflict"))
    client = _client(personas[Role.DISTRICT_REVIEWER])
    assert _codes(client.get(QUEUE, {"unit": "90001002"})) == ["B-near", "C-undet", "D-conflict"]
    assert _codes(client.get(QUEUE, {"engine_class": "POOR"})) == ["A-poor"]
    assert _codes(client.get(QUEUE, {"status": "near_poor"})) == ["B-near"]
    assert _codes(client.get(QUEUE, {"differs": "on"})) == ["A-poor", "C-undet"]
    assert _codes(client.get(QUEUE, {"undetermined": "on"})) == ["C-undet"]
    assert _codes(client.get(QUEUE, {"flag": "income_near_line"})) == ["B-near"]
    assert _codes(client.get(QUEUE, {"flag": "sync_conflict"})) == ["D-conflict"]
    assert _codes(client.get(QUEUE, {"sort": "deprivations"}))[:2] == ["A-poor", "B-near"]


def test_a_unit_outside_the_area_filters_nothing_and_reveals_nothing(personas, tree):
    household(tree.village1a, "IN-1")
    household(tree.village2a, "OUT-1")
    response = _client(personas[Role.DISTRICT_REVIEWER]).get(QUEUE, {"unit": "91002001"})
    assert _codes(response) == ["IN-1"]


def test_htmx_gets_only_the_rows(personas, tree):
    household(tree.village1a, "IN-1")
    response = _client(personas[Role.DISTRICT_REVIEWER]).get(QUEUE, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "IN-1" in html
    assert "<html" not in html


def test_the_page_costs_the_same_queries_for_five_or_twenty_five_rows(
    personas, tree, forms_published
):
    client = _client(personas[Role.DISTRICT_REVIEWER])
    for i in range(5):
        target = household(tree.village1a, f"H{i:02d}")
        assess(target, income=1_500_000, deprivations=3)
        survey(target)
        conflict(target)
    with CaptureQueriesContext(connection) as five:
        assert len(_codes(client.get(QUEUE))) == 5
    for i in range(5, 25):
        target = household(tree.village1b, f"H{i:02d}")
        assess(target, income=1_500_000, deprivations=3)
        survey(target)
    with CaptureQueriesContext(connection) as many:
        assert len(_codes(client.get(QUEUE))) == 25
    assert len(many.captured_queries) == len(five.captured_queries)
    assert len(five.captured_queries) <= 8


def test_a_bulk_return_first_asks_to_confirm_and_changes_nothing(personas, tree, forms_published):
    target = household(tree.village1a, "R-1")
    sub = survey(target)
    response = _client(personas[Role.DISTRICT_REVIEWER]).post(
        BULK, {"action": "return", "households": [str(target.pk)], "comment": "Kiểm tra nhà tiêu"}
    )
    assert response.status_code == 200
    assert "R-1" in response.content.decode()
    sub.refresh_from_db()
    assert sub.review_status == ReviewStatus.PENDING
    assert AuditEvent.objects.count() == 0


def test_a_confirmed_bulk_return_returns_each_survey_with_the_fields(
    personas, tree, forms_published
):
    reviewer = personas[Role.DISTRICT_REVIEWER]
    first, second = household(tree.village1a, "R-1"), household(tree.village1b, "R-2")
    subs = [survey(first), survey(second)]
    response = _client(reviewer).post(
        BULK,
        {
            "action": "return",
            "households": [str(first.pk), str(second.pk)],
            "comment": "Kiểm tra nhà tiêu",
            "questions": ["latrine"],
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    stored = Submission.objects.filter(pk__in=[s.pk for s in subs]).order_by("household__code")
    assert [(s.review_status, s.review_comment, s.review_fields) for s in stored] == [
        (ReviewStatus.RETURNED, "Kiểm tra nhà tiêu", ["latrine"]),
        (ReviewStatus.RETURNED, "Kiểm tra nhà tiêu", ["latrine"]),
    ]
    assert sorted(AuditEvent.objects.values_list("action", "actor_id", "household__code")) == [
        ("submission_return", reviewer.pk, "R-1"),
        ("submission_return", reviewer.pk, "R-2"),
    ]


def test_a_bulk_return_with_one_household_outside_the_area_changes_nothing(
    personas, tree, forms_published
):
    inside, outside = household(tree.village1a, "R-in"), household(tree.village2a, "R-out")
    subs = [survey(inside), survey(outside)]
    _client(personas[Role.DISTRICT_REVIEWER]).post(
        BULK,
        {
            "action": "return",
            "households": [str(inside.pk), str(outside.pk)],
            "comment": "Sai",
            "confirm": "on",
        },
    )
    assert [s.review_status for s in Submission.objects.filter(pk__in=[s.pk for s in subs])] == [
        ReviewStatus.PENDING,
        ReviewStatus.PENDING,
    ]
    assert AuditEvent.objects.count() == 0


def test_a_bulk_return_refused_for_one_household_without_a_waiting_survey_changes_nothing(
    personas, tree, forms_published
):
    waiting, empty = household(tree.village1a, "R-wait"), household(tree.village1a, "R-none")
    sub = survey(waiting)
    response = _client(personas[Role.DISTRICT_REVIEWER]).post(
        BULK,
        {
            "action": "return",
            "households": [str(waiting.pk), str(empty.pk)],
            "comment": "Sai",
            "confirm": "on",
        },
        follow=True,
    )
    sub.refresh_from_db()
    assert sub.review_status == ReviewStatus.PENDING
    assert "R-none" in response.content.decode()


def test_support_staff_may_not_flag_and_nothing_changes(personas, tree, forms_published):
    target = household(tree.village1a, "F-1")
    before = HouseholdChange.objects.count()
    _client(personas[Role.SUPPORT_STAFF]).post(
        BULK, {"action": "flag", "households": [str(target.pk)], "confirm": "on"}
    )
    target.refresh_from_db()
    assert (target.flagged_for_review, HouseholdChange.objects.count()) == (False, before)


def test_a_confirmed_bulk_flag_flags_with_history_and_audit(personas, tree, forms_published):
    reviewer = personas[Role.DISTRICT_REVIEWER]
    target = household(tree.village1a, "F-1")
    _client(reviewer).post(
        BULK,
        {
            "action": "flag",
            "households": [str(target.pk)],
            "comment": "Thu nhập sát chuẩn",
            "confirm": "on",
        },
    )
    target.refresh_from_db()
    assert (target.flagged_for_review, target.flag_reason) == (True, "reviewer")
    event = AuditEvent.objects.get()
    assert (event.action, event.reason, event.actor_id) == (
        "flag",
        "Thu nhập sát chuẩn",
        reviewer.pk,
    )
