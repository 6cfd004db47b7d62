"""HTML to PDF with WeasyPrint: the one module that imports it.

Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES to True. The
console's PDFs embed no photos, so the switch goes back to Pillow's default here, once;
server.evidence.images also sets it before every decode of an upload.
"""

from PIL import ImageFile
from weasyprint import HTML

ImageFile.LOAD_TRUNCATED_IMAGES = False


def html_to_pdf(html: str) -> bytes:
    """An A4 PDF (the page size comes from the template's @page rule)."""
    pdf: bytes = HTML(string=html).write_pdf()
    return pdf
