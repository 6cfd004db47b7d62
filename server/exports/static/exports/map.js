// The staff map: households from the scoped GeoJSON endpoint, clustered, coloured by
// official status or by the engine's latest class. Tiles only when a tile URL is set.
"use strict";
(() => {
  const COLOURS = {
    poor: "#c62828",
    near_poor: "#ef8f00",
    middle: "#1565c0",
    not_poor: "#2e7d32",
    none: "#9e9e9e",
  };
  const ORDER = ["poor", "near_poor", "middle", "not_poor", "none"];
  const VIETNAM = [[8.2, 102.1], [23.4, 109.5]];

  function classOf(feature, by) {
    const value = feature.properties[by];
    return Object.hasOwn(COLOURS, value) ? value : "none";
  }

  // A cluster is a ring split by class, in proportion, around its household count.
  function clusterIcon(cluster, by) {
    const counts = {};
    cluster.getAllChildMarkers().forEach((m) => {
      counts[m.options.householdClass] = (counts[m.options.householdClass] || 0) + 1;
    });
    const n = cluster.getChildCount();
    let at = 0;
    const stops = ORDER.filter((k) => counts[k]).map((k) => {
      const from = at;
      at += (360 * counts[k]) / n;
      return `${COLOURS[k]} ${from}deg ${at}deg`;
    });
    const size = n < 100 ? 38 : n < 1000 ? 46 : 54;
    const ring = document.createElement("div");
    Object.assign(ring.style, {
      width: `${size}px`, height: `${size}px`, borderRadius: "50%", display: "flex",
      alignItems: "center", justifyContent: "center", boxShadow: "0 0 0 1px #333",
      background: `conic-gradient(${stops.join(", ")})`,
    });
    const label = document.createElement("span");
    Object.assign(label.style, {
      width: `${size - 14}px`, height: `${size - 14}px`, lineHeight: `${size - 14}px`,
      borderRadius: "50%", background: "#fff", color: "#111", textAlign: "center",
      fontWeight: "bold", fontSize: "12px",
    });
    label.textContent = n.toLocaleString("vi-VN");
    ring.append(label);
    return L.divIcon({ html: ring, className: `cluster cluster-${by}`, iconSize: [size, size] });
  }

  function legend(root, labels, counts) {
    const list = document.getElementById("legend");
    list.replaceChildren(...ORDER.map((k) => {
      const li = document.createElement("li");
      const sw = document.createElement("span");
      sw.className = `swatch swatch-${k}`;
      li.append(sw, `${labels[k]} (${(counts[k] || 0).toLocaleString("vi-VN")})`);
      return li;
    }));
  }

  function start() {
    const root = document.getElementById("map");
    if (!root || !window.L) return;
    const labels = {};
    ORDER.forEach((k) => { labels[k] = root.dataset[`label-${k}`.replace(/-([a-z])/g, (_, c) => c.toUpperCase())] || k; });
    // markercluster needs a maxZoom even when no tile layer gives one.
    const map = L.map(root, { minZoom: 4, maxZoom: 18 }).fitBounds(VIETNAM);
    if (root.dataset.tiles) {
      L.tileLayer(root.dataset.tiles, { attribution: root.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    }
    const status = document.getElementById("map-status");
    let features = [];
    let layer = null;
    const draw = (by) => {
      if (layer) map.removeLayer(layer);
      layer = L.markerClusterGroup({
        iconCreateFunction: (c) => clusterIcon(c, by), showCoverageOnHover: false,
        chunkedLoading: true,
      });
      const counts = {};
      const markers = [];
      features.forEach((f) => {
        if (!f.geometry) return;
        const cls = classOf(f, by);
        counts[cls] = (counts[cls] || 0) + 1;
        const [lon, lat] = f.geometry.coordinates;
        const marker = L.circleMarker([lat, lon], {
          radius: 7, color: "#222", weight: 1, fillColor: COLOURS[cls], fillOpacity: 0.9,
          householdClass: cls,
        });
        marker.bindPopup(() => {
          const div = document.createElement("div");
          const b = document.createElement("strong");
          b.textContent = f.properties.code;
          div.append(b, ` – ${f.properties.head_name}`, document.createElement("br"), labels[cls]);
          return div;
        });
        markers.push(marker);
      });
      layer.addLayers(markers);
      map.addLayer(layer);
      if (markers.length) map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 14 });
      legend(root, labels, counts);
      root.dataset.drawn = String(markers.length);
    };
    fetch(root.dataset.url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then((r) => { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then((data) => {
        features = data.features;
        const placed = features.filter((f) => f.geometry).length;
        status.textContent = (root.dataset.placed || "{placed} / {total}")
          .replace("{placed}", placed.toLocaleString("vi-VN"))
          .replace("{total}", features.length.toLocaleString("vi-VN"));
        const checked = document.querySelector("input[name=by]:checked");
        draw(checked ? checked.value : "status");
      })
      .catch((e) => { status.textContent = String(e); root.dataset.drawn = "error"; });
    document.querySelectorAll("input[name=by]").forEach((input) => {
      input.addEventListener("change", () => draw(input.value));
    });
  }
  document.addEventListener("DOMContentLoaded", start);
})();
