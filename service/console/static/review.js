// idgraph review screen: the POSSIBLY_SAME pairs of GET /v1/review, side by side, answered with
// POST /v1/review/{pairId}. Uses the key pasted here or in the agent console (same tab storage).
// Everything shown is set with textContent: values from the graph are never parsed as HTML.
"use strict";

const FACTS = [["given", "given name"], ["family", "family name"], ["birthDate", "birth date"], ["gender", "gender"],
  ["email", "e-mail"], ["phone", "phone"], ["streetNumber", "number"], ["street", "street"],
  ["postcode", "postcode"], ["locality", "town"], ["nationalId", "national id"]];
const state = { pairs: [], selected: null };
window.idgraphReview = state;     // the browser test reads what the screen holds through this

function say(text, kind = "") {
  $("message").className = kind;
  $("message").textContent = text;
}

async function api(method, path, body = null) {
  const key = sessionStorage.getItem(KEY_STORAGE);
  if (!key) throw new Error("paste a steward API key first (idgraph keys create --role steward)");
  const headers = { "X-API-Key": key, Accept: "application/json" };
  if (body) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { method, headers, body: body ? JSON.stringify(body) : null });
  const answer = await response.json().catch(() => null);
  if (!response.ok) throw new Error(`${response.status}: ${(answer && answer.message) || response.statusText}`);
  return answer;
}

async function loadQueue(event) {
  if (event) event.preventDefault();
  document.body.dataset.state = "loading";
  try {
    const page = await api("GET", `/v1/review?order=${encodeURIComponent($("order").value)}&limit=50`);
    state.pairs = page.pairs;
    $("queue-total").textContent = `${page.total} pair(s) to review`;
    renderQueue();
    $("review").hidden = false;
    if (state.pairs.length) select(state.pairs[0]);
    else { $("pair").hidden = true; say("Nothing to review."); }
    document.body.dataset.state = "ready";
  } catch (error) {
    document.body.dataset.state = "error";
    say(`Could not load the queue: ${error.message}`, "error");
  }
}

function renderQueue() {
  $("queue").replaceChildren(...state.pairs.map((pair) => {
    const item = el("li", { "data-pair": pair.pairId },
      el("strong", { text: `${pair.a.name || pair.a.personId} / ${pair.b.name || pair.b.personId}` }), el("br"),
      el("span", { class: "muted", text: `probability ${pair.probability.toFixed(3)} · value ${pair.value.toLocaleString("en-GB")}` }));
    item.addEventListener("click", () => select(pair));
    item.classList.toggle("selected", state.selected === pair);
    return item;
  }));
}

const shown = (value) => (Array.isArray(value) ? value.join(", ") : value ?? "");

function select(pair) {
  state.selected = pair;
  renderQueue();
  $("pair").hidden = false;
  $("pair-title").textContent = `${pair.a.personId} and ${pair.b.personId}`;
  $("pair-summary").textContent = pair.whyNot.summary;
  $("side-a").textContent = pair.a.record;
  $("side-b").textContent = pair.b.record;
  $("side-by-side").tBodies[0].replaceChildren(...FACTS.map(([name, label]) => {
    const a = shown(pair.a.fields[name]), b = shown(pair.b.fields[name]);
    const mark = a && b ? (a === b ? "agrees" : "differs") : "";
    return el("tr", {}, el("th", { text: label }), el("td", { class: mark, text: a }), el("td", { class: mark, text: b }));
  }).filter((row) => row.cells[1].textContent || row.cells[2].textContent));
  $("comparisons").tBodies[0].replaceChildren(...(pair.whyNot.comparisons || []).map((c) =>
    el("tr", {}, el("td", { text: c.comparison }), el("td", { text: c.level }), el("td", { text: c.weight.toFixed(2) }))));
}

async function answer(kind) {
  const pair = state.selected;
  if (!pair) return;
  const reason = $("reason").value.trim();
  try {
    const decision = await api("POST", `/v1/review/${encodeURIComponent(pair.pairId)}`,
      reason ? { answer: kind, reason } : { answer: kind });
    say(kind === "same" ? `Merged into ${decision.personId} (decision ${decision.decisionId})`
      : `Kept apart for good (decision ${decision.decisionId})`, "done");
    $("reason").value = "";
    state.pairs = state.pairs.filter((p) => p !== pair);
    state.selected = null;
    renderQueue();
    if (state.pairs.length) select(state.pairs[0]); else $("pair").hidden = true;
    $("queue-total").textContent = `${state.pairs.length} pair(s) to review`;
  } catch (error) {
    say(`The answer was not recorded: ${error.message}`, "error");
  }
}

function start() {
  $("key-form").addEventListener("submit", useKey);
  $("queue-form").addEventListener("submit", loadQueue);
  $("same").addEventListener("click", () => answer("same"));
  $("different").addEventListener("click", () => answer("different"));
  showKeyStatus();
}

document.addEventListener("DOMContentLoaded", start);
