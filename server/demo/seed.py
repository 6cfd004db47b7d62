"""A believable demo: Cao Bằng's real communes, demo districts, villages and ~2,000 households.

Everything is deterministic (seeded random, UUIDv5 identities), so running the seed
twice changes nothing.
"""

import random
import uuid
from dataclasses import dataclass
from datetime import date

from django.db import transaction

from server.accounts.models import Role, UnitAssignment, User
from server.accounts.services import province_admin_group_sync
from server.common.text import fold
from server.demo.facts import demo_facts
from server.demo.review_round import seed_review_rounds
from server.feed.models import FeedEntry, FeedKind
from server.feed.services import lock_feed
from server.registry.choices import HouseholdStatus, Relation, Sex, UnitLevel
from server.registry.importers import import_national_units, unit_move
from server.registry.models import (
    ChangeAction,
    Household,
    HouseholdChange,
    HouseholdStatusRecord,
    Member,
    Unit,
)
from server.registry.services import unit_create
from server.reports.demo import seed_reports_demo
from server.submissions.models import Assessment
from server.submissions.scoring import build_assessment
from server.support.demo import seed_support_demo

DEMO_PROVINCE = "04"  # Cao Bằng
DEMO_PASSWORD = "chungtay-demo-2026"  # noqa: S105 - printed for the demo on purpose
NAMESPACE = uuid.UUID("6f1c8a52-2f7e-4b8e-9a57-2d4c1c1e0b11")
HOUSEHOLDS_PER_VILLAGE = 67

FAMILY = [
    "Nông",
    "Hoàng",
    "Lương",
    "Đàm",
    "Bế",
    "Lục",
    "Triệu",
    "Nguyễn",
    "Lý",
    "Ma",
    "Hà",
    "Dương",
    "Vi",
    "Lưu",
    "Sầm",
    "Lâm",
    "Chu",
    "Mã",
    "Phùng",
    "Đinh",
    "Hứa",
    "Lô",
    "Giàng",
    "Vàng",
]
MIDDLE_M = ["Văn", "Đức", "Minh", "Thanh", "Quốc", "Văn", "Hữu", "Công"]
MIDDLE_F = ["Thị", "Thị", "Thu", "Ngọc", "Kim", "Thị", "Mai", "Thúy"]
GIVEN_M = [
    "An",
    "Bảo",
    "Cường",
    "Dũng",
    "Đạt",
    "Giang",
    "Hải",
    "Hùng",
    "Khánh",
    "Long",
    "Mạnh",
    "Nam",
    "Phúc",
    "Quân",
    "Sơn",
    "Tài",
    "Thắng",
    "Tuấn",
    "Việt",
    "Vinh",
    "Pảo",
    "Chứ",
]
GIVEN_F = [
    "Anh",
    "Bích",
    "Chi",
    "Dung",
    "Hằng",
    "Hoa",
    "Hương",
    "Lan",
    "Liên",
    "Mai",
    "Nga",
    "Nhung",
    "Oanh",
    "Phương",
    "Quyên",
    "Thảo",
    "Trang",
    "Uyên",
    "Vân",
    "Xuân",
    "Mỷ",
    "Dợ",
]
VILLAGE_NAMES = [
    "Nà Pò",
    "Bản Chang",
    "Khuổi Luông",
    "Lũng Rì",
    "Nà Lẹng",
    "Pác Bó",
    "Cốc Phường",
    "Bản Giới",
    "Nà Mạ",
    "Khau Vài",
]
ETHNIC_WEIGHTS = {"tay": 40, "nung": 30, "hmong": 10, "dao": 8, "kinh": 10, "san_chay": 2}
STATUS_WEIGHTS = {
    HouseholdStatus.POOR: 22,
    HouseholdStatus.NEAR_POOR: 15,
    HouseholdStatus.MIDDLE: 18,
    HouseholdStatus.NOT_POOR: 40,
    HouseholdStatus.NOT_REVIEWED: 5,
}
DISTRICTS = [
    ("DEMO-04-HA", "Cụm huyện Hòa An (demo)"),
    ("DEMO-04-TL", "Cụm huyện Trùng Khánh (demo)"),
]
COMMUNES_PER_DISTRICT = 3
VILLAGES_PER_COMMUNE = 5


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    area: str


