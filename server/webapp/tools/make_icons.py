"""Draw the app's PNG icons with Pillow: two joined hands as interlocking rings.

Run: .venv/bin/python -m server.webapp.tools.make_icons (writes static/webapp/icons/).
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parents[1] / "static" / "webapp" / "icons"
GREEN = (11, 79, 46, 255)
GOLD = (240, 176, 0, 255)
WHITE = (255, 255, 255, 255)


def draw(size: int, *, maskable: bool) -> Image.Image:
    """A green tile with two rings; maskable icons keep the art in the central 80%."""
    image = Image.new("RGBA", (size, size), GREEN if maskable else (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    if not maskable:
        pen.rounded_rectangle((0, 0, size - 1, size - 1), radius=size // 5, fill=GREEN)
    inset = 0.2 if maskable else 0.12
    box = size * (1 - 2 * inset)
    radius = box * 0.3
    width = max(2, round(size * 0.07))
    cy = size / 2
    for cx, colour in ((size / 2 - radius * 0.6, WHITE), (size / 2 + radius * 0.6, GOLD)):
        pen.ellipse(
            (cx - radius, cy - radius, cx + radius, cy + radius), outline=colour, width=width
        )
    return image


def main() -> None:
    ICONS.mkdir(parents=True, exist_ok=True)
    draw(192, maskable=False).save(ICONS / "icon-192.png", optimize=True)
    draw(512, maskable=False).save(ICONS / "icon-512.png", optimize=True)
    draw(512, maskable=True).save(ICONS / "maskable-512.png", optimize=True)


if __name__ == "__main__":
    main()
