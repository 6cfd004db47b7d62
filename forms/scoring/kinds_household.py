"""Indicator kinds that test household-level facts (dwelling, water, information, health)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from operator import attrgetter
from typing import Any

from forms.scoring.logic import (
    EMPTY,
    TRUE,
    Compiled,
    Ctx,
    Detail,
    Test,
    all_,
    and_,
    fact,
    or_,
    shown,
)


def _detail(value: bool | None, paths: tuple[str, ...], subject: str) -> Detail:
    if value is None:
        return Detail(None, EMPTY, paths, EMPTY)
    return Detail(value, paths, EMPTY, (subject,) if value else EMPTY)


def fact_not_in(params: Mapping[str, Any]) -> Compiled:
    """Deprived when one household fact is known and outside the accepted values."""
    path = str(params["fact"])
    get = attrgetter(path)
    accepted = frozenset(params["accepted"])

    def quick(ctx: Ctx) -> bool | None:
        value = get(ctx.facts)
        return None if value is None else value not in accepted

    def explain(ctx: Ctx) -> Detail:
        value = get(ctx.facts)
        return _detail(*fact(value, path, accepted), shown(path, value))

    return Compiled(quick, explain)


def household_uses(params: Mapping[str, Any]) -> Compiled:
    """Deprived when the household uses none (``any``) or not all (``all``) of the listed services."""
    paths = tuple(str(p) for p in params["facts"])
    getters = [attrgetter(p) for p in paths]
    need_all = params["require"] == "all"

    def quick(ctx: Ctx) -> bool | None:
        values = [get(ctx.facts) for get in getters]
        if need_all:
            return True if False in values else (None if None in values else False)
        return False if True in values else (None if None in values else True)

    def explain(ctx: Ctx) -> Detail:
        # Each test is "this service is not used" (True = a gap).
        gaps: Sequence[Test] = [
            fact(get(ctx.facts), p, TRUE) for get, p in zip(getters, paths, strict=True)
        ]
        value, used = or_(gaps) if need_all else all_(gaps)
        return _detail(value, used, "; ".join(shown(p, attrgetter(p)(ctx.facts)) for p in used))

    return Compiled(quick, explain)


def information_devices(params: Mapping[str, Any]) -> Compiled:
    """I2: owns none of the listed devices (and, if named, cannot hear the loudspeakers)."""
    devices = frozenset(params["devices"])
    unless = params.get("unless_fact")
    reach_of = attrgetter(unless) if unless else None

    def quick(ctx: Ctx) -> bool | None:
        owned = ctx.facts.information.devices
        lacks = None if owned is None else owned.isdisjoint(devices)
        if reach_of is None or lacks is False:
            return lacks
        reach = reach_of(ctx.facts)
        if reach is True:
            return False
        return None if lacks is None or reach is None else True

    def explain(ctx: Ctx) -> Detail:
        owned = ctx.facts.information.devices
        lacks: Test = (
            (None if owned is None else owned.isdisjoint(devices)),
            ("information.devices",),
        )
        subject = shown("information.devices", owned)
        if unless is None or reach_of is None:
            return _detail(*lacks, subject)
        reach = reach_of(ctx.facts)
        both = and_(lacks, lambda: fact(reach, unless, TRUE))
        return _detail(*both, f"{subject}; {shown(unless, reach)}")

    return Compiled(quick, explain)


def housing_durability(params: Mapping[str, Any]) -> Compiled:
    """S1: at least ``min_non_durable`` of walls, columns and roof are of non-durable material."""
    parts = [
        (f"dwelling.{part}_material", attrgetter(f"dwelling.{part}_material"), frozenset(ok))
        for part, ok in params["durable"].items()
    ]
    needed = int(params["min_non_durable"])

    def quick(ctx: Ctx) -> bool | None:
        bad = unknown = 0
        for _, get, ok in parts:
            value = get(ctx.facts)
            if value is None:
                unknown += 1
            elif value not in ok:
                bad += 1
        if bad >= needed:
            return True
        return False if bad + unknown < needed else None

    def explain(ctx: Ctx) -> Detail:
        value = quick(ctx)
        tests = [fact(get(ctx.facts), path, ok) for path, get, ok in parts]
        if value is None:
            return Detail(None, EMPTY, tuple(p for v, ps in tests if v is None for p in ps), EMPTY)
        evidence = tuple(
            p for v, ps in tests if (v is True if value else v is not None) for p in ps
        )
        subjects = tuple(shown(p, attrgetter(p)(ctx.facts)) for p in evidence) if value else EMPTY
        return Detail(value, evidence, EMPTY, subjects)

    return Compiled(quick, explain)


def living_area(params: Mapping[str, Any]) -> Compiled:
    """S2: living area per person below ``min_m2_per_person`` (compared exactly, no division)."""
    per_person = int(params["min_m2_per_person"])

    def quick(ctx: Ctx) -> bool | None:
        area = ctx.facts.dwelling.area_m2
        return None if area is None else area < per_person * len(ctx.facts.members)

    def explain(ctx: Ctx) -> Detail:
        area, members = ctx.facts.dwelling.area_m2, len(ctx.facts.members)
        if area is None:
            return Detail(None, EMPTY, ("dwelling.area_m2",), EMPTY)
        subject = f"dwelling.area_m2 = {area} < {per_person} × {members}"
        return _detail(area < per_person * members, ("dwelling.area_m2", "members"), subject)

    return Compiled(quick, explain)
