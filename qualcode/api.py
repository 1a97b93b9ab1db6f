"""The Python API: a pandas DataFrame in, DataFrames out, with the command line's results.

    import qualcode as qc
    coded = qc.code(df, "codebook.yaml", text="svar")      # as `qualcode code`
    qc.counts(coded, by="kommun")                            # as `qualcode counts`
    qc.quotes(coded)                                         # as `qualcode quotes`
    qc.report(coded, "out/")                                 # the report files of `qualcode report`
    project = qc.open_project("survey.qcproj", df, "cb.yaml")  # a review project (`qualcode review`)
    project = qc.Project("survey.qcproj")                    # open one

The commands that code and report (``code``, ``report``, ``counts``, ``quotes``, ``review``)
parse their options and call a function here; ``discover`` and the learning commands (``train``,
``evaluate``, ``queue``, ``agree``) call :mod:`qualcode.discover` and :mod:`qualcode.learn`,
which a notebook calls the same way. A coded DataFrame
carries what its sidecar would say (codebook, settings, column roles) in ``coded.attrs["qualcode"]``,
so the functions that read it back need no options.
"""
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qualcode.errors import InputError, located
from qualcode.scale import DEFAULT_CHUNK, DEFAULT_SAMPLE

ATTRS_KEY = "qualcode"
CODING_DEFAULTS = {"mode": "accurate", "embedder": "default", "threshold": None, "seed": 0}


def load_codebook(codebook):
    """A :class:`~qualcode.codebook.Codebook` from a path (YAML); a Codebook is returned as it is."""
    from qualcode.codebook import Codebook, load_codebook as load

    return codebook if isinstance(codebook, Codebook) else load(codebook)


@dataclass(frozen=True)
class CodingPlan:
    """How answers are coded: the unfitted ``estimator`` (fitted on a sample of the answers),
    the ``settings`` a coded table's sidecar records, the sampling ``seed``, and ``annotate``
    (a callable adding columns to each coded chunk, or None)."""

    estimator: object
    settings: dict
    seed: int
    annotate: object = None


def coding_plan(codebook, mode=None, embedder=None, threshold=None, seed=None, model=None, triage=None):
    """The :class:`CodingPlan` for coding with ``codebook``: the zero-shot coder with the given
    settings (None means the default), or ``model`` (a path or a TrainedModel from ``train``)
    whose own settings then hold; ``triage`` adds the ``needs_review`` column at that level.

    Raises InputError when a setting contradicts the model's.
    """
    from qualcode.coding import Coder
    from qualcode.learn import ModelCoder, ReviewFlag, TrainedModel

    given = {"mode": mode, "embedder": embedder, "threshold": threshold, "seed": seed}
    annotate = ReviewFlag(triage) if triage is not None else None
    if model is None:
        settings = {key: CODING_DEFAULTS[key] if value is None else value for key, value in given.items()}
        return CodingPlan(Coder(codebook, **settings), {**settings, "model": None, "triage": triage},
                          settings["seed"], annotate)
    trained = model if isinstance(model, TrainedModel) else TrainedModel.load(model, codebook)
    estimator = ModelCoder(trained)
    settings = estimator.settings
    for key, value in given.items():
        if value is not None and value != settings[key]:
            raise InputError(located(model if not isinstance(model, TrainedModel) else "the model",
                                     f"this model codes with --{key} {settings[key]}, not {value}; leave "
                                     f"--{key} out, or train a model with it"))
    recorded = {**settings, "model": str(model) if not isinstance(model, TrainedModel) else "<TrainedModel>",
                "triage": triage}
    return CodingPlan(estimator, recorded, trained.seed, annotate)


