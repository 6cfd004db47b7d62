"""File writers for exports: rows in, bytes out, a chunk at a time (flat memory).

Each writer takes the column headers and an iterator of rows (tuples of str, int, float,
None) and yields byte chunks. The GeoJSON writer takes (longitude, latitude, properties).
"""

import csv
import io
import json
import re
import tempfile
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from xml.sax.saxutils import quoteattr

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

Cell = str | int | float | None
ROWS_PER_CHUNK = 2000
FILE_CHUNK = 256 * 1024


def csv_chunks(headers: Sequence[str], rows: Iterable[Sequence[Cell]]) -> Iterator[bytes]:
    """UTF-8 with a byte-order mark, so Excel reads Vietnamese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(headers)
    for n, row in enumerate(rows, start=1):
        writer.writerow(row)
        if n % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def csv_from_lines(headers: Sequence[str], lines: Iterable[bytes]) -> Iterator[bytes]:
    """The same file from CSV lines made elsewhere (PostgreSQL's COPY ends lines with LF)."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(headers)
    yield ("\ufeff" + buffer.getvalue()).encode("utf-8")
    yield from lines


def xlsx_chunks(
    headers: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str = "Data"
) -> Iterator[bytes]:
    """An XLSX built in openpyxl's write-only mode, spooled to disk, then read back in chunks.

    A zip archive is complete only once its directory is written, so the bytes can leave
    only after the last row; the rows never sit in memory, only on disk.
    """
    with tempfile.TemporaryFile() as spool:
        xlsx_write(spool, headers, rows, title=title)
        spool.seek(0)
        while chunk := spool.read(FILE_CHUNK):
            yield chunk


def xlsx_write(
    target: Any, headers: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str = "Data"
) -> None:
    """The export's workbook: the sheet XML streamed straight into the zip (see xlsx_fast)."""
    xlsx_fast(target, headers, rows, title=title)


def xlsx_openpyxl(
    target: Any, headers: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str = "Data"
) -> None:
    """The same workbook through openpyxl's write-only mode (the bench's comparison)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append(row)
    workbook.save(target)


def geojson_chunks(
    features: Iterable[tuple[float | None, float | None, dict[str, Any]]],
) -> Iterator[bytes]:
    """A FeatureCollection; a record with no coordinates has a null geometry (RFC 7946 §3.2)."""
    yield b'{"type":"FeatureCollection","features":['
    parts: list[str] = []
    first = True
    for n, (lon, lat, props) in enumerate(features, start=1):
        geometry = (
            None if lon is None or lat is None else {"type": "Point", "coordinates": [lon, lat]}
        )
        text = json.dumps(
            {"type": "Feature", "geometry": geometry, "properties": props},
            ensure_ascii=False,
            separators=(",", ":"),
        )
        parts.append(text if first else "," + text)
        first = False
        if n % ROWS_PER_CHUNK == 0:
            yield "".join(parts).encode("utf-8")
            parts = []
    yield ("".join(parts) + "]}").encode("utf-8")


# --- XLSX, streamed by hand ---------------------------------------------------------
# openpyxl's write-only mode builds a Cell object per value and an element per cell:
# about 5 µs a cell on this machine, so 17 million cells (a 1,000,000-household export)
# take minutes. The parts below are the smallest valid SpreadsheetML package (ECMA-376
# Part 1): one sheet of inline strings and numbers, a bold header row, frozen under it.
# The tests read every file back with openpyxl.

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f"<styleSheet {_NS}>"
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _workbook_xml(title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<workbook {_NS} xmlns:r="{_REL}"><sheets>'
        f'<sheet name={quoteattr(title)} sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


_NEEDS_ESCAPE = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f]")
_EMPTY = "<c/>"


def _text(value: str) -> str:
    if _NEEDS_ESCAPE.search(value) is None:
        return value
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _ILLEGAL_XML.sub("", value)


def _row_xml(values: Sequence[Cell], style: str = "") -> str:
    """One row; cells carry no reference, so an empty one is written as <c/> to keep its place."""
    cells = []
    for value in values:
        kind = type(value)
        if kind is str:
            cells.append(
                f'<c{style} t="inlineStr"><is><t xml:space="preserve">{_text(value)}</t></is></c>'  # type: ignore[arg-type]
                if value
                else _EMPTY
            )
        elif value is None:
            cells.append(_EMPTY)
        elif kind is bool:
            cells.append(f'<c{style} t="b"><v>{int(value)}</v></c>')
        else:
            cells.append(f"<c{style}><v>{value!r}</v></c>")
    return f"<row>{''.join(cells)}</row>"


def xlsx_fast(
    target: Any, headers: Sequence[str], rows: Iterable[Sequence[Cell]], *, title: str = "Data"
) -> None:
    """Write the workbook to a seekable binary file, the sheet a chunk of rows at a time."""
    xlsx_from_row_xml(target, headers, (_row_xml(row) for row in rows), title=title)


def xlsx_from_row_xml(
    target: Any, headers: Sequence[str], rows: Iterable[str], *, title: str = "Data"
) -> None:
    """The workbook around rows already written as <row> elements."""
    sheet_name = _ILLEGAL_XML.sub("", title)[:31] or "Data"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", _CONTENT_TYPES)
        package.writestr("_rels/.rels", _ROOT_RELS)
        package.writestr("xl/workbook.xml", _workbook_xml(sheet_name))
        package.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        package.writestr("xl/styles.xml", _STYLES)
        with package.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                (
                    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    f'<worksheet {_NS}><sheetViews><sheetView workbookViewId="0">'
                    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
                    "</sheetView></sheetViews><sheetData>" + _row_xml(list(headers), ' s="1"')
                ).encode("utf-8")
            )
            parts: list[str] = []
            for row in rows:
                parts.append(row)
                if len(parts) == ROWS_PER_CHUNK:
                    sheet.write("".join(parts).encode("utf-8"))
                    parts = []
            parts.append("</sheetData></worksheet>")
            sheet.write("".join(parts).encode("utf-8"))
