"""The README stays true: its commands run, its example files load, its shown output is real, and it documents
every command and option of the CLI.

How the README is read (top to bottom, one temporary working folder):

* a fenced block whose preceding paragraph starts with **`PATH`** (optionally ``(format)``) is a file: it is
  written to ``PATH``; with a format, :func:`loaders.detect.detect_format` must say that format;
* every line of a ``bash`` block is a command, run with ``bash -c`` in that folder, in order, unless it matches
  one of :data:`SKIPPED` (set-up lines, commands that need a Neo4j server, Docker or the network; each with
  its reason); every other command must exit 0;
* an unnamed ``text`` block is output: the paragraph before it names the command (```paperkg explain```), and
  its lines (``…`` standing for any text, whitespace runs compared as one space) must appear, in order, in the
  output of the last run of that command;
* the ``python`` block runs as a script after the commands.

The README's ``paperkg build`` rebuilds the bundled sample over a copy of the workspace of the session's
``sample_build`` (conftest.py, the same command): same inputs, so the cached extractions are reused and the check
does not pay for a second full concept extraction (tests/test_cli_e2e.py checks that such a rebuild is
byte-identical).

Where commands and options must be documented (the decision this file enforces): every command of the click
tree of :data:`graph.cli.cli` has a row in the README's "Command reference" table that names all its options
(and links the docs/*.md page with the details where there is one); the global options are named in the README
too. Every option must also show in the command's ``--help``. Every docs/*.md page is linked from the README,
and every local link resolves.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from graph.cli import cli

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
COMMAND_TIMEOUT_S = 900

#: Commands shown in the README that are not run, and why. Each rule must match at least one command.
SKIPPED: list[tuple[str, str]] = [
    (r"pip install ", "set-up: installs packages (the CI runs the test line itself)"),
    (r"(PAPERKG_OUT=\S+ )?docker compose ", "needs a Docker engine (and starts or uses a Neo4j server)"),
    (r"paperkg neo4j load\b", "needs a running Neo4j server"),
    (r"paperkg query (--preset|\"|')", "needs a running Neo4j server"),
    (r"paperkg analyze ", "needs a running Neo4j server with Graph Data Science"),
    (r"paperkg fetch ", "needs the network"),
]

FENCE = re.compile(r"^```([\w-]*)\n(.*?)^```\s*$", re.M | re.S)
CAPTION = re.compile(r"^\*\*`(?P<path>[^`]+)`\*\*(?: \((?P<fmt>[a-z-]+)\))?")


@dataclass
class Block:
    lang: str
    body: str
    before: str  # the paragraph just before the block
    path: str | None = None
    fmt: str | None = None


@dataclass
class Run:
    command: str
    returncode: int
    stdout: str
    stderr: str
    seconds: float


@dataclass
class Tour:
    cwd: Path
    runs: list[Run] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    outputs: list[tuple[Block, Run | None]] = field(default_factory=list)
    files: list[Block] = field(default_factory=list)
    python: list[Run] = field(default_factory=list)


def readme_blocks(text: str) -> list[Block]:
    """The fenced blocks of the README, with the paragraph before each and, for files, their path/format."""
    blocks = []
    for match in FENCE.finditer(text):
        paragraph = text[: match.start()].rstrip("\n").split("\n\n")[-1].strip()
        caption = CAPTION.match(paragraph)
        blocks.append(
            Block(
                lang=match.group(1),
                body=match.group(2),
                before=paragraph,
                path=caption.group("path") if caption else None,
                fmt=caption.group("fmt") if caption else None,
            )
        )
    return blocks


def commands(block: Block) -> list[str]:
    """The command lines of a bash block (backslash continuations joined)."""
    return [line for line in block.body.replace("\\\n", " ").splitlines() if line.strip()]


def skip_reason(command: str) -> str | None:
    return next((reason for pattern, reason in SKIPPED if re.match(pattern, command)), None)


def environment() -> dict[str, str]:
    env = dict(os.environ)
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    env.pop("PAPERKG_TECHNIQUES", None)
    return env


def run(command: list[str], cwd: Path, label: str) -> Run:
    start = time.perf_counter()
    done = subprocess.run(
        command, cwd=cwd, env=environment(), capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S
    )
    return Run(label, done.returncode, done.stdout, done.stderr, round(time.perf_counter() - start, 1))


@pytest.fixture(scope="module")
def tour(sample_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Tour:
    """Everything the README shows, run in order in an empty folder (see the module docstring)."""
    cwd = tmp_path_factory.mktemp("readme")
    (cwd / "paperkg-out").mkdir()
    shutil.copy(sample_build / "paperkg.sqlite", cwd / "paperkg-out" / "paperkg.sqlite")
    result = Tour(cwd)
    for block in readme_blocks(README.read_text(encoding="utf-8")):
        if block.path:
            target = cwd / block.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(block.body, encoding="utf-8")
            result.files.append(block)
        elif block.lang == "bash":
            for command in commands(block):
                reason = skip_reason(command)
                if reason:
                    result.skipped.append((command, reason))
                else:
                    result.runs.append(run(["bash", "-c", command], cwd, command))
        elif block.lang == "text":
            named = re.findall(r"`(paperkg [\w-]+)", block.before)
            assert named, f"output block without a `paperkg COMMAND` before it: {block.body[:80]!r}"
            last = [r for r in result.runs if r.command.startswith(named[-1])]
            result.outputs.append((block, last[-1] if last else None))
        elif block.lang == "python":
            script = cwd / f"readme-{len(result.python)}.py"
            script.write_text(block.body, encoding="utf-8")
            result.python.append(run([sys.executable, str(script)], cwd, f"python block {len(result.python)}"))
    return result


def matches(shown: str, real: str) -> bool:
    """Whether the README's ``shown`` lines appear in order among ``real``'s lines (``…`` = any text)."""
    lines = [" ".join(line.split()) for line in real.splitlines()]
    position = 0
    for want in (" ".join(line.split()) for line in shown.splitlines() if line.strip()):
        pattern = re.compile(".*?".join(re.escape(part) for part in want.split("…")))
        while position < len(lines) and not pattern.fullmatch(lines[position]):
            position += 1
        if position == len(lines):
            return False
        position += 1
    return True


# --- the commands and files -----------------------------------------------------------------------------


@pytest.mark.slow
def test_every_shown_command_runs(tour: Tour) -> None:
    assert len(tour.runs) >= 10
    failed = [f"$ {r.command}\n(exit {r.returncode})\n{r.stderr[-1500:]}" for r in tour.runs if r.returncode != 0]
    assert not failed, "\n\n".join(failed)


@pytest.mark.slow
def test_only_set_up_server_and_network_commands_are_skipped(tour: Tour) -> None:
    """Each skip rule is in use (no stale rule), and nothing else is skipped."""
    for pattern, reason in SKIPPED:
        assert any(re.match(pattern, command) for command, _ in tour.skipped), f"unused skip rule {pattern!r}"
        assert reason


@pytest.mark.slow
def test_the_tour_covers_build_explain_view_top_query(tour: Tour) -> None:
    ran = " | ".join(r.command for r in tour.runs)
    for name in ("paperkg build", "paperkg explain", "paperkg view", "paperkg top", "paperkg query --list"):
        assert name in ran


@pytest.mark.slow
def test_example_files_are_read_as_their_format(tour: Tour) -> None:
    from loaders.detect import detect_format, load_path

    formats = {block.fmt for block in tour.files if block.fmt}
    expected = {"hf-listing", "hf-api", "arxiv", "semantic-scholar", "openalex", "bibtex", "csv", "json", "jsonl"}
    assert formats == expected
    for block in tour.files:
        if block.fmt:
            path = tour.cwd / str(block.path)
            assert detect_format(path) == block.fmt, block.path
            loaded = load_path(path)
            assert loaded.papers and all(p.title for p in loaded.papers), block.path
            assert not loaded.warnings, loaded.warnings


@pytest.mark.slow
def test_shown_output_is_real(tour: Tour) -> None:
    assert len(tour.outputs) >= 2
    for block, last in tour.outputs:
        assert last is not None, f"no command ran before the output block {block.body[:60]!r}"
        assert matches(block.body, last.stdout), (
            f"README shows\n{block.body}\nbut `{last.command}` printed\n{last.stdout}"
        )


def test_matches_is_strict() -> None:
    real = 'a "x" and "y"\n- are directly related (weight 13.1) through: R, O\n- neither cites'
    assert matches("- are directly related (weight …) through: R, O\n- neither cites", real)
    assert not matches("- are directly related (weight …) through: R, X", real)
    assert not matches("- neither cites\n- are directly related (weight …) through: R, O", real)


@pytest.mark.slow
def test_python_block_runs(tour: Tour) -> None:
    assert tour.python, "the README shows no Python block"
    for result in tour.python:
        assert result.returncode == 0, result.stderr[-2000:]


@pytest.mark.slow
def test_graph_json_loads_exactly_as_the_readme_says(tour: Tour) -> None:
    """The README's networkx-only snippet reads graph.json into the same graph paperkg loads."""
    from graph import api

    runs = [r for r in tour.python if r.stdout.startswith("graph.json:")]
    assert len(runs) == 1 and runs[0].returncode == 0, [r.stderr[-1000:] for r in tour.python]
    # the snippet comes right after the tour's `paperkg build` (later Python blocks rebuild the folder)
    build = next(r for r in tour.runs if r.command.startswith("paperkg build") and "--out" not in r.command)
    counts = re.search(r"\((\d+) nodes, (\d+) edges", build.stdout)
    assert counts, build.stdout
    shown = re.fullmatch(r"graph.json: (\d+) nodes, (\d+) edges, (\d+) CITES", runs[0].stdout.strip())
    assert shown and shown.groups()[:2] == counts.groups(), (runs[0].stdout, build.stdout)
    assert int(shown.group(3)) > 0 and "Warning" not in runs[0].stderr
    assert api.load_graph(tour.cwd / "paperkg-out").is_multigraph()


