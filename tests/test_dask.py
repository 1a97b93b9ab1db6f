"""`qualcode code --engine dask`: a partitioned Parquet data set coded on a Dask cluster."""
import pandas as pd
import pytest
from click.testing import CliRunner

from qualcode.cli import cli

pytestmark = pytest.mark.filterwarnings("ignore:The inplace keyword:DeprecationWarning")

distributed = pytest.importorskip("distributed")


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("QUALCODE_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.fixture
def dataset(dev_dir, tmp_path):
    """The development answers as a folder of three Parquet partitions (one of them empty)."""
    frame = pd.read_csv(dev_dir / "responses.csv", dtype=str, keep_default_na=False)
    folder = tmp_path / "svar"
    folder.mkdir()
    for number, part in enumerate((frame.iloc[:100], frame.iloc[100:100], frame.iloc[100:])):
        part.to_parquet(folder / f"part.{number}.parquet", index=False)
    return folder, frame


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


@pytest.mark.slow
def test_dask_results_equal_local_coding(dataset, scheduler, default_codebook_path, tmp_path):
    folder, frame = dataset
    frame.to_csv(tmp_path / "svar.csv", index=False)
    common = ("--codebook", default_codebook_path, "--mode", "fast", "--sample-size", 150)
    assert run("code", tmp_path / "svar.csv", "-o", tmp_path / "local.parquet", *common).exit_code == 0
    result = run("code", folder, "-o", tmp_path / "coded", "--engine", "dask", "--scheduler", scheduler, *common)
    assert result.exit_code == 0, result.output
    local = pd.read_parquet(tmp_path / "local.parquet")
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "coded"), local, check_dtype=False)
    assert (tmp_path / "coded.meta.json").exists()
    result = run("code", folder, "-o", tmp_path / "coded.parquet", "--engine", "dask", "--scheduler", scheduler, *common)
    assert result.exit_code == 0, result.output
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "coded.parquet"), local, check_dtype=False)


def test_unreachable_scheduler_is_an_input_error(dataset, default_codebook_path, tmp_path, monkeypatch):
    from qualcode.scale import dask_engine

    monkeypatch.setattr(dask_engine, "CONNECT_TIMEOUT", "1s")
    folder, _ = dataset
    result = run("code", folder, "--codebook", default_codebook_path, "-o", tmp_path / "coded", "--mode", "fast",
                 "--engine", "dask", "--scheduler", "tcp://127.0.0.1:9")
    assert result.exit_code == 2
    assert "--scheduler tcp://127.0.0.1:9: cannot reach" in result.output
    assert not (tmp_path / "coded").exists()


@pytest.mark.slow
def test_dask_codes_with_a_trained_model_and_flags_for_review_like_local_coding(dataset, scheduler, dev_dir,
                                                                               default_codebook_path, tmp_path):
    folder, frame = dataset
    frame.to_csv(tmp_path / "svar.csv", index=False)
    gold = pd.read_csv(dev_dir / "gold.csv", dtype=str, keep_default_na=False)
    trained_on = frame.iloc[:60]
    trained_on.to_csv(tmp_path / "train.csv", index=False)
    gold[gold["id"].isin(trained_on["id"])].to_csv(tmp_path / "gold.csv", index=False)
    model = tmp_path / "model.npz"
    assert run("train", tmp_path / "train.csv", "--gold", tmp_path / "gold.csv", "--codebook", default_codebook_path,
               "-o", model, "--mode", "fast").exit_code == 0
    common = ("--codebook", default_codebook_path, "--model", model, "--triage", 0.8, "--sample-size", 150)
    assert run("code", tmp_path / "svar.csv", "-o", tmp_path / "local.parquet", *common).exit_code == 0
    result = run("code", folder, "-o", tmp_path / "coded.parquet", "--engine", "dask", "--scheduler", scheduler,
                 *common)
    assert result.exit_code == 0, result.output
    local, distributed_ = (pd.read_parquet(tmp_path / name) for name in ("local.parquet", "coded.parquet"))
    pd.testing.assert_frame_equal(distributed_, local, check_dtype=False)
    assert "needs_review" in local and local["evidence"].str.contains('"model"').any()


@pytest.mark.parametrize("options, message", [
    (("--chunk-size", 50), "--chunk-size does not apply to --engine dask"),
    (("--jobs", 2, "--scheduler", "tcp://127.0.0.1:9"), "--jobs 2: with --scheduler the cluster's workers"),
])
def test_dask_refuses_local_only_options(dataset, default_codebook_path, tmp_path, options, message):
    folder, _ = dataset
    result = run("code", folder, "--codebook", default_codebook_path, "-o", tmp_path / "coded", "--mode", "fast",
                 "--engine", "dask", *options)
    assert result.exit_code == 2
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "coded").exists()
