"""A4 PDFs for signing and printing: meeting minutes (Phụ lục V) and certificates (Mẫu 03).

Rendered by WeasyPrint from Django templates; the text uses DejaVu Sans (Debian's
fonts-dejavu-core), which covers Vietnamese diacritics. WeasyPrint needs pango
(apt: libpango-1.0-0 libpangoft2-1.0-0).
"""

from collections.abc import Sequence
from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from server.accounts import access
from server.common.pdf import html_to_pdf
from server.registry.models import Member
from server.review.models import Certificate, DecisionEntry, VillageMeeting


def _pdf(template: str, context: dict[str, Any]) -> bytes:
    """Official forms are in Vietnamese whatever language the console is showing."""
    with translation.override("vi"):
        html = render_to_string(template, context)
    return html_to_pdf(html)


def minutes_pdf(meeting: VillageMeeting, rows: Sequence[dict[str, Any]]) -> bytes:
    """The minutes of one village meeting, with each discussed household and its vote."""
    return _pdf("review/pdf/minutes.html", {"meeting": meeting, "rows": rows})


def _certificate_context(entry: DecisionEntry, user: object) -> dict[str, Any]:
    members: list[Member] = sorted(
        (m for m in entry.household.members.all() if m.removed_at is None),
        key=lambda m: (m.relation != "head", m.birth_year, m.full_name),
    )
    head = next((m for m in members if m.relation == "head"), None)
    certificate: Certificate = entry.certificate
    # Whole only for a role that may read citizen IDs; masked (last 4 digits) otherwise.
    citizen_id = access.citizen_id_for(user, head.citizen_id) if head else None
    return {
        "entry": entry,
        "certificate": certificate,
        "members": members,
        "head": head,
        "citizen_id": citizen_id,
    }


def certificates_pdf(entries: Sequence[DecisionEntry], *, user: object) -> bytes:
    """One page per certificate: one household's, or a whole decision's in one file."""
    pages = [_certificate_context(e, user) for e in entries]
    decision = entries[0].decision if entries else None
    return _pdf("review/pdf/certificates.html", {"pages": pages, "decision": decision})
