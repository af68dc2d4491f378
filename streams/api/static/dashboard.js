// Entente dashboard: the alliance network (Cytoscape.js), a world map (d3-geo, Natural Earth shapes),
// a row's timeline and evidence, a live feed of changes and a date slider setting `as_of`.
// Every piece of data goes into the page through textContent or attributes, never as markup.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const STANCES = ["allied", "cooperative", "neutral", "tense", "hostile"];
const STANCE_COLOURS = { allied: "#1b7f3b", cooperative: "#6cbf6c", neutral: "#9a9a9a", tense: "#e39b2d", hostile: "#c0392b" };
const ZONE_STATUSES = ["reported", "agreed", "withdrawal", "under offensive", "seized"];
const DAY_MS = 86400000;
const FEED_LIMIT = 200;
const PAGE = 20;
const ALLIANCE_FIELDS = "a,b,stance,score,counts,first,last,events,sources";
const ZONE_FIELDS = "zone,status,kind,since,parties,deployed,controlled_by,first,last,events";

const state = {
  asOf: null, selected: null, liveRefresh: null, loads: 0,
  alliances: [], zones: [], names: new Map(), actors: new Map(), places: new Map(),
  world: null, cy: null, focus: -1, evidence: null,
};

function el(tag, attrs = {}, text = null) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== null) node.textContent = text;
  return node;
}

function slug(text) { return String(text).toLowerCase().replace(/[^a-z0-9]+/g, "-"); }
function dayNumber(iso) { return Math.round(Date.parse(iso + "T00:00:00Z") / DAY_MS); }
function isoDay(number) { return new Date(number * DAY_MS).toISOString().slice(0, 10); }
function nameOf(id) { return state.names.get(id) || id; }
function pairKey(row) { return row.a + "|" + row.b; }
function onEnter(node, action) {
  node.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); action(); } });
}

