"""Every JSON example in sync/PROTOCOL.md is sent to the real server or decoded by the codec.

A push request (an object with `protocol` and `items` whose entries have a `kind`) is
sent in document order by a volunteer covering village 90001001; the next example is its
exact answer: a push result (200) or an error body (its `status`). Any other example must
decode with the reference codec, and an error body must use catalogued issues.
"""

import json
import re
from pathlib import Path

import pytest

from server.accounts.models import Role
from server.surveys.services import publish_shipped_forms
from sync import codec
from sync.errors import MESSAGES
from sync.fields import parse_json
from tests.server.conftest import client_for
from tests.server.sync_api.helpers import HEADERS, PUSH

PROTOCOL = Path(__file__).resolve().parents[3] / "sync/PROTOCOL.md"
_BLOCK = re.compile(r"^```json\n(.*?)^```", re.S | re.M)


def examples() -> list[tuple[int, str]]:
    """(line number, text) of every fenced json block, in document order."""
    text = PROTOCOL.read_text(encoding="utf-8")
    return [(text[: m.start()].count("\n") + 1, m.group(1)) for m in _BLOCK.finditer(text)]


def _is_push_request(value: object) -> bool:
    items = value.get("items") if isinstance(value, dict) else None
    return (
        isinstance(items, list)
        and "protocol" in value
        and all(isinstance(i, dict) and "outcome" not in i for i in items)
        and any(isinstance(i, dict) and "kind" in i for i in items)
    )


def _check_alone(line: int, value: object) -> None:
    """An example that is not an answer to a request above it: it must decode."""
    assert isinstance(value, dict), f"line {line}: an example is a JSON object"
    if "error" in value:
        for found in value["error"]["issues"]:
            vi, en = MESSAGES[found["code"]]
            if "{" not in vi:  # parametrised messages depend on the values
                assert (found["message_vi"], found["message_en"]) == (vi, en), line
    elif "changes" in value:
        codec.decode_pull_page(value)
    elif "items" in value:
        codec.decode_push_result(value)
    else:
        pytest.fail(f"PROTOCOL.md line {line}: example of an unknown shape")


def test_protocol_md_has_the_examples_this_test_expects():
    blocks = examples()
    assert len(blocks) >= 6
    for line, text in blocks:
        assert "…" not in text, f"line {line}: an example must be complete, not elided"
        parse_json(text.encode())  # strict: no repeated keys, no NaN, valid UTF-8


def test_every_protocol_example_gets_the_documented_answer(personas, tree):
    publish_shipped_forms()
    phone = client_for(personas[Role.VOLUNTEER])
    blocks = [(line, parse_json(text.encode())) for line, text in examples()]
    sent = 0
    index = 0
    while index < len(blocks):
        line, value = blocks[index]
        if not _is_push_request(value):
            _check_alone(line, value)
            index += 1
            continue
        assert index + 1 < len(blocks), f"line {line}: a request needs its answer next"
        answer_line, answer = blocks[index + 1]
        body = json.dumps(value, ensure_ascii=False).encode()
        response = phone.generic("POST", PUSH, body, content_type="application/json", **HEADERS)
        status = answer["error"]["status"] if "error" in answer else 200
        assert (response.status_code, response.json()) == (status, answer), (
            f"PROTOCOL.md line {line}: the answer differs from line {answer_line}"
        )
        sent += 1
        index += 2
    assert sent >= 3
