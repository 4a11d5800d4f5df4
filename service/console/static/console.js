// idgraph agent console: who is this, why they matter, and how they are connected.
// Calls only the /v1 REST API with the agent's key (kept in sessionStorage, so it ends with the tab).
// Everything shown is set with textContent: values from the graph are never parsed as HTML.
"use strict";

const PURPOSES = ["service", "support", "fraud", "marketing", "analytics"];
// Colours match cypher/idgraph.grass, so the console and Neo4j Browser look alike.
const COLOURS = {
  person: "#4C8EDA", focus: "#1B4F91", record: "#A5ABB6", household: "#C990C0", company: "#569480",
  socialHandle: "#57C7E3", email: "#F79767", phone: "#FFC454", loyaltyCard: "#DA7194", account: "#8DCC93",
  social: "#57C7E3", device: "#D9C8AE", nationalId: "#F16667", address: "#ECB5C9",
};
const LEGEND = [["focus", "this person"], ["person", "other person"], ["record", "source record"],
  ["email", "e-mail"], ["phone", "phone"], ["loyaltyCard", "loyalty card"], ["account", "account"],
  ["social", "social handle"], ["device", "device"], ["address", "address"], ["household", "household"],
  ["company", "company"]];

const state = { cy: null, purpose: "service" };
window.idgraphConsole = state;   // the browser test counts the graph's nodes through this

// --- small DOM helpers ---------------------------------------------------------------------------

function facts(pairs) {
  const dl = el("dl", { class: "facts" });
  for (const [term, value] of pairs) {
    if (value === null || value === undefined || value === "") continue;
    dl.append(el("dt", { text: term }), el("dd", { text: value }));
  }
  return dl;
}

const money = (n) => (n === null || n === undefined ? null
  : n.toLocaleString("en-GB", { maximumFractionDigits: 0 }));

function setState(name) { document.body.dataset.state = name; }

function say(text, kind = "", details = null) {
  const box = $("message");
  box.className = kind;
  box.replaceChildren(el("span", { text }));
  if (details) {
    box.append(el("ul", {}, Object.entries(details).map(([field, reasons]) =>
      el("li", { text: `${field}: ${[].concat(reasons).join("; ")}` }))));
  }
}

// --- the API --------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, body) {
    super((body && body.message) || `HTTP ${status}`);
    this.status = status;
    this.errors = body && body.errors;
  }
}

// GET, or POST when a JSON `payload` is given.
async function api(path, params = {}, payload = null) {
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (!key) throw new ApiError(401, { message: "paste an API key first (the demo prints one)" });
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== "" && v !== null));
  const headers = { "X-API-Key": key, Accept: "application/json" };
  const init = payload ? { method: "POST", headers: { ...headers, "Content-Type": "application/json" },
    body: JSON.stringify(payload) } : { headers };
  const response = await fetch(`${path}${query.size ? "?" + query : ""}`, init);
  const body = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

function explain(error) {
  if (!(error instanceof ApiError)) return ["The console could not reach the API: " + error.message];
  const prefix = { 401: "Key refused", 403: "Not allowed for this key's role", 404: "Nobody found",
    422: "Check the lookup", 429: "Too many requests", 503: "The graph database is unavailable" }[error.status];
  return [`${prefix || "Error " + error.status}: ${error.message}`, error.errors];
}

// --- the key -------------------------------------------------------------------------------------

function forgetKey() {
  sessionStorage.removeItem(KEY_STORAGE);
  showKeyStatus();
}

// --- lookups -------------------------------------------------------------------------------------

function showQualifiers() {
  const type = $("id-type").value;
  $("platform-field").hidden = type !== "social";
  $("system-field").hidden = type !== "account";
}

async function lookUp(event) {
  event.preventDefault();
  const type = $("id-type").value;
  const params = { type, value: $("id-value").value.trim(), purpose: $("purpose").value };
  if (type === "social") params.platform = $("platform").value.trim();
  if (type === "account") params.system = $("system").value.trim();
  state.purpose = params.purpose;
  // A device no person holds may be an anonymous visitor (predictions.js).
  await show(() => api("/v1/whois", params), `${type} ${params.value}`,
    type === "device" ? () => showVisitor(params.value) : null);
}

