"""The notebooks, executed top to bottom as a new user runs them, and stored clean.

Each notebook runs in a fresh ``python3`` kernel (nbclient) whose working directory is one temporary folder
shared by all four, in order, as a user's folder: it already holds the user's own ``my-papers/``,
``my-graph/`` and ``paperkg-out/``, which must come out byte-identical. The notebooks work only in
``paperkg-notebooks/`` there: 01 builds the bundled sample into ``paperkg-notebooks/sample-graph``, 02 and 03
read that graph, 04 adds papers to a copy of it in ``paperkg-notebooks/your-own-papers``. With ``NEO4J_URI``
set, notebook 03 also runs its live cells against that server (it MERGEs the sample's graph into it);
without it, those cells print how to start one and skip.

The sample graph folder starts with a copy of the workspace (``paperkg.sqlite``) of the session's
``sample_build`` (conftest.py: ``paperkg build`` of the same sample with the same extractor), so notebook
01's ``api.build`` reuses its cached extractions and embeddings instead of paying for the one real concept
extraction a second time; every stage still runs. A test that needs an earlier notebook runs it first, so any
one of them can be selected with ``-k``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import time
from pathlib import Path
from typing import Any

import nbformat
import pytest

from graph.errors import ConfigError
from graph.workfolder import MARKER, notebook_folder

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
EXPECTED = ["01-quickstart", "02-centrality-and-communities", "03-neo4j-and-cypher", "04-your-own-papers"]
CELL_TIMEOUT_S = 900


class NotebookRun:
    """Executes the notebooks once per test module, in order, in one shared working folder."""

    def __init__(self, workdir: Path, seed_workspace: Path) -> None:
        self.workdir = workdir
        self.user_files = users_own_folders(workdir, seed_workspace)
        self.out = notebook_folder("sample-graph", root=workdir / "paperkg-notebooks")
        shutil.copy(seed_workspace, self.out / seed_workspace.name)
        self.results: dict[str, nbformat.NotebookNode | BaseException] = {}
        self.seconds: dict[str, float] = {}

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("PAPERKG_NOTEBOOKS", None)  # the default folder, as a user gets it
        env.update(
            HF_HUB_OFFLINE="1",
            TRANSFORMERS_OFFLINE="1",
            TOKENIZERS_PARALLELISM="false",
        )
        env.pop("MPLBACKEND", None)  # ipykernel's inline backend draws the plots into the notebook
        return env

    def executed(self, name: str) -> nbformat.NotebookNode:
        """The notebook ``name`` executed (after every notebook before it); re-raises its failure."""
        for path in NOTEBOOKS[: [p.stem for p in NOTEBOOKS].index(name) + 1]:
            if path.stem not in self.results:
                self.results[path.stem] = self._execute(path)
            result = self.results[path.stem]
            if isinstance(result, BaseException):
                if path.stem != name:
                    pytest.fail(f"{name} needs {path.stem}, which failed: {result}", pytrace=False)
                raise result
        result = self.results[name]
        assert not isinstance(result, BaseException)
        return result

    def _execute(self, path: Path) -> nbformat.NotebookNode | BaseException:
        start = time.perf_counter()
        try:
            return self.run(path)
        except Exception as exc:  # CellExecutionError names the cell and shows the traceback
            return exc
        finally:
            self.seconds[path.stem] = round(time.perf_counter() - start, 1)

    def run(self, path: Path, allow_errors: bool = False, **env: str) -> nbformat.NotebookNode:
        """Execute ``path`` in a fresh kernel in the shared folder (``env`` added to the environment)."""
        from nbclient import NotebookClient

        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(
            nb,
            kernel_name="python3",
            timeout=CELL_TIMEOUT_S,
            allow_errors=allow_errors,
            resources={"metadata": {"path": str(self.workdir)}},
        )
        client.execute(env={**self.env(), **env})
        return nb


def users_own_folders(workdir: Path, workspace: Path) -> dict[str, str]:
    """Create the folders a user made from the README (``my-papers/``, ``my-graph/``, ``paperkg-out/``) in
    ``workdir``; return the SHA-256 of every file under ``workdir``, by relative path."""
    (workdir / "my-papers").mkdir()
    (workdir / "my-papers" / "refs.bib").write_text("@article{mine, title = {My own paper}}\n", encoding="utf-8")
    (workdir / "my-papers" / "arxiv.xml").write_text("<feed>my own feed</feed>\n", encoding="utf-8")
    for folder in ("my-graph", "paperkg-out"):
        (workdir / folder).mkdir()
        shutil.copy(workspace, workdir / folder / workspace.name)
        (workdir / folder / "graph.json").write_text(f'{{"mine": "{folder}"}}\n', encoding="utf-8")
    return tree_digest(workdir)


def tree_digest(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` except the notebooks' own folder, by relative path."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.relative_to(root).parts[0] != "paperkg-notebooks"
    }


@pytest.fixture(scope="module")
def notebooks(sample_build: Path, tmp_path_factory: pytest.TempPathFactory) -> NotebookRun:
    """The notebooks of this module's tests, run lazily in one folder seeded with the sample's workspace."""
    return NotebookRun(tmp_path_factory.mktemp("notebooks"), sample_build / "paperkg.sqlite")


def outputs(nb: nbformat.NotebookNode, kind: str | None = None) -> list[dict[str, Any]]:
    """Every output of the notebook's code cells (of ``output_type`` ``kind`` when given)."""
    found = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    return [o for o in found if kind is None or o["output_type"] == kind]


