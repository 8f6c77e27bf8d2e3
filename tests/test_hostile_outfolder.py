"""The output folder under concurrent runs and kills: one writer, whole files, one build, no stale temps.

Writers run in real subprocesses (the lock is an OS lock between processes); the reader polls the
folder's files while a writer rewrites them, and every read must be one complete version of the file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from build_fixtures import build
from click.testing import CliRunner

from graph import api, schema
from graph.analysis import analyze
from graph.cli import cli
from graph.errors import NotFoundError, WorkspaceError
from graph.outfolder import MANIFEST_FILE, check_outputs, manifest, writer_lock
from graph.pipeline import write_outputs
from loaders.atomicio import is_temp_name

ROOT = Path(__file__).resolve().parents[1]

HOLD = """
import sys, time
from graph.outfolder import writer_lock
with writer_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""

#: Rewrites the folder ``rounds`` times under the lock, alternating the full test corpus and a smaller one,
#: and prints, after each round, the SHA-256 of every complete file it wrote (one JSON object a line).
REWRITE = """
import json, sys
sys.path.insert(0, "tests")
from test_hostile_outfolder import digests, write_version
from graph.outfolder import writer_lock
out, rounds = sys.argv[1], int(sys.argv[2])
print("started", flush=True)
for i in range(rounds):
    with writer_lock(out, wait=True):
        write_version(out, i % 2)
        print(json.dumps(digests(out)), flush=True)
"""


def digests(out: str | Path) -> dict[str, str]:
    """SHA-256 of every file in ``out`` but the lock file, by relative path."""
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(Path(out).rglob("*"))
        if p.is_file() and p.name != ".paperkg.lock"
    }


def write_version(out: str | Path, version: int) -> list[Path]:
    """Version 0: the whole test corpus; version 1: without its vision-language papers."""
    G = build()
    if version:
        G.remove_nodes_from([n for n, d in G.nodes(data=True) if "Vision" in str(d.get("title"))])
    return write_outputs(G, analyze(G), Path(out))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """Both versions, each exported once into its own folder (tests copy them)."""
    folders = {}
    for version in (0, 1):
        folders[version] = tmp_path_factory.mktemp(f"version{version}")
        with writer_lock(folders[version]):
            write_version(folders[version], version)
    return folders


def copy_of(folder: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(folder, tmp_path / folder.name))


