"""Recursive-descent parser: tokens to AST (grammar in EXPRESSIONS.md §3)."""

from __future__ import annotations

from decimal import Decimal
from typing import Final

from forms.expressions.ast import Binary, Call, ItemRef, Literal, Node, Ref, Unary
from forms.expressions.errors import ExpressionError
from forms.expressions.lexer import Token, tokenize
from forms.expressions.values import MAX_INTEGER

COMPARISONS: Final = frozenset({"=", "!=", "<", "<=", ">", ">="})
_KEYWORD_LITERALS: Final[dict[str, None | bool]] = {"true": True, "false": False, "null": None}
MAX_LENGTH: Final = 2000
"""Longest accepted source text; keeps recursion depth bounded on hostile input."""


def parse(source: str) -> Node:
    """Parse one expression; raise ExpressionError(code='syntax') when malformed."""
    if len(source) > MAX_LENGTH:
        raise ExpressionError("syntax", f"expression longer than {MAX_LENGTH} characters", 0)
    parser = _Parser(tokenize(source))
    node = parser.expression()
    parser.expect_end()
    return node


class _Parser:
    """Cursor over a token list with one method per precedence level."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.index = 0
        self.depth = 0

    def peek(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def at(self, kind: str, text: str) -> bool:
        token = self.peek()
        return token.kind == kind and token.text == text

    def expect_op(self, text: str) -> Token:
        if not self.at("op", text):
            raise self.error(f"expected {text!r}")
        return self.advance()

    def expect_end(self) -> None:
        if self.peek().kind != "end":
            raise self.error("unexpected token after the end of the expression")

    def error(self, message: str) -> ExpressionError:
        token = self.peek()
        found = "end of expression" if token.kind == "end" else repr(token.text)
        return ExpressionError("syntax", f"{message}, found {found}", token.position)

    def expression(self) -> Node:
        self.depth += 1
        if self.depth > 100:
            raise self.error("expression nested too deeply")
        node = self.or_expr()
        self.depth -= 1
        return node

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.at("keyword", "or"):
            position = self.advance().position
            node = Binary("or", node, self.and_expr(), position)
        return node

    def and_expr(self) -> Node:
        node = self.not_expr()
        while self.at("keyword", "and"):
            position = self.advance().position
            node = Binary("and", node, self.not_expr(), position)
        return node

    def not_expr(self) -> Node:
        if self.at("keyword", "not"):
            position = self.advance().position
            return Unary("not", self.not_expr(), position)
        return self.comparison()

    def comparison(self) -> Node:
        node = self.additive()
        token = self.peek()
        if token.kind == "op" and token.text in COMPARISONS:
            self.advance()
            node = Binary(token.text, node, self.additive(), token.position)
            following = self.peek()
            if following.kind == "op" and following.text in COMPARISONS:
                raise self.error("comparisons cannot be chained; combine them with 'and'")
        return node

    def additive(self) -> Node:
        node = self.multiplicative()
        while self.peek().kind == "op" and self.peek().text in ("+", "-"):
            token = self.advance()
            node = Binary(token.text, node, self.multiplicative(), token.position)
        return node

    def multiplicative(self) -> Node:
        node = self.unary()
        while self.peek().kind == "op" and self.peek().text in ("*", "/"):
            token = self.advance()
            node = Binary(token.text, node, self.unary(), token.position)
        return node

    def unary(self) -> Node:
        if self.at("op", "-"):
            position = self.advance().position
            return Unary("-", self.unary(), position)
        return self.primary()

    def primary(self) -> Node:
        token = self.peek()
        if token.kind in ("number", "string", "keyword", "ref", "item_ref", "name"):
            return self.atom(token)
        if self.at("op", "("):
            self.advance()
            node = self.expression()
            self.expect_op(")")
            return node
        raise self.error("expected a value")

    def atom(self, token: Token) -> Node:
        if token.kind == "keyword":
            if token.text not in _KEYWORD_LITERALS:
                raise self.error("expected a value")
            self.advance()
            return Literal(_KEYWORD_LITERALS[token.text], token.position)
        self.advance()
        if token.kind == "number":
            return Literal(_number(token), token.position)
        if token.kind == "string":
            return Literal(token.text, token.position)
        if token.kind == "ref":
            return Ref(token.text, token.position)
        if token.kind == "item_ref":
            return ItemRef(token.text, token.position)
        return self.call(token)

    def call(self, name: Token) -> Node:
        self.expect_op("(")
        args: list[Node] = []
        if not self.at("op", ")"):
            args.append(self.expression())
            while self.at("op", ","):
                self.advance()
                args.append(self.expression())
        self.expect_op(")")
        return Call(name.text, tuple(args), name.position)


def _number(token: Token) -> int | Decimal:
    """Integer literals have no dot; anything with a dot is a decimal."""
    if "." in token.text:
        return Decimal(token.text)
    value = int(token.text)
    if value > MAX_INTEGER:
        raise ExpressionError("overflow", f"integer literal exceeds {MAX_INTEGER}", token.position)
    return value
