"""Bulk imports into the unit tree: the national list and administrators' village CSVs."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _
from vietnam_provinces import Province, VietNamDivisionType, Ward

from server.accounts import access
from server.accounts.scoping import path_within_q
from server.common.text import fold
from server.registry.choices import AreaType, UnitLevel
from server.registry.models import Unit
from server.registry.serializers import VillageInputSerializer
from server.registry.services import unit_create, unit_path_for

_URBAN_TYPES = {VietNamDivisionType.PHUONG, VietNamDivisionType.DAC_KHU}


@dataclass
class ImportCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def province_code(province: Province) -> str:
    return f"{int(province.code):02d}"


def ward_code(ward: Ward) -> str:
    return f"{int(ward.code):05d}"


def area_type_of(division_type: VietNamDivisionType) -> str:
    """phường and đặc khu are urban; xã is rural (poverty-standards.md, general rules)."""
    return AreaType.URBAN if division_type in _URBAN_TYPES else AreaType.RURAL


@transaction.atomic
def import_national_units(*, province_codes: Iterable[str] | None = None) -> ImportCounts:
    """Create or refresh provinces and communes from vietnam-provinces; idempotent.

    A commune placed under a district inside its own province (a demo or legacy
    grouping) keeps that parent; anything else is re-attached to its province.
    """
    wanted = set(province_codes) if province_codes else None
    counts = ImportCounts()
    existing = {
        u.code: u for u in Unit.objects.filter(level__in=[UnitLevel.PROVINCE, UnitLevel.COMMUNE])
    }
    for province in sorted(Province.iter_all(), key=province_code):
        if wanted is not None and province_code(province) not in wanted:
            continue
        parent = _upsert(
            existing,
            counts,
            code=province_code(province),
            name=province.name,
            level=UnitLevel.PROVINCE,
            division_type=province.division_type.value,
            area_type="",
            parent=None,
        )
        for ward in Ward.iter_by_province(province.code):
            _upsert(
                existing,
                counts,
                code=ward_code(ward),
                name=ward.name,
                level=UnitLevel.COMMUNE,
                division_type=ward.division_type.value,
                area_type=area_type_of(ward.division_type),
                parent=parent,
            )
    return counts


def _upsert(
    existing: dict[str, Unit],
    counts: ImportCounts,
    *,
    code: str,
    name: str,
    level: str,
    division_type: str,
    area_type: str,
    parent: Unit | None,
) -> Unit:
    unit = existing.get(code)
    if unit is None:
        counts.created += 1
        return unit_create(
            code=code,
            name=name,
            level=level,
            parent=parent,
            area_type=area_type,
            division_type=division_type,
        )
    wanted = {"name": name, "division_type": division_type, "area_type": area_type}
    changed = {k: v for k, v in wanted.items() if getattr(unit, k) != v}
    if changed:
        Unit.objects.filter(pk=unit.pk).update(**changed, name_folded=fold(name))
    moved = False
    if parent is not None and not unit.path.startswith(parent.path):
        unit_move(unit=unit, parent=parent)
        moved = True
    if changed or moved:
        counts.updated += 1
    else:
        counts.unchanged += 1
    return unit


def unit_move(*, unit: Unit, parent: Unit) -> None:
    """Re-parent a unit and rewrite its subtree's paths in one UPDATE."""
    old_path, new_path = unit.path, unit_path_for(code=unit.code, parent=parent)
    depth_shift = parent.depth + 1 - unit.depth
    Unit.objects.filter(pk=unit.pk).update(parent=parent)
    Unit.objects.filter(path_within_q("path", old_path)).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_shift,
    )
    unit.refresh_from_db()


# --- villages from CSV ------------------------------------------------------------

VILLAGE_COLUMNS = ("code", "name", "commune_code", "division_type")


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class VillageImportResult:
    created: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)


def import_villages_csv(text: str, *, user: object, dry_run: bool = False) -> VillageImportResult:
    """Create villages from CSV rows; all rows or none.

    Columns: code, name, commune_code, division_type (thôn, bản, tổ dân phố…).
    Row numbers count the header as row 1, as a spreadsheet shows them. Every path
    (REST, the `import_villages` command) is held to the same role grant here.
    """
    access.require(user, access.Action.MANAGE_UNITS)
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [c for c in VILLAGE_COLUMNS[:3] if c not in (reader.fieldnames or [])]
    if missing:
        return VillageImportResult(errors=[RowError(1, c, _("Missing column.")) for c in missing])
    rows = list(reader)
    result = VillageImportResult()
    plans = _plan_villages(rows, user=user, result=result)
    if result.errors or dry_run:
        return result
    with transaction.atomic():
        for code, name, commune, division_type in plans:
            unit_create(
                code=code,
                name=name,
                level=UnitLevel.VILLAGE,
                parent=commune,
                division_type=division_type,
            )
            result.created += 1
    return result


def _plan_villages(
    rows: list[dict[str, str]], *, user: object, result: VillageImportResult
) -> list[tuple[str, str, Unit, str]]:
    communes = {u.code: u for u in access.visible_units(user).filter(level=UnitLevel.COMMUNE)}
    existing = dict(
        Unit.objects.filter(code__in=[(r.get("code") or "").strip() for r in rows]).values_list(
            "code", "parent__code"
        )
    )
    seen: set[str] = set()
    plans = []
    for number, row in enumerate(rows, start=2):
        plan = _plan_row(number, row, communes, existing, seen, result)
        if plan is not None:
            plans.append(plan)
    return plans


def _validated_row(
    number: int, row: dict[str, str], result: VillageImportResult
) -> dict[str, str] | None:
    """Check a row with the JSON endpoint's own serializer: one set of rules for both paths."""
    data = {
        "code": row.get("code") or "",
        "name": row.get("name") or "",
        "commune": row.get("commune_code") or "",
    }
    if (row.get("division_type") or "").strip():
        data["division_type"] = row["division_type"]
    serializer = VillageInputSerializer(data=data)
    if serializer.is_valid():
        return dict(serializer.validated_data)
    for field_name, messages in serializer.errors.items():
        column = "commune_code" if field_name == "commune" else field_name
        result.errors.append(RowError(number, column, str(messages[0])))
    return None


def _plan_row(
    number: int,
    row: dict[str, str],
    communes: dict[str, Unit],
    existing: dict[str, str],
    seen: set[str],
    result: VillageImportResult,
) -> tuple[str, str, Unit, str] | None:
    errors_before = len(result.errors)
    data = _validated_row(number, row, result)
    code = data["code"] if data else (row.get("code") or "").strip()
    if data is not None and code in seen:
        result.errors.append(RowError(number, "code", _("The code appears twice in the file.")))
    commune = communes.get(data["commune"]) if data else None
    if data is not None and commune is None:
        result.errors.append(RowError(number, "commune_code", _("No such commune in your area.")))
    seen.add(code)
    if data is None or len(result.errors) > errors_before:
        return None
    if code in existing:
        if existing[code] != data["commune"]:
            result.errors.append(
                RowError(number, "code", _("The code is already used by another unit."))
            )
        else:
            result.unchanged += 1
        return None
    assert commune is not None  # noqa: S101 - checked above
    return code, data["name"], commune, data["division_type"]
