"""Who qualifies for housing support, explained like an assessment; pure, no I/O.

Rules (TT 01/2022/TT-BXD, Điều 6; QĐ 55/QĐ-BXD 2025 adds the last two): the household has
no house, or 2 of the 3 main parts of its house are non-durable (the scoring engine's S1),
or under 8 m² per person (S2; exactly 8 is not under); 2025: under 18 m² for a person
living alone, or a durable house at least 20 years old that has deteriorated. And it had
no earlier housing support. A programme lists the rules it applies (Programme data).
"""

from dataclasses import dataclass
from decimal import Decimal

# The housing needs: any one met qualifies the household.
NEED_RULES = (
    "no_house",
    "non_durable",
    "area_per_person",
    "single_person_area",
    "old_deteriorated",
)
MIN_M2_PER_PERSON = Decimal(8)
MIN_M2_ALONE = Decimal(18)
OLD_HOUSE_YEARS = 20
POOR_STATUSES = ("poor", "near_poor")


@dataclass(frozen=True)
class HousingFacts:
    """The latest facts about one household that the rules read."""

    year: int
    status: str
    persons: int | None
    area_m2: Decimal | None
    # The engine's S1 result: True deprived, False not, None unknown; with its reasons.
    non_durable: bool | None
    non_durable_vi: str = ""
    non_durable_en: str = ""
    no_house: bool = False
    house_built_year: int | None = None
    house_deteriorated: bool = False
    earlier_support: str = ""
    is_ethnic_minority: bool = False
    has_meritorious_member: bool = False
    receives_social_assistance: bool = False
    special_hardship: bool = False
    disaster_area: bool = False


@dataclass(frozen=True)
class Reason:
    code: str
    met: bool | None
    text_vi: str
    text_en: str


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[Reason, ...]
    priority: int
    priority_vi: str
    priority_en: str


def _m2(value: Decimal) -> tuple[str, str]:
    """An area as Vietnamese (comma decimal) and English text, at most 2 decimals."""
    text = f"{value.quantize(Decimal('0.01')).normalize():f}"
    return text.replace(".", ","), text


def _no_house(f: HousingFacts) -> Reason:
    if f.no_house:
        return Reason("no_house", True, "Hộ chưa có nhà ở", "The household has no house")
    return Reason("no_house", False, "Hộ đã có nhà ở", "The household has a house")


def _non_durable(f: HousingFacts) -> Reason:
    if f.non_durable is None:
        return Reason(
            "non_durable",
            None,
            "Chưa đủ thông tin về vật liệu tường, cột, mái",
            "Not enough is known about the walls, columns and roof",
        )
    vi = f.non_durable_vi or (
        "Ít nhất 2 trong 3 kết cấu chính (tường, cột, mái) không bền chắc"
        if f.non_durable
        else "Ít nhất 2 trong 3 kết cấu chính bền chắc"
    )
    en = f.non_durable_en or (
        "At least 2 of the 3 main parts (walls, columns, roof) are non-durable"
        if f.non_durable
        else "At least 2 of the 3 main parts are durable"
    )
    return Reason("non_durable", f.non_durable, vi, en)


def _per_person(f: HousingFacts) -> Decimal | None:
    if f.area_m2 is None or not f.persons:
        return None
    return f.area_m2 / f.persons


def _area_per_person(f: HousingFacts) -> Reason:
    per = _per_person(f)
    if per is None:
        return Reason(
            "area_per_person",
            None,
            "Chưa biết diện tích nhà hoặc số người",
            "The floor area or the number of people is not known",
        )
    vi, en = _m2(per)
    if per < MIN_M2_PER_PERSON:
        return Reason(
            "area_per_person",
            True,
            f"Diện tích nhà ở bình quân {vi} m²/người, dưới 8 m²",
            f"Living area {en} m² per person, under 8 m²",
        )
    return Reason(
        "area_per_person",
        False,
        f"Diện tích nhà ở bình quân {vi} m²/người, từ 8 m² trở lên",
        f"Living area {en} m² per person, 8 m² or more",
    )


