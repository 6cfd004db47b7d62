"""Printing the records must not weaken photo checks elsewhere in the process."""

import importlib

from PIL import ImageFile

from server.support import documents


def test_importing_weasyprint_leaves_truncated_images_refused():
    importlib.reload(documents)
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
