"""Provenance: results name the model code behind them; no sweep is resumed by other code."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analysis.experiments.provenance import code_digest, environment, model_code
from analysis.experiments.sweeps import Sweep, execute, read_runs
from simulation import InputError


@pytest.fixture
def model_copy(tmp_path) -> Path:
    import simulation

    copy = tmp_path / "simulation"
    shutil.copytree(Path(simulation.__file__).parent, copy, ignore=shutil.ignore_patterns("*.pyc"))
    return copy


def test_the_model_code_is_named_by_content(model_copy):
    assert code_digest(model_copy) == model_code()["code"]
    kernel = model_copy / "schools.py"
    kernel.write_text(kernel.read_text() + "\n# an edit\n")
    edited = code_digest(model_copy)
    assert edited != model_code()["code"]
    (model_copy / "extra.txt").write_text("not code")  # only Python files count
    assert code_digest(model_copy) == edited
    kernel.rename(model_copy / "schools_renamed.py")
    assert code_digest(model_copy) != edited


def test_run_json_says_what_made_the_results():
    made = environment()
    assert made["model_code"] == model_code()["code"]
    assert made["numpy"] == model_code()["numpy"] != "unknown"
    assert made["staffroom"].startswith(made["staffroom"].split(",")[0])
    assert made["arithmetic"] == model_code()["arithmetic"]
    assert set(made) == {"staffroom", "model_code", "numpy", "arithmetic", "mesa", "python"}


def _arithmetic_in_a_new_process(**settings: str) -> str:
    code = "from analysis.experiments.provenance import arithmetic; print(arithmetic())"
    done = subprocess.run(
        [sys.executable, "-c", code],
        env={**os.environ, **settings},
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.mark.skipif(platform.machine() != "x86_64", reason="x86 names of CPU features")
def test_the_arithmetic_digest_tells_apart_two_ways_numpy_computes():
    here = model_code()["arithmetic"]
    assert len(here) == 8 and _arithmetic_in_a_new_process() == here  # the same machine agrees
    # the oldest OpenBLAS kernel, or numpy without its SIMD code: some operation rounds otherwise
    other = {
        _arithmetic_in_a_new_process(OPENBLAS_CORETYPE="Prescott"),
        _arithmetic_in_a_new_process(NPY_DISABLE_CPU_FEATURES="X86_V3 X86_V4"),
    }
    assert other - {here}


def _rewrite_model(folder: Path, model: dict | None) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    if model is None:
        del manifest["identity"]["model"]
    else:
        manifest["identity"]["model"] = model
    (folder / "manifest.json").write_text(json.dumps(manifest))


@pytest.mark.parametrize(
    ("recorded", "said"),
    [
        ({"code": "0123456789abcdef", "numpy": "2.5.5"}, "would mix two models' runs"),
        (None, "did not record its model code"),
        ({**model_code(), "arithmetic": "00000000"}, "computed two ways"),
        ({"code": model_code()["code"], "numpy": model_code()["numpy"]}, "not recorded then"),
    ],
)
def test_a_sweep_made_by_other_model_code_is_not_resumed(tiny_sweep, tmp_path, recorded, said):
    sweep = Sweep.from_dict(tiny_sweep(replicates=1))
    execute(sweep, tmp_path / "out", workers=0)
    before = read_runs(tmp_path / "out")
    _rewrite_model(tmp_path / "out", recorded)
    grown = Sweep.from_dict(tiny_sweep(replicates=2))
    with pytest.raises(InputError) as error:
        execute(grown, tmp_path / "out", workers=0)
    message = str(error.value)
    assert said in message and "would mix" in message
    assert model_code()["code"] in message and "--overwrite" in message
    if recorded and recorded["code"] == model_code()["code"]:  # the same model, computed otherwise
        assert "two models" not in message
    assert read_runs(tmp_path / "out").equals(before)
    again = execute(grown, tmp_path / "out", workers=0, overwrite=True)
    assert again.done == 8


def test_the_citation_names_the_version_the_package_has():
    import tomllib

    root = Path(__file__).resolve().parents[1]
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    citation = (root / "CITATION.cff").read_text().splitlines()
    assert f"version: {project['version']}" in citation
    assert f"license: {project['license']}" in citation


def test_dask_workers_with_other_model_code_are_refused():
    from analysis.experiments.clusters import check_worker_code

    here = model_code()
    check_worker_code({"tcp://a:1": dict(here), "tcp://b:2": dict(here)}, "tcp://s:8786")
    check_worker_code({}, "tcp://s:8786")  # no worker yet: nothing to compare
    other = {"code": "0123456789abcdef", "numpy": here["numpy"]}
    with pytest.raises(InputError) as error:
        check_worker_code({"tcp://a:1": dict(here), "tcp://b:2": other}, "tcp://s:8786")
    message = str(error.value)
    assert "tcp://b:2" in message and "0123456789abcdef" in message and here["code"] in message
    assert "nothing was written" in message
    elsewhere = {**here, "arithmetic": "00000000"}
    with pytest.raises(InputError, match=r"computing as 00000000.*NPY_DISABLE_CPU_FEATURES"):
        check_worker_code({"tcp://a:1": elsewhere}, "tcp://s:8786")
    missing = ModuleNotFoundError("No module named 'simulation'")
    with pytest.raises(InputError, match="no staffroom it can import"):
        check_worker_code({"tcp://a:1": missing}, "tcp://s:8786")


@pytest.mark.slow
def test_a_package_installed_from_a_checkout_cites_the_commit_it_was_built_from(tmp_path):
    import zipfile

    from analysis.experiments.provenance import commit_of

    root = Path(__file__).resolve().parents[1]
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(root)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    installed = tmp_path / "site"
    zipfile.ZipFile(next(wheels.glob("staffroom-*.whl"))).extractall(installed)
    elsewhere = tmp_path / "work"
    elsewhere.mkdir()
    said = subprocess.run(
        [
            sys.executable,
            "-c",
            "import analysis.experiments.provenance as p; print(p.__file__); "
            "print(p.version(commit=True))",
        ],
        cwd=elsewhere,
        env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert said[0].startswith(str(installed)), "the installed copy, not the checkout, ran"
    assert said[1].endswith(f", commit {commit_of(root)}")
