// The qualcode workspace: keyboard-first review of the machine's codes.
// Every answer and codebook text is put into the page as text (textContent), never as HTML.
// Decisions go to the server through an outbox, in order, one at a time; the screen moves on
// at once and the outbox retries when the server does not answer, so no key press waits.
"use strict";

const KEYS = "1234567890";
const PREFETCH = 15;
const PAGE = 30;
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
                 "#bcbd22", "#17becf"];

const Q = {
  token: document.querySelector('meta[name="qualcode-token"]').content,
  session: Math.random().toString(36).slice(2) + Date.now().toString(36),
  state: null,
  view: "review",
  queue: [], next: 0, end: false, fetching: null, generation: 0,
  current: null, chips: new Set(), shownAt: 0,
  editing: null,
  outbox: [], sending: false, history: [],
  recent: [], keyAt: null, timings: [], starved: 0,
  similar: null,
};
window.qualcode = Q;   // for tests and the benchmark: timings, the current answer

const $ = (id) => document.getElementById(id);

function node(tag, props, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (key === "class") element.className = value;
    else if (key === "text") element.textContent = value;
    else if (key === "dataset") Object.assign(element.dataset, value);
    else if (key.startsWith("on")) element.addEventListener(key.slice(2), value);
    else if (value !== null && value !== undefined && value !== false) element.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// -- talking to the server ------------------------------------------------------------------
class ServerError extends Error {
  constructor(status, message) { super(message); this.status = status; }
}

async function api(path, body) {
  const options = {headers: {"X-Qualcode-Token": Q.token}};
  if (body !== undefined) {
    options.method = "POST";
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, options);
  } catch (error) {
    throw new ServerError(0, "the workspace server does not answer");
  }
  const text = await response.text();
  let data = null;
  try { data = JSON.parse(text); } catch (error) { data = {error: text}; }
  if (!response.ok) throw new ServerError(response.status, (data && data.error) || response.statusText);
  return data;
}

function uid() {
  return Q.session + "-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 8);
}

function enqueue(entry) {
  entry.state = "pending";
  entry.body.session = Q.session;
  entry.body.client = uid();
  Q.outbox.push(entry);
  renderStatus();
  pump();
  return entry;
}

async function pump() {
  if (Q.sending) return;
  Q.sending = true;
  let delay = 250;
  while (Q.outbox.length) {
    const entry = Q.outbox[0];
    if (entry.resolve) entry.resolve(entry);
    try {
      const result = await api(entry.url, entry.body);
      entry.state = "saved";
      entry.batch = result.batch !== undefined ? result.batch : result.undone;
      entry.result = result;
      Q.outbox.shift();
      delay = 250;
      if (result.progress) renderProgress(result.progress);
      if (entry.done) entry.done(result);
      scheduleRecent();
    } catch (error) {
      if (error.status >= 400 && error.status < 500) {
        entry.state = "failed";
        Q.outbox.shift();
        showBanner("Not saved: " + error.message, "error");
      } else {
        entry.state = "waiting";
        showBanner("Not saved yet: " + error.message + ". " + Q.outbox.length +
                   " decision(s) wait in this tab and are sent when the server is back; do not close it.", "error");
        renderStatus();
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5000);
        continue;
      }
    }
    renderStatus();
  }
  Q.sending = false;
  hideBanner("error");
  renderStatus();
}

function drained() {
  return new Promise((resolve) => {
    const check = () => (Q.outbox.length === 0 && !Q.sending ? resolve() : setTimeout(check, 20));
    check();
  });
}

window.addEventListener("beforeunload", (event) => {
  if (Q.outbox.length) { event.preventDefault(); event.returnValue = ""; }
});

// -- the queue of answers ---------------------------------------------------------------------
function filters() {
  const params = new URLSearchParams();
  params.set("order", $("order").value || "informative");
  for (const [name, id] of [["question", "f-question"], ["group", "f-group"], ["value", "f-value"],
                            ["code", "f-code"], ["status", "f-status"]]) {
    if ($(id).value) params.set(name, $(id).value);
  }
  if (Q.view === "verify") params.set("verify", $("verify-code").value);
  if (Q.view === "adjudicate") params.set("status", "disagreement");
  return params;
}

