"""Discovery on an answer table, end to end: select answers, find themes, relate them to the
codebook, draft suggestions, and write everything into one output folder."""
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qualcode.coding.analysed import analyse_answers
from qualcode.discover.discoverer import ThemeDiscoverer
from qualcode.discover.relate import missing_keywords, relate
from qualcode.discover.render import map_png, suggestions_markdown, themes_html, themes_markdown
from qualcode.discover.suggest import suggested_codebook
from qualcode.discover.units import display_forms
from qualcode.errors import InputError, located

OUTPUT_FILES = ("clusters.csv", "themes.md", "themes.html", "map.png", "suggested_codebook.yaml",
                "suggestions.md")


@dataclass
class Discovery:
    """Everything a discovery found, ready to render."""

    model: ThemeDiscoverer
    source: str
    unit_word: str
    unit_ids: list
    coded: bool
    relations: list
    codebook: object
    missing: dict
    draft: object
    candidate_ids: dict
    summary: str


def discover(table, codebook=None, uncoded_only=False, unit="answer", clusters="auto", seed=0,
             embedder="default"):
    """Find the themes of ``table``'s substantive answers and relate them to ``codebook``.

    The answers' codes come from the table's ``codes`` column when it has one (a table written
    by ``qualcode code``), otherwise from coding with ``codebook``. ``uncoded_only`` keeps the
    answers that carry no code.
    """
    source = str(table.source or "answers")
    codes = current_codes(table, codebook, embedder, seed)
    if uncoded_only and codes is None:
        raise InputError(located(source, "--uncoded-only needs the answers' codes; give --codebook "
                                         "or a table coded by 'qualcode code' (with a 'codes' column)"))
    substantive = [i for i, keep in enumerate(table.substantive) if keep]
    rows = [i for i in substantive if not (uncoded_only and codes[i])]
    if len(rows) < 2:
        raise InputError(located(source, f"only {len(rows)} answers to cluster; discovery needs at least 2 "
                                         "answers with content" + (" and no code" if uncoded_only else "")))
    texts = table.texts
    model = ThemeDiscoverer(embedder=embedder, n_clusters=clusters, unit=unit, random_state=seed)
    model.fit([texts[i] for i in rows])
    selected_codes = [codes[i] for i in rows] if codes is not None else [()] * len(rows)
    relations = relate(model.themes_, model.units_, selected_codes)
    missing = {}
    if codebook is not None and codes is not None:
        answers = model.answers_ if substantive == rows else analyse_answers([texts[i] for i in substantive])
        missing = missing_keywords(codebook, answers, [codes[i] for i in substantive], display_forms(answers))
    unit_texts = [u.text for u in model.units_]
    draft, candidate_ids = suggested_codebook(model.themes_, relations, unit_texts, codebook, missing)
    ids = table.frame[table.id_column].tolist()
    return Discovery(
        model=model, source=Path(source).name, unit_word=f"{unit}s",
        unit_ids=[ids[rows[u.answer]] for u in model.units_], coded=codes is not None,
        relations=relations, codebook=codebook, missing=missing, draft=draft,
        candidate_ids=candidate_ids, summary=_summary(table, rows, model, uncoded_only, clusters, seed, embedder),
    )


def current_codes(table, codebook, embedder="default", seed=0):
    """Each answer's code ids: from a ``codes`` column, else by coding with ``codebook``, else None."""
    if "codes" in table.frame.columns:
        column = table.frame["codes"]
    elif codebook is not None:
        from qualcode.coding import code_table

        column = code_table(table, codebook, embedder=embedder, seed=seed)["codes"]
    else:
        return None
    return [tuple(code for code in str(value).split(";") if code) for value in column]


def _summary(table, rows, model, uncoded_only, clusters, seed, embedder):
    empty = int((~table.substantive).sum())
    left_out = [f"{empty} without content"]
    if uncoded_only:
        left_out.append(f"{len(table) - empty - len(rows)} already coded")
    how = (f"k = {model.n_clusters_} chosen by silhouette" if clusters == "auto"
           else f"k = {model.n_clusters_} as asked")
    units = f" ({len(model.units_)} sentences)" if model.unit == "sentence" else ""
    return (f"{len(rows)} of {len(table)} answers{units} in {model.n_clusters_} themes ({how}); "
            f"left out: {', '.join(left_out)}. "
            f"Seed {seed}, embedder {embedder}.")


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
    """Write the output files into ``folder`` (each atomically); returns their paths."""
    from qualcode.io import atomic_path, write_table, write_text

    check_output_dir(folder, inputs)
    folder = Path(folder)
    folder.mkdir(exist_ok=True)
    paths = {name: folder / name for name in OUTPUT_FILES}
    png = map_png(discovery.model)
    with atomic_path(paths["map.png"]) as temporary:
        temporary.write_bytes(png)
    write_table(clusters_frame(discovery), paths["clusters.csv"], inputs)
    write_text(paths["themes.md"], themes_markdown(discovery, "map.png"), inputs)
    write_text(paths["themes.html"], themes_html(discovery, png), inputs)
    write_text(paths["suggested_codebook.yaml"], discovery.draft.to_yaml(), inputs)
    write_text(paths["suggestions.md"], suggestions_markdown(discovery), inputs)
    return list(paths.values())


def clusters_frame(discovery):
    """One row per unit: ``id``, ``sentence`` (sentence units only), ``cluster`` (theme number), ``distance``."""
    model = discovery.model
    frame = pd.DataFrame({"id": discovery.unit_ids})
    if model.unit == "sentence":
        frame["sentence"] = [u.sentence for u in model.units_]
    frame["cluster"] = model.labels_ + 1
    frame["distance"] = model.distances_.round(4)
    return frame
