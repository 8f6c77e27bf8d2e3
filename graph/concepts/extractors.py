"""The keyphrase extractors one can name (``--extractor``), each returning ranked strings per document.

- ``paperkg``: :class:`graph.concepts.ranking.ConceptExtractor` (the default);
- ``keybert-plain``: KeyBERT as users commonly run it, one document at a time,
  ``extract_keywords(doc, keyphrase_ngram_range=(1, 3), stop_words="english", top_n=N)``;
- ``yake``: YAKE! (``pip install yake``), statistical, for comparison.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph.concepts.cache import EmbeddingCache
from graph.concepts.features import document_text
from graph.concepts.model import load_model, resolve_device
from graph.concepts.ranking import ConceptExtractor, Doc
from graph.defaults import BATCH_SIZE, EXTRACTORS, TOP_CONCEPTS
from graph.errors import ConfigError

if TYPE_CHECKING:
    from keybert import KeyBERT


Ranker = Callable[[Sequence[Doc]], dict[str, list[str]]]


@dataclass(frozen=True)
class KeyphraseOptions:
    """Options of ``paperkg concepts``: which extractor, keyphrases per document, and the embedding model's
    name, device and batch size; ``progress``: a progress bar (on a terminal only).

    >>> KeyphraseOptions(extractor="yake", top=5)
    KeyphraseOptions(extractor='yake', top=5, device='auto', batch_size=64, model=None, progress=False)
    """

    extractor: str = "paperkg"
    top: int = TOP_CONCEPTS
    device: str = "auto"
    batch_size: int = BATCH_SIZE
    model: str | None = None
    progress: bool = False


def make_ranker(options: KeyphraseOptions, cache: EmbeddingCache | None = None) -> Ranker:
    """A ready extractor (model loaded): call it with ``(id, title, abstract)`` tuples.

    >>> make_ranker(KeyphraseOptions(extractor="rake"))
    Traceback (most recent call last):
    ...
    graph.errors.ConfigError: extractor 'rake' is not one of paperkg, keybert-plain, yake
    """
    top = options.top
    if options.extractor == "paperkg":
        concept = ConceptExtractor(
            options.model, options.device, options.batch_size, top, cache=cache, progress=options.progress
        )
        concept.embedder  # noqa: B018 - loads the model now, not during the first extract
        return lambda docs: {doc_id: [h.surface for h in hits] for doc_id, hits in concept.extract(docs).items()}
    if options.extractor == "keybert-plain":
        from keybert import KeyBERT

        keybert = KeyBERT(model=load_model(options.model, resolve_device(options.device)))
        return lambda docs: keybert_plain(keybert, docs, top)
    if options.extractor == "yake":
        return lambda docs: yake_keyphrases(docs, top)
    raise ConfigError(f"extractor {options.extractor!r} is not one of {', '.join(EXTRACTORS)}")


def keybert_plain(keybert: KeyBERT, docs: Sequence[Doc], top: int) -> dict[str, list[str]]:
    """Plain KeyBERT, one call per document with its usual n-gram candidates (the baseline)."""
    return {
        doc_id: [
            phrase
            for phrase, _ in keybert.extract_keywords(
                document_text(title, abstract), keyphrase_ngram_range=(1, 3), stop_words="english", top_n=top
            )
        ]
        for doc_id, title, abstract in docs
    }


def yake_keyphrases(docs: Sequence[Doc], top: int) -> dict[str, list[str]]:
    """YAKE! keyphrases (up to 3 words), best first."""
    try:
        import yake
    except ImportError as exc:
        raise ConfigError("the 'yake' extractor needs the yake package: pip install yake") from exc
    extractor = yake.KeywordExtractor(lan="en", n=3, top=top)
    return {
        doc_id: [phrase for phrase, _ in extractor.extract_keywords(document_text(title, abstract))]
        for doc_id, title, abstract in docs
    }