function pendingAnswers() {
  const answers = [];
  for (const entry of Q.outbox) answers.push(...(entry.answers || []));
  return answers;
}

function fetchPage() {
  if (Q.fetching || Q.end) return Q.fetching;
  const generation = Q.generation;
  const params = filters();
  params.set("offset", Q.next);
  params.set("n", PAGE);
  if (Q.model !== undefined) params.set("model", Q.model);   // after a retrain the server starts the new order
  const exclude = pendingAnswers().concat(Q.queue.map((item) => item.answer));
  if (Q.current) exclude.push(Q.current.answer);
  if (exclude.length) params.set("exclude", exclude.join(","));
  Q.fetching = api("/api/queue?" + params.toString()).then((page) => {
    if (generation !== Q.generation) return;
    Q.queue.push(...page.items);
    Q.model = page.model;
    Q.next = page.next;
    Q.end = page.end;
  }).catch((error) => {
    showBanner("Cannot load answers: " + error.message, "error");
  }).finally(() => { Q.fetching = null; });
  return Q.fetching;
}

async function resetQueue() {
  Q.generation += 1;
  Q.queue = []; Q.next = 0; Q.end = false; Q.fetching = null; Q.editing = null;
  Q.current = null;
  renderCard();
  await fetchPage();
  advance();
}

function advance() {
  if (Q.editing) {
    const back = Q.editing.returnTo;
    if (Q.editing.view !== Q.view) setView(Q.editing.view, false);
    Q.editing = null;
    if (back) { show(back); return; }
  }
  const item = Q.queue.shift();
  if (item) show(item);          // before fetching: the page request excludes the answer on screen
  if (Q.queue.length < PREFETCH) fetchPage();
  if (item) return;
  if (Q.fetching) {
    Q.starved += 1;          // the next answer had not arrived yet (the benchmark reports it)
    Q.current = null;
    renderCard();
    Q.fetching.then(() => { if (!Q.current) advance(); });
    return;
  }
  Q.current = null;
  renderCard();
}

function show(item) {
  Q.current = item;
  Q.chips = new Set(Q.view === "adjudicate" && item.standing ? item.standing : item.codes);
  renderCard();
  Q.shownAt = performance.now();
}

// -- deciding -----------------------------------------------------------------------------
function codeOrder(codes) {
  return Q.state.codes.map((code) => code.id).filter((id) => codes.has(id));
}

function saveAndNext() {
  const item = Q.current;
  if (!item) return;
  const codes = codeOrder(Q.chips);
  const kind = Q.view === "adjudicate" ? "adjudicate" : "review";
  const entry = enqueue({url: "/api/decide", answers: [item.answer], item, codes,
    body: {answer: item.answer, codes, kind, elapsed: elapsed(), ordering: $("order").value}});
  remember(entry);
  advance();
}

function verifyAndNext(applies) {
  const item = Q.current;
  if (!item) return;
  const entry = enqueue({url: "/api/verify", answers: [item.answer], item, codes: [item.verify], applies,
    body: {answer: item.answer, code: item.verify, applies, elapsed: elapsed(), ordering: $("order").value}});
  remember(entry);
  advance();
}

function skip() {
  if (!Q.current) return;
  advance();
}

function elapsed() {
  return Math.round(performance.now() - Q.shownAt) / 1000;
}

function remember(entry) {
  Q.history.push(entry);
  renderRecent();
}

async function undo() {
  const last = [...Q.history].reverse().find((entry) => !entry.undone);
  if (last) last.undone = true;
  const entry = {url: "/api/undo", answers: [], body: {batch: null}};
  if (last) {
    // the save may still be in the outbox: its batch is known only once it is sent
    entry.resolve = () => { entry.body.batch = last.batch === undefined ? null : last.batch; };
  }
  enqueue(entry);
  await drained();
  const result = entry.result;
  if (!result || result.undone === null) { flash("Nothing to undo"); return; }
  const answer = result.answers[0];
  const verify = Q.view === "verify" ? ((last && last.item && last.item.verify) || $("verify-code").value) : "";
  const view = await api("/api/answer/" + answer + (verify ? "?verify=" + encodeURIComponent(verify) : ""));
  if (Q.current) Q.queue.unshift(Q.current);
  flash("Undone: " + view.id);
  show(view);
  loadRecent();
}

