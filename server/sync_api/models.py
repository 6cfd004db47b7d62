"""What the sync adapter remembers: one receipt per pushed item, and kept conflicts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from server.common.fields import JSONField


class Receipt(models.Model):
    """The first verdict on a client UUID. The primary key makes a resend a replay.

    `target_id` is the record the item acted on (PushItem.target); a resend must name the
    same one. Receipts written before it was recorded have `target_known` False.
    """

    client_uuid = models.UUIDField(primary_key=True)
    kind = models.CharField(max_length=24)
    target_id = models.UUIDField(null=True, blank=True)
    target_known = models.BooleanField(default=True)
    payload_sha256 = models.CharField(max_length=64)
    attachments = JSONField(default=list)
    outcome = models.CharField(max_length=16, blank=True)
    revision = models.PositiveIntegerField(null=True, blank=True)
    device = models.ForeignKey(
        "accounts.Device", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("sync receipt")
        verbose_name_plural = _("sync receipts")

    def __str__(self) -> str:
        return f"{self.kind} {self.client_uuid} {self.outcome}"


class Resolution(models.TextChoices):
    APPLIED = "applied", _("Incoming version applied")
    DISMISSED = "dismissed", _("Server version kept")


class ConflictCopy(models.Model):
    """An incoming version that could not be applied, kept beside the server's.

    A reviewer settles it once: apply the incoming values on the current revision, or
    keep the server's. Who, when and why are kept on the row; an applied edit also
    goes into the household's history.
    """

    client_uuid = models.UUIDField()
    payload_sha256 = models.CharField(max_length=64)
    kind = models.CharField(max_length=24)
    reason = models.CharField(max_length=32)
    target_id = models.UUIDField(null=True, blank=True)
    household = models.ForeignKey(
        "registry.Household",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conflicts",
    )
    payload = JSONField()
    server_revision = models.PositiveIntegerField(null=True, blank=True)
    device = models.ForeignKey(
        "accounts.Device", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=16, choices=Resolution.choices, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    resolution_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kept conflict")
        verbose_name_plural = _("kept conflicts")
        constraints = [
            models.UniqueConstraint(
                fields=["client_uuid", "payload_sha256"], name="conflict_copy_once"
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True, resolution="")
                | models.Q(resolved_at__isnull=False, resolution__in=["applied", "dismissed"]),
                name="conflict_resolved_with_a_resolution",
            ),
        ]
        indexes = [models.Index(fields=["household", "resolved_at"], name="conflict_household")]

    def __str__(self) -> str:
        return f"{self.kind} {self.client_uuid} ({self.reason})"
