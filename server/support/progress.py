"""Progress per unit for the console: counts by stage, money, overdue stages, daily roll-up.

Every figure is computed from the records in the user's reach, so a unit's row equals the
records listed under it. Stages are counted by the stage each record has reached (photos
complete), with foundation, frame and walls and roof together as "under construction".
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from uuid import UUID

from django.db.models import QuerySet
from django.utils import timezone

from server.accounts.access import visible_units
from server.accounts.scoping import path_is_within, path_within_q
from server.registry.models import Household, Unit
from server.support import stages
from server.support.models import Payment, Programme, SupportRecord
from server.support.selectors import (
    household_eligibility,
    proved_stages_by_record,
    stage_first_photo_times,
    support_records_list,
    visible_households_under,
)
from server.support.stages import Stage

UNDER_CONSTRUCTION = frozenset({Stage.FOUNDATION, Stage.FRAME_WALLS, Stage.ROOF})
BUCKETS = ("approved", "started", "under_construction", "completed", "in_use")


def bucket_of(stage: Stage) -> str:
    return "under_construction" if stage in UNDER_CONSTRUCTION else stage.value


@dataclass
class MoneyRow:
    committed: int = 0
    paid: int = 0


@dataclass
class UnitRow:
    unit: Unit | None
    eligible: int = 0
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))
    overdue: int = 0
    money: dict[str, MoneyRow] = field(default_factory=lambda: defaultdict(MoneyRow))

    @property
    def records(self) -> int:
        return sum(self.counts.values())

    @property
    def committed(self) -> int:
        return sum(m.committed for m in self.money.values())

    @property
    def paid(self) -> int:
        return sum(m.paid for m in self.money.values())


@dataclass(frozen=True)
class RecordProgress:
    record: SupportRecord
    stage: Stage
    overdue_stage: Stage | None
    paid: int


def records_under(
    *, user: object, unit: Unit, programme: Programme | None
) -> QuerySet[SupportRecord]:
    qs = support_records_list(user=user).filter(
        path_within_q("household__village__path", unit.path)
    )
    return qs.filter(programme=programme) if programme else qs


def record_progress(records: list[SupportRecord], today: date) -> list[RecordProgress]:
    """Each record's reached stage, the stage that is overdue (if any) and the money paid."""
    proved = proved_stages_by_record([r.pk for r in records])
    paid: dict[UUID, int] = defaultdict(int)
    for record_id, amount in Payment.objects.filter(record__in=records).values_list(
        "record_id", "amount"
    ):
        paid[record_id] += amount
    found = []
    for record in records:
        reached = stages.reached(proved.get(record.pk, set()))
        found.append(
            RecordProgress(record, reached, overdue_stage(record, reached, today), paid[record.pk])
        )
    return found


def overdue_stage(record: SupportRecord, reached: Stage, today: date) -> Stage | None:
    """The first stage not reached whose planned date has passed.

    Due dates come from `stage_due`; the completed stage falls back on the planned
    completion date.
    """
    due = dict(record.stage_due or {})
    if record.planned_completion and Stage.COMPLETED.value not in due:
        due[Stage.COMPLETED.value] = record.planned_completion.isoformat()
    for stage in stages.ORDER[stages.index(reached) + 1 :]:
        when = due.get(stage.value)
        if when and date.fromisoformat(str(when)) < today:
            return stage
    return None


def child_units(*, user: object, unit: Unit) -> list[Unit]:
    return list(visible_units(user).filter(parent=unit).order_by("code"))


def dashboard(
    *, user: object, unit: Unit, programme: Programme | None, today: date | None = None
) -> tuple[list[UnitRow], UnitRow]:
    """One row per child unit (or per village at the lowest level) and the total row."""
    today = today or timezone.localdate()
    children = child_units(user=user, unit=unit) or [unit]
    rows = {c.path: UnitRow(c) for c in children}
    total = UnitRow(unit)
    records = list(records_under(user=user, unit=unit, programme=programme))
    for progress in record_progress(records, today):
        row = _row_for(rows, progress.record.household.village.path)
        for target in (row, total):
            if target is None:
                continue
            _add(target, progress)
    if programme is not None:
        for household in eligible_households(user=user, unit=unit, programme=programme):
            row = _row_for(rows, household.village.path)
            total.eligible += 1
            if row is not None:
                row.eligible += 1
    return list(rows.values()), total


def _row_for(rows: dict[str, UnitRow], village_path: str) -> UnitRow | None:
    return next((r for p, r in rows.items() if path_is_within(village_path, p)), None)


def _add(row: UnitRow, progress: RecordProgress) -> None:
    row.counts[bucket_of(progress.stage)] += 1
    row.overdue += progress.overdue_stage is not None
    money = row.money[progress.record.programme.code]
    money.committed += progress.record.amount
    money.paid += progress.paid


def eligible_households(*, user: object, unit: Unit, programme: Programme) -> list[Household]:
    """Households under the unit that qualify and have no record yet (no explanation text)."""
    households = visible_households_under(user=user, unit=unit).exclude(
        support_records__isnull=False
    )
    return [
        h
        for h in households.select_related("village")
        if household_eligibility(h, programme, explain=False).eligible
    ]


# --- daily roll-up ---------------------------------------------------------------------


@dataclass
class DayRow:
    day: date
    unit: Unit
    proved: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS[1:], 0))
    paid: int = 0


def daily_rollup(
    *, user: object, unit: Unit, programme: Programme | None, days: int, today: date | None = None
) -> list[DayRow]:
    """Per day and per child unit: stages first proved that day and money paid that day.

    A stage counts on the day its first complete photo arrived, the way localities
    reported the 2024–2025 campaign each day.
    """
    today = today or timezone.localdate()
    first_day = today - timedelta(days=days - 1)
    children = child_units(user=user, unit=unit) or [unit]
    records = {r.pk: r for r in records_under(user=user, unit=unit, programme=programme)}
    table: dict[tuple[date, str], DayRow] = {}
    for (record_id, stage), when in stage_first_photo_times(list(records)).items():
        day = timezone.localtime(when).date()
        row = _day_row(table, children, day, records[record_id], first_day)
        if row is not None:
            row.proved[bucket_of(Stage(stage))] += 1
    for payment in Payment.objects.filter(record__in=list(records), paid_on__gte=first_day):
        row = _day_row(table, children, payment.paid_on, records[payment.record_id], first_day)
        if row is not None:
            row.paid += payment.amount
    return sorted(table.values(), key=lambda r: (r.day, r.unit.code), reverse=True)


def _day_row(
    table: dict[tuple[date, str], DayRow],
    children: list[Unit],
    day: date,
    record: SupportRecord,
    first_day: date,
) -> DayRow | None:
    if day < first_day:
        return None
    child = next(
        (c for c in children if path_is_within(record.household.village.path, c.path)), None
    )
    if child is None:
        return None
    return table.setdefault((day, child.path), DayRow(day, child))
