"""Evaluate a parsed expression against answers (semantics in EXPRESSIONS.md §4-7)."""

from __future__ import annotations

import decimal
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Final

from forms.expressions.ast import Binary, Call, ItemRef, Literal, Node, Ref, Unary
from forms.expressions.errors import ExpressionError
from forms.expressions.functions import STRICT_FUNCTIONS
from forms.expressions.values import (
    Item,
    Scalar,
    Value,
    check_decimal,
    check_integer,
    divide,
    is_number,
    type_name,
)

# Wide enough that + - * on two 34-digit decimals is exact; check_decimal bounds the result.
_EXACT: Final = decimal.Context(prec=100, traps=[decimal.InvalidOperation, decimal.Inexact])


@dataclass(frozen=True, slots=True)
class Env:
    """What an expression can see.

    `values` maps top-level question ids to answers (null when unanswered or not relevant)
    and repeat ids to a tuple of item mappings. `item` is the current repeat item, if any.
    """

    values: Mapping[str, Value]
    item: Item | None = None
    reference_date: date | None = None


def evaluate(node: Node, env: Env) -> Scalar:
    """Evaluate `node`; raise ExpressionError for type errors, overflow or division by zero."""
    handler = _HANDLERS[type(node)]
    return handler(node, env)


def evaluate_condition(node: Node, env: Env) -> bool | None:
    """Evaluate a condition, insisting on a boolean or null result."""
    return _logical(evaluate(node, env), "condition")


def _literal(node: Node, env: Env) -> Scalar:
    assert isinstance(node, Literal)  # noqa: S101 - dispatch by type
    return node.value


def _ref(node: Node, env: Env) -> Scalar:
    assert isinstance(node, Ref)  # noqa: S101 - dispatch by type
    # Invariant: the static check allows a repeat reference only inside count()/sum().
    return env.values.get(node.name)  # type: ignore[return-value]  # by the invariant above


def _item_ref(node: Node, env: Env) -> Scalar:
    assert isinstance(node, ItemRef)  # noqa: S101 - dispatch by type
    if env.item is None:
        raise ExpressionError("scope", f"${{.{node.name}}} used outside a repeat item")
    return env.item.get(node.name)


def _unary(node: Node, env: Env) -> Scalar:
    assert isinstance(node, Unary)  # noqa: S101 - dispatch by type
    value = evaluate(node.operand, env)
    if node.op == "not":
        operand = _logical(value, "not")
        return None if operand is None else not operand
    if value is None:
        return None
    if type(value) is int:
        return check_integer(-value)
    if isinstance(value, Decimal):
        return -value
    raise ExpressionError("type_error", f"cannot negate a {type_name(value)}")


def _logical(value: Scalar, operator: str) -> bool | None:
    """Accept only booleans and null as logical operands."""
    if value is None or isinstance(value, bool):
        return value
    raise ExpressionError("type_error", f"{operator} needs a boolean, got a {type_name(value)}")


def _binary(node: Node, env: Env) -> Scalar:
    assert isinstance(node, Binary)  # noqa: S101 - dispatch by type
    if node.op in ("and", "or"):
        return _and_or(node, env)
    left, right = evaluate(node.left, env), evaluate(node.right, env)
    if node.op in _COMPARATORS:
        return _compare(node.op, left, right)
    return _arithmetic(node.op, left, right)


def _and_or(node: Binary, env: Env) -> Scalar:
    """Kleene logic, short-circuiting once the left operand decides the result."""
    decisive = node.op == "or"  # or: true decides; and: false decides
    left = _logical(evaluate(node.left, env), node.op)
    if left is decisive:
        return decisive
    right = _logical(evaluate(node.right, env), node.op)
    if right is decisive:
        return decisive
    if left is None or right is None:
        return None
    return not decisive


_COMPARATORS: Final[dict[str, Callable[[int], bool]]] = {
    "=": lambda c: c == 0,
    "!=": lambda c: c != 0,
    "<": lambda c: c < 0,
    "<=": lambda c: c <= 0,
    ">": lambda c: c > 0,
    ">=": lambda c: c >= 0,
}


def _compare(op: str, left: Scalar, right: Scalar) -> Scalar:
    """Compare two values of one kind; any null operand makes the result null."""
    if left is None or right is None:
        return None
    if is_number(left) and is_number(right):
        return _COMPARATORS[op](_sign(left, right))
    if type(left) is not type(right) or not isinstance(left, bool | str | date):
        raise ExpressionError(
            "type_error", f"cannot compare a {type_name(left)} with a {type_name(right)}"
        )
    if op not in ("=", "!=") and isinstance(left, bool | str):
        raise ExpressionError("type_error", f"{op} is not defined on a {type_name(left)}")
    return _COMPARATORS[op](_sign(left, right))


