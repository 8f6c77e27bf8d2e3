"""In-database analysis with Neo4j Graph Data Science: the scale-out path of ``paperkg analyze``.

The same projections and choices as the in-memory analysis (:mod:`graph.analysis.projection`, the one
definition both read), on the graph already loaded in Neo4j (``paperkg neo4j load``):

- **PageRank** on the centrality projection: CITES (citing -> cited, unweighted) where at least
  ``MIN_CITATION_SHARE`` of the papers cite or are cited by another one, else the papers' RELATED_TO links
  (undirected, weighted by ``weight``); scaled to sum 1 (``scaler: L1Norm``), as NetworkX's.
- **Louvain** and **betweenness** on the RELATED_TO links (Louvain weighted, betweenness unweighted;
  betweenness exact up to ``betweenness_exact_max`` papers, else from ``betweenness_samples`` seeded
  sources, then normalised as NetworkX normalises: divided by (n-1)(n-2)/2).

Results are written onto the Paper nodes as the schema's ``pagerank``, ``community`` and ``betweenness``,
and the projections are dropped (also when an algorithm fails). Louvain runs with ``concurrency`` 1 by
default, so communities are reproducible; raise it for large graphs. GDS's Louvain has no resolution
setting: it maximises plain modularity (resolution 1), where the in-memory analysis also picks a resolution
and attaches small communities (:mod:`graph.analysis.communities`), so community numbers differ.

>>> [s.name for s, _ in analysis_plan(GdsOptions(), LINKS, papers=10)][:3]
['gds-drop-if-exists', 'gds-project', 'gds-pagerank-write']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from neo4j import Session
from neo4j.exceptions import DriverError, Neo4jError

from graph.analysis.projection import CITATIONS, LINKS, MIN_CITATION_SHARE, Projection
from graph.defaults import GDS_CONCURRENCY, SEED
from graph.errors import PaperkgError
from graph.export.graphdb import cypher
from graph.export.graphdb.load import Neo4jSettings, open_driver, unavailable_error


@dataclass(frozen=True)
class GdsOptions:
    """Projection name prefix, PageRank settings, Louvain threads, betweenness sampling (as in memory)."""

    graph_name: str = cypher.GDS_GRAPH_NAME
    max_iterations: int = 100
    damping_factor: float = 0.85
    concurrency: int = GDS_CONCURRENCY
    betweenness_exact_max: int = 2000
    betweenness_samples: int = 500
    seed: int = SEED


@dataclass
class GdsReport:
    """Summary rows of each GDS call, by step name, and the centrality projection used."""

    steps: dict[str, dict[str, Any]] = field(default_factory=dict)
    centrality: str = ""

    def lines(self) -> list[str]:
        head = [f"pagerank on: {self.centrality}"] if self.centrality else []
        return head + [f"{name}: {', '.join(f'{k}={v}' for k, v in row.items())}" for name, row in self.steps.items()]


def centrality_projection(papers: int, linked: int) -> Projection:
    """CITES where at least ``MIN_CITATION_SHARE`` of ``papers`` are ``linked`` by citations, else RELATED_TO.

    >>> centrality_projection(10, 5).name, centrality_projection(10, 4).name, centrality_projection(0, 0).name
    ('citations', 'links', 'links')
    """
    return CITATIONS if papers and linked / papers >= MIN_CITATION_SHARE else LINKS


def _graph_name(options: GdsOptions, projection: Projection) -> str:
    return f"{options.graph_name}-{projection.name}"


def analysis_plan(
    options: GdsOptions, centrality: Projection, papers: int
) -> list[tuple[cypher.Statement, dict[str, Any]]]:
    """The statements of one analysis with their parameters, in order (the final drops excluded)."""
    projections = list(dict.fromkeys([centrality, LINKS]))
    plan: list[tuple[cypher.Statement, dict[str, Any]]] = []
    for projection in projections:
        labels, types = cypher.gds_projection(projection)
        name = {"graph_name": _graph_name(options, projection)}
        plan.append((cypher.gds_drop_if_exists(), name))
        plan.append((cypher.gds_project(), {**name, "node_projection": labels, "relationship_projection": types}))

    def config(statement: cypher.Statement, projection: Projection, **extra: Any) -> dict[str, Any]:
        base = {**statement.params["config"], **cypher.gds_algorithm_config(projection), **extra}
        return {"graph_name": _graph_name(options, projection), "config": base}

    pagerank, louvain = cypher.gds_pagerank_write(), cypher.gds_louvain_write()
    betweenness = cypher.gds_betweenness_write()
    sampled = papers > options.betweenness_exact_max
    sampling = {"samplingSize": options.betweenness_samples, "samplingSeed": options.seed} if sampled else {}
    plan += [
        (pagerank, config(pagerank, centrality, maxIterations=options.max_iterations,
                          dampingFactor=options.damping_factor)),
        (louvain, config(louvain, LINKS, concurrency=options.concurrency)),
        (betweenness, {"graph_name": _graph_name(options, LINKS),
                       "config": {**betweenness.params["config"], **sampling}}),
        (cypher.scale_betweenness(), {"scale": 2 / ((papers - 1) * (papers - 2)) if papers > 2 else 0.0}),
    ]  # fmt: skip
    return plan


def _summary(session: Session, statement: cypher.Statement, params: dict[str, Any]) -> dict[str, Any]:
    record = session.run(statement.text, params).single()
    return {} if record is None else dict(record)


def analyze_in_neo4j(settings: Neo4jSettings | None = None, options: GdsOptions | None = None) -> GdsReport:
    """Run PageRank, Louvain and betweenness in Neo4j with GDS, writing results onto the Paper nodes."""
    settings = settings or Neo4jSettings.resolve()
    options = options or GdsOptions()
    report = GdsReport()
    with open_driver(settings) as driver, driver.session(database=settings.database) as session:
        try:
            share = _summary(session, cypher.citation_share(), {})
            centrality = centrality_projection(share["papers"], share["linked"])
            report.centrality = centrality.describe()
            try:
                for statement, params in analysis_plan(options, centrality, share["papers"]):
                    report.steps[statement.name] = _summary(session, statement, params)
            finally:
                for projection in dict.fromkeys([centrality, LINKS]):
                    name = {"graph_name": _graph_name(options, projection)}
                    report.steps[f"drop-{projection.name}"] = _summary(session, cypher.gds_drop_if_exists(), name)
        except Neo4jError as exc:
            hint = " (is the Graph Data Science plugin installed? see docs/neo4j.md)" if "gds." in str(exc) else ""
            raise PaperkgError(f"Graph Data Science analysis failed: {exc}{hint}") from exc
        except DriverError as exc:
            raise unavailable_error(settings, exc) from exc
    return report
