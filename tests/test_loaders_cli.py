"""`paperkg build/add` on real exports: folders, --format, a line per input file, --verbose, skipped.jsonl."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def test_an_unreadable_file_stops_the_build_but_every_other_file_is_reported(tmp_path: Path) -> None:
    cut = tmp_path / "cut.json"
    cut.write_text('[{"title": "A"', encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(EXPORTS / "zotero.csv"), str(cut), "--out", str(tmp_path / "g")])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert f"{cut}:1: invalid JSON (truncated file?)" in result.output
    assert f"{EXPORTS / 'zotero.csv'} (csv): 3 records: 3 papers, 0 merged into others, 0 skipped" in result.output
    assert not (tmp_path / "g" / "paperkg.sqlite").exists()


def test_format_option_names_the_known_formats(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(EXPORTS / "zotero.csv"), "--format", "yaml", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "'yaml' is not one of 'hf-listing', 'hf-api', 'arxiv'" in result.output


@pytest.mark.slow
def test_build_of_a_folder_accounts_for_every_record_and_keeps_the_skips(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    for name in ("zotero.csv", "zotero.ris", "s2_wrong_types.json", "s2_search_empty.json", "mendeley.bib"):
        shutil.copyfile(EXPORTS / name, folder / name)
    (folder / ".DS_Store").write_bytes(b"\x00\x01binary")
    out = tmp_path / "graph"
    result = CliRunner().invoke(cli, ["--quiet", "build", str(folder), "--out", str(out), "--verbose"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    reports = [line for line in lines if line.startswith("read ")]
    assert reports == []  # --quiet prints results and errors only: warnings, no per-file lines
    result = CliRunner().invoke(cli, ["build", str(folder), "--out", str(out), "--verbose"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line.split(": ", 1)[1] for line in lines if line.startswith("read ")] == [
        "8 records: 8 papers, 0 merged into others, 0 skipped",  # mendeley.bib
        "0 records: 0 papers, 0 merged into others, 0 skipped",  # s2_search_empty.json
        "4 records: 1 papers, 0 merged into others, 3 skipped",  # s2_wrong_types.json
        "3 records: 3 papers, 0 merged into others, 0 skipped",  # zotero.csv
        "3 records: 0 papers, 2 merged into others, 1 skipped",  # zotero.ris
    ]
    assert sum(line.startswith("merged: ") for line in lines) == 2
    assert "built: " in result.output and " 12 papers in the graph" in result.output
    skipped = [json.loads(line) for line in (out / "skipped.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(Path(s["file"]).name, s["line"], s["field"]) for s in skipped] == [
        ("s2_wrong_types.json", 2, "externalIds"),
        ("s2_wrong_types.json", 3, "abstract"),
        ("s2_wrong_types.json", 4, "authors"),
        ("zotero.ris", 22, "TI"),
    ]
