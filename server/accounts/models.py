"""Users with one role each, the units they cover, and their phones' device tokens."""

import hashlib
import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    VOLUNTEER = "volunteer", _("Village volunteer")
    COMMUNE_OFFICER = "commune_officer", _("Commune officer")
    DISTRICT_REVIEWER = "district_reviewer", _("District reviewer")
    PROVINCE_ADMIN = "province_admin", _("Province administrator")
    SUPPORT_STAFF = "support_staff", _("Support programme staff")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=24, choices=Role.choices, default=Role.VOLUNTEER)
    units = models.ManyToManyField(
        "registry.Unit",
        through="UnitAssignment",
        related_name="users",
        blank=True,
        verbose_name=_("units"),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class UnitAssignment(models.Model):
    """Gives a user a unit and, through the materialised path, everything below it."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("registry.Unit", on_delete=models.CASCADE, related_name="assignments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unit assignment")
        verbose_name_plural = _("unit assignments")
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="assignment_unique")]

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"


def hash_token(raw: str) -> str:
    """Tokens are stored as SHA-256 digests: a leaked table grants no access."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


class Device(models.Model):
    """A phone registered to a user. Its token is shown once, at registration."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="devices")
    name = models.CharField(_("device name"), max_length=100)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_prefix = models.CharField(_("token prefix"), max_length=8, editable=False)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.token_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
