"""`paperkg add` reports what `paperkg build` reports for the same records: a record kept apart from a
stored paper for conflicting ids is a warning naming both, a record merged into a stored paper is a
"merged into others" count (and a `merged:` line with --verbose)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.store import Workspace
from loaders.detect import load_paths
from loaders.result import LoadResult

# A user's files: A holds two conference papers; B the journal version of one under another DOI; C the arXiv
# preprint of the other (same title and authors, no DOI).
A_BIB = """@inproceedings{song2023,
  title = {Consistency Models},
  author = {Song, Yang and Dhariwal, Prafulla and Chen, Mark and Sutskever, Ilya},
  year = {2023},
  doi = {10.5555/3618408.3619743},
  abstract = {We propose consistency models, which map any point on a probability flow trajectory to its
    origin and generate high quality samples in a single step, supporting consistency distillation.}
}

@inproceedings{salimans2022,
  title = {Progressive Distillation for Fast Sampling of Diffusion Models},
  author = {Salimans, Tim and Ho, Jonathan},
  year = {2022},
  doi = {10.5555/iclr.2022.00512},
  abstract = {We distill a trained deterministic diffusion sampler into a new model that takes half as many
    sampling steps, and repeat the progressive distillation procedure until the sampler needs four steps.}
}
"""
B_BIB = """@article{song2024,
  title = {Consistency models},
  author = {Song, Yang},
  year = {2024},
  doi = {10.9999/jgm.2024.17},
  abstract = {An extended study of consistency models for one-step generation with consistency training.}
}
"""
C_CSV = """title,authors,year,arxiv_id,abstract
Progressive Distillation for Fast Sampling of Diffusion Models,Tim Salimans; Jonathan Ho,2022,2202.00512,"We \
distill a trained sampler into a model that takes half as many steps, repeatedly."
"""

WARNING = (
    "{b}:1: kept apart from doi:10.5555/3618408.3619743 'Consistency Models' ({a}:1): "
    "same title but different doi ids (10.5555/3618408.3619743 and 10.9999/jgm.2024.17)"
)
MERGE = (
    "{c}:2 merged into doi:10.5555/iclr.2022.00512 'Progressive Distillation for Fast Sampling of Diffusion M...' "
    "({a}:10) (same title)"
)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"a": tmp_path / "a.bib", "b": tmp_path / "b.bib", "c": tmp_path / "c.csv"}
    for key, text in (("a", A_BIB), ("b", B_BIB), ("c", C_CSV)):
        paths[key].write_text(text, encoding="utf-8")
    return paths


def add(out: Path, *paths: Path) -> LoadResult:
    """What `paperkg add` does before extraction: load, ingest into the workspace, account for the records."""
    loaded = load_paths(paths)
    with Workspace.open(out) as ws:
        ws.ingest(loaded.papers).report_into(loaded)
    return loaded


def test_add_reports_the_conflict_and_the_merge_as_a_build_of_all_files_does(files, tmp_path):
    out = tmp_path / "graph"
    with Workspace.open(out) as ws:
        ws.replace_corpus(load_paths([files["a"]]).papers)  # paperkg build a.bib
    added_b, added_c = add(out, files["b"]), add(out, files["c"])
    built = load_paths([files["a"], files["b"], files["c"]])  # paperkg build a.bib b.bib c.csv

    names = {key: str(path) for key, path in files.items()}
    assert added_b.warnings == built.warnings == [WARNING.format(**names)]
    assert added_c.merges == built.merges == [MERGE.format(**names)]
    assert [str(r) for r in [*added_b.files, *added_c.files]] == [str(r) for r in built.files[1:]]
    assert str(added_c.files[0]).endswith(": 1 records: 0 papers, 1 merged into others, 0 skipped")
    with Workspace.open(out, readonly=True) as ws:
        assert [p.to_dict() for p in ws.papers()] == [p.to_dict() for p in built.papers]


def test_conflicts_among_added_records_are_reported_once(files, tmp_path):
    """Two records of one added file that conflict with each other were reported when the file was read;
    the ingest adds only what concerns stored papers."""
    out = tmp_path / "graph"
    with Workspace.open(out) as ws:
        ws.replace_corpus(load_paths([files["a"]]).papers)
    twice = tmp_path / "twice.bib"
    twice.write_text(B_BIB + B_BIB.replace("song2024", "song2025").replace("10.9999/jgm.2024.17", "10.9999/x.25"))
    added = add(out, twice)
    built = load_paths([files["a"], twice])
    # b1 vs a, b2 vs a, b2 vs b1 (the add lists the file's own conflicts first, then those with stored papers)
    assert sorted(added.warnings) == sorted(built.warnings) and len(set(added.warnings)) == 3


def test_adding_the_same_file_again_accounts_every_record_as_merged(files, tmp_path):
    out = tmp_path / "graph"
    add(out, files["a"])
    again = add(out, files["a"])
    assert str(again.files[0]).endswith(": 2 records: 0 papers, 2 merged into others, 0 skipped")
    assert len(again.merges) == 2 and again.warnings == []


@pytest.mark.slow
def test_user_builds_then_adds_a_conflicting_record_and_a_preprint(files, tmp_path, monkeypatch):
    """The commands as a user types them (the real model extracts the concepts of the three papers)."""
    monkeypatch.chdir(tmp_path)
    names = {key: path.name for key, path in files.items()}
    runner = CliRunner()
    built = runner.invoke(cli, ["build", "a.bib", "--out", "g"])
    assert built.exit_code == 0, built.output
    added = runner.invoke(cli, ["add", "b.bib", "--out", "g"])
    assert added.exit_code == 0, added.output
    assert f"warning: {WARNING.format(**names)}" in added.output.splitlines()
    assert "read b.bib (bibtex): 1 records: 1 papers, 0 merged into others, 0 skipped" in added.output
    preprint = runner.invoke(cli, ["add", "c.csv", "--out", "g", "--verbose"])
    assert preprint.exit_code == 0, preprint.output
    lines = preprint.output.splitlines()
    assert f"merged: {MERGE.format(**names)}" in lines
    assert "read c.csv (csv): 1 records: 0 papers, 1 merged into others, 0 skipped" in lines
    assert any(line.startswith("added: 0 new, 1 merged, 0 unchanged; 3 papers in the graph") for line in lines)
