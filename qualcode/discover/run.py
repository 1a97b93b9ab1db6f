"""Discovery on an answer table, end to end: select answers, find themes, relate them to the
codebook, draft suggestions, and write everything into one output folder."""
import dataclasses
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from qualcode.coding.analysed import analyse_answers
from qualcode.discover.discoverer import ThemeDiscoverer
from qualcode.discover.embedding import LsaEmbedding
from qualcode.discover.modes import EmbeddingChoice, choose_embedding
from qualcode.discover.relate import missing_keywords, relate, unit_codes
from qualcode.discover.render import map_png, suggestions_markdown, themes_html, themes_markdown
from qualcode.discover.suggest import suggested_codebook
from qualcode.discover.units import display_forms, split_units
from qualcode.errors import InputError, located

OUTPUT_FILES = ("clusters.csv", "themes.md", "themes.html", "map.png", "suggested_codebook.yaml",
                "suggestions.md", "themes_by.csv")


@dataclass
class Discovery:
    """Everything a discovery found, ready to render."""

    model: ThemeDiscoverer
    source: str
    unit_word: str
    unit_ids: list
    coded: bool
    unit_codes: list
    relations: list
    codebook: object
    missing: dict
    draft: object  # a Codebook, or None when there is nothing to suggest
    candidate_ids: dict
    embedding: EmbeddingChoice
    summary: str
    by: str | None = None
    unit_groups: list | None = None  # each unit's value of the ``by`` column

    def group_counts(self):
        """Answers per theme and group of ``by`` (None without it): a DataFrame of ``theme``,
        ``name``, the group column, ``answers`` (each answer counted once) and ``share`` (of
        that group's clustered answers); theme 0 holds the unthemed ones."""
        if self.by is None:
            return None
        model = self.model
        frame = pd.DataFrame({"theme": np.where(model.labels_ >= 0, model.labels_ + 1, 0),
                              self.by: self.unit_groups, "answer": [u.answer for u in model.units_]})
        counts = frame.drop_duplicates().groupby(["theme", self.by], sort=False).size().rename("answers")
        counts = counts.reset_index().sort_values(["theme", "answers"], ascending=[True, False], kind="stable")
        totals = frame.drop_duplicates([self.by, "answer"]).groupby(self.by).size()
        counts["share"] = (counts["answers"] / counts[self.by].map(totals)).round(4)
        names = {theme.id + 1: theme.name for theme in model.themes_}
        counts.insert(1, "name", counts["theme"].map(names).fillna("(unthemed)"))
        return counts.reset_index(drop=True)


def discover(table, codebook=None, uncoded_only=False, unit="answer", clusters="auto", seed=0,
             embedder="default", mode="auto", question=None, by=None):
    """Find the themes of ``table``'s substantive answers and relate them to ``codebook``.

    The answers' codes come from the table's ``codes`` column when it has one (a table written
    by ``qualcode code``), otherwise from coding with ``codebook`` (in the chosen mode).
    ``uncoded_only`` keeps the answers that carry no code; ``question`` (a name or a list of
    names in the table's question column) keeps the answers to those questions. ``mode`` is
    "accurate" (``embedder``, E5 by default), "fast" (LSA) or "auto" (see
    :func:`~qualcode.discover.modes.choose_embedding`). ``by`` names a column whose groups
    (municipality, role, ...) each theme's answers are counted in.
    """
    if by is not None:
        from qualcode.coding.coded import require_column

        require_column(table.frame, by, table.attribute_columns, table.source or "answers")
    if question:
        table = answers_to(table, question)
    source = str(table.source or "answers")
    choice = choose_embedding(mode, embedded_texts(table, codebook, unit), embedder)
    coding = current_coding(table, codebook, choice, seed)
    coded = coding is not None
    substantive = [i for i, keep in enumerate(table.substantive) if keep]
    rows = _rows_to_cluster(substantive, coding, uncoded_only, source)
    texts = table.texts
    model = ThemeDiscoverer(embedder=embedding_part(choice, seed), n_clusters=clusters, unit=unit,
                            random_state=seed)
    analysed = coding.coding.answers if coded and coding.coding is not None else None
    model.fit([texts[i] for i in rows], analysed=None if analysed is None else [analysed[i] for i in rows])
    codes_per_unit = unit_codes(model.units_, coding.take(rows) if coded else None)
    relations = relate(model.themes_, codes_per_unit)
    missing = {}
    if codebook is not None and coded:
        answers = (model.answers_ if substantive == rows else [analysed[i] for i in substantive]
                   if analysed is not None else analyse_answers([texts[i] for i in substantive]))
        missing = missing_keywords(codebook, answers, [coding.code_sets[i] for i in substantive], display_forms(answers))
    unit_texts = [u.text for u in model.units_]
    draft, candidate_ids = suggested_codebook(model.themes_, relations, unit_texts, codebook, missing)
    ids = table.frame[table.id_column].tolist()
    return Discovery(
        model=model, source=Path(source).name, unit_word=f"{unit}s",
        unit_ids=[ids[rows[u.answer]] for u in model.units_], coded=coded,
        unit_codes=codes_per_unit, relations=relations, codebook=codebook, missing=missing, draft=draft,
        candidate_ids=candidate_ids, embedding=choice,
        summary=_summary(table, rows, model, uncoded_only, clusters, seed, choice, question),
        by=by, unit_groups=None if by is None else [str(table.frame[by].iat[rows[u.answer]]) for u in model.units_],
    )


