"""Tokenizer, parser, static checker and evaluator details not covered by conformance files."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from forms.expressions import (
    Env,
    ExpressionError,
    FieldInfo,
    Scope,
    compile_expression,
    evaluate,
    evaluate_condition,
)
from forms.expressions.ast import Binary, Call, ItemRef, Literal, Ref, Unary
from forms.expressions.lexer import tokenize
from forms.expressions.parser import parse
from forms.expressions.values import divide

SCOPE = Scope(
    fields={
        "a": FieldInfo("integer"),
        "d": FieldInfo("date"),
        "members": FieldInfo("repeat", members={"age": FieldInfo("integer")}),
    },
    member_ids=frozenset({"age"}),
)


def test_tokenizer_reads_references_item_references_and_operators() -> None:
    kinds = [(t.kind, t.text) for t in tokenize("${a}<=${.b}")]
    assert kinds == [("ref", "a"), ("op", "<="), ("item_ref", "b"), ("end", "")]


def test_tokenizer_reports_the_offset_of_a_bad_character() -> None:
    with pytest.raises(ExpressionError) as caught:
        tokenize("1 + #")
    assert (caught.value.code, caught.value.position) == ("syntax", 4)


def test_parser_builds_precedence_into_the_tree() -> None:
    node = parse("not ${a} + 1 * 2 > 3 or true")
    assert isinstance(node, Binary)
    assert node.op == "or"
    assert isinstance(node.left, Unary)
    assert node.left.op == "not"
    comparison = node.left.operand
    assert isinstance(comparison, Binary)
    assert comparison.op == ">"
    assert isinstance(comparison.left, Binary)
    assert comparison.left.op == "+"


def test_parser_reads_calls_with_item_references() -> None:
    node = parse("count(${members}, ${.age} >= 60)")
    assert isinstance(node, Call)
    assert node.name == "count"
    assert node.args[0] == Ref("members", 6)
    inner = node.args[1]
    assert isinstance(inner, Binary)
    assert inner.left == ItemRef("age", 18)


def test_number_literals_keep_integer_and_decimal_apart() -> None:
    assert parse("12") == Literal(12, 0)
    assert parse("12.0") == Literal(Decimal("12.0"), 0)


def test_syntax_error_reports_position_of_unexpected_token() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("(1 + 2")
    assert (caught.value.code, caught.value.position) == ("syntax", 6)


def test_overlong_expression_is_refused() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("1 + " * 600 + "1")
    assert caught.value.code == "syntax"


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("(" * 150 + "1" + ")" * 150)
    assert caught.value.code == "syntax"


def test_compiled_expression_lists_its_top_level_references() -> None:
    expression = compile_expression("count(${members}, ${.age} > ${a})", SCOPE)
    assert expression.references() == frozenset({"members", "a"})


def test_forward_reference_is_refused_when_scope_limits_earlier_ids() -> None:
    scope = Scope(fields=SCOPE.fields, earlier=frozenset({"d"}), member_ids=SCOPE.member_ids)
    with pytest.raises(ExpressionError) as caught:
        compile_expression("${a} > 1", scope)
    assert caught.value.code == "forward_reference"


def test_condition_must_be_boolean_or_null() -> None:
    with pytest.raises(ExpressionError) as caught:
        evaluate_condition(parse("1 + 1"), Env({}))
    assert caught.value.code == "type_error"


def test_condition_may_be_null() -> None:
    assert evaluate_condition(parse("${a} > 1"), Env({})) is None


def test_item_reference_without_an_item_is_a_scope_error_at_evaluation() -> None:
    with pytest.raises(ExpressionError) as caught:
        evaluate(parse("${.age}"), Env({}))
    assert caught.value.code == "scope"


def test_reference_date_comes_from_the_environment() -> None:
    env = Env({}, reference_date=date(2026, 11, 22))
    assert evaluate(parse("year(reference_date())"), env) == 2026


def test_division_is_exact_before_rounding() -> None:
    assert divide(1, 3) == Decimal("0.333333")
    assert divide(Decimal("2.5"), Decimal("0.5")) == Decimal("5")
    assert divide(-1, 8) == Decimal("-0.125")


def test_decimal_product_keeps_every_digit() -> None:
    value = evaluate(parse("123456789.123456789 * 1000000000"), Env({}))
    assert value == Decimal("123456789123456789")


def test_decimal_with_too_many_digits_overflows() -> None:
    with pytest.raises(ExpressionError) as caught:
        evaluate(parse("12345678901234567890.123456789 * 12345678901234567890.5"), Env({}))
    assert caught.value.code == "overflow"
