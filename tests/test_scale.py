"""Coding at scale: chunks, a sample to fit on, a process pool, streamed input, the analysis cache."""
import json

import pandas as pd
import pytest
from click.testing import CliRunner

from qualcode.cli import cli
from qualcode.codebook import load_codebook
from qualcode.coding import Coder, code_table
from qualcode.coding.analysed import analyse_answers
from qualcode.io import read_answers, sources, table_appender
from qualcode.scale import code_file
from qualcode.scale.sample import Sampler

FAST = {"mode": "fast", "embedder": "default", "threshold": None, "seed": 0}


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def answers_csv(dev_dir, tmp_path):
    """The development answers plus a repeated text and an empty one."""
    frame = pd.read_csv(dev_dir / "responses.csv", dtype=str, keep_default_na=False)
    extra = pd.DataFrame({"id": ["X1", "X2"], "question": "f1", "municipality": "", "sector": "", "role": "",
                          "text": [frame["text"][0], ""]})
    path = tmp_path / "svar.csv"
    pd.concat([frame, extra]).to_csv(path, index=False)
    return path


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def without_keywords(frame):
    """The coded table with the matched keyword's name left out of the evidence.

    Which of two keywords matching the same words is named depends on set order in
    qualcode.coding.lexical, which varies between processes (string hash seed).
    """
    def strip(evidence):
        entries = json.loads(evidence)
        for entry in entries.values():
            for match in entry["matches"]:
                match.pop("keyword")
        return entries

    return frame.assign(evidence=frame["evidence"].map(strip))


def test_chunked_coding_equals_coding_at_once(answers_csv, default_codebook_path, tmp_path):
    whole, chunked = tmp_path / "whole.csv", tmp_path / "chunked.csv"
    codebook = load_codebook(default_codebook_path)
    table = read_answers(answers_csv)
    code_table(table, codebook, mode="fast").to_csv(whole, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    rows, with_codes = code_file(answers_csv, Coder(codebook, **FAST), chunked, {}, codebook, FAST, chunk_size=37)
    assert rows == len(table)
    assert chunked.read_bytes() == whole.read_bytes()
    meta = json.loads((tmp_path / "chunked.csv.meta.json").read_text(encoding="utf-8"))
    assert meta["settings"]["fitted_on"] == len(table) and meta["columns"]["text"] == "text"


@pytest.mark.slow
def test_jobs_give_the_same_table(answers_csv, default_codebook_path, tmp_path):
    for jobs in (1, 2):
        result = run("code", answers_csv, "--codebook", default_codebook_path, "-o", tmp_path / f"j{jobs}.parquet",
                     "--mode", "fast", "--jobs", jobs, "--chunk-size", 50, "--sample-size", 200)
        assert result.exit_code == 0, result.output
    one, two = (pd.read_parquet(tmp_path / f"j{jobs}.parquet") for jobs in (1, 2))
    pd.testing.assert_frame_equal(without_keywords(one), without_keywords(two))


def test_streamed_csv_and_parquet_read_like_qualcode_io(answers_csv, default_codebook_path, tmp_path, monkeypatch):
    frame = pd.read_csv(answers_csv, dtype=str, keep_default_na=False)
    frame.to_parquet(tmp_path / "svar.parquet", index=False)
    expected = read_answers(answers_csv).frame
    monkeypatch.setattr(sources, "STREAM_FROM_BYTES", 0)
    for path in (answers_csv, tmp_path / "svar.parquet"):
        source = sources.open_answers(path, {"id_column": "id", "text_column": "text"}, chunk_size=100)
        assert source.read_chunks.__qualname__.startswith("_streamed_source")
        got = pd.concat([chunk for _, chunk in source.chunks()])
        pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False)
        assert (source.table.id_column, source.table.question_column) == ("id", "question")


@pytest.mark.parametrize("head_bytes, message", [(None, "'b' is in rows 3 and 5"),  # found in the head
                                                  (12, "rows 3 and 5 have the same id")])  # found later