def stdout(nb: nbformat.NotebookNode) -> str:
    return "".join(o["text"] for o in outputs(nb, "stream") if o["name"] == "stdout")


def rich(nb: nbformat.NotebookNode, mime: str) -> list[str]:
    """The ``mime`` payloads of every display/result output."""
    return [o["data"][mime] for o in outputs(nb) if mime in o.get("data", {})]


# --- stored notebooks -------------------------------------------------------------------------------------


def test_the_four_notebooks_exist_in_order() -> None:
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_stored_without_outputs(path: Path) -> None:
    """Outputs are stripped in the repository: no outputs, no execution counts (run them yourself)."""
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    dirty = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, f"{path.name}: cells {dirty} have outputs or an execution count; clear them before committing"
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_each_section_is_introduced(path: Path) -> None:
    """A title first; no two code cells in a row without a markdown cell saying what comes."""
    cells = nbformat.read(path, as_version=4).cells
    assert cells[0].cell_type == "markdown" and cells[0].source.startswith("# ")
    sections = [c for c in cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert len(sections) >= 2, f"{path.name}: expected sections (## headings)"


# --- executed notebooks -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_01_quickstart_builds_the_sample_and_shows_the_view(notebooks: NotebookRun) -> None:
    nb = notebooks.executed("01-quickstart")
    text = stdout(nb)
    assert "483 papers" in text
    assert "SlimFlow" in text and "share techniques" in text  # api.explain's answer
    assert len(rich(nb, "text/html")) >= 6  # DataFrames and the embedded views
    frames = [h for h in rich(nb, "text/html") if "<iframe srcdoc=" in h]
    assert len(frames) == 2, "expected the overview and the focus view embedded"
    out = notebooks.out
    assert out == notebooks.workdir / "paperkg-notebooks" / "sample-graph"
    assert (out / "graph.html").exists() and list(out.glob("view-technique-*.html"))


@pytest.mark.slow
def test_01_embedded_views_draw_offline(notebooks: NotebookRun, browser: Any, tmp_path: Path) -> None:
    """The iframes notebook 01 displays draw in headless Chromium with the network off and log no error."""
    driver = browser
    frames = [h for h in rich(notebooks.executed("01-quickstart"), "text/html") if "<iframe srcdoc=" in h]
    driver.get_log("browser")
    try:
        for i, frame in enumerate(frames):
            page = tmp_path / f"cell-output-{i}.html"
            page.write_text(f"<!doctype html><html><body>{frame}</body></html>", encoding="utf-8")
            driver.get(page.as_uri())
            driver.switch_to.frame(driver.find_element("tag name", "iframe"))
            deadline = time.monotonic() + 30
            while not driver.execute_script("return window.paperkgReady === true"):
                assert time.monotonic() < deadline, f"embedded view {i} did not draw within 30 s"
                time.sleep(0.1)
            nodes, drawn = driver.execute_script(
                "return [window.paperkg.nodes.length, Object.keys(window.paperkg.network.getPositions()).length]"
            )
            assert nodes == drawn > 50
            driver.switch_to.default_content()
            problems = [e for e in driver.get_log("browser") if e["level"] in ("WARNING", "SEVERE")]
            assert not problems, json.dumps(problems, indent=1)[:2000]
    finally:
        driver.switch_to.default_content()


@pytest.mark.slow
def test_02_analysis_matches_the_build_and_plots(notebooks: NotebookRun) -> None:
    nb = notebooks.executed("02-centrality-and-communities")
    assert "same as papers.csv: True" in stdout(nb)
    assert len(rich(nb, "image/png")) >= 4  # scatter, community sizes, co-use heat map, trends


@pytest.mark.slow
def test_03_neo4j_without_a_server_shows_files_and_presets(notebooks: NotebookRun) -> None:
    from graph.export.graphdb.cypher import PRESETS

    nb = notebooks.executed("03-neo4j-and-cypher")
    text = stdout(nb)
    assert "neo4j-admin database import full" in text
    shown = [m for m in rich(nb, "text/markdown") if "```cypher" in m]
    assert len(shown) == len(PRESETS)
    if os.environ.get("NEO4J_URI"):
        assert "skipped" not in text
    else:
        assert "NEO4J_URI is not set" in text and "docker compose up -d" in text


@pytest.mark.slow
def test_03_live_cells_reach_the_driver(notebooks: NotebookRun) -> None:
    """With NEO4J_URI naming a port where nothing listens, every live cell of 03 gets as far as connecting and
    stops with paperkg's "cannot use Neo4j ... start it with `docker compose up -d`" error, not another one."""
    if os.environ.get("NEO4J_URI"):
        pytest.skip("NEO4J_URI is set: test_03_neo4j_without_a_server_... runs the live cells against it")
    notebooks.executed("02-centrality-and-communities")
    with socket.socket() as probe:  # a free local port: nothing answers there
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    nb = notebooks.run(NOTEBOOKS[2], allow_errors=True, NEO4J_URI=f"bolt://127.0.0.1:{port}")
    server_calls = ("api.neo4j_load(", "api.query(", "api.analyze_neo4j(")
    live = [c for c in nb.cells if c.cell_type == "code" and any(call in c.source for call in server_calls)]
    assert len(live) >= 4
    for cell in live:
        errors = [o for o in cell.outputs if o["output_type"] == "error"]
        assert errors, f"live cell ran without a server: {cell.source[:80]!r}"
        assert errors[0]["ename"] == "Neo4jUnavailableError", (errors[0]["ename"], errors[0]["evalue"])
        assert "docker compose up -d" in errors[0]["evalue"]
    assert len(outputs(nb, "error")) == len(live), "only the live cells may fail without a server"


@pytest.mark.slow
def test_04_adds_papers_to_a_copy_of_the_sample(notebooks: NotebookRun) -> None:
    nb = notebooks.executed("04-your-own-papers")
    assert "4 new, 1 merged, 0 unchanged; 487 papers" in stdout(nb)
    from graph import api

    assert api.info(notebooks.out)["papers"] == 483, "notebook 04 must leave the sample's graph as it was"
    mine = notebooks.workdir / "paperkg-notebooks" / "your-own-papers"
    assert api.info(mine / "my-graph")["papers"] == 487
    assert sorted(p.name for p in (mine / "my-papers").iterdir()) == ["arxiv.xml", "reading-list.csv", "refs.bib"]


@pytest.mark.slow
def test_notebooks_leave_the_users_own_files_byte_identical(notebooks: NotebookRun) -> None:
    """After all four notebooks (04 twice: it empties its own folder on every run), the user's own
    my-papers/, my-graph/ and paperkg-out/ are exactly as they were; nothing else appeared beside them."""
    notebooks.executed("04-your-own-papers")
    notebooks.run(NOTEBOOKS[3])
    assert tree_digest(notebooks.workdir) == notebooks.user_files


@pytest.mark.slow
@pytest.mark.parametrize("name", EXPECTED)
def test_executed_notebooks_print_no_warnings_or_progress(notebooks: NotebookRun, name: str) -> None:
    """Nothing on stderr (no TqdmWarning, no progress bars, no "Loading weights"), no widget outputs, and a
    small saved notebook."""
    nb = notebooks.executed(name)
    errors = [o["text"][:300] for o in outputs(nb, "stream") if o["name"] == "stderr"]
    assert not errors, errors
    widgets = rich(nb, "application/vnd.jupyter.widget-view+json")
    assert not widgets, f"{len(widgets)} progress widgets saved in {name}"
    assert "TqdmWarning" not in json.dumps(nb) and "Batches" not in stdout(nb)
    printed = sum(len(o["text"]) for o in outputs(nb, "stream"))
    assert printed < 20_000, f"{name} printed {printed:,} characters"  # results, not progress lines


# --- the notebooks' own folder (fast) ---------------------------------------------------------------------


def test_notebook_folder_refuses_a_folder_it_did_not_make(tmp_path: Path) -> None:
    mine = tmp_path / "paperkg-notebooks"
    mine.mkdir()
    (mine / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"was not made by the paperkg notebooks.*PAPERKG_NOTEBOOKS"):
        notebook_folder("sample-graph", root=mine)
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_notebook_folder_fresh_empties_only_its_own_subfolder(tmp_path: Path) -> None:
    root = tmp_path / "paperkg-notebooks"
    sample = notebook_folder("sample-graph", root=root)
    (sample / "graph.json").write_text("{}", encoding="utf-8")
    own = notebook_folder("your-own-papers", root=root)
    (own / "old.txt").write_text("x", encoding="utf-8")
    assert list(notebook_folder("your-own-papers", fresh=True, root=root).iterdir()) == []
    assert (sample / "graph.json").exists() and (root / MARKER).exists()


def test_notebooks_use_only_their_folder_and_the_public_api() -> None:
    """No notebook names a path outside its folder (paperkg-out, my-graph at the top) or deletes one."""
    for path in NOTEBOOKS:
        code = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
        assert "rmtree" not in code and "PAPERKG_OUT" not in code, path.name
        assert "api.notebook_folder(" in code, path.name
