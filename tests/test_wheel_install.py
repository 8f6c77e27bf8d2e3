"""The built wheel works on its own, not only the editable checkout: build it, install it into a fresh
virtual environment, and run ``paperkg build`` from there in an empty folder (the bundled sample, the
technique vocabulary, the page assets all come from the installed package).

The environment borrows the already installed dependencies (``--system-site-packages``, so nothing is
downloaded) and gets paperkg itself only from the wheel (``--no-deps``); the test checks that the
``graph`` package it runs is the wheel's, not the checkout. The graph folder starts with a copy of the
session's sample workspace (conftest.py ``sample_build``), so the build reuses the cached extractions.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def run(command: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel `pip wheel` builds from the checkout (no dependencies, no network)."""
    dist = tmp_path_factory.mktemp("dist")
    command = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(dist), str(ROOT)]
    done = run(command, dist)
    assert done.returncode == 0, done.stderr[-3000:]
    (found,) = dist.glob("paperkg-*.whl")
    return found


def test_wheel_holds_the_package_data(wheel: Path) -> None:
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    assert "graph/techniques.yaml" in names
    assert {f"graph/export/views/assets/{n}" for n in ("view.js", "view.css", "view.html.j2")} <= names
    assert len([n for n in names if n.startswith("loaders/samples/") and n.endswith(".txt")]) == 5
    assert not [n for n in names if n.startswith(("tests/", "notebooks/", "benchmarks/"))]


def test_paperkg_build_runs_from_the_installed_wheel(wheel: Path, sample_build: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    done = run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", str(wheel)], tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]

    user = tmp_path / "empty-folder"
    (user / "paperkg-out").mkdir(parents=True)
    shutil.copy(sample_build / "paperkg.sqlite", user / "paperkg-out" / "paperkg.sqlite")
    where = run([str(python), "-c", "import graph, loaders; print(graph.__file__); print(loaders.__file__)"], user)
    assert where.returncode == 0, where.stderr
    assert all(Path(line).is_relative_to(env_dir) for line in where.stdout.split()), where.stdout

    built = run([str(env_dir / "bin" / "paperkg"), "build"], user)
    assert built.returncode == 0, built.stderr[-3000:]
    assert "483 papers in the graph" in built.stdout
    out = user / "paperkg-out"
    assert (out / "graph.html").stat().st_size > 100_000 and (out / "graph.json").exists()
    assert "vis.Network" in (out / "graph.html").read_text(encoding="utf-8")
    assert built.stderr.strip() == "", built.stderr[-2000:]  # no warnings, no progress noise in a log
