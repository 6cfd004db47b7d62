"""The reference client against the fake server: durable, idempotent, resumable."""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Mapping
from pathlib import Path
from uuid import UUID

import pytest

from sync import rules, uploads, version
from sync.client import Outbox, Retrier, RetriesExhausted, SyncClient, SyncRefused, full_jitter
from sync.client.outbox import OutboxError
from sync.client.transport import HttpTransport, Response
from sync.messages import Change, ChangeKind
from tests.sync.builders import PHOTO, PHOTO_REF, SUBMISSION, household, submission
from tests.sync.fake_server import TOKEN, FakeServer, FakeTransport, serve_http

SEED_7_DELAYS = [0.32383276483316237, 0.30169834784900384, 2.603737892159415, 0.5794902933403421]


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "roof.jpg"
    path.write_bytes(PHOTO)
    return path


def make_client(
    transport: object, db: Path, *, chunk: int = 1000, sleeps: list[float] | None = None
) -> SyncClient:
    retrier = Retrier(
        max_attempts=5,
        sleep=(sleeps if sleeps is not None else []).append,
        rand=random.Random(7).random,
    )
    return SyncClient(
        transport=transport,  # type: ignore[arg-type]
        outbox=Outbox(db),
        token=TOKEN,
        retrier=retrier,
        chunk_bytes=chunk,
    )


def test_push_accepts_items_and_uploads_the_photo_in_chunks(tmp_path: Path, photo: Path) -> None:
    server = FakeServer()
    client = make_client(FakeTransport(server), tmp_path / "o.db")
    client.outbox.enqueue(submission(attachments=(PHOTO_REF,)), {"roof.jpg": photo})
    client.outbox.enqueue(household(), {})
    report = client.push()
    assert report.outcomes == {"accepted": 2}
    assert report.uploaded == 1
    assert bytes(server.store.blobs[(SUBMISSION, "roof.jpg")]) == PHOTO
    assert client.outbox.item_states() == {
        str(SUBMISSION): "sent",
        str(household().client_uuid): "sent",
    }
    assert client.outbox.attachment_states() == {(str(SUBMISSION), "roof.jpg"): "sent"}
    puts = [r[2] for r in server.requests if r[0] == "PUT"]
    assert puts == [
        f"bytes {s}-{min(s + 999, len(PHOTO) - 1)}/{len(PHOTO)}" for s in range(0, len(PHOTO), 1000)
    ]


def test_crash_between_send_and_ack_resends_as_duplicate_and_stores_once(tmp_path: Path) -> None:
    server = FakeServer()
    db = tmp_path / "o.db"
    crashing = make_client(FakeTransport(server, faults=["crash"]), db)
    crashing.outbox.enqueue(submission(), {})
    with pytest.raises(KeyboardInterrupt):
        crashing.push()
    assert Outbox(db).item_states() == {str(SUBMISSION): "sending"}

    restarted = make_client(FakeTransport(server), db)
    report = restarted.push()

    assert report.outcomes == {"duplicate": 1}
    assert restarted.outbox.item_states() == {str(SUBMISSION): "sent"}
    assert list(server.store.submissions) == [SUBMISSION]
    assert len(server.store.receipts) == 1


def test_lost_response_is_retried_with_backoff_and_reads_as_duplicate(tmp_path: Path) -> None:
    server = FakeServer()
    sleeps: list[float] = []
    client = make_client(FakeTransport(server, faults=["after"]), tmp_path / "o.db", sleeps=sleeps)
    client.outbox.enqueue(submission(), {})
    report = client.push()
    assert report.outcomes == {"duplicate": 1}
    assert sleeps == SEED_7_DELAYS[:1]
    assert len(server.store.submissions) == 1


def test_backoff_schedule_with_fixed_seed_is_full_jitter_doubling() -> None:
    sleeps: list[float] = []
    retrier = Retrier(max_attempts=5, sleep=sleeps.append, rand=random.Random(7).random)
    answers = iter([Response(503), Response(502), Response(500), Response(429), Response(200)])
    assert retrier.call(lambda: next(answers)).status == 200
    assert sleeps == SEED_7_DELAYS


