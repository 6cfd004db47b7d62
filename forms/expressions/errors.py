"""Errors raised while parsing, checking or evaluating expressions."""

from __future__ import annotations

from typing import Final

ERROR_CODES: Final = frozenset(
    {
        # Load time (parse and static check).
        "syntax",
        "unknown_reference",
        "unknown_function",
        "arity",
        "scope",
        "forward_reference",
        "unknown_choice",
        "invalid_date",
        "type_error",
        # Evaluation time.
        "division_by_zero",
        "overflow",
    }
)
"""Stable error codes; EXPRESSIONS.md §8 defines each, the JavaScript port uses the same."""


class ExpressionError(Exception):
    """An expression is malformed, refers to something it may not, or cannot be evaluated."""

    def __init__(self, code: str, message: str, position: int | None = None) -> None:
        assert code in ERROR_CODES, code  # noqa: S101 - programming error, not input
        super().__init__(message)
        self.code = code
        self.message = message
        self.position = position

    def __str__(self) -> str:
        where = "" if self.position is None else f" (at offset {self.position})"
        return f"{self.code}: {self.message}{where}"
