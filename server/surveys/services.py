"""Publishing form definitions. A published (form id, version) is never mutated."""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction

import forms
from server.feed.models import FeedKind
from server.feed.services import feed_append
from server.surveys.models import FormVersion


class PublishedFormChanged(Exception):
    """A shipped definition differs from the published one with the same version."""


@dataclass
class PublishReport:
    published: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)


def form_version_publish(*, form: forms.FormDefinition) -> tuple[FormVersion, bool]:
    """Publish one definition; re-publishing identical content is a no-op.

    The unique (form_id, version) constraint, not a prior lookup, guarantees that two
    concurrent publishers store it once.
    """
    existing = FormVersion.objects.filter(form_id=form.id, version=form.version).first()
    if existing is None:
        try:
            with transaction.atomic():
                return _create(form), True
        except IntegrityError:
            existing = FormVersion.objects.get(form_id=form.id, version=form.version)
    if existing.checksum != form.checksum:
        raise PublishedFormChanged(
            f"{form.id} v{form.version} is published with checksum {existing.checksum[:12]}…, "
            f"but the definition now has {form.checksum[:12]}…: give the change a new version."
        )
    return existing, False


def _create(form: forms.FormDefinition) -> FormVersion:
    version = _insert(form)
    # Every device may use every published form, so the feed entry has the empty scope.
    feed_append(kind=FeedKind.FORM, record_id=version.pk, scope_path="")
    return version


def _insert(form: forms.FormDefinition) -> FormVersion:
    return FormVersion.objects.create(
        form_id=form.id,
        version=form.version,
        checksum=form.checksum,
        title_vi=form.title.vi,
        title_en=form.title.en,
        provisional=form.provisional,
        definition=forms.form_to_dict(form),
    )


@transaction.atomic
def publish_shipped_forms() -> PublishReport:
    """Publish every definition under forms/definitions that is not yet published."""
    report = PublishReport()
    for form in forms.iter_shipped_definitions():
        _version, created = form_version_publish(form=form)
        (report.published if created else report.unchanged).append(f"{form.id} v{form.version}")
    return report


def form_definition(version: FormVersion) -> forms.FormDefinition:
    """The frozen FormDefinition of a published version, parsed once per process."""
    return _cached_definition(version.checksum, version)


_CACHE: dict[str, forms.FormDefinition] = {}


def _cached_definition(checksum: str, version: FormVersion) -> forms.FormDefinition:
    # Published versions are immutable, so the checksum identifies the parse for good.
    definition = _CACHE.get(checksum)
    if definition is None:
        source = {key: value for key, value in version.definition.items() if key != "checksum"}
        definition = forms.load_form(source)
        if definition.checksum != checksum:
            raise PublishedFormChanged(f"{version} no longer matches its checksum.")
        _CACHE[checksum] = definition
    return definition
