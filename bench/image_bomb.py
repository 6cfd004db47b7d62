"""Refusing a decompression bomb costs less than accepting an ordinary phone photo.

Usage: .venv/bin/python bench/image_bomb.py [--runs 15]

A 20,000 × 20,000 PNG (400 megapixels, under 100 KB on the wire) must be refused from its
header, without decoding. The baseline is `inspect_image` accepting a 1600 × 1200 JPEG,
the size the volunteer app uploads after compression: that path decodes the whole photo.
The script prints the median time of each and the median ratio bomb / baseline; a ratio
near or above 1 means the bomb is being decoded. This replaces a timed assert that sat in
tests/server/evidence/test_images.py (speed is measured here, never in tests).
"""

from __future__ import annotations

import argparse
import io
import statistics
import struct
import sys
import time
import zlib
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from any directory

from PIL import Image, ImageDraw  # noqa: E402

from server.evidence.images import ImageRefused, inspect_image  # noqa: E402

BASELINE = "accept a 1600x1200 phone JPEG"


def png_bomb(side: int = 20_000) -> bytes:
    """A valid 1-bit black PNG built with zlib, so making it allocates no pixels."""
    row = b"\x00" * (1 + (side + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, body: bytes) -> bytes:
    crc = zlib.crc32(kind + body) & 0xFFFFFFFF
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)


def phone_jpeg() -> bytes:
    """A 1600 × 1200 JPEG with detail, so the decoder has real work to do."""
    img = Image.new("RGB", (1600, 1200), (90, 140, 60))
    draw = ImageDraw.Draw(img)
    for i in range(0, 1600, 16):
        draw.line([(i, 0), (1600 - i, 1200)], fill=(i % 256, 80, 200 - i % 200), width=3)
    out = io.BytesIO()
    img.save(out, "JPEG", quality=82)
    return out.getvalue()


def refuse(data: bytes) -> None:
    try:
        inspect_image(data)
    except ImageRefused as refused:
        if refused.code != "too_many_pixels":
            message = f"the bomb was refused as {refused.code}, not too_many_pixels"
            raise SystemExit(message) from refused
        return
    raise SystemExit("the bomb was accepted")


def timed(run: Callable[[], object]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    bomb, photo = png_bomb(), phone_jpeg()
    refuse(bomb)  # warm up both paths once
    inspect_image(photo)
    bombs, baselines, ratios = [], [], []
    for _ in range(args.runs):
        bombs.append(timed(lambda: refuse(bomb)))
        baselines.append(timed(lambda: inspect_image(photo)))
        ratios.append(bombs[-1] / baselines[-1])
    print(f"bomb: 20000x20000 PNG, {len(bomb):,} bytes; baseline: {BASELINE}, {len(photo):,} bytes")
    print(f"refuse the bomb:  median {statistics.median(bombs) * 1000:.2f} ms")
    print(f"{BASELINE}:  median {statistics.median(baselines) * 1000:.2f} ms")
    print(f"median ratio bomb / baseline over {args.runs} runs: {statistics.median(ratios):.3f}")


if __name__ == "__main__":
    main()