def test_streamed_input_refuses_repeated_ids(tmp_path, default_codebook_path, monkeypatch, head_bytes, message):
    from qualcode.io import readers

    path = tmp_path / "svar.csv"
    pd.DataFrame({"id": ["a", "b", "c", "b"], "text": ["x", "y", "z", "w"]}).to_csv(path, index=False)
    monkeypatch.setattr(sources, "STREAM_FROM_BYTES", 0)
    if head_bytes:
        monkeypatch.setattr(readers, "HEAD_BYTES", head_bytes)
    result = run("code", path, "--codebook", default_codebook_path, "-o", tmp_path / "out.csv",
                 "--mode", "fast", "--chunk-size", 2)
    assert result.exit_code == 2
    assert message in result.output
    assert not list(tmp_path.glob("out.csv*")) and not list(tmp_path.glob(".out.csv*"))


def test_sample_is_the_same_however_rows_are_chunked():
    texts = [f"svar {i}" for i in range(1000)]
    whole, chunked = Sampler(50, seed=3), Sampler(50, seed=3)
    whole.add(0, texts)
    for start in range(0, 1000, 70):
        chunked.add(start, texts[start:start + 70])
    assert whole.texts == chunked.texts and len(whole.texts) == 50
    assert whole.texts == sorted(whole.texts, key=lambda t: int(t.split()[1]))
    other = Sampler(50, seed=4)
    other.add(0, texts)
    assert other.texts != whole.texts


def test_no_output_when_writing_fails_midway(tmp_path):
    output = tmp_path / "coded.csv"
    output.write_text("previous", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), table_appender(output, verbatim=True) as write:
        write(pd.DataFrame({"a": [1]}))
        raise KeyboardInterrupt
    assert output.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["coded.csv"]


def test_analysis_cache_gives_the_same_views(tmp_path):
    texts = ["Ekonomin är ansträngd. Vi har inte råd!", "ekonomin ar anstrangd", "", "Ekonomin är ansträngd. Vi har inte råd!"]
    fresh = analyse_answers(texts, cache=False)
    assert analyse_answers(texts) == fresh  # analysed and stored
    assert analyse_answers(texts) == fresh  # read back
    assert all(isinstance(word.start, int) for answer in analyse_answers(texts) for word in answer.words)


def test_recoding_after_a_keyword_edit_analyses_nothing_again(answers_csv, default_codebook_path, tmp_path, monkeypatch):
    from qualcode import language

    codebook = load_codebook(default_codebook_path)
    code_file(answers_csv, Coder(codebook, **FAST), tmp_path / "first.csv", {}, codebook, FAST)
    analysed_texts = []
    original = language.analyse
    monkeypatch.setattr(language, "analyse", lambda texts, **kw: analysed_texts.extend(texts) or original(texts, **kw))
    edited = default_codebook_path.read_text(encoding="utf-8").replace("keywords: [ekonomi,", "keywords: [fjäll,", 1)
    assert edited != default_codebook_path.read_text(encoding="utf-8")
    (tmp_path / "edited.yaml").write_text(edited, encoding="utf-8")
    edited = load_codebook(tmp_path / "edited.yaml")
    code_file(answers_csv, Coder(edited, **FAST), tmp_path / "second.csv", {}, edited, FAST)
    assert analysed_texts == []  # neither the answers nor the codebook's texts are analysed again
    first, second = (pd.read_csv(tmp_path / name, keep_default_na=False) for name in ("first.csv", "second.csv"))
    assert (first["codes"] != second["codes"]).any()


def test_a_table_coded_in_chunks_in_memory_is_the_table_coded_whole(answers_csv, default_codebook_path):
    from qualcode.scale import code_table_in_chunks

    table = read_answers(answers_csv)
    codebook = load_codebook(default_codebook_path)
    whole = code_table(table, codebook, **FAST)
    chunked = code_table_in_chunks(table, Coder(codebook, **FAST), chunk_size=40)
    pd.testing.assert_frame_equal(chunked, whole)
    sampled = code_table_in_chunks(table, Coder(codebook, **FAST), chunk_size=40, sample_size=100)
    assert sampled["id"].tolist() == whole["id"].tolist() and sampled["codes"].str.len().gt(0).mean() > 0.5
