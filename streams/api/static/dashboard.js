// Entente dashboard: the alliance network, the zones, a live feed of changes and a date slider.
// Every piece of data goes into the page through textContent or attributes, never as markup.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const STANCES = ["allied", "cooperative", "neutral", "tense", "hostile"];
const DAY_MS = 86400000;
const FEED_LIMIT = 200;

const state = { asOf: null, selected: null, liveRefresh: null, loads: 0 };

function el(tag, attrs = {}, text = null) {
  const node = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4)) : document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== null) node.textContent = text;
  return node;
}

function dayNumber(iso) { return Math.round(Date.parse(iso + "T00:00:00Z") / DAY_MS); }
function isoDay(number) { return new Date(number * DAY_MS).toISOString().slice(0, 10); }

async function getJSON(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

const ALLIANCE_FIELDS = "a,b,stance,score,first,last,events,sources";
const ZONE_FIELDS = "zone,status,since,parties,deployed,controlled_by,first,last";

function query() { return state.asOf ? "?as_of=" + state.asOf : ""; }

function listing(table, fields) {
  const params = new URLSearchParams({ fields });
  if (state.asOf) params.set("as_of", state.asOf);
  return `/${table}?${params}`;
}

function setStatus(text) { document.getElementById("status").textContent = text; }

// -- network ------------------------------------------------------------------------

function drawNetwork(alliances) {
  const svg = document.getElementById("network");
  svg.replaceChildren();
  const actors = [...new Set(alliances.flatMap((row) => [row.a, row.b]))].sort();
  const size = 640, centre = size / 2, radius = size / 2 - 60;
  const place = new Map(actors.map((actor, i) => {
    const angle = (2 * Math.PI * i) / Math.max(actors.length, 1) - Math.PI / 2;
    return [actor, [centre + radius * Math.cos(angle), centre + radius * Math.sin(angle)]];
  }));
  const edges = el("svg:g", { id: "edges" });
  for (const row of alliances) {
    const [x1, y1] = place.get(row.a), [x2, y2] = place.get(row.b);
    const key = row.a + "|" + row.b;
    const width = 1.5 + Math.min(Math.abs(row.score), 30) / 2.5;
    const line = el("svg:line", {
      x1, y1, x2, y2, class: "edge stance-" + row.stance, "stroke-width": width.toFixed(1),
      "data-key": key, "data-stance": row.stance, tabindex: "0",
    });
    if (state.selected === "alliances:" + key) line.classList.add("selected");
    line.appendChild(el("svg:title", {}, `${row.a}–${row.b}: ${row.stance} (score ${row.score})`));
    line.addEventListener("click", () => showAlliance(row.a, row.b));
    edges.appendChild(line);
  }
  svg.appendChild(edges);
  const nodes = el("svg:g", { id: "nodes" });
  for (const actor of actors) {
    const [x, y] = place.get(actor);
    const group = el("svg:g", { class: "node", "data-actor": actor });
    group.appendChild(el("svg:circle", { cx: x, cy: y, r: 9 }));
    const dx = x < centre ? -14 : 14;
    group.appendChild(el("svg:text", { x: x + dx, y: y + 4, "text-anchor": x < centre ? "end" : "start" }, actor));
    nodes.appendChild(group);
  }
  svg.appendChild(nodes);
}

function drawLegend() {
  const legend = document.getElementById("legend");
  legend.replaceChildren(...STANCES.map((stance) => {
    const item = el("li");
    item.appendChild(el("span", { class: "stance-" + stance }));
    item.append(stance);
    return item;
  }));
}

// -- zones --------------------------------------------------------------------------

function drawZones(zones) {
  const body = document.querySelector("#zones tbody");
  body.replaceChildren(...zones.map((zone) => {
    const row = el("tr", { "data-zone": zone.zone, tabindex: "0" });
    if (state.selected === "zones:" + zone.zone) row.classList.add("selected");
    row.appendChild(el("td", {}, zone.zone));
    row.appendChild(el("td", { class: "status" }, zone.status + (zone.since ? " since " + zone.since : "")));
    for (const list of [zone.parties, zone.deployed, zone.controlled_by]) row.appendChild(el("td", {}, list.join(", ")));
    row.addEventListener("click", () => showZone(zone.zone));
    return row;
  }));
}

// -- evidence -----------------------------------------------------------------------

function showEvidence(title, summary, why) {
  document.getElementById("details-title").textContent = title;
  document.getElementById("details-summary").textContent = summary;
  document.getElementById("article").hidden = true;
  const list = document.getElementById("evidence");
  list.replaceChildren(...why.facts.map((fact) => {
    const item = el("li", { class: "fact", "data-event": fact.event_id });
    const parts = [fact.date || "undated", fact.type, fact.direction, fact.zone, describeRole(fact)];
    item.appendChild(el("div", { class: "fact-head" }, parts.filter(Boolean).join(" · ")));
    item.appendChild(el("p", { class: "sentence" }, fact.sentence));
    const link = el("a", { href: "/articles/" + encodeURIComponent(fact.article_id), class: "article-link" }, fact.article_id);
    link.addEventListener("click", (event) => { event.preventDefault(); showArticle(fact.article_id); });
    item.appendChild(link);
    return item;
  }));
}

function describeRole(fact) {
  if (fact.contribution !== undefined) return "+" + fact.contribution;
  if (!fact.role) return null;
  if (typeof fact.role === "string") return fact.role;
  return [fact.role.kind, fact.role.step].filter(Boolean).join(" → ");
}

async function showAlliance(a, b) {
  state.selected = "alliances:" + a + "|" + b;
  const found = await getJSON(`/alliances/${encodeURIComponent(a)}/${encodeURIComponent(b)}${query()}`);
  const row = found.alliance;
  showEvidence(`${row.a}–${row.b}`, `${row.stance}, score ${row.score}, ${row.events} events from ${row.sources} sources`, found.why);
  markSelected();
}

async function showZone(id) {
  state.selected = "zones:" + id;
  const found = await getJSON(`/zones/${encodeURIComponent(id)}${query()}`);
  const zone = found.zone;
  showEvidence(zone.zone, `${zone.status}; parties ${zone.parties.join(", ") || "none"}`, found.why);
  markSelected();
}

async function showArticle(id) {
  const article = await getJSON("/articles/" + encodeURIComponent(id));
  document.getElementById("article-title").textContent = article.title || article.id;
  document.getElementById("article-meta").textContent =
    [article.published, article.source, article.url].filter(Boolean).join(" · ");
  document.getElementById("article-text").textContent = article.text;
  const panel = document.getElementById("article");
  panel.hidden = false;
  panel.scrollIntoView({ block: "nearest" });
}

async function refreshSelected() {
  if (!state.selected) return;
  const [table, key] = state.selected.split(/:(.*)/s);
  try {
    if (table === "alliances") await showAlliance(...key.split("|"));
    else await showZone(key);
  } catch (error) {
    showEvidence(key, `not in the state as of ${state.asOf || "now"}`, { facts: [] });
  }
}

function markSelected() {
  document.querySelectorAll(".selected").forEach((node) => node.classList.remove("selected"));
  if (!state.selected) return;
  const [table, key] = state.selected.split(/:(.*)/s);
  const selector = table === "alliances" ? `line[data-key="${CSS.escape(key)}"]` : `tr[data-zone="${CSS.escape(key)}"]`;
  document.querySelector(selector)?.classList.add("selected");
}

// -- loading and the date slider ------------------------------------------------------

async function load() {
  const ticket = ++state.loads;
  const [alliances, zones] = await Promise.all([getJSON(listing("alliances", ALLIANCE_FIELDS)), getJSON(listing("zones", ZONE_FIELDS))]);
  if (ticket !== state.loads) return { alliances, zones };  // a newer load is on its way
  drawNetwork(alliances);
  drawZones(zones);
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
  return `#${change.offset} ${change.table} ${change.key}: ${stance(change.before)} → ${stance(change.after)}`;
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
  source.addEventListener("open", () => document.body.dataset.stream = "open");
  source.addEventListener("error", () => document.body.dataset.stream = "reconnecting");
}

async function refreshLive() {
  const { alliances, zones } = await load();
  setRange([...alliances, ...zones]);
  markSelected();
}

async function start() {
  drawLegend();
  const slider = document.getElementById("date");
  slider.addEventListener("input", onSlide);
  slider.addEventListener("change", () => { onSlide(); load().then(refreshSelected).catch((e) => setStatus(e.message)); });
  try {
    const { alliances, zones } = await load();
    setRange([...alliances, ...zones]);
    slider.value = slider.max;
  } catch (error) {
    setStatus(error.message);
  }
  follow();
}

document.addEventListener("DOMContentLoaded", start);
