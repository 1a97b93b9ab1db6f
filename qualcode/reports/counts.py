"""Respondent-level theme counts, per question and group, and code co-occurrence."""
import numpy as np
import pandas as pd

from qualcode.reports.words import words_for

UNCODED = "(uncoded)"
NO_CONTENT = "(no content)"
COUNT_COLUMNS = ["question", "group", "code", "label", "respondents", "base", "share"]


def counted_codes(coded, codebook=None):
    """The (id, label) pairs to count: the codebook's active codes, else the table's code ids."""
    if codebook is None:
        return [(code_id, code_id) for code_id in coded.code_ids]
    return [(code.id, code.label) for code in codebook.active_codes]


def rolled_up_codes(coded, codebook=None):
    """Each answer's codes plus, with a codebook, every ancestor of them (parent roll-up)."""
    if codebook is None:
        return [set(codes) for codes in coded.code_sets]
    return [set(codes) | {parent.id for code in codes if code in codebook
                          for parent in codebook.ancestors(code)}
            for codes in coded.code_sets]


def answer_facts(coded, codebook=None, by=None, codes=None, choices=()):
    """What counting needs of each answer, one slim row each: ``question``, ``group`` (the value
    of ``by``, "" when empty), ``respondent``, ``substantive``, ``choice:<column>`` (the raw
    value of each column in ``choices``, closed answers to tabulate) and one bool column per
    counted code (named by its position in ``codes``, default :func:`counted_codes`) that is
    True when the answer carries the code or, with a codebook, one of its descendants. Facts of
    chunks concatenate: a report counts a million answers from them without holding the answers."""
    words = words_for(codebook)
    codes = counted_codes(coded, codebook) if codes is None else codes
    questions = coded.questions if coded.question_column else pd.Series(words["all_questions"], index=coded.frame.index)
    facts = pd.DataFrame({"question": questions.to_numpy(), "group": _values(coded.frame, by) if by else "",
                          "respondent": coded.respondents.to_numpy(),
                          "substantive": coded.substantive.astype(bool).to_numpy()})
    for column in choices:
        facts[choice_column(column)] = _values(coded.frame, column)
    for j, (code_id, _) in enumerate(codes):
        family = code_family(code_id, codebook)
        facts[j] = coded.code_matrix(family).any(axis=1)
    return facts


def choice_column(column):
    """The facts column holding the raw values of the closed-answer column ``column``."""
    return f"choice:{column}"


def _values(frame, column):
    return frame[column].fillna("").astype(str).str.strip().to_numpy()


def code_family(code_id, codebook):
    """The code and, with a codebook, all its descendants: the codes that roll up into it."""
    if codebook is None or code_id not in codebook:
        return [code_id]
    return [code_id] + [member for child in codebook.children(code_id) for member in code_family(child.id, codebook)]


def count_codes(coded, codebook=None, by=None, min_group=5, separator=None):
    """Count, per code, the respondents whose answers carry it, and their share of the base.

    The base is the respondents who gave an answer with content (per question when the table
    has a question column). With ``by``, rows follow for every value of that column after the
    overall rows (with ``separator``, for every alternative of a multi-choice column: a
    respondent who ticked two is in both groups); a group whose base is under ``min_group`` has
    its numbers suppressed (NA). Two rows per block stand apart from the codes: ``(uncoded)``
    (respondents with content but no code, share of the base) and ``(no content)``
    (respondents who only answered without content, share of all who answered). Returns the
    SPEC columns; ``question`` only when the table has one and ``group`` only with ``by``.
    """
    if by is not None:
        coded.check_column(by)
    codes = counted_codes(coded, codebook)
    return count_facts(answer_facts(coded, codebook, by, codes), codes, codebook, by, min_group,
                       bool(coded.question_column), separator)


def count_facts(facts, codes, codebook=None, by=None, min_group=5, has_questions=True, separator=None):
    """:func:`count_codes` from :func:`answer_facts` (of one table, or of its chunks concatenated)."""
    words = words_for(codebook)
    blocks = [_count_block(part, codes, words) for _, part in _blocks(facts, None)]
    if by is not None:
        grouped = group_facts(facts, separator, words["no_value"])
        blocks += [_count_block(part, codes, words, group, min_group) for group, part in _blocks(grouped, "group")]
    counts = pd.concat(blocks, ignore_index=True)
    keep = [c for c in COUNT_COLUMNS if c in counts.columns and
            (c != "question" or has_questions) and (c != "group" or by is not None)]
    counts = _ordered(counts, facts, words["all"])[keep]
    counts.attrs["min_group"] = min_group
    return counts


