"""Console pages: figures link to the households behind them; outside the area is a 404."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from server.accounts.models import Role, User
from server.registry.services import household_status_set
from server.reports.models import Target
from tests.server.conftest import Tree, make_user
from tests.server.reports.conftest import Make

pytestmark = pytest.mark.django_db


def client_of(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def filled(tree: Tree, make_household: Make) -> Tree:
    for n, status in enumerate(["poor", "poor", "near_poor", "not_poor"]):
        h = make_household(tree.village1a if n < 3 else tree.village1b, klass="POOR")
        for year, s in ((2024, "poor"), (2025, status)):
            household_status_set(household=h, year=year, status=s, decided_on=date(year, 12, 1),
                                 decision_ref="QĐ", actor=None, source="test")  # fmt: skip
    make_household(tree.village2a, status="poor")
    return tree


STAFF = [Role.COMMUNE_OFFICER, Role.DISTRICT_REVIEWER, Role.PROVINCE_ADMIN, Role.SUPPORT_STAFF]


@pytest.mark.parametrize("role", STAFF)
def test_every_staff_role_sees_its_commune_and_nothing_outside(
    filled: Tree, personas, role
) -> None:
    client = client_of(personas[role])
    assert client.get(f"/console/reports/unit/{filled.commune1.code}/").status_code == 200
    for path in [
        f"/console/reports/unit/{filled.commune2.code}/",
        f"/console/reports/unit/{filled.province2.code}/households/?key=hh",
        f"/console/reports/unit/{filled.province2.code}/targets/",
        "/console/reports/unit/NO-SUCH-UNIT/",
    ]:
        assert client.get(path).status_code == 404, path


def test_a_volunteer_is_refused_the_console(filled: Tree, personas) -> None:
    response = client_of(personas[Role.VOLUNTEER]).get(
        f"/console/reports/unit/{filled.commune1.code}/"
    )
    assert response.status_code == 403


def test_signed_out_goes_to_the_console_sign_in(filled: Tree) -> None:
    response = Client().get(f"/console/reports/unit/{filled.commune1.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/console/login/")


def test_dashboard_shows_vietnamese_figures_that_link_to_their_households(
    filled: Tree, personas
) -> None:
    client = client_of(personas[Role.PROVINCE_ADMIN])
    page = client.get(f"/console/reports/unit/{filled.province.code}/").content.decode()
    assert 'href="/console/reports/unit/90/households/?key=st%3Apoor">2</a>' in page
    assert "50,00%" in page  # 2 poor of 4 households, Vietnamese decimal comma
    with translation.override("vi"):
        escaped = gettext("Escaped poverty")
    assert escaped != "Escaped poverty"
    assert f'<th class="num">{escaped}</th>' in page  # the console speaks Vietnamese
    listing = client.get("/console/reports/unit/90/households/?key=st%3Apoor").content.decode()
    assert re.findall(r">(H\d{4})</a>", listing) == ["H0001", "H0002"]


def test_household_list_of_a_transition_matches_its_count(filled: Tree, personas) -> None:
    client = client_of(personas[Role.COMMUNE_OFFICER])
    page = client.get(f"/console/reports/unit/{filled.commune1.code}/?year=2025").content.decode()
    key = "y%3A2025%3Atr%3Aescaped_poverty"
    assert f'?key={key}">2</a>' in page
    listing = client.get(f"/console/reports/unit/{filled.commune1.code}/households/?key={key}")
    assert re.findall(r">(H\d{4})</a>", listing.content.decode()) == ["H0003", "H0004"]


def test_a_bad_year_is_a_400(filled: Tree, personas) -> None:
    client = client_of(personas[Role.PROVINCE_ADMIN])
    assert client.get("/console/reports/unit/90/?year=20x5").status_code == 400


def test_household_page_outside_the_area_is_a_404(filled: Tree, personas) -> None:
    from server.registry.models import Household

    outside = Household.objects.get(village=filled.village2a)
    inside = Household.objects.filter(village=filled.village1a).first()
    assert inside is not None
    client = client_of(personas[Role.COMMUNE_OFFICER])
    assert client.get(f"/console/reports/household/{outside.pk}/").status_code == 404
    assert client.get(f"/console/reports/household/{inside.pk}/").status_code == 200


def test_targets_pages_show_progress_and_are_scoped(filled: Tree, personas) -> None:
    inside = Target.objects.create(unit=filled.province, name="Giảm nghèo", measure="rate_cut",
                                   value=Decimal(10), base_year=2024, target_year=2026)  # fmt: skip
    outside = Target.objects.create(unit=filled.province2, name="Khác", measure="none_left",
                                    value=Decimal(0), base_year=2024, target_year=2026)  # fmt: skip
    client = client_of(personas[Role.DISTRICT_REVIEWER])
    assert client.get(f"/console/reports/targets/{inside.pk}/").status_code == 404  # province above
    admin = client_of(personas[Role.PROVINCE_ADMIN])
    page = admin.get(f"/console/reports/unit/{filled.province.code}/targets/").content.decode()
    assert "Giảm nghèo" in page
    assert "Khác" not in page
    assert admin.get(f"/console/reports/targets/{inside.pk}/").status_code == 200
    assert admin.get(f"/console/reports/targets/{outside.pk}/").status_code == 404


def test_a_user_with_two_units_picks_one(filled: Tree) -> None:
    user = make_user("two", Role.COMMUNE_OFFICER, filled.commune1, filled.commune2)
    page = client_of(user).get("/console/reports/").content.decode()
    assert 'href="/console/reports/unit/90001/"' in page
    assert 'href="/console/reports/unit/91002/"' in page
