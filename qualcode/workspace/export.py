"""What a project gives the rest of qualcode: the answers as they stand after review (for the
report, counts, quotes and the REFI-QDA export) and a summary of who decided what."""
from dataclasses import replace
from datetime import datetime, timezone

import pandas as pd

from qualcode import __version__
from qualcode.coding.result import HUMAN, CodingResult, Evidence


def standing_result(project):
    """The :class:`~qualcode.coding.CodingResult` of every answer as it stands: the decisions in
    force (adjudications first, then the latest decision of any coder) over the machine's
    suggestions. Evidence of a code an analyst decided has ``source`` "human" (a code only an
    analyst saw gets the machine's score and no matches)."""
    project.refresh()
    evidence = project.machine_evidence()
    decisions = project.suggested.copy()
    column = {code: j for j, code in enumerate(project.code_ids)}
    for position in project.decisions.reviewed_by_anyone():
        for code, decision in project.decisions.final(position).items():
            if code not in column:
                continue
            decisions[position, column[code]] = decision.applies
            found = evidence[position].get(code)
            if decision.applies:
                score = float(project.scores[position, column[code]])
                evidence[position][code] = (replace(found, source=HUMAN) if found is not None
                                            else Evidence(score, matches=None, source=HUMAN))
            else:
                evidence[position].pop(code, None)
    scores = pd.DataFrame(project.scores.astype(float).round(4), columns=list(project.code_ids))
    ordered = [{code: entry[code] for code in project.code_ids if code in entry} for entry in evidence]
    return CodingResult(project.code_ids, scores, decisions, ordered)


def answers_frame(project):
    """The project's answers with their input columns, in the input's column order."""
    roles = project.meta.get("columns", {})
    values = {roles.get("id"): project.ids, roles.get("text"): project.texts}
    if roles.get("question"):
        values[roles["question"]] = project.questions
    if roles.get("respondent"):
        values[roles["respondent"]] = project.respondents
    for column in project.attribute_columns:
        values[column] = project.attributes[column].tolist()
    order = [c for c in project.meta.get("column_order", []) if c in values]
    return pd.DataFrame({column: values[column] for column in order + [c for c in values if c not in order]},
                        dtype=object)


def coded_answers(project):
    """:class:`~qualcode.coding.CodedAnswers` of the answers as they stand (see :func:`standing_result`)."""
    from qualcode.coding import CodedAnswers
    from qualcode.coding.table import coded_frame

    roles = project.meta.get("columns", {})
    result = standing_result(project)
    frame = coded_frame(answers_frame(project), result)
    return CodedAnswers(frame, roles.get("id", "id"), roles.get("text", "text"), roles.get("question"),
                        roles.get("respondent"), str(project.path), coding=result)


def review_summary(project):
    """How the answers came by their codes: ``answers``, ``reviewed`` (by an analyst),
    ``machine`` (the machine's codes alone), ``coders`` ({name: answers reviewed}),
    ``adjudicated`` (answers with an adjudication)."""
    project.refresh()
    reviewed = project.decisions.reviewed_by_anyone()
    coders = {coder: len(project.decisions.reviewed(coder)) for coder in project.decisions.coders}
    adjudicated = sum(1 for position in reviewed if project.decisions.adjudication(position))
    return {"answers": len(project), "reviewed": len(reviewed), "machine": len(project) - len(reviewed),
            "coders": coders, "adjudicated": adjudicated}


def report_project(project, directory, by=None, min_group=5, per_code=3, anonymised=False, multi_choice=(),
                   follow_up=()):
    """Write the report of the answers as they stand into ``directory`` (the files of ``qualcode
    report``, the options its own); its settings appendix says how many answers analysts
    reviewed and how many keep the machine's codes. Returns (Report, summary)."""
    from qualcode.reports import report_coded

    coded = coded_answers(project)
    summary = review_summary(project)
    codebook = project.codebook
    latest = project.models[max(project.models)]["settings"] if project.models else {}
    metadata = {
        "qualcode_version": __version__,
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "codebook": {"name": codebook.name, "version": codebook.version, "hash": codebook.content_hash,
                     "source": str(codebook.source)},
        "input": str(project.path),
        "settings": latest,
        "review": summary,
        "codes": list(project.code_ids),
    }
    report = report_coded(coded, codebook, directory, by=by, min_group=min_group, per_code=per_code,
                          anonymised=anonymised, metadata=metadata, inputs=(project.path,),
                          multi_choice=multi_choice, follow_up=follow_up)
    return report, summary


def coders_by_answer(project):
    """Per answer, ``{code: [coder, ...]}`` for the codes analysts applied that stand (an
    adjudicator counts as the coder of what they settled); codes the machine alone applied are
    absent (the REFI-QDA export credits them to qualcode)."""
    project.refresh()
    found = [{} for _ in range(len(project))]
    state = project.decisions
    for position in state.reviewed_by_anyone():
        standing = state.final(position)
        for code, decision in standing.items():
            if not decision.applies:
                continue
            names = [coder for coder in state.coders
                     if (own := state.of(coder, position).get(code)) is not None and own.applies]
            adjudicated = state.adjudication(position).get(code)
            if adjudicated is not None:
                names = list(dict.fromkeys([adjudicated.coder] + names))
            found[position][code] = names or [decision.coder]
    return found

