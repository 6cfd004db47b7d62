"""The Django side of sync.ports.UploadStore: declared attachments of this device's items."""

from collections.abc import Sequence
from uuid import UUID

from server.accounts.models import User
from server.evidence import services
from server.evidence.checks import photo_flags
from server.evidence.models import Attachment
from server.registry.models import Household
from server.submissions.models import Submission
from server.sync_api.models import Receipt
from sync.errors import Issue
from sync.messages import AttachmentRef
from sync.ports import UploadState


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

    def _attachment(self, item_uuid: UUID, name: str) -> Attachment | None:
        declared = self._declared(item_uuid, name)
        if declared is None:
            return None
        return services.attachment_for(
            item_uuid=item_uuid, name=name, sha256=declared.sha256, size=declared.size
        )

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

    def append(self, item_uuid: UUID, name: str, *, offset: int, data: bytes) -> int:
        attachment = self._attachment(item_uuid, name)
        assert attachment is not None  # noqa: S101 - upload_state found the declaration first
        return services.chunk_append(attachment=attachment, offset=offset, data=data)

    def received_sha256(self, item_uuid: UUID, name: str) -> str:
        return services.attachment_sha256(Attachment.objects.get(item_uuid=item_uuid, name=name))

    def complete(self, item_uuid: UUID, name: str) -> Sequence[Issue]:
        from server.evidence import images

        attachment = Attachment.objects.get(item_uuid=item_uuid, name=name)
        data = services.attachment_bytes(attachment)
        try:
            info = images.inspect_image(data)
        except images.ImageRefused as refused:
            return [Issue("body", refused.code, refused.message_vi, refused.message_en)]
        completed = services.attachment_complete(
            attachment=attachment,
            data=data,
            info=info,
            thumbnail=images.make_thumbnail(data),
            phash=images.perceptual_hash(data),
        )
        photo_flags(attachment=completed, household=_household_of(item_uuid))
        _mark_submission(item_uuid)
        return []

    def discard(self, item_uuid: UUID, name: str) -> None:
        attachment = Attachment.objects.filter(item_uuid=item_uuid, name=name).first()
        if attachment is not None:
            services.attachment_discard(attachment=attachment)


def _household_of(item_uuid: UUID) -> Household | None:
    """The household a photo belongs to: its submission's, or the household the item created."""
    household_id = (
        Submission.objects.filter(pk=item_uuid).values_list("household_id", flat=True).first()
    )
    return Household.objects.filter(pk=household_id or item_uuid).first()


def _mark_submission(item_uuid: UUID) -> None:
    """A submission is attachments-complete when every declared photo has arrived."""
    submission = Submission.objects.filter(pk=item_uuid).first()
    if submission is None:
        return
    declared = {a["name"] for a in submission.attachments}
    done = set(
        Attachment.objects.filter(item_uuid=item_uuid, complete=True).values_list("name", flat=True)
    )
    if declared <= done and not submission.attachments_complete:
        Submission.objects.filter(pk=item_uuid).update(attachments_complete=True)
