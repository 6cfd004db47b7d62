"""How an accepted Phiếu B reaches the registry's roster, and the date surveys are checked on.

A survey's roster rows may carry `member_id`, the registry id of the member the app
pre-filled the row from (sync/PROTOCOL.md §3.2). It is not an answer: it is taken out
before the form validates the answers, and decides which registry member a row updates.
A row without one, or whose id is not a current member of the household, is a new
person; the registry gives them an id derived from the survey (`roster_member_id`).

The payload may also carry `roster_base`, the members the survey started from (id and
revision as the phone pulled them). Like `member_id` it is not an answer; it limits the
members the survey may remove to those it knew (`household_roster_replace`). Older phones
send none, and then every member missing from the roster leaves, as before.
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
from sync.errors import Issue, issue
from sync.fields import parse_uuid
from sync.messages import PushItem

MEMBER_ID = "member_id"
ROSTER_BASE = "roster_base"
MAX_BASE = 100
_BASE_KEYS = frozenset({MEMBER_ID, "revision"})
_MAX_REVISION = 2**31 - 1
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
    base: Mapping[UUID, int | None] | None = None

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
            base=self.base,
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
    issues: list[Issue] = []
    has_base = repeat is not None and ROSTER_BASE in answers
    base = _roster_base(answers.pop(ROSTER_BASE), issues) if has_base else None
    if repeat is None or not isinstance(rows, list):
        return SurveyAnswers(answers, None), issues
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
    plan = RosterPlan(household, plain, ids, item.client_uuid, actor, base)
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
        issues.append(issue(path, "invalid_uuid"))
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


def _roster_base(raw: object, issues: list[Issue]) -> dict[UUID, int | None] | None:
    """`[{member_id, revision?}, ...]` as a map; every fault is one issue with its path."""
    path = f"payload.{ROSTER_BASE}"
    if not isinstance(raw, list):
        issues.append(issue(path, "wrong_type", expected="array"))
        return None
    if len(raw) > MAX_BASE:
        issues.append(issue(path, "too_long", limit=MAX_BASE))
        return None
    base: dict[UUID, int | None] = {}
    for index, entry in enumerate(raw):
        member_id, revision = _base_entry(entry, f"{path}[{index}]", issues)
        if member_id is not None:
            base[member_id] = revision
    return base


def _base_entry(entry: object, path: str, issues: list[Issue]) -> tuple[UUID | None, int | None]:
    if not isinstance(entry, dict):
        issues.append(issue(path, "wrong_type", expected="object"))
        return None, None
    issues.extend(issue(f"{path}.{key}", "unknown_field") for key in entry if key not in _BASE_KEYS)
    raw_id = entry.get(MEMBER_ID)
    member_id = parse_uuid(raw_id) if isinstance(raw_id, str) else None
    if member_id is None:
        issues.append(issue(f"{path}.{MEMBER_ID}", "invalid_uuid"))
    revision = entry.get("revision")
    if revision is not None and (type(revision) is not int or not 1 <= revision <= _MAX_REVISION):
        issues.append(issue(f"{path}.revision", "out_of_range", low=1, high=_MAX_REVISION))
        revision = None
    return member_id, revision


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
