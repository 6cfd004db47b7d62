"""Opaque pull cursors: a server-assigned sequence number and an area fingerprint.

Cursors are server sequence numbers, never timestamps: phone clocks are wrong often
enough that ordering by device time loses changes. The encoding is opaque to clients
so the server may change it in a later protocol version.
"""

from __future__ import annotations

import base64
import binascii
import re

from sync.errors import DecodeError, issue
from sync.messages import Cursor

_PREFIX = "c1."
_PLAIN = re.compile(r"([0-9]{1,16}):([A-Za-z0-9_-]{0,64})")
START = Cursor(seq=0, scope="")


def encode_cursor(cursor: Cursor) -> str:
    """Return the opaque string form, e.g. ``c1.NDI6YXJlYS03`` for seq 42 in scope area-7."""
    plain = f"{cursor.seq}:{cursor.scope}".encode("ascii")
    return _PREFIX + base64.urlsafe_b64encode(plain).decode("ascii").rstrip("=")


def decode_cursor(text: str | None) -> Cursor:
    """Parse a cursor from the `cursor` query parameter; absent or empty means START."""
    if text is None or text == "":
        return START
    if not text.startswith(_PREFIX) or len(text) > 200:
        raise DecodeError([issue("cursor", "invalid_cursor")])
    match = _PLAIN.fullmatch(_unbase64(text[len(_PREFIX) :]))
    if match is None:
        raise DecodeError([issue("cursor", "invalid_cursor")])
    return Cursor(seq=int(match.group(1)), scope=match.group(2))


def _unbase64(body: str) -> str:
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return raw.decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""


def is_scope_key(text: str) -> bool:
    """Return True for scope fingerprints a cursor can carry ([A-Za-z0-9_-], ≤ 64)."""
    return re.fullmatch(r"[A-Za-z0-9_-]{0,64}", text) is not None
