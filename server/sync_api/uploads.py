"""The Django side of sync.ports.UploadStore: declared attachments of this device's items."""

from uuid import UUID

from server.accounts.models import User
from server.evidence import services
from server.evidence.models import Attachment
from server.evidence.services import ChunkReceipt, Progress
from server.sync_api.models import Receipt
from sync.errors import Issue, issue
from sync.messages import AttachmentRef
from sync.ports import ChunkOutcome, ChunkResult, UploadState

_OUTCOMES = {
    Progress.STORED: ChunkOutcome.STORED,
    Progress.COMPLETED: ChunkOutcome.COMPLETED,
    Progress.ALREADY_COMPLETE: ChunkOutcome.ALREADY_COMPLETE,
    Progress.OFFSET_MISMATCH: ChunkOutcome.OFFSET_MISMATCH,
    Progress.SHA256_MISMATCH: ChunkOutcome.REFUSED,
    Progress.IMAGE_REFUSED: ChunkOutcome.REFUSED,
}


class DjangoUploadStore:
    """Attachments may be uploaded only by the user whose item declared them."""

    def __init__(self, *, user: User) -> None:
        self.user = user

    def _declared(self, item_uuid: UUID, name: str) -> AttachmentRef | None:
        receipt = (
            Receipt.objects.filter(client_uuid=item_uuid, user=self.user)
            .exclude(outcome="")
            .first()
        )
        for ref in receipt.attachments if receipt else []:
            if ref["name"] == name:
                return AttachmentRef(name=ref["name"], sha256=ref["sha256"], size=ref["size"])
        return None

    def upload_state(self, item_uuid: UUID, name: str) -> UploadState | None:
        declared = self._declared(item_uuid, name)
        if declared is None:
            return None
        found = Attachment.objects.filter(item_uuid=item_uuid, name=name).first()
        received = found.received if found else 0
        complete = bool(found and found.complete)
        return UploadState(
            declared=declared, received=declared.size if complete else received, complete=complete
        )

    def append(self, item_uuid: UUID, name: str, *, offset: int, data: bytes) -> ChunkResult:
        declared = self._declared(item_uuid, name)
        assert declared is not None  # noqa: S101 - upload_state found the declaration first
        receipt = services.chunk_receive(
            item_uuid=item_uuid,
            name=name,
            sha256=declared.sha256,
            size=declared.size,
            offset=offset,
            data=data,
        )
        return _result(receipt)

    def verify(self, item_uuid: UUID, name: str) -> ChunkResult:
        receipt = services.attachment_verify(item_uuid=item_uuid, name=name)
        if receipt is None:  # removed as stale meanwhile: nothing is held
            return ChunkResult(ChunkOutcome.OFFSET_MISMATCH, 0)
        return _result(receipt)


def _result(receipt: ChunkReceipt) -> ChunkResult:
    return ChunkResult(_OUTCOMES[receipt.progress], receipt.held, _issues(receipt))


def _issues(receipt: ChunkReceipt) -> tuple[Issue, ...]:
    if receipt.progress is Progress.SHA256_MISMATCH:
        return (issue("sha256", "sha256_mismatch"),)
    refused = receipt.refusal
    if refused is None:
        return ()
    return (Issue("body", refused.code, refused.message_vi, refused.message_en),)
