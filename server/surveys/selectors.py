from django.db.models import QuerySet
from django.http import Http404

from server.surveys.models import FormVersion


def form_version_list() -> QuerySet[FormVersion]:
    return FormVersion.objects.defer("definition").order_by("form_id", "published_at", "id")


def form_version_get(*, form_id: str, version: str) -> FormVersion:
    found = FormVersion.objects.filter(form_id=form_id, version=version).first()
    if found is None:
        raise Http404
    return found
