"""Export forms to XLSForm (openpyxl) and XForm (pyxform), and a small CLI.

openpyxl and pyxform are imported inside the functions that need them, so importing
`forms` never requires them.

    python -m forms.odk FORM_ID [--version V] --xlsx OUT.xlsx --xml OUT.xml [--validate]
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from forms.answers import MAX_ACCURACY_M, VIETNAM_BOX
from forms.loader import HARD_MAX_TEXT
from forms.model import FormDefinition, Question, Text
from forms.shipped import find_shipped
from forms.xpath import XPathContext, is_boolean, to_xpath

VI: Final = "Vietnamese (vi)"
EN: Final = "English (en)"
SURVEY_COLUMNS: Final = (
    "type",
    "name",
    f"label::{VI}",
    f"label::{EN}",
    f"hint::{VI}",
    f"hint::{EN}",
    "required",
    "relevant",
    "constraint",
    f"constraint_message::{VI}",
    f"constraint_message::{EN}",
    f"required_message::{VI}",
    f"required_message::{EN}",
    "calculation",
)
REQUIRED_MESSAGE: Final = Text(
    "Câu hỏi này bắt buộc phải trả lời.", "This question requires an answer."
)
CHOICE_COLUMNS: Final = ("list_name", "name", f"label::{VI}", f"label::{EN}")
SETTINGS_COLUMNS: Final = ("form_title", "form_id", "version", "default_language")
_TYPES: Final = {
    "text": "text",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "geopoint": "geopoint",
    "photo": "image",
    "note": "note",
    "calculate": "calculate",
}

INT32_MAX: Final = 2**31 - 1
Row = dict[str, str]


@dataclass(frozen=True, slots=True)
class _Sheets:
    survey: list[Row]
    choices: list[Row]
    settings: list[Row]


def form_to_sheets(form: FormDefinition) -> tuple[list[Row], list[Row], list[Row]]:
    """Return the survey, choices and settings rows of the XLSForm."""
    exporter = _Exporter(form)
    survey = [row for section in form.sections for row in exporter.rows(section, None)]
    return survey, _choice_rows(form), [_settings_row(form)]


def form_to_xlsform(form: FormDefinition) -> bytes:
    """Build the XLSForm workbook and return the .xlsx bytes."""
    from openpyxl import Workbook

    survey, choices, settings = form_to_sheets(form)
    book = Workbook()
    _fill(book.active, "survey", SURVEY_COLUMNS, survey)
    _fill(book.create_sheet(), "choices", CHOICE_COLUMNS, choices)
    _fill(book.create_sheet(), "settings", SETTINGS_COLUMNS, settings)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _fill(sheet: object, title: str, columns: Sequence[str], rows: list[Row]) -> None:
    sheet.title = title  # type: ignore[attr-defined]  # an untyped openpyxl Worksheet
    sheet.append(list(columns))  # type: ignore[attr-defined]  # an untyped openpyxl Worksheet
    for row in rows:
        sheet.append([row.get(column, "") for column in columns])  # type: ignore[attr-defined]  # as above


def form_to_xform(form: FormDefinition, *, validate: bool = False) -> str:
    """Convert the XLSForm with pyxform; `validate=True` also runs ODK Validate (needs java)."""
    from pyxform.xls2xform import convert

    result = convert(
        xlsform=io.BytesIO(form_to_xlsform(form)),
        validate=validate,
        pretty_print=True,
        form_name=form.id,
        file_type=".xlsx",
    )
    return str(result.xform)


# ---- survey rows --------------------------------------------------------------------------


class _Exporter:
    """Knows the form-wide facts a row needs: boolean calculations and repeat item paths."""

    def __init__(self, form: FormDefinition) -> None:
        self.boolean_calcs = frozenset(
            node.id
            for node in form.walk()
            if node.calculation is not None and is_boolean(node.calculation.node)
        )
        self.item_paths = {
            member.id: path for repeat in form.repeats() for member, path in _paths(repeat)
        }

    def context(self, node: Question) -> XPathContext:
        return XPathContext(node.id, self.boolean_calcs, self.item_paths)

    def rows(self, node: Question, repeat: Question | None) -> Iterator[Row]:
        if node.type in ("group", "repeat"):
            yield from self._container(node)
        else:
            yield self._question(node)

    def _container(self, node: Question) -> Iterator[Row]:
        kind = "repeat" if node.type == "repeat" else "group"
        yield {"type": f"begin_{kind}", "name": node.id, **self._common(node)}
        for child in node.children:
            yield from self.rows(child, node if kind == "repeat" else None)
        yield {"type": f"end_{kind}", "name": node.id}

    def _question(self, node: Question) -> Row:
        row = {"type": _type(node), "name": node.id, **self._common(node)}
        if node.required:
            row["required"] = "yes"
            _texts(row, "required_message", REQUIRED_MESSAGE)
        if node.calculation is not None:
            row["calculation"] = self._calculation(node)
        row.update(self._constraint(node))
        return row

    def _common(self, node: Question) -> Row:
        row: Row = {}
        _texts(row, "label", node.label)
        _texts(row, "hint", node.hint)
        if node.relevant is not None:
            row["relevant"] = to_xpath(node.relevant.node, self.context(node))
        return row

    def _calculation(self, node: Question) -> str:
        assert node.calculation is not None  # noqa: S101 - checked by the caller
        text = to_xpath(node.calculation.node, XPathContext(None, frozenset(), self.item_paths))
        return f"if({text}, 'true', 'false')" if node.id in self.boolean_calcs else text

    def _constraint(self, node: Question) -> Row:
        """Join the question's constraint with its bounds and the built-in hard limits."""
        parts, messages = [], [node.constraint_message] if node.constraint_message else []
        if node.constraint is not None:
            parts.append(to_xpath(node.constraint.node, self.context(node)))
        limits = _limits(node)
        if limits:
            parts.append(" and ".join(limits))
            messages.append(_limit_message(node))
        if not parts:
            return {}
        row = {"constraint": " and ".join(f"({part})" for part in parts)}
        _texts(row, "constraint_message", _join_texts(messages))
        return row


