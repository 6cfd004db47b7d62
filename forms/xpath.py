"""Translate the expression language into XLSForm XPath for ODK tools.

The translation keeps the meaning for answered questions. ODK's own empty-value rules differ
from EXPRESSIONS.md §5 (an empty answer is '' in XPath, not null), so the server re-checks
every submission with the reference evaluator; the XForm is a convenience for ODK clients.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from forms.expressions.ast import Binary, Call, ItemRef, Literal, Node, Ref, Unary

_SIMPLE: Final = {
    "selected": "selected",
    "count_selected": "count-selected",
    "date": "date",
    "round": "round",
    "int": "int",
    "min": "min",
    "max": "max",
    "length": "string-length",
}


class XPathError(ValueError):
    """An expression has no XPath equivalent (e.g. sum() over a computed per-item value)."""


@dataclass(frozen=True, slots=True)
class XPathContext:
    """What a translation needs to know about the form.

    `self_id` is the question the expression belongs to (written `.` in XPath);
    `boolean_calcs` are calculations exported as 'true'/'false' strings;
    `item_paths` maps each repeat member id to its path relative to the repeat item.
    """

    self_id: str | None
    boolean_calcs: frozenset[str]
    item_paths: Mapping[str, str]
    in_predicate: bool = False


def to_xpath(node: Node, ctx: XPathContext) -> str:
    """Return the XLSForm expression text for `node`."""
    return _TRANSLATORS[type(node)](node, ctx)


def _literal(node: Node, ctx: XPathContext) -> str:
    assert isinstance(node, Literal)  # noqa: S101 - dispatch by type
    value = node.value
    if value is None:
        return "''"
    if isinstance(value, bool):
        return "true()" if value else "false()"
    if isinstance(value, int | Decimal):
        return str(value)
    assert isinstance(value, str)  # noqa: S101 - literals are null, bool, numbers or strings
    return f'"{value}"' if "'" in value else f"'{value}'"


def _reference(name: str, ctx: XPathContext, item: bool) -> str:
    if item and ctx.in_predicate:
        text = ctx.item_paths[name]
    elif name == ctx.self_id and not ctx.in_predicate:
        text = "."
    else:
        text = "${" + name + "}"
    return f"({text} = 'true')" if name in ctx.boolean_calcs else text


def _ref(node: Node, ctx: XPathContext) -> str:
    assert isinstance(node, Ref)  # noqa: S101 - dispatch by type
    return _reference(node.name, ctx, item=False)


def _item_ref(node: Node, ctx: XPathContext) -> str:
    assert isinstance(node, ItemRef)  # noqa: S101 - dispatch by type
    return _reference(node.name, ctx, item=True)


def _unary(node: Node, ctx: XPathContext) -> str:
    assert isinstance(node, Unary)  # noqa: S101 - dispatch by type
    operand = to_xpath(node.operand, ctx)
    return f"not({operand})" if node.op == "not" else f"(-{operand})"


def _binary(node: Node, ctx: XPathContext) -> str:
    assert isinstance(node, Binary)  # noqa: S101 - dispatch by type
    op = "div" if node.op == "/" else node.op
    return f"({to_xpath(node.left, ctx)} {op} {to_xpath(node.right, ctx)})"


def _call(node: Node, ctx: XPathContext) -> str:
    assert isinstance(node, Call)  # noqa: S101 - dispatch by type
    special = _SPECIAL.get(node.name)
    if special is not None:
        return special(node, ctx)
    args = ", ".join(to_xpath(arg, ctx) for arg in node.args)
    return f"{_SIMPLE[node.name]}({args})"


def _part(date_xpath: str, pattern: str) -> str:
    return f"int(format-date({date_xpath}, '{pattern}'))"


def _age(node: Call, ctx: XPathContext) -> str:
    """Completed years, from year, month and day parts (same rule as EXPRESSIONS.md §6)."""
    born, at = (to_xpath(arg, ctx) for arg in node.args)
    years = f"{_part(at, '%Y')} - {_part(born, '%Y')}"
    return f"({years} - if({_part(at, '%m%d')} < {_part(born, '%m%d')}, 1, 0))"


def _age_months(node: Call, ctx: XPathContext) -> str:
    born, at = (to_xpath(arg, ctx) for arg in node.args)
    months = f"({_part(at, '%Y')} * 12 + {_part(at, '%m')}) - ({_part(born, '%Y')} * 12 + {_part(born, '%m')})"
    return f"({months} - if({_part(at, '%d')} < {_part(born, '%d')}, 1, 0))"


def _year(node: Call, ctx: XPathContext) -> str:
    return _part(to_xpath(node.args[0], ctx), "%Y")


def _coalesce(node: Call, ctx: XPathContext) -> str:
    """XPath coalesce() takes two arguments, so longer lists nest to the right."""
    parts = [to_xpath(arg, ctx) for arg in node.args]
    text = parts[-1]
    for part in reversed(parts[:-1]):
        text = f"coalesce({part}, {text})"
    return text


def _answered(node: Call, ctx: XPathContext) -> str:
    return f"(string({to_xpath(node.args[0], ctx)}) != '')"


def _if(node: Call, ctx: XPathContext) -> str:
    condition, then, otherwise = (to_xpath(arg, ctx) for arg in node.args)
    return f"if({condition}, {then}, {otherwise})"


def _repeat(node: Call, ctx: XPathContext) -> str:
    first = node.args[0]
    assert isinstance(first, Ref)  # noqa: S101 - the checker requires a repeat reference
    return "${" + first.name + "}"


def _count(node: Call, ctx: XPathContext) -> str:
    repeat = _repeat(node, ctx)
    if len(node.args) == 1:
        return f"count({repeat})"
    inner = XPathContext(None, ctx.boolean_calcs, ctx.item_paths, in_predicate=True)
    return f"count({repeat}[{to_xpath(node.args[1], inner)}])"


def _sum(node: Call, ctx: XPathContext) -> str:
    value = node.args[1]
    if not isinstance(value, ItemRef):
        raise XPathError("sum() exports to XPath only over a plain ${.question}")
    return f"sum({_repeat(node, ctx)}/{ctx.item_paths[value.name]})"


def _reference_date(node: Call, ctx: XPathContext) -> str:
    return "today()"


_SPECIAL: Final[dict[str, Callable[[Call, XPathContext], str]]] = {
    "age": _age,
    "age_months": _age_months,
    "year": _year,
    "coalesce": _coalesce,
    "answered": _answered,
    "if": _if,
    "count": _count,
    "sum": _sum,
    "reference_date": _reference_date,
}

_TRANSLATORS: Final[dict[type, Callable[[Node, XPathContext], str]]] = {
    Literal: _literal,
    Ref: _ref,
    ItemRef: _item_ref,
    Unary: _unary,
    Binary: _binary,
    Call: _call,
}


def is_boolean(node: Node) -> bool:
    """True when an expression certainly yields a boolean (used for calculations)."""
    if isinstance(node, Binary):
        return node.op in ("and", "or", "=", "!=", "<", "<=", ">", ">=")
    if isinstance(node, Unary):
        return node.op == "not"
    if isinstance(node, Literal):
        return isinstance(node.value, bool)
    if isinstance(node, Call) and node.name == "if":
        return is_boolean(node.args[1]) and is_boolean(node.args[2])
    return isinstance(node, Call) and node.name in ("selected", "answered")