def _single_person_area(f: HousingFacts) -> Reason:
    if f.persons != 1 or f.area_m2 is None:
        return Reason(
            "single_person_area",
            False,
            "Không phải hộ một người có diện tích đã biết",
            "Not a one-person household with a known area",
        )
    vi, en = _m2(f.area_m2)
    met = f.area_m2 < MIN_M2_ALONE
    return Reason(
        "single_person_area",
        met,
        f"Người ở một mình, nhà {vi} m²" + (", dưới 18 m²" if met else ", từ 18 m² trở lên"),
        f"One person living alone in {en} m²" + (", under 18 m²" if met else ", 18 m² or more"),
    )


def _old_deteriorated(f: HousingFacts) -> Reason:
    if f.house_built_year is None:
        return Reason(
            "old_deteriorated",
            False,
            "Chưa biết năm xây nhà",
            "The year the house was built is not known",
        )
    age = f.year - f.house_built_year
    met = age >= OLD_HOUSE_YEARS and f.house_deteriorated
    state_vi = "đã xuống cấp" if f.house_deteriorated else "chưa xuống cấp"
    state_en = "deteriorated" if f.house_deteriorated else "not deteriorated"
    return Reason(
        "old_deteriorated",
        met,
        f"Nhà xây năm {f.house_built_year} ({age} năm), {state_vi}",
        f"House built in {f.house_built_year} ({age} years old), {state_en}",
    )


def _no_earlier_support(f: HousingFacts) -> Reason:
    if f.earlier_support:
        return Reason(
            "no_earlier_support",
            False,
            f"Hộ đã được hỗ trợ nhà ở: {f.earlier_support}",
            f"The household already had housing support: {f.earlier_support}",
        )
    return Reason(
        "no_earlier_support", True, "Hộ chưa được hỗ trợ nhà ở", "No earlier housing support"
    )


def _poverty_status(f: HousingFacts) -> Reason:
    met = f.status in POOR_STATUSES
    return Reason(
        "poverty_status",
        met,
        "Hộ nghèo hoặc cận nghèo" if met else "Không phải hộ nghèo hoặc cận nghèo",
        "A poor or near-poor household" if met else "Not a poor or near-poor household",
    )


def _meritorious(f: HousingFacts) -> Reason:
    met = f.has_meritorious_member
    return Reason(
        "meritorious_member",
        met,
        "Hộ có người có công với cách mạng" if met else "Hộ không có người có công",
        "A member with meritorious service" if met else "No member with meritorious service",
    )


_RULES = {
    "no_house": _no_house,
    "non_durable": _non_durable,
    "area_per_person": _area_per_person,
    "single_person_area": _single_person_area,
    "old_deteriorated": _old_deteriorated,
    "no_earlier_support": _no_earlier_support,
    "meritorious_member": _meritorious,
}

_PRIORITIES = (
    (1, "Hộ nghèo dân tộc thiểu số", "Ethnic-minority poor household"),
    (2, "Hộ có công với cách mạng", "Household with meritorious service"),
    (3, "Hộ bảo trợ xã hội", "Social-protection household"),
    (4, "Hộ có hoàn cảnh đặc biệt khó khăn", "Household in special hardship"),
    (5, "Hộ ở vùng thiên tai", "Household in a disaster area"),
    (6, "Hộ khác", "Other household"),
)


def priority(f: HousingFacts) -> tuple[int, str, str]:
    """The legal priority group (1 first): the first group the household belongs to."""
    groups = (
        f.is_ethnic_minority and f.status in POOR_STATUSES,
        f.has_meritorious_member,
        f.receives_social_assistance,
        f.special_hardship,
        f.disaster_area,
        True,
    )
    return next(p for p, member in zip(_PRIORITIES, groups, strict=True) if member)


def assess(f: HousingFacts, *, rules: list[str], requires_poverty_status: bool) -> Eligibility:
    """Eligible when a listed housing need is met and every other listed condition holds."""
    reasons = [_RULES[code](f) for code in rules if code in _RULES]
    if requires_poverty_status:
        reasons.insert(0, _poverty_status(f))
    needs = [r for r in reasons if r.code in NEED_RULES]
    conditions = [r for r in reasons if r.code not in NEED_RULES]
    eligible = any(r.met is True for r in needs) and all(r.met is True for r in conditions)
    rank, vi, en = priority(f)
    return Eligibility(eligible, tuple(reasons), rank, vi, en)
