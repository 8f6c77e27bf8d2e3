"""Paper ids, title normalisation, merging of duplicates and reference resolution."""

from __future__ import annotations

from loaders.records import (
    Paper,
    PaperIndex,
    Source,
    merge,
    merge_all,
    normalize_arxiv,
    normalize_doi,
    normalize_title,
    resolve_references,
    title_key,
)


def test_ids_prefer_arxiv_then_doi_then_s2_then_title() -> None:
    assert Paper.create("A", arxiv="https://arxiv.org/abs/2310.01234v3", doi="10.1000/x").id == "arxiv:2310.01234"
    assert Paper.create("A", doi="https://doi.org/10.1109/CVPR.2016.90").id == "doi:10.1109/cvpr.2016.90"
    assert Paper.create("A", s2="abc123").id == "s2:abc123"
    assert Paper.create("A", openalex="https://openalex.org/W42").id == "openalex:W42"
    assert Paper.create("Deep Model Assembling").id == f"title:{title_key('deep model assembling')}"


def test_arxiv_doi_gives_the_arxiv_id() -> None:
    paper = Paper.create("SlimFlow", doi="10.48550/arXiv.2407.12718")
    assert paper.id == "arxiv:2407.12718"
    assert paper.external_ids == {"arxiv": "2407.12718", "doi": "10.48550/arxiv.2407.12718"}


def test_id_normalisers_reject_what_is_not_an_id() -> None:
    assert normalize_arxiv("hep-th/9901001v2") == "hep-th/9901001"
    assert normalize_arxiv("not an id") is None
    assert normalize_doi("doi: 10.1000/ABC.") == "10.1000/abc"
    assert normalize_doi("10.1/x") is None


def test_title_normalisation_folds_case_nfkc_punctuation_and_whitespace() -> None:
    assert normalize_title("  Merlin:Empowering\tMultimodal LLMs — with Foresight Minds! ") == (
        "merlin empowering multimodal llms with foresight minds"
    )
    assert normalize_title("ＳｌｉｍＦｌｏｗ") == "slimflow"  # full-width letters fold under NFKC
    assert normalize_title("DεpS: Delayed ε-Shrinking") == "dεps delayed ε shrinking"


def test_unicode_title_is_kept_intact() -> None:
    assert Paper.create("DεpS:  Delayed ε-Shrinking ").title == "DεpS: Delayed ε-Shrinking"


def test_merge_keeps_the_richest_field_values_and_all_sources() -> None:
    listing = Paper.create(
        "Improving the Training of Rectified Flows",
        abstract="A long abstract from the listing page, longer than the API's.",
        n_authors=3,
        sources=[Source("page.txt", 107)],
    )
    api = Paper.create(
        "Improving the training of rectified flows",
        arxiv="2405.20320",
        abstract="Short.",
        authors=["Sangyun Lee", "Zinan Lin", "Giulia Fanti"],
        published="2024-05-30",
        upvotes=4,
        references=["arxiv:2209.03003"],
        sources=[Source("api.json", 2)],
    )
    (merged,) = merge_all([listing, api])
    assert merged.id == "arxiv:2405.20320"
    assert merged.abstract == listing.abstract
    assert merged.authors == ["Sangyun Lee", "Zinan Lin", "Giulia Fanti"]
    assert (merged.n_authors, merged.published, merged.upvotes) == (3, "2024-05-30", 4)
    assert merged.references == ["arxiv:2209.03003"]
    assert merged.sources == [Source("api.json", 2), Source("page.txt", 107)]


def test_merge_prefers_the_more_precise_date() -> None:
    a = Paper.create("A", published="2023")
    b = Paper.create("A", published="2023-08-19")
    assert merge(a, b).published == "2023-08-19"


def test_merge_all_joins_records_linked_only_through_a_third() -> None:
    by_title = Paper.create("Flow Straight and Fast", sources=[Source("a.txt", 1)])
    by_arxiv = Paper.create("Rectified flow (preprint)", arxiv="2209.03003", sources=[Source("b.json", 1)])
    both = Paper.create("Flow straight and fast", arxiv="2209.03003", sources=[Source("c.bib", 1)])
    (merged,) = merge_all([by_title, by_arxiv, both])
    assert merged.id == "arxiv:2209.03003"
    assert [s.file for s in merged.sources] == ["a.txt", "b.json", "c.bib"]


def test_same_title_with_different_arxiv_ids_stays_two_papers() -> None:
    first = Paper.create("Continual Learning", arxiv="1802.07569")
    second = Paper.create("Continual learning", arxiv="2011.00001")
    untagged = Paper.create("CONTINUAL LEARNING")
    merged = merge_all([first, second, untagged])
    assert [p.id for p in merged] == ["arxiv:1802.07569", "arxiv:2011.00001"]


def test_merge_all_is_order_preserving_and_deterministic() -> None:
    papers = [Paper.create(t, sources=[Source("x", i)]) for i, t in enumerate(["B", "A", "b", "C", "a"])]
    merged = merge_all(papers)
    assert [p.title for p in merged] == ["B", "A", "C"]
    assert [p.to_dict() for p in merge_all(papers)] == [p.to_dict() for p in merged]


def test_resolve_references_points_to_corpus_ids_and_drops_self_citations() -> None:
    cited = Paper.create("Deep Residual Learning", arxiv="1512.03385", doi="10.1109/CVPR.2016.90")
    citing = Paper.create("UNITER", arxiv="1909.11740", references=["doi:10.1109/cvpr.2016.90", "arxiv:1909.11740"])
    outside = Paper.create("Other", references=["doi:10.1000/elsewhere"])
    resolve_references([cited, citing, outside])
    assert citing.references == ["arxiv:1512.03385"]
    assert outside.references == ["doi:10.1000/elsewhere"]


def test_round_trip_through_dict() -> None:
    paper = Paper.create("A", arxiv="2101.00001", authors=["X"], sources=[Source("f.txt", 3)])
    assert Paper.from_dict(paper.to_dict()) == paper


def test_same_title_without_authors_merges_within_three_years_only() -> None:
    a = Paper.create("Attention", published="2017")
    assert [p.published for p in merge_all([a, Paper.create("Attention", published="2019")])] == ["2017"]
    kept = merge_all([Paper.create("Attention", published="2017"), Paper.create("Attention", published="2021")])
    assert [(p.id, p.published) for p in kept] == [
        (f"title:{title_key('attention')}", "2017"),
        (f"title:{title_key('attention')}~2", "2021"),
    ]


def test_an_index_seeded_with_a_corpus_merges_as_one_pass_does() -> None:
    records = [
        Paper.create("Counterfactuals", authors=["David Lewis"], published="1973", sources=[Source("a.bib", 1)]),
        Paper.create("Counterfactuals", authors=["M. Ginsberg"], published="1986", sources=[Source("a.bib", 9)]),
        Paper.create("Counterfactuals", authors=["Ginsberg, Matthew"], doi="10.1/x", sources=[Source("b.csv", 2)]),
    ]
    one_pass = merge_all(records)
    incremental = PaperIndex(merge_all(records[:2]))
    placed = incremental.add(records[2])
    assert [p.to_dict() for p in incremental.papers()] == [p.to_dict() for p in one_pass]
    assert placed.absorbed == [f"title:{title_key('Counterfactuals')}~2"]
    assert [p.authors for p in one_pass] == [["David Lewis"], ["M. Ginsberg"]]
