"""The Hugging Face listing loader on the five bundled seed pages (three layouts) and the HF API JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from loaders.detect import load_paths
from loaders.hf_papers import BOILERPLATE, load_api, load_listing, parse_listing
from loaders.records import Paper, normalize_title
from loaders.result import LoadResult
from loaders.samples import sample_paths

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"
# Entries per page, counted by hand: title/abstract pairs after the header of each seed file.
ENTRIES_PER_PAGE = {
    "000_00d6905c99699f98.txt": 38,
    "001_d8829a0779a8d458.txt": 65,
    "002_ef3a0a5c34ed2cd4.txt": 239,
    "003_36498add99c7ff1f.txt": 49,
    "004_bff5e5d783056ce3.txt": 103,
}
# 494 entries; nine titles appear on two pages and one ("Improving the Training of Rectified Flows") on three.
DISTINCT_PAPERS = 483


@pytest.fixture(scope="module")
def pages() -> dict[str, LoadResult]:
    return {path.name: load_listing(path) for path in sample_paths()}


@pytest.fixture(scope="module")
def corpus() -> LoadResult:
    return load_paths(sample_paths())


def _page_line(name: str, number: int) -> str:
    path = next(p for p in sample_paths() if p.name == name)
    return path.read_text(encoding="utf-8").splitlines()[number - 1]


def _by_title(papers: list[Paper], title: str) -> Paper:
    found = [p for p in papers if p.title == title]
    assert len(found) == 1, f"{title!r} found {len(found)} times"
    return found[0]


def test_every_entry_of_every_page_is_read_without_warnings(pages: dict[str, LoadResult]) -> None:
    assert {name: len(result.papers) for name, result in pages.items()} == ENTRIES_PER_PAGE
    assert all(result.warnings == [] for result in pages.values())


def test_duplicates_across_pages_merge_into_one_paper_each(corpus: LoadResult) -> None:
    assert len(corpus.papers) == DISTINCT_PAPERS
    assert len({normalize_title(p.title) for p in corpus.papers}) == DISTINCT_PAPERS
    assert sum(len(p.sources) for p in corpus.papers) == sum(ENTRIES_PER_PAGE.values())
    rectified = _by_title(corpus.papers, "Improving the Training of Rectified Flows")
    assert [(Path(s.file).name, s.line) for s in rectified.sources] == [
        ("000_00d6905c99699f98.txt", 107),
        ("002_ef3a0a5c34ed2cd4.txt", 283),
        ("004_bff5e5d783056ce3.txt", 207),
    ]


def test_no_header_or_boilerplate_line_becomes_a_paper(corpus: LoadResult) -> None:
    titles = [p.title for p in corpus.papers]
    assert not set(titles) & BOILERPLATE
    assert not [t for t in titles if t.startswith("Subscribe") or t in ("Apr 3", "Mar 12", "Dec 11")]
    assert not [t for t in titles if t.startswith("•") or t == "·"]
    assert all(p.abstract for p in corpus.papers)


def test_layout_with_blank_lines_keeps_title_and_abstract_exact(pages: dict[str, LoadResult]) -> None:
    page = "000_00d6905c99699f98.txt"
    paper = _by_title(
        pages[page].papers, "SimVLG: Simple and Efficient Pretraining of Visual Language Generative Models"
    )
    assert paper.sources[0].line == 11
    assert paper.abstract.startswith("In this paper, we propose ``SimVLG'', a streamlined framework")
    assert paper.abstract.endswith("through a novel soft attentive temporal token merging modules.")
    assert paper.abstract == _page_line(page, 13)
    last = pages[page].papers[-1]
    assert last.title == "Exploring Learngene via Stage-wise Weight Sharing for Initializing Variable-sized Models"
    assert last.abstract == _page_line(page, 161)


def test_layout_without_blank_lines_unglues_the_first_title(pages: dict[str, LoadResult]) -> None:
    page = "002_ef3a0a5c34ed2cd4.txt"
    first = pages[page].papers[0]
    assert first.title == "MeDSLIP: Medical Dual-Stream Language-Image Pre-training for Fine-grained Alignment"
    assert first.sources[0].line == 3
    assert first.abstract == _page_line(page, 4)
    born_again = _by_title(pages[page].papers, "Born Again Neural Networks")
    assert "transferring “knowledge” from one machine learning model" in born_again.abstract
    last = pages[page].papers[-1]
    assert (last.title, last.sources[0].line) == ("High-Fidelity Simultaneous Speech-To-Speech Translation", 479)
    assert last.abstract.endswith("inference code.")


def test_layout_with_authors_and_dates_reads_them(pages: dict[str, LoadResult]) -> None:
    papers = pages["003_36498add99c7ff1f.txt"].papers
    vision_llm = _by_title(
        papers, "VisionLLM: Large Language Model is also an Open-Ended Decoder for Vision-Centric Tasks"
    )
    assert (vision_llm.n_authors, vision_llm.published, vision_llm.upvotes) == (11, "2023-05-18", 5)
    vl_adapter = _by_title(papers, "VL-Adapter: Parameter-Efficient Transfer Learning for Vision-and-Language Tasks")
    assert (vl_adapter.n_authors, vl_adapter.published, vl_adapter.upvotes) == (3, "2021-12-13", None)
    comics = _by_title(papers, "One missing piece in Vision and Language: A Survey on Comics Understanding")
    assert (comics.n_authors, comics.published, comics.upvotes) == (None, None, None)
    assert comics.abstract.startswith("Vision-language models have recently evolved")
    year_less = _by_title(papers, "Model Unmerging: Making Your Models Unmergeable for Secure Model Sharing")
    assert (year_less.n_authors, year_less.published) == (5, None)
    last = papers[-1]
    assert last.title == "MMFactory: A Universal Solution Search Engine for Vision-Language Tasks"
    assert (last.n_authors, last.published, last.upvotes) == (3, "2024-12-23", 2)


def test_unicode_title_survives_and_merges_across_pages(corpus: LoadResult) -> None:
    paper = _by_title(corpus.papers, "DεpS: Delayed ε-Shrinking for Faster Once-For-All Training")
    assert [(Path(s.file).name, s.line) for s in paper.sources] == [
        ("001_d8829a0779a8d458.txt", 63),
        ("002_ef3a0a5c34ed2cd4.txt", 177),
    ]


def test_seeds_beside_the_checkout_match_the_bundled_sample(seeds_dir: Path, corpus: LoadResult) -> None:
    from_seeds = load_paths(sorted(seeds_dir.glob("*.txt")))
    assert [(p.id, p.title, p.abstract) for p in from_seeds.papers] == [
        (p.id, p.title, p.abstract) for p in corpus.papers
    ]


def test_title_without_abstract_is_kept_with_a_located_warning() -> None:
    path = FIXTURES / "title_only_listing.txt"
    result = load_listing(path)
    assert [p.title for p in result.papers] == [
        "Deep Model Assembling",
        "A Listing Entry Whose Abstract Was Not Saved",
        "Twin-Merging: Dynamic Integration of Modular Expertise in Model Merging",
        "The Last Entry Also Lacks Its Abstract",
    ]
    assert [p.abstract == "" for p in result.papers] == [False, True, False, True]
    assert result.warnings == [
        f"{path}:15: field 'abstract': title 'A Listing Entry Whose Abstract Was Not Saved' has no abstract; "
        "kept with an empty abstract",
        f"{path}:21: field 'abstract': title 'The Last Entry Also Lacks Its Abstract' has no abstract; "
        "kept with an empty abstract",
    ]


def test_two_titles_without_abstracts_in_a_row_never_take_the_next_title() -> None:
    abstract = "We present a method. " * 20
    page = "Daily Papers\n\nFirst Title Alone\n\nSecond Title Alone\n\nThird Title\n\n" + abstract + "\n"
    result = parse_listing(page, "page.txt")
    assert [(p.title, p.abstract) for p in result.papers] == [
        ("First Title Alone", ""),
        ("Second Title Alone", ""),
        ("Third Title", abstract.strip()),
    ]
    assert [w.split(": ", 1)[0] for w in result.warnings] == ["page.txt:3", "page.txt:5"]


def test_a_short_abstract_ending_with_a_full_stop_is_still_an_abstract() -> None:
    page = "Daily Papers\n\nTiny Paper\n\nWe show one thing.\n\nNext Paper\n\n" + "Long abstract. " * 30 + "\n"
    result = parse_listing(page, "page.txt")
    assert [(p.title, p.abstract[:18]) for p in result.papers] == [
        ("Tiny Paper", "We show one thing."),
        ("Next Paper", "Long abstract. Lon"),
    ]


def test_a_page_with_only_header_lines_has_no_papers() -> None:
    result = parse_listing("new\n\nSubscribe\n\nbyAK and the research community\n\nApr 3\n", "header.txt")
    assert result.papers == [] and result.skipped == []


def test_hf_daily_papers_api_json() -> None:
    result = load_api(FIXTURES / "hf_daily.json")
    assert result.warnings == []
    slim, rectified = result.papers
    assert slim.id == "arxiv:2407.12718"
    assert slim.authors == ["Yuanzhi Zhu", "Xingchao Liu"]
    assert (slim.published, slim.upvotes) == ("2024-07-17", 12)
    assert slim.urls == {
        "paper": "https://huggingface.co/papers/2407.12718",
        "code": "https://github.com/yuanzhi-zhu/SlimFlow",
    }
    assert slim.abstract.startswith("Diffusion models excel in high-quality generation")
    assert (rectified.id, rectified.upvotes, rectified.sources[0].line) == ("arxiv:2405.20320", 0, 23)


def test_hf_api_and_listing_records_of_one_paper_merge(corpus: LoadResult) -> None:
    merged = load_paths([*sample_paths(), FIXTURES / "hf_daily.json"])
    assert len(merged.papers) == DISTINCT_PAPERS  # both API papers are already on the sample pages
    slim = _by_title(merged.papers, "SlimFlow: Training Smaller One-Step Diffusion Models with Rectified Flow")
    assert slim.id == "arxiv:2407.12718"
    assert len(slim.sources) == 3
    assert len(slim.abstract) > 1000  # the listing's full abstract beats the API fixture's short one
