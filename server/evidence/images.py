"""Checks for the photos phones upload as evidence (house front, roof, latrine, water source).

Uploads are untrusted bytes from the field, so every function here decides the format by
content, checks dimensions from the header before any pixel buffer exists, and decodes the
whole image before trusting it. The module imports only Pillow, geopy and the standard
library so that Django code, Celery tasks and command-line tools can share it.

``Image.MAX_IMAGE_PIXELS`` is left alone because the header check below runs before
Pillow's own bomb check would. ``ImageFile.LOAD_TRUNCATED_IMAGES`` must be False for
truncated uploads to be refused, and WeasyPrint (the console's PDFs) sets it True when it
is imported: ``_decode`` therefore sets it back to False before every decode.
"""

from __future__ import annotations

import io
import math
import string
import struct
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from geopy.distance import geodesic
from PIL import ExifTags, Image, ImageFile, ImageOps

# Pillow format name -> (public format, MIME type). MPO is how Pillow names a JPEG that
# carries extra frames (multi-picture phone shots); it is a JPEG on the wire.
_ALLOWED: dict[str, tuple[str, str]] = {
    "JPEG": ("jpeg", "image/jpeg"),
    "MPO": ("jpeg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "WEBP": ("webp", "image/webp"),
}
# The plugins whose magic bytes claim one of the allowed formats. A file they accept but
# cannot parse is a damaged photo, not some other kind of file.
_ALLOWED_PLUGINS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})

# Exceptions Pillow raises while parsing or decoding hostile bytes. DecompressionBombError
# is deliberately absent: it is mapped to too_many_pixels where it can occur.
_DECODE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    SyntaxError,
    ValueError,
    TypeError,
    IndexError,
    KeyError,
    EOFError,
    struct.error,
)

# Metadata keys a re-encoded image may keep: none of them can describe where or when a
# photo was taken. Everything else in ``Image.info`` (exif, xmp, comments, text chunks)
# is dropped.
_SAFE_INFO_KEYS = ("transparency", "icc_profile")

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_SIDE = 12_000

_HASH_HEX_LEN = 16


