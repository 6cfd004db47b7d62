"""An official report as an XLSX workbook, drawn from a layout and frozen rows."""

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

_THIN = Side(style="thin")
_BOX = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTRE = Alignment(horizontal="center", vertical="center", wrap_text=True)


def header_groups(columns: Sequence[dict[str, Any]], lang: str) -> list[tuple[str, int]]:
    """Runs of neighbouring columns under the same group label: (label, width)."""
    groups: list[tuple[str, int]] = []
    for column in columns:
        label = column.get(f"group_{lang}", "")
        if groups and label and groups[-1][0] == label:
            groups[-1] = (label, groups[-1][1] + 1)
        else:
            groups.append((label, 1))
    return groups


def render_xlsx(
    *,
    title: str,
    subtitle: str,
    columns: Sequence[dict[str, Any]],
    rows: Sequence[dict[str, Any]],
    lang: str,
    footer: str,
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Report"
    width = max(len(columns), 1)
    for line, (text, size) in enumerate(((title, 14), (subtitle, 11)), start=1):
        sheet.cell(row=line, column=1, value=text).font = Font(bold=True, size=size)
        sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=width)
        sheet.cell(row=line, column=1).alignment = _CENTRE
    has_groups = any(column.get(f"group_{lang}") for column in columns)
    first = 4
    if has_groups:
        col = 1
        for label, span in header_groups(columns, lang):
            if label:
                sheet.cell(row=first, column=col, value=label)
                sheet.merge_cells(
                    start_row=first, start_column=col, end_row=first, end_column=col + span - 1
                )
            col += span
    head = first + 1 if has_groups else first
    for col, column in enumerate(columns, start=1):
        sheet.cell(row=head, column=col, value=column[f"header_{lang}"])
        if has_groups and not column.get(f"group_{lang}"):
            sheet.merge_cells(start_row=first, start_column=col, end_row=head, end_column=col)
            sheet.cell(row=first, column=col, value=column[f"header_{lang}"])
        sheet.column_dimensions[get_column_letter(col)].width = 14
    for r in range(first, head + 1):
        for col in range(1, width + 1):
            cell = sheet.cell(row=r, column=col)
            cell.font, cell.alignment, cell.border = Font(bold=True), _CENTRE, _BOX
    for offset, row in enumerate(rows, start=1):
        for col, column in enumerate(columns, start=1):
            cell = sheet.cell(row=head + offset, column=col, value=row.get(column["key"]))
            cell.border = _BOX
    sheet.cell(row=head + len(rows) + 2, column=1, value=footer)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