def seed_demo() -> list[DemoLogin]:
    """Build the demo tree, households and one user per role; safe to run again."""
    import_national_units(province_codes=[DEMO_PROVINCE])
    with transaction.atomic():
        province = Unit.objects.get(code=DEMO_PROVINCE)
        districts = _demo_districts(province)
        villages = [v for d in districts for v in _demo_villages(d)]
        _demo_households(villages)
        seed_reports_demo(province)
        logins = _demo_users(province, districts, villages)
        commune = Unit.objects.get(children=villages[0])
        seed_support_demo(commune=commune, actor=User.objects.get(username="quantri"))
    _demo_review_rounds(districts[0])
    return logins


def _demo_review_rounds(district: Unit) -> None:
    """The first district's first commune mid-round, its second decided (review app)."""
    communes = list(Unit.objects.filter(parent=district).order_by("code")[:2])
    seed_review_rounds(
        officer=User.objects.get(username="canboxa"),
        admin=User.objects.get(username="quantri"),
        communes=communes,
    )


def _demo_districts(province: Unit) -> list[Unit]:
    communes = list(
        Unit.objects.descendants_of(province)
        .filter(level=UnitLevel.COMMUNE, division_type="xã")
        .order_by("code")
    )
    districts = []
    for index, (code, name) in enumerate(DISTRICTS):
        district = Unit.objects.filter(code=code).first() or unit_create(
            code=code,
            name=name,
            level=UnitLevel.DISTRICT,
            parent=province,
            division_type="cụm demo",
            is_demo=True,
        )
        for commune in communes[
            index * COMMUNES_PER_DISTRICT : (index + 1) * COMMUNES_PER_DISTRICT
        ]:
            unit_move(unit=commune, parent=district)
        districts.append(district)
    return districts


def _demo_villages(district: Unit) -> list[Unit]:
    villages = []
    for commune in Unit.objects.filter(parent=district, level=UnitLevel.COMMUNE).order_by("code"):
        for number in range(1, VILLAGES_PER_COMMUNE + 1):
            code = f"{commune.code}{number:03d}"
            name = f"Thôn {VILLAGE_NAMES[(int(commune.code) + number) % len(VILLAGE_NAMES)]}"
            village = Unit.objects.filter(code=code).first() or unit_create(
                code=code, name=name, level=UnitLevel.VILLAGE, parent=commune, division_type="thôn"
            )
            villages.append(village)
    return villages


def _demo_households(villages: list[Unit]) -> None:
    existing = set(Household.objects.filter(village__in=villages).values_list("code", flat=True))
    households, members, changes = [], [], []
    for village in villages:
        rng = random.Random(village.code)  # noqa: S311 - demo data, not security
        for number in range(1, HOUSEHOLDS_PER_VILLAGE + 1):
            code = f"{village.code}-{number:03d}"
            if code in existing:
                continue
            household, roster = _fake_household(rng, village, code)
            households.append(household)
            members.extend(roster)
            changes.append(
                HouseholdChange(
                    household=household,
                    entity="household",
                    action=ChangeAction.CREATED,
                    source="seed",
                    changes={},
                )
            )
    Household.objects.bulk_create(households, batch_size=500)
    Member.objects.bulk_create(members, batch_size=1000)
    HouseholdChange.objects.bulk_create(changes, batch_size=1000)
    assessments = _demo_assessments(households, members)
    _demo_feed(households, members, assessments)


_CLASS_STATUS = {
    "POOR": HouseholdStatus.POOR,
    "NEAR_POOR": HouseholdStatus.NEAR_POOR,
    "MIDDLE": HouseholdStatus.MIDDLE,
    "NOT_POOR": HouseholdStatus.NOT_POOR,
}