async function edit(answer) {
  if (document.activeElement) document.activeElement.blur();   // the keys go to the answer again
  const view = await api("/api/answer/" + answer);
  Q.editing = Q.editing || {returnTo: Q.current, view: Q.view};
  if (Q.view !== "review" && Q.view !== "adjudicate") setView("review", false);
  show(view);
  flash("Editing " + view.id + ": Enter saves it, then you are back where you were");
}

function toggle(codeId) {
  if (!Q.current || Q.view === "verify") return;
  if (Q.chips.has(codeId)) Q.chips.delete(codeId); else Q.chips.add(codeId);
  renderCard();
}

// -- drawing the answer --------------------------------------------------------------------
function codeInfo(id) {
  return Q.state.codes.find((code) => code.id === id);
}

function colorOf(id) {
  const index = Q.state.codes.findIndex((code) => code.id === id);
  const code = Q.state.codes[index];
  return (code && code.color) || PALETTE[index % PALETTE.length];
}

function label(id) {
  const code = codeInfo(id);
  return code ? code.label : id;
}

function renderCard() {
  const card = $("card");
  const item = Q.current;
  card.replaceChildren();
  card.dataset.answer = item ? item.id : "";
  card.dataset.view = Q.view;
  if (!item) {
    const waiting = Q.fetching !== null;
    card.append(node("p", {class: "done", text: waiting ? "Loading…" :
      "Nothing left to show with these filters. Change the order or the filters above, or look at Agreement."}));
    return;
  }
  if (Q.editing) card.append(node("p", {class: "editing", text: "Editing an earlier decision"}));
  const meta = node("p", {class: "meta"},
    node("span", {class: "id", text: item.id}),
    item.respondent && item.respondent !== item.id ? node("span", {text: "respondent " + item.respondent}) : null,
    item.reviewed ? node("span", {class: "badge", text: "reviewed"}) : null,
    node("span", {class: "model", title: "the machine that made these suggestions", text: item.model_note}),
    item.substantive ? null : node("span", {class: "badge muted", text: "no content"}));
  card.append(meta);
  if (item.question) card.append(node("p", {class: "question", text: item.question}));
  card.append(renderText(item));
  if (item.attributes.length) {
    card.append(node("dl", {class: "attributes"},
      item.attributes.map(([key, value]) => [node("dt", {text: key}), node("dd", {text: value})])));
  }
  card.append(Q.view === "verify" ? renderVerify(item) : renderChips(item));
  if (Q.view !== "verify") {
    card.append(node("p", {class: "actions"},
      node("button", {type: "button", class: "primary", onclick: (e) => { e.currentTarget.blur(); saveAndNext(); },
                      text: Q.view === "adjudicate" ? "Settle & next (Enter)" : "Save & next (Enter)"}),
      node("button", {type: "button", onclick: (e) => { e.currentTarget.blur(); undo(); }, text: "Undo (u)"}),
      node("button", {type: "button", onclick: (e) => { e.currentTarget.blur(); openSimilar(); }, text: "Similar (s)"}),
      node("button", {type: "button", onclick: (e) => { e.currentTarget.blur(); skip(); }, text: "Skip (→)"})));
  }
}

function renderText(item) {
  const shown = Q.view === "verify" ? new Set([item.verify]) : Q.chips;
  const text = node("p", {class: "text"});
  for (const piece of item.segments) {
    const matched = piece.m.filter((code) => shown.has(code));
    const sentence = piece.s.filter((code) => shown.has(code));
    if (!matched.length && !sentence.length) {
      text.append(document.createTextNode(piece.t));
      continue;
    }
    const codes = matched.length ? matched : sentence;
    const span = node(matched.length ? "mark" : "span", {class: matched.length ? "match" : "sentence",
      title: codes.map(label).join(", "), text: piece.t});
    span.style.setProperty("--code", colorOf(codes[0]));
    text.append(span);
  }
  return text;
}

