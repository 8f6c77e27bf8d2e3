"""Format detection by content, load_path/load_paths, the bundled sample, and bad input."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from loaders.detect import FORMATS, detect_format, load_path, load_paths
from loaders.errors import InputError
from loaders.records import resolve_references
from loaders.samples import sample_paths

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("arxiv_query.xml", "arxiv"),
        ("s2_search.json", "semantic-scholar"),
        ("s2_paper.json", "semantic-scholar"),
        ("s2_batch.json", "semantic-scholar"),
        ("openalex_works.json", "openalex"),
        ("openalex_work.json", "openalex"),
        ("hf_daily.json", "hf-api"),
        ("zotero.bib", "bibtex"),
        ("papers.csv", "csv"),
        ("papers.json", "json"),
        ("papers.jsonl", "jsonl"),
        ("title_only_listing.txt", "hf-listing"),
    ],
)
def test_format_is_detected_from_content_even_with_a_misleading_extension(
    tmp_path: Path, name: str, expected: str
) -> None:
    assert detect_format(FIXTURES / name) == expected
    renamed = tmp_path / "download.dat"
    shutil.copyfile(FIXTURES / name, renamed)
    assert detect_format(renamed) == expected


def test_every_bundled_sample_page_is_a_listing() -> None:
    paths = sample_paths()
    assert [p.name for p in paths] == sorted(p.name for p in paths)
    assert len(paths) == 5
    assert {detect_format(p) for p in paths} == {"hf-listing"}


def test_load_paths_merges_across_formats_and_references_resolve() -> None:
    result = load_paths([FIXTURES / "papers.csv", FIXTURES / "zotero.bib", FIXTURES / "arxiv_query.xml"])
    by_id = {p.id: p for p in resolve_references(result.papers)}
    assert set(by_id) == {
        "arxiv:2407.12718",
        "arxiv:2405.20320",
        "arxiv:1512.03385",
        "arxiv:2101.00001",
    }
    slim = by_id["arxiv:2407.12718"]
    assert {Path(s.file).name for s in slim.sources} == {"papers.csv", "zotero.bib", "arxiv_query.xml"}
    # the CSV cites ResNet by DOI; the arXiv feed gives ResNet both ids, so the reference resolves to it
    assert slim.references == ["arxiv:2405.20320", "arxiv:1512.03385"]
    assert len(result.warnings) == 1 and "broken_entry_2023" in result.warnings[0]


def test_load_paths_reads_a_directory_in_name_order(tmp_path: Path) -> None:
    for path in sample_paths()[:2]:
        shutil.copyfile(path, tmp_path / path.name)
    result = load_paths([tmp_path])
    assert len(result.papers) == 38 + 65


def test_explicit_format_overrides_detection_and_unknown_format_is_refused() -> None:
    assert len(load_path(FIXTURES / "papers.json", "json").papers) == 2
    with pytest.raises(InputError, match=r"field 'format': unknown format 'yaml'; choose one of: hf-listing"):
        load_path(FIXTURES / "papers.json", "yaml")
    assert "semantic-scholar" in FORMATS


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nothing\.txt: cannot read file: No such file or directory"):
        load_path(tmp_path / "nothing.txt")


@pytest.mark.parametrize("content", [b"", b"  \n\n\t\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match=r"empty\.txt: file is empty"):
        load_path(path)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "figure.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(InputError, match=r"figure\.png: binary file \(contains NUL bytes\)"):
        load_path(path)


def test_truncated_json_names_file_and_line(tmp_path: Path) -> None:
    text = (FIXTURES / "s2_search.json").read_text(encoding="utf-8")
    path = tmp_path / "cut.json"
    path.write_text(text[:700], encoding="utf-8")
    with pytest.raises(InputError, match=r"cut\.json:\d+: invalid JSON \(truncated file\?\)"):
        load_path(path)


def test_windows_1252_listing_is_decoded_with_a_warning(tmp_path: Path) -> None:
    page = (FIXTURES / "title_only_listing.txt").read_text(encoding="utf-8")
    page = page.replace("Deep Model Assembling", "Déjà Vu: Deep Model Assembling")
    path = tmp_path / "latin.txt"
    path.write_bytes(page.encode("cp1252"))
    result = load_path(path)
    assert result.papers[0].title == "Déjà Vu: Deep Model Assembling"
    assert result.warnings[0] == f"{path}:11: not valid UTF-8 (byte 0xe9); decoded as Windows-1252"


def test_utf8_bom_and_utf16_are_read(tmp_path: Path) -> None:
    text = (FIXTURES / "papers.jsonl").read_text(encoding="utf-8")
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    utf16 = tmp_path / "utf16.jsonl"
    utf16.write_bytes(text.encode("utf-16"))
    assert [p.id for p in load_path(bom).papers] == [p.id for p in load_path(utf16).papers]
    assert load_path(bom).warnings == []


def test_unrecognisable_text_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "notes.md"
    path.write_text("# My reading notes\n\nNothing here is a paper listing.\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"notes\.md: cannot tell the format of this file; name it with --format, one of: hf-listing"
    ):
        load_path(path)


def test_non_atom_xml_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "page.xml"
    path.write_text("<html><body>Not a feed</body></html>", encoding="utf-8")
    with pytest.raises(InputError, match=r"page\.xml:1: XML but not an Atom <feed>"):
        load_path(path)