def _sign(left: object, right: object) -> int:
    """Return -1, 0 or 1 for two values already known to be comparable."""
    if left == right:
        return 0
    return -1 if left < right else 1  # type: ignore[operator]  # the caller checked the types


def _arithmetic(op: str, left: Scalar, right: Scalar) -> Scalar:
    """Integer op integer stays integer except `/`; a decimal operand makes a decimal."""
    if left is None or right is None:
        return None
    if not (is_number(left) and is_number(right)):
        raise ExpressionError(
            "type_error", f"cannot apply {op} to a {type_name(left)} and a {type_name(right)}"
        )
    assert isinstance(left, int | Decimal)  # noqa: S101 - is_number checked it
    assert isinstance(right, int | Decimal)  # noqa: S101 - is_number checked it
    if op == "/":
        return divide(left, right)
    if type(left) is int and type(right) is int:
        return check_integer(_INT_OPS[op](left, right))
    return check_decimal(_decimal_op(op, Decimal(left), Decimal(right)))


_INT_OPS: Final[dict[str, Callable[[int, int], int]]] = {
    "+": lambda a, b: a + b,
    "-": lambda a, b: a - b,
    "*": lambda a, b: a * b,
}


def _decimal_op(op: str, left: Decimal, right: Decimal) -> Decimal:
    if op == "+":
        return _EXACT.add(left, right)
    if op == "-":
        return _EXACT.subtract(left, right)
    return _EXACT.multiply(left, right)


def _call(node: Node, env: Env) -> Scalar:
    assert isinstance(node, Call)  # noqa: S101 - dispatch by type
    special = _SPECIAL_FORMS.get(node.name)
    if special is not None:
        return special(node, env)
    if node.name not in STRICT_FUNCTIONS:
        raise ExpressionError("unknown_function", f"unknown function {node.name}()")
    args = [evaluate(arg, env) for arg in node.args]
    if any(arg is None for arg in args):
        return None
    return STRICT_FUNCTIONS[node.name][1](*args)


def _if(node: Call, env: Env) -> Scalar:
    """Only the chosen branch is evaluated; a null condition chooses the else branch."""
    condition = evaluate_condition(node.args[0], env)
    return evaluate(node.args[1] if condition else node.args[2], env)


def _coalesce(node: Call, env: Env) -> Scalar:
    """Return the first non-null argument, evaluating left to right and stopping there."""
    for arg in node.args:
        value = evaluate(arg, env)
        if value is not None:
            return value
    return None


def _items(node: Call, env: Env) -> tuple[Item, ...]:
    """Resolve the repeat argument of count()/sum(); an unanswered repeat has no items."""
    first = node.args[0]
    if not isinstance(first, Ref):
        raise ExpressionError("type_error", f"{node.name}() needs a repeat reference first")
    value = env.values.get(first.name)
    if value is None:
        return ()
    if not isinstance(value, tuple) or (value and isinstance(value[0], str)):
        raise ExpressionError("type_error", f"${{{first.name}}} is not a repeat")
    return value  # type: ignore[return-value]  # checked: a tuple of item mappings


def _count(node: Call, env: Env) -> Scalar:
    """Count items, or items whose condition is true (false and null are not counted)."""
    items = _items(node, env)
    if len(node.args) == 1:
        return len(items)
    condition = node.args[1]
    return sum(1 for item in items if _in_item(condition, env, item) is True)


def _in_item(node: Node, env: Env, item: Item) -> bool | None:
    scoped = Env(values=env.values, item=item, reference_date=env.reference_date)
    return evaluate_condition(node, scoped)


def _sum(node: Call, env: Env) -> Scalar:
    """Sum a per-item number, skipping nulls; no items (or all null) sums to integer 0."""
    total: Scalar = 0
    for item in _items(node, env):
        scoped = Env(values=env.values, item=item, reference_date=env.reference_date)
        value = evaluate(node.args[1], scoped)
        if value is not None:
            total = _arithmetic("+", total, value)
    return total


def _answered(node: Call, env: Env) -> Scalar:
    return evaluate(node.args[0], env) is not None


def _reference_date(node: Call, env: Env) -> Scalar:
    return env.reference_date


_SPECIAL_FORMS: Final[dict[str, Callable[[Call, Env], Scalar]]] = {
    "if": _if,
    "coalesce": _coalesce,
    "count": _count,
    "sum": _sum,
    "answered": _answered,
    "reference_date": _reference_date,
}

_HANDLERS: Final[dict[type, Callable[[Node, Env], Scalar]]] = {
    Literal: _literal,
    Ref: _ref,
    ItemRef: _item_ref,
    Unary: _unary,
    Binary: _binary,
    Call: _call,
}
