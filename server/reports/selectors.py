"""Reads: household facts in bulk, per-village counters, a unit's figures and the households
behind a figure.

`unit_figures` is exact at every moment without writing: villages whose counters are
stale (a `DirtyVillage` marker exists) are recomputed from the registry in the same read,
and every other village's counters are summed from `VillageFigure`.
"""

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from django.db.models import Q, QuerySet, Sum
from django.http import Http404

from server.accounts import access
from server.registry.choices import ETHNICITIES, AreaType, HouseholdStatus, UnitLevel
from server.registry.models import Household, HouseholdStatusRecord, Member, Unit
from server.reports.metrics import (
    GROUP_FLAGS,
    NO_AREA,
    NO_CLASS,
    HouseholdFacts,
    count_keys,
    household_keys,
)
from server.reports.models import (
    DirtyVillage,
    PoorCommune,
    Target,
    TargetGroup,
    TargetMeasure,
    VillageFigure,
)
from server.reports.progress import Progress, YearPoint, progress
from server.submissions.models import Assessment

FACT_CHUNK = 200
"""Villages read per round of queries when facts are built in bulk."""
LIST_CHUNK = 4
"""Villages read per round when listing the households behind a figure: a page is
usually full after the first round, so a small round answers fast on a large province."""

# --- household facts ---------------------------------------------------------------


def village_areas(village_ids: Sequence[int]) -> dict[int, str]:
    """Each village's urban/rural kind: its own, else its nearest ancestor's, else none."""
    villages = list(Unit.objects.filter(pk__in=village_ids).values_list("pk", "path"))
    codes = {code for _pk, path in villages for code in path.strip("/").split("/")}
    kinds = dict(
        Unit.objects.filter(code__in=codes).exclude(area_type="").values_list("code", "area_type")
    )
    areas = {}
    for pk, path in villages:
        chain = reversed(path.strip("/").split("/"))
        areas[pk] = next((kinds[c] for c in chain if c in kinds), NO_AREA)
    return areas


def _histories(village_ids: Sequence[int]) -> dict[UUID, dict[int, str]]:
    """Official status per review year, from the commune's decisions on record."""
    rows = HouseholdStatusRecord.objects.filter(household__village_id__in=village_ids).order_by()
    histories: dict[UUID, dict[int, str]] = {}
    for hid, year, status in rows.values_list("household_id", "year", "status"):
        histories.setdefault(hid, {})[year] = status
    return histories


def _incomes(village_ids: Sequence[int]) -> dict[UUID, dict[int, int]]:
    """Income per person of each household's last assessment in each review year."""
    rows = (
        Assessment.objects.filter(
            household__village_id__in=village_ids, income_per_person__isnull=False
        )
        .order_by("created_at", "pk")
        .values_list("household_id", "review_year", "income_per_person")
    )
    incomes: dict[UUID, dict[int, int]] = {}
    for hid, year, income in rows:
        if income is not None:  # excluded by the filter; narrows the type
            incomes.setdefault(hid, {})[year] = income
    return incomes


def _rosters(village_ids: Sequence[int]) -> tuple[dict[UUID, list[str]], dict[UUID, str]]:
    ethnicities: dict[UUID, list[str]] = {}
    heads: dict[UUID, str] = {}
    rows = Member.objects.current().filter(household__village_id__in=village_ids).order_by()
    for hid, ethnicity, relation in rows.values_list("household_id", "ethnicity", "relation"):
        ethnicities.setdefault(hid, []).append(ethnicity)
        if relation == "head":
            heads[hid] = ethnicity
    return ethnicities, heads


def _latest(village_ids: Sequence[int]) -> dict[UUID, tuple[str, tuple[tuple[str, str], ...]]]:
    rows = Assessment.objects.filter(
        household__village_id__in=village_ids, is_latest=True
    ).order_by()
    latest = {}
    for hid, klass, result in rows.values_list("household_id", "household_class", "result"):
        indicators = tuple(
            (str(i["code"]), str(i["status"])) for i in (result or {}).get("indicators", [])
        )
        latest[hid] = (klass, indicators)
    return latest