async function openPerson(personId) {
  await show(() => api(`/v1/persons/${encodeURIComponent(personId)}`, { purpose: state.purpose }), personId);
}

async function show(fetchPerson, asked, orElse = null) {
  setState("loading");
  say(`Looking up ${asked}...`);
  let person;
  try {
    person = await fetchPerson();
  } catch (error) {
    if (orElse && error instanceof ApiError && error.status === 404) return orElse();
    setState("error");
    $("result").hidden = true;
    const [text, details] = explain(error);
    say(text, "error", details);
    return;
  }
  const id = encodeURIComponent(person.personId);
  // Relationships and influence enrich the card; without them (a role that may not, an outage) it still shows.
  const [relations, influence, timeline, lifecycle, predictions, signals] = await Promise.allSettled([
    api(`/v1/persons/${id}/relationships`, { depth: 1, purpose: state.purpose }),
    api(`/v1/persons/${id}/influence`, { purpose: state.purpose }),
    api(`/v1/persons/${id}/timeline`, { limit: 10, purpose: state.purpose }),
    api(`/v1/persons/${id}/lifecycle`, { purpose: state.purpose }),
    api(`/v1/persons/${id}/intentions`, { purpose: state.purpose }),
    api(`/v1/persons/${id}/signals`, { purpose: state.purpose })]);
  const missing = [["relationships", relations], ["influence", influence], ["timeline", timeline],
    ["lifecycle", lifecycle], ["predictions", predictions], ["signals", signals]]
    .filter(([, r]) => r.status === "rejected").map(([name, r]) => `${name}: ${explain(r.reason)[0]}`);
  $("result").hidden = false;
  $("graph-panel").hidden = false;
  renderCard(person, influence.value, timeline.value, lifecycle.value, predictions.value, signals.value);
  renderGraph(person, relations.value);
  say(missing.length ? `Shown without ${missing.join("; ")}` : `Found ${person.name.full || person.personId}.`,
    missing.length ? "error" : "");
  setState("ready");
}

// --- the person card -----------------------------------------------------------------------------

function renderCard(person, influence, timeline, lifecycle, predictions, signals) {
  const card = $("card");
  const name = person.name || {};
  const m = person.metrics || {};
  card.replaceChildren(...[
    el("h2", { id: "card-name", text: name.full || "(no name on file)" }),
    el("div", { class: "ids" }, el("span", { id: "card-person-id", text: person.personId }),
      person.redirectedFrom ? ` (asked for ${person.redirectedFrom}, merged into this person)` : ""),
    el("p", {},
      el("span", { class: `badge ${person.status}`, text: person.status }),
      m.tier ? el("span", { class: "badge tier", id: "card-tier", text: m.tier }) : null,
      influence && influence.priority ? el("span", { class: `badge ${influence.priority.level}`,
        text: `priority ${influence.priority.level} (${influence.priority.score})` }) : null),
    name.alsoKnownAs && name.alsoKnownAs.length ? el("p", { class: "muted", text: `also known as ${name.alsoKnownAs.join(", ")}` }) : null,
    askedNote(person),
    el("h3", { text: "Value" }),
    facts([["lifetime spend", money(m.lifetimeSpend)], ["nights last year", m.nightsLastYear],
      ["last activity", m.lastActivity], ["tier", m.tier], ["seen in", (m.sources || []).join(", ")]]),
    signalsSection(signals ? signals.signals : person.signals || []),
    influenceSection(influence),
    lifecycleSection(lifecycle),
    predictions ? personPredictionsSection(person.personId, state.purpose, predictions) : null,
    el("h3", { text: "Roles" }), rolesList(person.roles || []), heldRolesList(person.heldRoles || []),
    timelineSection(timeline),
    el("h3", { text: "Consent, as stored on each record" }), consentTable(person.records || []),
    el("h3", { text: "Why these records" }), whyList(person.why || []),
  ].filter(Boolean));
}

function askedNote(person) {
  if (!person.query) return null;
  const others = person.otherHolders || [];
  const text = person.query.generic
    ? `${person.query.identifier} is generic (shared by many people): it proves nothing on its own.`
    : others.length ? `${person.query.identifier} was also held by ${others.length} other person(s).` : null;
  return text ? el("p", { class: "muted", text }) : null;
}

