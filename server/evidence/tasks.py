"""Background tasks of evidence. Tasks call services and nothing else."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings

from server.evidence.services import uploads_expire


@shared_task(name="evidence.expire_incomplete_uploads")
def expire_incomplete_uploads_task() -> int:
    """Remove uploads untouched for ATTACHMENT_INCOMPLETE_TTL_HOURS; return how many."""
    return uploads_expire(older_than=timedelta(hours=settings.ATTACHMENT_INCOMPLETE_TTL_HOURS))
