// Renkei partner map: Leaflet (xstatic-leaflet, served locally) with NO tile server. Country outlines
// come from world-countries-110m.geojson (Natural Earth, public domain; see geo/SOURCES.md), drawn as
// land on a sea-coloured background. Partners are circle markers coloured by tier (primary: blue,
// prospective: orange, Okabe–Ito colours), from the GeoJSON the page embeds (json_script), filtered
// like the matrix. A group of institutions shows one marker per member institution.

const COLOURS = { primary: "#0072B2", prospective: "#E69F00" };

function readJson(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  for (const child of children) node.append(child);
  return node;
}

async function main() {
  const box = document.getElementById("partner-map");
  if (!box || !window.L) return;
  const L = window.L;
  const data = readJson("partner-geojson") || { features: [] };
  const labels = readJson("partner-map-labels") || {};
  const map = L.map(box, { worldCopyJump: true, minZoom: 1, maxZoom: 8, attributionControl: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(box.dataset.attribution || "");
  map.setView([30, 140], 2);
  try {
    const response = await fetch(box.dataset.countries);
    const countries = await response.json();
    L.geoJSON(countries, {
      interactive: false,
      style: { color: "#9aa7b5", weight: 0.6, fillColor: "#f4f1e8", fillOpacity: 1 },
    }).addTo(map);
  } catch (error) {
    box.dataset.outlines = "failed";
  }
  const bounds = [];
  for (const feature of data.features) {
    const [lng, lat] = feature.geometry.coordinates;
    const p = feature.properties;
    const marker = L.circleMarker([lat, lng], {
      radius: 7, color: "#fff", weight: 1.5, fillColor: COLOURS[p.tier] || "#666", fillOpacity: 0.95,
    });
    const popup = el("div", { class: "partner-popup" },
      el("strong", {}, p.partner),
      p.name !== p.partner ? el("div", {}, p.name) : "",
      el("div", {}, `${labels[p.tier] || p.tier} · ${p.units} ${labels.units || ""}`),
      el("a", { href: p.url }, labels.open || "Open"),
    );
    marker.bindPopup(popup);
    marker.bindTooltip(p.partner);
    marker.addTo(map);
    bounds.push([lat, lng]);
  }
  if (bounds.length) map.fitBounds(bounds, { padding: [24, 24], maxZoom: 4 });
  box.dataset.markers = String(data.features.length);
  box.dataset.ready = "1";
}

main();
