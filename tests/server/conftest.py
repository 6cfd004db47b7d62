"""Named personas and a small unit tree shared by the server tests.

Tree (codes are synthetic so the tests do not depend on the national import):

    90 province
    ├── 90-D1 district ── 90001 commune (rural) ── 90001001 village, 90001002 village
    └── 90-D2 district ── 90002 commune (urban) ── 90002001 village

Inside personas cover province 90 or part of it; the 91 side is outside for all of them.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from rest_framework.test import APIClient

from server.accounts.models import Role, UnitAssignment, User
from server.accounts.services import device_register
from server.registry.models import Household, Unit
from server.registry.services import household_create, unit_create


@dataclass
class Tree:
    province: Unit
    province2: Unit
    district1: Unit
    district2: Unit
    commune1: Unit
    commune2: Unit
    village1a: Unit
    village1b: Unit
    village2a: Unit


@pytest.fixture
def tree(db: None) -> Tree:
    province = unit_create(code="90", name="Tỉnh Thử", level="province", parent=None)
    d1 = unit_create(code="90-D1", name="Huyện Một", level="district", parent=province)
    province2 = unit_create(code="91", name="Tỉnh Khác", level="province", parent=None)
    d2 = unit_create(code="91-D2", name="Huyện Hai", level="district", parent=province2)
    c1 = unit_create(code="90001", name="Xã Một", level="commune", parent=d1, area_type="rural")
    c2 = unit_create(code="91002", name="Phường Hai", level="commune", parent=d2, area_type="urban")
    return Tree(
        province,
        province2,
        d1,
        d2,
        c1,
        c2,
        unit_create(code="90001001", name="Thôn Nà Pò", level="village", parent=c1),
        unit_create(code="90001002", name="Thôn Bản Chang", level="village", parent=c1),
        unit_create(code="91002001", name="Tổ dân phố 1", level="village", parent=c2),
    )


def make_user(username: str, role: str, *units: Unit) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username, role=role)
    for unit in units:
        UnitAssignment.objects.create(user=user, unit=unit)
    return user


@pytest.fixture
def personas(tree: Tree) -> dict[str, User]:
    """One user per role, each covering village 90001001 through some unit."""
    return {
        Role.VOLUNTEER: make_user("volunteer", Role.VOLUNTEER, tree.village1a),
        Role.COMMUNE_OFFICER: make_user("officer", Role.COMMUNE_OFFICER, tree.commune1),
        Role.DISTRICT_REVIEWER: make_user("reviewer", Role.DISTRICT_REVIEWER, tree.district1),
        Role.PROVINCE_ADMIN: make_user("admin", Role.PROVINCE_ADMIN, tree.province),
        Role.SUPPORT_STAFF: make_user("support", Role.SUPPORT_STAFF, tree.district1),
    }


HEAD = {
    "full_name": "Nguyễn Văn A",
    "sex": "male",
    "birth_date": date(1980, 5, 17),
    "birth_year": 1980,
    "relation": "head",
    "ethnicity": "tay",
    "citizen_id": "001080012345",
}
CHILD = {
    "full_name": "Nguyễn Thị Bích",
    "sex": "female",
    "birth_year": 2012,
    "relation": "child",
    "ethnicity": "tay",
}


@pytest.fixture
def household_in(tree: Tree) -> Household:
    """A household inside village 1a, visible to every inside persona."""
    return household_create(
        actor=None,
        village=tree.village1a,
        members=[HEAD, CHILD],
        data={"code": "HD001", "head_name": "Nguyễn Văn A", "address": "Thôn Nà Pò"},
    )


@pytest.fixture
def household_out(tree: Tree) -> Household:
    """A household in province 91, outside every inside persona's area."""
    return household_create(
        actor=None,
        village=tree.village2a,
        members=[{**HEAD, "full_name": "Trần Văn Bình", "citizen_id": None}],
        data={"code": "HD900", "head_name": "Trần Văn Bình"},
    )


def client_for(user: User) -> APIClient:
    """An API client that authenticates like a phone, with a device token."""
    _device, token = device_register(user=user, name=f"phone of {user.username}")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client
