"""Chart.js configurations built on the server: the page's script only draws them.

Numbers travel as JSON data blocks (no inline script: the CSP forbids it), labels are
already translated, and the axis ticks are written the Vietnamese way by charts.js.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from server.reports import labels
from server.reports.progress import Progress, YearPoint
from server.reports.selectors import ChildRow, Figure, TransitionRow

PALETTE = ["#1b6b4f", "#c2571a", "#2f5f98", "#8a6d00", "#7b3f8c", "#3c8d93", "#a23b3b",
           "#4d6b2f", "#5b5b5b", "#b07aa1"]  # fmt: skip


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _base(
    kind: str, labels_: list[str], datasets: list[dict[str, Any]], **options: Any
) -> dict[str, Any]:
    return {
        "type": kind,
        "data": {"labels": labels_, "datasets": datasets},
        "options": {"animation": False, "responsive": True, "maintainAspectRatio": False,
                    **options},
    }  # fmt: skip


def rates_over_years(
    unit_name: str, own: Mapping[int, YearPoint], children: Sequence[ChildRow]
) -> dict[str, Any]:
    """Poverty rate per year of the unit (thick) and of up to nine units below it."""
    years = sorted({*own, *(y for c in children for y, _r in c.rates)})
    series = [(unit_name, {y: p.poor_rate for y, p in own.items()}, 4)]
    series += [(c.unit.name, dict(c.rates), 2) for c in children[:9]]
    datasets = [
        {"label": name, "data": [_num(rates.get(y)) for y in years], "borderWidth": width,
         "borderColor": PALETTE[i % len(PALETTE)], "backgroundColor": PALETTE[i % len(PALETTE)],
         "spanGaps": True}
        for i, (name, rates, width) in enumerate(series)
    ]  # fmt: skip
    return _base("line", [str(y) for y in years], datasets, percent=True)


def transitions(row: TransitionRow) -> dict[str, Any]:
    names = labels.TRANSITION_ORDER
    figures: list[Figure] = [getattr(row, n) for n in names]
    colours = ["#8a6d00", "#8a6d00", "#1b6b4f", "#1b6b4f", "#a23b3b", "#c2571a", "#a23b3b",
               "#2f5f98", "#2f5f98"]  # fmt: skip
    dataset = {"label": _("Households"), "data": [f.count for f in figures],
               "backgroundColor": colours}  # fmt: skip
    return _base("bar", [str(labels.TRANSITIONS[n]) for n in names], [dataset],
                 plugins={"legend": {"display": False}})  # fmt: skip


def indicators(figures: Sequence[Figure]) -> dict[str, Any]:
    dataset = {"label": _("Deprivation rate"), "data": [_num(f.rate) for f in figures],
               "backgroundColor": "#c2571a"}  # fmt: skip
    names = [labels.indicator_name(f.key.split(":")[1]) for f in figures]
    return _base("bar", names, [dataset], indexAxis="y", percent=True,
                 plugins={"legend": {"display": False}})  # fmt: skip


def ranking(rows: Sequence[ChildRow]) -> dict[str, Any]:
    ranked = [r for r in rows if r.cut_points is not None]
    dataset = {"label": _("Cut in the poverty rate (points)"),
               "data": [_num(r.cut_points) for r in ranked],
               "backgroundColor": ["#1b6b4f" if (r.cut_points or 0) > 0 else "#a23b3b"
                                   for r in ranked]}  # fmt: skip
    return _base("bar", [r.unit.name for r in ranked], [dataset], indexAxis="y",
                 plugins={"legend": {"display": False}})  # fmt: skip


def target(progress: Progress, goal_label: str, *, percent: bool = False) -> dict[str, Any]:
    years = sorted({*(y for y, _v in progress.series), *(y for y, _v in progress.required)})
    measured = dict(progress.series)
    required = dict(progress.required)
    datasets = [
        {"label": _("Measured"), "data": [_num(measured.get(y)) for y in years],
         "borderColor": "#1b6b4f", "backgroundColor": "#1b6b4f", "spanGaps": True},
        {"label": goal_label, "data": [_num(required.get(y)) for y in years],
         "borderColor": "#c2571a", "backgroundColor": "#c2571a", "borderDash": [6, 4],
         "spanGaps": True},
    ]  # fmt: skip
    return _base("line", [str(y) for y in years], datasets, percent=percent)


def target_ranking(
    names: Sequence[str], values: Sequence[Decimal | None], on_track: Sequence[bool | None]
) -> dict[str, Any]:
    dataset = {"label": _("Latest"), "data": [_num(v) for v in values],
               "backgroundColor": ["#1b6b4f" if t else "#a23b3b" for t in on_track]}  # fmt: skip
    return _base("bar", list(names), [dataset], indexAxis="y",
                 plugins={"legend": {"display": False}})  # fmt: skip
