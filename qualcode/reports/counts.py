"""Respondent-level theme counts, per question and group, and code co-occurrence."""
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


def count_codes(coded, codebook=None, by=None, min_group=5):
    """Count, per code, the respondents whose answers carry it, and their share of the base.

    The base is the respondents who gave an answer with content (per question when the table
    has a question column). With ``by``, rows follow for every value of that column after the
    overall rows; a group whose base is under ``min_group`` has its numbers suppressed (NA).
    Two rows per block stand apart from the codes: ``(uncoded)`` (respondents with content but
    no code, share of the base) and ``(no content)`` (respondents who only answered without
    content, share of all who answered). Returns the SPEC columns; ``question`` only when the
    table has one and ``group`` only with ``by``.
    """
    if by is not None:
        coded.check_column(by)
    words = words_for(codebook)
    answers = _answer_frame(coded, codebook, by, words)
    codes = counted_codes(coded, codebook)
    blocks = [_count_block(part, codes, words) for _, part in _blocks(answers, None)]
    if by is not None:
        blocks += [_count_block(part, codes, words, group, min_group)
                   for group, part in _blocks(answers, "group")]
    counts = pd.concat(blocks, ignore_index=True)
    keep = [c for c in COUNT_COLUMNS if c in counts.columns and
            (c != "question" or coded.question_column) and (c != "group" or by is not None)]
    counts = _ordered(counts, answers, words["all"])[keep]
    counts.attrs["min_group"] = min_group
    return counts


def _answer_frame(coded, codebook, by, words):
    """One row per answer: question, group, respondent, has content, rolled-up codes."""
    questions = coded.questions if coded.question_column else pd.Series(words["all_questions"],
                                                                     index=coded.frame.index)
    groups = coded.frame[by].fillna("").astype(str).replace("", words["no_value"]) if by else ""
    return pd.DataFrame({"question": questions, "group": groups,
                         "respondent": coded.respondents,
                         "substantive": coded.substantive.astype(bool).to_numpy(),
                         "codes": rolled_up_codes(coded, codebook)})


def _blocks(answers, group_column):
    """Yield (group value, rows) per question, and per group too when ``group_column`` is set."""
    keys = ["question"] + ([group_column] if group_column else [])
    for key, part in answers.groupby(keys, sort=False):
        yield (key[1] if group_column else None), part


def _count_block(part, codes, words, group=None, min_group=None):
    """The count rows of one question (and group)."""
    answered = part["respondent"].nunique()
    with_content = part[part["substantive"]]
    base = with_content["respondent"].nunique()
    carriers = with_content.explode("codes").dropna(subset=["codes"])
    per_code = carriers.groupby("codes")["respondent"].nunique()
    coded_respondents = carriers["respondent"].nunique()
    rows = [(code, label, int(per_code.get(code, 0)), base) for code, label in codes]
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


def _ordered(counts, answers, overall_label):
    """Sort rows by question in order of appearance, overall first, then groups by value."""
    question_order = {q: i for i, q in enumerate(dict.fromkeys(answers["question"]))}
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
    present = pd.DataFrame([[code in codes for code in ids] for codes in coded.code_sets],
                           columns=ids, dtype=int)
    present = present[coded.substantive.astype(bool).to_numpy()]
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
