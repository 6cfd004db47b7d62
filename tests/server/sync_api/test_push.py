"""Push through HTTP: exactly once, conflicts kept, one bad item never fails the batch."""

import uuid

import pytest

from server.accounts.models import Role
from server.feed.models import FeedEntry
from server.registry.models import Household, HouseholdChange
from server.sync_api.models import ConflictCopy, Receipt
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import household_payload, item, push


@pytest.fixture
def phone(personas):
    return client_for(personas[Role.VOLUNTEER])


def _outcomes(response) -> list[tuple[str, object]]:
    return [(o["outcome"], o["revision"]) for o in response.json()["items"]]


def test_a_household_created_on_the_phone_keeps_its_client_uuid(phone, tree):
    hid = uuid.uuid4()
    response = push(
        phone, item("household_create", household_payload(tree.village1a.code), client_uuid=hid)
    )
    assert response.status_code == 200
    assert _outcomes(response) == [("accepted", 1)]
    household = Household.objects.get(pk=hid)
    assert (household.code, household.revision, household.village_id) == (
        "HD100",
        1,
        tree.village1a.pk,
    )
    assert HouseholdChange.objects.get(household=household).source == "sync"


def test_a_resent_item_is_a_duplicate_and_stores_nothing_new(phone, tree):
    create = item("household_create", household_payload(tree.village1a.code))
    push(phone, create)
    counts = (Household.objects.count(), HouseholdChange.objects.count(), FeedEntry.objects.count())
    response = push(phone, create)
    assert _outcomes(response) == [("duplicate", 1)]
    assert (
        Household.objects.count(),
        HouseholdChange.objects.count(),
        FeedEntry.objects.count(),
    ) == counts


def test_the_same_uuid_with_another_payload_is_a_conflict_and_both_are_kept(phone, tree):
    hid = uuid.uuid4()
    push(phone, item("household_create", household_payload(tree.village1a.code), client_uuid=hid))
    other = item(
        "household_create",
        household_payload(tree.village1a.code, head_name="Tên Khác"),
        client_uuid=hid,
    )
    response = push(phone, other)
    assert response.json()["items"][0]["outcome"] == "conflict"
    assert response.json()["items"][0]["conflict_reason"] == "different_payload"
    household = Household.objects.get(pk=hid)
    assert household.head_name == "Lò Văn Páo"
    assert household.flagged_for_review is True
    kept = ConflictCopy.objects.get(client_uuid=hid)
    assert kept.payload["head_name"] == "Tên Khác"
    assert _outcomes(push(phone, other))[0][0] == "conflict"
    assert ConflictCopy.objects.count() == 1


def test_an_edit_on_a_stale_base_revision_is_a_conflict_that_overwrites_nothing(
    phone, household_in
):
    first = item(
        "household_edit", {"address": "Bản Một"}, target_id=str(household_in.pk), base_revision=1
    )
    second = item(
        "household_edit", {"address": "Bản Hai"}, target_id=str(household_in.pk), base_revision=1
    )
    response = push(phone, first, second)
    assert _outcomes(response) == [("accepted", 2), ("conflict", 2)]
    assert response.json()["items"][1]["conflict_reason"] == "stale_base_revision"
    household_in.refresh_from_db()
    assert (household_in.address, household_in.revision, household_in.flagged_for_review) == (
        "Bản Một",
        2,
        True,
    )
    assert ConflictCopy.objects.get().payload == {"address": "Bản Hai"}


def test_one_bad_item_never_fails_the_batch(phone, tree):
    good = item("household_create", household_payload(tree.village1a.code, code="HD201"))
    bad = item(
        "household_create",
        household_payload(tree.village1a.code, code="HD202", latitude="48.85", longitude="2.35"),
    )
    also_good = item("household_create", household_payload(tree.village1a.code, code="HD203"))
    response = push(phone, good, bad, also_good)
    assert [o["outcome"] for o in response.json()["items"]] == ["accepted", "rejected", "accepted"]
    errors = response.json()["items"][1]["errors"]
    assert [(e["path"], e["code"]) for e in errors] == [
        ("items[1].payload.latitude", "outside_vietnam"),
        ("items[1].payload.longitude", "outside_vietnam"),
    ]
    assert errors[0]["message_vi"] == "Tọa độ nằm ngoài lãnh thổ Việt Nam."
    assert errors[0]["message_en"] == "The point is outside Viet Nam."
    assert sorted(Household.objects.values_list("code", flat=True)) == ["HD201", "HD203"]
    assert not Receipt.objects.filter(client_uuid=bad["client_uuid"]).exists()