function renderChips(item) {
  const chips = node("div", {class: "chips"});
  const order = Q.state.codes.map((code) => code.id)
    .sort((a, b) => (item.scores[b] || 0) - (item.scores[a] || 0));
  for (const id of order) {
    const code = codeInfo(id);
    const on = Q.chips.has(id);
    const others = Object.entries(item.others || {}).filter(([, codes]) => codes.includes(id)).map(([who]) => who);
    const chip = node("button", {type: "button", class: "chip" + (on ? " on" : "") +
        (item.suggested.includes(id) ? " suggested" : ""),
      title: chipTitle(item, id, others), "aria-pressed": on ? "true" : "false",
      dataset: {code: id},
      onclick: (e) => { e.currentTarget.blur(); toggle(id); }},
      code.key ? node("kbd", {text: code.key}) : null,
      node("span", {class: "tick", text: on ? "✓" : ""}),
      node("span", {class: "label", text: code.label}),
      node("span", {class: "score", text: Math.round((item.scores[id] || 0) * 100) + "%"}),
      item.flagged.includes(id) ? node("span", {class: "flag", text: "⚑", title: "decided under codebook v" +
        ((item.flagged_under || {})[id] || "?") + "; this code changed since"}) : null,
      others.length ? node("span", {class: "others", text: others.join(", ")}) : null);
    chip.style.setProperty("--code", colorOf(id));
    chips.append(chip);
  }
  return chips;
}

function chipTitle(item, id, others) {
  const code = codeInfo(id);
  const lines = [code.label + ": " + code.description];
  lines.push(item.suggested.includes(id) ? "The machine applied it (score " + item.scores[id] + ")" :
    "The machine did not apply it (score " + item.scores[id] + ")");
  const evidence = item.evidence[id];
  if (evidence && evidence.words.length) lines.push("Words: " + evidence.words.join(", "));
  if (evidence && evidence.nearest) lines.push("Nearest: " + evidence.nearest);
  if (others.length) lines.push("Also applied by " + others.join(", "));
  return lines.join("\n");
}

function renderVerify(item) {
  const code = codeInfo(item.verify);
  const suggested = item.suggested.includes(item.verify);
  const decided = item.decided[item.verify];
  const box = node("div", {class: "verify"},
    node("p", {class: "verify-code"}, node("span", {class: "swatch"}), code.label),
    node("p", {class: "verify-description", text: code.description}),
    node("p", {class: "verify-machine", text: (suggested ? "The machine applied it" : "The machine did not apply it") +
      " (score " + Math.round((item.scores[item.verify] || 0) * 100) + "%)" +
      (decided === undefined ? "" : decided ? "; you accepted it before" : "; you rejected it before")}),
    node("p", {class: "actions"},
      node("button", {type: "button", class: "primary", onclick: () => verifyAndNext(true), text: "Accept (a)"}),
      node("button", {type: "button", onclick: () => verifyAndNext(false), text: "Reject (x)"}),
      node("button", {type: "button", onclick: () => skip(), text: "Skip (space)"})));
  box.style.setProperty("--code", colorOf(item.verify));
  return box;
}

// -- the side: last decisions, progress -------------------------------------------------------
let recentTimer = null;
function scheduleRecent() {
  clearTimeout(recentTimer);
  recentTimer = setTimeout(loadRecent, 300);
}

async function loadRecent() {
  try {
    Q.recent = (await api("/api/recent")).items;
  } catch (error) { return; }
  renderRecent();
}

