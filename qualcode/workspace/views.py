"""What the review screen is sent: plain data (JSON) built from a project; the browser turns it
into DOM nodes as text, never as HTML, so answers and codebook text cannot inject markup."""
import statistics

import numpy as np

from qualcode.workspace.learning import LEARNED
from qualcode.workspace.order import ORDERS, STATUSES

SHORTCUT_KEYS = "1234567890"     # the keys of the codebook's 1st to 10th code
MAX_GROUP_VALUES = 60            # an attribute with more values is free text, not a group
SNIPPET = 120


def segments(text, evidence):
    """The answer cut where evidence starts or ends: ``[{"t": text, "m": [codes whose matched
    words these are], "s": [codes whose evidence sentence this is]}]``, concatenating to ``text``."""
    spans = []
    for code, entry in evidence.items():
        for match in entry.matches or ():
            spans.append((match.start, match.end, "m", code))
        if entry.sentence is not None:
            spans.append((entry.sentence.start, entry.sentence.end, "s", code))
    spans = [(start, end, kind, code) for start, end, kind, code in spans if 0 <= start < end <= len(text)]
    cuts = sorted({0, len(text), *(s for s, _, _, _ in spans), *(e for _, e, _, _ in spans)})
    pieces = []
    for start, end in zip(cuts, cuts[1:]):
        marks = {kind: sorted({code for s, e, k, code in spans if k == kind and s <= start and end <= e})
                 for kind in ("m", "s")}
        if pieces and pieces[-1]["m"] == marks["m"] and pieces[-1]["s"] == marks["s"]:
            pieces[-1]["t"] += text[start:end]
        else:
            pieces.append({"t": text[start:end], **marks})
    return pieces or [{"t": text, "m": [], "s": []}]


def answer_view(project, position, coder, blind=False, verify=None):
    """One answer for the screen: text cut at its evidence, question, respondent, attributes,
    each code's score, the machine's codes, the codes as ``coder`` sees them, whether they
    reviewed it and which of their decisions predate a change of the code; the other coders'
    codes unless ``blind``."""
    evidence = project.evidence(position)
    decided = project.decisions.of(coder, position)
    view = {
        "answer": int(position),
        "id": project.ids[position],
        "question": project.questions[position] if project.questions is not None else None,
        "respondent": project.respondents[position],
        "attributes": [[column, value] for column, value in project.attributes.iloc[position].items() if value],
        "segments": segments(project.texts[position], evidence),
        "scores": {code: round(float(score), 3) for code, score in zip(project.code_ids, project.scores[position])},
        "suggested": project.machine_codes(position),
        "codes": project.codes_for(position, coder),
        "reviewed": bool(decided),
        "decided": {code: d.applies for code, d in decided.items()},
        "flagged": project.flagged(decided),
        "flagged_under": project.flagged_under(decided),
        "evidence": {code: _evidence_note(entry) for code, entry in evidence.items()},
        "substantive": bool(project.substantive[position]),
        "model": int(project.model_of[position]),
        "model_note": model_note(project, int(project.model_of[position])),
        "verify": verify,
    }
    if not blind:
        view["others"] = {who: [code for code, d in mine.items() if d.applies]
                          for who, mine in project.decisions.others(coder, position).items()}
        adjudicated = project.decisions.adjudication(position)
        view["adjudicated"] = [code for code, d in adjudicated.items() if d.applies] if adjudicated else None
        view["standing"] = project.codes_for(position)
    return view


def model_note(project, model):
    """Which machine made an answer's suggestions, for the screen: the model's number and what it
    learned from (the codebook alone, or the analysts' decisions)."""
    settings = project.models.get(model, {}).get("settings", {})
    if not model:
        return "not coded"
    if settings.get("kind") == LEARNED:
        return f"model {model} · learned from {settings.get('decisions', 0)} decisions"
    return f"model {model} · codebook"


