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

  function clusterIcon(cluster, by) {
    const counts = {};
    cluster.getAllChildMarkers().forEach((m) => {
      counts[m.options.householdClass] = (counts[m.options.householdClass] || 0) + 1;
    });
    const top = ORDER.find((k) => counts[k]) || "none";
    const n = cluster.getChildCount();
    const size = n < 100 ? 34 : n < 1000 ? 42 : 50;
    const el = document.createElement("div");
    el.className = "cluster";
    el.textContent = n.toLocaleString("vi-VN");
    Object.assign(el.style, {
      background: COLOURS[top], color: "#fff", borderRadius: "50%", width: `${size}px`,
      height: `${size}px`, lineHeight: `${size}px`, textAlign: "center", fontWeight: "bold",
      border: "2px solid #fff", boxShadow: "0 0 0 1px #333",
    });
    return L.divIcon({ html: el, className: `cluster-${by}`, iconSize: [size, size] });
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
    const map = L.map(root, { preferCanvas: false }).fitBounds(VIETNAM);
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
        status.textContent = `${placed.toLocaleString("vi-VN")} / ${features.length.toLocaleString("vi-VN")}`;
        const checked = document.querySelector("input[name=by]:checked");
        draw(checked ? checked.value : "status");
      })
      .catch((e) => { status.textContent = e.message; root.dataset.drawn = "error"; });
    document.querySelectorAll("input[name=by]").forEach((input) => {
      input.addEventListener("change", () => draw(input.value));
    });
  }
  document.addEventListener("DOMContentLoaded", start);
})();