function renderRecent() {
  const list = $("recent");
  list.replaceChildren();
  const pending = Q.outbox.filter((entry) => entry.item).reverse();
  for (const entry of pending) {
    list.append(node("li", {class: "pending", title: "saving…"},
      node("span", {class: "id", text: entry.item.id}),
      node("span", {class: "codes", text: entry.applies === undefined ? entry.codes.map(label).join(", ") || "no code"
        : (entry.applies ? "✓ " : "✗ ") + label(entry.codes[0])}),
      node("span", {class: "state", text: entry.state === "waiting" ? "waiting" : "…"})));
  }
  for (const item of Q.recent.slice(0, Math.max(0, 10 - pending.length))) {
    const what = item.kind === "verify" && item.verified ?
      (item.verified.applies ? "✓ " : "✗ ") + label(item.verified.code) :
      (item.codes.map(label).join(", ") || "no code");
    list.append(node("li", {class: "saved", title: item.text, tabindex: "0",
        onclick: () => edit(item.answer), onkeydown: (e) => { if (e.key === "Enter") { e.stopPropagation(); edit(item.answer); } }},
      node("span", {class: "id", text: item.id + (item.count > 1 ? " +" + (item.count - 1) + " similar" : "")}),
      node("span", {class: "codes", text: what}),
      node("span", {class: "state", text: "✓"})));
  }
}

function renderProgress(progress) {
  Q.state.progress = progress;
  const share = progress.total ? Math.round(100 * progress.reviewed / progress.total) : 0;
  $("progress").textContent = progress.reviewed + " / " + progress.total + " reviewed (" + share + " %)" +
    (progress.seconds_per_decision !== null ? " · " + progress.seconds_per_decision + " s per decision" : "");
  const table = $("per-code");
  table.replaceChildren(node("tr", {}, node("th", {text: "code"}), node("th", {text: "machine", title: "answers the machine gave it"}),
    node("th", {text: "reviewed", title: "of those, reviewed by you"}), node("th", {text: "yours", title: "answers you gave it"})));
  for (const row of progress.per_code) {
    const cell = node("td", {}, node("span", {class: "swatch"}), label(row.code));
    cell.firstChild.style.setProperty("--code", colorOf(row.code));
    table.append(node("tr", {}, cell, node("td", {text: row.machine}), node("td", {text: row.reviewed}),
                      node("td", {text: row.decided})));
  }
}

function renderStatus() {
  const waiting = Q.outbox.length;
  $("status").textContent = waiting ? "Saving " + waiting + "…" : "All decisions saved";
  $("status").className = waiting ? "busy" : "";
}

function showBanner(message, kind) {
  const banner = $("banner");
  banner.replaceChildren(node("span", {text: message}),
    node("button", {type: "button", text: "×", title: "Close", onclick: () => { banner.hidden = true; }}));
  banner.className = kind || "";
  banner.hidden = false;
}

function hideBanner(kind) {
  if ($("banner").className === kind) $("banner").hidden = true;
}

let flashTimer = null;
function flash(message) {
  $("status").textContent = message;
  clearTimeout(flashTimer);
  flashTimer = setTimeout(renderStatus, 2500);
}

// -- overlays: help, code search, similar answers -------------------------------------------------
function openOverlay(id) {
  for (const overlay of document.querySelectorAll(".overlay")) overlay.hidden = overlay.id !== id;
}

function closeOverlays() {
  // a focused field in a closed overlay would keep the keys until Chrome gets round to blurring it
  const focused = document.activeElement;
  if (focused && focused.closest(".overlay")) focused.blur();
  for (const overlay of document.querySelectorAll(".overlay")) overlay.hidden = true;
  Q.similar = null;
}

function openOverlayed() {
  return [...document.querySelectorAll(".overlay")].find((overlay) => !overlay.hidden);
}

function fold(text) {
  return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
}

function openPicker() {
  if (!Q.current || Q.view === "verify") return;
  openOverlay("picker");
  const input = $("picker-input");
  input.value = "";
  renderPicker();
  input.focus();
}

function pickerMatches() {
  const wanted = fold($("picker-input").value.trim());
  return Q.state.codes.filter((code) => !wanted || fold(code.label).includes(wanted) || code.id.includes(wanted));
}

function renderPicker() {
  const list = $("picker-list");
  list.replaceChildren();
  pickerMatches().forEach((code, index) => {
    const item = node("li", {class: (index === 0 ? "first " : "") + (Q.chips.has(code.id) ? "on" : ""),
        onclick: () => { toggle(code.id); closeOverlays(); }},
      node("span", {class: "swatch"}), code.label, node("small", {text: " " + code.id}));
    item.firstChild.style.setProperty("--code", colorOf(code.id));
    list.append(item);
  });
}

