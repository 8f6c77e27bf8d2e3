"""arXiv, Semantic Scholar, OpenAlex, BibTeX and CSV/JSON/JSONL loaders on small real-shaped fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders import arxiv, bibtex, openalex, semantic_scholar, tabular
from loaders.errors import InputError

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"


def test_arxiv_feed_reads_ids_text_authors_dates_links_and_doi() -> None:
    result = arxiv.load(FIXTURES / "arxiv_query.xml")
    assert result.warnings == []
    slim, resnet = result.papers
    assert slim.id == "arxiv:2407.12718"
    assert slim.title == "SlimFlow: Training Smaller One-Step Diffusion Models with Rectified Flow"
    assert slim.abstract.startswith("Diffusion models excel in high-quality generation but suffer from slow inference")
    assert "\n" not in slim.abstract
    assert slim.authors == ["Yuanzhi Zhu", "Xingchao Liu", "Qiang Liu"]
    assert slim.published == "2024-07-17"
    assert slim.urls == {"paper": "http://arxiv.org/abs/2407.12718v2", "pdf": "http://arxiv.org/pdf/2407.12718v2"}
    assert slim.sources[0].line == 10
    assert resnet.external_ids == {"arxiv": "1512.03385", "doi": "10.1109/cvpr.2016.90"}


def test_arxiv_api_error_entry_is_reported() -> None:
    with pytest.raises(InputError, match=r"arxiv_error\.xml:8: the arXiv API returned an error: incorrect id format"):
        arxiv.load(FIXTURES / "arxiv_error.xml")


def test_arxiv_malformed_xml_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "cut.xml"
    path.write_text('<feed xmlns="http://www.w3.org/2005/Atom">\n<entry><title>A</title>\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"cut\.xml:3: invalid XML"):
        arxiv.load(path)


def test_semantic_scholar_search_reads_external_ids_authors_dates_and_references() -> None:
    result = semantic_scholar.load(FIXTURES / "s2_search.json")
    uniter, vilbert = result.papers
    assert uniter.id == "arxiv:1909.11740"
    assert uniter.external_ids["s2"] == "6e2c6a7b8e1ee2bbd9c0a1f4b6c1e6e2a4f0d3c1"
    assert uniter.authors == ["Yen-Chun Chen", "Linjie Li"]
    assert uniter.published == "2019-09-25"
    assert uniter.references == ["arxiv:1810.04805", "doi:10.1007/978-3-319-10602-1_48"]
    assert uniter.urls["pdf"] == "https://arxiv.org/pdf/1909.11740"
    assert (vilbert.id, vilbert.abstract, vilbert.published) == ("doi:10.1109/iccv.2019.00756", "", "2019")
    assert [p.sources[0].line for p in result.papers] == [6, 25]


def test_semantic_scholar_citations_become_citing_records() -> None:
    rectified, citing = semantic_scholar.load(FIXTURES / "s2_paper.json").papers
    assert rectified.id == "arxiv:2405.20320"
    assert rectified.references == ["arxiv:2209.03003"]
    assert citing.id == "arxiv:2407.12718"
    assert citing.references == ["arxiv:2405.20320"]


def test_semantic_scholar_batch_skips_null_with_a_warning() -> None:
    path = FIXTURES / "s2_batch.json"
    result = semantic_scholar.load(path)
    assert [p.id for p in result.papers] == ["arxiv:2209.03003"]
    assert result.warnings == [f"{path}:3: null item (paper not found by the API); skipped"]


def test_openalex_results_rebuild_abstract_and_read_references_doi_and_authorships() -> None:
    resnet, slim = openalex.load(FIXTURES / "openalex_works.json").papers
    assert resnet.id == "doi:10.1109/cvpr.2016.90"
    assert resnet.external_ids["openalex"] == "W2194775991"
    assert resnet.abstract == "Deeper neural networks are more difficult to train."
    assert resnet.authors == ["Kaiming He", "Jian Sun"]
    assert resnet.published == "2016-06-01"
    assert resnet.references == ["openalex:W1686810756", "openalex:W2097117768"]
    assert slim.id == "arxiv:2407.12718"  # from the arXiv DOI
    assert slim.urls == {"paper": "https://arxiv.org/abs/2407.12718", "pdf": "https://arxiv.org/pdf/2407.12718"}


def test_openalex_single_work_with_ids_arxiv() -> None:
    (work,) = openalex.load(FIXTURES / "openalex_work.json").papers
    assert (work.id, work.published) == ("arxiv:2405.20320", "2024")
    assert work.abstract == "Diffusion models have shown great promise."


def test_bibtex_zotero_export_reads_fields_and_reports_the_broken_entry() -> None:
    path = FIXTURES / "zotero.bib"
    result = bibtex.load(path)
    slim, resnet, muller = result.papers
    assert slim.id == "arxiv:2407.12718"
    assert slim.title == "SlimFlow: Training Smaller One-Step Diffusion Models with Rectified Flow"
    assert slim.authors == ["Yuanzhi Zhu", "Xingchao Liu", "Qiang Liu"]
    assert slim.published == "2024-07"
    assert slim.abstract.endswith("We reach an FID of 5.02 with 15.7% fewer parameters.")
    assert slim.sources[0].line == 2
    assert (resnet.id, resnet.published, len(resnet.authors)) == ("doi:10.1109/cvpr.2016.90", "2016-06", 4)
    assert muller.title == "Learning with Müller's Noisy Labels"
    assert muller.authors == ["Jörg Müller", "Anna van der Berg"]
    assert (muller.id, muller.published) == ("arxiv:2101.00001", "2021-01-04")
    assert len(result.warnings) == 1
    assert result.warnings[0].startswith(f"{path}:31: BibTeX entry 'broken_entry_2023' could not be parsed: ")
    assert [(s.line, s.reason.split(":")[0]) for s in result.skipped] == [
        (31, "BibTeX entry 'broken_entry_2023' could not be parsed")
    ]


def test_bibtex_with_no_readable_entry_reports_the_skip(tmp_path: Path) -> None:
    path = tmp_path / "broken.bib"
    path.write_text("@article{only,\n  title = {never closed,\n  year = {2020}\n", encoding="utf-8")
    result = bibtex.load(path)
    assert result.papers == []
    assert [str(s).split(": BibTeX")[0] for s in result.skipped] == [f"{path}:1"]


def test_csv_with_column_mapping_quoted_fields_and_multiline_cells() -> None:
    slim, rectified, resnet = tabular.load(FIXTURES / "papers.csv").papers
    assert slim.id == "arxiv:2407.12718"
    assert slim.abstract == 'Diffusion models excel in high-quality generation, but "slow".'
    assert slim.authors == ["Yuanzhi Zhu", "Xingchao Liu"]
    assert (slim.published, slim.upvotes) == ("2024-07", 12)
    assert slim.references == ["arxiv:2405.20320", "doi:10.1109/cvpr.2016.90"]
    assert slim.urls == {"paper": "https://arxiv.org/abs/2407.12718"}
    assert rectified.abstract == "Diffusion models have shown great promise for image and video generation."
    assert [p.sources[0].line for p in (slim, rectified, resnet)] == [2, 3, 5]
    assert resnet.id == "doi:10.1109/cvpr.2016.90"


def test_json_table_accepts_id_column_summary_and_author_objects() -> None:
    slim, rectified = tabular.load(FIXTURES / "papers.json").papers
    assert (slim.id, slim.published, slim.abstract) == (
        "arxiv:2407.12718",
        "2024-07-17",
        "Diffusion models excel in high-quality generation.",
    )
    assert slim.references == ["arxiv:2405.20320", "doi:10.1109/cvpr.2016.90"]
    assert rectified.authors == ["Sangyun Lee"]
    assert rectified.urls == {"code": "https://github.com/sangyun884/rfpp"}
    assert [p.sources[0].line for p in (slim, rectified)] == [2, 10]


def test_jsonl_table_reads_each_line() -> None:
    slim, rectified = tabular.load(FIXTURES / "papers.jsonl").papers
    assert slim.authors == ["Yuanzhi Zhu", "Xingchao Liu"]
    assert (rectified.published, rectified.references, rectified.sources[0].line) == ("2024", ["arxiv:2407.12718"], 3)


def test_csv_bad_year_keeps_the_paper_without_a_date_and_says_so() -> None:
    path = FIXTURES / "bad_row.csv"
    result = tabular.load(path)
    assert [(p.title, p.published) for p in result.papers] == [
        ("Deep Residual Learning for Image Recognition", "2016"),
        ("A paper with a bad year", None),
    ]
    assert result.warnings == [f"{path}:3: field 'year': not a date: '20x6'; date skipped"]


def test_csv_without_a_title_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("name,year\nA,2020\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"t\.csv:1: field 'title': no title column"):
        tabular.load(path)


@pytest.mark.parametrize(
    ("text", "skip"),
    [
        ("title,year\nA,2020\n,2021\n", "t.csv:3: field 'title': missing or empty title (required); skipped"),
        ("title,upvotes\nA,many\n", "t.csv:2: field 'upvotes': expected a whole number from 0 to 2^53, found 'many'"),
        ("title,references\nA,see the appendix\n", "t.csv:2: field 'references': not a paper id"),
    ],
)
def test_csv_bad_value_skips_its_row_with_a_located_warning(tmp_path: Path, text: str, skip: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    result = tabular.load(path)
    assert [str(s).replace(str(tmp_path) + "/", "") for s in result.skipped][-1].startswith(skip)
    assert all(p.title == "A" for p in result.papers)


def test_csv_bad_month_keeps_the_year(tmp_path: Path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("title,year,month\nA,2020,Smarch\n", encoding="utf-8")
    result = tabular.load(path)
    assert result.papers[0].published == "2020"
    assert result.warnings == [f"{path}:2: field 'month': not a month: 'Smarch'; kept the year 2020"]


def test_json_table_bad_author_type_skips_that_record(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('[\n {"title": "A"},\n {"title": "B", "authors": 7}\n]', encoding="utf-8")
    result = tabular.load(path)
    assert [p.title for p in result.papers] == ["A"]
    assert [str(s) for s in result.skipped] == [
        f"{path}:3: field 'authors': expected a list or a ';'-separated string, found int; skipped"
    ]
