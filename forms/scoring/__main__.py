"""Command line: household facts as JSON Lines on stdin, one assessment per line on stdout.

Usage: python -m forms.scoring [--ruleset ID] < households.jsonl > assessments.jsonl

A bad line is reported on stderr with its line number and field path and does not stop the
good ones; the exit status is 1 if any line was bad, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Iterable
from decimal import Decimal
from typing import TextIO

from forms.scoring.decode import FactsError, facts_from_dict
from forms.scoring.encode import assessment_to_dict
from forms.scoring.engine import score
from forms.scoring.ruleset import Ruleset, RulesetError, list_rulesets, load_ruleset


def main(argv: list[str] | None = None) -> int:
    """Run the CLI; return the process exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m forms.scoring", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--ruleset", help=f"ruleset id, one of: {', '.join(list_rulesets())}")
    args = parser.parse_args(argv)
    try:
        ruleset = load_ruleset(args.ruleset) if args.ruleset else None
    except RulesetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    # Input and output are UTF-8 whatever the locale: names are Vietnamese.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(encoding="utf-8")
    bad = run(sys.stdin.buffer, sys.stdout, sys.stderr, ruleset)
    return 1 if bad else 0


def run(lines: Iterable[bytes], out: TextIO, err: TextIO, ruleset: Ruleset | None) -> int:
    """Score every non-blank line; return how many lines were bad."""
    bad = 0
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            problems = [("", "encoding", "line is not valid UTF-8")]
        else:
            problems = _score_line(line, out, ruleset)
        for path, code, message in problems:
            print(f"line {number}: {path or '<root>'}: {code}: {message}", file=err)
        bad += bool(problems)
    return bad


def _score_line(line: str, out: TextIO, ruleset: Ruleset | None) -> list[tuple[str, str, str]]:
    try:
        data = json.loads(line, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        return [("", "json", f"invalid JSON: {exc.msg} at column {exc.colno}")]
    try:
        assessment = score(facts_from_dict(data), ruleset=ruleset)
    except FactsError as exc:
        return [(p.path, p.code, p.message_en) for p in exc.problems]
    except RulesetError as exc:
        return [("review_year", "no_ruleset", str(exc))]
    out.write(json.dumps(assessment_to_dict(assessment), ensure_ascii=False) + "\n")
    return []


if __name__ == "__main__":
    sys.exit(main())
