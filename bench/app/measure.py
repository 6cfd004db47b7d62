"""Figures of the volunteer app: shell size, cold offline start, photo compression.

Run: .venv/bin/python bench/app/measure.py [--runs 5]
Starts its own server on a throwaway database (bench/app/server.py) and Debian's
Chromium; prints a JSON document and a Markdown table for docs/volunteer-app.md.
"""

from __future__ import annotations

import argparse
import base64
import gzip
import json
import re
import shutil
import statistics
import sys
import tempfile
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.app.server import CHROMIUM, CHROMIUM_ARGS, seeded_server  # noqa: E402
from tests.browser import driver  # noqa: E402
from tests.browser.camera import camera_jpeg  # noqa: E402

VIEWPORT = {"width": 360, "height": 640}
THROTTLE = 4


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local URL
        return bytes(response.read())


def shell_size(base: str) -> dict[str, Any]:
    """Bytes of every precached shell file, raw and gzip -9, as the server sends them."""
    sw = _get(base + "/app/sw.js").decode()
    listed = re.search(r"const SHELL = \[(.*)\];", sw)
    assert listed is not None
    urls = sorted(set(re.findall(r'"(/app/[^"]*)"', listed.group(1)))) + ["/app/sw.js"]
    rows = []
    for url in urls:
        data = _get(base + url)
        rows.append({"url": url, "raw": len(data), "gzip": len(gzip.compress(data, 9))})
    code = [r for r in rows if not r["url"].endswith(".png")]
    return {
        "files": rows,
        "total_raw": sum(r["raw"] for r in rows),
        "total_gzip": sum(r["gzip"] for r in rows),
        "code_gzip": sum(r["gzip"] for r in code),
        "icons_bytes": sum(r["raw"] for r in rows if r["url"].endswith(".png")),
    }


def _prepare_profile(playwright: Any, base: str, profile: Path) -> str:
    """Sign in, pull, open a new Phiếu B draft; return the survey URL."""
    ctx = playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        viewport=VIEWPORT,
        locale="vi-VN",
    )
    page = ctx.new_page()
    driver.sign_in(page, base)
    driver.wait_for_service_worker(page)
    driver.open_household(page, "Nguyễn Văn An")
    driver.start_form(page, "Phiếu B")
    url = page.url
    ctx.close()
    return url


FORM_READY_JS = """() => new Promise((resolve) => {
    const check = () => {
        const field = document.getElementById("f-survey_date");
        if (document.getElementById("finish") && field && !field.disabled) resolve(performance.now());
        else requestAnimationFrame(check);
    };
    check();
})"""


def cold_start(playwright: Any, base: str, runs: int) -> dict[str, Any]:
    """Time from navigation start to an interactive survey form, offline, CPU ÷4."""
    profile = Path(tempfile.mkdtemp(prefix="chungtay-profile-"))
    url = _prepare_profile(playwright, base, profile)
    times: list[float] = []
    marks: list[dict[str, int]] = []
    for _ in range(runs):
        ctx = playwright.chromium.launch_persistent_context(
            str(profile), executable_path=CHROMIUM, args=CHROMIUM_ARGS, viewport=VIEWPORT
        )
        page = ctx.pages[0] if ctx.pages else ctx.new_page()
        cdp = ctx.new_cdp_session(page)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})
        ctx.set_offline(True)
        page.goto(url, wait_until="commit")
        times.append(page.evaluate(FORM_READY_JS))
        marks.append(page.evaluate(MARKS_JS))
        page.fill("#f-survey_date", "2026-11-20")  # proves the form takes input
        ctx.close()
    shutil.rmtree(profile, ignore_errors=True)
    return {
        "cpu_throttling": THROTTLE,
        "runs_ms": [round(t) for t in times],
        "median_ms": round(statistics.median(times)),
        "marks_ms": marks,
    }


MARKS_JS = """() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const out = { html: Math.round(nav.responseEnd) };
    for (const m of performance.getEntriesByType("mark")) out[m.name] = Math.round(m.startTime);
    return out;
}"""

COMPRESS_JS = """async ({ b64 }) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const { compressPhoto } = await import("/app/static/js/photo.mjs");
    const file = new File([bytes], "IMG.jpg", { type: "image/jpeg" });
    const t0 = performance.now();
    const r = await compressPhoto(file);
    return { before: file.size, after: r.blob.size, width: r.width, height: r.height,
             ms: Math.round(performance.now() - t0), takenAt: r.takenAt,
             latitude: r.latitude, longitude: r.longitude };
}"""


def photos(playwright: Any, base: str, seeds: range) -> dict[str, Any]:
    """Compress camera-like 4000×3000 JPEGs in the page, CPU ÷4."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport=VIEWPORT)
    page.goto(base + "/app/")
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": THROTTLE})
    rows = []
    for seed in seeds:
        data = camera_jpeg(4000, 3000, seed=seed)
        rows.append(page.evaluate(COMPRESS_JS, {"b64": base64.b64encode(data).decode()}))
    browser.close()
    ratios = [r["before"] / r["after"] for r in rows]
    return {"photos": rows, "min_ratio": round(min(ratios), 1), "cpu_throttling": THROTTLE}


def markdown(result: dict[str, Any]) -> str:
    shell, cold, photo = result["shell"], result["cold_start"], result["photos"]
    lines = [
        "| figure | goal | measured |",
        "|---|---|---|",
        f"| app shell, gzip -9 (all precached files incl. icons) | < 150 KB | "
        f"{shell['total_gzip'] / 1024:.1f} KB ({shell['total_raw'] / 1024:.1f} KB raw) |",
        f"| app shell code only (HTML, JS, CSS, catalogs, manifest), gzip -9 | | "
        f"{shell['code_gzip'] / 1024:.1f} KB |",
        f"| cold offline start to interactive form, CPU ÷{cold['cpu_throttling']} | < 1.5 s | "
        f"median {cold['median_ms']} ms (runs {cold['runs_ms']}) |",
    ]
    for p in photo["photos"]:
        lines.append(
            f"| photo 4000×3000 → {p['width']}×{p['height']} | ≥ 10× smaller | "
            f"{p['before'] / 1024:.0f} KB → {p['after'] / 1024:.0f} KB "
            f"({p['before'] / p['after']:.1f}×, {p['ms']} ms at CPU ÷{THROTTLE}) |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with seeded_server() as base, sync_playwright() as playwright:
        result = {
            "shell": shell_size(base),
            "cold_start": cold_start(playwright, base, args.runs),
            "photos": photos(playwright, base, range(1, 4)),
        }
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(markdown(result))


if __name__ == "__main__":
    main()
