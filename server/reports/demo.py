"""Demo targets and the earlier official statuses they are measured on.

Cao Bằng's 2016–2020 plan (staff-side.md §5): the poverty rate cut by at least 2 points a
year; 5 points in poor communes; 3 points for ethnic-minority households; the poor
households' income ×1.5. And a Bạc Liêu-style plan for 2022–2025: a number of poor
households fewer each year, none left by the end, near-poverty below 1%.

The registry's demo records the years 2023–2025; this adds 2016–2022, drawn backwards
from each household's earliest record so rates fall over the years as they did. Safe to
run again: (household, year) is unique and existing rows are kept.
"""

import random
from datetime import date
from decimal import Decimal
from uuid import UUID

from server.registry.choices import HouseholdStatus, UnitLevel
from server.registry.models import HouseholdStatusRecord, Unit
from server.reports.models import PoorCommune, Target, TargetGroup, TargetMeasure
from server.reports.services import figures_rebuild

EARLIEST_YEAR = 2016
P, N, M, X = (
    HouseholdStatus.POOR,
    HouseholdStatus.NEAR_POOR,
    HouseholdStatus.MIDDLE,
    HouseholdStatus.NOT_POOR,
)
# One year earlier, given the next year's status: poverty was more common then.
_EARLIER: dict[str, dict[str, int]] = {
    P: {P: 92, N: 8},
    N: {P: 30, N: 60, M: 10},
    M: {P: 8, N: 20, M: 72},
    X: {P: 7, N: 8, X: 85},
}


def seed_reports_demo(province: Unit) -> None:
    """History back to 2016, two poor communes, the demo targets; then fresh counters."""
    _earlier_history(province)
    communes = list(
        Unit.objects.descendants_of(province)
        .filter(level=UnitLevel.COMMUNE, parent__is_demo=True)
        .order_by("code")
    )
    for commune in communes[:2]:
        PoorCommune.objects.get_or_create(unit=commune, defaults={"decision_ref": "demo"})
    _targets(province)
    figures_rebuild()


def _earlier_history(province: Unit) -> None:
    rows = HouseholdStatusRecord.objects.filter(
        household__village__path__startswith=province.path
    ).order_by("household_id", "year")
    earliest: dict[UUID, tuple[int, str]] = {}
    for household_id, year, status in rows.values_list("household_id", "year", "status"):
        earliest.setdefault(household_id, (year, status))
    records = []
    for household_id, (year, first) in sorted(earliest.items(), key=lambda kv: str(kv[0])):
        status = first
        rng = random.Random(f"reports-{household_id}")  # noqa: S311 - demo data, not security
        for earlier in range(year - 1, EARLIEST_YEAR - 1, -1):
            weights = _EARLIER[status]
            status = rng.choices(list(weights), weights=list(weights.values()))[0]
            records.append(
                HouseholdStatusRecord(
                    household_id=household_id,
                    year=earlier,
                    status=status,
                    decided_on=date(earlier, 12, 15),
                    decision_ref=f"{earlier}/QĐ-UBND (demo)",
                )
            )
    HouseholdStatusRecord.objects.bulk_create(records, batch_size=1000, ignore_conflicts=True)


def _targets(province: Unit) -> None:
    districts = list(Unit.objects.filter(parent=province, is_demo=True).order_by("code"))
    plan = "Kế hoạch giảm nghèo bền vững tỉnh Cao Bằng 2016–2020 (demo)"
    rows = [
        (province, "Giảm tỷ lệ hộ nghèo ít nhất 2%/năm", TargetGroup.ALL,
         TargetMeasure.RATE_CUT, "2", 2016, 2020, plan),
        (province, "Xã nghèo: giảm ít nhất 5%/năm", TargetGroup.POOR_COMMUNES,
         TargetMeasure.RATE_CUT, "5", 2016, 2020, plan),
        (province, "Hộ dân tộc thiểu số: giảm 3%/năm", TargetGroup.ETHNIC_MINORITY,
         TargetMeasure.RATE_CUT, "3", 2016, 2020, plan),
        (province, "Thu nhập bình quân hộ nghèo tăng 1,5 lần", TargetGroup.ALL,
         TargetMeasure.INCOME_MULTIPLE, "1.5", 2016, 2020, plan),
        (province, "Tỷ lệ hộ cận nghèo dưới 1% vào năm 2025", TargetGroup.ALL,
         TargetMeasure.NEAR_POOR_BELOW, "1", 2022, 2025, "Kiểu Bạc Liêu 2022–2025 (demo)"),
    ]  # fmt: skip
    for index, district in enumerate(districts):
        rows.append(
            (district, "Mỗi năm giảm 40 hộ nghèo", TargetGroup.ALL, TargetMeasure.COUNT_CUT,
             "40", 2022, 2025, "Kiểu Bạc Liêu 2022–2025: giảm 100 hộ năm 2022, 145 hộ năm 2023")
            if index == 0
            else (district, "Không còn hộ nghèo vào cuối năm 2025", TargetGroup.ALL,
                  TargetMeasure.NONE_LEFT, "0", 2022, 2025, "Kiểu Bạc Liêu 2022–2025 (demo)")
        )  # fmt: skip
    for unit, name, group, measure, value, base, end, source in rows:
        Target.objects.get_or_create(
            unit=unit, group=group, measure=measure, base_year=base, target_year=end,
            defaults={"name": name, "value": Decimal(value), "source": source},
        )  # fmt: skip