def test_full_jitter_is_capped() -> None:
    assert full_jitter(20, base=1.0, cap=300.0, rand=lambda: 1.0) == 300.0
    assert full_jitter(3, base=0.5, cap=300.0, rand=lambda: 0.5) == 2.0


def test_retry_after_header_raises_the_delay() -> None:
    sleeps: list[float] = []
    retrier = Retrier(sleep=sleeps.append, rand=lambda: 0.0)
    answers = iter([Response(429, {"retry-after": "30"}), Response(200)])
    retrier.call(lambda: next(answers))
    assert sleeps == [30.0]


def test_retries_exhausted_leaves_items_to_resend_next_run(tmp_path: Path) -> None:
    server = FakeServer()
    client = make_client(FakeTransport(server, faults=["before"] * 5), tmp_path / "o.db")
    client.outbox.enqueue(submission(), {})
    with pytest.raises(RetriesExhausted):
        client.push()
    assert client.outbox.item_states() == {str(SUBMISSION): "sending"}
    assert server.store.submissions == {}


def test_upload_resumes_from_the_offset_head_reports(tmp_path: Path, photo: Path) -> None:
    server = FakeServer()
    client = make_client(FakeTransport(server), tmp_path / "o.db", chunk=4096)
    client.outbox.enqueue(submission(attachments=(PHOTO_REF,)), {"roof.jpg": photo})
    client.outbox.record_outcomes([])  # nothing settled yet: no upload is due
    assert client.outbox.pending_attachments() == []
    batch = client.outbox.claim_batch()
    server.handle(
        "POST",
        "/api/v1/sync/push",
        _headers(),
        json.dumps({"protocol": 1, "items": batch}).encode(),
    )
    uploads.put_chunk(
        SUBMISSION,
        "roof.jpg",
        content_range=f"bytes 0-2999/{len(PHOTO)}",
        body=PHOTO[:3000],
        store=server.store,
    )
    server.requests.clear()

    client.push()

    assert server.requests[:2] == [
        ("POST", "/api/v1/sync/push", ""),
        ("HEAD", f"/api/v1/sync/attachments/{SUBMISSION}/roof.jpg", ""),
    ]
    assert [r[2] for r in server.requests[2:]] == [
        "bytes 3000-7095/10244",
        "bytes 7096-10243/10244",
    ]
    assert bytes(server.store.blobs[(SUBMISSION, "roof.jpg")]) == PHOTO


def _headers() -> dict[str, str]:
    return {"Authorization": f"Token {TOKEN}", "X-ChungTay-Protocol": "1"}


class CorruptOnce(FakeTransport):
    """Flip one bit in the first PUT body, as a broken proxy might."""

    corrupted: bool = False

    def request(
        self, method: str, path: str, *, headers: Mapping[str, str], body: bytes | None = None
    ) -> Response:
        if method == "PUT" and body and not self.corrupted:
            self.corrupted = True
            body = bytes([body[0] ^ 1]) + body[1:]
        return super().request(method, path, headers=headers, body=body)


def test_server_sha256_mismatch_restarts_the_upload_from_zero(tmp_path: Path, photo: Path) -> None:
    server = FakeServer()
    client = make_client(CorruptOnce(server), tmp_path / "o.db", chunk=len(PHOTO))
    client.outbox.enqueue(submission(attachments=(PHOTO_REF,)), {"roof.jpg": photo})
    report = client.push()
    puts = [r[2] for r in server.requests if r[0] == "PUT"]
    assert puts == [f"bytes 0-{len(PHOTO) - 1}/{len(PHOTO)}"] * 2
    assert report.uploaded == 1
    assert bytes(server.store.blobs[(SUBMISSION, "roof.jpg")]) == PHOTO