async function openSimilar() {
  if (!Q.current || Q.view !== "review") return;
  Q.similar = {answer: Q.current.answer, codes: codeOrder(Q.chips), items: [], chosen: new Set()};
  $("similar-codes").textContent = "Codes: " + (Q.similar.codes.map(label).join(", ") || "none") +
    " (from " + Q.current.id + ")";
  openOverlay("similar");
  await loadSimilar();
}

async function loadSimilar() {
  const similar = Q.similar;
  if (!similar) return;
  const cutoff = Number($("similar-cutoff").value);
  $("similar-cutoff-value").textContent = cutoff.toFixed(2);
  const params = new URLSearchParams({answer: similar.answer, codes: similar.codes.join(","), cutoff});
  const list = $("similar-list");
  list.replaceChildren(node("li", {text: "Finding similar answers…"}));
  const found = await api("/api/similar?" + params.toString());
  if (Q.similar !== similar) return;
  similar.items = found.items;
  similar.chosen = new Set(found.items.filter((item) => item.changes).map((item) => item.answer));
  renderSimilar(found.vectors);
}

function renderSimilar(vectors) {
  const similar = Q.similar;
  const list = $("similar-list");
  list.replaceChildren();
  if (!similar.items.length) {
    list.append(node("li", {text: vectors ? "No unreviewed answer is this similar." :
      "No exact duplicate (this project has no answer vectors for nearer matches)."}));
  }
  for (const item of similar.items) {
    const before = new Set(item.before), after = new Set(item.after);
    const added = item.after.filter((code) => !before.has(code)).map(label);
    const removed = item.before.filter((code) => !after.has(code)).map(label);
    const box = node("input", {type: "checkbox", checked: similar.chosen.has(item.answer),
      onchange: (e) => { if (e.target.checked) similar.chosen.add(item.answer); else similar.chosen.delete(item.answer); updateApply(); }});
    list.append(node("li", {class: item.changes ? "" : "same"},
      node("label", {}, box,
        node("span", {class: "similarity", text: item.exact ? "same words" : Math.round(item.similarity * 100) + "%"}),
        node("span", {class: "id", text: item.id}),
        node("span", {class: "text", text: item.text})),
      node("span", {class: "change", text: item.changes ?
        [added.length ? "+ " + added.join(", ") : "", removed.length ? "− " + removed.join(", ") : ""].filter(Boolean).join("  ")
        : "no change"})));
  }
  updateApply();
}

function updateApply() {
  $("similar-apply").textContent = "Apply to this answer and " + Q.similar.chosen.size + " more (Enter)";
}

function applySimilar() {
  const similar = Q.similar;
  if (!similar || !Q.current) return;
  const targets = [...similar.chosen];
  const item = Q.current;
  const entry = enqueue({url: "/api/similar", answers: [item.answer, ...targets], item, codes: similar.codes,
    body: {answer: item.answer, targets, codes: similar.codes, elapsed: elapsed(), ordering: $("order").value}});
  remember(entry);
  const taken = new Set(targets);
  Q.queue = Q.queue.filter((queued) => !taken.has(queued.answer));
  closeOverlays();
  flash("Applied to " + (targets.length + 1) + " answers (u undoes it)");
  advance();
}

