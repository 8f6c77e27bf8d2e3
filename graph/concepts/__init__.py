"""Concept extraction: real-phrase candidates, canonical keys, KeyBERT ranking, embedding caches.

>>> from graph.concepts import concept_key
>>> concept_key("Rectified Flows")
'rectified flow'
"""

from graph.concepts.cache import EmbeddingCache, MemoryEmbeddingCache
from graph.concepts.candidates import AcronymTie, candidates, find_acronyms
from graph.concepts.normalize import aliases, concept_key, display_label
from graph.concepts.ranking import ConceptExtractor
from graph.concepts.rules import ConceptRules

__all__ = [
    "AcronymTie",
    "ConceptExtractor",
    "ConceptRules",
    "EmbeddingCache",
    "MemoryEmbeddingCache",
    "aliases",
    "candidates",
    "concept_key",
    "display_label",
    "find_acronyms",
]
