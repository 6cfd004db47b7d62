"""Assessments on the server: idempotent scoring, explanations over the API, resumable rescore."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from server.accounts.models import Role
from server.feed.models import FeedEntry
from server.submissions.models import Assessment, RescoreRun
from server.submissions.scoring import build_assessment
from server.submissions.services import (
    assessment_record,
    assessments_store,
    rescore_open_run,
    rescore_run,
)
from tests.server.conftest import client_for

CASES = Path(__file__).resolve().parents[3] / "forms/conformance/scoring"


def facts(case: str) -> dict:
    return json.loads((CASES / f"{case}.json").read_text(encoding="utf-8"))["facts"]


def poor_facts() -> dict:
    for path in sorted(CASES.glob("r22_*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        if case["expected"].get("class") == "POOR" and "ruleset" not in case:
            return case["facts"]
    raise AssertionError("no POOR case for 2022-2025")


def test_the_same_facts_are_stored_once_however_often_they_are_scored(household_in):
    first = assessment_record(household=household_in, facts=poor_facts())
    again = assessment_record(household=household_in, facts=poor_facts())
    assert first.pk == again.pk
    assert Assessment.objects.count() == 1
    assert (first.household_class, first.is_latest) == ("POOR", True)


def facts_of_year(year: int) -> dict:
    return {**{k: v for k, v in poor_facts().items() if k != "reference_date"}, "review_year": year}


def test_an_earlier_review_year_never_displaces_a_later_latest(household_in):
    later = assessment_record(household=household_in, facts=facts_of_year(2025))
    earlier = assessment_record(household=household_in, facts=facts_of_year(2023))
    assert (later.is_latest, earlier.is_latest) == (True, False)
    assert Assessment.objects.get(is_latest=True).pk == later.pk


def test_assessments_stored_together_leave_each_households_last_one_latest(
    household_in, household_out
):
    def built(household, year):
        return (build_assessment(household_id=household.pk, facts=facts_of_year(year)), household)

    stored = assessments_store(
        [
            built(household_in, 2023),
            built(household_out, 2024),
            built(household_in, 2024),
            built(household_in, 2023),
        ]
    )
    assert [a.is_latest for a in stored] == [False, True, True, False]
    assert stored[3].pk == stored[0].pk  # the same facts twice: one row
    assert Assessment.objects.count() == 3
    latest = Assessment.objects.filter(is_latest=True)
    assert sorted(latest.values_list("review_year", flat=True)) == [2024, 2024]
    assert FeedEntry.objects.filter(kind="assessment").count() == 2


def test_assessments_are_served_with_their_explanation(personas, household_in, household_out):
    assessment_record(household=household_in, facts=poor_facts())
    client = client_for(personas[Role.VOLUNTEER])
    body = client.get(f"/api/v1/households/{household_in.pk}/assessments/").json()
    result = body["results"][0]
    assert result["household_class"] == "POOR"
    assert result["engine_version"]
    reasons = [i for i in result["result"]["indicators"] if i["status"] == "deprived"]
    assert reasons
    assert all(r["reason_vi"] and r["reason_en"] and r["evidence"] for r in reasons)
    assert client.get(f"/api/v1/households/{household_out.pk}/assessments/").status_code == 404


def test_rescore_scores_each_household_once_and_resumes(household_in, household_out, tree):
    assessment_record(household=household_in, facts=poor_facts())
    assessment_record(household=household_out, facts=poor_facts())
    run = rescore_open_run(ruleset_id="vn-2027-2030", year=2027)
    rescore_run(run, batch_size=1)
    assert run.scored == 2
    latest = Assessment.objects.filter(is_latest=True)
    assert sorted(latest.values_list("ruleset_id", "review_year")) == [("vn-2027-2030", 2027)] * 2
    assert Assessment.objects.count() == 4
    again = rescore_open_run(ruleset_id="vn-2027-2030", year=2027)
    assert again.pk != run.pk
    rescore_run(again)
    assert Assessment.objects.count() == 4


def test_an_interrupted_rescore_continues_after_its_checkpoint(household_in, household_out):
    assessment_record(household=household_in, facts=poor_facts())
    assessment_record(household=household_out, facts=poor_facts())
    run = rescore_open_run(ruleset_id="vn-2027-2030", year=2027)
    first = sorted([household_in.pk, household_out.pk])[0]
    RescoreRun.objects.filter(pk=run.pk).update(last_household_id=first, scored=1)
    resumed = rescore_open_run(ruleset_id="vn-2027-2030", year=2027)
    assert resumed.pk == run.pk
    rescore_run(resumed)
    assert resumed.scored == 2
    assert Assessment.objects.filter(ruleset_id="vn-2027-2030").count() == 1


def test_the_rescore_command_reports_its_count(household_in, capsys):
    assessment_record(household=household_in, facts=poor_facts())
    call_command(
        "rescore", "--ruleset", "vn-2016-2020", "--year", "2020", "--unit", "90", "--no-progress"
    )
    assert capsys.readouterr().out.strip() == "scored=1 ruleset=vn-2016-2020 year=2020"


@pytest.mark.django_db
def test_the_rescore_command_refuses_an_unknown_ruleset():
    with pytest.raises(CommandError, match="unknown ruleset"):
        call_command("rescore", "--ruleset", "vn-1999", "--year", "2020", "--no-progress")