// -- agreement --------------------------------------------------------------------------------
async function renderAgreement() {
  const view = $("agreement-view");
  view.replaceChildren(node("p", {text: "Computing…"}));
  const data = await api("/api/agreement");
  view.replaceChildren(node("h2", {text: "Agreement per code"}));
  if (!data.rows.length) {
    view.append(node("p", {text: "No decisions yet."}));
    return;
  }
  view.append(node("p", {text: "Coders: " + data.coders.join(", ") + (Q.state.blind ? "" :
    " · answers where coders disagree: " + data.disagreements)}));
  const number = (value, digits) => value === null ? "–" : value.toFixed(digits);
  const pairs = [...new Set(data.rows.map((row) => row.first + " vs " + row.second))];
  for (const pair of pairs) {
    view.append(node("h3", {text: pair}));
    const table = node("table", {class: "agreement"}, node("tr", {},
      ["code", "answers", "agreement", "kappa", "alpha", "precision", "recall", "F1"].map((name) => node("th", {text: name}))));
    for (const row of data.rows.filter((row) => row.first + " vs " + row.second === pair)) {
      table.append(node("tr", {class: row.code === "(all)" ? "total" : ""},
        node("td", {text: row.code === "(all)" ? "all codes" : row.label}), node("td", {text: row.answers}),
        node("td", {text: number(row.agreement, 2)}), node("td", {text: number(row.kappa, 2)}),
        node("td", {text: number(row.alpha, 2)}), node("td", {text: number(row.precision, 2)}),
        node("td", {text: number(row.recall, 2)}), node("td", {text: number(row.f1, 2)})));
    }
    view.append(table);
  }
  view.append(node("p", {class: "note", text: "Precision and recall are those of the second against the first " +
    "(of the machine against the coder). Kappa and alpha are empty where neither varies."}));
}

// -- views and keys ---------------------------------------------------------------------------
function setView(view, reload = true) {
  if (view === "adjudicate" && Q.state.blind) {
    flash("Adjudication shows every coder's decisions: start the workspace without --blind");
    return;
  }
  Q.view = view;
  for (const button of document.querySelectorAll("#views button")) {
    button.classList.toggle("active", button.dataset.view === view);
  }
  const agreement = view === "agreement";
  const codebook = view === "codebook";
  $("agreement-view").hidden = !agreement;
  $("codebook-view").hidden = !codebook;
  $("main").hidden = agreement || codebook;
  $("toolbar").hidden = agreement || codebook;
  $("verify-choice").hidden = view !== "verify";
  document.body.dataset.view = view;
  if (agreement) { renderAgreement(); return; }
  if (codebook) { openCodebook(); return; }
  if (reload) resetQueue();
}

const REVIEW_KEYS = {
  "Enter": saveAndNext, "Backspace": undo, "u": undo, "/": openPicker, "?": () => openOverlay("help"),
  "ArrowRight": skip, "s": openSimilar, "v": () => setView("verify"), "c": () => setView("codebook"),
};
const VERIFY_KEYS = {
  "a": () => verifyAndNext(true), "x": () => verifyAndNext(false), " ": skip, "Backspace": undo, "u": undo,
  "?": () => openOverlay("help"), "v": () => setView("review"),
};
const TIMED = new Set(["Enter", "a", "x", " ", "ArrowRight"]);

function onKey(event) {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const overlay = openOverlayed();
  if (overlay) { overlayKey(event, overlay); return; }
  const target = event.target;
  if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA")) {
    if (event.key === "Escape") target.blur();
    return;
  }
  if (Q.view === "agreement" || !Q.state) return;
  if (Q.view === "codebook") { codebookKey(event); return; }
  let action = (Q.view === "verify" ? VERIFY_KEYS : REVIEW_KEYS)[event.key];
  if (!action && Q.view !== "verify" && KEYS.includes(event.key) && event.key.length === 1) {
    const code = Q.state.codes.find((c) => c.key === event.key);
    if (code) action = () => toggle(code.id);
  }
  if (!action) return;
  event.preventDefault();
  if (TIMED.has(event.key)) Q.keyAt = performance.now();
  action();
}

function overlayKey(event, overlay) {
  if (event.key === "Escape") { event.preventDefault(); closeOverlays(); return; }
  if (overlay.id === "help" && event.key === "?") { closeOverlays(); return; }
  if (overlay.id === "picker" && event.key === "Enter") {
    event.preventDefault();
    const first = pickerMatches()[0];
    if (first) toggle(first.id);
    closeOverlays();
    return;
  }
  if (overlay.id === "similar" && event.key === "Enter" && event.target.tagName !== "BUTTON") {
    event.preventDefault();
    applySimilar();
  }
}

// After the answer on screen changed: the time from the key press to the next frame.
const observer = new MutationObserver(() => {
  if (Q.keyAt === null || !Q.current) return;
  const start = Q.keyAt;
  Q.keyAt = null;
  requestAnimationFrame(() => Q.timings.push(performance.now() - start));
});