def household_facts(
    village_ids: Sequence[int], chunk: int = FACT_CHUNK
) -> Iterator[tuple[UUID, int, HouseholdFacts]]:
    """(household id, village id, facts) of every household in the villages, in chunks."""
    for start in range(0, len(village_ids), chunk):
        yield from _facts_chunk(list(village_ids[start : start + chunk]))


def _facts_chunk(village_ids: list[int]) -> Iterator[tuple[UUID, int, HouseholdFacts]]:
    areas = village_areas(village_ids)
    ethnicities, heads = _rosters(village_ids)
    latest = _latest(village_ids)
    rows = list(
        Household.objects.filter(village_id__in=village_ids)
        .values_list("pk", "village_id", "status", "poverty_causes", *_FLAG_FIELDS)
        .order_by("village_id", "code")
    )
    histories = _histories(village_ids)
    incomes = _incomes(village_ids)
    for hid, village_id, status, causes, *flags in rows:
        klass, indicators = latest.get(hid, (NO_CLASS, ()))
        yield (
            hid,
            village_id,
            HouseholdFacts(
                area=areas.get(village_id, NO_AREA),
                status=status,
                klass=klass,
                groups=frozenset(g for g, on in zip(GROUP_FLAGS, flags, strict=True) if on),
                head_ethnicity=heads.get(hid, ""),
                indicators=indicators,
                causes=tuple(sorted(set(causes or ()))),
                history=histories.get(hid, {}),
                incomes=incomes.get(hid, {}),
                member_ethnicities=tuple(ethnicities.get(hid, ())),
            ),
        )


_FLAG_FIELDS = (
    "is_ethnic_minority",
    "has_meritorious_member",
    "receives_social_assistance",
    "no_labour_capacity",
)