def _rows_to_cluster(substantive, coding, uncoded_only, source):
    """The substantive rows, less the coded ones with ``uncoded_only``; at least 2 of them."""
    if uncoded_only and coding is None:
        raise InputError(located(source, "--uncoded-only needs the answers' codes; give --codebook "
                                         "or a table coded by 'qualcode code' (with a 'codes' column)"))
    rows = [i for i in substantive if not (uncoded_only and coding.code_sets[i])]
    if len(rows) < 2:
        raise InputError(located(source, f"only {len(rows)} answers to cluster; discovery needs at least 2 "
                                         "answers with content" + (" and no code" if uncoded_only else "")))
    return rows


def answers_to(table, question):
    """``table`` restricted to the answers to ``question`` (a name or a list of names in its
    question column); raises InputError naming the file and the questions it has."""
    asked = [question] if isinstance(question, str) else list(question)
    source = table.source or "answers"
    if table.question_column is None:
        raise InputError(located(source, f"--question {asked[0]!r}: the answers have no question column; "
                                         "name it with --question-column"))
    column = table.frame[table.question_column]
    available = list(dict.fromkeys(column))
    unknown = [name for name in asked if name not in available]
    if unknown:
        from qualcode.io.columns import list_columns

        raise InputError(located(source, f"--question {unknown[0]!r}: no answers to it in column "
                                         f"{table.question_column!r}; the questions are: {list_columns(available)}"))
    return dataclasses.replace(table, frame=table.frame[column.isin(asked)].reset_index(drop=True))


def embedded_texts(table, codebook, unit):
    """Yield the texts accurate discovery would embed: the answers it must code, the units of
    every substantive answer (which of them are clustered is known only after coding).
    A generator, so that nothing is analysed unless ``--mode auto`` needs the texts."""
    if _needs_coding(table, codebook):
        yield from table.texts
    answers = [text for text, keep in zip(table.texts, table.substantive) if keep]
    yield from [u.text for u in split_units(analyse_answers(answers), unit)[0]] if unit == "sentence" else answers


def embedding_part(choice, seed):
    """The embedding part of the discoverer for ``choice``: LSA when fast, else its embedder."""
    return LsaEmbedding(random_state=seed) if choice.mode == "fast" else choice.embedder


def current_coding(table, codebook, choice, seed=0):
    """The answers' coding as :class:`~qualcode.coding.CodedAnswers`: from the table's ``codes``
    (and ``evidence``) columns, else by coding with ``codebook`` in the chosen mode (then with
    the typed result, whose analysed answers discovery reuses), else None."""
    from qualcode.coding import CodedAnswers

    if "codes" in table.frame.columns:
        return CodedAnswers.from_table(table)
    if codebook is None:
        return None
    from qualcode.coding import Coder
    from qualcode.coding.coded import concat_coded
    from qualcode.coding.table import coded_frame
    from qualcode.io import whole_source
    from qualcode.scale import DEFAULT_CHUNK
    from qualcode.scale.stream import coded_in_order, fit_on_sample

    # as `qualcode code` codes: fitted on a sample, then chunk by chunk (same codes)
    source = whole_source(table, DEFAULT_CHUNK)
    coder, _ = fit_on_sample(Coder(codebook, embedder=choice.embedder, mode=choice.mode, seed=seed),
                             source.chunks(), source.text_column, seed=seed)
    parts = [CodedAnswers.from_table(table, frame, coding=result) for frame, result in coded_in_order(coder, source)]
    if not parts:  # no answers at all
        return CodedAnswers.from_table(table, coded_frame(table.frame, coder.code([])), coding=coder.code([]))
    return concat_coded(parts)