// -- start --------------------------------------------------------------------------------
function fillSelect(select, options, chosen) {
  select.replaceChildren(...options.map(([value, text]) => node("option", {value, text})));
  if (chosen !== undefined) select.value = chosen;
}

function fillFilters() {
  const state = Q.state;
  const codes = state.codes.map((code) => [code.id, code.label]);
  fillSelect($("order"), state.filters.orders.map((order) => [order, {
    informative: "most informative", code: "by code", question: "by question", group: "by group",
    random: "random sample", file: "file order"}[order] || order]), "informative");
  fillSelect($("f-question"), [["", "all"]].concat(state.filters.questions.map((q) => [q, q])));
  fillSelect($("f-group"), [["", "—"]].concat(Object.keys(state.filters.groups).map((g) => [g, g])));
  fillSelect($("f-value"), [["", "all"]]);
  fillSelect($("f-code"), [["", "any"]].concat(codes));
  fillSelect($("f-status"), state.filters.statuses.map((s) => [s, {unreviewed: "not reviewed by me",
    reviewed: "reviewed by me", changed: "I changed the machine's codes", disagreement: "coders disagree",
    all: "all answers"}[s] || s]), "unreviewed");
  fillSelect($("verify-code"), codes);
  for (const id of ["f-question", "f-code", "f-status", "order", "verify-code", "f-value"]) {
    $(id).addEventListener("change", () => { $(id).blur(); resetQueue(); });
  }
  $("f-group").addEventListener("change", () => {
    const values = state.filters.groups[$("f-group").value] || [];
    fillSelect($("f-value"), [["", "all"]].concat(values.map((v) => [v, v])));
    $("f-value").parentElement.hidden = !values.length;
    $("f-group").blur();
    resetQueue();
  });
}

function showChanges(changes) {
  if (!changes) return;
  const parts = [];
  if (changes.changed.length) parts.push("changed: " + changes.changed.map(label).join(", "));
  if (changes.added.length) parts.push("added: " + changes.added.map(label).join(", "));
  if (changes.removed.length) parts.push("removed: " + changes.removed.join(", "));
  if (changes.renamed.length) parts.push("renamed: " + changes.renamed.map(([a, b]) => a + " → " + b).join(", "));
  showBanner("Codebook version " + changes.version + " (" + parts.join("; ") + "). Earlier decisions are kept; " +
    changes.flagged + " were made before their code changed and are marked ⚑.", "changes");
}

async function start() {
  document.addEventListener("keydown", onKey);
  observer.observe($("card"), {childList: true});
  for (const button of document.querySelectorAll("#views button")) {
    button.addEventListener("click", (e) => { e.currentTarget.blur(); setView(button.dataset.view); });
  }
  $("help-button").addEventListener("click", (e) => { e.currentTarget.blur(); openOverlay("help"); });
  for (const overlay of document.querySelectorAll(".overlay")) {
    overlay.addEventListener("click", (e) => { if (e.target === overlay) closeOverlays(); });
  }
  $("picker-input").addEventListener("input", renderPicker);
  $("similar-cutoff").addEventListener("change", loadSimilar);
  $("similar-apply").addEventListener("click", applySimilar);
  $("similar-cancel").addEventListener("click", closeOverlays);
  const [state, page] = await Promise.all([api("/api/state"),
    api("/api/queue?order=informative&status=unreviewed&n=" + PAGE)]).catch((error) => {
      showBanner("Cannot start: " + error.message, "error");
      throw error;
    });
  Q.state = state;
  $("codebook-name").textContent = state.codebook.name + (state.codebook.label ? " (v" + state.codebook.label + ")" : "");
  $("coder").textContent = state.coder + (state.blind ? " · blind" : "");
  fillFilters();
  renderProgress(state.progress);
  showChanges(state.changes);
  document.body.dataset.view = Q.view;
  $("verify-choice").hidden = true;
  $("f-value").parentElement.hidden = true;
  renderStatus();
  Q.queue = page.items; Q.next = page.next; Q.end = page.end; Q.model = page.model;
  advance();
  document.body.dataset.ready = "true";
  loadRecent();
}

start();
