"""Abstract syntax tree of the expression language.

Nodes are frozen, so a parsed expression can be shared by every validation run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

LiteralValue = None | bool | int | Decimal | str | date


@dataclass(frozen=True, slots=True)
class Literal:
    """A constant: null, true/false, an integer, a decimal or a string."""

    value: LiteralValue
    position: int


@dataclass(frozen=True, slots=True)
class Ref:
    """`${name}`: a question outside any repeat, or a whole repeat inside an aggregate."""

    name: str
    position: int


@dataclass(frozen=True, slots=True)
class ItemRef:
    """`${.name}`: a question of the current repeat item."""

    name: str
    position: int


@dataclass(frozen=True, slots=True)
class Unary:
    """`not x` or `-x`."""

    op: str
    operand: Node
    position: int


@dataclass(frozen=True, slots=True)
class Binary:
    """An arithmetic, comparison or logical operator applied to two operands."""

    op: str
    left: Node
    right: Node
    position: int


@dataclass(frozen=True, slots=True)
class Call:
    """A function call such as `selected(${x}, 'a')` or `count(${members})`."""

    name: str
    args: tuple[Node, ...]
    position: int


Node = Literal | Ref | ItemRef | Unary | Binary | Call


def walk(node: Node) -> list[Node]:
    """Return `node` and all its descendants, parents before children."""
    found: list[Node] = [node]
    if isinstance(node, Unary):
        found += walk(node.operand)
    elif isinstance(node, Binary):
        found += walk(node.left) + walk(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            found += walk(arg)
    return found