def test_photo_changed_on_disk_after_enqueue_is_rejected_without_upload(
    tmp_path: Path, photo: Path
) -> None:
    server = FakeServer()
    client = make_client(FakeTransport(server), tmp_path / "o.db")
    client.outbox.enqueue(submission(attachments=(PHOTO_REF,)), {"roof.jpg": photo})
    photo.write_bytes(b"edited")
    report = client.push()
    assert report.failed_uploads == 1
    assert client.outbox.attachment_states() == {(str(SUBMISSION), "roof.jpg"): "rejected"}
    assert [r[0] for r in server.requests] == ["POST"]


def test_rejected_and_conflict_outcomes_are_kept_with_their_detail(tmp_path: Path) -> None:
    server = FakeServer()
    client = make_client(FakeTransport(server), tmp_path / "o.db")
    client.outbox.enqueue(submission(payload={"thu_nhap": "1"}), {})
    client.push()
    state, revision, detail = client.outbox.item_detail(SUBMISSION)
    assert (state, revision) == ("rejected", None)
    assert detail == {
        "conflict_reason": None,
        "errors": [
            {
                "path": "items[0].payload.ho_ten",
                "code": "required",
                "message_vi": "Thiếu trường bắt buộc.",
                "message_en": "This field is required.",
            }
        ],
    }


