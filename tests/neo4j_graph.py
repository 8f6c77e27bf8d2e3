"""A small typed graph built by hand, strictly per graph/schema.py, for the Neo4j export tests."""

from __future__ import annotations

import networkx as nx

from graph import schema
from graph.schema import node_id


def sample_graph() -> nx.MultiDiGraph:
    """Three papers, two concepts, two techniques (one a subtype), one author; every relationship type."""
    G = nx.MultiDiGraph()
    p1, p2, p3 = (node_id(schema.PAPER, f"arxiv:2407.0000{i}") for i in (1, 2, 3))
    G.add_node(p1, kind=schema.PAPER, id="arxiv:2407.00001", title="SlimFlow: Training Smaller One-Step Models",
               abstract='One-step "rectified flow"\nwith distillation; fast.', published="2024-07-12", year=2024,
               n_authors=3, upvotes=12, url="https://arxiv.org/abs/2407.00001", sources=["a.txt:3", "b.json:1"],
               pagerank=0.31, community=0)
    G.add_node(p2, kind=schema.PAPER, id="arxiv:2407.00002", title="Improving the Training of Rectified Flows",
               abstract="Rectified flow training.", year=2024, n_authors=2, community=0, pagerank=0.22)
    G.add_node(p3, kind=schema.PAPER, id="arxiv:2407.00003", title="UNITER", year=2019, community=1, pagerank=0.1)
    c1, c2 = node_id(schema.CONCEPT, "rectified-flow"), node_id(schema.CONCEPT, "one-step")
    G.add_node(c1, kind=schema.CONCEPT, key="rectified-flow", label="rectified flow", aliases=["rectified flows"], df=2)
    G.add_node(c2, kind=schema.CONCEPT, key="one-step", label="one-step", aliases=[], df=1)
    t1, t2 = node_id(schema.TECHNIQUE, "distillation"), node_id(schema.TECHNIQUE, "consistency-distillation")
    G.add_node(t1, kind=schema.TECHNIQUE, key="distillation", label="distillation", family="training", df=2)
    G.add_node(t2, kind=schema.TECHNIQUE, key="consistency-distillation", label="consistency distillation",
               family="training", parent="distillation", aliases=["CD"], df=1)
    a1 = node_id(schema.AUTHOR, "a1b2c3")
    G.add_node(a1, kind=schema.AUTHOR, key="a1b2c3", name="Jane Doe")
    edges = [
        (p1, c1, schema.HAS_CONCEPT, {"score": 0.61, "rank": 1}),
        (p1, c2, schema.HAS_CONCEPT, {"score": 0.52, "rank": 2}),
        (p2, c1, schema.HAS_CONCEPT, {"score": 0.7, "rank": 1}),
        (p1, t2, schema.USES_TECHNIQUE, {"evidence": "consistency distillation"}),
        (p2, t1, schema.USES_TECHNIQUE, {"evidence": "distillation"}),
        (p3, t1, schema.USES_TECHNIQUE, {"evidence": "distilled"}),
        (p1, p2, schema.CITES, {"source": schema.CITES_FROM_MENTION, "evidence": "Rectified Flows"}),
        (*schema.related_pair(p2, p1), schema.RELATED_TO, {"weight": 0.8, "shared": ["rectified-flow"]}),
        (t2, t1, schema.SUBTYPE_OF, {}),
        (a1, p1, schema.AUTHORED, {"position": 1}),
    ]
    for u, v, rel, attrs in edges:
        G.add_edge(u, v, key=rel, kind=rel, **attrs)
    return G
