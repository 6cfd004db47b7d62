"""What a push must refuse, per item, with the field path in both languages, storing nothing
(issue 11 item 4, issue 12 F6)."""

import json
import uuid
from datetime import datetime, timedelta

import pytest

from server.accounts.models import Role
from server.registry.models import Household, HouseholdChange, Member
from server.submissions.models import Assessment, Submission
from server.surveys.services import publish_shipped_forms
from server.sync_api.models import Receipt
from server.sync_api.roster import SURVEY_TIME_ZONE
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import (
    HEADERS,
    PUSH,
    household_payload,
    item,
    push,
    survey_answers,
    survey_item,
)


@pytest.fixture
def phone(personas):
    publish_shipped_forms()
    return client_for(personas[Role.VOLUNTEER])


def _stored() -> tuple:
    return (
        Receipt.objects.count(),
        Submission.objects.count(),
        Assessment.objects.count(),
        tuple(Household.objects.order_by("pk").values_list("pk", "revision")),
        tuple(Member.objects.order_by("pk").values_list("pk", "revision", "removed_at")),
        HouseholdChange.objects.count(),
    )


def _errors(response) -> list[tuple[str, str]]:
    outcome = response.json()["items"][0]
    assert outcome["outcome"] == "rejected"
    for error in outcome["errors"]:
        assert error["message_vi"]
        assert error["message_en"]
        assert error["message_vi"] != error["message_en"]
    return [(e["path"], e["code"]) for e in outcome["errors"]]


def _vn_today():
    return datetime.now(SURVEY_TIME_ZONE).date()


def _dated(day) -> dict:
    answers = survey_answers()
    answers["survey_date"] = day.isoformat()
    answers["review_year"] = day.year
    return answers


def test_a_survey_dated_two_days_ahead_of_viet_nam_is_refused(phone, household_in):
    before = _stored()
    response = push(phone, survey_item(household_in, _dated(_vn_today() + timedelta(days=2))))
    assert ("items[0].payload.survey_date", "constraint") in _errors(response)
    assert _stored() == before


def test_a_phone_one_day_ahead_of_viet_nam_is_accepted(phone, household_in):
    response = push(phone, survey_item(household_in, _dated(_vn_today() + timedelta(days=1))))
    assert response.json()["items"][0]["outcome"] == "accepted"


def test_a_survey_without_household_id_is_refused_and_stores_nothing(phone, household_in):
    survey = survey_item(household_in)
    del survey["household_id"]
    before = _stored()
    assert _errors(push(phone, survey)) == [("items[0].household_id", "required")]
    assert _stored() == before


def test_a_screening_without_household_id_is_refused_too(phone, household_in):
    """The app starts every survey, Phiếu A included, from a household of the registry."""
    survey = item(
        "submission",
        {"survey_date": "2025-01-02"},
        form={"id": "household_screening", "version": "1"},
    )
    assert _errors(push(phone, survey)) == [("items[0].household_id", "required")]


def test_a_photo_answer_naming_an_undeclared_file_is_refused(phone, household_in):
    survey = survey_item(household_in)
    survey["attachments"] = [a for a in survey["attachments"] if a["name"] != "roof.jpg"]
    before = _stored()
    assert _errors(push(phone, survey)) == [
        ("items[0].payload.photo_roof", "undeclared_attachment")
    ]
    assert _stored() == before


@pytest.mark.parametrize(
    ("kind", "extra_path"),
    [("household_create", "payload.so_nguoi"), ("household_create", "payload.id")],
)
def test_unknown_fields_in_a_household_create_are_refused(phone, tree, kind, extra_path):
    key = extra_path.split(".")[1]
    body = {**household_payload(tree.village1a.code), key: 4}
    before = _stored()
    assert _errors(push(phone, item(kind, body))) == [(f"items[0].{extra_path}", "unknown_field")]
    assert _stored() == before


def test_unknown_fields_of_a_member_inside_a_household_create_are_refused(phone, tree):
    member = {
        "full_name": "Lò Văn Páo",
        "sex": "male",
        "birth_year": 1975,
        "relation": "head",
        "ethnicity": "thai",
        "nghe": "nông",
    }
    body = household_payload(tree.village1a.code, members=[member])
    before = _stored()
    assert _errors(push(phone, item("household_create", body))) == [
        ("items[0].payload.members[0].nghe", "unknown_field")
    ]
    assert _stored() == before


