#!/bin/sh
# Copy the pinned Chart.js (package.json, npm ci) and its licence into the static folder.
# Served locally: the demo runs offline, so no page loads a script from a CDN.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
src="$root/node_modules/chart.js"
dst="$root/server/reports/static/reports/vendor"
version=$(node -p "require('$src/package.json').version")
mkdir -p "$dst"
cp "$src/dist/chart.umd.min.js" "$dst/chart.umd.min.js"
cp "$src/LICENSE.md" "$dst/chart.js-LICENSE.md"
echo "chart.js $version" > "$dst/VERSIONS"
