// Renkei program map: Leaflet (xstatic-leaflet, served locally) with NO tile server.
// The base map is drawn from two GeoJSON files shipped as static files (renkei/static/renkei/geo/,
// see SOURCES.md there): the 47 prefectures as land on a sea-coloured background, and Yamagata's
// 35 municipalities, whose borders and names appear when zoomed in. A faint latitude/longitude
// graticule shows through the sea. On top: provider points and program points from
// /api/v1/programs.geojson, clustered on a screen grid that is recomputed at every zoom.
// The filters are the search form on the page: any change reloads the programs' GeoJSON.

const CELL = 56; // px: programs closer than this on screen are drawn as one cluster
const START = [[37.73, 139.52], [39.22, 140.65]]; // Yamagata Prefecture, until the programs are loaded
const LIMITS = [[20, 118], [50, 156]]; // Japan and its seas: the map cannot be dragged far beyond
const GRID = { south: 20, north: 50, west: 120, east: 156 }; // 1° lines across Japan
const HOME_PREFECTURE = "06"; // Yamagata: its municipalities replace its own name when zoomed in
const ZOOM = { municipalBorders: 8.5, municipalNames: 9.5 }; // from these zoom levels on
// Panes, bottom to top; Leaflet's own overlayPane (400, program circles) and markerPane (600) lie above.
const PANES = { graticule: 210, land: 220, municipalities: 230, placeNames: 350 };

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
  const style = { color: "#aac3d6", weight: 1, opacity: 0.6, interactive: false, pane: "graticule" };
  const layer = L.layerGroup();
  for (let lat = GRID.south; lat <= GRID.north; lat += 1) {
    L.polyline([[lat, GRID.west], [lat, GRID.east]], style).addTo(layer);
  }
  for (let lng = GRID.west; lng <= GRID.east; lng += 1) {
    L.polyline([[GRID.south, lng], [GRID.north, lng]], style).addTo(layer);
  }
  const labels = L.layerGroup();
  const label = (latlng, html, iconSize, iconAnchor) => L.marker(latlng, {
    interactive: false, keyboard: false, pane: "placeNames",
    icon: L.divIcon({ className: "graticule-label", html, iconSize, iconAnchor }),
  });
  const redrawLabels = () => {
    labels.clearLayers();
    const b = map.getBounds();
    const step = map.getZoom() >= 7 ? 1 : 2;
    for (let lat = Math.ceil(b.getSouth()); lat <= Math.floor(b.getNorth()); lat += step) {
      labels.addLayer(label([lat, b.getWest()], `${lat}°N`, [40, 14], [-2, 14]));
    }
    for (let lng = Math.ceil(b.getWest()); lng <= Math.floor(b.getEast()); lng += step) {
      labels.addLayer(label([b.getSouth(), lng], `${lng}°E`, [44, 14], [-2, 16]));
    }
  };
  map.on("moveend", redrawLabels);
  layer.addTo(map);
  labels.addTo(map);
  redrawLabels();
}

async function fetchJson(url) {
  const response = await fetch(url, { headers: { Accept: "application/geo+json, application/json" } });
  if (!response.ok) throw new Error(`${response.status} ${url}`);
  return response.json();
}

function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Estimated width in px of a name: full-width (kanji, kana) characters are about 1 em wide, Latin ones about 0.6.
function textWidth(text, size) {
  return [...text].reduce((sum, c) => sum + (/[\u3000-\u9fff\uff00-\uffef]/.test(c) ? size : size * 0.6), 0);
}

// Names of places, drawn where they fit: bigger places first, and a name is left out if it would
// overlap one already placed or is wider than its place on screen (Tokyo at zoom 5, say).
function placeNames(L, map, lang) {
  const layer = L.layerGroup().addTo(map);
  const places = []; // { name, latlng, bounds, municipal, home }
  // The name goes in the largest part of a place (Tokyo's mainland, not the whole span to Ogasawara).
  const mainPart = (geometry) => {
    const outlines = geometry.type === "Polygon" ? [geometry.coordinates[0]]
      : geometry.type === "MultiPolygon" ? geometry.coordinates.map((polygon) => polygon[0]) : [];
    const boxes = outlines.map((ring) => L.latLngBounds(ring.map(([lng, lat]) => [lat, lng])));
    const size = (b) => (b.getEast() - b.getWest()) * (b.getNorth() - b.getSouth());
    return boxes.reduce((best, box) => (!best || size(box) > size(best) ? box : best), null);
  };
  const add = (feature, municipal) => {
    const p = feature.properties;
    const [lng, lat] = p.label || [];
    const bounds = mainPart(feature.geometry);
    if (lat === undefined || !bounds) return;
    places.push({
      name: (lang === "en" && p.name_en) || p.name,
      latlng: L.latLng(lat, lng),
      bounds,
      municipal,
      home: !municipal && p.code === HOME_PREFECTURE,
    });
  };
  const redraw = () => {
    layer.clearLayers();
    const zoom = map.getZoom();
    const view = map.getBounds().pad(0.2);
    const taken = [];
    const wanted = places
      .filter((place) => (place.municipal ? zoom >= ZOOM.municipalNames : !(place.home && zoom >= ZOOM.municipalNames)))
      .filter((place) => view.contains(place.latlng))
      .map((place) => {
        const ne = map.project(place.bounds.getNorthEast(), zoom);
        const sw = map.project(place.bounds.getSouthWest(), zoom);
        return { ...place, width: ne.x - sw.x, height: sw.y - ne.y };
      })
      .sort((a, b) => a.municipal - b.municipal || b.width * b.height - a.width * a.height);
    for (const place of wanted) {
      const w = textWidth(place.name, place.municipal ? 11 : 12) + 8;
      const h = 16;
      if (place.width < w * 0.8 || place.height < h) continue;
      const at = map.project(place.latlng, zoom);
      const box = { left: at.x - w / 2, right: at.x + w / 2, top: at.y - h / 2, bottom: at.y + h / 2 };
      if (taken.some((t) => box.left < t.right && t.left < box.right && box.top < t.bottom && t.top < box.bottom)) continue;
      taken.push(box);
      layer.addLayer(L.marker(place.latlng, {
        interactive: false, keyboard: false, pane: "placeNames",
        icon: L.divIcon({
          className: place.municipal ? "place-name place-name-municipal" : "place-name",
          html: escapeHtml(place.name), iconSize: [w, h], iconAnchor: [w / 2, h / 2],
        }),
      }));
    }
  };
  map.on("zoomend moveend", redraw);
  return { add, redraw };
}

