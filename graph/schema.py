"""The ONE definition of the graph's shape, read by the NetworkX build and every export.

Node ids in NetworkX are ``"<kind>:<key>"`` (``paper:arxiv:2407.12718``, ``concept:one-step``,
``technique:distillation``, ``author:<hash>``); every node and edge carries ``kind``. A node's ``kind``
is the lowercase label (``paper``), an edge's ``kind`` is the relationship type (``HAS_CONCEPT``).
The graph is a :class:`networkx.MultiDiGraph` keyed by relationship type, so a pair of papers can be
both ``CITES`` and ``RELATED_TO``. Undirected relationships (``RELATED_TO``) are stored once, from the
smaller node id to the larger.

>>> node_id(PAPER, "arxiv:2407.12718")
'paper:arxiv:2407.12718'
>>> split_node_id("technique:one-step")
('technique', 'one-step')
>>> NODES["paper"].label, RELATIONSHIPS["CITES"].end
('Paper', 'paper')
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Node kinds (the ``kind`` attribute and the node-id prefix).
PAPER = "paper"
CONCEPT = "concept"
TECHNIQUE = "technique"
AUTHOR = "author"

#: Relationship types (the ``kind`` attribute of edges and the Neo4j type).
HAS_CONCEPT = "HAS_CONCEPT"
USES_TECHNIQUE = "USES_TECHNIQUE"
CITES = "CITES"
RELATED_TO = "RELATED_TO"
SUBTYPE_OF = "SUBTYPE_OF"
AUTHORED = "AUTHORED"

#: Property value types, named as Neo4j's admin-import headers name them.
STRING, INT, FLOAT, STRING_LIST = "string", "int", "float", "string[]"


@dataclass(frozen=True)
class NodeSpec:
    """One node label: its kind, key property and typed properties (key included)."""

    kind: str
    label: str
    key: str
    properties: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class RelSpec:
    """One relationship type: endpoints' kinds and typed properties (all are stored directed; RELATED_TO,
    undirected in meaning, is stored once in the orientation of :func:`related_pair`)."""

    type: str
    start: str
    end: str
    properties: dict[str, str] = field(default_factory=dict)


_ANALYSIS = {
    "community": INT,
    "pagerank": FLOAT,
    "betweenness": FLOAT,
    "degree": INT,
}

NODES: dict[str, NodeSpec] = {
    spec.kind: spec
    for spec in (
        NodeSpec(
            PAPER,
            "Paper",
            "id",
            {
                "id": STRING,
                "title": STRING,
                "abstract": STRING,
                "published": STRING,
                "year": INT,
                "n_authors": INT,
                "upvotes": INT,
                "url": STRING,
                "code_url": STRING,
                "sources": STRING_LIST,
                "references": STRING_LIST,
                **_ANALYSIS,
            },
        ),
        NodeSpec(
            CONCEPT,
            "Concept",
            "key",
            {
                "key": STRING,
                "label": STRING,
                "aliases": STRING_LIST,
                "df": INT,
                "technique": STRING,
                "specificity": FLOAT,
                "method": INT,
                **_ANALYSIS,
            },
        ),
        NodeSpec(
            TECHNIQUE,
            "Technique",
            "key",
            {
                "key": STRING,
                "label": STRING,
                "family": STRING,
                "aliases": STRING_LIST,
                "parent": STRING,
                "df": INT,
                "specificity": FLOAT,
                "broad": INT,
                **_ANALYSIS,
            },
        ),
        NodeSpec(AUTHOR, "Author", "key", {"key": STRING, "name": STRING}),
    )
}

RELATIONSHIPS: dict[str, RelSpec] = {
    spec.type: spec
    for spec in (
        RelSpec(HAS_CONCEPT, PAPER, CONCEPT, properties={"score": FLOAT, "rank": INT}),
        RelSpec(USES_TECHNIQUE, PAPER, TECHNIQUE, properties={"evidence": STRING, "role": STRING}),
        RelSpec(CITES, PAPER, PAPER, properties={"via": STRING, "evidence": STRING}),
        RelSpec(RELATED_TO, PAPER, PAPER, properties={"weight": FLOAT, "text": FLOAT, "shared": STRING_LIST}),
        RelSpec(SUBTYPE_OF, TECHNIQUE, TECHNIQUE),
        RelSpec(AUTHORED, AUTHOR, PAPER, properties={"position": INT}),
    )
}

#: Roles of a technique in a paper (the ``role`` of USES_TECHNIQUE): relatedness reads ``uses`` only.
TECHNIQUE_ROLES = ("uses", "compares", "mentions")

#: Flags (``method`` on Concept: the name a paper introduces; ``broad`` on Technique: an umbrella technique)
#: are ``True`` in NetworkX and absent otherwise; typed ``int`` (1) for Neo4j. ``specificity`` (0..1, higher =
#: more specific, :mod:`graph.specificity`) is on every Concept and Technique. A Paper's ``references`` (ids,
#: in the corpus or not) are the citation evidence of ``similar`` (bibliographic coupling).

#: Values of the ``via`` property of CITES edges (named so that it never collides with node-link's
#: ``source``/``target`` fields in graph.json).
CITES_FROM_REFERENCES = "references"
CITES_FROM_MENTION = "mention"

#: Neo4j labels by node kind, and the reverse.
LABELS: dict[str, str] = {kind: spec.label for kind, spec in NODES.items()}
KIND_OF_LABEL: dict[str, str] = {label: kind for kind, label in LABELS.items()}


def node_id(kind: str, key: str) -> str:
    """The NetworkX node id of a node of ``kind`` with key ``key``."""
    if kind not in NODES:
        raise ValueError(f"unknown node kind {kind!r}")
    return f"{kind}:{key}"


def split_node_id(nid: str) -> tuple[str, str]:
    """``"paper:arxiv:1"`` -> ``("paper", "arxiv:1")``."""
    kind, _, key = nid.partition(":")
    if kind not in NODES or not key:
        raise ValueError(f"not a paperkg node id: {nid!r}")
    return kind, key


def related_pair(a: str, b: str) -> tuple[str, str]:
    """The stored orientation of an undirected RELATED_TO edge between two paper node ids."""
    return (a, b) if a <= b else (b, a)
