"""Camera-like JPEGs for the browser tests and the photo benchmark.

The image has smooth gradients, shapes and sensor-like noise, so it compresses like a
phone photo (a 4000×3000 frame is a few megabytes at quality 92), and carries EXIF
DateTimeOriginal and GPS tags as a phone camera writes them.
"""

from __future__ import annotations

import io
import random

from PIL import Image, ImageDraw, ImageFilter
from PIL.TiffImagePlugin import IFDRational

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME_ORIGINAL = 0x9003


def _dms(value: float) -> tuple[IFDRational, IFDRational, IFDRational]:
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60 * 100)
    return IFDRational(degrees, 1), IFDRational(minutes, 1), IFDRational(seconds, 100)


def camera_jpeg(
    width: int = 4000,
    height: int = 3000,
    *,
    seed: int = 1,
    taken_at: str = "2026:11:20 09:15:42",
    latitude: float = 22.665712,
    longitude: float = 106.257934,
    quality: int = 92,
) -> bytes:
    """Return JPEG bytes of a synthetic outdoor scene with camera EXIF."""
    rng = random.Random(seed)
    sky = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.blend(sky, Image.new("RGB", (width, height), (70, 120, 60)), 0.55)
    pen = ImageDraw.Draw(image)
    for _ in range(60):
        x, y = rng.randrange(width), rng.randrange(height)
        w, h = rng.randrange(width // 20, width // 4), rng.randrange(height // 20, height // 4)
        colour = tuple(rng.randrange(30, 230) for _ in range(3))
        shape = pen.rectangle if rng.random() < 0.5 else pen.ellipse
        shape((x, y, x + w, y + h), fill=colour)
    image = image.filter(ImageFilter.GaussianBlur(3))
    noise = Image.effect_noise((width, height), 18).convert("RGB")
    image = Image.blend(image, noise, 0.2)
    exif = Image.Exif()
    exif[0x010F] = "ChungTay Test Camera"
    exif.get_ifd(EXIF_IFD)[DATETIME_ORIGINAL] = taken_at
    gps = exif.get_ifd(GPS_IFD)
    gps[1], gps[2] = "N", _dms(latitude)
    gps[3], gps[4] = "E", _dms(longitude)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif.tobytes())
    return out.getvalue()
