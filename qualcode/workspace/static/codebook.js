// The codebook view: edit a code, add one (or import one discover suggested), merge two, split
// one; every change is previewed (the answers that gain or lose each code, counts before and
// after) before it is saved to the YAML file and the project, and the last edit can be undone.
// Uses app.js's Q, $, node, api, label, colorOf, fillSelect, renderProgress, showChanges.
"use strict";

const CB = {panel: null, form: null, previewed: null, asked: 0, timer: null};
const CB_FIELDS = [
  ["label", "Label", "input"], ["description", "Description", "textarea"], ["include", "Include when", "textarea"],
  ["exclude", "Exclude when", "textarea"], ["keywords", "Keywords (comma between)", "list"],
  ["exclude_keywords", "Exclusion keywords (comma between)", "list"], ["examples", "Examples (one a line)", "lines"],
];
const CB_LIVE_MS = 700;

async function openCodebook() {
  cbError(null);
  try {
    CB.panel = await api("/api/codebook");
  } catch (error) { cbError(error.message); return; }
  renderCodebook();
}

function cbError(message) {
  const line = $("cb-error");
  line.textContent = message || "";
  line.hidden = !message;
}

function renderCodebook() {
  const panel = CB.panel;
  $("cb-version").textContent = "version " + panel.version;
  $("cb-file").textContent = panel.file ? "saved to " + panel.file : (panel.problem || "");
  $("cb-undo").disabled = !panel.undo;
  $("cb-undo").textContent = panel.undo ? "Undo: " + panel.undo + " (u)" : "Nothing to undo";
  for (const id of ["cb-new", "cb-merge", "cb-split", "cb-import"]) $(id).disabled = !panel.editable;
  const table = $("cb-codes");
  table.replaceChildren(node("tr", {}, node("th", {text: "key"}), node("th", {text: "code"}),
    node("th", {text: "answers", title: "answers with the code as they stand (your decisions over the machine's)"})));
  panel.codes.forEach((code, index) => {
    const button = node("button", {type: "button", class: "cb-edit", dataset: {code: code.id},
      disabled: !panel.editable, onclick: () => editForm(code.id)}, node("span", {class: "swatch"}), code.label);
    button.firstChild.style.setProperty("--code", colorOf(code.id));
    table.append(node("tr", {class: code.status === "active" ? "" : "inactive", dataset: {code: code.id}},
      node("td", {}, index < KEYS.length ? node("kbd", {text: KEYS[index]}) : null),
      node("td", {}, button, node("small", {text: " " + code.id + (code.status === "active" ? "" : " · " + code.status)}),
        code.flagged ? node("small", {class: "flag", text: " ⚑ " + code.flagged,
          title: code.flagged + " decision(s) made under an earlier definition of this code; they stand"}) : null),
      node("td", {class: "count", text: code.count === null ? "–" : code.count})));
  });
}

function codeData(id) {
  return CB.panel.codes.find((code) => code.id === id);
}

// -- forms ------------------------------------------------------------------------------------
function field(name, title, kind, value) {
  const text = Array.isArray(value) ? value.join(kind === "lines" ? "\n" : ", ") : (value || "");
  const input = kind === "input" ? node("input", {type: "text", name, value: text}) :
    node("textarea", {name, rows: kind === "lines" || name === "description" ? 4 : 2});
  if (kind !== "input") input.value = text;
  return node("label", {class: "cb-field"}, node("span", {text: title}), input);
}

function showForm(title, body, change) {
  CB.form = {change};
  CB.previewed = null;
  $("cb-preview").replaceChildren();
  const form = $("cb-form");
  form.replaceChildren(node("h3", {text: title}), ...body,
    node("p", {class: "actions"},
      node("button", {type: "button", class: "primary", id: "cb-preview-button", text: "Preview", onclick: () => preview()}),
      node("button", {type: "button", id: "cb-save", text: "Save", onclick: () => save()}),
      node("button", {type: "button", text: "Cancel", onclick: () => closeForm()})));
  form.hidden = false;
  $("cb-hint").hidden = true;
  const first = form.querySelector("input, textarea, select");
  if (first) first.focus();
}

function closeForm() {
  CB.form = null;
  $("cb-form").hidden = true;
  $("cb-hint").hidden = false;
  $("cb-form").replaceChildren();
  $("cb-preview").replaceChildren();
  cbError(null);
}

function fieldsOf(names) {
  const form = $("cb-form");
  const fields = {};
  for (const [name, , kind] of CB_FIELDS.concat([["id", "", "input"]])) {
    if (names && !names.includes(name)) continue;
    const input = form.querySelector('[name="' + name + '"]');
    if (!input) continue;
    if (kind === "list") fields[name] = input.value.split(/[,\n]/).map(unquoted).filter(Boolean);
    else if (kind === "lines") fields[name] = input.value.split("\n").map((s) => s.trim()).filter(Boolean);
    else fields[name] = input.value.trim();
  }
  return fields;
}