const SIGNAL_NAMES = { openCase: "case open too long", complaint: "complaint",
  cancellationVisit: "visited a cancellation page", fallingActivity: "activity falling" };

function signalsSection(signals) {
  if (!signals.length) return null;
  return el("div", {},
    el("h3", { text: "Signals of dissatisfaction" }),
    el("ul", { class: "plain", id: "card-signals" }, signals.map((s) => el("li", {
      text: `${SIGNAL_NAMES[s.kind] || s.kind} since ${(s.since || "").slice(0, 10)}`
        + (s.evidence.length ? ` (${s.evidence.join(", ")})` : ""),
    }))));
}

function influenceSection(influence) {
  if (!influence) return null;
  if (influence.withheld) return el("p", { class: "muted", text: `Why they matter: ${influence.withheld}` });
  const flags = { highValueLowReach: "valuable, little reach", highReachNonCustomer: "reach, never bought" };
  return el("div", {},
    el("h3", { text: "Why they matter" }),
    facts([["followers", influence.reach.followers], ["network influence", influence.network.relativeToAverage],
      ["business influence", influence.business.score], ["value score", influence.value.score],
      ["flags", (influence.flags || []).map((f) => flags[f] || f).join(", ")]]),
    el("ul", { class: "plain", id: "card-reasons" }, (influence.priority.reasons || []).map((r) => el("li", { text: r }))));
}

function lifecycleSection(lifecycle) {
  if (!lifecycle) return null;
  const day = (t) => (t || "").slice(0, 10);
  const lines = Object.entries(lifecycle.linesOfBusiness || {});
  return el("div", {},
    el("h3", { text: `Who is a customer: ${lifecycle.overall.status}` }),
    el("ul", { class: "plain", id: "card-lifecycle" }, lines.map(([name, line]) => el("li", {
      text: `${name}: ${line.status} since ${day(line.since)}` + (line.evidence.length ? ` (${line.evidence.join(", ")})` : ""),
    }))),
    lifecycle.whiteSpace.length ? el("p", { class: "muted", text: `never bought: ${lifecycle.whiteSpace.join(", ")}` }) : null);
}

function timelineSection(timeline) {
  if (!timeline) return null;
  const items = timeline.events.map((e) => el("li", {
    text: `${e.at.slice(0, 16).replace("T", " ")} ${e.kind} · ${e.source}`
      + [e.lineOfBusiness, e.amount != null ? money(e.amount) : null, e.pageCategory, e.caseStatus, e.description]
        .filter((x) => x != null && x !== "").map((x) => ` · ${x}`).join(""),
  }));
  return el("div", {},
    el("h3", { text: "Timeline (latest first)" }),
    items.length ? el("ul", { class: "plain", id: "card-timeline" }, items)
      : el("p", { class: "muted", text: "no touchpoints on file" }),
    timeline.withheldCount ? el("p", { class: "muted",
      text: `${timeline.withheldCount} touchpoint(s) withheld: consent does not cover ${timeline.purpose}` }) : null);
}

function heldRolesList(roles) {
  if (!roles.length) return null;
  const when = (r) => (r.validFrom || r.validTo ? ` (${r.validFrom || "…"} to ${r.validTo || "now"})` : "");
  return el("ul", { class: "plain", id: "card-held-roles" }, roles.map((r) => el("li", {
    text: `${r.role}` + (r.stance ? ` · ${r.stance}` : "") + (r.organisation ? ` at ${r.organisation}` : "")
      + when(r) + ` · ${r.source}` + (r.current ? "" : " (past)"),
  })));
}

function rolesList(roles) {
  if (!roles.length) return el("p", { class: "muted", text: "no roles at companies on file" });
  return el("ul", { class: "plain", id: "card-roles" }, roles.map((r) => el("li", {
    text: `${r.titles.join(" / ") || "works"} at ${r.company}` + (r.decisionMaker ? " · decision maker" : "")
      + (r.current ? "" : " (past)"),
  })));
}