def _needs_coding(table, codebook):
    return codebook is not None and "codes" not in table.frame.columns


def _summary(table, rows, model, uncoded_only, clusters, seed, choice, question):
    empty = int((~table.substantive).sum())
    left_out = [f"{empty} without content"]
    if uncoded_only:
        left_out.append(f"{len(table) - empty - len(rows)} already coded")
    unthemed = int((model.labels_ < 0).sum())
    how = ("k-means, k chosen by silhouette; units far from every theme left unthemed" if clusters == "auto"
           else f"k = {model.n_clusters_} as asked")
    units = f" ({len(model.units_)} sentences)" if model.unit == "sentence" else ""
    asked = [question] if isinstance(question, str) else list(question or ())
    to = f" to question {', '.join(asked)}" if asked else ""
    return (f"{len(rows)} of {len(table)} answers{to}{units} in {model.n_clusters_} themes, "
            f"{unthemed} {model.unit}s unthemed ({how}); "
            f"left out: {', '.join(left_out)}. Seed {seed}, embedding: {choice}.")


def check_output_dir(folder, inputs=()):
    """Raise InputError unless ``folder`` (existing or to be created) can take every output."""
    from qualcode.io import check_output_path

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise InputError(located(folder, "is a file; -o needs a folder for the discovery outputs"))
    if not folder.is_dir():
        check_output_path(folder, inputs)
        return
    for name in OUTPUT_FILES:
        check_output_path(folder / name, inputs)


def write_discovery(discovery, folder, inputs=()):
    """Write the output files into ``folder``, all replacing the earlier ones together or none;
    returns their paths."""
    from qualcode.io import output_set

    check_output_dir(folder, inputs)
    folder = Path(folder)
    paths = {name: folder / name for name in OUTPUT_FILES}
    png = map_png(discovery.model)
    with output_set(paths.values(), inputs, name="discovery", create_folder=True) as outputs:
        outputs.write_bytes(paths["map.png"], png)
        outputs.write_table(paths["clusters.csv"], clusters_frame(discovery))
        outputs.write_text(paths["themes.md"], themes_markdown(discovery, "map.png"))
        outputs.write_text(paths["themes.html"], themes_html(discovery, png))
        if discovery.draft is not None:
            outputs.write_text(paths["suggested_codebook.yaml"], discovery.draft.to_yaml())
        else:  # nothing to suggest: a draft left by an earlier run would mislead
            outputs.remove(paths.pop("suggested_codebook.yaml"))
        outputs.write_text(paths["suggestions.md"], suggestions_markdown(discovery))
        if discovery.by is not None:
            outputs.write_table(paths["themes_by.csv"], discovery.group_counts())
        else:  # no groups asked for: counts left by an earlier run would mislead
            outputs.remove(paths.pop("themes_by.csv"))
    return list(paths.values())


def clusters_frame(discovery):
    """One row per unit: ``id``, ``sentence`` (sentence units only), ``cluster`` (theme number,
    empty for an unthemed unit), ``distance`` (to its theme's centre, or the nearest theme's)."""
    model = discovery.model
    frame = pd.DataFrame({"id": discovery.unit_ids})
    if model.unit == "sentence":
        frame["sentence"] = [u.sentence for u in model.units_]
    frame["cluster"] = pd.array(np.where(model.labels_ >= 0, model.labels_ + 1, 0), dtype="Int64")
    frame.loc[model.labels_ < 0, "cluster"] = pd.NA  # unthemed: far from every theme
    frame["distance"] = model.distances_.round(4)
    return frame