def _demo_assessments(households: list[Household], members: list[Member]) -> list[Assessment]:
    """Score every new demo household; its official status follows the scored class."""
    rosters: dict[uuid.UUID, list[Member]] = {}
    for member in members:
        rosters.setdefault(member.household_id, []).append(member)
    built = []
    for household in households:
        facts = demo_facts(
            code=household.code,
            roster=rosters[household.pk],
            area_type=household.commune.area_type or "rural",
            province_code=int(DEMO_PROVINCE),
        )
        assessment = build_assessment(household_id=household.pk, facts=facts)
        assessment.is_latest = True
        built.append(assessment)
        household.status = _CLASS_STATUS.get(
            assessment.household_class, HouseholdStatus.NOT_REVIEWED
        )
        household.status_year = (
            assessment.review_year if household.status != HouseholdStatus.NOT_REVIEWED else None
        )
    Household.objects.bulk_update(households, ["status", "status_year"], batch_size=500)
    HouseholdStatusRecord.objects.bulk_create(
        [r for h in households for r in _demo_history(h)], batch_size=1000
    )
    return Assessment.objects.bulk_create(built, batch_size=500)


# How a status one year earlier is drawn from the next year's: most households keep theirs.
_EARLIER: dict[str, dict[str, int]] = {
    HouseholdStatus.POOR: {HouseholdStatus.POOR: 80, HouseholdStatus.NEAR_POOR: 15, "": 5},
    HouseholdStatus.NEAR_POOR: {
        HouseholdStatus.POOR: 30,
        HouseholdStatus.NEAR_POOR: 55,
        HouseholdStatus.MIDDLE: 15,
    },
    HouseholdStatus.MIDDLE: {
        HouseholdStatus.NEAR_POOR: 20,
        HouseholdStatus.POOR: 5,
        HouseholdStatus.MIDDLE: 75,
    },
    HouseholdStatus.NOT_POOR: {
        HouseholdStatus.NOT_POOR: 88,
        HouseholdStatus.NEAR_POOR: 6,
        HouseholdStatus.POOR: 6,
    },
}


def _demo_history(household: Household) -> list[HouseholdStatusRecord]:
    """Official statuses for the two years before the demo's, so transitions have data."""
    if household.status_year is None or household.status not in _EARLIER:
        return []
    rng = random.Random(f"history-{household.code}")  # noqa: S311 - demo data, not security
    records, status = [], str(household.status)
    for year in range(household.status_year, household.status_year - 3, -1):
        if not status:
            break
        records.append(
            HouseholdStatusRecord(
                household=household,
                year=year,
                status=status,
                decided_on=date(year, 12, 15),
                decision_ref=f"{year}/QĐ-UBND (demo)",
            )
        )
        weights = _EARLIER[HouseholdStatus(status)]
        status = str(rng.choices(list(weights), weights=list(weights.values()))[0])
    return records


def _demo_feed(
    households: list[Household], members: list[Member], assessments: list[Assessment]
) -> None:
    paths = {h.pk: h.village.path for h in households}
    entries = [
        FeedEntry(kind=FeedKind.HOUSEHOLD, record_id=str(h.pk), scope_path=paths[h.pk])
        for h in households
    ]
    entries += [
        FeedEntry(kind=FeedKind.MEMBER, record_id=str(m.pk), scope_path=paths[m.household_id])
        for m in members
    ]
    entries += [
        FeedEntry(
            kind=FeedKind.ASSESSMENT,
            record_id=str(a.household_id),
            scope_path=paths[a.household_id],
        )
        for a in assessments
    ]
    lock_feed()
    FeedEntry.objects.bulk_create(entries, batch_size=1000)


def _person(rng: random.Random, family: str, sex: str) -> str:
    middle, given = (MIDDLE_M, GIVEN_M) if sex == Sex.MALE else (MIDDLE_F, GIVEN_F)
    return f"{family} {rng.choice(middle)} {rng.choice(given)}"