async function getJSON(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function withAsOf(path, params = {}) {
  const query = new URLSearchParams(params);
  if (state.asOf) query.set("as_of", state.asOf);
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

function setStatus(text) { document.getElementById("status").textContent = text; }

// -- names and filters ----------------------------------------------------------------

async function loadAtlas() {
  const atlas = await getJSON("/atlas");
  for (const actor of atlas.actors) {
    state.names.set(actor.id, actor.name);
    state.actors.set(actor.id, actor);
  }
  for (const zone of atlas.zones) state.places.set(zone.id, zone);
}

function filters() {
  const stances = new Set([...document.querySelectorAll("#filter-stance input:checked")].map((box) => box.value));
  return { actor: document.getElementById("filter-actor").value, type: document.getElementById("filter-type").value, stances };
}

function visiblePairs() {
  const { actor, type, stances } = filters();
  return state.alliances.filter((row) =>
    stances.has(row.stance) && (!actor || row.a === actor || row.b === actor) && (!type || (row.counts || {})[type] > 0));
}

function fillSelect(select, values, label, keep) {
  const current = select.value;
  const options = values.map((value) => el("option", { value }, label(value)));
  select.replaceChildren(...(keep ? [el("option", { value: "" }, "all")] : []), ...options);
  if (values.includes(current) || (keep && current === "")) select.value = current;
}

function actorsOf(rows) { return [...new Set(rows.flatMap((row) => [row.a, row.b]))]; }

function drawFilters() {
  const actors = actorsOf(state.alliances).sort((x, y) => nameOf(x).localeCompare(nameOf(y)));
  const label = (id) => (nameOf(id) === id ? id : `${nameOf(id)} (${id})`);
  fillSelect(document.getElementById("filter-actor"), actors, label, true);
  const types = [...new Set(state.alliances.flatMap((row) => Object.keys(row.counts || {})))].sort();
  fillSelect(document.getElementById("filter-type"), types, (t) => t, true);
  const mapActor = document.getElementById("map-actor");
  const busiest = [...activity().entries()].sort((x, y) => y[1] - x[1]).map(([id]) => id);
  const previous = mapActor.value;
  fillSelect(mapActor, actors, label, false);
  mapActor.value = actors.includes(previous) ? previous : busiest[0] || "";
  document.getElementById("actor-names").replaceChildren(...actors.map((id) => el("option", { value: nameOf(id) })));
}

function drawStanceFilter() {
  const box = document.getElementById("filter-stance");
  for (const stance of STANCES) {
    const label = el("label", { class: "chip" });
    const input = el("input", { type: "checkbox", value: stance });
    input.checked = true;
    input.addEventListener("change", drawNetwork);
    label.append(input, el("span", { class: "swatch stance-" + stance }), stance);
    box.appendChild(label);
  }
}

function drawLegends() {
  const item = (cls, text) => { const li = el("li"); li.append(el("span", { class: "swatch " + cls }), text); return li; };
  document.getElementById("legend").replaceChildren(...STANCES.map((s) => item("stance-" + s, s)));
  document.getElementById("zone-legend").replaceChildren(...ZONE_STATUSES.map((s) => item("status-" + slug(s), s)));
}

// -- network -------------------------------------------------------------------------

function activity() {
  const count = new Map();
  for (const row of state.alliances) for (const id of [row.a, row.b]) count.set(id, (count.get(id) || 0) + (row.events || 1));
  return count;
}

function drawNetwork() {
  const pairs = visiblePairs();
  const busy = activity();
  const most = Math.max(1, ...busy.values());
  const nodes = actorsOf(pairs).map((id) => ({
    data: { id, label: nameOf(id), size: 16 + 34 * Math.sqrt((busy.get(id) || 1) / most) },
  }));
  const edges = pairs.map((row) => ({
    data: { id: pairKey(row), source: row.a, target: row.b, stance: row.stance, width: 1.5 + Math.min(Math.abs(row.score), 30) / 3 },
  }));
  const container = document.getElementById("network");
  container.dataset.edges = String(edges.length);
  container.dataset.nodes = String(nodes.length);
  if (state.cy) state.cy.destroy();
  state.cy = cytoscape({
    container, elements: [...nodes, ...edges],
    layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 90 },
    style: [
      { selector: "node", style: { width: "data(size)", height: "data(size)", "background-color": "#2f3a4a", label: "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 3, "text-outline-color": "#fff", "text-outline-width": 2 } },
      { selector: "edge", style: { width: "data(width)", "line-color": "#999", "curve-style": "bezier", opacity: 0.85 } },
      ...STANCES.map((stance) => ({ selector: `edge[stance = "${stance}"]`, style: { "line-color": STANCE_COLOURS[stance] } })),
      { selector: ".found", style: { "background-color": "#1f6feb", "border-width": 3, "border-color": "#f2c94c" } },
      { selector: ".focused, :selected", style: { "overlay-color": "#1f6feb", "overlay-opacity": 0.25, "overlay-padding": 6 } },
    ],
  });
  state.cy.on("tap", "edge", (event) => openPair(event.target.id()));
  state.cy.on("tap", "node", (event) => chooseActor(event.target.id()));
  state.focus = -1;
  drawPairs(pairs);
  search();
}

function drawPairs(pairs) {
  document.getElementById("pairs-count").textContent = String(pairs.length);
  document.getElementById("pairs").replaceChildren(...pairs.map((row) => {
    const key = pairKey(row);
    const item = el("li", { "data-key": key, "data-stance": row.stance, class: "pair stance-" + row.stance, tabindex: "0" });
    item.append(el("span", { class: "swatch stance-" + row.stance }), `${nameOf(row.a)} – ${nameOf(row.b)}: ${row.stance} (${row.score})`);
    if (state.selected === "alliances:" + key) item.classList.add("selected");
    item.addEventListener("click", () => openPair(key));
    onEnter(item, () => openPair(key));
    return item;
  }));
}

function search() {
  if (!state.cy) return;
  const wanted = document.getElementById("search").value.trim().toLowerCase();
  state.cy.nodes().removeClass("found");
  if (!wanted) return;
  const found = state.cy.nodes().filter((node) => node.id().toLowerCase() === wanted || node.data("label").toLowerCase().includes(wanted));
  found.addClass("found");
  document.getElementById("network").dataset.found = found.map((node) => node.id()).join(" ");
  if (found.length) state.cy.fit(found.closedNeighborhood(), 40);
}

function moveFocus(event) {
  if (!state.cy) return;
  const items = state.cy.elements().sort((x, y) => (x.isNode() === y.isNode() ? x.id().localeCompare(y.id()) : x.isNode() ? -1 : 1));
  if (!items.length) return;
  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
  if (step) {
    event.preventDefault();
    state.focus = (state.focus + step + items.length) % items.length;
    state.cy.elements().removeClass("focused");
    const item = items[state.focus].addClass("focused");
    const text = item.isNode() ? `actor ${item.data("label")}` : `pair ${nameOf(item.data("source"))} – ${nameOf(item.data("target"))}, ${item.data("stance")}`;
    document.getElementById("network-focus").textContent = text;
    document.getElementById("network").dataset.focused = item.id();
  } else if (event.key === "Enter" && state.focus >= 0) {
    event.preventDefault();
    const item = items[state.focus];
    if (item.isEdge()) openPair(item.id());
    else chooseActor(item.id());
  }
}

function chooseActor(id) {
  document.getElementById("filter-actor").value = id;
  document.getElementById("map-actor").value = id;
  drawNetwork();
  drawMap();
}

// -- map ------------------------------------------------------------------------------

async function loadWorld() {
  const topology = await getJSON("/static/vendor/countries-110m.json");
  state.world = topojson.feature(topology, topology.objects.countries).features;
}

function stancesToward(actor) {
  const found = new Map();
  for (const row of state.alliances) {
    if (row.a === actor) found.set(row.b, row.stance);
    else if (row.b === actor) found.set(row.a, row.stance);
  }
  return found;
}

function drawMap() {
  if (!state.world) return;
  const svg = document.getElementById("map");
  const actor = document.getElementById("map-actor").value;
  const toward = stancesToward(actor);
  const numeric = new Map();
  for (const info of state.actors.values()) if (info.numeric) numeric.set(info.numeric, info.id);
  const lit = state.world.filter((shape) => toward.has(numeric.get(shape.id)) || numeric.get(shape.id) === actor);
  const points = state.zones.map((zone) => state.places.get(zone.zone)).filter((place) => place && place.latitude !== null);
  const focus = { type: "FeatureCollection", features: [...lit, ...points.map((p) => ({ type: "Feature", geometry: { type: "Point", coordinates: [p.longitude, p.latitude] } }))] };
  const projection = d3.geoNaturalEarth1();
  if (focus.features.length) projection.fitExtent([[20, 20], [940, 500]], focus);
  else projection.fitSize([960, 520], { type: "Sphere" });
  if (projection.scale() > 2500) projection.scale(2500);  // never closer than a region
  const path = d3.geoPath(projection);
  const countries = el("svg:g", { id: "countries" });
  for (const shape of state.world) {
    const id = numeric.get(shape.id);
    const stance = toward.get(id);
    const cls = ["country", stance ? "stance-" + stance : "", id && id === actor ? "chosen" : ""].filter(Boolean).join(" ");
    const node = el("svg:path", { d: path(shape) || "", class: cls, "data-numeric": shape.id || "" });
    if (id) node.setAttribute("data-actor", id);
    if (stance) node.setAttribute("data-stance", stance);
    node.appendChild(el("svg:title", {}, `${shape.properties.name}${stance ? `: ${stance} toward ${nameOf(actor)}` : ""}`));
    if (stance) node.addEventListener("click", () => openPair([id, actor].sort().join("|")));
    countries.appendChild(node);
  }
  const markers = el("svg:g", { id: "zone-markers" });
  for (const zone of state.zones) {
    const place = state.places.get(zone.zone);
    if (!place || place.latitude === null) continue;
    const spot = projection([place.longitude, place.latitude]);
    if (!spot) continue;
    const marker = el("svg:circle", {
      cx: spot[0].toFixed(1), cy: spot[1].toFixed(1), r: 7, tabindex: "0", role: "button",
      class: "zone-marker status-" + slug(zone.status), "data-zone": zone.zone, "data-status": zone.status,
      "aria-label": `${place.name}: ${zone.status}`,
    });
    if (state.selected === "zones:" + zone.zone) marker.classList.add("selected");
    marker.appendChild(el("svg:title", {}, `${place.name}: ${zone.status}${zone.since ? " since " + zone.since : ""}`));
    marker.addEventListener("click", () => openZone(zone.zone));
    onEnter(marker, () => openZone(zone.zone));
    markers.appendChild(marker);
  }
  svg.replaceChildren(countries, markers);
  svg.dataset.actor = actor;
  svg.dataset.shaded = String(countries.querySelectorAll("[data-stance]").length);
}

// -- details: timeline, evidence, article ------------------------------------------------

function rowPath(table, key) {
  if (table === "alliances") return "/alliances/" + key.split("|").map(encodeURIComponent).join("/");
  return "/zones/" + encodeURIComponent(key);
}

async function openPair(key) { await openRow("alliances", key); }
async function openZone(id) { await openRow("zones", id); }

async function openRow(table, key) {
  state.selected = `${table}:${key}`;
  markSelected();
  try {
    const [found, history] = await Promise.all([getJSON(withAsOf(rowPath(table, key), { limit: PAGE })), getJSON(withAsOf(rowPath(table, key) + "/timeline"))]);
    const row = found.alliance || found.zone;
    const title = table === "alliances" ? `${nameOf(row.a)} – ${nameOf(row.b)}` : (state.places.get(key) || {}).name || key;
    const summary = table === "alliances"
      ? `${row.stance}, score ${row.score}, ${row.events} events from ${row.sources} sources`
      : `${row.status}${row.since ? " since " + row.since : ""}; parties ${row.parties.map(nameOf).join(", ") || "none"}`;
    document.getElementById("details-title").textContent = title;
    document.getElementById("details-title").dataset.key = key;
    document.getElementById("details-summary").textContent = summary;
    drawTimeline(table, key, history);
    showEvidence(table, key, found.why, null, false);
  } catch (error) {
    document.getElementById("details-summary").textContent = `${key}: not in the state as of ${state.asOf || "now"}`;
    document.getElementById("timeline").toggleAttribute("hidden", true);
    showEvidence(table, key, { facts: [], next: null }, null, false);
  }
}

function drawTimeline(table, key, history) {
  const svg = document.getElementById("timeline");
  const series = history.series;
  svg.toggleAttribute("hidden", series.length === 0);
  document.getElementById("timeline-note").textContent = series.length ? "Points are the days with events: open one for its evidence." : "";
  if (!series.length) return svg.replaceChildren();
  const W = 600, H = 200, left = 44, right = 12, top = 12, bottom = 28;
  const days = [...series.map((p) => dayNumber(p.date)), ...history.events.map((e) => dayNumber(e.date))];
  const d0 = Math.min(...days), d1 = Math.max(...days, d0 + 1);
  const x = (iso) => left + ((dayNumber(iso) - d0) / (d1 - d0)) * (W - left - right);
  const numeric = table === "alliances";
  const statuses = [...new Set(series.map((p) => p.status))];
  const value = (p) => (numeric ? p.score : statuses.indexOf(p.status));
  const values = series.map(value);
  const lo = Math.min(0, ...values), hi = Math.max(numeric ? 1 : statuses.length - 1, ...values);
  const y = (v) => H - bottom - ((v - lo) / (hi - lo || 1)) * (H - top - bottom);
  const nodes = [el("svg:line", { x1: left, x2: W - right, y1: y(0), y2: y(0), class: "axis" })];
  const ticks = numeric ? [lo, 0, hi].filter((v, i, all) => all.indexOf(v) === i) : statuses.map((_, i) => i);
  for (const tick of ticks) nodes.push(el("svg:text", { x: left - 4, y: y(tick) + 4, "text-anchor": "end", class: "tick" }, numeric ? String(Math.round(tick * 10) / 10) : statuses[tick]));
  nodes.push(el("svg:text", { x: left, y: H - 8, class: "tick" }, isoDay(d0)), el("svg:text", { x: W - right, y: H - 8, "text-anchor": "end", class: "tick" }, isoDay(d1)));
  const line = series.map((p, i) => `${i ? "L" : "M"}${x(p.date).toFixed(1)},${y(value(p)).toFixed(1)}`).join("");
  nodes.push(el("svg:path", { d: line, class: "series" }));
  const at = new Map(series.map((p) => [p.date, value(p)]));
  let last = values[0];
  for (const point of history.events) {
    if (at.has(point.date)) last = at.get(point.date);
    const dot = el("svg:circle", {
      cx: x(point.date).toFixed(1), cy: y(last).toFixed(1), r: Math.min(3 + Math.sqrt(point.count) * 1.5, 10),
      class: "event-point", tabindex: "0", role: "button", "data-date": point.date,
      "aria-label": `${point.date}: ${point.count} events`,
    });
    const kinds = Object.entries(point.types).map(([type, n]) => `${type} ${n}`).join(", ");
    dot.appendChild(el("svg:title", {}, `${point.date}: ${kinds}`));
    const open = () => openDay(table, key, point.date);
    dot.addEventListener("click", open);
    onEnter(dot, open);
    nodes.push(dot);
  }
  svg.replaceChildren(...nodes);
  svg.dataset.key = key;
  svg.setAttribute("aria-label", `${numeric ? "Score" : "Status"} of ${key} over time`);
}

async function openDay(table, key, day) {
  const found = await getJSON(withAsOf(rowPath(table, key), { limit: PAGE, on: day }));
  showEvidence(table, key, found.why, day, false);
}

function showEvidence(table, key, why, day, append) {
  state.evidence = { table, key, day, next: why.next };
  document.getElementById("article").hidden = append ? document.getElementById("article").hidden : true;
  const list = document.getElementById("evidence");
  const items = why.facts.map((fact) => evidenceItem(fact));
  if (append) list.append(...items);
  else list.replaceChildren(...items);
  list.dataset.day = day || "";
  const more = document.getElementById("more");
  more.hidden = why.next === null || why.next === undefined;
  more.textContent = `More evidence (${list.children.length} of ${why.facts_total ?? list.children.length})`;
}

async function moreEvidence() {
  const { table, key, day, next } = state.evidence || {};
  if (next === null || next === undefined) return;
  const params = { limit: PAGE, offset: next };
  if (day) params.on = day;
  const found = await getJSON(withAsOf(rowPath(table, key), params));
  showEvidence(table, key, found.why, day, true);
}

function evidenceItem(fact) {
  const item = el("li", { class: "fact", "data-event": fact.event_id });
  const parts = [fact.date || "undated", fact.type, fact.direction, fact.zone, describeRole(fact)];
  item.appendChild(el("div", { class: "fact-head" }, parts.filter(Boolean).join(" · ")));
  item.appendChild(el("p", { class: "sentence" }, fact.sentence));
  const article = fact.article || { id: fact.article_id };
  const link = el("a", { href: "/articles/" + encodeURIComponent(fact.article_id), class: "article-link" }, article.title || "untitled article");
  link.addEventListener("click", (event) => { event.preventDefault(); showArticle(fact); });
  item.appendChild(link);
  const outlet = [article.source, article.published].filter(Boolean).join(", ");
  if (outlet) item.appendChild(el("span", { class: "outlet" }, " — " + outlet));
  return item;
}

function describeRole(fact) {
  if (fact.contribution !== undefined) return (fact.contribution >= 0 ? "+" : "") + fact.contribution;
  if (!fact.role) return null;
  if (typeof fact.role === "string") return fact.role;
  return [fact.role.kind, fact.role.step].filter(Boolean).join(" → ");
}

function safeLink(url) {
  try { return ["http:", "https:"].includes(new URL(url).protocol) ? url : null; } catch { return null; }
}

async function showArticle(fact) {
  const article = await getJSON("/articles/" + encodeURIComponent(fact.article_id));
  document.getElementById("article-title").textContent = article.title || "untitled article";
  document.getElementById("article-outlet").textContent = [article.source, article.published].filter(Boolean).join(", ");
  const link = document.getElementById("article-link");
  const url = safeLink(article.url);
  link.hidden = !url;
  if (url) { link.href = url; link.textContent = url; }
  const text = document.getElementById("article-text");
  const { start, end } = fact;
  if (Number.isInteger(start) && Number.isInteger(end) && end <= article.text.length) {
    const mark = el("mark", {}, article.text.slice(start, end));
    text.replaceChildren(article.text.slice(0, start), mark, article.text.slice(end));
    const panel = document.getElementById("article");
    panel.hidden = false;
    mark.scrollIntoView({ block: "nearest" });
  } else {
    text.replaceChildren(article.text);
    document.getElementById("article").hidden = false;
  }
  document.getElementById("article").scrollIntoView({ block: "nearest" });
}

function markSelected() {
  document.querySelectorAll(".selected").forEach((node) => node.classList.remove("selected"));
  if (!state.selected) return;
  const [table, key] = state.selected.split(/:(.*)/s);
  const selector = table === "alliances" ? `#pairs li[data-key="${CSS.escape(key)}"]` : `.zone-marker[data-zone="${CSS.escape(key)}"]`;
  document.querySelector(selector)?.classList.add("selected");
  if (state.cy && table === "alliances") { state.cy.elements().unselect(); state.cy.getElementById(key).select(); }
}

async function refreshSelected() {
  if (!state.selected) return;
  const [table, key] = state.selected.split(/:(.*)/s);
  await openRow(table, key);
}

// -- loading and the date slider ------------------------------------------------------

async function load() {
  const ticket = ++state.loads;
  const [alliances, zones] = await Promise.all([
    getJSON(withAsOf("/alliances", { fields: ALLIANCE_FIELDS })), getJSON(withAsOf("/zones", { fields: ZONE_FIELDS })),
  ]);
  if (ticket !== state.loads) return { alliances, zones };  // a newer load is on its way
  const known = [...actorsOf(alliances), ...zones.map((zone) => zone.zone)];
  if (known.some((id) => !state.names.has(id) && !state.places.has(id))) await loadAtlas();
  state.alliances = alliances;
  state.zones = zones;
  drawFilters();
  drawNetwork();
  drawMap();
  markSelected();
  setStatus(`${alliances.length} pairs, ${zones.length} zones${state.asOf ? " as of " + state.asOf : ""}`);
  document.body.dataset.loaded = state.asOf || "live";
  return { alliances, zones };
}

function setRange(rows) {
  const days = rows.flatMap((row) => [row.first, row.last]).filter(Boolean).map(dayNumber);
  if (!days.length) return;
  const slider = document.getElementById("date");
  const atEnd = Number(slider.value) >= Number(slider.max);
  slider.min = Math.min(...days);
  slider.max = Math.max(...days) + 1;  // the last step is "live"
  if (atEnd) slider.value = slider.max;
}

function onSlide() {
  const slider = document.getElementById("date");
  const live = Number(slider.value) >= Number(slider.max);
  state.asOf = live ? null : isoDay(Number(slider.value));
  document.getElementById("date-label").textContent = state.asOf || "live";
}

// -- live feed ------------------------------------------------------------------------

function describe(change) {
  const stance = (row) => (row ? row.stance || row.status : "none");
  const key = change.key.split("|").map(nameOf).join(" – ");
  return `#${change.offset} ${change.table} ${key}: ${stance(change.before)} → ${stance(change.after)}`;
}

function follow() {
  const source = new EventSource("/changes");
  source.addEventListener("change", (message) => {
    const change = JSON.parse(message.data);
    const feed = document.getElementById("feed");
    const item = el("li", { class: "fresh", "data-offset": String(change.offset), "data-key": change.key }, describe(change));
    feed.prepend(item);
    while (feed.children.length > FEED_LIMIT) feed.lastElementChild.remove();
    if (state.asOf === null) {
      clearTimeout(state.liveRefresh);
      state.liveRefresh = setTimeout(refreshLive, 300);
    }
  });
  source.addEventListener("open", () => { document.body.dataset.stream = "open"; });
  source.addEventListener("error", () => { document.body.dataset.stream = "reconnecting"; });
}

async function refreshLive() {
  const { alliances, zones } = await load();
  setRange([...alliances, ...zones]);
}

async function start() {
  drawLegends();
  drawStanceFilter();
  const slider = document.getElementById("date");
  slider.addEventListener("input", onSlide);
  slider.addEventListener("change", () => { onSlide(); load().then(refreshSelected).catch((e) => setStatus(e.message)); });
  for (const id of ["filter-actor", "filter-type"]) document.getElementById(id).addEventListener("change", drawNetwork);
  document.getElementById("search").addEventListener("input", search);
  document.getElementById("filters").addEventListener("submit", (event) => event.preventDefault());
  document.getElementById("map-actor").addEventListener("change", drawMap);
  document.getElementById("network").addEventListener("keydown", moveFocus);
  document.getElementById("more").addEventListener("click", () => moreEvidence().catch((e) => setStatus(e.message)));
  try {
    await Promise.all([loadAtlas(), loadWorld()]);
    const { alliances, zones } = await load();
    setRange([...alliances, ...zones]);
    slider.value = slider.max;
  } catch (error) {
    setStatus(error.message);
  }
  follow();
}

document.addEventListener("DOMContentLoaded", start);