class ImageRefused(Exception):
    """An upload that must not be stored, with a stable code and messages for the phone."""

    def __init__(self, code: str, message_vi: str, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_vi = message_vi
        self.message_en = message_en


@dataclass(frozen=True)
class ImageInfo:
    """What an accepted upload is.

    ``width`` and ``height`` are as encoded, before EXIF orientation; orientations 5-8
    display with the two swapped.
    """

    format: str
    mime: str
    width: int
    height: int
    taken_at: datetime | None
    gps: tuple[float, float] | None
    orientation: int | None
    # OffsetTimeOriginal (or OffsetTime) as a UTC offset, when the camera wrote one.
    taken_offset: timedelta | None = None

    def taken_at_utc(self) -> datetime | None:
        """When the photo was taken, as an aware UTC time.

        EXIF DateTimeOriginal is the camera's local wall-clock time: the offset tag
        places it when present, else the photo is taken to be in Asia/Ho_Chi_Minh
        (09:14 in Hanoi is 02:14 UTC, not 09:14 UTC).
        """
        if self.taken_at is None:
            return None
        zone: tzinfo = timezone(self.taken_offset) if self.taken_offset is not None else LOCAL_ZONE
        return self.taken_at.replace(tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class _Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_pixels: int = DEFAULT_MAX_PIXELS
    max_side: int = DEFAULT_MAX_SIDE


# --- refusals -------------------------------------------------------------------------


def _empty() -> ImageRefused:
    return ImageRefused("empty", "Tệp ảnh trống.", "The image file is empty.")


def _human_size(n_bytes: int) -> str:
    """Size as a phone user reads it: whole MB, or KB below one MB."""
    if n_bytes >= 1024 * 1024:
        return f"{n_bytes / (1024 * 1024):.3g} MB"
    return f"{max(1, n_bytes // 1024)} KB"


def _too_large(max_bytes: int) -> ImageRefused:
    limit = _human_size(max_bytes)
    return ImageRefused(
        "too_large",
        f"Ảnh quá lớn. Dung lượng tối đa là {limit}.",
        f"The image is too large. The maximum size is {limit}.",
    )


def _not_an_image() -> ImageRefused:
    return ImageRefused(
        "not_an_image",
        "Tệp này không phải là ảnh.",
        "This file is not an image.",
    )


def _format_not_allowed(found: str) -> ImageRefused:
    return ImageRefused(
        "format_not_allowed",
        f"Không chấp nhận ảnh định dạng {found}. Chỉ nhận ảnh JPEG, PNG hoặc WebP.",
        f"{found} images are not accepted. Only JPEG, PNG or WebP images are accepted.",
    )


def _too_many_pixels(size: tuple[int, int] | None) -> ImageRefused:
    if size is None:
        return ImageRefused(
            "too_many_pixels",
            "Kích thước ảnh quá lớn.",
            "The image dimensions are too large.",
        )
    w, h = size
    return ImageRefused(
        "too_many_pixels",
        f"Kích thước ảnh quá lớn ({w} × {h} điểm ảnh).",
        f"The image dimensions are too large ({w} × {h} pixels).",
    )


def _corrupt() -> ImageRefused:
    return ImageRefused(
        "corrupt",
        "Tệp ảnh bị hỏng hoặc chưa được tải lên đầy đủ. Vui lòng chụp hoặc gửi lại ảnh.",
        "The image file is damaged or incomplete. Please take or send the photo again.",
    )


# --- opening --------------------------------------------------------------------------


def _identify(data: bytes) -> ImageFile.ImageFile:
    """Parse only the header, trying each registered plugin on the content.

    This mirrors ``Image.open`` without its global ``MAX_IMAGE_PIXELS`` check, so the
    caller applies its own limits and no process-wide setting is involved. Plugin
    constructors read headers only; no pixel buffer is allocated here.
    """
    Image.init()
    prefix = data[:16]
    claimed_allowed = False
    for name in list(Image.ID):
        factory, accept = Image.OPEN[name]
        accepted = accept(prefix) if accept else True
        # Pillow's accept functions return a str to mean "recognised but unsupported".
        if not accepted or isinstance(accepted, str):
            continue
        claimed_allowed = claimed_allowed or name in _ALLOWED_PLUGINS
        try:
            return factory(io.BytesIO(data), "")
        except Image.DecompressionBombError:
            # Raised by plugins (MPO, GIF, ICO) that run Pillow's check themselves.
            raise _too_many_pixels(None) from None
        except _DECODE_ERRORS:
            continue
    raise _corrupt() if claimed_allowed else _not_an_image()


def _open_checked(data: bytes, limits: _Limits) -> ImageFile.ImageFile:
    """Return the header-parsed image once size, format and dimensions are acceptable."""
    if not data:
        raise _empty()
    if len(data) > limits.max_bytes:
        raise _too_large(limits.max_bytes)
    img = _identify(data)
    if img.format not in _ALLOWED:
        raise _format_not_allowed(img.format or "?")
    width, height = img.size
    if width > limits.max_side or height > limits.max_side or width * height > limits.max_pixels:
        raise _too_many_pixels(img.size)
    return img


@contextmanager
def _refuse_decode_errors() -> Iterator[None]:
    """Turn any failure while decoding untrusted bytes into a ``corrupt`` refusal."""
    try:
        yield
    except Image.DecompressionBombError:
        raise _too_many_pixels(None) from None
    except _DECODE_ERRORS as exc:
        raise _corrupt() from exc


def _decode(
    data: bytes,
    limits: _Limits,
    prepare: Callable[[ImageFile.ImageFile], Any] | None = None,
) -> ImageFile.ImageFile:
    """Return a fully decoded image, or refuse it.

    ``verify()`` leaves an image unusable, so decoding happens on a second, fresh parse.
    ``prepare`` runs between parsing and decoding (JPEG ``draft`` to decode smaller).
    """
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with _refuse_decode_errors():
        _open_checked(data, limits).verify()
        img = _open_checked(data, limits)
        if prepare is not None:
            prepare(img)
        img.load()
    return img


# --- metadata -------------------------------------------------------------------------


def _exif_text(value: object) -> str | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    return value.strip("\x00 ")


def _parse_exif_datetime(value: object) -> datetime | None:
    text = _exif_text(value)
    if not text:
        return None
    try:
        # EXIF DateTime carries no zone (OffsetTimeOriginal is a separate tag), so the
        # phone's local wall-clock time is returned naive on purpose.
        return datetime.strptime(text[:19], "%Y:%m:%d %H:%M:%S")  # noqa: DTZ007
    except ValueError:
        return None


# Where a photo's wall-clock time is read when the photo names no offset.
LOCAL_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

# EXIF 2.31 offset tags: OffsetTime (for DateTime) and OffsetTimeOriginal.
_OFFSET_TIME = 0x9010
_OFFSET_TIME_ORIGINAL = 0x9011


def _parse_offset(value: object) -> timedelta | None:
    """'+07:00' or '-03:30' as a timedelta; None when absent or malformed."""
    text = _exif_text(value)
    if not text or len(text) != 6 or text[0] not in "+-" or text[3] != ":":
        return None
    hours, minutes = text[1:3], text[4:6]
    if not (hours.isdigit() and minutes.isdigit()) or int(hours) > 14 or int(minutes) > 59:
        return None
    sign = -1 if text[0] == "-" else 1
    return sign * timedelta(hours=int(hours), minutes=int(minutes))


def _taken_offset(exif: Image.Exif) -> timedelta | None:
    ifd = exif.get_ifd(ExifTags.IFD.Exif)
    original = _parse_offset(ifd.get(_OFFSET_TIME_ORIGINAL))
    return original if original is not None else _parse_offset(ifd.get(_OFFSET_TIME))


def _taken_at(exif: Image.Exif) -> datetime | None:
    original = exif.get_ifd(ExifTags.IFD.Exif).get(ExifTags.Base.DateTimeOriginal)
    return _parse_exif_datetime(original) or _parse_exif_datetime(exif.get(ExifTags.Base.DateTime))


def _degrees(value: Any) -> float | None:
    """Degrees from an EXIF (degrees, minutes, seconds) rational triple."""
    parts = value if isinstance(value, tuple) else (value,)
    if not 1 <= len(parts) <= 3:
        return None
    try:
        numbers = [float(part) for part in parts]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    total = sum(n / 60**i for i, n in enumerate(numbers))
    return total if math.isfinite(total) else None


def _gps(exif: Image.Exif) -> tuple[float, float] | None:
    ifd = exif.get_ifd(ExifTags.IFD.GPSInfo)
    lat = _degrees(ifd.get(ExifTags.GPS.GPSLatitude))
    lon = _degrees(ifd.get(ExifTags.GPS.GPSLongitude))
    if lat is None or lon is None:
        return None
    if (_exif_text(ifd.get(ExifTags.GPS.GPSLatitudeRef)) or "N").upper().startswith("S"):
        lat = -lat
    if (_exif_text(ifd.get(ExifTags.GPS.GPSLongitudeRef)) or "E").upper().startswith("W"):
        lon = -lon
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return None
    # 0,0 is what some phones write when they had no fix; no household is there.
    if lat == 0.0 and lon == 0.0:
        return None
    return (lat, lon)


def _orientation(exif: Image.Exif) -> int | None:
    value = exif.get(ExifTags.Base.Orientation)
    return value if isinstance(value, int) and 1 <= value <= 8 else None


# --- public API -----------------------------------------------------------------------


def inspect_image(
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    max_side: int = DEFAULT_MAX_SIDE,
) -> ImageInfo:
    """Accept an upload only if it is a whole JPEG, PNG or WebP within the limits.

    Checks run cheapest first and never allocate pixels before the dimensions pass:
    ``empty``, ``too_large`` (byte count), ``not_an_image`` / ``format_not_allowed``
    (content sniffing and header parse), ``too_many_pixels`` (header dimensions), then
    ``corrupt`` (``verify()`` and a full decode). Raises ``ImageRefused``.
    """
    img = _decode(data, _Limits(max_bytes, max_pixels, max_side))
    fmt, mime = _ALLOWED[img.format or ""]
    try:
        exif = img.getexif()
    except _DECODE_ERRORS:
        # Broken metadata does not make the photo unusable; it just carries no EXIF.
        exif = Image.Exif()
    return ImageInfo(
        format=fmt,
        mime=mime,
        width=img.width,
        height=img.height,
        taken_at=_taken_at(exif),
        gps=_gps(exif),
        orientation=_orientation(exif),
        taken_offset=_taken_offset(exif),
    )


def _draft(mode: str, box: tuple[int, int]) -> Callable[[ImageFile.ImageFile], Any]:
    """Let a JPEG decode at a reduced scale; a no-op for other formats."""

    def prepare(img: ImageFile.ImageFile) -> None:
        img.draft(mode, box)

    return prepare


def _upright_without_metadata(img: Image.Image) -> Image.Image:
    """Apply EXIF orientation to the pixels, then drop every metadata key that is not safe.

    The returned image has no EXIF, so encoders have nothing to copy, whatever their
    defaults.
    """
    upright = ImageOps.exif_transpose(img)
    upright.info = {key: upright.info[key] for key in _SAFE_INFO_KEYS if key in upright.info}
    return upright


def _to_rgb(img: Image.Image) -> Image.Image:
    """RGB for JPEG output, with transparent areas shown on white rather than black."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")


def make_thumbnail(data: bytes, *, max_side: int = 320) -> bytes:
    """A small upright JPEG for review screens, carrying no EXIF and so no GPS."""
    if max_side < 1:
        raise ValueError("max_side must be positive")
    with _refuse_decode_errors():
        img = _decode(data, _Limits(), _draft("RGB", (max_side, max_side)))
        thumb = _to_rgb(_upright_without_metadata(img))
        thumb.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # icc_profile is passed explicitly so colours survive; exif and xmp are not passed.
    thumb.save(out, "JPEG", quality=80, optimize=True, icc_profile=img.info.get("icc_profile"))
    return out.getvalue()


def strip_exif(data: bytes) -> bytes:
    """Re-encode in the same format without metadata, for viewers who must not see GPS.

    Orientation is baked into the pixels so the photo still displays upright once the
    tag is gone. Animated PNG/WebP keep only their first frame.
    """
    with _refuse_decode_errors():
        img = _decode(data, _Limits())
        clean = _upright_without_metadata(img)
    fmt = _ALLOWED[img.format or ""][0]
    out = io.BytesIO()
    if fmt == "jpeg":
        if clean.mode not in ("L", "RGB", "CMYK"):
            clean = _to_rgb(clean)
        clean.save(out, "JPEG", quality=90, icc_profile=clean.info.get("icc_profile"))
    elif fmt == "png":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "WEBP", quality=90, icc_profile=clean.info.get("icc_profile"))
    return out.getvalue()


def perceptual_hash(data: bytes) -> str:
    """64-bit difference hash as 16 hex digits, to flag one photo reused across households.

    Each bit says whether a pixel of the 9x8 greyscale reduction is brighter than its
    right-hand neighbour, so re-encoding, rescaling and EXIF changes leave it (nearly)
    unchanged while different scenes differ in about half the bits.
    """
    with _refuse_decode_errors():
        img = _decode(data, _Limits(), _draft("L", (64, 64)))
        small = ImageOps.exif_transpose(img).convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = small.tobytes()  # mode L: one byte per pixel, row-major
    bits = 0
    for row in range(8):
        for col in range(8):
            left = pixels[row * 9 + col]
            right = pixels[row * 9 + col + 1]
            bits = (bits << 1) | (1 if left > right else 0)
    return f"{bits:0{_HASH_HEX_LEN}x}"


def hamming(a: str, b: str) -> int:
    """Number of differing bits between two ``perceptual_hash`` values."""
    for value in (a, b):
        if len(value) != _HASH_HEX_LEN or not all(c in string.hexdigits for c in value):
            raise ValueError(f"expected {_HASH_HEX_LEN} hex digits, got {value!r}")
    return (int(a, 16) ^ int(b, 16)).bit_count()


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Metres between two (lat, lon) points on the WGS-84 ellipsoid.

    Used to compare where a photo was taken with where the household is recorded.
    """
    return float(geodesic(a, b).meters)