function unquoted(keyword) {
  // "inte råd" typed as in the YAML file is the phrase inte råd
  return keyword.trim().replace(/^(["'])(.*)\1$/, "$2").trim();
}

function editForm(id) {
  const code = codeData(id);
  showForm("Edit " + code.label + " (" + code.id + ")",
    CB_FIELDS.map(([name, title, kind]) => field(name, title, kind, code[name])),
    () => ({op: "edit", code: id, fields: fieldsOf()}));
}

function addForm(code, from) {
  const fields = [["id", "Id (a-z, 0-9, _)", "input"]].concat(CB_FIELDS);
  showForm(from ? "Add " + (code.label || code.id) + " from " + from : "New code",
    fields.map(([name, title, kind]) => field(name, title, kind, (code || {})[name])),
    () => Object.assign({op: "add", fields: fieldsOf()}, from ? {from} : {}));
}

function codeSelect(name, chosen) {
  const select = node("select", {name});
  fillSelect(select, CB.panel.codes.filter((code) => code.status === "active").map((code) => [code.id, code.label]), chosen);
  return select;
}

function mergeForm() {
  const active = CB.panel.codes.filter((code) => code.status === "active");
  const keep = codeSelect("keep", active[0] && active[0].id);
  const absorb = codeSelect("absorb", active[1] && active[1].id);
  showForm("Merge two codes", [
    node("label", {class: "cb-field"}, node("span", {text: "Keep this code"}), keep),
    node("label", {class: "cb-field"}, node("span", {text: "Merge this code into it (it goes; its keywords, examples and decisions move over)"}), absorb)],
    () => ({op: "merge", keep: keep.value, absorb: absorb.value}));
}

function splitForm() {
  const active = CB.panel.codes.filter((code) => code.status === "active");
  const code = codeSelect("split-code", active[0] && active[0].id);
  const list = node("ul", {id: "cb-split-answers"});
  const loadAnswers = async () => {
    list.replaceChildren(node("li", {text: "Loading…"}));
    const found = await api("/api/codebook/answers?code=" + encodeURIComponent(code.value));
    list.replaceChildren(...found.items.map((item) => node("li", {}, node("label", {},
      node("input", {type: "checkbox", value: item.answer}), node("span", {class: "id", text: item.id}),
      node("span", {class: "text", text: item.text})))));
    if (!found.items.length) list.append(node("li", {text: "No answer has this code."}));
  };
  code.addEventListener("change", loadAnswers);
  showForm("Split a code: move the answers you tick to a new code", [
    node("label", {class: "cb-field"}, node("span", {text: "Code to split"}), code),
    field("id", "New code's id (a-z, 0-9, _)", "input", ""), field("label", "New code's label", "input", ""),
    field("description", "New code's description", "textarea", ""),
    node("p", {class: "note", text: "Answers with the code now (tick those that belong to the new code):"}), list],
    () => ({op: "split", code: code.value, fields: fieldsOf(["id", "label", "description"]),
      answers: [...list.querySelectorAll("input:checked")].map((box) => Number(box.value))}));
  loadAnswers();
}

async function importFile(input) {
  const file = input.files[0];
  if (!file) return;
  cbError(null);
  const text = await file.text();
  input.value = "";
  let found;
  try {
    found = await api("/api/codebook/candidates", {yaml: text, name: file.name});
  } catch (error) { cbError(error.message); return; }
  showForm("Codes in " + file.name + " that the codebook lacks", [node("ul", {id: "cb-candidates"},
    found.codes.map((code) => node("li", {},
      node("button", {type: "button", onclick: () => addForm(code, file.name), text: "Add " + code.label}),
      node("small", {text: " " + code.id + (code.keywords ? " · " + code.keywords.join(", ") : "")}))))], null);
  $("cb-preview-button").hidden = true;
  $("cb-save").hidden = true;
  const first = $("cb-candidates").querySelector("button");
  if (first) first.focus();
}

// -- preview, save, undo ------------------------------------------------------------------------
function livePreview(event) {
  if (!CB.form || !CB.form.change || event.target.type === "checkbox") return;
  clearTimeout(CB.timer);
  CB.timer = setTimeout(() => preview(), CB_LIVE_MS);
}

async function preview() {
  if (!CB.form || !CB.form.change) return;
  clearTimeout(CB.timer);
  const change = CB.form.change();
  const asked = ++CB.asked;
  $("cb-preview").replaceChildren(node("p", {class: "note", text: "Coding the answers again…"}));
  let result;
  try {
    result = await api("/api/codebook/preview", change);
  } catch (error) {
    if (asked === CB.asked) { cbError(error.message); $("cb-preview").replaceChildren(); }
    return;
  }
  if (asked !== CB.asked) return;
  cbError(null);
  CB.previewed = JSON.stringify(change);
  renderPreview(result);
}

function answerList(title, listed, sign) {
  if (!listed.count) return null;
  return node("div", {class: "cb-answers " + (sign === "+" ? "gained" : "lost")},
    node("h4", {text: title + " (" + listed.count + ")"}),
    node("ul", {}, listed.answers.map((item) => node("li", {}, node("span", {class: "id", text: sign + " " + item.id}),
      node("span", {class: "text", text: item.text})))),
    listed.count > listed.answers.length ? node("p", {class: "note", text: "… and " + (listed.count - listed.answers.length) + " more"}) : null);
}

function renderPreview(result) {
  const table = node("table", {id: "cb-counts"}, node("tr", {}, node("th", {text: "code"}),
    node("th", {text: "before"}), node("th", {text: "after"}), node("th", {text: "gain"}), node("th", {text: "lose"})));
  const lists = [];
  for (const row of result.codes) {
    const changed = row.before !== row.after || row.gained.count || row.lost.count;
    table.append(node("tr", {class: changed ? "changed" : "", dataset: {code: row.code}},
      node("td", {text: row.label + (row.added ? " (new)" : row.removed ? " (removed)" : "")}),
      node("td", {class: "before", text: row.before}), node("td", {class: "after", text: row.after}),
      node("td", {text: row.gained.count ? "+" + row.gained.count : ""}),
      node("td", {text: row.lost.count ? "−" + row.lost.count : ""})));
    if (changed && !row.removed) {
      lists.push(node("section", {class: "cb-code-changes"}, node("h3", {text: row.label}),
        answerList("Gain " + row.label, row.gained, "+"), answerList("Lose " + row.label, row.lost, "−")));
    }
  }
  $("cb-preview").replaceChildren(
    node("p", {class: "note", text: "Preview of “" + result.summary + "” (answers coded again in " + result.seconds +
      " s). Counts are answers with the code as they stand. Nothing is saved until you press Save."}),
    node("pre", {class: "cb-diff", text: result.diff}), table, ...lists);
}

async function save() {
  if (!CB.form || !CB.form.change) return;
  const change = CB.form.change();
  let result;
  try {
    result = await api("/api/codebook/save", change);
  } catch (error) { cbError(error.message); return; }
  closeForm();
  codebookChanged(result);
  flash("Saved codebook version " + result.version + " to " + (CB.panel.file || "the project"));
}

async function undoCodebook() {
  if (!CB.panel || !CB.panel.undo) { flash("Nothing to undo in the codebook"); return; }
  let result;
  try {
    result = await api("/api/codebook/undo", {});
  } catch (error) { cbError(error.message); return; }
  closeForm();
  codebookChanged(result);
  flash("Undone: the codebook is version " + result.version + " again");
}

function codebookChanged(result) {
  Q.state = result.state;
  CB.panel = result.codebook;
  $("codebook-name").textContent = Q.state.codebook.name + (Q.state.codebook.label ? " (v" + Q.state.codebook.label + ")" : "");
  const codes = Q.state.codes.map((code) => [code.id, code.label]);
  fillSelect($("f-code"), [["", "any"]].concat(codes), "");
  fillSelect($("verify-code"), codes);
  renderProgress(result.progress);
  if (Q.state.changes) showChanges(Q.state.changes); else hideBanner("changes");
  renderCodebook();
}

// -- keys in the codebook view (when no field has the focus) -------------------------------------
const CODEBOOK_KEYS = {
  "n": () => addForm(null), "m": mergeForm, "s": splitForm, "u": undoCodebook, "Escape": () => (CB.form ? closeForm() : setView("review")),
};

function codebookKey(event) {
  let action = CODEBOOK_KEYS[event.key];
  if (!action && KEYS.includes(event.key) && event.key.length === 1 && CB.panel) {
    const code = CB.panel.codes[KEYS.indexOf(event.key)];
    if (code && CB.panel.editable) action = () => editForm(code.id);
  }
  if (!action) return;
  event.preventDefault();
  action();
}

function fieldKey(event) {
  // Enter in a one-line field previews; Escape leaves the field
  if (event.key === "Enter" && event.target.tagName === "INPUT" && event.target.type === "text") {
    event.preventDefault();
    preview();
  }
}

function startCodebook() {
  $("cb-undo").addEventListener("click", undoCodebook);
  $("cb-new").addEventListener("click", () => addForm(null));
  $("cb-merge").addEventListener("click", mergeForm);
  $("cb-split").addEventListener("click", splitForm);
  $("cb-import").addEventListener("change", (event) => importFile(event.target));
  $("cb-form").addEventListener("keydown", fieldKey);
  $("cb-form").addEventListener("input", livePreview);
}

startCodebook();
