from django.contrib import admin

from server.common.admin import ReadOnlyAdmin
from server.surveys.models import FormVersion


@admin.register(FormVersion)
class FormVersionAdmin(ReadOnlyAdmin):
    list_display = ["form_id", "version", "title_vi", "provisional", "checksum", "published_at"]
    list_filter = ["form_id", "provisional"]
