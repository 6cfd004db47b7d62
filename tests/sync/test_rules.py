"""Pure rules: receipts, staleness, limits, cursors, versions and Content-Range."""

from __future__ import annotations

import pytest

from sync import cursor, rules, version
from sync.errors import AttachmentTooLarge, BatchTooLarge, DecodeError, ProtocolTooOld
from sync.messages import Cursor, Outcome
from sync.rules import ChunkVerdict, ContentRange


@pytest.mark.parametrize(
    ("created", "stored", "incoming", "expected"),
    [
        (True, "a", "a", Outcome.ACCEPTED),
        (False, "a", "a", Outcome.DUPLICATE),
        (False, "a", "b", Outcome.CONFLICT),
    ],
)
def test_classify_receipt(created: bool, stored: str, incoming: str, expected: Outcome) -> None:
    assert (
        rules.classify_receipt(created=created, stored_sha256=stored, incoming_sha256=incoming)
        is expected
    )


def test_any_revision_difference_is_stale() -> None:
    assert rules.is_stale(base_revision=3, current_revision=3) is False
    assert rules.is_stale(base_revision=2, current_revision=3) is True
    assert rules.is_stale(base_revision=4, current_revision=3) is True


def test_batch_byte_limit_allows_exactly_the_limit() -> None:
    rules.check_batch_bytes(rules.MAX_BATCH_BYTES)
    with pytest.raises(BatchTooLarge):
        rules.check_batch_bytes(rules.MAX_BATCH_BYTES + 1)


def test_batch_item_limit_allows_exactly_100() -> None:
    rules.check_batch_items(100)
    with pytest.raises(BatchTooLarge):
        rules.check_batch_items(101)


@pytest.mark.parametrize(
    ("raw", "expected"), [(None, 200), ("", 200), ("1", 1), ("500", 500), ("9999", 500)]
)
def test_pull_limit_defaults_and_is_clamped(raw: str | None, expected: int) -> None:
    assert rules.clamp_pull_limit(raw) == expected


@pytest.mark.parametrize("raw", ["0", "-1", "1.5", "abc", "１"])
def test_pull_limit_refuses_non_positive_or_non_ascii(raw: str) -> None:
    with pytest.raises(DecodeError):
        rules.clamp_pull_limit(raw)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("bytes 0-0/1", ContentRange(0, 0, 1)),
        ("bytes 0-99/100", ContentRange(0, 99, 100)),
        ("bytes 100-199/1000", ContentRange(100, 199, 1000)),
    ],
)
def test_content_range_parses(header: str, expected: ContentRange) -> None:
    assert rules.parse_content_range(header) == expected


@pytest.mark.parametrize(
    "header",
    [
        "bytes 5-4/10",  # end before start
        "bytes 0-10/10",  # end at total
        "bytes */10",  # unsatisfied-range form is for responses
        "bytes 0-9/*",  # unknown total
        "bytes=0-9/10",
        "bytes  0-9/10",
        "Bytes 0-9/10",
        "bytes 0-9/10 ",
        "bytes -1-9/10",
        "bytes 0-9/1000000000000",  # 13 digits
        "",
    ],
)
def test_content_range_refuses_malformed_headers(header: str) -> None:
    with pytest.raises(DecodeError) as caught:
        rules.parse_content_range(header)
    assert caught.value.issues[0].code == "content_range_invalid"


def test_content_range_header_is_inclusive() -> None:
    assert rules.content_range_header(start=10, length=5, total=100) == "bytes 10-14/100"


@pytest.mark.parametrize(
    ("received", "complete", "rng", "body", "expected"),
    [
        (0, False, ContentRange(0, 9, 100), 10, ChunkVerdict.APPEND),
        (10, False, ContentRange(10, 99, 100), 90, ChunkVerdict.APPEND),
        (10, False, ContentRange(0, 9, 100), 10, ChunkVerdict.OFFSET_MISMATCH),
        (0, False, ContentRange(0, 9, 100), 9, ChunkVerdict.LENGTH_MISMATCH),
        (0, False, ContentRange(0, 9, 99), 10, ChunkVerdict.SIZE_MISMATCH),
        (100, True, ContentRange(0, 9, 100), 10, ChunkVerdict.ALREADY_COMPLETE),
        (0, False, ContentRange(0, 9, rules.MAX_ATTACHMENT_BYTES + 1), 10, ChunkVerdict.TOO_LARGE),
    ],
)
def test_judge_chunk(
    received: int, complete: bool, rng: ContentRange, body: int, expected: ChunkVerdict
) -> None:
    verdict = rules.judge_chunk(
        declared_size=100, received=received, complete=complete, rng=rng, body_length=body
    )
    assert verdict is expected


def test_cursor_round_trips_and_is_opaque() -> None:
    text = cursor.encode_cursor(Cursor(seq=42, scope="area-7"))
    assert text == "c1.NDI6YXJlYS03"
    assert cursor.decode_cursor(text) == Cursor(seq=42, scope="area-7")


@pytest.mark.parametrize("text", ["42", "c1.", "c1.@@@", "c2.NDI6YXJlYS03", "c1.LTE6YQ"])
def test_cursor_refuses_anything_it_did_not_issue(text: str) -> None:
    with pytest.raises(DecodeError):
        cursor.decode_cursor(text)


def test_absent_cursor_means_start() -> None:
    assert cursor.decode_cursor(None) == Cursor(seq=0, scope="")


def test_protocol_header_is_accepted_at_current_version() -> None:
    assert version.check_client_protocol("1") == 1
    assert version.check_client_protocol("1", body_version=1) == 1


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "protocol_missing"),
        ("", "protocol_missing"),
        ("v1", "wrong_type"),
        ("2", "protocol_too_new"),
    ],
)
def test_protocol_header_faults_are_400(header: str | None, code: str) -> None:
    with pytest.raises(DecodeError) as caught:
        version.check_client_protocol(header)
    assert caught.value.http_status == 400
    assert caught.value.issues[0].code == code


def test_header_and_body_versions_must_agree() -> None:
    with pytest.raises(DecodeError) as caught:
        version.check_client_protocol("1", body_version=2)
    assert caught.value.issues[0].code == "protocol_mismatch"


def test_client_below_minimum_gets_426_with_update_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(version, "MIN_SUPPORTED_CLIENT_PROTOCOL", 2)
    monkeypatch.setattr(version, "PROTOCOL_VERSION", 3)
    with pytest.raises(ProtocolTooOld) as caught:
        version.check_client_protocol("1")
    assert caught.value.http_status == 426
    assert caught.value.issues[0].message_en == (
        "The app is too old (protocol 1); update it to one that speaks protocol 2 or newer."
    )


def test_upload_body_limit_allows_exactly_one_attachment() -> None:
    rules.check_upload_bytes(rules.MAX_ATTACHMENT_BYTES)
    with pytest.raises(AttachmentTooLarge) as caught:
        rules.check_upload_bytes(rules.MAX_ATTACHMENT_BYTES + 1)
    assert caught.value.http_status == 413