def code(data, codebook, *, text="text", id="id", question=None, respondent=None, model=None, triage=None,
         mode=None, embedder=None, threshold=None, seed=None, jobs=1, chunk_size=DEFAULT_CHUNK,
         sample_size=DEFAULT_SAMPLE):
    """Code the answers of ``data`` (a DataFrame in long format, or a path to an answers file)
    against ``codebook`` (a path or a Codebook); returns the coded DataFrame of SPEC "Coded
    answers out", exactly as ``qualcode code`` writes it, at any size.

    ``text``, ``id``, ``question`` and ``respondent`` name the columns (as the CLI's
    ``--text-column`` and friends); the coding options are the CLI's. The returned frame's
    ``attrs["qualcode"]`` holds what the CLI writes into the sidecar.
    """
    from qualcode.coding import coding_metadata
    from qualcode.io import read_answers
    from qualcode.io.answers import answers_from_frame
    from qualcode.scale import code_table_in_chunks

    codebook = load_codebook(codebook)
    if isinstance(data, pd.DataFrame):
        table = answers_from_frame(data, id, text, question, respondent)
    else:
        table = read_answers(data, id_column=id, text_column=text, question_column=question,
                             respondent_column=respondent)
    plan = coding_plan(codebook, mode, embedder, threshold, seed, model, triage)
    coded = code_table_in_chunks(table, plan.estimator, jobs, chunk_size, sample_size, plan.seed, plan.annotate)
    coded = coded.reset_index(drop=True)
    settings = {**plan.settings, "sample_size": sample_size, "fitted_on": min(sample_size, len(table))}
    coded.attrs[ATTRS_KEY] = coding_metadata(codebook, table, settings)
    return coded


def code_file(answers, codebook, output, *, reading=None, engine="local", scheduler=None, model=None,
              triage=None, mode=None, embedder=None, threshold=None, seed=None, jobs=1, chunk_size=None,
              sample_size=DEFAULT_SAMPLE, inputs=()):
    """``qualcode code``: code the answers file ``answers`` into ``output`` and its sidecar, in
    chunks (``engine="local"``, ``jobs`` processes) or on a Dask cluster (``engine="dask"``:
    partitioned Parquet, the partitions are the chunks). Returns (answers, answers with a code).
    """
    from qualcode.coding.table import CODED_SUFFIXES
    from qualcode.io import check_table_output

    codebook_object = load_codebook(codebook)
    plan = coding_plan(codebook_object, mode, embedder, threshold, seed, model, triage)
    inputs = tuple(inputs) or tuple(p for p in (answers, codebook, model) if isinstance(p, (str, Path)))
    if engine == "dask":
        from qualcode.scale.dask_engine import code_dataset

        if chunk_size is not None:
            raise InputError(located(answers, "--chunk-size does not apply to --engine dask: the data set's "
                                              "partitions are the chunks (repartition it to change them)"))
        if scheduler is not None and jobs != 1:
            raise InputError(f"--jobs {jobs}: with --scheduler the cluster's workers code the partitions; "
                             "leave --jobs out (it sizes the local cluster started without --scheduler)")
        return code_dataset(answers, plan.estimator, output, reading or {}, codebook_object,
                            {**plan.settings, "engine": "dask"}, scheduler=scheduler, jobs=jobs,
                            sample_size=sample_size, seed=plan.seed, annotate=plan.annotate, inputs=inputs)
    from qualcode.scale import code_file as code_in_chunks

    check_table_output(output, inputs, CODED_SUFFIXES)
    return code_in_chunks(answers, plan.estimator, output, reading or {}, codebook_object, plan.settings,
                          jobs=jobs, chunk_size=chunk_size or DEFAULT_CHUNK, sample_size=sample_size,
                          seed=plan.seed, annotate=plan.annotate, inputs=inputs)


def report_file(answers, codebook, directory, *, reading=None, by=None, min_group=5, per_code=3,
                anonymise=False, model=None, mode=None, embedder=None, threshold=None, seed=None, jobs=1,
                chunk_size=None, sample_size=DEFAULT_SAMPLE, multi_choice=(), follow_up=()):
    """``qualcode report``: code the answers file ``answers`` and write the report files into
    ``directory`` (coded as :func:`code_file` codes, a chunk at a time); returns the Report.
    ``multi_choice``: columns of ticks, "COLUMN[:SEP]"; ``follow_up``: follow-up questions."""
    from qualcode.reports import make_report

    codebook_object = load_codebook(codebook)
    plan = coding_plan(codebook_object, mode, embedder, threshold, seed, model)
    inputs = tuple(p for p in (answers, codebook, model) if isinstance(p, (str, Path)))
    return make_report(answers, codebook_object, directory, plan, by=by, min_group=min_group,
                       per_code=per_code, anonymised=anonymise, reading=reading, jobs=jobs,
                       chunk_size=chunk_size, sample_size=sample_size, inputs=inputs,
                       multi_choice=multi_choice, follow_up=follow_up)


