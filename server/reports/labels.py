"""What people read in place of counter keys: never `st:rural:poor`, always words."""

from functools import cache

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from forms.scoring.ruleset import Ruleset, list_rulesets, load_ruleset
from server.registry.choices import ETHNICITIES, AreaType, HouseholdStatus, PovertyCause

GROUPS: dict[str, str | Promise] = {
    "em": _("Ethnic minority"),
    "mer": _("Meritorious service"),
    "sp": _("Social protection"),
    "nlc": _("No labour capacity"),
}

AREAS: dict[str, str | Promise] = {
    AreaType.URBAN: _("Urban"),
    AreaType.RURAL: _("Rural"),
    "none": _("Area not set"),
    "all": _("All areas"),
}

TRANSITIONS: dict[str, str | Promise] = {
    "start_poor": _("Poor at the start of the year"),
    "start_near_poor": _("Near-poor at the start of the year"),
    "escaped_poverty": _("Escaped poverty"),
    "escaped_near_poverty": _("Escaped near-poverty"),
    "newly_poor": _("Newly poor"),
    "newly_near_poor": _("Newly near-poor"),
    "re_poor": _("Poor again"),
    "end_poor": _("Poor at the end of the year"),
    "end_near_poor": _("Near-poor at the end of the year"),
}
TRANSITION_ORDER = tuple(TRANSITIONS)

CLASSES: dict[str, str | Promise] = {
    "POOR": _("Poor"),
    "NEAR_POOR": _("Near-poor"),
    "MIDDLE": _("Middle living standard"),
    "NOT_POOR": _("Not poor"),
    "none": _("Not assessed"),
}


def status_label(code: str) -> str | Promise:
    return dict(HouseholdStatus.choices).get(code, code)


def ethnicity_label(code: str) -> str | Promise:
    return ETHNICITIES.get(code, code)


def cause_label(code: str) -> str | Promise:
    return dict(PovertyCause.choices).get(code, code)


def key_label(key: str) -> str:
    """A readable title for the households behind a counter key, for the list's heading."""
    parts = key.split(":")
    head = parts[0]
    if head == "hh":
        return str(AREAS.get(parts[1], "")) if len(parts) > 1 else str(_("All households"))
    if head in ("st", "cl"):
        value = parts[-1]
        name = status_label(value) if head == "st" else CLASSES.get(value, value)
        area = f" · {AREAS.get(parts[1], parts[1])}" if len(parts) == 3 else ""
        prefix = _("Official status") if head == "st" else _("Engine's latest class")
        return f"{prefix}: {name}{area}"
    if head in GROUPS:
        return f"{GROUPS[head]} · {key_label(':'.join(parts[1:])) if len(parts) > 2 else ''}"
    if head == "eth":
        tail = key_label(":".join(parts[2:])) if len(parts) > 3 else ""
        return f"{ethnicity_label(parts[1])} · {tail}"
    if head == "ind":
        return f"{_('Deprived in indicator')} {parts[1]}"
    if head == "cause":
        return f"{_('Cause of poverty')}: {cause_label(parts[1])}"
    if head == "y" and len(parts) >= 4:
        return _year_label(parts)
    return str(_("Households"))


def _year_label(parts: list[str]) -> str:
    year, rest = parts[1], parts[2:]
    em = ""
    if rest[0] == "em":
        em, rest = f" · {GROUPS['em']}", rest[1:]
    if rest[0] == "tr":
        return f"{year}: {TRANSITIONS.get(rest[1], rest[1])}{em}"
    return f"{year}: {status_label(rest[-1])}{em}"


def _national_rulesets_for(year: int) -> list[Ruleset]:
    """National rulesets, the one in force for `year` last so its names win."""
    national = [load_ruleset(r) for r in list_rulesets()]
    national = [r for r in national if r.province_code is None]
    return sorted(national, key=lambda r: (year in r.review_years, min(r.review_years)))


@cache
def _indicator_names(year: int) -> dict[str, tuple[str, str]]:
    names: dict[str, tuple[str, str]] = {}
    for ruleset in _national_rulesets_for(year):
        names.update({i.code: (i.name_vi, i.name_en) for i in ruleset.indicators})
    return names


def indicator_name(code: str, year: int | None = None) -> str:
    """'J1 · Việc làm': the code officials know, and the name under the standard in force."""
    names = _indicator_names(year or timezone.localdate().year)
    if code not in names:
        return code
    vi, en = names[code]
    return f"{code} · {en if get_language() == 'en' else vi}"
