"""Every JSON loader reads its records through one loop (loaders.result.read_records / jsonio.read_json_objects):
a record that is not an object, or has a wrong-typed field, is skipped with file, line and reason, and the
records after it are still read."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from loaders import csl_json, hf_papers, openalex, semantic_scholar, tabular
from loaders.result import LoadResult

PARSERS: dict[str, Callable[[str, str], LoadResult]] = {
    "csl_json": csl_json.parse_json,
    "openalex": openalex.parse_json,
    "hf_api": hf_papers.parse_api,
    "semantic_scholar": semantic_scholar.parse_json,
    "tabular": tabular.parse_json,
}
TEXT = '[\n  {"title": ["not", "text"]},\n  {"title": "Rectified flow"}\n]'


@pytest.mark.parametrize("name", PARSERS)
def test_a_bad_record_is_skipped_with_its_line_and_the_next_is_read(name: str) -> None:
    result = PARSERS[name](TEXT, "in.json")
    assert [p.title for p in result.papers] == ["Rectified flow"]
    assert [(s.file, s.line, s.field) for s in result.skipped] == [("in.json", 2, "title")]


@pytest.mark.parametrize("name", ["csl_json", "openalex", "hf_api", "semantic_scholar"])
def test_an_item_that_is_not_an_object_is_named_as_such(name: str) -> None:
    result = PARSERS[name]('[\n  7,\n  {"title": "Rectified flow"}\n]', "in.json")
    assert [p.title for p in result.papers] == ["Rectified flow"]
    assert [(s.line, s.reason) for s in result.skipped] == [(2, "item is not a JSON object")]