// Yamagata's municipalities and the prefectures come from sources simplified to different degrees
// (see geo/SOURCES.md), so their common outline would show as two lines side by side. Only the
// borders BETWEEN two municipalities are drawn (segments that two rings share); the outline is the
// prefecture's. Rings sharing nothing are islands missing from the coarser prefecture data (飛島).
function municipalBorders(data) {
  const key = ([x1, y1], [x2, y2]) =>
    x1 < x2 || (x1 === x2 && y1 < y2) ? `${x1},${y1} ${x2},${y2}` : `${x2},${y2} ${x1},${y1}`;
  const rings = [];
  for (const { geometry } of data.features) {
    if (geometry.type === "Polygon") rings.push(...geometry.coordinates);
    else if (geometry.type === "MultiPolygon") rings.push(...geometry.coordinates.flat());
  }
  const uses = new Map();
  for (const ring of rings) {
    for (let i = 1; i < ring.length; i++) {
      const k = key(ring[i - 1], ring[i]);
      uses.set(k, (uses.get(k) || 0) + 1);
    }
  }
  const lines = [];
  const islands = [];
  const drawn = new Set();
  const latLng = ([lng, lat]) => [lat, lng];
  for (const ring of rings) {
    let run = null;
    let shared = false;
    for (let i = 1; i < ring.length; i++) {
      const k = key(ring[i - 1], ring[i]);
      if (uses.get(k) > 1) shared = true;
      if (uses.get(k) > 1 && !drawn.has(k)) {
        drawn.add(k);
        if (!run) lines.push((run = [latLng(ring[i - 1])]));
        run.push(latLng(ring[i]));
      } else {
        run = null;
      }
    }
    if (!shared) islands.push(ring.map(latLng));
  }
  return { lines, islands };
}

// The base map: prefectures as land, the borders of Yamagata's municipalities on top of it. Both
// files are static files of this site (their URLs come from the template); without them the map
// still works, on a plain sea-coloured background.
function drawBaseMap(L, map, container, lang) {
  const names = placeNames(L, map, lang);
  const showDetail = () => container.classList.toggle("map-detail", map.getZoom() >= ZOOM.municipalBorders);
  map.on("zoomend", showDetail);
  showDetail();
  const attribution = container.dataset.attribution
    ? `<a href="https://nlftp.mlit.go.jp/ksj/" rel="noopener">${escapeHtml(container.dataset.attribution)}</a>`
    : undefined;
  const land = { color: "#8e9aab", weight: 0.9, fillColor: "#f7f4ec", fillOpacity: 1, interactive: false };
  const load = (url, draw) => {
    if (!url) return;
    fetchJson(url)
      .then((data) => {
        draw(data);
        names.redraw();
      })
      .catch((error) => console.warn("base map not drawn:", error.message));
  };
  load(container.dataset.prefectures, (data) => {
    L.geoJSON(data, {
      pane: "land", attribution, interactive: false,
      style: (f) => f.properties.code === HOME_PREFECTURE
        ? { ...land, className: "land land-home", weight: 1.6 }
        : { ...land, className: "land" },
      onEachFeature: (feature) => names.add(feature, false),
    }).addTo(map);
  });
  load(container.dataset.municipalities, (data) => {
    for (const feature of data.features) names.add(feature, true);
    const { lines, islands } = municipalBorders(data);
    L.polygon(islands.map((ring) => [ring]), { ...land, pane: "land", className: "land" }).addTo(map);
    L.polyline(lines, {
      pane: "municipalities", className: "municipal-border", attribution,
      color: "#b3a58c", weight: 0.8, interactive: false,
    }).addTo(map);
  });
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
  const map = L.map(container, {
    minZoom: 5, maxZoom: 15, zoomSnap: 0.5, maxBounds: LIMITS, maxBoundsViscosity: 0.8,
  });
  for (const [pane, zIndex] of Object.entries(PANES)) {
    map.createPane(pane).style.zIndex = String(zIndex);
  }
  map.getPane("placeNames").style.pointerEvents = "none";
  map.fitBounds(START);
  drawGraticule(L, map);
  drawBaseMap(L, map, container, lang);
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
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 10, animate: false });
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
