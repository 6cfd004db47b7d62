"""A4 PDFs for signing and printing: meeting minutes (Phụ lục V) and certificates (Mẫu 03).

Rendered by WeasyPrint from Django templates; the text uses DejaVu Sans (Debian's
fonts-dejavu-core), which covers Vietnamese diacritics. WeasyPrint needs pango
(apt: libpango-1.0-0 libpangoft2-1.0-0).
"""

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation
from PIL import ImageFile
from weasyprint import HTML

from server.registry.models import Member
from server.review.models import Certificate, DecisionEntry, VillageMeeting

# Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES to True, which would
# let truncated photo uploads through (server.evidence.images refuses them only while it is
# False). The PDFs here embed no images, so the flag is put back at once.
ImageFile.LOAD_TRUNCATED_IMAGES = False


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    """Official forms are in Vietnamese whatever language the console is showing."""
    with translation.override("vi"):
        html = render_to_string(template, context)
    out: bytes = HTML(string=html).write_pdf()
    return out


def minutes_pdf(meeting: VillageMeeting, rows: Sequence[dict[str, Any]]) -> bytes:
    """The minutes of one village meeting, with each discussed household and its vote."""
    return _pdf("review/pdf/minutes.html", {"meeting": meeting, "rows": rows})


def _certificate_context(entry: DecisionEntry) -> dict[str, Any]:
    members: list[Member] = sorted(
        (m for m in entry.household.members.all() if m.removed_at is None),
        key=lambda m: (m.relation != "head", m.birth_year, m.full_name),
    )
    head = next((m for m in members if m.relation == "head"), None)
    certificate: Certificate = entry.certificate
    return {"entry": entry, "certificate": certificate, "members": members, "head": head}


def certificates_pdf(entries: Sequence[DecisionEntry]) -> bytes:
    """One page per certificate: one household's, or a whole decision's in one file."""
    pages = [_certificate_context(e) for e in entries]
    decision = entries[0].decision if entries else None
    return _pdf("review/pdf/certificates.html", {"pages": pages, "decision": decision})
