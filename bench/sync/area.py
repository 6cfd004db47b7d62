"""Bulk-build a benchmark area inside a configured Django: units, households, feed, a volunteer.

The registry services write one household per transaction with history and feed rows,
which is right for the app and far too slow for 100,000 rows. This module writes the
same rows with bulk_create: households, members, their HouseholdChange rows and the
FeedEntry rows a pull needs. Call only after django.setup().
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from bench.sync.payloads import household_id

PROVINCE_CODE = "99"
COMMUNE_CODE = "99001"
GIVEN = ["An", "Bảo", "Chi", "Dũng", "Hoa", "Hùng", "Lan", "Mai", "Nam", "Páo", "Thảo", "Vân"]
FAMILY = ["Nông", "Hoàng", "Lương", "Bế", "Triệu", "Nguyễn", "Lý", "Ma", "Giàng", "Vàng"]
ETHNICITIES = ["tay", "nung", "hmong", "dao", "kinh"]
INSERT_BATCH = 2000


@dataclass(frozen=True)
class Area:
    """What a load generator needs: the commune, its households and a device token."""

    commune_code: str
    households: int
    villages: int
    username: str
    token: str
    tokens: tuple[str, ...]


def build_area(
    *,
    households: int = 5000,
    villages: int = 10,
    commune_code: str = COMMUNE_CODE,
    with_members: bool = True,
    username: str = "bench-volunteer",
    devices: int = 1,
) -> Area:
    """Create the unit tree, `households` households spread over `villages`, feed rows,
    and a volunteer covering the commune; return the area with `devices` fresh device
    tokens of that volunteer (phones of one user share the area)."""
    from django.db import transaction

    from server.accounts.services import device_register

    with transaction.atomic():
        commune, village_units = _units(commune_code, villages)
        insert_households(commune, village_units, households, with_members=with_members)
        user = _volunteer(username, commune)
    tokens = tuple(
        device_register(user=user, name=f"{username} phone {n}")[1] for n in range(devices)
    )
    return Area(commune_code, households, villages, username, tokens[0], tokens)


def _units(commune_code: str, villages: int) -> tuple[object, list[object]]:
    """Province 99 > commune > villages, created once (rerunning reuses them)."""
    from server.registry.models import Unit
    from server.registry.services import unit_create

    def get_or_create(code: str, name: str, level: str, parent: object, **extra: str) -> object:
        found = Unit.objects.filter(code=code).first()
        return found or unit_create(code=code, name=name, level=level, parent=parent, **extra)

    province = get_or_create(PROVINCE_CODE, "Tỉnh Đo Tải", "province", None)
    commune = get_or_create(commune_code, "Xã Đo Tải", "commune", province, area_type="rural")
    units = [
        get_or_create(f"{commune_code}{n:03d}", f"Thôn {n}", "village", commune)
        for n in range(1, villages + 1)
    ]
    return commune, units


def insert_households(
    commune: object, villages: list[object], count: int, *, with_members: bool = True
) -> None:
    """Bulk-insert households 1..count (deterministic ids), round-robin over the villages,
    each with a created-history row and a household feed entry (and members if asked)."""
    from server.feed.models import FeedEntry
    from server.registry.models import ChangeAction, Household, HouseholdChange, Member

    for start in range(1, count + 1, INSERT_BATCH):
        numbers = range(start, min(count, start + INSERT_BATCH - 1) + 1)
        rows = [_household(commune, villages[(n - 1) % len(villages)], n) for n in numbers]
        Household.objects.bulk_create([h for h, _m in rows], batch_size=500)
        members = [m for _h, roster in rows for m in roster] if with_members else []
        Member.objects.bulk_create(members, batch_size=1000)
        HouseholdChange.objects.bulk_create(
            [
                HouseholdChange(
                    household=h, entity="household", action=ChangeAction.CREATED, source="bench"
                )
                for h, _m in rows
            ],
            batch_size=1000,
        )
        FeedEntry.objects.bulk_create(list(_feed_rows(rows, members)), batch_size=1000)


def _feed_rows(rows: list[tuple[object, list[object]]], members: list[object]) -> Iterator[object]:
    """One feed row per household, then one per member, in the order the services write."""
    from server.feed.models import FeedEntry, FeedKind

    path_of = {h.pk: h.village.path for h, _m in rows}  # type: ignore[attr-defined]
    for household, _roster in rows:
        yield FeedEntry(
            kind=FeedKind.HOUSEHOLD,
            record_id=str(household.pk),  # type: ignore[attr-defined]
            scope_path=household.village.path,  # type: ignore[attr-defined]
        )
    for member in members:
        yield FeedEntry(
            kind=FeedKind.MEMBER,
            record_id=str(member.pk),  # type: ignore[attr-defined]
            scope_path=path_of[member.household_id],  # type: ignore[attr-defined]
        )


def _household(commune: object, village: object, number: int) -> tuple[object, list[object]]:
    from server.common.text import fold
    from server.registry.models import Household

    rng = random.Random(number)
    hid = household_id(commune.code, number)  # type: ignore[attr-defined]
    family = rng.choice(FAMILY)
    roster = _roster(rng, hid, family)
    code = f"BH{number:06d}"
    household = Household(
        id=hid,
        commune=commune,
        village=village,
        code=code,
        head_name=roster[0].full_name,  # type: ignore[attr-defined]
        address=f"{village.name}, Xã Đo Tải",  # type: ignore[attr-defined]
        is_ethnic_minority=True,
    )
    names = [code, household.head_name, household.address, *(m.full_name for m in roster)]  # type: ignore[attr-defined]
    household.search_text = " ".join(fold(n) for n in names)
    for member in roster:
        member.household = household  # type: ignore[attr-defined]
    return household, roster


def _roster(rng: random.Random, hid: uuid.UUID, family: str) -> list[object]:
    from server.common.text import fold
    from server.registry.models import Member

    head_year = rng.randint(1955, 1995)
    people = [("male", head_year, "head"), ("female", head_year + rng.randint(-3, 3), "spouse")]
    people += [("female", head_year + 25 + i * 3, "child") for i in range(rng.randint(0, 3))]
    ethnicity = rng.choice(ETHNICITIES)
    roster = []
    for index, (sex, year, relation) in enumerate(people):
        middle = "Văn" if sex == "male" else "Thị"
        name = f"{family} {middle} {rng.choice(GIVEN)}"
        roster.append(
            Member(
                id=uuid.uuid5(hid, str(index)),
                full_name=name,
                name_folded=fold(name),
                sex=sex,
                birth_date=date(year, rng.randint(1, 12), rng.randint(1, 28)),
                birth_year=year,
                relation=relation,
                ethnicity=ethnicity,
            )
        )
    return roster


def _volunteer(username: str, commune: object) -> object:
    from server.accounts.models import Role, UnitAssignment, User

    user, _created = User.objects.get_or_create(
        username=username, defaults={"role": Role.VOLUNTEER}
    )
    UnitAssignment.objects.get_or_create(user=user, unit=commune)
    return user
