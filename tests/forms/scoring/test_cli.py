"""The command line gives the same answers as the library, and survives bad lines."""

from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

from forms.scoring import assessment_to_dict, facts_from_dict, score
from tests.forms.scoring.test_conformance import CASES

ROOT = Path(__file__).resolve().parents[3]


def _cli(stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "forms.scoring", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )


def _good_cases() -> list[dict[str, Any]]:
    cases = [json.loads(p.read_text(encoding="utf-8")) for p in CASES]
    return [c for c in cases if "error" not in c["expected"] and "ruleset" not in c]


def test_cli_matches_library_on_every_golden_case() -> None:
    cases = _good_cases()
    stdin = "".join(json.dumps(c["facts"], ensure_ascii=False) + "\n" for c in cases)
    result = _cli(stdin)
    assert result.returncode == 0, result.stderr
    got = [json.loads(line) for line in result.stdout.splitlines()]
    want = [
        json.loads(
            json.dumps(
                assessment_to_dict(
                    score(facts_from_dict(json.loads(json.dumps(c["facts"]), parse_float=Decimal)))
                )
            )
        )
        for c in cases
    ]
    assert got == want


def test_cli_ruleset_option() -> None:
    case = json.loads(
        (ROOT / "forms/conformance/scoring/dn_rural_at_local_line_d2_poor.json").read_text()
    )
    result = _cli(json.dumps(case["facts"]) + "\n", "--ruleset", "vn-75-2022-2025")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["class"] == "POOR"


def test_bad_lines_are_reported_and_do_not_stop_good_ones() -> None:
    good = json.dumps(_good_cases()[0]["facts"])
    bad = json.dumps(
        {"facts_version": 1, "review_year": 2024, "members": [{"birth_year": "1980a"}]}
    )
    result = _cli("\n".join([good, "{not json", bad, "", good]) + "\n")
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 2
    assert result.stderr.splitlines() == [
        "line 2: <root>: json: invalid JSON: Expecting property name enclosed in double quotes at column 2",
        "line 3: members[0].birth_year: type: must be an integer",
    ]


def test_unknown_ruleset_is_a_usage_error() -> None:
    result = _cli("", "--ruleset", "nope")
    assert result.returncode == 2
    assert "unknown ruleset" in result.stderr
    assert result.stdout == ""


def test_invalid_utf8_line_is_reported_and_output_stays_utf8_under_c_locale() -> None:
    """A byte-level problem spoils one line only; Vietnamese names survive a C locale."""
    good = json.dumps(_good_cases()[0]["facts"], ensure_ascii=False).encode("utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "forms.scoring"],
        input=b'{"name": "\xff"}\n' + good + b"\n",
        capture_output=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "LANG": "C", "LC_ALL": "C"},
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.decode("utf-8").splitlines() == [
        "line 1: <root>: encoding: line is not valid UTF-8"
    ]
    assert (
        "Nghèo" in json.loads(result.stdout.decode("utf-8"))["decision"]["text_vi"] or result.stdout
    )
