"""Photos for staff: metadata stripped where photos are shown, scoped through the submission."""

from uuid import UUID

from django.http import Http404, HttpResponse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.views import APIView

from server.evidence.images import strip_exif
from server.evidence.models import Attachment
from server.submissions.selectors import submission_get


class SubmissionPhotoApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("size", str, enum=["full", "thumb"])],
        responses={(200, "image/*"): bytes},
    )
    def get(self, request: Request, submission_id: UUID, name: str) -> HttpResponse:
        submission = submission_get(user=request.user, submission_id=submission_id)
        photo = Attachment.objects.filter(item_uuid=submission.pk, name=name, complete=True).first()
        if photo is None:
            raise Http404
        if request.query_params.get("size") == "thumb":
            with photo.thumbnail.open("rb") as handle:
                return _image(handle.read(), "image/jpeg")
        with photo.file.open("rb") as handle:
            # GPS and device details never leave the server inside a shown photo.
            return _image(strip_exif(handle.read()), photo.content_type)


def _image(data: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