def hold(out: Path, seconds: float) -> subprocess.Popen[str]:
    """A process holding ``out``'s writer lock for ``seconds`` (returned once it holds it)."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out), str(seconds)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_writer_is_refused_at_once_with_the_first_ones_pid(tmp_path: Path) -> None:
    holder = hold(tmp_path, 30)
    try:
        started = time.monotonic()
        with pytest.raises(WorkspaceError) as refused, writer_lock(tmp_path):
            pass
        assert time.monotonic() - started < 3
        assert f"another paperkg run (pid {holder.pid}, started " in str(refused.value)
        assert str(refused.value).endswith("is writing this folder; wait for it to finish, or rerun with --wait")
    finally:
        holder.kill()
        holder.wait()


def test_cli_build_is_refused_in_one_line_while_another_run_writes(tmp_path: Path) -> None:
    holder = hold(tmp_path, 30)
    try:
        result = CliRunner().invoke(cli, ["build", "--out", str(tmp_path)])
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 1
    assert result.output.startswith(f"Error: {tmp_path}: another paperkg run (pid {holder.pid}")
    assert len(result.output.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == [".paperkg.lock"]  # nothing else was touched


def test_wait_waits_for_the_other_writer_and_says_so(tmp_path: Path) -> None:
    holder = hold(tmp_path, 1.5)
    lines: list[str] = []
    started = time.monotonic()
    with writer_lock(tmp_path, wait=True, notify=lines.append):
        waited = time.monotonic() - started
    holder.wait()
    assert waited > 1.0  # until the first writer let go, 1.5 s after taking the lock
    assert lines == [f"waiting for the paperkg run (pid {holder.pid}, {lines[0].split(', ', 1)[1]}"]
    assert f"that is writing {tmp_path} ..." in lines[0]


def test_a_killed_writer_leaves_no_lock_and_its_temp_files_are_removed_by_the_next(tmp_path: Path) -> None:
    holder = hold(tmp_path, 30)
    (tmp_path / "neo4j").mkdir()
    stale = [tmp_path / ".graph.html.k2j4_x9q.tmp", tmp_path / "neo4j" / ".nodes_Paper.csv.0abc_d9z.tmp"]
    for path in stale:
        path.write_text("half a file")
    kept = [tmp_path / "notes.tmp", tmp_path / ".mine.tmp", tmp_path / "graph.json"]
    for path in kept:
        path.write_text("the user's")
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    started = time.monotonic()
    with writer_lock(tmp_path):
        assert time.monotonic() - started < 1
        assert [p for p in stale if p.exists()] == []
        assert all(p.exists() for p in kept)


def test_the_manifest_records_one_build_and_readers_check_it(built: dict[int, Path], tmp_path: Path) -> None:
    with writer_lock(tmp_path):
        files = write_version(tmp_path, 0)
    record = manifest(tmp_path)
    assert record is not None and record["state"] == "complete"
    listed = set(record["files"])
    assert {"graph.json", "papers.csv", "report.md", "report.html", "graph.html", "neo4j/nodes_Paper.csv"} <= listed
    assert listed == {p.relative_to(tmp_path).as_posix() for p in files if p.name != MANIFEST_FILE}
    assert check_outputs(tmp_path) == record["build_id"]
    assert (built[0] / MANIFEST_FILE).read_bytes() == (tmp_path / MANIFEST_FILE).read_bytes()  # same graph, same id
    assert api.load_graph(tmp_path).number_of_nodes() > 0


def test_a_folder_mixing_two_builds_is_refused_with_what_to_do(built: dict[int, Path], tmp_path: Path) -> None:
    out, other = copy_of(built[0], tmp_path), copy_of(built[1], tmp_path)
    (out / "graph.json").write_bytes((other / "graph.json").read_bytes())
    with pytest.raises(WorkspaceError, match=r"graph\.json: changed since build [0-9a-f]{16} wrote it .* mixes builds"):
        api.load_graph(out)
    (other / "papers.csv").write_text("id\n")
    with pytest.raises(WorkspaceError, match=r"papers\.csv: changed since build"):
        check_outputs(other)


def test_an_interrupted_export_is_named_and_a_running_one_too(built: dict[int, Path], tmp_path: Path) -> None:
    tmp_path = copy_of(built[0], tmp_path)
    (tmp_path / MANIFEST_FILE).write_text(json.dumps({"state": "writing"}))  # what a kill mid-export leaves
    with pytest.raises(WorkspaceError, match=r"the last run stopped while writing its outputs .* rerun `paperkg build"):
        api.load_graph(tmp_path)
    holder = hold(tmp_path, 30)
    try:
        with pytest.raises(WorkspaceError, match=r"a paperkg run is writing this folder now; try again when"):
            api.load_graph(tmp_path)
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.slow  # about 10 s: three full exports while the reader polls
def test_a_reader_polling_during_rewrites_never_sees_half_a_file(tmp_path: Path) -> None:
    with writer_lock(tmp_path):
        write_version(tmp_path, 1)
    complete = {name: {digest} for name, digest in digests(tmp_path).items()}
    complete[MANIFEST_FILE].add(hashlib.sha256(b'{"state": "writing"}\n').hexdigest())  # while exporting
    writer = subprocess.Popen(
        [sys.executable, "-c", REWRITE, str(tmp_path), "3"], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None and writer.stdout.readline().strip() == "started"
    seen: dict[str, set[str]] = {name: set() for name in complete}
    while writer.poll() is None:
        for name in complete:
            seen[name].add(hashlib.sha256((tmp_path / name).read_bytes()).hexdigest())
    rounds = [json.loads(line) for line in writer.stdout]
    assert writer.wait() == 0 and len(rounds) == 3
    for written in rounds:
        for name, digest in written.items():
            complete[name].add(digest)
    assert sum(len(s) for s in seen.values()) > len(seen)  # the reader saw files change
    assert {name: seen[name] - complete[name] for name in seen} == {name: set() for name in seen}
    assert [p.name for p in tmp_path.rglob("*") if is_temp_name(p.name)] == []
    assert check_outputs(tmp_path) == manifest(tmp_path)["build_id"]  # type: ignore[index]


def listing(path: Path, titles: list[str]) -> Path:
    """A JSONL listing of papers with these titles (each with a short abstract of its own)."""
    rows = [{"title": t, "abstract": f"We study {t.lower()} with rectified flow and distillation."} for t in titles]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def start_build(listing_path: Path, out: Path, *options: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "graph", "--quiet", "build", str(listing_path), "--out", str(out), *options]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


@pytest.mark.slow  # two real builds (the model)
@pytest.mark.parametrize("wait", [False, True])
def test_two_builds_started_together_are_serialised_or_refused(tmp_path: Path, wait: bool) -> None:
    inputs = {
        "a": listing(tmp_path / "a.jsonl", ["Alpha Flows", "Alpha Distillation", "Alpha Models"]),
        "b": listing(tmp_path / "b.jsonl", ["Beta One", "Beta Two", "Beta Three", "Beta Four"]),
    }
    out = tmp_path / "out"
    runs = {name: start_build(path, out, *(["--wait"] if wait else [])) for name, path in inputs.items()}
    results = {name: (run.wait(timeout=900), *run.communicate()) for name, run in runs.items()}
    refused = [name for name, (code, _, _) in results.items() if code != 0]
    for name in refused:
        code, _, err = results[name]
        assert code == 1 and "another paperkg run (pid " in err and "--wait" in err, err
        assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert len(refused) == (0 if wait else 1)  # both start at once: the later one finds the lock held
    titles = {d["title"] for _, d in api.load_graph(out).nodes(data=True) if d["kind"] == schema.PAPER}
    assert titles in (
        {"Alpha Flows", "Alpha Distillation", "Alpha Models"},
        {"Beta One", "Beta Two", "Beta Three", "Beta Four"},
    )
    assert check_outputs(out) is not None
    assert api.info(out)["papers"] == len(titles)


def test_a_view_page_is_written_under_the_lock_and_recorded_in_the_manifest(
    built: dict[int, Path], tmp_path: Path
) -> None:
    tmp_path = copy_of(built[0], tmp_path)
    build_id = check_outputs(tmp_path)
    page = api.view(tmp_path, technique_map=True)
    record = manifest(tmp_path)
    assert record is not None and page.name in record["files"]
    assert check_outputs(tmp_path) == build_id  # the graph is the same build; every file matches
    holder = hold(tmp_path, 30)
    try:
        with pytest.raises(WorkspaceError, match=r"another paperkg run"):
            api.neo4j_bulk(tmp_path)  # a rewrite of the bulk files is a writer too
    finally:
        holder.kill()
        holder.wait()


def test_an_output_path_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    taken = tmp_path / "report.pdf"
    taken.write_text("not a folder")
    with pytest.raises(WorkspaceError, match=r"report\.pdf: cannot write here: File exists"):
        api.build([], taken)
    assert taken.read_text() == "not a folder"


def test_a_failed_view_leaves_the_manifest_as_it_was(built: dict[int, Path], tmp_path: Path) -> None:
    out = copy_of(built[0], tmp_path)
    before = (out / MANIFEST_FILE).read_bytes()
    with pytest.raises(NotFoundError):
        api.view(out, community=99)
    assert (out / MANIFEST_FILE).read_bytes() == before
    assert api.load_graph(out).number_of_nodes() > 0
