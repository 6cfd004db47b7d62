"""Static checks run once at load time (EXPRESSIONS.md §7).

They catch unknown references, wrong scopes, forward references, unknown functions, wrong
arity and unknown choice codes, so a shipped form cannot fail on these in the field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from forms.expressions.ast import Binary, Call, ItemRef, Literal, Node, Ref, Unary
from forms.expressions.errors import ExpressionError
from forms.expressions.functions import parse_date, signature_of
from forms.expressions.parser import COMPARISONS

SELECT_KINDS = frozenset({"select_one", "select_multiple"})


@dataclass(frozen=True, slots=True)
class FieldInfo:
    """What the checker knows about a referenced question."""

    kind: str
    choices: frozenset[str] | None = None
    members: Mapping[str, FieldInfo] | None = None


@dataclass(frozen=True, slots=True)
class Scope:
    """Names an expression may use.

    `fields` holds top-level questions (repeats included, with their members). `repeat`
    names the repeat whose current item `${.x}` reads. When `earlier` (or
    `earlier_items`) is set, only those ids may be referenced: relevance and calculations
    may look backwards only, which makes a single pass in document order well defined.
    """

    fields: Mapping[str, FieldInfo]
    repeat: str | None = None
    earlier: frozenset[str] | None = None
    earlier_items: frozenset[str] | None = None
    member_ids: frozenset[str] = field(default_factory=frozenset)

    def item_fields(self) -> Mapping[str, FieldInfo]:
        if self.repeat is None:
            return {}
        return self.fields[self.repeat].members or {}


def check(node: Node, scope: Scope) -> None:
    """Raise ExpressionError on the first static fault found, depth first."""
    if isinstance(node, Ref):
        _check_ref(node, scope)
    elif isinstance(node, ItemRef):
        _check_item_ref(node, scope)
    elif isinstance(node, Unary):
        check(node.operand, scope)
    elif isinstance(node, Binary):
        _check_null_comparison(node)
        check(node.left, scope)
        check(node.right, scope)
    elif isinstance(node, Call):
        _check_call(node, scope)


def _check_null_comparison(node: Binary) -> None:
    """`x = null` would always be null (never true): point the author to answered()."""
    if node.op in COMPARISONS and any(
        isinstance(side, Literal) and side.value is None for side in (node.left, node.right)
    ):
        message = "comparing with null always yields null; use answered(x) or not(answered(x))"
        raise ExpressionError("type_error", message, node.position)


def _check_ref(node: Ref, scope: Scope) -> None:
    info = scope.fields.get(node.name)
    if info is None:
        if node.name in scope.member_ids:
            message = f"${{{node.name}}} belongs to a repeat; inside it write ${{.{node.name}}}"
            raise ExpressionError("scope", message, node.position)
        raise ExpressionError("unknown_reference", f"no question ${{{node.name}}}", node.position)
    if info.kind == "repeat":
        message = f"repeat ${{{node.name}}} can only be the first argument of count() or sum()"
        raise ExpressionError("scope", message, node.position)
    if scope.earlier is not None and node.name not in scope.earlier:
        message = f"${{{node.name}}} is not declared before this expression"
        raise ExpressionError("forward_reference", message, node.position)


def _check_item_ref(node: ItemRef, scope: Scope) -> None:
    if scope.repeat is None:
        message = f"${{.{node.name}}} used outside a repeat"
        raise ExpressionError("scope", message, node.position)
    if node.name not in scope.item_fields():
        message = f"repeat {scope.repeat} has no question {node.name}"
        raise ExpressionError("unknown_reference", message, node.position)
    if scope.earlier_items is not None and node.name not in scope.earlier_items:
        message = f"${{.{node.name}}} is not declared before this expression"
        raise ExpressionError("forward_reference", message, node.position)


def _check_call(node: Call, scope: Scope) -> None:
    signature = signature_of(node.name)
    if signature is None:
        raise ExpressionError("unknown_function", f"unknown function {node.name}()", node.position)
    if not signature.min_args <= len(node.args) <= signature.max_args:
        message = f"{node.name}() takes {signature.min_args}..{signature.max_args} arguments"
        raise ExpressionError("arity", message, node.position)
    if node.name in ("count", "sum"):
        _check_aggregate(node, scope)
        return
    for arg in node.args:
        check(arg, scope)
    if node.name == "selected":
        _check_selected(node, scope)
    if node.name == "date" and isinstance(node.args[0], Literal):
        _check_date_literal(node.args[0])


def _check_aggregate(node: Call, scope: Scope) -> None:
    """The first argument names a repeat; the rest is checked in that repeat's item scope."""
    first = node.args[0]
    info = scope.fields.get(first.name) if isinstance(first, Ref) else None
    if info is None or info.kind != "repeat":
        message = f"the first argument of {node.name}() must be a repeat reference"
        raise ExpressionError("type_error", message, first.position)
    assert isinstance(first, Ref)  # noqa: S101 - info found implies a Ref
    if scope.earlier is not None and first.name not in scope.earlier:
        message = f"${{{first.name}}} is not declared before this expression"
        raise ExpressionError("forward_reference", message, first.position)
    inner = replace(scope, repeat=first.name, earlier_items=None)
    for arg in node.args[1:]:
        check(arg, inner)


def _check_selected(node: Call, scope: Scope) -> None:
    """selected() reads a select question; a literal code must be one of its choices."""
    target, code = node.args
    info = _lookup(target, scope)
    if info is None or info.kind == "calculate":  # a calculation's type is only known at run time
        return
    if info.kind not in SELECT_KINDS:
        message = f"selected() needs a select question, not a {info.kind}"
        raise ExpressionError("type_error", message, target.position)
    if isinstance(code, Literal) and info.choices is not None and code.value not in info.choices:
        message = f"{code.value!r} is not a choice of this question"
        raise ExpressionError("unknown_choice", message, code.position)


def _lookup(node: Node, scope: Scope) -> FieldInfo | None:
    if isinstance(node, Ref):
        return scope.fields.get(node.name)
    if isinstance(node, ItemRef):
        return scope.item_fields().get(node.name)
    return None


def _check_date_literal(node: Literal) -> None:
    if not isinstance(node.value, str):
        raise ExpressionError("type_error", "date() needs a string", node.position)
    try:
        parse_date(node.value)
    except ExpressionError as error:
        raise ExpressionError("invalid_date", error.message, node.position) from None
