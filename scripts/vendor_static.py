"""Copy the browser libraries, pinned in package.json, from node_modules into static folders.

The console serves them itself, never from a CDN, so the demo runs offline. Each library
travels with its licence. `--check` fails when a committed copy differs from the pinned
package (CI runs it after `npm ci`).

    python scripts/vendor_static.py [--check]
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"

# (package file under node_modules, committed copy); apps append their rows.
VENDORED: list[tuple[str, str]] = [
    ("htmx.org/dist/htmx.min.js", "server/console/static/console/vendor/htmx.min.js"),
    ("htmx.org/LICENSE", "server/console/static/console/vendor/htmx.LICENSE.txt"),
    ("leaflet/dist/leaflet.js", "server/exports/static/exports/vendor/leaflet.js"),
    ("leaflet/dist/leaflet.css", "server/exports/static/exports/vendor/leaflet.css"),
    ("leaflet/LICENSE", "server/exports/static/exports/vendor/leaflet.LICENSE.txt"),
    *(
        (f"leaflet/dist/images/{name}", f"server/exports/static/exports/vendor/images/{name}")
        for name in (
            "layers.png",
            "layers-2x.png",
            "marker-icon.png",
            "marker-icon-2x.png",
            "marker-shadow.png",
        )
    ),
    (
        "leaflet.markercluster/dist/leaflet.markercluster.js",
        "server/exports/static/exports/vendor/leaflet.markercluster.js",
    ),
    (
        "leaflet.markercluster/dist/MarkerCluster.css",
        "server/exports/static/exports/vendor/MarkerCluster.css",
    ),
    (
        "leaflet.markercluster/dist/MarkerCluster.Default.css",
        "server/exports/static/exports/vendor/MarkerCluster.Default.css",
    ),
    (
        "leaflet.markercluster/MIT-LICENCE.txt",
        "server/exports/static/exports/vendor/leaflet.markercluster.LICENSE.txt",
    ),
    ("chart.js/dist/chart.umd.min.js", "server/reports/static/reports/vendor/chart.umd.min.js"),
    ("chart.js/LICENSE.md", "server/reports/static/reports/vendor/chart.js.LICENSE.md"),
]


def main(check: bool) -> int:
    stale = []
    for source, target in VENDORED:
        data = (MODULES / source).read_bytes()
        path = ROOT / target
        if check:
            if not path.exists() or path.read_bytes() != data:
                stale.append(target)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    for target in stale:
        sys.stderr.write(f"{target} differs from node_modules: run `make vendor`\n")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main(check="--check" in sys.argv[1:]))
