"""Image checks for evidence photos; every image is made in memory by the test itself."""

import io
import struct
import tracemalloc
import zlib
from datetime import datetime

import pytest
from PIL import ExifTags, Image, ImageDraw, ImageFile, PngImagePlugin

from server.evidence.images import (
    ImageInfo,
    ImageRefused,
    distance_m,
    hamming,
    inspect_image,
    make_thumbnail,
    perceptual_hash,
    strip_exif,
)

HA_NOI = (21.0285, 105.8542)
CAO_BANG = (22.6657, 106.2570)


# --- builders -------------------------------------------------------------------------


def scene(size: tuple[int, int] = (160, 120)) -> Image.Image:
    """A photo-like RGB image with structure at several scales."""
    img = Image.effect_mandelbrot(size, (-2.0, -1.2, 0.8, 1.2), 64).convert("RGB")
    draw = ImageDraw.Draw(img)
    draw.rectangle((10, 10, size[0] // 3, size[1] // 2), fill=(200, 40, 40))
    return img


def other_scene(size: tuple[int, int] = (160, 120)) -> Image.Image:
    img = Image.new("RGB", size, (30, 90, 30))
    draw = ImageDraw.Draw(img)
    for i in range(0, size[0], 20):
        draw.ellipse((i, i // 2, i + 30, i // 2 + 40), fill=(240, 240, 200))
    return img


def encode(img: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **params)
    return out.getvalue()


def gps_exif(
    lat: tuple[float, float, float] = (21, 1, 42.6),
    lat_ref: str = "N",
    lon: tuple[float, float, float] = (105, 51, 15.12),
    lon_ref: str = "E",
    *,
    original: str | None = "2024:03:15 09:30:00",
    modified: str | None = "2024:03:16 10:00:00",
    orientation: int | None = None,
) -> Image.Exif:
    exif = Image.Exif()
    if modified is not None:
        exif[ExifTags.Base.DateTime] = modified
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if original is not None:
        exif.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = original
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = lat_ref
    gps[ExifTags.GPS.GPSLatitude] = lat
    gps[ExifTags.GPS.GPSLongitudeRef] = lon_ref
    gps[ExifTags.GPS.GPSLongitude] = lon
    return exif


def phone_jpeg(exif: Image.Exif | None = None) -> bytes:
    return encode(scene(), "JPEG", quality=90, exif=exif if exif is not None else gps_exif())


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return (
        struct.pack(">I", len(body))
        + kind
        + body
        + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
    )


def png_bomb(side: int = 20_000) -> bytes:
    """A valid 1-bit PNG of side x side black pixels, compressed row by row.

    Built with zlib directly because making it with Pillow would itself allocate the
    ``side * side`` pixel buffer the test is about.
    """
    row = b"\x00" * (1 + (side + 7) // 8)  # filter byte, then packed 1-bit pixels
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def refusal(data: bytes, **limits: int) -> ImageRefused:
    with pytest.raises(ImageRefused) as caught:
        inspect_image(data, **limits)
    return caught.value


# --- inspect_image: accepted uploads --------------------------------------------------


def test_phone_jpeg_reports_size_time_gps_and_orientation():
    info = inspect_image(phone_jpeg(gps_exif(orientation=1)))

    assert info.format == "jpeg"
    assert info.mime == "image/jpeg"
    assert (info.width, info.height) == (160, 120)
    assert info.taken_at == datetime(2024, 3, 15, 9, 30, 0)
    assert info.taken_at.tzinfo is None
    assert info.gps == pytest.approx(HA_NOI, abs=1e-6)
    assert info.orientation == 1


def test_image_info_is_frozen():
    info = inspect_image(phone_jpeg())

    with pytest.raises(AttributeError):
        info.width = 1  # type: ignore[misc]
    assert isinstance(info, ImageInfo)


@pytest.mark.parametrize(
    ("lat_ref", "lon_ref", "expected"),
    [
        ("N", "E", (21.0285, 105.8542)),
        ("S", "E", (-21.0285, 105.8542)),
        ("N", "W", (21.0285, -105.8542)),
        ("S", "W", (-21.0285, -105.8542)),
    ],
)
def test_gps_south_and_west_are_negative(lat_ref, lon_ref, expected):
    info = inspect_image(phone_jpeg(gps_exif(lat_ref=lat_ref, lon_ref=lon_ref)))

    assert info.gps == pytest.approx(expected, abs=1e-6)


def test_taken_at_falls_back_to_datetime_when_original_is_missing():
    info = inspect_image(phone_jpeg(gps_exif(original=None)))

    assert info.taken_at == datetime(2024, 3, 16, 10, 0, 0)


def test_blank_exif_dates_give_no_taken_at():
    info = inspect_image(
        phone_jpeg(gps_exif(original="    :  :     :  :  ", modified="0000:00:00 00:00:00"))
    )

    assert info.taken_at is None


def test_gps_at_zero_zero_is_treated_as_no_fix():
    info = inspect_image(phone_jpeg(gps_exif(lat=(0, 0, 0), lon=(0, 0, 0))))

    assert info.gps is None


def test_jpeg_without_exif_has_no_metadata():
    info = inspect_image(encode(scene(), "JPEG"))

    assert (info.taken_at, info.gps, info.orientation) == (None, None, None)


def test_png_is_accepted():
    info = inspect_image(encode(scene((64, 48)), "PNG"))

    assert info == ImageInfo("png", "image/png", 64, 48, None, None, None)


def test_png_exif_chunk_is_read():
    info = inspect_image(encode(scene((64, 48)), "PNG", exif=gps_exif(orientation=3)))

    assert info.gps == pytest.approx(HA_NOI, abs=1e-6)
    assert info.taken_at == datetime(2024, 3, 15, 9, 30, 0)
    assert info.orientation == 3


def test_webp_is_accepted():
    info = inspect_image(encode(scene((64, 48)), "WEBP", quality=80))

    assert info == ImageInfo("webp", "image/webp", 64, 48, None, None, None)


# --- inspect_image: refusals ----------------------------------------------------------


def test_empty_upload_is_refused():
    err = refusal(b"")

    assert err.code == "empty"
    assert err.message_vi == "Tệp ảnh trống."
    assert err.message_en == "The image file is empty."


def test_upload_over_max_bytes_is_refused_before_parsing():
    err = refusal(b"\xff\xd8\xff" + b"\x00" * 2048, max_bytes=1024)

    assert err.code == "too_large"
    assert err.message_en == "The image is too large. The maximum size is 1 KB."


def test_default_byte_limit_is_ten_megabytes():
    err = refusal(b"\x00" * (10 * 1024 * 1024 + 1))

    assert err.code == "too_large"
    assert err.message_vi == "Ảnh quá lớn. Dung lượng tối đa là 10 MB."


def test_text_file_named_jpg_is_not_an_image():
    text = "Họ và tên chủ hộ,Số nhân khẩu\nNguyễn Văn A,5\n".encode()

    err = refusal(text)

    assert err.code == "not_an_image"
    assert err.message_vi == "Tệp này không phải là ảnh."


@pytest.mark.parametrize(
    ("fmt", "name"),
    [("GIF", "GIF"), ("BMP", "BMP"), ("TIFF", "TIFF")],
)
def test_other_image_formats_are_not_allowed(fmt, name):
    err = refusal(encode(scene((32, 24)), fmt))

    assert err.code == "format_not_allowed"
    assert err.message_en == (
        f"{name} images are not accepted. Only JPEG, PNG or WebP images are accepted."
    )


def test_truncated_jpeg_is_corrupt():
    data = phone_jpeg()

    err = refusal(data[: len(data) // 2])

    assert err.code == "corrupt"
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False


def test_truncated_png_is_corrupt():
    data = encode(scene(), "PNG")

    assert refusal(data[: len(data) // 2]).code == "corrupt"


def test_jpeg_magic_followed_by_garbage_is_corrupt():
    assert refusal(b"\xff\xd8\xff" + b"not really a jpeg" * 10).code == "corrupt"


def test_png_bomb_is_refused_from_header_without_allocating_pixels():
    bomb = png_bomb()
    assert len(bomb) < 100_000
    assert PngImagePlugin.PngImageFile(io.BytesIO(bomb)).size == (20_000, 20_000)
    pixel_buffers_before = Image.core.get_stats()["new_count"]
    max_image_pixels = Image.MAX_IMAGE_PIXELS

    tracemalloc.start()
    try:
        err = refusal(bomb)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert err.code == "too_many_pixels"
    assert err.message_en == "The image dimensions are too large (20000 × 20000 pixels)."
    assert err.message_vi == "Kích thước ảnh quá lớn (20000 × 20000 điểm ảnh)."
    # tracemalloc sees Python allocations only; Pillow's pixel buffers are counted by
    # its own allocator statistics.
    assert peak < 50 * 1024 * 1024
    assert Image.core.get_stats()["new_count"] == pixel_buffers_before
    assert max_image_pixels == Image.MAX_IMAGE_PIXELS


def test_long_thin_image_over_max_side_is_refused():
    err = refusal(encode(Image.new("L", (12_001, 1)), "PNG"))

    assert err.code == "too_many_pixels"


def test_pixel_limit_is_per_call():
    data = encode(scene((100, 100)), "PNG")

    assert refusal(data, max_pixels=9_999).code == "too_many_pixels"
    assert inspect_image(data, max_pixels=10_000).width == 100


def test_refusal_str_names_code():
    assert str(refusal(b"")) == "empty: The image file is empty."


# --- thumbnails and stripping ---------------------------------------------------------


def red_left_blue_right() -> Image.Image:
    img = Image.new("RGB", (400, 200), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, 200, 200))
    return img


def test_thumbnail_is_small_rgb_jpeg():
    thumb = Image.open(io.BytesIO(make_thumbnail(phone_jpeg(), max_side=64)))

    assert thumb.format == "JPEG"
    assert thumb.mode == "RGB"
    assert max(thumb.size) == 64
    assert thumb.size == (64, 48)


def test_thumbnail_applies_orientation_6():
    # Orientation 6: the stored pixels must be turned 90 degrees clockwise for display,
    # so the stored left (red) half ends up on top.
    data = encode(red_left_blue_right(), "JPEG", exif=gps_exif(orientation=6))

    thumb = Image.open(io.BytesIO(make_thumbnail(data, max_side=100)))

    assert thumb.size == (50, 100)
    top_r, _, top_b = thumb.getpixel((25, 10))
    bottom_r, _, bottom_b = thumb.getpixel((25, 90))
    assert top_r > 200 > top_b
    assert bottom_b > 200 > bottom_r


def test_thumbnail_carries_no_exif():
    thumb = Image.open(io.BytesIO(make_thumbnail(phone_jpeg(gps_exif(orientation=6)))))

    assert "exif" not in thumb.info
    assert len(thumb.getexif()) == 0
    assert inspect_image(make_thumbnail(phone_jpeg())).gps is None


def test_thumbnail_puts_transparency_on_white():
    img = Image.new("RGBA", (20, 20), (0, 0, 0, 0))

    thumb = Image.open(io.BytesIO(make_thumbnail(encode(img, "PNG"))))

    assert thumb.getpixel((10, 10)) == (255, 255, 255)


def test_thumbnail_refuses_what_inspect_refuses():
    with pytest.raises(ImageRefused) as caught:
        make_thumbnail(png_bomb())

    assert caught.value.code == "too_many_pixels"


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_strip_exif_removes_gps_and_time_and_keeps_format(fmt):
    data = encode(scene(), fmt, exif=gps_exif())
    assert inspect_image(data).gps is not None

    info = inspect_image(strip_exif(data))

    assert info.format == fmt.lower()
    assert (info.gps, info.taken_at, info.orientation) == (None, None, None)
    assert b"Exif" not in strip_exif(data)


def test_strip_exif_keeps_the_photo_upright():
    data = encode(red_left_blue_right(), "PNG", exif=gps_exif(orientation=6))

    stripped = Image.open(io.BytesIO(strip_exif(data)))

    assert stripped.size == (200, 400)
    assert stripped.getpixel((100, 20)) == (255, 0, 0)
    assert stripped.getpixel((100, 380)) == (0, 0, 255)


# --- perceptual hash ------------------------------------------------------------------


def test_perceptual_hash_is_sixteen_hex_digits():
    value = perceptual_hash(phone_jpeg())

    assert len(value) == 16
    int(value, 16)


def test_perceptual_hash_survives_reencoding_and_metadata_loss():
    original = encode(scene((640, 480)), "JPEG", quality=95, exif=gps_exif())
    reencoded = encode(Image.open(io.BytesIO(original)), "JPEG", quality=60)
    as_png = encode(Image.open(io.BytesIO(original)), "PNG")

    assert perceptual_hash(reencoded) == perceptual_hash(original)
    assert perceptual_hash(as_png) == perceptual_hash(original)
    assert perceptual_hash(strip_exif(original)) == perceptual_hash(original)


def test_perceptual_hash_is_close_for_a_resized_copy():
    original = encode(scene((640, 480)), "JPEG", quality=95)
    smaller = encode(Image.open(io.BytesIO(original)).resize((320, 240)), "JPEG", quality=80)

    assert hamming(perceptual_hash(smaller), perceptual_hash(original)) <= 4


def test_perceptual_hash_is_far_for_a_different_photo():
    a = perceptual_hash(encode(scene((640, 480)), "JPEG"))
    b = perceptual_hash(encode(other_scene((640, 480)), "JPEG"))

    assert hamming(a, b) >= 20


def test_hamming_counts_differing_bits():
    assert hamming("0000000000000000", "0000000000000000") == 0
    assert hamming("0000000000000000", "ffffffffffffffff") == 64
    assert hamming("00000000000000f0", "0000000000000010") == 3


@pytest.mark.parametrize("bad", ["", "abc", "0x00000000000000", "zzzzzzzzzzzzzzzz"])
def test_hamming_rejects_values_that_are_not_hashes(bad):
    with pytest.raises(ValueError, match="16 hex digits"):
        hamming(bad, "0000000000000000")


# --- distance -------------------------------------------------------------------------


def test_distance_ha_noi_to_cao_bang_is_186_km():
    assert round(distance_m(HA_NOI, CAO_BANG) / 1000) == 186


def test_distance_is_zero_for_the_same_point():
    assert distance_m(HA_NOI, HA_NOI) == 0.0


def test_distance_of_photo_gps_to_household():
    photo = inspect_image(phone_jpeg()).gps
    assert photo is not None

    assert distance_m(photo, HA_NOI) < 1.0