@pytest.mark.slow
def test_output_folder_table_lists_what_a_build_writes(tour: Tour) -> None:
    text = README.read_text(encoding="utf-8")
    section = text.split("## The output folder", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    documented = {name.rstrip("/") for row in rows for name in re.findall(r"`([^`]+)`", row.split("|")[1])}
    written = {p.name for p in (tour.cwd / "paperkg-out").iterdir() if not p.name.startswith("view-")}
    assert documented == written
    bulk = {p.name for p in (tour.cwd / "paperkg-out" / "neo4j").iterdir()}
    assert {"schema.cypher", "README.md"} <= bulk  # the neo4j/ row names these and the nodes_/rels_ CSVs
    assert all(re.fullmatch(r"(nodes|rels)_\w+\.csv", n) for n in bulk - {"schema.cypher", "README.md"})


# --- commands and options documented --------------------------------------------------------------------


def command_tree(group: click.Group = cli, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command below ``group`` with its path (groups included), sorted."""
    found = []
    for name, command in sorted(group.commands.items()):
        found.append(((*path, name), command))
        if isinstance(command, click.Group):
            found += command_tree(command, (*path, name))
    return found


def options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option) and not p.hidden and p.name != "help"]


def reference_rows() -> dict[str, str]:
    """Command path -> its row in the README's "Command reference" table."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Command reference", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        found = re.match(r"\| `paperkg ((?:[a-z0-9][a-z0-9-]* ?)+)", line)
        if found:
            rows[found.group(1).strip()] = line
    return rows


def names_option(text: str, option: click.Option) -> bool:
    return any(re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", text) for o in option.opts + option.secondary_opts)


def test_every_command_and_option_is_in_help() -> None:
    runner = CliRunner()
    for path, command in [((), cli), *command_tree()]:
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, (path, result.output)
        assert (command.help or "").strip(), f"paperkg {' '.join(path)} has no help text"
        for option in options(command):
            assert names_option(result.output, option), f"{option.opts} missing from paperkg {' '.join(path)} --help"
        if isinstance(command, click.Group):
            for name in command.commands:
                assert name in result.output


def test_every_command_and_option_is_in_the_readme() -> None:
    rows = reference_rows()
    leaves = {" ".join(path): command for path, command in command_tree() if not isinstance(command, click.Group)}
    assert set(rows) == set(leaves), "the Command reference table must have one row per command"
    for name, command in leaves.items():
        missing = [o.opts for o in options(command) if not names_option(rows[name], o)]
        assert not missing, f"paperkg {name}: options {missing} are not in its README row"
    text = README.read_text(encoding="utf-8")
    for option in options(cli):
        assert names_option(text, option), f"global option {option.opts} is not in the README"


def test_docs_are_linked_and_links_resolve() -> None:
    text = README.read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)\s#]+)(?:#[^)]*)?\)", text)
    local = [link for link in links if not re.match(r"[a-z]+://", link)]
    assert [link for link in local if not (ROOT / link).exists()] == []
    docs = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")}
    assert docs - set(local) == set(), "docs pages the README does not link"
    assert (ROOT / "docs" / "overview.png").stat().st_size > 20_000


def test_readme_keeps_the_ci_command() -> None:
    """`.ci/run` greps this line out of the README and runs it."""
    lines = README.read_text(encoding="utf-8").splitlines()
    assert 'pip install torch==2.13.0 && pip install -e ".[test]" && python -m pytest' in lines


def test_bulk_import_command_is_the_one_paperkg_writes() -> None:
    """The README's neo4j-admin command is the one neo4j/README.md gets (same files, same flags)."""
    from graph.export.graphdb.bulk import import_command

    shown = [c for b in readme_blocks(README.read_text(encoding="utf-8")) if b.lang == "bash" for c in commands(b)]
    wanted = " ".join(("docker compose run --rm neo4j " + import_command("/import/")).replace("\\\n", " ").split())
    assert wanted in [" ".join(c.split()) for c in shown]
