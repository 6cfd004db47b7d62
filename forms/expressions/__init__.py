"""The form expression language: tokenizer, parser, static checker and evaluator.

The language is specified in forms/EXPRESSIONS.md; forms/conformance/expressions/ pins
its behaviour for every implementation (this one and the volunteer app's JavaScript port).
"""

from __future__ import annotations

from dataclasses import dataclass

from forms.expressions.ast import Node, Ref, walk
from forms.expressions.checker import FieldInfo, Scope, check
from forms.expressions.errors import ExpressionError
from forms.expressions.evaluator import Env, evaluate, evaluate_condition
from forms.expressions.parser import parse
from forms.expressions.values import GeoPoint, Item, Scalar, Value

__all__ = [
    "Env",
    "Expression",
    "ExpressionError",
    "FieldInfo",
    "GeoPoint",
    "Item",
    "Scalar",
    "Scope",
    "Value",
    "compile_expression",
    "evaluate",
    "evaluate_condition",
]


@dataclass(frozen=True, slots=True)
class Expression:
    """A parsed and checked expression with its source text (kept for export and display)."""

    source: str
    node: Node

    def references(self) -> frozenset[str]:
        """Top-level ids this expression reads (repeats included)."""
        return frozenset(n.name for n in walk(self.node) if isinstance(n, Ref))


def compile_expression(source: str, scope: Scope) -> Expression:
    """Parse and statically check `source` in `scope`; raise ExpressionError on a fault."""
    node = parse(source)
    check(node, scope)
    return Expression(source, node)