def test_a_member_created_on_the_phone_joins_its_household(phone, household_in):
    mid = uuid.uuid4()
    payload = {
        "full_name": "Hoàng Thị Mới",
        "sex": "female",
        "birth_year": 2020,
        "relation": "grandchild",
        "ethnicity": "tay",
    }
    response = push(
        phone, item("member_create", payload, client_uuid=mid, household_id=str(household_in.pk))
    )
    assert _outcomes(response) == [("accepted", 1)]
    assert household_in.members.get(pk=mid).full_name == "Hoàng Thị Mới"


def test_a_device_cannot_push_to_a_household_outside_its_area(phone, household_out):
    before = (household_out.revision, household_out.address)
    edit = item(
        "household_edit", {"address": "Xâm nhập"}, target_id=str(household_out.pk), base_revision=1
    )
    member = item(
        "member_create",
        {
            "full_name": "X",
            "sex": "male",
            "birth_year": 1990,
            "relation": "child",
            "ethnicity": "kinh",
        },
        household_id=str(household_out.pk),
    )
    response = push(phone, edit, member)
    assert [(o["outcome"], o["errors"][0]["code"]) for o in response.json()["items"]] == [
        ("rejected", "target_not_found"),
        ("rejected", "target_not_found"),
    ]
    household_out.refresh_from_db()
    assert (household_out.revision, household_out.address) == before
    assert household_out.members.count() == 1


def test_a_household_in_an_uncovered_village_is_rejected(phone, tree):
    response = push(phone, item("household_create", household_payload(tree.village2a.code)))
    assert response.json()["items"][0]["errors"][0]["path"] == "items[0].payload.village"
    assert Household.objects.count() == 0


@pytest.mark.parametrize(
    ("header", "status", "code"),
    [
        (None, 400, "protocol_missing"),
        ("0", 426, "protocol_too_old"),
        ("99", 400, "protocol_too_new"),
    ],
)
def test_the_protocol_version_is_checked_on_every_push(phone, tree, header, status, code):
    headers = {"HTTP_X_CHUNGTAY_PROTOCOL": header} if header else {"HTTP_X_CHUNGTAY_PROTOCOL": ""}
    response = push(
        phone, item("household_create", household_payload(tree.village1a.code)), **headers
    )
    assert response.status_code == status
    assert response.json()["error"]["issues"][0]["code"] == code
    assert Household.objects.count() == 0


def test_a_malformed_batch_is_a_400_with_paths_and_stores_nothing(phone, tree):
    body = b'{"protocol": 1, "items": [{"client_uuid": "nope", "kind": "household_create"}]}'
    response = phone.generic(
        "POST",
        "/api/v1/sync/push",
        body,
        content_type="application/json",
        HTTP_X_CHUNGTAY_PROTOCOL="1",
    )
    assert response.status_code == 400
    assert response.json()["error"]["issues"][0]["path"] == "items[0].client_uuid"
    assert Receipt.objects.count() == 0


def test_a_batch_over_the_item_limit_is_413(phone, tree):
    items = [
        item("household_create", household_payload(tree.village1a.code, code=f"H{i}"))
        for i in range(101)
    ]
    response = push(phone, *items)
    assert response.status_code == 413
    assert Household.objects.count() == 0


def test_unknown_form_versions_are_rejected_per_item(phone, household_in):
    sub = item(
        "submission",
        {"x": 1},
        form={"id": "household_survey", "version": "999"},
        household_id=str(household_in.pk),
    )
    response = push(phone, sub)
    assert response.json()["items"][0]["outcome"] == "rejected"
    assert response.json()["items"][0]["errors"][0]["code"] == "form_unknown"


def test_a_push_body_over_5_mib_is_413_in_the_protocols_shape(phone, tree):
    body = b'{"protocol": 1, "items": [' + b" " * (5 * 1024 * 1024) + b"]}"
    response = phone.generic(
        "POST",
        "/api/v1/sync/push",
        body,
        content_type="application/json",
        HTTP_X_CHUNGTAY_PROTOCOL="1",
    )
    assert response.status_code == 413
    assert response.json()["error"]["issues"][0]["code"] == "batch_too_large"
    assert Receipt.objects.count() == 0