def test_same_uuid_enqueued_with_another_body_is_refused(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.db")
    assert outbox.enqueue(submission(), {}) is True
    assert outbox.enqueue(submission(), {}) is False
    with pytest.raises(OutboxError):
        outbox.enqueue(submission(payload={"ho_ten": "Khác"}), {})


def test_batches_respect_the_item_limit(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.db")
    for n in range(rules.MAX_BATCH_ITEMS + 5):
        outbox.enqueue(household(UUID(int=n + 1)), {})
    assert len(outbox.claim_batch()) == 100
    assert len(outbox.claim_batch()) == 100  # `sending` items stay claimable until settled
    assert len(outbox.claim_batch(max_bytes=400)) == 1


def test_pull_pages_and_persists_the_cursor_with_the_data(tmp_path: Path) -> None:
    server = FakeServer()
    server.store.feed = [Change(n, ChangeKind.HOUSEHOLD, f"h{n}", {"n": n}) for n in range(1, 6)]
    db = tmp_path / "o.db"
    assert make_client(FakeTransport(server), db).pull(limit=2) == 5
    server.store.feed.append(
        Change(6, ChangeKind.TOMBSTONE, "h2", {"of": "household", "reason": "moved_out"})
    )
    server.requests.clear()

    again = make_client(FakeTransport(server), db)
    assert again.pull(limit=2) == 1

    assert len(server.requests) == 1
    assert sorted(again.outbox.registry()) == [("household", f"h{n}") for n in (1, 3, 4, 5)]


def test_client_below_minimum_protocol_is_refused_with_426(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(version, "MIN_SUPPORTED_CLIENT_PROTOCOL", 2)
    monkeypatch.setattr(version, "PROTOCOL_VERSION", 2)
    client = make_client(FakeTransport(FakeServer()), tmp_path / "o.db")
    client.outbox.enqueue(submission(), {})
    with pytest.raises(SyncRefused) as caught:
        client.push()
    assert caught.value.status == 426
    assert caught.value.issues[0].code == "protocol_too_old"
    assert client.outbox.item_states() == {str(SUBMISSION): "waiting"}


def test_push_folder_cli_over_http_is_idempotent_across_runs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sync.cli import main

    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "roof.jpg").write_bytes(PHOTO)
    export = {
        "form": {"id": "phieu_b", "version": "2025.1"},
        "payload": {"ho_ten": "Hà"},
        "attachments": ["roof.jpg"],
    }
    (folder / "ho-01.json").write_text(json.dumps(export), encoding="utf-8")
    server = FakeServer()
    with serve_http(server) as url:
        args = ["push-folder", str(folder), "--server", url, "--token", TOKEN]
        first = main(args)
        first_out = json.loads(capsys.readouterr().out)
        second = main(args)
        second_out = json.loads(capsys.readouterr().out)
    assert (first, second) == (0, 0)
    assert first_out == {
        "files": 1,
        "enqueued": 1,
        "outcomes": {"accepted": 1, "duplicate": 0, "conflict": 0, "rejected": 0},
        "uploaded": 1,
        "failed_uploads": 0,
        "unsent": 0,
    }
    assert second_out["enqueued"] == 0
    assert len(server.store.submissions) == 1
    stored = next(iter(server.store.complete_blobs))
    assert hashlib.sha256(server.store.blobs[stored]).hexdigest() == PHOTO_REF.sha256


def test_http_transport_reports_unreachable_server_as_transport_error() -> None:
    from sync.client.transport import TransportError

    with serve_http(FakeServer()) as url:
        dead = url
    with pytest.raises(TransportError):
        HttpTransport(dead, timeout=2).request("GET", "/", headers={})


def test_rejected_item_can_be_corrected_under_the_same_uuid(tmp_path: Path) -> None:
    server = FakeServer()
    client = make_client(FakeTransport(server), tmp_path / "o.db")
    client.outbox.enqueue(submission(payload={"thu_nhap": "1"}), {})
    client.push()
    client.outbox.requeue(submission(), {})
    report = client.push()
    assert report.outcomes == {"accepted": 1}
    assert server.store.submissions == {SUBMISSION: dict(submission().payload)}


def test_only_rejected_items_can_be_requeued(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "o.db")
    outbox.enqueue(submission(), {})
    with pytest.raises(OutboxError):
        outbox.requeue(submission(), {})


class CaptivePortal(FakeTransport):
    """Answer 200 with a login page, as hotel and café Wi-Fi does."""

    def request(
        self, method: str, path: str, *, headers: Mapping[str, str], body: bytes | None = None
    ) -> Response:
        return Response(200, {"content-type": "text/html"}, b"<html>Dang nhap Wi-Fi</html>")


def test_captive_portal_200_is_not_taken_as_an_answer(tmp_path: Path) -> None:
    client = make_client(CaptivePortal(FakeServer()), tmp_path / "o.db")
    client.outbox.enqueue(submission(), {})
    with pytest.raises(SyncRefused) as caught:
        client.push()
    assert (caught.value.status, caught.value.issues[0].code) == (200, "invalid_json")
    assert client.outbox.item_states() == {str(SUBMISSION): "waiting"}


class PortalForUploads(FakeTransport):
    """Push reaches the server; every attachment request meets a login page with 200."""

    def request(
        self, method: str, path: str, *, headers: Mapping[str, str], body: bytes | None = None
    ) -> Response:
        if "/attachments/" in path:
            return Response(200, {"content-type": "text/html"}, b"<html>Dang nhap</html>")
        return super().request(method, path, headers=headers, body=body)


def test_captive_portal_200_to_head_and_put_leaves_the_photo_waiting(
    tmp_path: Path, photo: Path
) -> None:
    server = FakeServer()
    client = make_client(PortalForUploads(server), tmp_path / "o.db")
    client.outbox.enqueue(submission(attachments=(PHOTO_REF,)), {"roof.jpg": photo})
    report = client.push()
    assert (report.uploaded, report.failed_uploads) == (0, 1)
    assert client.outbox.attachment_states() == {(str(SUBMISSION), "roof.jpg"): "waiting"}
    assert (SUBMISSION, "roof.jpg") not in server.store.complete_blobs
    client.transport = FakeTransport(server)
    assert client.push().uploaded == 1
    assert client.outbox.attachment_states() == {(str(SUBMISSION), "roof.jpg"): "sent"}


class PortalForPuts(FakeTransport):
    """HEAD reaches the server; PUT meets a login page with 200."""

    def request(
        self, method: str, path: str, *, headers: Mapping[str, str], body: bytes | None = None
    ) -> Response:
        if method == "PUT":
            return Response(200, {"content-type": "text/html"}, b"<html>Dang nhap</html>")
        return super().request(method, path, headers=headers, body=body)


def test_a_200_to_put_without_upload_offset_is_not_taken_as_complete(
    tmp_path: Path, photo: Path
) -> None:
    client = make_client(PortalForPuts(FakeServer()), tmp_path / "o.db")
    client.outbox.enqueue(submission(attachments=(PHOTO_REF,)), {"roof.jpg": photo})
    assert client.push().failed_uploads == 1
    assert client.outbox.attachment_states() == {(str(SUBMISSION), "roof.jpg"): "waiting"}


class HoldsLastChunkUnchecked(FakeTransport):
    """An older server: the last chunk is stored but not checked, and 409 reports the size."""

    def request(
        self, method: str, path: str, *, headers: Mapping[str, str], body: bytes | None = None
    ) -> Response:
        if method == "PUT" and headers["Content-Range"].endswith(f"-{len(PHOTO) - 1}/{len(PHOTO)}"):
            self.server.store.blobs[(SUBMISSION, "roof.jpg")].extend(body or b"")
            size = str(len(PHOTO))
            return Response(409, {"upload-offset": size, "upload-length": size}, b"{}")
        return super().request(method, path, headers=headers, body=body)


def test_a_409_at_the_full_size_is_settled_by_head(tmp_path: Path, photo: Path) -> None:
    server = FakeServer()
    client = make_client(HoldsLastChunkUnchecked(server), tmp_path / "o.db", chunk=4096)
    client.outbox.enqueue(submission(attachments=(PHOTO_REF,)), {"roof.jpg": photo})
    assert client.push().uploaded == 1
    assert [r[0] for r in server.requests[-2:]] == ["PUT", "HEAD"]
    assert (SUBMISSION, "roof.jpg") in server.store.complete_blobs
    assert client.outbox.attachment_states() == {(str(SUBMISSION), "roof.jpg"): "sent"}


class FinishedElsewhere(FakeTransport):
    """Another copy of the last PUT finishes the photo; this one answers 422 `empty`."""

    def request(
        self, method: str, path: str, *, headers: Mapping[str, str], body: bytes | None = None
    ) -> Response:
        answer = super().request(method, path, headers=headers, body=body)
        if answer.status == 201:
            issue = {"path": "body", "code": "empty", "message_vi": "", "message_en": ""}
            error = {"error": {"status": 422, "issues": [issue]}}
            return Response(422, {"upload-offset": "0"}, json.dumps(error).encode())
        return answer


def test_a_422_for_a_photo_another_request_finished_ends_as_sent(
    tmp_path: Path, photo: Path
) -> None:
    server = FakeServer()
    client = make_client(FinishedElsewhere(server), tmp_path / "o.db", chunk=len(PHOTO))
    client.outbox.enqueue(submission(attachments=(PHOTO_REF,)), {"roof.jpg": photo})
    assert client.push().uploaded == 1
    assert [r[0] for r in server.requests if r[0] != "POST"] == ["HEAD", "PUT", "HEAD"]
    assert client.outbox.attachment_states() == {(str(SUBMISSION), "roof.jpg"): "sent"}


def test_an_image_refusal_rejects_the_photo_without_resending_it(
    tmp_path: Path, photo: Path
) -> None:
    server = FakeServer()
    server.store.bad_images.add("roof.jpg")
    client = make_client(FakeTransport(server), tmp_path / "o.db", chunk=len(PHOTO))
    client.outbox.enqueue(submission(attachments=(PHOTO_REF,)), {"roof.jpg": photo})
    assert client.push().failed_uploads == 1
    assert [r[0] for r in server.requests if r[0] != "POST"] == ["HEAD", "PUT", "HEAD"]
    assert client.outbox.attachment_states() == {(str(SUBMISSION), "roof.jpg"): "rejected"}