def test_unknown_fields_in_member_create_and_edits_are_refused(phone, household_in):
    member = household_in.members.order_by("created_at").last()
    items = [
        item(
            "member_create",
            {"full_name": "A", "sex": "male", "birth_year": 2000, "relation": "child",
             "ethnicity": "tay", "tuoi": 25},
            household_id=str(household_in.pk),
        ),
        item("member_edit", {"full_name": "B", "revision": 1}, target_id=str(member.pk),
             base_revision=1),
        item("household_edit", {"address": "C", "so_nguoi": 5}, target_id=str(household_in.pk),
             base_revision=1),
    ]  # fmt: skip
    before = _stored()
    outcomes = push(phone, *items).json()["items"]
    assert [[(e["path"], e["code"]) for e in o["errors"]] for o in outcomes] == [
        [("items[0].payload.tuoi", "unknown_field")],
        [("items[1].payload.revision", "unknown_field")],
        [("items[2].payload.so_nguoi", "unknown_field")],
    ]
    assert _stored() == before


def _raw_push(phone, text: str):
    body = '{"protocol": 1, "items": [' + text + "]}"
    return phone.generic("POST", PUSH, body.encode(), content_type="application/json", **HEADERS)


def test_a_lone_surrogate_in_a_payload_string_is_a_clean_400(phone, tree):
    good = item("household_create", household_payload(tree.village1a.code, head_name="MARK"))
    text = json.dumps(good).replace('"MARK"', '"L\\ud800"')
    before = _stored()
    response = _raw_push(phone, text)
    assert response.status_code == 400
    issues = response.json()["error"]["issues"]
    assert [(i["path"], i["code"]) for i in issues] == [
        ("items[0].payload.head_name", "invalid_string")
    ]
    assert _stored() == before


def test_a_member_create_reusing_a_member_id_from_anywhere_is_refused_alike(
    phone, household_in, household_out
):
    """In the area, outside it, or a fresh uuid already used by a receipt: one answer."""
    body = {"full_name": "A", "sex": "male", "birth_year": 2000, "relation": "child",
            "ethnicity": "tay"}  # fmt: skip
    first = item("household_edit", {"address": "Bản Mới"}, target_id=str(household_in.pk),
                 base_revision=1)  # fmt: skip
    inside = household_in.members.first().pk
    outside = household_out.members.get().pk
    answers = []
    for reused in (inside, outside):
        before = _stored()
        batch = [
            first,
            item("member_create", body, client_uuid=reused, household_id=str(household_in.pk)),
        ]
        outcomes = push(phone, *batch).json()["items"]
        answers.append([(e["path"], e["code"]) for e in outcomes[1]["errors"]])
        assert outcomes[1]["outcome"] == "rejected"
        assert outcomes[0]["outcome"] in ("accepted", "duplicate")
        resent = push(phone, batch[1]).json()["items"][0]
        assert [(e["path"], e["code"]) for e in resent["errors"]] == [
            ("items[0].client_uuid", "client_uuid_reused")
        ]
        assert Member.objects.filter(pk=reused).values_list("household_id").get() in (
            (household_in.pk,),
            (household_out.pk,),
        )
        assert _stored()[4] == before[4]
    assert answers == [[("items[1].client_uuid", "client_uuid_reused")]] * 2


def test_a_household_create_reusing_a_household_id_is_refused_without_naming_the_code(
    phone, tree, household_out
):
    body = household_payload(tree.village1a.code, code="HD-NEW")
    before = _stored()
    outcome = push(phone, item("household_create", body, client_uuid=household_out.pk))
    assert _errors(outcome) == [("items[0].client_uuid", "client_uuid_reused")]
    assert _stored() == before


def test_a_new_client_uuid_still_creates_a_member(phone, household_in):
    body = {"full_name": "A", "sex": "male", "birth_year": 2000, "relation": "child",
            "ethnicity": "foreign"}  # fmt: skip
    mid = uuid.uuid4()
    outcome = push(phone, item("member_create", body, client_uuid=mid,
                               household_id=str(household_in.pk))).json()["items"][0]  # fmt: skip
    assert (outcome["outcome"], outcome["revision"]) == ("accepted", 1)
    assert Member.objects.get(pk=mid).ethnicity == "foreign"