def coded_answers(data, codebook=None):
    """:class:`~qualcode.coding.CodedAnswers` from a coded DataFrame (its column roles from
    ``attrs["qualcode"]``, else the defaults ``id``, ``text``, ``question``, ``respondent``), a
    path to a coded table, or CodedAnswers (returned as they are)."""
    from qualcode.coding import CodedAnswers, read_coded

    if isinstance(data, CodedAnswers):
        return data
    if not isinstance(data, pd.DataFrame):
        return read_coded(data)
    roles = data.attrs.get(ATTRS_KEY, {}).get("columns", {})
    columns = list(data.columns)

    def role(name):
        given = roles.get(name)
        return given if given in columns else name if name in columns else None

    return CodedAnswers(data.reset_index(drop=True), role("id") or "id", role("text") or "text",
                        role("question"), role("respondent"), "<DataFrame>")


def codebook_of(data, codebook=None):
    """``codebook`` loaded, else the codebook recorded in a coded DataFrame's ``attrs`` when
    that file still has the content that coded it, else None (codes then stand alone)."""
    if codebook is not None:
        return load_codebook(codebook)
    recorded = data.attrs.get(ATTRS_KEY, {}).get("codebook", {}) if isinstance(data, pd.DataFrame) else {}
    source = recorded.get("source")
    if source and Path(source).is_file():
        found = load_codebook(source)
        if found.content_hash == recorded.get("hash"):
            return found
    return None


def counts(coded, codebook=None, by=None, min_group=5):
    """Per code, the respondents whose answers carry it and their share of the base, overall and
    per value of ``by`` (SPEC ``qualcode counts``): a DataFrame with numeric columns."""
    from qualcode.reports import count_codes

    return count_codes(coded_answers(coded), codebook_of(coded, codebook), by=by, min_group=min_group)


def quotes(coded, codebook=None, per_code=3, anonymise=False):
    """Representative, mutually different quotes per code (SPEC ``qualcode quotes``)."""
    from qualcode.reports import select_quotes

    return select_quotes(coded_answers(coded), codebook_of(coded, codebook), per_code, anonymise)


def report(coded, directory, codebook=None, by=None, min_group=5, per_code=3, anonymise=False,
           multi_choice=(), follow_up=()):
    """Write the report files of ``qualcode report`` for already coded answers into ``directory``;
    returns the :class:`~qualcode.reports.Report`. A codebook is needed (argument or attrs).
    ``multi_choice``: columns of ticks, "COLUMN[:SEP]"; ``follow_up``: follow-up questions."""
    from qualcode.reports import report_coded

    found = codebook_of(coded, codebook)
    if found is None:
        raise InputError("qc.report needs the codebook that coded the answers: pass codebook=PATH")
    metadata = coded.attrs.get(ATTRS_KEY, {}) if isinstance(coded, pd.DataFrame) else {}
    return report_coded(coded_answers(coded), found, directory, by=by, min_group=min_group, per_code=per_code,
                        anonymised=anonymise, metadata=metadata, multi_choice=multi_choice, follow_up=follow_up)


def open_project(path, answers=None, codebook=None, *, reading=None, mode=None, embedder=None, threshold=None,
                 seed=None, model=None, sample_size=None, chunk_size=None):
    """Create the review project ``path`` or bring it up to date, as ``qualcode review`` does:
    ``answers`` (a DataFrame, an answers file or a coded table; None: the project's own) are
    added by id, ``codebook`` (a path or Codebook; None: the project's current one) becomes a
    new version when its content changed, and every answer not yet coded under the current
    codebook is coded with the coding options (None: as the project coded before).
    ``reading`` holds :func:`qualcode.io.read_answers` options (for a DataFrame: ``id_column``,
    ``text_column``, ``question_column``, ``respondent_column``). Returns the open
    :class:`qualcode.workspace.Project` (``qc.Project``)."""
    from qualcode.workspace import build_project

    coding = {"mode": mode, "embedder": embedder, "threshold": threshold, "seed": seed, "model": model,
              "sample_size": sample_size, "chunk_size": chunk_size}
    return build_project(path, answers, None if codebook is None else load_codebook(codebook), reading, coding,
                         coding_plan)


def __getattr__(name):
    """``Project`` (:class:`qualcode.workspace.Project`), imported on first use."""
    if name == "Project":
        from qualcode.workspace import Project

        return Project
    raise AttributeError(f"module 'qualcode.api' has no attribute {name!r}")
