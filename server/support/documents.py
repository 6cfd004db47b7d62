"""The completion record and the put-into-use record, as PDFs to print and sign.

Rendered from a Django template with WeasyPrint; the text is Vietnamese, the language
the signed paper is filed in.
"""

from django.template.loader import render_to_string
from django.utils import timezone, translation

from server.common.pdf import html_to_pdf
from server.support.models import DocumentKind
from server.support.selectors import RecordView

TITLES = {
    DocumentKind.COMPLETION: "BIÊN BẢN XÁC NHẬN HOÀN THÀNH NHÀ Ở",
    DocumentKind.IN_USE: "BIÊN BẢN XÁC NHẬN ĐƯA NHÀ Ở VÀO SỬ DỤNG",
}


def record_html(*, view: RecordView, kind: str) -> str:
    with translation.override("vi"):
        return render_to_string(
            "support/document.html",
            {
                "view": view,
                "record": view.record,
                "kind": kind,
                "title": TITLES[DocumentKind(kind)],
                "today": timezone.localdate(),
                "sponsors": list(view.record.sponsors.all()),
            },
        )


def record_pdf(*, view: RecordView, kind: str) -> bytes:
    pdf = html_to_pdf(record_html(view=view, kind=kind))
    return pdf
