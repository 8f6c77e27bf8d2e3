"""Hostile and oversized input (issue 17, items 5-7): no traceback, a located message, bounded time."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from loaders.detect import detect_format, load_path, load_paths
from loaders.errors import InputError

ENTRY = (
    "<entry><id>http://arxiv.org/abs/2407.{n:05d}v1</id><published>2024-07-17T00:00:00Z</published>"
    "<title>Paper number {n}</title><summary>{words}</summary><author><name>Ada Lovelace</name></author></entry>"
)


def test_an_arxiv_feed_minified_on_one_line_over_64_kb_is_read(tmp_path: Path) -> None:
    entries = "".join(ENTRY.format(n=n, words="word " * 100) for n in range(150))
    feed = f'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">{entries}</feed>'
    path = tmp_path / "query.xml"
    path.write_text(feed, encoding="utf-8")
    assert len(feed) > 65536 and "\n" not in feed
    assert detect_format(path) == "arxiv"
    assert len(load_path(path).papers) == 150


def test_a_nul_byte_after_the_first_8_kb_is_removed_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_bytes(b"title,abstract\nA," + b"x" * 9000 + b"\nB\x00ad,y\n")
    result = load_path(path)
    assert [p.title for p in result.papers] == ["A", "Bad"]
    assert result.warnings == [f"{path}:3: 1 NUL characters removed"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "JSON nested too deeply to read"),
        (
            '<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY a "' + "x" * 1000 + '"><!ENTITY b "&a;&a;&a;">]>\n'
            '<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>&b;</title></entry></feed>',
            "XML with a <!DOCTYPE> or <!ENTITY> declaration is not read",
        ),
    ],
)
def test_deep_nesting_and_entity_declarations_are_refused_with_a_located_error(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / ("deep.json" if text.startswith("[") else "bomb.xml")
    path.write_text(text, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(InputError, match=message) as raised:
        load_path(path)
    assert str(raised.value).startswith(str(path))
    assert time.perf_counter() - start < 5


def test_a_5000_digit_integer_skips_its_record_only(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(
        '[\n{"title": "A", "upvotes": ' + "9" * 5000 + '},\n{"title": "B", "upvotes": 7}\n]', encoding="utf-8"
    )
    result = load_path(path)
    assert [(p.title, p.upvotes) for p in result.papers] == [("B", 7)]
    assert [str(s) for s in result.skipped] == [
        f"{path}:2: field 'upvotes': expected a whole number from 0 to 2^53, found 5002 characters; skipped"
    ]


def test_a_huge_single_line_text_file_is_not_a_paper_and_messages_stay_short(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_text("A" * 5_000_000, encoding="utf-8")
    start = time.perf_counter()
    result = load_paths([path])
    assert result.papers == []
    assert [s.field for s in result.skipped] == ["title"]
    assert str(result.skipped[0]) == (
        f"{path}:1: field 'title': 5000000 characters, more than 3000 (not a title: a misread file?); skipped"
    )
    assert max(len(w) for w in result.warnings) < 500
    assert time.perf_counter() - start < 10


def test_control_characters_and_terminal_escapes_never_reach_a_title(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_text('{"title": "\\u001b[31mRed\\u001b[0m alert\\u0007 paper"}\n{"title": "B"}\n', encoding="utf-8")
    assert [p.title for p in load_path(path).papers] == ["Red alert paper", "B"]


def test_a_huge_csv_cell_is_one_skipped_record_not_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "zotero.csv"
    note, abstract = "n" * 300_000, "y" * 200_000
    path.write_text(f'Title,Abstract Note,Notes\n"A","short","{note}"\n"B","{abstract}",""\n', encoding="utf-8")
    result = load_path(path)
    assert [p.title for p in result.papers] == ["A"]
    assert [str(s) for s in result.skipped] == [
        f"{path}:3: field 'abstract': 200000 characters, more than 100000; skipped"
    ]
