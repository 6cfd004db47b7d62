"""Tokenizer for the expression language (EXPRESSIONS.md §2)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from forms.expressions.errors import ExpressionError

NAME_PATTERN: Final = r"[A-Za-z_][A-Za-z0-9_]*"
KEYWORDS: Final = frozenset({"and", "or", "not", "true", "false", "null"})

# Order matters: two-character operators before their one-character prefixes.
_TOKEN_RE: Final = re.compile(
    rf"""
    (?P<ws>[ \t\r\n]+)
  | (?P<ref>\$\{{(?P<dot>\.)?(?P<refname>{NAME_PATTERN})\}})
  | (?P<number>[0-9]+(?:\.[0-9]+)?)
  | (?P<string>'[^']*'|"[^"]*")
  | (?P<name>{NAME_PATTERN})
  | (?P<op><=|>=|!=|[=<>+\-*/(),])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical token; `kind` is ref, item_ref, number, string, name, keyword, op or end."""

    kind: str
    text: str
    position: int


def tokenize(source: str) -> list[Token]:
    """Split `source` into tokens, ending with an `end` token."""
    tokens: list[Token] = []
    position = 0
    while position < len(source):
        match = _TOKEN_RE.match(source, position)
        if match is None:
            raise ExpressionError("syntax", f"unexpected character {source[position]!r}", position)
        token = _token_from_match(match, position)
        if token is not None:
            tokens.append(token)
        position = match.end()
    tokens.append(Token("end", "", len(source)))
    return tokens


def _token_from_match(match: re.Match[str], position: int) -> Token | None:
    """Build the token for one regex match; whitespace yields None."""
    group = match.lastgroup
    if group == "ws":
        return None
    if group == "ref":
        kind = "item_ref" if match.group("dot") else "ref"
        return Token(kind, match.group("refname"), position)
    if group == "string":
        return Token("string", match.group(0)[1:-1], position)
    if group == "name":
        text = match.group(0)
        return Token("keyword" if text in KEYWORDS else "name", text, position)
    assert group is not None  # noqa: S101 - every alternative is a named group
    return Token(group, match.group(0), position)
