"""The household page: plain words only, the area's 404, photos without EXIF, diffs, years."""

import io
import re

import pytest
from django.test import Client
from django.utils import translation
from PIL import Image

from server.accounts.models import Role
from server.evidence.models import Attachment
from server.registry.models import HouseholdChange
from server.review.choices import Step
from server.review.models import AuditEvent, HouseholdReview
from server.surveys.services import publish_shipped_forms
from tests.server.conftest import client_for
from tests.server.review.fixtures import assess, household
from tests.server.sync_api.helpers import push, survey_answers, survey_item
from tests.server.sync_api.test_photos_for_staff import gps_jpeg, submit_with_photo

CODE_PATH = re.compile(
    r"members\[|\b(?:sanitation|dwelling|information|income|health)\.[a-z_]+|\.latrine ="
    r"|hanging_over_water|thatch_leaves|pit_without_slab|\b[a-z]+_[a-z_]+ = "
)


@pytest.fixture
def phone(personas):
    publish_shipped_forms()
    return client_for(personas[Role.VOLUNTEER])


def _page(user, household, **params):
    client = Client()
    client.force_login(user)
    return client.get(f"/console/review/households/{household.pk}/", params)


def _surveyed(phone, household, **changes):
    answers = survey_answers()
    answers["members"][2]["health_insurance"] = "no"
    answers.update(changes)
    assert push(phone, survey_item(household, answers)).json()["items"][0]["outcome"] == "accepted"


def _text(response):
    """The page as a person reads it: tags and their attributes left out."""
    return re.sub(r"<[^>]+>", " ", response.content.decode())


def test_the_page_explains_the_assessment_without_code_paths(phone, personas, household_in):
    _surveyed(phone, household_in)
    response = _page(personas[Role.DISTRICT_REVIEWER], household_in)
    assert response.status_code == 200
    html = response.content.decode()
    assert CODE_PATH.search(html) is None, CODE_PATH.search(html)
    text = _text(response)
    assert "thành viên thứ 3, Hoàng Văn Sử" in text
    assert "Cầu tõm, cầu ao" in text
    assert "Loại nhà tiêu hộ đang sử dụng" in text


def test_the_page_shows_income_per_person_against_each_line(phone, personas, household_in):
    _surveyed(phone, household_in)
    lines = _page(personas[Role.DISTRICT_REVIEWER], household_in).context["lines"]
    assert [(row.amount, row.gap, str(row.gap_percent)) for row in lines] == [
        (1_500_000, 625_000 - 1_500_000, "-58.3"),
        (2_250_000, 625_000 - 2_250_000, "-72.2"),
    ]


def test_the_roster_is_numbered_from_one(phone, personas, household_in):
    members = _page(personas[Role.COMMUNE_OFFICER], household_in).context["members"]
    assert [(n, m.full_name) for n, m in members] == [(1, "Nguyễn Văn A"), (2, "Nguyễn Thị Bích")]


def test_a_household_outside_the_area_answers_404(personas, household_out):
    assert _page(personas[Role.DISTRICT_REVIEWER], household_out).status_code == 404


def test_a_volunteer_is_refused(personas, household_in):
    assert _page(personas[Role.VOLUNTEER], household_in).status_code == 403


def test_the_diff_names_the_question_and_both_answers(phone, personas, household_in):
    _surveyed(phone, household_in)
    _surveyed(phone, household_in, latrine="flush_septic")
    diff = _page(personas[Role.DISTRICT_REVIEWER], household_in).context["diff"]
    assert [(c.label, c.before, c.after) for c in diff] == [
        ("Loại nhà tiêu hộ đang sử dụng", "Cầu tõm, cầu ao", "Nhà tiêu tự hoại")
    ]


def test_earlier_years_show_the_transition(personas, household_in):
    assess(household_in, klass="POOR", year=2023)
    assess(household_in, klass="NEAR_POOR", year=2024)
    assess(household_in, klass="POOR", year=2025)
    years = _page(personas[Role.DISTRICT_REVIEWER], household_in).context["years"]
    assert [(row.year, row.transitions) for row, _label, _t in years] == [
        (2025, ("re_poor",)),
        (2024, ("escaped_poverty", "newly_near_poor")),
        (2023, ("newly_poor",)),
    ]
    assert [t for _row, _label, t in years][0] == ["Tái nghèo"]


