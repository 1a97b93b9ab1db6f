"""Benchmark: `qualcode discover` on the 10,000 real Swedish service reviews, and the
removed-code test on the development set, in each mode.

    .venv/bin/python bench/discover.py reviews [--mode auto|accurate|fast] [--unit answer|sentence] [--warm] [--out DIR]
    .venv/bin/python bench/discover.py reviews ... --against /path/to/main   (time both, same run)
    .venv/bin/python bench/discover.py removed [--sets dev dev2] [--seeds 0 1 2 3]

``reviews`` runs the command as an analyst would, in a child process, and prints the wall time,
the peak memory, the summary line (which embedding auto chose, and why) and every theme with
its size. It runs cold (an empty cache folder: nothing analysed or embedded before) unless
``--warm``, which uses the usual cache folder.
``removed`` removes each code of a dev set's codebook in turn (dev: the default codebook, dev2:
its own), codes the answers with the others (default mode, E5 on sets this small) and fits each
clustering variant on the uncoded answers (see tests/test_discover_purpose.py for the rule);
it prints per variant the codes found per seed and in >= 3 of 4 seeds, the themes holding more
than 15% of the units without being >= 60% pure for any code, and the unthemed share.
"""
import argparse
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

from measure import PYTHON, measured  # noqa: E402

SHARED = HERE.parents[1] / "shared" / "data"
REVIEWS = SHARED / "real" / "swedish_service_reviews" / "data.csv"


def reviews(out, mode, unit, warm, against=None):
    """Run discover on the reviews into ``out``; print time, memory, summary and themes. With
    ``against`` (the source folder of another qualcode, e.g. a checkout of main), run that one
    first into ``out``/against and print both times and their ratio."""
    runs = ([("against", Path(against))] if against else []) + [("this", HERE.parent)]
    seconds = {}
    for name, source in runs:
        folder = Path(out).resolve() / name
        args = [PYTHON, "-m", "qualcode", "discover", REVIEWS, "--mode", mode, "--unit", unit, "--seed", "0",
                "-o", folder, "-q"]
        with tempfile.TemporaryDirectory(prefix="discover-bench-cache-") as empty:
            env = {"PYTHONPATH": str(source), **({} if warm else {"QUALCODE_CACHE_DIR": empty})}
            seconds[name], peak_mb = measured(args, env, cwd=source)  # python -m puts cwd first
        print(f"\n[{name}: {source}] discover --mode {mode} --unit {unit} on {REVIEWS.name} "
              f"({'warm' if warm else 'cold'} cache): {seconds[name]:.1f} s, peak {peak_mb:.0f} MB -> {folder}")
        themes = (folder / "themes.md").read_text(encoding="utf-8").splitlines()
        print(themes[2])
        print("\n".join(theme_list(folder, themes)))
    if against:
        print(f"\ntime this / against: {seconds['this'] / seconds['against']:.2f}")


def theme_list(out, themes_md):
    """Theme number, name and size, from clusters.csv and the lines of themes.md."""
    clusters = pd.read_csv(out / "clusters.csv", encoding="utf-8-sig")["cluster"]
    sizes = clusters.value_counts()
    names = [line[3:] for line in themes_md if line.startswith("## ")]
    return [f"{name}  ({sizes[int(name.split('.')[0])] if name[0].isdigit() else int(clusters.isna().sum())})"
            for name in names]


SETS = {"dev": (SHARED / "dev", HERE.parent / "codebooks" / "digital_maturity.yaml"),
        "dev2": (SHARED / "dev2", SHARED / "dev2" / "codebook.yaml")}
MAX_SHARE = 0.15   # issue 18: no theme above this share of the units unless pure for some code
FOUND_IN = 3       # a code counts as found when found with this many of the 4 seeds


def variants(seed):
    """The clusterings compared: name -> an unfitted ThemeDiscoverer (E5 set by the caller)."""
    from qualcode.discover import AutoKMeans, ThemeDiscoverer

    everything = AutoKMeans(scale=0.5, min_cluster_size=4, random_state=seed)
    return {
        "k-means, every answer themed (before)": ThemeDiscoverer(
            clusterer=everything, outlier_quantile=None, min_answers=1, max_share=None, random_state=seed),
        "HDBSCAN, noise unthemed": ThemeDiscoverer(clusterer="hdbscan", random_state=seed),
        "k-means + outlier rule (default)": ThemeDiscoverer(random_state=seed),
        "k-means + outlier rule, merging near themes": ThemeDiscoverer(merge=True, random_state=seed),
        "k-means + outlier rule, sentence units": ThemeDiscoverer(unit="sentence", random_state=seed),
    }


