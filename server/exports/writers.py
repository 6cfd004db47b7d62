"""File writers for exports: rows in, bytes out, a chunk at a time (flat memory).

Each writer takes the column headers and an iterator of rows (tuples of str, int, float,
None) and yields byte chunks. The GeoJSON writer takes (longitude, latitude, properties).
"""

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

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