function consentTable(records) {
  const table = el("table", { class: "consent", id: "card-consent" },
    el("thead", {}, el("tr", {}, el("th", { text: "record" }), PURPOSES.map((p) => el("th", { text: p })))));
  const body = el("tbody");
  for (const record of records) {
    const consent = (record.provenance && record.provenance.consent) || {};
    body.append(el("tr", { title: record.collectedFor || "" },
      el("td", { text: `${record.source}/${record.sourceId}` }),
      PURPOSES.map((p) => p in consent
        ? el("td", { class: consent[p] ? "granted" : "denied", text: consent[p] ? "yes" : "no" })
        : el("td", { class: "unstated", text: "–" }))));
  }
  table.append(body);
  return table;
}

function whyList(why) {
  return el("ul", { class: "plain" }, why.map((w) => el("li", {}, el("strong", { text: w.record }), ` ${w.reason}`)));
}

// --- the graph -----------------------------------------------------------------------------------

function identifierLabel(item) {
  if (item.type === "address") return [item.streetNumber, item.street, item.postcode].filter(Boolean).join(" ");
  if (item.type === "social") return `${item.platform}: @${item.handle}`;
  return item.value;
}

function personElements(person) {
  const nodes = [{ data: { id: person.personId, label: person.name.full || person.personId, kind: "focus",
    personId: person.personId, status: person.status } }];
  const edges = [];
  for (const record of person.records || []) {
    const id = `record:${record.source}/${record.sourceId}`;
    nodes.push({ data: { id, label: `${record.source}/${record.sourceId}`, kind: "record", group: "records",
      observedAt: record.observedAt, collectedFor: record.collectedFor } });
    edges.push({ data: { id: `d:${id}`, source: id, target: person.personId, label: "DESCRIBES", group: "records" } });
  }
  for (const item of [...(person.identifiers || []), ...(person.accounts || []), ...(person.addresses || [])]) {
    const id = `identifier:${item.type}:${item.value}`;
    nodes.push({ data: { id, label: identifierLabel(item), kind: item.type, group: "identifiers",
      current: item.current, generic: item.generic, followers: item.followers } });
    for (const s of item.sources) {
      edges.push({ data: { id: `h:${s.record}:${id}`, source: `record:${s.record}`, target: id, group: "identifiers",
        label: s.current ? "" : "closed", current: s.current, validFrom: s.validFrom, validTo: s.validTo } });
    }
  }
  return { nodes, edges };
}

function relationshipElements(relations, focusId) {
  const nodes = [], edges = [];
  if (!relations) return { nodes, edges };
  for (const node of relations.nodes) {
    if (node.id === focusId) continue;
    const handle = node.handle && node.handle.replace(/^social:([^:]+):/, "$1: @");
    const label = node.name || node.address || handle || node.id;
    nodes.push({ data: { ...node, id: node.id, label, kind: node.type, group: "relationships" } });
  }
  relations.relationships.forEach((rel, n) => {
    edges.push({ data: { id: `r${n}`, source: rel.from, target: rel.to, label: rel.type, group: "relationships",
      relationship: rel } });
  });
  return { nodes, edges };
}

function graphStyle() {
  return [
    { selector: "node", style: { label: "data(label)", "font-size": 9, "text-wrap": "ellipsis", "text-max-width": 110,
      "text-valign": "bottom", "text-margin-y": 3, width: 26, height: 26, "background-color": "#A5ABB6",
      "border-width": 1, "border-color": "#ffffff" } },
    ...Object.entries(COLOURS).map(([kind, colour]) => ({ selector: `node[kind = "${kind}"]`,
      style: { "background-color": colour } })),
    { selector: 'node[kind = "focus"]', style: { width: 46, height: 46, "font-size": 12, "font-weight": "bold" } },
    { selector: 'node[kind = "record"]', style: { shape: "round-rectangle", width: 22, height: 16 } },
    { selector: 'node[kind = "household"], node[kind = "company"]', style: { shape: "hexagon", width: 34, height: 34 } },
    { selector: "node[?generic]", style: { "border-width": 3, "border-color": "#c62828" } },
    { selector: "node:selected", style: { "border-width": 3, "border-color": "#2a2c34" } },
    { selector: "edge", style: { width: 1.2, "line-color": "#c3c7d0", "curve-style": "bezier", "target-arrow-shape": "triangle",
      "target-arrow-color": "#c3c7d0", "arrow-scale": 0.7, label: "data(label)", "font-size": 7, color: "#6b7080",
      "text-rotation": "autorotate" } },
    { selector: 'edge[group = "relationships"]', style: { width: 2, "line-color": "#8b90a0", "target-arrow-color": "#8b90a0" } },
    { selector: "edge[current = false]", style: { "line-style": "dashed" } },
    { selector: ".hidden", style: { display: "none" } },
  ];
}