def test_photos_open_without_exif_at_both_sizes(phone, personas, household_in):
    submit_with_photo(phone, household_in, gps_jpeg(22.0, 106.0))
    photo = Attachment.objects.get(name="front.jpg")
    client = Client()
    client.force_login(personas[Role.DISTRICT_REVIEWER])
    url = f"/console/review/households/{household_in.pk}/photos/{photo.pk}/"
    assert url in _page(personas[Role.DISTRICT_REVIEWER], household_in).content.decode()
    for params in ({}, {"size": "thumb"}):
        response = client.get(url, params)
        assert response.status_code == 200
        image = Image.open(io.BytesIO(response.content))
        assert dict(image.getexif()) == {}


def test_a_photo_of_another_household_answers_404(phone, personas, household_in, tree):
    other = household(tree.village1a, "OTHER")
    submit_with_photo(phone, other, gps_jpeg(22.0, 106.0))
    photo = Attachment.objects.get(name="front.jpg")
    client = Client()
    client.force_login(personas[Role.DISTRICT_REVIEWER])
    url = f"/console/review/households/{household_in.pk}/photos/{photo.pk}/"
    assert client.get(url).status_code == 404


def test_the_officer_records_causes_and_policies_with_history(personas, household_in):
    officer = personas[Role.COMMUNE_OFFICER]
    client = Client()
    client.force_login(officer)
    response = client.post(
        f"/console/review/households/{household_in.pk}/needs/",
        {"poverty_causes": ["no_capital"], "policies_needed": ["health_insurance"]},
    )
    assert response.status_code == 302
    household_in.refresh_from_db()
    assert (household_in.poverty_causes, household_in.policies_needed) == (
        ["no_capital"],
        ["health_insurance"],
    )
    text = _text(_page(officer, household_in))
    assert "Lack of capital" in text or "Thiếu vốn" in text


def test_a_reviewer_may_not_edit_causes_and_nothing_changes(personas, household_in):
    client = Client()
    client.force_login(personas[Role.DISTRICT_REVIEWER])
    before = HouseholdChange.objects.count()
    response = client.post(
        f"/console/review/households/{household_in.pk}/needs/", {"poverty_causes": ["no_capital"]}
    )
    household_in.refresh_from_db()
    assert (response.status_code, household_in.poverty_causes) == (403, [])
    assert HouseholdChange.objects.count() == before


def test_the_audit_trail_shows_review_events_and_registry_changes(personas, household_in):
    officer = personas[Role.COMMUNE_OFFICER]
    AuditEvent.objects.create(
        actor=officer,
        action="return",
        reason="Chụp lại nhà tiêu",
        before={"step": "surveyed"},
        after={"step": "listed"},
        household=household_in,
    )
    trail = _page(officer, household_in).context["trail"]
    with translation.override("vi"):
        step = str(HouseholdReview._meta.get_field("step").verbose_name)
        surveyed, listed = str(Step.SURVEYED.label), str(Step.LISTED.label)
    assert [(t.what, t.reason, t.details) for t in trail[:1]] == [
        ("Đã trả lại cho cộng tác viên", "Chụp lại nhà tiêu", [(step, surveyed, listed)])
    ]
    assert len(trail) == 1 + HouseholdChange.objects.filter(household=household_in).count()


def test_the_page_reads_in_english_on_the_switch(phone, personas, household_in):
    _surveyed(phone, household_in)
    client = Client()
    client.force_login(personas[Role.DISTRICT_REVIEWER])
    client.cookies["django_language"] = "en"
    text = _text(client.get(f"/console/review/households/{household_in.pk}/"))
    assert "Deprived indicators" in text
    assert "member 3, Hoàng Văn Sử" in text
    assert "Income per person against the lines" in text
