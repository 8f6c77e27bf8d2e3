"""In-database analysis with Neo4j Graph Data Science: the scale-out path of ``paperkg analyze``.

The graph already loaded in Neo4j (``paperkg neo4j load``) is projected into the GDS catalog
(Paper, Concept and Technique nodes; HAS_CONCEPT, USES_TECHNIQUE, CITES, RELATED_TO and SUBTYPE_OF
read as undirected), then PageRank, Louvain and sampled betweenness write the schema's ``pagerank``,
``community`` and ``betweenness`` properties back onto the nodes, and the projection is dropped
(also when an algorithm fails). Louvain runs with ``concurrency`` 1 by default, so communities are
reproducible; raise it for large graphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from neo4j import Session
from neo4j.exceptions import DriverError, Neo4jError

from graph.errors import PaperkgError
from graph.export.graphdb import cypher
from graph.export.graphdb.load import Neo4jSettings, open_driver, unavailable_error

DEFAULT_GRAPH_NAME = "paperkg"


@dataclass(frozen=True)
class GdsOptions:
    """Algorithm settings: projection name, PageRank iterations, Louvain threads, betweenness sampling."""

    graph_name: str = DEFAULT_GRAPH_NAME
    max_iterations: int = 20
    damping_factor: float = 0.85
    concurrency: int = 1
    betweenness_samples: int = 1000
    seed: int = 42


@dataclass
class GdsReport:
    """Summary rows of each GDS call, by step name."""

    steps: dict[str, dict[str, Any]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        return [f"{name}: {', '.join(f'{k}={v}' for k, v in row.items())}" for name, row in self.steps.items()]


def analysis_plan(options: GdsOptions) -> list[tuple[cypher.Statement, dict[str, Any]]]:
    """The statements of one analysis with their parameters, in order (the final drop excluded)."""
    labels, types = cypher.analysis_projection()
    name = {"graph_name": options.graph_name}
    pagerank = cypher.gds_pagerank_write()
    louvain = cypher.gds_louvain_write()
    betweenness = cypher.gds_betweenness_write()
    return [
        (cypher.gds_drop_if_exists(), name),
        (cypher.gds_project(), {**name, "node_projection": labels, "relationship_projection": types}),
        (pagerank, {**name, "config": {**pagerank.params["config"], "maxIterations": options.max_iterations,
                                       "dampingFactor": options.damping_factor}}),
        (louvain, {**name, "config": {**louvain.params["config"], "concurrency": options.concurrency}}),
        (betweenness, {**name, "config": {**betweenness.params["config"],
                                          "samplingSize": options.betweenness_samples,
                                          "samplingSeed": options.seed}}),
    ]


def _summary(session: Session, statement: cypher.Statement, params: dict[str, Any]) -> dict[str, Any]:
    record = session.run(statement.text, params).single()
    return {} if record is None else dict(record)


def analyze_in_neo4j(settings: Neo4jSettings | None = None, options: GdsOptions | None = None) -> GdsReport:
    """Run PageRank, Louvain and betweenness in Neo4j with GDS, writing results onto the nodes."""
    settings = settings or Neo4jSettings.resolve()
    options = options or GdsOptions()
    report = GdsReport()
    with open_driver(settings) as driver, driver.session(database=settings.database) as session:
        try:
            try:
                for statement, params in analysis_plan(options):
                    report.steps[statement.name] = _summary(session, statement, params)
            finally:
                drop = cypher.gds_drop_if_exists()
                report.steps["drop-projection"] = _summary(session, drop, {"graph_name": options.graph_name})
        except Neo4jError as exc:
            hint = " (is the Graph Data Science plugin installed? see docs/neo4j.md)" if "gds." in str(exc) else ""
            raise PaperkgError(f"Graph Data Science analysis failed: {exc}{hint}") from exc
        except DriverError as exc:
            raise unavailable_error(settings, exc) from exc
    return report