def removed(seeds, sets):
    """Per dev set, remove each code in turn, code the answers with the others (default mode:
    E5 here), fit every variant on the uncoded answers and print, per variant, the codes found
    (a theme of >= 3 answers, >= 60% carrying the code in gold, a name sharing a word with it)
    and the largest-theme check."""
    from test_discover_purpose import MIN_ANSWERS, PURITY, _words, _without

    from qualcode.codebook import load_codebook
    from qualcode.discover.run import choose_embedding, current_coding, embedded_texts
    from qualcode.io import read_answers

    rows = []
    for name in sets:
        folder, codebook_path = SETS[name]
        codebook = load_codebook(codebook_path)
        table = read_answers(folder / "responses.csv")
        gold_frame = pd.read_csv(folder / "gold.csv", dtype=str, keep_default_na=False)
        gold = {row.id: set(filter(None, row.codes.split(";"))) for row in gold_frame.itertuples()}
        ids = table.frame[table.id_column].tolist()
        for code in codebook.active_codes:
            vocabulary = _words(" ".join([code.description, *code.keywords]))
            without = _without(codebook, code.id)
            choice = choose_embedding("auto", embedded_texts(table, without, "answer"))
            for seed in seeds:
                coding = current_coding(table, without, choice, seed)
                kept = [i for i, keep in enumerate(table.substantive) if keep and not coding.code_sets[i]]
                analysed = [coding.coding.answers[i] for i in kept]
                for variant, model in variants(seed).items():
                    model.set_params(embedder=choice.embedder)
                    model.fit([table.texts[i] for i in kept], analysed=analysed)
                    answer_ids = [ids[kept[unit.answer]] for unit in model.units_]
                    found, purity, wide = _scored(model, answer_ids, gold, code.id, vocabulary, PURITY, MIN_ANSWERS, _words)
                    rows.append({"set": name, "variant": variant, "code": code.id, "seed": seed, "found": found,
                                 "purity": purity, "wide_impure": wide, "themes": model.n_clusters_,
                                 "unthemed": float((model.labels_ < 0).mean())})
    print_removed(pd.DataFrame(rows), len(seeds))


def _scored(model, answer_ids, gold, code, vocabulary, purity_needed, min_answers, words):
    """(found, best purity, themes above MAX_SHARE of the units without a code >= 60% pure)."""
    found, best, wide = False, 0.0, 0
    for theme in model.themes_:
        answers = {answer_ids[i] for i in theme.members}
        purity = sum(code in gold[a] for a in answers) / len(answers)
        best = max(best, purity)
        named = bool(words(theme.name) & vocabulary) and len(answers) >= min_answers
        found = found or (purity >= purity_needed and named)
        if theme.size > MAX_SHARE * len(model.units_):
            shares = pd.Series([c for a in answers for c in gold[a]]).value_counts() / len(answers)
            wide += int(shares.max() < purity_needed) if len(shares) else 1
    return found, best, wide


def print_removed(frame, n_seeds):
    """Per set and variant: codes found per seed and in >= FOUND_IN seeds; the per-code table."""
    for name, by_set in frame.groupby("set", sort=False):
        print(f"\n== {name}: each code removed in turn, --uncoded-only, seeds 0-{n_seeds - 1}")
        for variant, rows in by_set.groupby("variant", sort=False):
            per_code = rows.groupby("code", sort=False)["found"].sum()
            print(f"{variant}: code x seed {int(rows.found.sum())}/{len(rows)}; codes found in >= {FOUND_IN} of "
                  f"{n_seeds} seeds {int((per_code >= FOUND_IN).sum())}/{len(per_code)}, in >= 2 "
                  f"{int((per_code >= 2).sum())}/{len(per_code)}; impure themes > {MAX_SHARE:.0%}: "
                  f"{int(rows.wide_impure.sum())}; themes {rows.themes.mean():.1f}, unthemed {rows.unthemed.mean():.0%}")
        table = by_set.pivot_table(index="code", columns="variant", values="found", aggfunc="sum", sort=False)
        print("\nseeds (of %d) in which each removed code was found:" % n_seeds)
        print(table[list(dict.fromkeys(by_set.variant))].to_string())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    on_reviews = commands.add_parser("reviews")
    on_reviews.add_argument("--out", type=Path, default=None)
    on_reviews.add_argument("--mode", default="auto", choices=["auto", "accurate", "fast"])
    on_reviews.add_argument("--unit", default="answer", choices=["answer", "sentence"])
    on_reviews.add_argument("--warm", action="store_true")
    on_reviews.add_argument("--against", type=Path, default=None,
                            help="source folder of another qualcode to time first (e.g. a checkout of main)")
    on_dev = commands.add_parser("removed")
    on_dev.add_argument("--sets", nargs="+", default=list(SETS), choices=list(SETS))
    on_dev.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3])
    arguments = parser.parse_args()
    if arguments.command == "reviews":
        reviews(arguments.out or Path(tempfile.mkdtemp(prefix="discover-bench-")), arguments.mode,
                arguments.unit, arguments.warm, arguments.against)
    else:
        removed(arguments.seeds, arguments.sets)