def _fake_household(rng: random.Random, village: Unit, code: str) -> tuple[Household, list[Member]]:
    hid = uuid.uuid5(NAMESPACE, code)
    family = rng.choice(FAMILY)
    ethnicity = rng.choices(list(ETHNIC_WEIGHTS), weights=list(ETHNIC_WEIGHTS.values()))[0]
    roster = _fake_roster(rng, hid, family, ethnicity)
    status = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()))[0]
    household = Household(
        id=hid,
        commune=village.parent,
        village=village,
        code=code,
        head_name=roster[0].full_name,
        address=f"{village.name}, {village.parent.name if village.parent else ''}",
        latitude=round(22.6 + rng.uniform(0, 0.4), 6),
        longitude=round(105.9 + rng.uniform(0, 0.6), 6),
        is_ethnic_minority=ethnicity != "kinh",
        has_meritorious_member=rng.random() < 0.05,
        receives_social_assistance=rng.random() < 0.12,
        no_labour_capacity=rng.random() < 0.04,
        status=status,
        status_year=None if status == HouseholdStatus.NOT_REVIEWED else 2025,
    )
    household.search_text = " ".join(
        fold(p)
        for p in [code, household.head_name, household.address, *(m.full_name for m in roster)]
    )
    for member in roster:
        member.household = household
    return household, roster


def _fake_roster(rng: random.Random, hid: uuid.UUID, family: str, ethnicity: str) -> list[Member]:
    head_sex = Sex.MALE if rng.random() < 0.8 else Sex.FEMALE
    head_year = rng.randint(1950, 1998)
    people = [(head_sex, head_year, Relation.HEAD, family)]
    if rng.random() < 0.85:
        spouse_sex = Sex.FEMALE if head_sex == Sex.MALE else Sex.MALE
        people.append(
            (spouse_sex, head_year + rng.randint(-4, 4), Relation.SPOUSE, rng.choice(FAMILY))
        )
    for _child in range(rng.choice([0, 1, 2, 2, 3, 3, 4])):
        people.append(
            (
                rng.choice([Sex.MALE, Sex.FEMALE]),
                min(2025, head_year + rng.randint(20, 38)),
                Relation.CHILD,
                family,
            )
        )
    if rng.random() < 0.25:
        people.append(
            (
                rng.choice([Sex.MALE, Sex.FEMALE]),
                head_year - rng.randint(20, 30),
                Relation.PARENT,
                family,
            )
        )
    return [_member(rng, hid, index, person, ethnicity) for index, person in enumerate(people)]


def _member(
    rng: random.Random,
    hid: uuid.UUID,
    index: int,
    person: tuple[str, int, str, str],
    ethnicity: str,
) -> Member:
    sex, year, relation, family = person
    name = _person(rng, family, sex)
    birth_date = date(year, rng.randint(1, 12), rng.randint(1, 28)) if rng.random() < 0.7 else None
    citizen_id = f"0{rng.randint(10, 99)}{rng.randint(0, 999999999):09d}" if year <= 2008 else None
    return Member(
        id=uuid.uuid5(hid, str(index)),
        full_name=name,
        name_folded=fold(name),
        sex=sex,
        birth_date=birth_date,
        birth_year=year,
        relation=relation,
        ethnicity=ethnicity,
        citizen_id=citizen_id,
    )


def _demo_users(province: Unit, districts: list[Unit], villages: list[Unit]) -> list[DemoLogin]:
    commune = villages[0].parent
    assert commune is not None  # noqa: S101 - demo villages always have a commune
    plan = [
        ("tinhnguyen", Role.VOLUNTEER, "Cộng tác viên", villages[0]),
        ("canboxa", Role.COMMUNE_OFFICER, "Cán bộ xã", commune),
        ("thamdinh", Role.DISTRICT_REVIEWER, "Thẩm định huyện", districts[0]),
        ("quantri", Role.PROVINCE_ADMIN, "Quản trị tỉnh", province),
        ("hotro", Role.SUPPORT_STAFF, "Cán bộ hỗ trợ", districts[0]),
    ]
    logins = [_demo_user(username, role, title, unit) for username, role, title, unit in plan]
    _grant_admin(User.objects.get(username="quantri"))
    return logins


def _demo_user(username: str, role: str, title: str, unit: Unit) -> DemoLogin:
    user, _created = User.objects.get_or_create(username=username, defaults={"role": role})
    user.role, user.first_name, user.last_name = role, title, "(demo)"
    user.set_password(DEMO_PASSWORD)
    user.save()
    UnitAssignment.objects.get_or_create(user=user, unit=unit)
    return DemoLogin(username=username, role=role, area=f"{unit.name} ({unit.code})")


def _grant_admin(user: User) -> None:
    group = province_admin_group_sync()
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(group)
