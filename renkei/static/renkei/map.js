// Renkei program map: Leaflet (xstatic-leaflet, served locally) with NO tile server.
// Draws a latitude/longitude graticule, provider points and program points from
// /api/v1/programs.geojson, clustered on a screen grid that is recomputed at every zoom.
// The filters are the search form on the page: any change reloads the GeoJSON.

const CELL = 56; // px: programs closer than this on screen are drawn as one cluster
const START = { center: [38.45, 140.25], zoom: 8 }; // Yamagata
const GRID = { south: 30, north: 46, west: 128, east: 146 }; // 1° lines across Tohoku and beyond

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null) continue;
    if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}

function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => String(values[key] ?? ""));
}

function drawGraticule(L, map) {
  const style = { color: "#b8c2d1", weight: 1, opacity: 0.7, interactive: false };
  const layer = L.layerGroup();
  for (let lat = GRID.south; lat <= GRID.north; lat += 1) {
    L.polyline([[lat, GRID.west], [lat, GRID.east]], style).addTo(layer);
  }
  for (let lng = GRID.west; lng <= GRID.east; lng += 1) {
    L.polyline([[GRID.south, lng], [GRID.north, lng]], style).addTo(layer);
  }
  const labels = L.layerGroup();
  const redrawLabels = () => {
    labels.clearLayers();
    const b = map.getBounds();
    const step = map.getZoom() >= 7 ? 1 : 2;
    for (let lat = Math.ceil(b.getSouth()); lat <= Math.floor(b.getNorth()); lat += step) {
      labels.addLayer(L.marker([lat, b.getWest()], {
        interactive: false, keyboard: false,
        icon: L.divIcon({ className: "graticule-label", html: `${lat}°N`, iconSize: [40, 14], iconAnchor: [-2, 14] }),
      }));
    }
    for (let lng = Math.ceil(b.getWest()); lng <= Math.floor(b.getEast()); lng += step) {
      labels.addLayer(L.marker([b.getSouth(), lng], {
        interactive: false, keyboard: false,
        icon: L.divIcon({ className: "graticule-label", html: `${lng}°E`, iconSize: [44, 14], iconAnchor: [-2, 16] }),
      }));
    }
  };
  map.on("moveend", redrawLabels);
  layer.addTo(map);
  labels.addTo(map);
  redrawLabels();
}

function programPopup(props, labels, lang) {
  const title = (lang === "en" && props.title_en) || props.title_ja;
  const provider = (lang === "en" && props.provider_name_en) || props.provider_name_ja;
  const box = el("div", { class: "map-popup" });
  if (props.is_sample) {
    box.append(el("span", { class: "badge badge-sample", title: labels.sampleTitle }, labels.sample), " ");
  }
  box.append(el("span", { class: "badge" }, labels.modes[props.mode] || props.mode));
  box.append(el("strong", { class: "popup-title" }, props.url ? el("a", { href: props.url }, title) : title));
  box.append(el("span", { class: "popup-provider" }, provider));
  const facts = [];
  if (props.next_start) facts.push(`${labels.starts}: ${props.next_start}`);
  if (props.fee_yen === 0) facts.push(labels.free);
  else if (props.fee_yen) facts.push(`¥${Number(props.fee_yen).toLocaleString()}`);
  if (props.venue_name_ja) facts.push(props.venue_name_ja);
  if (facts.length) box.append(el("span", { class: "popup-facts" }, facts.join(" · ")));
  return box;
}

function clusterPopup(features, labels, lang) {
  const box = el("div", { class: "map-popup" });
  box.append(el("strong", {}, `${features.length} ${labels.programs}`));
  const list = el("ul", { class: "popup-list" });
  for (const f of features.slice(0, 12)) {
    const p = f.properties;
    const title = (lang === "en" && p.title_en) || p.title_ja;
    const item = el("li", {}, p.url ? el("a", { href: p.url }, title) : title);
    if (p.is_sample) item.prepend(el("span", { class: "badge badge-sample", title: labels.sampleTitle }, labels.sample), " ");
    list.append(item);
  }
  box.append(list);
  if (features.length > 12) box.append(el("span", { class: "popup-facts" }, labels.zoom));
  return box;
}

function providerPopup(props, labels, lang) {
  const name = (lang === "en" && props.name_en) || props.name_ja;
  return el("div", { class: "map-popup" },
    el("span", { class: "badge badge-provider" }, labels.provider),
    el("strong", { class: "popup-title" }, props.url ? el("a", { href: props.url }, name) : name),
    el("span", { class: "popup-facts" }, `${props.programs} ${labels.programs}`));
}

