"""`paperkg concepts` input/output: JSON Lines in, ranked keyphrases out; bad input names line and field."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from graph.concepts.extractors import KeyphraseOptions
from graph.concepts.jsonl import read_documents, write_keyphrases
from graph.errors import InputError


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "docs.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('{"id": "a", "title": "T"', r"docs.jsonl:2: not valid JSON"),
        ('["a", "T", "A"]', r"docs.jsonl:2: expected a JSON object, got list"),
        ('{"id": "b", "abstract": "A"}', r"docs.jsonl:2: field 'title': is missing"),
        ('{"id": "b", "title": "T", "abstract": 3}', r"docs.jsonl:2: field 'abstract': must be a string, got int"),
        ('{"id": "", "title": "T", "abstract": "A"}', r"docs.jsonl:2: field 'id': must be a non-empty"),
        ('{"id": "a", "title": "T", "abstract": "A"}', r"docs.jsonl:2: field 'id': id 'a' already used on line 1"),
    ],
)
def test_bad_lines_are_reported_with_file_line_and_field(tmp_path: Path, line: str, message: str) -> None:
    path = write(tmp_path, '{"id": "a", "title": "T", "abstract": "A"}', line)
    with pytest.raises(InputError, match=message):
        read_documents(path)


def test_a_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="cannot read"):
        read_documents(tmp_path / "nope.jsonl")


def test_blank_lines_are_skipped_and_ids_become_strings(tmp_path: Path) -> None:
    path = write(tmp_path, '{"id": 1, "title": "T", "abstract": "A"}', "", '{"id": "x", "title": "", "abstract": "B"}')
    assert read_documents(path) == [("1", "T", "A"), ("x", "", "B")]


@pytest.mark.slow
def test_keyphrases_are_written_one_line_per_document_in_input_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        json.dumps({"id": "d2", "title": "Rectified flow", "abstract": "Rectified flows enable one-step sampling."}),
        json.dumps({"id": "d1", "title": "Graph neural networks", "abstract": "Message passing on graphs."}),
    )
    out = io.StringIO()
    assert write_keyphrases(path, out, KeyphraseOptions(top=3, device="cpu", batch_size=8)) == 2
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [row["id"] for row in rows] == ["d2", "d1"]
    assert rows[0]["keyphrases"][0].lower().startswith("rectified flow")
    assert all(1 <= len(row["keyphrases"]) <= 3 for row in rows)


def test_the_cli_reports_bad_input_without_a_traceback(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from graph.cli import cli

    path = write(tmp_path, '{"id": "a", "abstract": "A"}')
    result = CliRunner().invoke(cli, ["concepts", str(path), "--top", "3"])
    assert result.exit_code == 1
    assert "docs.jsonl:1: field 'title': is missing" in result.output
    assert "Traceback" not in result.output
