"""A JSON parser that refuses deep nesting before the decoder can recurse on it."""

import io
import re
from collections.abc import Mapping
from typing import IO, Any

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_JSON_DEPTH = 64
"""No request body of this API nests more than a few levels; 64 leaves ample room."""

_SPECIAL = re.compile(rb'["\[\]{}]')
# The rest of a string after its opening quote; linear, with no backtracking blow-up.
_STRING_TAIL = re.compile(rb'[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


def exceeds_depth(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether a JSON text nests arrays/objects deeper than `limit`, brackets in strings aside.

    Stops at the first level past the limit, so `[` × 100,000 costs 65 steps. Text that
    is malformed in other ways is left to the decoder, which reports it.
    """
    depth, position = 0, 0
    while (found := _SPECIAL.search(raw, position)) is not None:
        char = found.group()
        if char == b'"':
            tail = _STRING_TAIL.match(raw, found.end())
            if tail is None:
                return False
            position = tail.end()
            continue
        depth += 1 if char in b"[{" else -1
        if depth > limit:
            return True
        position = found.end()
    return False


class BoundedJSONParser(JSONParser):
    """DRF's JSON parser, except that deep nesting is a 400 parse error, never a 500."""

    def parse(
        self,
        stream: IO[bytes] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        raw = stream.read() if stream is not None else b""
        if exceeds_depth(raw):
            raise ParseError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels.")
        try:
            return super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError:
            # The byte scan assumes an ASCII-compatible charset; a UTF-16 body can slip past it.
            raise ParseError("JSON nested too deeply.") from None