def _paths(repeat: Question) -> Iterator[tuple[Question, str]]:
    """Each member of a repeat with its path relative to the repeat item."""

    def walk(nodes: Sequence[Question], prefix: str) -> Iterator[tuple[Question, str]]:
        for node in nodes:
            yield node, prefix + node.id
            if node.type == "group":
                yield from walk(node.children, f"{prefix}{node.id}/")

    return walk(repeat.children, "")


def _type(node: Question) -> str:
    if node.choice_list is not None:
        return f"{node.type} {node.choice_list.name}"
    if _wide_integer(node):
        return "decimal"
    return _TYPES[node.type]


def _wide_integer(node: Question) -> bool:
    """JavaRosa `int` is 32-bit; wider integers (VND amounts) export as whole decimals."""
    if node.type != "integer":
        return False
    low, high = node.minimum, node.maximum
    return low is None or high is None or low < -INT32_MAX or high > INT32_MAX


def _texts(row: Row, column: str, text: Text | None) -> None:
    if text is not None:
        row[f"{column}::{VI}"] = text.vi
        row[f"{column}::{EN}"] = text.en


def _join_texts(texts: Sequence[Text]) -> Text:
    return Text(" ".join(t.vi for t in texts), " ".join(t.en for t in texts))


def _limits(node: Question) -> list[str]:
    limits: list[str] = []
    if node.minimum is not None:
        limits.append(f". >= {node.minimum}")
    if node.maximum is not None:
        limits.append(f". <= {node.maximum}")
    if _wide_integer(node):
        limits.append("int(.) = .")
    if node.type == "text":
        limits.append(f"string-length(.) <= {node.max_length or HARD_MAX_TEXT}")
    if node.type == "geopoint":
        limits += _box_limits()
    return limits


def _box_limits() -> list[str]:
    box = VIETNAM_BOX
    return [
        f"selected-at(., 0) >= {box.min_latitude}",
        f"selected-at(., 0) <= {box.max_latitude}",
        f"selected-at(., 1) >= {box.min_longitude}",
        f"selected-at(., 1) <= {box.max_longitude}",
        f"selected-at(., 3) <= {MAX_ACCURACY_M}",
    ]


def _limit_message(node: Question) -> Text:
    if node.type == "text":
        limit = node.max_length or HARD_MAX_TEXT
        return Text(f"Không quá {limit} ký tự.", f"At most {limit} characters.")
    if node.type == "geopoint":
        return Text("Toạ độ phải nằm trong lãnh thổ Việt Nam.", "The point must lie in Viet Nam.")
    low, high = _show(node.minimum), _show(node.maximum)
    return Text(f"Giá trị phải trong khoảng {low} – {high}.", f"The value must be {low} to {high}.")


def _show(bound: int | Decimal | None) -> str:
    return "…" if bound is None else str(bound)


# ---- choices and settings -------------------------------------------------------------------


def _choice_rows(form: FormDefinition) -> list[Row]:
    rows: list[Row] = []
    for name, choice_list in form.choice_lists.items():
        for choice in choice_list.choices:
            row = {"list_name": name, "name": choice.value}
            _texts(row, "label", choice.label)
            rows.append(row)
    return rows


def _settings_row(form: FormDefinition) -> Row:
    return {
        "form_title": form.title.vi,
        "form_id": form.id,
        "version": form.version,
        "default_language": VI,
    }


# ---- CLI ------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Write the XLSForm and/or XForm of a shipped form; return the process exit code."""
    parser = argparse.ArgumentParser(prog="python -m forms.odk", description=__doc__)
    parser.add_argument("form_id")
    parser.add_argument("--version", default=None, help="form version (default: the highest)")
    parser.add_argument("--xlsx", default=None, help="write the XLSForm here")
    parser.add_argument("--xml", default=None, help="write the XForm here")
    parser.add_argument("--validate", action="store_true", help="run ODK Validate (needs java)")
    args = parser.parse_args(argv)
    try:
        form = find_shipped(args.form_id, args.version)
    except LookupError as error:
        parser.error(str(error))
    if args.xlsx:
        with open(args.xlsx, "wb") as out:
            out.write(form_to_xlsform(form))
    if args.xml:
        with open(args.xml, "w", encoding="utf-8") as out:
            out.write(form_to_xform(form, validate=args.validate))
    sys.stderr.write(f"{form.id} v{form.version} ({form.checksum[:12]}) exported\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
