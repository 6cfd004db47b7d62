"""How an accepted Phiếu B reaches the registry's roster, and the date surveys are checked on.

A survey's roster rows may carry `member_id`, the registry id of the member the app
pre-filled the row from (sync/PROTOCOL.md §3.2). It is not an answer: it is taken out
before the form validates the answers, and decides which registry member a row updates.
A row without one, or whose id is not a current member of the household, is a new
person; the registry gives them an id derived from the survey (`roster_member_id`).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import forms
from server.registry import services as registry_services
from server.registry.choices import relation_from_form
from server.registry.models import Household
from sync.errors import Issue
from sync.fields import parse_uuid
from sync.messages import PushItem

MEMBER_ID = "member_id"
SURVEY_TIME_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
PHONE_CLOCK_GRACE = timedelta(days=1)
"""A phone's date may run one day ahead of Viet Nam's (a clock or time zone set wrong);
a survey dated later than that is refused by the form's "not in the future" rule."""


def survey_reference_date() -> date:
    """The latest survey date accepted now: today in Viet Nam, plus the phone's grace day."""
    return datetime.now(SURVEY_TIME_ZONE).date() + PHONE_CLOCK_GRACE


@dataclass(frozen=True)
class RosterPlan:
    """A validated survey's roster, applied to its household when the item's rows are stored.

    Rows are converted only in `apply`, which runs after the answers validated.
    """

    household: Household
    rows: Sequence[Mapping[str, Any]]
    member_ids: Sequence[UUID | None]
    seed: UUID
    actor: object

    def apply(self) -> None:
        registry_services.household_roster_replace(
            actor=self.actor,
            household=self.household,
            roster=[
                registry_services.RosterEntry(member_id=member_id, data=_member_data(row))
                for row, member_id in zip(self.rows, self.member_ids, strict=True)
            ],
            seed=self.seed,
            source="survey",
        )


@dataclass(frozen=True)
class SurveyAnswers:
    """The answers the form validates, and the roster plan when the form has a roster."""

    answers: dict[str, Any]
    plan: RosterPlan | None


def roster_plan(
    form: forms.FormDefinition, item: PushItem, *, household: Household, actor: object
) -> tuple[SurveyAnswers, list[Issue]]:
    """Split the member ids off the roster rows; report malformed or repeated ids."""
    answers = dict(item.payload)
    repeat = roster_repeat(form)
    rows = answers.get(repeat) if repeat else None
    if repeat is None or not isinstance(rows, list):
        return SurveyAnswers(answers, None), []
    issues: list[Issue] = []
    plain: list[Any] = []
    ids: list[UUID | None] = []
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            plain.append(row)
            ids.append(None)
            continue
        plain.append({k: v for k, v in row.items() if k != MEMBER_ID})
        ids.append(_member_id(row, f"payload.{repeat}[{index}].{MEMBER_ID}", ids, issues))
    answers[repeat] = plain
    plan = RosterPlan(household, plain, ids, item.client_uuid, actor)
    return SurveyAnswers(answers, plan), issues


def roster_repeat(form: forms.FormDefinition) -> str | None:
    """The id of the repeat whose rows are the household's members (fact `members`)."""
    return next((n.id for n in form.walk() if n.type == "repeat" and n.fact == "members"), None)


def _member_id(
    row: Mapping[str, Any], path: str, seen: Sequence[UUID | None], issues: list[Issue]
) -> UUID | None:
    if MEMBER_ID not in row:
        return None
    raw = row[MEMBER_ID]
    parsed = parse_uuid(raw) if isinstance(raw, str) else None
    if parsed is None:
        issues.append(Issue(path, "invalid_uuid", "Không phải UUID hợp lệ.", "Not a valid UUID."))
    elif parsed in seen:
        issues.append(
            Issue(
                path,
                "duplicate_member_id",
                "Hai dòng nhân khẩu cùng một mã thành viên.",
                "Two roster rows carry the same member id.",
            )
        )
        return None
    return parsed


def _member_data(row: Mapping[str, Any]) -> dict[str, Any]:
    """Registry member fields from a validated roster row; citizen ID is not on the form."""
    known_date = row.get("birth_date_known") == "date"
    birth_date = date.fromisoformat(row["birth_date"]) if known_date else None
    return {
        "full_name": row["full_name"],
        "relation": relation_from_form(row["relation"]),
        "sex": row["sex"],
        "ethnicity": row["ethnicity"],
        "birth_date": birth_date,
        "birth_year": birth_date.year if birth_date else int(row["birth_year"]),
    }