def group_facts(facts, separator=None, no_value="(inget värde)"):
    """The facts with one row per answer and group: the group value as it is, or with
    ``separator`` one row per alternative ticked; an empty value is the group ``no_value``."""
    if separator is None:
        return facts.assign(group=facts["group"].where(facts["group"] != "", no_value))
    alternatives = [list(dict.fromkeys(p.strip() for p in value.split(separator) if p.strip())) or [no_value]
                    for value in facts["group"]]
    return facts.assign(group=alternatives).explode("group")


def _blocks(facts, group_column):
    """Yield (group value, rows) per question, and per group too when ``group_column`` is set."""
    keys = ["question"] + ([group_column] if group_column else [])
    for key, part in facts.groupby(keys, sort=False):
        yield (key[1] if group_column else None), part


def _count_block(part, codes, words, group=None, min_group=None):
    """The count rows of one question (and group)."""
    answered = part["respondent"].nunique()
    with_content = part[part["substantive"].to_numpy()]
    base = with_content["respondent"].nunique()
    carriers = with_content.groupby("respondent", sort=False)[list(range(len(codes)))].any()
    per_code = carriers.sum(axis=0).to_numpy() if len(carriers) else np.zeros(len(codes), dtype=int)
    coded_respondents = int(carriers.any(axis=1).sum()) if len(codes) else 0
    rows = [(code, label, int(n), base) for (code, label), n in zip(codes, per_code)]
    rows.append((UNCODED, words["uncoded"], base - coded_respondents, base))
    rows.append((NO_CONTENT, words["no_content"], answered - base, answered))
    block = pd.DataFrame(rows, columns=["code", "label", "respondents", "base"])
    block["respondents"] = block["respondents"].astype("Int64")
    block["base"] = block["base"].astype("Int64")
    block["share"] = (block["respondents"] / block["base"].where(block["base"] > 0)).astype("Float64").round(3)
    if min_group is not None and base < min_group:
        for column in ("respondents", "base", "share"):
            block[column] = pd.Series(pd.NA, index=block.index, dtype=block[column].dtype)
    block.insert(0, "group", group if group is not None else words["all"])
    block.insert(0, "question", part["question"].iat[0])
    return block


def _ordered(counts, facts, overall_label):
    """Sort rows by question in order of appearance, overall first, then groups by value."""
    question_order = {q: i for i, q in enumerate(dict.fromkeys(facts["question"]))}
    overall = counts["group"] == overall_label
    order = pd.DataFrame({"q": counts["question"].map(question_order), "overall": ~overall,
                          "group": counts["group"].where(~overall, "")})
    return counts.loc[order.sort_values(["q", "overall", "group"], kind="stable").index].reset_index(drop=True)


def cooccurrence(coded, codebook=None):
    """Answers (with content) carrying each pair of codes; the diagonal counts each code alone.

    Codes as applied, without roll-up, so that a parent and its child do not co-occur by
    construction. Index and columns are the code ids.
    """
    ids = [code_id for code_id, _ in counted_codes(coded, codebook)]
    present = np.array([[code in codes for code in ids] for codes in coded.code_sets], dtype=int).reshape(-1, len(ids))
    return cooccurrence_matrix(present[coded.substantive.astype(bool).to_numpy()], ids)


def cooccurrence_matrix(present, ids):
    """The co-occurrence table of a 0/1 matrix (answers with content x codes, as applied)."""
    present = pd.DataFrame(present, columns=ids, dtype=int)
    matrix = present.T.dot(present)
    matrix.index.name = "code"
    return matrix


def displayed_counts(counts, min_group=None):
    """The counts as written for people: suppressed numbers as "<N", shares as fractions."""
    min_group = min_group or counts.attrs.get("min_group", 5)
    shown = counts.copy()
    suppressed = shown["base"].isna()
    for column in ("respondents", "base"):
        shown[column] = shown[column].astype(object).where(~suppressed, f"<{min_group}")
    shown["share"] = shown["share"].astype(object).where(~suppressed & shown["share"].notna(), "")
    return shown