def learning_view(project, learner):
    """The learner's state (None when the workspace does not learn) and the machine's quality
    per code, estimated from the decisions made in random order (see :mod:`qualcode.workspace.quality`)."""
    from qualcode.workspace.quality import TARGET, estimated_quality

    quality = estimated_quality(project)
    return {"learning": learner.status() if learner is not None else None, "target": TARGET,
            "model": model_note(project, project.model_version),
            "quality": quality.round(3).to_dict("records")}


def _evidence_note(entry):
    note = {"words": sorted({m.text for m in entry.matches or () if not m.negated})}
    if entry.nearest is not None:
        note["nearest"] = entry.nearest.text
    return note


def codebook_view(project):
    """The active codes in codebook order with their key (1-9, 0), label, description, colour."""
    codes = []
    for n, code in enumerate(project.codebook.active_codes):
        codes.append({"id": code.id, "label": code.label, "description": code.description,
                      "color": code.color, "key": SHORTCUT_KEYS[n] if n < len(SHORTCUT_KEYS) else None})
    return codes


def changes_view(project):
    """What changed in the current codebook version (None for the first), and how many
    decisions in force were made before a change of their code."""
    if project.codebook_version < 2:
        return None
    latest = project.codebook_versions[-1]
    changes = latest["changes"]
    flagged = sum(len(project.flagged(project.decisions.of(coder, position)))
                  for coder in project.decisions.coders for position in project.decisions.reviewed(coder))
    return {"version": latest["version"], "added": changes.get("added", []), "removed": changes.get("removed", []),
            "changed": changes.get("changed", []), "renamed": changes.get("renamed", []),
            "flagged": flagged, "text": changes.get("text", "")}


def filters_view(project):
    """What the filters can choose: the questions and the attribute columns with few values."""
    groups = {}
    for column in project.attribute_columns:
        values = project.attributes[column].astype(str)
        distinct = values[values != ""].unique()
        if 1 < len(distinct) <= MAX_GROUP_VALUES:
            groups[column] = sorted(distinct.tolist())
    questions = list(dict.fromkeys(project.questions)) if project.questions is not None else []
    return {"questions": questions, "groups": groups, "orders": list(ORDERS), "statuses": list(STATUSES)}


def progress_view(project, coder):
    """Reviewed / total for ``coder`` and anyone, per code (answers the machine gave it, of them
    reviewed, and the answers ``coder`` gave it), and seconds per decision (median)."""
    state = project.decisions
    mine = sorted(state.reviewed(coder))
    rows = np.array(mine, dtype=np.int64)
    machine = project.machine_counts
    reviewed_machine = project.suggested[rows].sum(axis=0) if len(rows) else np.zeros(len(project.code_ids), int)
    decided = {code: 0 for code in project.code_ids}
    for position in mine:
        for code, decision in state.of(coder, position).items():
            if decision.applies and code in decided:
                decided[code] += 1
    elapsed = state.elapsed(coder)
    return {
        "total": len(project), "reviewed": len(mine), "reviewed_any": len(state.reviewed_by_anyone()),
        "decisions": len(elapsed),
        "seconds_per_decision": round(statistics.median(elapsed), 2) if elapsed else None,
        "per_code": [{"code": code, "machine": int(machine[j]), "reviewed": int(reviewed_machine[j]),
                      "decided": decided[code]} for j, code in enumerate(project.code_ids)],
    }


def recent_view(project, coder, n=10):
    """``coder``'s last ``n`` saves not undone, newest first, with the codes as they now stand for them."""
    shown = []
    for batch in reversed(project.decisions.live_batches(coder)):
        answers = batch.answers
        if not answers:
            continue
        first = answers[0]
        entry = {"batch": batch.batch, "kind": batch.kind, "time": batch.time, "answer": first,
                 "id": project.ids[first], "count": len(answers), "text": _snippet(project.texts[first]),
                 "codes": project.codes_for(first, coder)}
        if batch.kind == "verify":
            code = next(code for answer, code in batch.cells if answer == first)
            decision = project.decisions.of(coder, first).get(code)
            entry["verified"] = {"code": code, "applies": decision.applies if decision else None}
        shown.append(entry)
        if len(shown) == n:
            break
    return shown


def _snippet(text):
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[:SNIPPET - 1] + "…"