// Cytoscape refuses duplicate ids; the first element with an id wins (the person's own view first).
function unique(elements) {
  const seen = new Set();
  return elements.filter((e) => !seen.has(e.data.id) && seen.add(e.data.id));
}

function renderGraph(person, relations) {
  const own = personElements(person);
  const related = relationshipElements(relations, person.personId);
  const nodes = unique([...own.nodes, ...related.nodes]);
  const ids = new Set(nodes.map((n) => n.data.id));
  const edges = unique([...own.edges, ...related.edges]).filter((e) => ids.has(e.data.source) && ids.has(e.data.target));
  if (state.cy) state.cy.destroy();
  state.cy = cytoscape({
    container: $("graph"), elements: { nodes, edges }, style: graphStyle(), wheelSensitivity: 0.3,
    layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: () => 9000, idealEdgeLength: () => 70,
      padding: 20 },
  });
  state.cy.on("tap", "node", (event) => showDetails(event.target.data()));
  state.cy.on("tap", "edge", (event) => showDetails(event.target.data()));
  applyFilters();
  showDetails(nodes[0].data);
}

function applyFilters() {
  if (!state.cy) return;
  for (const group of ["records", "identifiers", "relationships"]) {
    const shown = $(`show-${group}`).checked;
    state.cy.elements(`[group = "${group}"]`).toggleClass("hidden", !shown);
  }
}

const DETAIL_FIELDS = ["kind", "type", "label", "personId", "status", "name", "address", "companyKey", "handle",
  "followers", "current", "generic", "observedAt", "collectedFor", "validFrom", "validTo", "depth"];

function showDetails(data) {
  const box = $("details");
  const rel = data.relationship;
  const title = rel ? `${rel.type} (${rel.kind})` : data.label;
  const pairs = DETAIL_FIELDS.filter((f) => data[f] !== undefined && data[f] !== null && f !== "label")
    .map((f) => [f, String(data[f])]);
  const dl = el("dl", {}, pairs.map(([k, v]) => [el("dt", { text: k }), el("dd", { text: v })]));
  const parts = [el("h4", { text: title }), dl];
  if (rel) {
    parts.push(el("p", { class: "muted", text: rel.rule || "" }),
      el("ul", { class: "plain" }, (rel.evidence || []).map((e) =>
        el("li", { text: Object.entries(e).filter(([, v]) => v !== null).map(([k, v]) => `${k}: ${v}`).join(", ") }))));
  }
  if (data.kind === "person" && data.id) {
    const open = el("button", { type: "button", text: "Open this person" });
    open.addEventListener("click", () => openPerson(data.id));
    parts.push(open);
  }
  box.replaceChildren(...parts);
}

function renderLegend() {
  $("legend").replaceChildren(...LEGEND.map(([kind, text]) => {
    const item = el("li", { text });
    item.style.setProperty("--swatch", COLOURS[kind]);
    return item;
  }));
}

// --- start ---------------------------------------------------------------------------------------

function start() {
  $("key-form").addEventListener("submit", useKey);
  $("forget-key").addEventListener("click", forgetKey);
  $("id-type").addEventListener("change", showQualifiers);
  $("lookup").addEventListener("submit", lookUp);
  $("fit").addEventListener("click", () => state.cy && state.cy.fit(undefined, 20));
  for (const group of ["records", "identifiers", "relationships"]) {
    $(`show-${group}`).addEventListener("change", applyFilters);
  }
  renderLegend();
  showQualifiers();
  showKeyStatus();
  if (typeof cytoscape === "undefined") say("The graph library did not load: see /console for the reason.", "error");
}

document.addEventListener("DOMContentLoaded", start);
