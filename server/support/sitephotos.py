"""Synthetic on-site JPEGs with phone-like EXIF, for the demo and the tests.

Each seed draws a different scene (so perceptual hashes differ); the EXIF carries
DateTimeOriginal as local wall-clock time, optionally OffsetTimeOriginal, and GPS.
"""

import io
import random

from PIL import Image, ImageDraw, ImageFilter
from PIL.TiffImagePlugin import IFDRational

_EXIF_IFD = 0x8769
_GPS_IFD = 0x8825
_DATETIME_ORIGINAL = 0x9003
_OFFSET_TIME_ORIGINAL = 0x9011


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 100)
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(seconds, 100)


def site_jpeg(
    *,
    seed: int,
    taken_at: str | None = "2025:03:01 09:14:00",
    gps: tuple[float, float] | None = None,
    offset: str | None = None,
    size: tuple[int, int] = (320, 240),
) -> bytes:
    """JPEG bytes of a random scene; `taken_at` is "YYYY:MM:DD HH:MM:SS" wall-clock."""
    rng = random.Random(seed)  # noqa: S311 - a reproducible scene, not security
    image = Image.new("RGB", size, (rng.randrange(90, 160), 150, 200))
    pen = ImageDraw.Draw(image)
    width, height = size
    for _ in range(25):
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(width // 10, width // 2), rng.randrange(height // 10, height // 2)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        pen.rectangle((x, y, x + w, y + h), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(1))
    exif = Image.Exif()
    exif[0x010F] = "ChungTay Site Camera"
    if taken_at is not None:
        exif.get_ifd(_EXIF_IFD)[_DATETIME_ORIGINAL] = taken_at
    if offset is not None:
        exif.get_ifd(_EXIF_IFD)[_OFFSET_TIME_ORIGINAL] = offset
    if gps is not None:
        ifd = exif.get_ifd(_GPS_IFD)
        ifd[1], ifd[2] = ("N" if gps[0] >= 0 else "S"), _dms(abs(gps[0]))
        ifd[3], ifd[4] = ("E" if gps[1] >= 0 else "W"), _dms(abs(gps[1]))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()
