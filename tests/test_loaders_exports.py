"""Real exports without silent loss (issue 12): every record a user gives is a paper, a merge or a located skip.

The fixtures in tests/fixtures/exports/ are small files written in the shapes reference managers, databases
and APIs export (Zotero, Mendeley, EndNote, Better BibTeX, Scopus, Web of Science, IEEE Xplore, ACM,
OpenAlex, Semantic Scholar, arXiv, Hugging Face).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from loaders.detect import detect_format, load_path, load_paths
from loaders.errors import InputError
from loaders.records import Paper, PaperIndex, Source, title_key
from loaders.result import write_skipped

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def by_title(papers: list[Paper]) -> dict[str, Paper]:
    return {p.title: p for p in papers}


@pytest.mark.parametrize(
    "name",
    [
        "s2_search_empty.json",
        "paperkg_fetch_empty.json",
        "openalex_empty.json",
        "arxiv_empty.xml",
        "hf_daily_empty.json",
    ],
)
def test_an_empty_api_response_is_zero_papers_and_a_warning_not_an_error(name: str) -> None:
    result = load_paths([EXPORTS / name, EXPORTS / "endnote_nokey.bib"])
    assert len(result.papers) == 2  # the other file of the build is not lost
    assert result.warnings == [f"{EXPORTS / name}: no records in this file (an empty response or export?); 0 papers"]
    assert str(result.files[0]).endswith(": 0 records: 0 papers, 0 merged into others, 0 skipped")


def test_bibtex_raw_percent_keeps_the_whole_abstract() -> None:
    plasmonic = load_path(EXPORTS / "mendeley.bib").papers[0]
    assert (
        plasmonic.title == "Plasmonic filters with a transmission reduction of about 50% in a narrow wavelength range"
    )
    assert plasmonic.abstract == (
        "We report a transmission reduction of about 50% in a narrow wavelength range around 600 nm, and a >10% "
        "gain in contrast over earlier filters. The remaining text of this abstract must survive the percent signs."
    )


def test_bibtex_empty_duplicate_and_missing_keys_are_all_kept() -> None:
    mendeley = load_path(EXPORTS / "mendeley.bib")
    titles = [p.title for p in mendeley.papers]
    assert titles.count("Counterfactuals") == 2  # '@article{,' twice: empty keys
    assert "Counterfactuals in planning" in titles  # second entry with the key 'ginsberg86'
    assert len(mendeley.papers) == 8 and mendeley.skipped == []
    endnote = load_path(EXPORTS / "endnote_nokey.bib")  # '@article{' with no key at all
    assert [p.id for p in endnote.papers] == ["doi:10.1109/cvpr.2016.90", "arxiv:1706.03762"]
    assert [p.sources[0].line for p in endnote.papers] == [1, 8]


def test_bibtex_concatenation_macros_extended_names_crossref_and_latex_spacing() -> None:
    papers = by_title(load_path(EXPORTS / "mendeley.bib").papers)
    conniver = papers["The CONNIVER Reference Manual"]
    assert conniver.authors == ["Drew MCDERMOTT", "Gerald J. Sussman"]  # @string + '#'
    assert conniver.published == "1972-08-13"  # month = aug # "~13"
    wavenet = papers["WaveNet: A Generative Model for Raw Audio"]
    assert wavenet.authors == ["Aaron van den Oord", "Sander Dieleman"]  # family=, given=, prefix=
    assert wavenet.published == "2016-09-13"  # inherited through crossref
    assert papers["Transformer Models Revisited"].authors == ["Jörg Müller"]  # '\-' and '\,' removed


def test_bibtex_month_that_does_not_parse_keeps_the_year_and_names_the_month_field() -> None:
    path = EXPORTS / "mendeley.bib"
    result = load_path(path)
    years = [p.published for p in result.papers if p.title.startswith("Counterfactuals")]
    assert years == ["1973", "1986", "1985"]
    assert f"{path}:19: field 'month': not a month: 'Summer'; kept the year 1986" in result.warnings
    assert f"{path}:27: field 'month': not a month: '25'; kept the year 1985" in result.warnings


def test_same_title_different_works_stay_apart_and_get_distinct_ids() -> None:
    result = load_paths([EXPORTS / "mendeley.bib"])
    counterfactuals = [p for p in result.papers if p.title == "Counterfactuals"]
    assert [(p.authors, p.published) for p in counterfactuals] == [
        (["David Lewis"], "1973"),
        (["Matthew L. Ginsberg"], "1986"),
    ]
    assert len({p.id for p in result.papers}) == len(result.papers)
    assert result.merges == []


def test_preprint_and_journal_version_merge_and_the_merge_is_reported() -> None:
    preprint = Paper.create(
        "Counterfactual Fairness",
        arxiv="1703.06856",
        authors=["Matt Kusner", "Joshua Loftus"],
        published="2017",
        sources=[Source("arxiv.bib", 3)],
    )
    journal = Paper.create(
        "Counterfactual fairness.",
        doi="10.5555/3294996",
        authors=["Kusner, Matt J."],
        published="2018",
        sources=[Source("scopus.csv", 7)],
    )
    untitled_years = Paper.create("Counterfactual Fairness", published="2009", sources=[Source("old.csv", 2)])
    index = PaperIndex([preprint])
    placed = index.add(journal)
    assert placed.absorbed == ["arxiv:1703.06856"]
    assert placed.merges == [
        "scopus.csv:7 merged into arxiv:1703.06856 'Counterfactual Fairness' (arxiv.bib:3) (same title)"
    ]
    assert index.add(untitled_years).absorbed == []  # no authors and 8 years apart: another work
    assert len(index) == 2


def test_conflicting_ids_are_never_merged_silently() -> None:
    path = EXPORTS / "conflicting_ids.csv"
    result = load_paths([path])
    assert sorted((p.title, p.external_ids["arxiv"], p.external_ids["doi"]) for p in result.papers) == [
        ("Other Title", "2401.11111", "10.1000/bbb"),
        ("Shared Title", "2401.11111", "10.1000/aaa"),
        ("Shared Title", "2401.22222", "10.1000/aaa"),
    ]
    assert len({p.id for p in result.papers}) == 3
    assert result.warnings == [
        f"{path}:3: kept apart from arxiv:2401.11111 'Shared Title' ({path}:2): "
        "same doi 10.1000/aaa but different arxiv ids (2401.11111 and 2401.22222)",
        f"{path}:4: kept apart from arxiv:2401.11111 'Shared Title' ({path}:2): "
        "same arxiv 2401.11111 but different doi ids (10.1000/aaa and 10.1000/bbb)",
    ]


@pytest.mark.parametrize(
    ("name", "first"),
    [
        ("zotero.csv", ("arxiv:2407.12718", ["Yuanzhi Zhu", "Xingchao Liu", "Qiang Liu"], "2024-07-17")),
        (
            "scopus.csv",
            ("doi:10.1109/cvpr.2016.90", ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"], "2016"),
        ),
        (
            "wos_savedrecs.txt",
            ("doi:10.1109/cvpr.2016.90", ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"], "2016"),
        ),
        ("ieee.csv", ("doi:10.1109/cvpr.2016.90", ["K. He", "X. Zhang", "S. Ren", "J. Sun"], "2016")),
        ("acm.csv", ("doi:10.1145/2939672.2939785", ["Tianqi Chen", "Carlos Guestrin"], "2016-08-13")),
        (
            "openalex_works.csv",
            ("doi:10.1109/cvpr.2016.90", ["Kaiming He", "Xiangyu Zhang", "Shaoqing Ren", "Jian Sun"], "2016-06-01"),
        ),
    ],
)
def test_csv_exports_are_recognised_by_their_columns(name: str, first: tuple[str, list[str], str]) -> None:
    path = EXPORTS / name
    assert detect_format(path) == "csv"
    paper = load_path(path).papers[0]
    assert (paper.id, paper.authors, paper.published) == first
    if name == "openalex_works.csv":  # OpenAlex's CSV has no abstract column
        assert paper.references == ["openalex:W1686810756", "openalex:W2097117768"]
    else:  # Zotero's 'Abstract Note', WoS 'AB', IEEE/Scopus/ACM 'Abstract'
        assert paper.abstract


def test_zotero_csv_keeps_abstracts_and_reads_arxiv_ids_from_extra() -> None:
    slim, _, attention = load_path(EXPORTS / "zotero.csv").papers
    assert slim.abstract.endswith("We reach an FID of 5.02 with 15.7% fewer parameters.")
    assert attention.id == "arxiv:1706.03762"  # 'Extra': 'arXiv: 1706.03762'
    assert attention.published == "2017"  # 'Summer 2017' keeps its year


def test_scopus_names_without_full_names_are_split_on_commas() -> None:
    ddpm = load_path(EXPORTS / "scopus.csv").papers[1]
    assert ddpm.authors == ["Ho J.", "Jain A.", "Abbeel P."]


def test_ris_and_csl_json_exports() -> None:
    ris = load_path(EXPORTS / "zotero.ris")
    assert detect_format(EXPORTS / "zotero.ris") == "ris"
    assert [(p.id, p.published) for p in ris.papers] == [
        ("arxiv:2407.12718", "2024-07-17"),
        ("doi:10.1109/cvpr.2016.90", "2016"),
    ]
    assert ris.papers[0].abstract.endswith("About 50% fewer steps.")
    assert ris.papers[1].authors == ["Kaiming He", "Jian Sun"]
    assert [str(s) for s in ris.skipped] == [
        f"{EXPORTS / 'zotero.ris'}:22: field 'TI': RIS record without a title (TI/T1); skipped"
    ]
    csl = load_path(EXPORTS / "zotero_csl.json")
    assert detect_format(EXPORTS / "zotero_csl.json") == "csl-json"
    assert [(p.id, p.authors, p.published) for p in csl.papers] == [
        ("arxiv:2407.12718", ["Yuanzhi Zhu", "Xingchao Liu"], "2024-07-17"),
        (
            f"title:{title_key('WaveNet: A Generative Model for Raw Audio')}",
            ["Aäron van den Oord", "DeepMind"],
            "2016-09",
        ),
    ]
    assert [s.line for s in csl.skipped] == [22]


def test_ris_last_record_without_end_tag_and_a_header_before_the_first_record(tmp_path: Path) -> None:
    path = tmp_path / "scopus.ris"
    path.write_text(
        "Provider: Scopus\n\nTY  - JOUR\nTI  - A\nER  - \n\nTY  - JOUR\nTI  - B\nPY  - 2020\n", encoding="utf-8"
    )
    assert detect_format(path) == "ris"
    result = load_path(path)
    assert [(p.title, p.published, p.sources[0].line) for p in result.papers] == [("A", None, 3), ("B", "2020", 7)]


def test_semantic_scholar_recommendations_load() -> None:
    result = load_path(EXPORTS / "s2_recommended.json")
    assert [p.id for p in result.papers] == ["arxiv:2209.03003", "arxiv:2405.20320"]
    assert result.warnings == []


@pytest.mark.parametrize(
    ("name", "kept", "skips"),
    [
        ("s2_wrong_types.json", ["A fine paper"], [(2, "externalIds"), (3, "abstract"), (4, "authors")]),
        ("openalex_wrong_types.json", ["A fine work"], [(2, "ids"), (3, "abstract_inverted_index")]),
        ("hf_summary_object.json", ["Flow Straight and Fast"], [(2, "summary"), (3, "upvotes")]),
        ("unicode_breaks.jsonl", ["Line\u2028separator inside", "Next\x85line inside"], [(3, "upvotes")]),
    ],
)
def test_wrong_typed_fields_skip_their_record_with_a_located_warning(
    name: str, kept: list[str], skips: list[tuple[int, str]]
) -> None:
    result = load_path(EXPORTS / name)
    assert [p.title for p in result.papers] == [" ".join(t.split()) for t in kept]
    assert [(s.line, s.field) for s in result.skipped] == skips
    assert [s.file for s in result.skipped] == [str(EXPORTS / name)] * len(skips)


def test_the_file_report_accounts_for_every_record(tmp_path: Path) -> None:
    result = load_paths([EXPORTS / "zotero.csv", EXPORTS / "zotero.ris", EXPORTS / "s2_wrong_types.json"])
    lines = [str(r).split(": ", 1)[1] for r in result.files]
    assert lines == [
        "3 records: 3 papers, 0 merged into others, 0 skipped",
        "3 records: 0 papers, 2 merged into others, 1 skipped",
        "4 records: 1 papers, 0 merged into others, 3 skipped",
    ]
    assert len(result.papers) == 3 + 0 + 1
    path = write_skipped(result.skipped, tmp_path)
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [(Path(r["file"]).name, r["line"], r["field"]) for r in rows] == [
        ("zotero.ris", 22, "TI"),
        ("s2_wrong_types.json", 2, "externalIds"),
        ("s2_wrong_types.json", 3, "abstract"),
        ("s2_wrong_types.json", 4, "authors"),
    ]


def test_an_unreadable_file_is_an_error_that_still_reports_the_other_files(tmp_path: Path) -> None:
    bad = tmp_path / "cut.json"
    bad.write_text('[{"title": "A"', encoding="utf-8")
    with pytest.raises(InputError) as raised:
        load_paths([EXPORTS / "zotero.csv", bad])
    message = str(raised.value)
    assert message.splitlines()[0].startswith(f"{bad}:1: invalid JSON (truncated file?)")
    assert f"{EXPORTS / 'zotero.csv'} (csv): 3 records: 3 papers" in message


def test_a_folder_is_read_recursively_in_path_order_without_hidden_files(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    (tmp_path / "b" / "refs.ris").write_bytes((EXPORTS / "zotero.ris").read_bytes())
    (tmp_path / "a.csv").write_bytes((EXPORTS / "zotero.csv").read_bytes())
    (tmp_path / ".hidden.csv").write_bytes((EXPORTS / "zotero.csv").read_bytes())
    (tmp_path / ".git" / "x.csv").write_bytes((EXPORTS / "zotero.csv").read_bytes())
    result = load_paths([tmp_path])
    assert [Path(r.file).relative_to(tmp_path).as_posix() for r in result.files] == ["a.csv", "b/refs.ris"]


def test_csv_written_by_excel_with_semicolons_and_old_scopus_names(tmp_path: Path) -> None:
    path = tmp_path / "zotero-excel.csv"
    path.write_text(
        '"Key";"Item Type";"Publication Year";"Author";"Title";"Abstract Note"\n'
        '"AB12CD34";"journalArticle";"2019";"Zhu, Y., Liu, X.";"A; semicolon title";"Text; with; semicolons."\n',
        encoding="utf-8",
    )
    assert detect_format(path) == "csv"
    (paper,) = load_path(path).papers
    assert (paper.title, paper.abstract, paper.authors) == (
        "A; semicolon title",
        "Text; with; semicolons.",
        ["Y. Zhu", "X. Liu"],
    )


def test_csl_json_date_written_as_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "items.json"
    path.write_text('[{"type": "article", "title": "T", "author": [{"family": "A"}], "issued": "2021-03"}]')
    assert [p.published for p in load_path(path).papers] == ["2021-03"]


def test_web_of_science_plain_text_export() -> None:
    path = EXPORTS / "wos_plain.txt"
    assert detect_format(path) == "wos"
    result = load_path(path)
    resnet, deep = result.papers
    assert (resnet.id, resnet.authors[-1], resnet.published) == ("doi:10.1109/cvpr.2016.90", "Jian Sun", "2016")
    assert resnet.abstract == (
        "Deeper neural networks are more difficult to train. We present a residual learning framework to ease "
        "the training of networks that are substantially deeper than those used previously."
    )
    assert deep.authors == ["Yann LeCun", "Yoshua Bengio", "Geoffrey Hinton"]
    assert [p.sources[0].line for p in result.papers] == [3, 27]
    assert [str(s) for s in result.skipped] == [f"{path}:46: field 'title': missing or empty title (required); skipped"]


def test_a_semantic_scholar_author_response_reads_the_authors_papers() -> None:
    result = load_path(EXPORTS / "s2_author.json")
    assert [(p.id, p.published, p.sources[0].line) for p in result.papers] == [
        ("doi:10.1112/plms/s2-45.1.161", "1939", 4),
        ("doi:10.1093/mind/lix.236.433", "1950-10-01", 7),
    ]
    assert result.skipped == []
