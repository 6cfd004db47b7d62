"""Runs the stage-photo checks when evidence finishes storing a photo."""

from typing import Any

from django.dispatch import receiver

from server.evidence.models import Attachment
from server.evidence.signals import photo_completed
from server.support.services import stage_photo_checks


@receiver(photo_completed, dispatch_uid="support_stage_photo_checks")
def _on_photo_completed(sender: type[Attachment], attachment: Attachment, **_: Any) -> None:
    stage_photo_checks(attachment=attachment)