def village_counters(village_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    """Recompute the counters of the villages from the registry (the source of truth)."""
    per_village: dict[int, list[HouseholdFacts]] = {v: [] for v in village_ids}
    for _hid, village_id, facts in household_facts(village_ids):
        per_village[village_id].append(facts)
    return {v: count_keys(facts) for v, facts in per_village.items()}


# --- a unit's counters ------------------------------------------------------------


def villages_under(unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.descendants_of(unit).filter(level=UnitLevel.VILLAGE)


def dirty_village_ids(unit: Unit) -> list[int]:
    """Villages under the unit whose stored counters are stale."""
    under = villages_under(unit).values("pk")
    return sorted(
        set(DirtyVillage.objects.filter(village_id__in=under).values_list("village_id", flat=True))
    )


def unit_counters(unit: Unit) -> dict[str, int]:
    """The unit's counters: stored ones of clean villages plus live ones of dirty villages.

    Markers are read first; a write committed after that leaves a marker for the next
    read, and the stored counters of a clean village are those of its last committed state.
    """
    dirty = dirty_village_ids(unit)
    stored = (
        VillageFigure.objects.filter(path__startswith=unit.path)
        .exclude(village_id__in=dirty)
        .values("metric")
        .annotate(total=Sum("value"))
        .values_list("metric", "total")
    )
    totals: dict[str, int] = {metric: int(total) for metric, total in stored}
    for counters in village_counters(dirty).values():
        for metric, value in counters.items():
            totals[metric] = totals.get(metric, 0) + value
    return totals


# --- figures -----------------------------------------------------------------------


def percent(count: int, total: int) -> Decimal | None:
    """count / total as a percentage with two decimals, half up; None when total is 0."""
    if not total:
        return None
    return (Decimal(100 * count) / Decimal(total)).quantize(Decimal("0.01"), ROUND_HALF_UP)


@dataclass(frozen=True)
class Figure:
    """A count, its share of `total`, and the counter key of the households behind it."""

    key: str
    count: int
    total: int

    @property
    def rate(self) -> Decimal | None:
        return percent(self.count, self.total)


@dataclass(frozen=True)
class StatusRow:
    """Households of one slice (an area, a group or an ethnic group) and their poor/near-poor."""

    code: str
    households: Figure
    poor: Figure
    near_poor: Figure
    engine_poor: Figure | None = None
    engine_near_poor: Figure | None = None
    members: int | None = None


@dataclass(frozen=True)
class TransitionRow:
    """The 2016–2020 summary layout for one year: start, changes, end; counts and %."""

    year: int
    group: str
    start_poor: Figure
    start_near_poor: Figure
    escaped_poverty: Figure
    escaped_near_poverty: Figure
    newly_poor: Figure
    newly_near_poor: Figure
    re_poor: Figure
    end_poor: Figure
    end_near_poor: Figure


@dataclass(frozen=True)
class UnitFigures:
    """Every dashboard figure of a unit; `counters` are the raw sums they come from."""

    unit: Unit
    year: int | None
    households: int
    members: int
    areas: tuple[StatusRow, ...]
    total: StatusRow
    groups: tuple[StatusRow, ...]
    ethnic_groups: tuple[StatusRow, ...]
    indicators: tuple[Figure, ...]
    causes: tuple[Figure, ...]
    transitions: tuple[TransitionRow, ...]
    counters: Mapping[str, int]


def _fig(c: Mapping[str, int], key: str, total_key: str) -> Figure:
    return Figure(key=key, count=c.get(key, 0), total=c.get(total_key, 0))


def _status_row(c: Mapping[str, int], code: str, st: str, cl: str, hh: str) -> StatusRow:
    """Keys `{st}:poor`, `{cl}:POOR`... over the `hh` households of one slice."""
    return StatusRow(
        code=code,
        households=_fig(c, hh, hh),
        poor=_fig(c, f"{st}:{HouseholdStatus.POOR}", hh),
        near_poor=_fig(c, f"{st}:{HouseholdStatus.NEAR_POOR}", hh),
        engine_poor=_fig(c, f"{cl}:POOR", hh),
        engine_near_poor=_fig(c, f"{cl}:NEAR_POOR", hh),
    )


def _transition_row(c: Mapping[str, int], year: int, group: str) -> TransitionRow:
    """Start = official statuses at the end of `year - 1`; % of that year's households."""
    g = "em:" if group == "em" else ""

    def start(status: str) -> Figure:
        base = f"y:{year - 1}:{g}st:"
        return Figure(f"{base}{status}", c.get(f"{base}{status}", 0), _year_total(c, year - 1, g))

    def end(status: str) -> Figure:
        base = f"y:{year}:{g}st:"
        return Figure(f"{base}{status}", c.get(f"{base}{status}", 0), _year_total(c, year, g))

    def change(category: str) -> Figure:
        key = f"y:{year}:{g}tr:{category}"
        return Figure(key, c.get(key, 0), _year_total(c, year, g))

    return TransitionRow(
        year=year,
        group=group,
        start_poor=start(HouseholdStatus.POOR),
        start_near_poor=start(HouseholdStatus.NEAR_POOR),
        escaped_poverty=change("escaped_poverty"),
        escaped_near_poverty=change("escaped_near_poverty"),
        newly_poor=change("newly_poor"),
        newly_near_poor=change("newly_near_poor"),
        re_poor=change("re_poor"),
        end_poor=end(HouseholdStatus.POOR),
        end_near_poor=end(HouseholdStatus.NEAR_POOR),
    )


def _year_total(c: Mapping[str, int], year: int, g: str) -> int:
    prefix = f"y:{year}:{g}st:"
    return sum(v for k, v in c.items() if k.startswith(prefix))


def history_years(c: Mapping[str, int]) -> list[int]:
    return sorted({int(k.split(":")[1]) for k in c if k.startswith("y:") and c[k]})


def _ranked(c: Mapping[str, int], prefix: str, suffix: str, total_key: str) -> tuple[Figure, ...]:
    """Figures of every key `{prefix}<code>{suffix}`, largest first, then by code."""
    figures = [
        Figure(k, v, c.get(total_key, 0))
        for k, v in c.items()
        if k.startswith(prefix) and k.endswith(suffix)
    ]
    return tuple(sorted(figures, key=lambda f: (-f.count, f.key)))


def indicator_figures(c: Mapping[str, int]) -> tuple[Figure, ...]:
    """Deprivation rate per indicator: deprived over the latest assessments that scored it."""
    codes = sorted({k.split(":")[1] for k in c if k.startswith("ind:")})
    figures = []
    for code in codes:
        scored = sum(v for k, v in c.items() if k.startswith(f"ind:{code}:"))
        figures.append(Figure(f"ind:{code}:deprived", c.get(f"ind:{code}:deprived", 0), scored))
    return tuple(figures)


def unit_figures(unit: Unit, year: int | None = None) -> UnitFigures:
    """Every figure of the unit; transitions into `year` (default: every year on record).

    The caller has checked that the user may see `unit` (see `unit_for_user`).
    """
    c = unit_counters(unit)
    years = (
        [year] if year is not None else [y for y in history_years(c) if y - 1 in history_years(c)]
    )
    areas = tuple(
        _status_row(c, a, f"st:{a}", f"cl:{a}", f"hh:{a}")
        for a in [*(a.value for a in AreaType), NO_AREA]
        if c.get(f"hh:{a}", 0)
    )
    total = _status_row(c, "all", "st", "cl", "hh")
    groups = tuple(_status_row(c, g, f"{g}:st", f"{g}:cl", f"{g}:hh") for g in GROUP_FLAGS)
    ethnic = tuple(
        StatusRow(
            code=e,
            households=_fig(c, f"eth:{e}:hh", f"eth:{e}:hh"),
            poor=_fig(c, f"eth:{e}:st:poor", f"eth:{e}:hh"),
            near_poor=_fig(c, f"eth:{e}:st:near_poor", f"eth:{e}:hh"),
            members=c.get(f"pop:{e}", 0),
        )
        for e in _ethnic_codes(c)
    )
    return UnitFigures(
        unit=unit,
        year=year,
        households=c.get("hh", 0),
        members=c.get("mem", 0),
        areas=areas,
        total=total,
        groups=groups,
        ethnic_groups=ethnic,
        indicators=indicator_figures(c),
        causes=_ranked(c, "cause:", "", "st:poor"),
        transitions=tuple(_transition_row(c, y, g) for y in years for g in ("all", "em")),
        counters=c,
    )


def _ethnic_codes(c: Mapping[str, int]) -> list[str]:
    """Ethnic groups with a household or a member here, in the national list's order."""
    present = {k.split(":")[1] for k in c if k.startswith("eth:")}
    present |= {k.split(":")[1] for k in c if k.startswith("pop:")}
    order = {code: i for i, code in enumerate(ETHNICITIES)}
    return sorted(present, key=lambda e: (order.get(e, len(order)), e))


# --- access ------------------------------------------------------------------------


def unit_for_user(*, user: object, code: str) -> Unit:
    """The unit by code if the user covers it; 404 like a missing one otherwise."""
    unit = access.visible_units(user).filter(code=code).first()
    if unit is None:
        raise Http404
    return unit


def child_units(unit: Unit) -> QuerySet[Unit]:
    return Unit.objects.filter(parent=unit).order_by("name", "code")


def households_for_key(
    *, user: object, unit: Unit, key: str, offset: int = 0, limit: int = 50
) -> list[Household]:
    """One page of the households behind a figure: those whose counters include `key`.

    Membership is decided by the same function that builds the counters, so the list's
    length always equals the figure. Villages are read in order, chunk by chunk, and the
    walk stops once the page is full.
    """
    village_ids = list(villages_under(unit).values_list("pk", flat=True).order_by("path"))
    wanted: list[UUID] = []
    for hid, _village, facts in household_facts(village_ids, chunk=LIST_CHUNK):
        if key in household_keys(facts):
            wanted.append(hid)
            if len(wanted) >= offset + limit:
                break
    page = wanted[offset : offset + limit]
    rows = access.visible_households(user).filter(pk__in=page).select_related("village")
    by_id = {h.pk: h for h in rows}
    return [by_id[h] for h in page if h in by_id]


def villages_paths(village_ids: Sequence[int]) -> QuerySet[Unit, tuple[int, str]]:
    return Unit.objects.filter(pk__in=village_ids).values_list("pk", "path")


def all_village_ids() -> QuerySet[Unit, int]:
    return (
        Unit.objects.filter(level=UnitLevel.VILLAGE).order_by("path").values_list("pk", flat=True)
    )


# --- children and targets ----------------------------------------------------------


def _child_path(path: str, parent_path: str) -> str:
    """The path of the child of `parent_path` that `path` lies under (paths end with "/")."""
    code = path[len(parent_path) :].split("/", 1)[0]
    return f"{parent_path}{code}/"


def children_counters(
    unit: Unit, prefixes: Sequence[str], within: Sequence[str] | None = None
) -> dict[int, dict[str, int]]:
    """Counters starting with any of `prefixes`, per child unit, in one grouped read.

    `within` keeps only villages under those paths (the poor communes of a target).
    Dirty villages are recomputed live, as in `unit_counters`.
    """
    children = list(child_units(unit))
    dirty = dirty_village_ids(unit)
    result: dict[int, dict[str, int]] = {c.pk: {} for c in children}
    wanted = Q()
    for prefix in prefixes:
        wanted |= Q(metric__startswith=prefix)
    rows = (
        VillageFigure.objects.filter(path__startswith=unit.path)
        .filter(wanted)
        .exclude(village_id__in=dirty)
        .values_list("path", "metric", "value")
    )
    live = village_counters(dirty)
    live_paths = dict(villages_paths(dirty))
    items = [(p, m, v) for p, m, v in rows]
    items += [
        (live_paths[vid], m, v)
        for vid, counters in live.items()
        for m, v in counters.items()
        if m.startswith(tuple(prefixes))
    ]
    keep = tuple(within) if within is not None else None
    by_path = {c.path: c.pk for c in children}
    for path, metric, value in items:
        child = by_path.get(_child_path(path, unit.path))
        if child is not None and (keep is None or path.startswith(keep)):
            bucket = result[child]
            bucket[metric] = bucket.get(metric, 0) + value
    return result


def year_points(c: Mapping[str, int], group: str) -> dict[int, YearPoint]:
    """Official figures per review year for the group ("all" or "em") from counters."""
    g = "em:" if group == TargetGroup.ETHNIC_MINORITY else ""
    points = {}
    for year in history_years(c):
        households = _year_total(c, year, g)
        if not households:
            continue
        points[year] = YearPoint(
            year=year,
            households=households,
            poor=c.get(f"y:{year}:{g}st:poor", 0),
            near_poor=c.get(f"y:{year}:{g}st:near_poor", 0),
            income_sum=c.get(f"y:{year}:{g}inc:sum", 0),
            income_count=c.get(f"y:{year}:{g}inc:n", 0),
        )
    return points


def poor_communes_under(unit: Unit) -> list[Unit]:
    ids = PoorCommune.objects.values("unit_id")
    return list(Unit.objects.descendants_of(unit).filter(pk__in=ids))


def target_counters(target: Target, unit: Unit | None = None) -> dict[str, int]:
    """The counters a target is measured on: its unit's, or only its poor communes'."""
    unit = unit or target.unit
    if target.group != TargetGroup.POOR_COMMUNES:
        return unit_counters(unit)
    totals: dict[str, int] = {}
    for commune in poor_communes_under(unit):
        for metric, value in unit_counters(commune).items():
            totals[metric] = totals.get(metric, 0) + value
    return totals


def target_progress(target: Target, unit: Unit | None = None) -> Progress:
    """Progress of the target, measured on `unit` (default: the target's own unit)."""
    return progress(
        measure=target.measure,
        value=target.value,
        base_year=target.base_year,
        target_year=target.target_year,
        points=year_points(target_counters(target, unit), target.group),
    )


@dataclass(frozen=True)
class RankedUnit:
    unit: Unit
    progress: Progress
    rank: int


def target_ranking(target: Target) -> list[RankedUnit]:
    """The target applied to each unit one level down, best first ("thi đua").

    Units on track come first; then, lower latest values first (higher for income).
    One grouped read of the yearly counters serves every unit.
    """
    within = None
    if target.group == TargetGroup.POOR_COMMUNES:
        within = [c.path for c in poor_communes_under(target.unit)]
    per_child = children_counters(target.unit, ["y:"], within)
    sign = -1 if target.measure == TargetMeasure.INCOME_MULTIPLE else 1
    scored = []
    for child in child_units(target.unit):
        points = year_points(per_child.get(child.pk, {}), target.group)
        result = progress(
            measure=target.measure, value=target.value, base_year=target.base_year,
            target_year=target.target_year, points=points,
        )  # fmt: skip
        if result.latest is not None:
            scored.append((child, result))
    scored.sort(key=lambda cp: (cp[1].on_track is not True, sign * (cp[1].latest or 0), cp[0].name))
    return [RankedUnit(unit=c, progress=p, rank=i) for i, (c, p) in enumerate(scored, start=1)]


def targets_for_user(user: object) -> QuerySet[Target]:
    return Target.objects.filter(unit__in=access.visible_units(user)).select_related("unit")


def target_for_user(*, user: object, pk: int) -> Target:
    target = targets_for_user(user).filter(pk=pk).first()
    if target is None:
        raise Http404
    return target


# --- dashboard pieces --------------------------------------------------------------


@dataclass(frozen=True)
class ChildRow:
    """One unit one level down, for the drill-down table and the ranking."""

    unit: Unit
    row: StatusRow
    rates: tuple[tuple[int, Decimal | None], ...]
    cut_points: Decimal | None


def child_rows(unit: Unit, year: int | None) -> list[ChildRow]:
    """Each child's households and rates, its poverty rate per year, and the cut into `year`."""
    per_child = children_counters(unit, ["hh", "st:", "cl:", "y:"])
    rows = []
    for child in child_units(unit):
        c = per_child.get(child.pk, {})
        points = year_points(c, TargetGroup.ALL)
        rates = tuple((y, p.poor_rate) for y, p in sorted(points.items()))
        rows.append(
            ChildRow(
                unit=child,
                row=_status_row(c, child.code, "st", "cl", "hh"),
                rates=rates,
                cut_points=_cut(points, year),
            )
        )
    return rows


def _cut(points: Mapping[int, YearPoint], year: int | None) -> Decimal | None:
    """Points the poverty rate fell from the end of `year - 1` to the end of `year`."""
    if year is None or year not in points or year - 1 not in points:
        return None
    now, before = points[year].poor_rate, points[year - 1].poor_rate
    if now is None or before is None:
        return None
    return before - now


def ranking(rows: Sequence[ChildRow]) -> list[ChildRow]:
    """Largest cut first ("thi đua"); units with no two years of decisions go last."""
    return sorted(rows, key=lambda r: (r.cut_points is None, -(r.cut_points or 0), r.unit.name))


def unit_rates(unit: Unit) -> dict[int, YearPoint]:
    return year_points(unit_counters(unit), TargetGroup.ALL)


def unit_ancestors(unit: Unit, user: object) -> list[Unit]:
    """The unit's ancestors the user may open, top first, for the breadcrumbs."""
    codes = unit.path.strip("/").split("/")[:-1]
    found = {u.code: u for u in access.visible_units(user).filter(code__in=codes)}
    return [found[c] for c in codes if c in found]


def top_units(user: object) -> QuerySet[Unit]:
    """The highest units the user covers: where their dashboard starts."""
    visible = access.visible_units(user)
    return visible.exclude(parent__in=visible).order_by("path")


def household_for_user(*, user: object, pk: UUID) -> Household:
    household = access.visible_households(user).select_related("village").filter(pk=pk).first()
    if household is None:
        raise Http404
    return household


def household_history(household: Household) -> QuerySet[HouseholdStatusRecord]:
    return HouseholdStatusRecord.objects.filter(household=household).order_by("year")


def household_latest(household: Household) -> Assessment | None:
    return Assessment.objects.filter(household=household, is_latest=True).first()


def default_year(c: Mapping[str, int], years: Sequence[int]) -> int | None:
    """The latest year whose round is mostly decided: at least half as many households
    have a decision as the year before. A round under way shows only when asked for."""
    settled = [y for y in years if 2 * _year_total(c, y, "") >= _year_total(c, y - 1, "")]
    return settled[-1] if settled else (years[-1] if years else None)
