// idgraph agent console: statistic-twin predictions (segments and intentions) on the person card, and
// the card of an anonymous visitor (a cookie or device that is no person). Uses console.js's el(),
// facts(), api() and say(); loaded after it. Everything is set with textContent.
"use strict";

const TARGET_NAMES = { intention: "likely next purchase", ageBand: "age band", area: "area",
  lifeStage: "life stage", valueBand: "value band" };
const percent = (x) => `${Math.round(x * 100)}%`;
const num = (x) => Number(x.toFixed(2));

// One answered prediction: value and confidence, the cohort, the behaviours that drove it, and who
// inferred it. `markWrong` (persons only) posts the agent's feedback.
function predictionItem(p, markWrong) {
  const c = p.cohort;
  const why = p.because.map((b) =>
    `${b.feature}: ${b.direction} than typical (${num(b.value)} here, twins ${num(b.twins)}, everyone ${num(b.typical)})`);
  const item = el("li", { class: "prediction", "data-target": p.target, "data-value": p.value },
    el("strong", { text: `${TARGET_NAMES[p.target] || p.target}: ${p.value}` }),
    ` · ${percent(p.probability)} confident`,
    el("span", { class: "badge inferred", text: `inferred · ${p.model} ${p.modelVersion}` }),
    el("div", { class: "muted", text: `cohort: ${c.agreeing} of the ${c.size} known customers who behave most alike`
      + ` (${percent(c.share)}; ${percent(c.baseRate)} of all customers)` }),
    el("ul", { class: "plain because" }, why.map((w) => el("li", { text: w }))));
  if (markWrong) {
    const button = el("button", { type: "button", class: "mark-wrong", text: "Mark wrong" });
    button.addEventListener("click", () => markWrong(p, button));
    item.append(button);
  }
  return item;
}

// The predictions of GET /v1/persons/{id}/intentions or GET /v1/visitors/...: answered ones, the
// targets that abstained and why, values dropped by feedback, and what to run when no model exists.
function predictionsSection(answer, markWrong = null) {
  if (!answer) return null;
  const section = el("div", { id: "card-predictions" }, el("h3", { text: "Predicted from statistic twins (inferred)" }));
  if (!answer.model) {
    section.append(el("p", { class: "muted", id: "card-predictions-none",
      text: "No twin model is trained yet, so nothing is predicted. Run `idgraph twins train` on the server "
        + "(it learns from known customers whose records grant analytics), then look up again." }));
    return section;
  }
  const answered = answer.predictions || [...(answer.intentions || []), ...(answer.segments || [])];
  section.append(answered.length
    ? el("ul", { class: "plain predictions" }, answered.map((p) => predictionItem(p, markWrong)))
    : el("p", { class: "muted", text: "No prediction is confident enough to show." }));
  const used = answer.eventsUsed !== undefined ? answer.eventsUsed : (answer.events || []).length;
  section.append(el("p", { class: "muted", text: `from ${used} touchpoint(s) allowed for ${answer.purpose}`
    + (answer.withheldCount ? `; ${answer.withheldCount} withheld: consent does not cover ${answer.purpose}` : "") }));
  if (answer.abstained.length) {
    section.append(el("ul", { class: "plain muted abstained" }, answer.abstained.map((a) =>
      el("li", { text: `no answer for ${TARGET_NAMES[a.target] || a.target}: ${a.reason}` }))));
  }
  if ((answer.dropped || []).length) {
    section.append(el("ul", { class: "plain muted dropped" }, answer.dropped.map((d) =>
      el("li", { text: `${TARGET_NAMES[d.target] || d.target} ${d.value}: ${d.reason}` }))));
  }
  return section;
}

// A person's predictions with a "Mark wrong" button on each: the mark is posted as the agent's
// feedback, then the section is read again (the value is dropped for this person from then on).
function personPredictionsSection(personId, purpose, answer) {
  const id = encodeURIComponent(personId);
  const markWrong = async (p, button) => {
    button.disabled = true;
    try {
      await api(`/v1/persons/${id}/predictions/feedback`, {}, { target: p.target, value: p.value, by: "agent" });
      const fresh = await api(`/v1/persons/${id}/intentions`, { purpose });
      $("card-predictions").replaceWith(personPredictionsSection(personId, purpose, fresh));
      say(`Marked ${TARGET_NAMES[p.target] || p.target} "${p.value}" wrong: no longer shown for this person, `
        + "and left out of their labels at the next training.");
    } catch (error) {
      button.disabled = false;
      say(explain(error)[0], "error");
    }
  };
  return predictionsSection(answer, markWrong);
}

// A device no person holds: the visitor view instead of a person card (no graph: a visitor has none).
async function showVisitor(value) {
  let visitor;
  try {
    visitor = await api(`/v1/visitors/device/${encodeURIComponent(value)}`, { purpose: state.purpose, limit: 10 });
  } catch (error) {
    setState("error");
    $("result").hidden = true;
    const [text, details] = explain(error);
    say(error.status === 404 ? "Nobody found: no person or visitor has this device" : text, "error", details);
    return;
  }
  $("result").hidden = false;
  $("graph-panel").hidden = true;
  renderVisitorCard(visitor);
  say(`No person holds device ${value}: shown as a ${visitor.status} visitor.`);
  setState("ready");
}

// An anonymous (or identified, household, shared) visitor: no person card, but its status, its latest
// touchpoints and what its twins predict. An identified visitor links to its person.
function renderVisitorCard(visitor) {
  const status = { anonymous: "anonymous visitor", identified: "identified visitor",
    household: "household visitor", shared: "shared device" }[visitor.status] || visitor.status;
  const parts = [
    el("h2", { id: "card-name", text: status }),
    el("div", { class: "ids" }, el("span", { id: "card-visitor-id", text: visitor.visitorId })),
    facts([["device", visitor.visitorKey.replace(/^device:/, "")], ["first seen", (visitor.firstAt || "").slice(0, 10)],
      ["last seen", (visitor.lastAt || "").slice(0, 10)], ["person", visitor.personId],
      ["household", visitor.householdId]]),
  ];
  if (visitor.personId) {
    const open = el("button", { type: "button", id: "open-visitor-person", text: "Open this person" });
    open.addEventListener("click", () => openPerson(visitor.personId));
    parts.push(open);
  }
  parts.push(predictionsSection(visitor),
    el("h3", { text: "Touchpoints (latest first)" }),
    el("ul", { class: "plain", id: "card-timeline" }, visitor.events.map((e) => el("li", {
      text: `${e.at.slice(0, 16).replace("T", " ")} ${e.kind} · ${e.source}`
        + [e.pageCategory, e.productCategory, e.amount != null ? money(e.amount) : null]
          .filter((x) => x != null && x !== "").map((x) => ` · ${x}`).join(""),
    }))));
  $("card").replaceChildren(...parts.filter(Boolean));
}