// Group programs into screen cells of CELL px at the current zoom.
export function clusters(map, features) {
  const zoom = map.getZoom();
  const cells = new Map();
  for (const f of features) {
    const [lng, lat] = f.geometry.coordinates;
    const p = map.project([lat, lng], zoom);
    const key = `${Math.floor(p.x / CELL)}:${Math.floor(p.y / CELL)}`;
    let cell = cells.get(key);
    if (!cell) cells.set(key, (cell = { features: [], x: 0, y: 0 }));
    cell.features.push(f);
    cell.x += p.x;
    cell.y += p.y;
  }
  return [...cells.values()].map((c) => ({
    features: c.features,
    latlng: map.unproject([c.x / c.features.length, c.y / c.features.length], zoom),
  }));
}

function start(L, container) {
  const form = container.closest("form");
  const status = document.getElementById("map-status");
  const labels = JSON.parse(document.getElementById("map-labels").textContent);
  const lang = container.dataset.lang || "ja";
  const map = L.map(container, { minZoom: 5, maxZoom: 15, attributionControl: false, zoomSnap: 0.5 })
    .setView(START.center, START.zoom);
  drawGraticule(L, map);
  const programs = L.layerGroup().addTo(map);
  const providers = L.layerGroup().addTo(map);
  let data = { features: [] };
  let fitted = false;

  const render = () => {
    programs.clearLayers();
    providers.clearLayers();
    const points = data.features.filter((f) => f.properties.kind === "program");
    for (const f of data.features.filter((f) => f.properties.kind === "provider")) {
      const [lng, lat] = f.geometry.coordinates;
      L.marker([lat, lng], {
        title: (lang === "en" && f.properties.name_en) || f.properties.name_ja,
        icon: L.divIcon({ className: "provider-marker", html: "", iconSize: [14, 14] }),
      }).bindPopup(providerPopup(f.properties, labels, lang)).addTo(providers);
    }
    for (const cell of clusters(map, points)) {
      if (cell.features.length === 1) {
        const props = cell.features[0].properties;
        L.circleMarker(cell.latlng, {
          radius: 7, weight: 2, color: props.is_sample ? "#a35a00" : "#0f2747", fillColor: "#1f5fae", fillOpacity: 0.85,
          dashArray: props.is_sample ? "3 2" : null,
        }).bindPopup(programPopup(props, labels, lang)).addTo(programs);
        continue;
      }
      const n = cell.features.length;
      const size = n < 10 ? 30 : n < 100 ? 38 : 46;
      const marker = L.marker(cell.latlng, {
        title: `${n} ${labels.programs}`,
        icon: L.divIcon({ className: "cluster-marker", html: `<span>${n}</span>`, iconSize: [size, size] }),
      }).addTo(programs);
      if (map.getZoom() >= map.getMaxZoom() - 1) {
        marker.bindPopup(clusterPopup(cell.features, labels, lang));
      } else {
        marker.on("click", () => map.setView(cell.latlng, Math.min(map.getZoom() + 2, map.getMaxZoom())));
        marker.bindTooltip(`${n} ${labels.programs} · ${labels.zoom}`);
      }
    }
    if (!fitted && data.features.length) {
      const bounds = L.latLngBounds(data.features.map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]]));
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 10 });
      fitted = true;
    }
  };

  let controller = null;
  const load = async () => {
    const params = new URLSearchParams(new FormData(form));
    params.set("lang", lang);
    if (controller) controller.abort();
    controller = new AbortController();
    try {
      const response = await fetch(`${container.dataset.geojson}?${params}`, {
        signal: controller.signal, headers: { Accept: "application/geo+json" },
      });
      if (!response.ok) throw new Error(String(response.status));
      data = await response.json();
      render();
      let text = format(labels.onMap, { located: data.located, total: data.total });
      if (data.truncated) text += " " + format(labels.truncated, { n: data.features.length });
      if (status) status.textContent = text;
    } catch (error) {
      if (error.name !== "AbortError" && status) status.textContent = labels.failed;
    }
  };

  map.on("zoomend", render);
  form.addEventListener("change", load);
  form.addEventListener("input", (event) => {
    if (event.target.name === "q") {
      clearTimeout(form._mapTimer);
      form._mapTimer = setTimeout(load, 300);
    }
  });
  form.addEventListener("submit", (event) => {
    if (!window.htmx) return; // without htmx the form reloads the page, which reloads the map
    event.preventDefault();
    load();
  });
  load();
  return map;
}

const container = document.getElementById("program-map");
if (container && window.L) {
  container.renkeiMap = start(window.L, container);
}
