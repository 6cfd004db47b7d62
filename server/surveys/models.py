"""Published versions of the survey forms. A published version never changes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from server.common.fields import JSONField


class FormVersion(models.Model):
    """One validated definition from forms/definitions, frozen at publication.

    `definition` is `forms.form_to_dict(form)`, whose sha256 is `checksum`; phones
    use the checksum as the ETag to re-download only what changed.
    """

    form_id = models.CharField(_("form id"), max_length=64)
    version = models.CharField(_("version"), max_length=32)
    checksum = models.CharField(_("checksum"), max_length=64)
    title_vi = models.CharField(_("title (Vietnamese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    provisional = models.BooleanField(_("provisional"), default=False)
    definition = JSONField(_("definition"))
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["form_id", "published_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["form_id", "version"], name="form_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.form_id} v{self.version}"
