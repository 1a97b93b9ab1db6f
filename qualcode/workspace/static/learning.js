// Learning while reviewing: which model makes the suggestions, whether a retrain runs, and the
// machine's precision and recall per code estimated from the random-sample decisions.
// Polled in the background; the review keys never wait for it.
"use strict";

(() => {
  const POLL_MS = 3000;
  const percent = (value) => (value === null || value === undefined ? "–" : Math.round(100 * value) + "");

  function interval(row, name) {
    if (row[name] === null) return "–";
    return percent(row[name]) + " (" + percent(row[name + "_low"]) + "–" + percent(row[name + "_high"]) + ")";
  }

  function render(data) {
    const Q = window.qualcode;
    const learning = data.learning;
    const line = document.getElementById("learning");
    let text = "Suggestions: " + data.model;
    if (learning) {
      text += learning.running ? " · retraining" : " · retrains in " + learning.next_in + " saves";
      if (learning.error) text += " · last retrain failed: " + learning.error;
    }
    line.textContent = text;
    line.className = learning && learning.running ? "running" : "";
    line.dataset.model = learning ? learning.model : "";
    const table = document.getElementById("quality");
    const head = (text, title) => { const cell = document.createElement("th"); cell.textContent = text; cell.title = title; return cell; };
    const row = document.createElement("tr");
    row.append(head("code", ""), head("n", "answers of the random sample decided on this code"),
               head("precision %", "of the machine's codes, how many are right (95 % interval)"),
               head("recall %", "of the right codes, how many the machine gives (95 % interval)"));
    table.replaceChildren(row);
    const codes = Q && Q.state ? Q.state.codes : [];
    for (const entry of data.quality) {
      const code = codes.find((c) => c.id === entry.code);
      const tr = document.createElement("tr");
      tr.dataset.code = entry.code;
      for (const [value, ready] of [[code ? code.label : entry.code, entry.leave_to_machine], [entry.sampled, false],
                                    [interval(entry, "precision"), false], [interval(entry, "recall"), false]]) {
        const td = document.createElement("td");
        td.textContent = String(value);
        if (ready) { td.className = "ready"; td.title = "both lower bounds reach " + percent(data.target) + " %: the rest can be left to the machine"; }
        tr.append(td);
      }
      table.append(tr);
    }
  }

  async function poll() {
    const token = document.querySelector('meta[name="qualcode-token"]').content;
    try {
      const response = await fetch("/api/learning", {headers: {"X-Qualcode-Token": token}});
      if (response.ok) render(await response.json());
    } catch (error) { /* the server is away; app.js says so */ }
    setTimeout(poll, POLL_MS);
  }

  document.addEventListener("DOMContentLoaded", poll);
})();
