"""Protocol version numbers and the pure decision on a client's declared version."""

from __future__ import annotations

from sync.errors import DecodeError, ProtocolTooOld, issue

PROTOCOL_VERSION = 1
"""Bump when a change is visible to clients, and describe it in sync/PROTOCOL.md."""

MIN_SUPPORTED_CLIENT_PROTOCOL = 1
"""Clients below this get HTTP 426 and must update before they can sync."""

PROTOCOL_HEADER = "X-ChungTay-Protocol"


def check_client_protocol(header: str | None, body_version: int | None = None) -> int:
    """Return the client's protocol version, or raise the refusal the server must answer.

    The header is authoritative because GET, HEAD and PUT requests have no JSON body;
    a push may repeat it in its body, and the two must then agree.
    Raises DecodeError (400) when missing, malformed, newer than this server or
    contradicted by the body, and ProtocolTooOld (426) when below the minimum.
    """
    version = _parse_header(header)
    if body_version is not None and body_version != version:
        raise DecodeError([issue("protocol", "protocol_mismatch")])
    if version < MIN_SUPPORTED_CLIENT_PROTOCOL:
        raise ProtocolTooOld(
            [
                issue(
                    PROTOCOL_HEADER,
                    "protocol_too_old",
                    client=version,
                    minimum=MIN_SUPPORTED_CLIENT_PROTOCOL,
                )
            ]
        )
    if version > PROTOCOL_VERSION:
        raise DecodeError(
            [issue(PROTOCOL_HEADER, "protocol_too_new", client=version, maximum=PROTOCOL_VERSION)]
        )
    return version


def _parse_header(header: str | None) -> int:
    """Parse a decimal version; only ASCII digits are accepted, so ' 1' or '١' fail."""
    if header is None or header == "":
        raise DecodeError([issue(PROTOCOL_HEADER, "protocol_missing")])
    if not (header.isascii() and header.isdigit()) or len(header) > 6:
        raise DecodeError([issue(PROTOCOL_HEADER, "wrong_type", expected="integer")])
    return int(header)
