"""Every Cypher statement paperkg sends to Neo4j, in one place.

Labels, relationship types and property names are formatted into statements only after
:func:`label` / :func:`rel_type` / :func:`property_name` checked them against :mod:`graph.schema`;
every value travels as a parameter. The statements are linted by Neo4j's own parser in
``tests/test_cypher_lint.py`` (``pytest -k cypher``), which reads :func:`all_statements`.

>>> merge_nodes("Paper").text.splitlines()[1]
'MERGE (n:Paper {id: row.key})'
>>> label("Paper`) DETACH DELETE n //")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
graph.errors.ConfigError: unknown node label 'Paper`) DETACH DELETE n //'; known labels: Author, ...
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.analysis.projection import LINKS, Projection
from graph.errors import ConfigError, NotFoundError
from graph.schema import (
    CITES,
    CONCEPT,
    HAS_CONCEPT,
    NODES,
    PAPER,
    RELATIONSHIPS,
    SUBTYPE_OF,
    TECHNIQUE,
    USES_TECHNIQUE,
)

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

#: Name of the full-text index over Paper title and abstract (used by the ``search`` preset).
PAPER_FULLTEXT_INDEX = "paper_text"
#: Name of the full-text index over Concept and Technique labels.
ENTITY_FULLTEXT_INDEX = "entity_label"
#: Fields of the maps in a loader batch ``$rows``: node rows are ``{key, props}``, relationship rows
#: ``{start, end, props}`` (``start``/``end`` are the endpoints' keys).
ROW_FIELDS: tuple[str, ...] = ("key", "start", "end", "props")
#: Node labels whose ``<property>`` gets a range index (besides the uniqueness constraints).
_RANGE_INDEXES: tuple[tuple[str, str], ...] = (
    (PAPER, "year"),
    (PAPER, "community"),
    (CONCEPT, "community"),
    (TECHNIQUE, "family"),
)


@dataclass(frozen=True)
class Statement:
    """One Cypher statement: a short ``name``, its ``text``, and example ``params`` (for linting/docs)."""

    name: str
    text: str
    params: dict[str, Any] = field(default_factory=dict)


def _checked_identifier(name: str, what: str) -> str:
    if not _IDENTIFIER.fullmatch(name):
        raise ConfigError(f"{what} {name!r} is not a plain identifier")
    return name


def label(name: str) -> str:
    """``name`` if it is a node label of :data:`graph.schema.NODES`, else :class:`ConfigError`.

    >>> label("Concept")
    'Concept'
    """
    known = sorted(spec.label for spec in NODES.values())
    if name not in known:
        raise ConfigError(f"unknown node label {name!r}; known labels: {', '.join(known)}")
    return _checked_identifier(name, "node label")


def rel_type(name: str) -> str:
    """``name`` if it is a relationship type of :data:`graph.schema.RELATIONSHIPS`, else :class:`ConfigError`.

    >>> rel_type("CITES")
    'CITES'
    """
    if name not in RELATIONSHIPS:
        known = ", ".join(sorted(RELATIONSHIPS))
        raise ConfigError(f"unknown relationship type {name!r}; known types: {known}")
    return _checked_identifier(name, "relationship type")


def property_name(label_name: str, prop: str) -> str:
    """``prop`` if the schema gives nodes of ``label_name`` that property, else :class:`ConfigError`."""
    spec = NODES[_kind_of(label(label_name))]
    if prop not in spec.properties:
        raise ConfigError(f"label {label_name} has no property {prop!r}; known: {', '.join(spec.properties)}")
    return _checked_identifier(prop, "property")


def _kind_of(label_name: str) -> str:
    return next(kind for kind, spec in NODES.items() if spec.label == label_name)


def _label_of(kind: str) -> str:
    return label(NODES[kind].label)


def _key_of(label_name: str) -> str:
    return property_name(label_name, NODES[_kind_of(label_name)].key)


# --- schema: constraints and indexes ----------------------------------------------------------------------


def unique_key_constraint(label_name: str) -> Statement:
    """``CREATE CONSTRAINT`` making the label's key property unique (which also indexes it)."""
    lab = label(label_name)
    key = _key_of(lab)
    return Statement(
        f"constraint-{lab}",
        f"CREATE CONSTRAINT {lab.lower()}_{key}_unique IF NOT EXISTS FOR (n:{lab}) REQUIRE n.{key} IS UNIQUE",
    )


def range_index(label_name: str, prop: str) -> Statement:
    """``CREATE INDEX`` on one property of one label."""
    lab = label(label_name)
    name = property_name(lab, prop)
    return Statement(
        f"index-{lab}-{name}",
        f"CREATE INDEX {lab.lower()}_{name} IF NOT EXISTS FOR (n:{lab}) ON (n.{name})",
    )


def paper_fulltext_index() -> Statement:
    """The full-text index over Paper ``title`` and ``abstract`` (queried by the ``search`` preset)."""
    lab = _label_of(PAPER)
    title, abstract = property_name(lab, "title"), property_name(lab, "abstract")
    return Statement(
        "fulltext-paper",
        f"CREATE FULLTEXT INDEX {PAPER_FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{lab}) ON EACH [n.{title}, n.{abstract}]",
    )


def entity_fulltext_index() -> Statement:
    """The full-text index over Concept and Technique ``label``."""
    concept, technique = _label_of(CONCEPT), _label_of(TECHNIQUE)
    prop = property_name(concept, "label")
    property_name(technique, "label")
    return Statement(
        "fulltext-entity",
        f"CREATE FULLTEXT INDEX {ENTITY_FULLTEXT_INDEX} IF NOT EXISTS FOR (n:{concept}|{technique}) "
        f"ON EACH [n.{prop}]",
    )


def schema_statements() -> list[Statement]:
    """Constraints first (one per label), then range indexes, then the full-text indexes."""
    statements = [unique_key_constraint(spec.label) for spec in NODES.values()]
    statements += [range_index(NODES[kind].label, prop) for kind, prop in _RANGE_INDEXES]
    return [*statements, paper_fulltext_index(), entity_fulltext_index()]


# --- loading ----------------------------------------------------------------------------------------------


def merge_nodes(label_name: str) -> Statement:
    """Upsert a batch ``$rows`` of ``{key, props}`` maps as nodes of one label.

    ``SET n = row.props`` replaces every property, so one the graph no longer has goes too (``props``
    holds the key itself).

    >>> print(merge_nodes("Concept").text)
    UNWIND $rows AS row
    MERGE (n:Concept {key: row.key})
    SET n = row.props
    """
    lab = label(label_name)
    key = _key_of(lab)
    text = f"UNWIND $rows AS row\nMERGE (n:{lab} {{{key}: row.key}})\nSET n = row.props"
    return Statement(f"merge-{lab}", text, {"rows": [{"key": "k", "props": {}}]})


def merge_relationships(type_name: str) -> Statement:
    """Upsert a batch ``$rows`` of ``{start, end, props}`` maps as relationships of one type.

    Endpoints are matched by their label's key; a row whose endpoint is missing creates nothing.
    ``SET r = row.props`` replaces every property, as :func:`merge_nodes` does.
    """
    spec = RELATIONSHIPS[rel_type(type_name)]
    start, end = _label_of(spec.start), _label_of(spec.end)
    start_key, end_key = _key_of(start), _key_of(end)
    text = (
        "UNWIND $rows AS row\n"
        f"MATCH (a:{start} {{{start_key}: row.start}})\n"
        f"MATCH (b:{end} {{{end_key}: row.end}})\n"
        f"MERGE (a)-[r:{spec.type}]->(b)\n"
        "SET r = row.props"
    )
    return Statement(f"merge-{spec.type}", text, {"rows": [{"start": "a", "end": "b", "props": {}}]})


def wipe() -> Statement:
    """Delete every node of paperkg's labels (and their relationships), in batches of ``$batch_size``.

    Runs in auto-commit transactions (``CALL ... IN TRANSACTIONS``), so send it with ``session.run``.
    """
    labels = "|".join(_label_of(kind) for kind in NODES)
    text = (
        f"MATCH (n:{labels})\n"
        "CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF $batch_size ROWS"
    )
    return Statement("wipe", text, {"batch_size": 10000})


def node_keys(label_name: str) -> Statement:
    """The key of every node of one label, as column ``key`` (what a sync compares with the graph)."""
    lab = label(label_name)
    return Statement(f"keys-{lab}", f"MATCH (n:{lab}) RETURN n.{_key_of(lab)} AS key")


def relationship_ends(type_name: str) -> Statement:
    """The endpoints' keys of every relationship of one type, as columns ``start`` and ``end``."""
    spec = RELATIONSHIPS[rel_type(type_name)]
    start, end = _label_of(spec.start), _label_of(spec.end)
    return Statement(
        f"ends-{spec.type}",
        f"MATCH (a:{start})-[:{spec.type}]->(b:{end})\nRETURN a.{_key_of(start)} AS start, b.{_key_of(end)} AS end",
    )


def delete_nodes(label_name: str) -> Statement:
    """Delete the nodes of one label whose keys are in the batch ``$keys``, with their relationships."""
    lab = label(label_name)
    text = f"UNWIND $keys AS key\nMATCH (n:{lab} {{{_key_of(lab)}: key}})\nDETACH DELETE n"
    return Statement(f"delete-{lab}", text, {"keys": ["k"]})


def delete_relationships(type_name: str) -> Statement:
    """Delete the relationships of one type between the ``{start, end}`` key pairs of the batch ``$rows``."""
    spec = RELATIONSHIPS[rel_type(type_name)]
    start, end = _label_of(spec.start), _label_of(spec.end)
    text = (
        "UNWIND $rows AS row\n"
        f"MATCH (:{start} {{{_key_of(start)}: row.start}})-[r:{spec.type}]->(:{end} {{{_key_of(end)}: row.end}})\n"
        "DELETE r"
    )
    return Statement(f"delete-{spec.type}", text, {"rows": [{"start": "a", "end": "b"}]})


def count_nodes(label_name: str) -> Statement:
    """Number of nodes of one label, as column ``count``."""
    return Statement(f"count-{label(label_name)}", f"MATCH (n:{label(label_name)}) RETURN count(n) AS count")


def count_relationships(type_name: str) -> Statement:
    """Number of relationships of one type, as column ``count``."""
    typ = rel_type(type_name)
    return Statement(f"count-{typ}", f"MATCH ()-[r:{typ}]->() RETURN count(r) AS count")


# --- Graph Data Science -----------------------------------------------------------------------------------
# The projections are graph.analysis.projection's (ONE definition for NetworkX and GDS): papers only, one
# relationship type in one orientation, weighted or not.


def _rel_property(projection: Projection) -> str | None:
    """The projection's weight property, checked against the schema's properties of its relationship type."""
    if projection.weight is None:
        return None
    if projection.weight not in RELATIONSHIPS[rel_type(projection.relationship)].properties:
        raise ConfigError(f"{projection.relationship} has no property {projection.weight!r}")
    return _checked_identifier(projection.weight, "relationship property")


def gds_projection(projection: Projection) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """The ``nodeProjection`` and ``relationshipProjection`` of ``gds.graph.project`` for ``projection``.

    >>> gds_projection(LINKS)
    (['Paper'], {'RELATED_TO': {'type': 'RELATED_TO', 'orientation': 'UNDIRECTED', 'properties': ['weight']}})
    """
    rel: dict[str, Any] = {"type": rel_type(projection.relationship), "orientation": projection.orientation}
    weight = _rel_property(projection)
    if weight:
        rel["properties"] = [weight]
    return [_label_of(PAPER)], {rel["type"]: rel}


def gds_algorithm_config(projection: Projection) -> dict[str, Any]:
    """Config entries every algorithm on ``projection`` takes: its weight property, if it has one."""
    weight = _rel_property(projection)
    return {"relationshipWeightProperty": weight} if weight else {}


def citation_share() -> Statement:
    """Papers, and papers citing or cited by another paper (the share that picks the centrality projection)."""
    paper, cites = _label_of(PAPER), rel_type(CITES)
    return Statement(
        "citation-share",
        f"MATCH (p:{paper})\n"
        "WITH count(p) AS papers\n"
        f"OPTIONAL MATCH (a:{paper})-[:{cites}]-(b:{paper}) WHERE a <> b\n"
        "RETURN papers, count(DISTINCT a) AS linked",
    )


#: Name (prefix) of paperkg's GDS projections; the algorithm settings are :class:`~graph.export.graphdb.gds.GdsOptions`.
GDS_GRAPH_NAME = "paperkg"
_GDS_GRAPH = {"graph_name": GDS_GRAPH_NAME}


def gds_drop_if_exists() -> Statement:
    """Drop the projection ``$graph_name`` if it exists; always one row (``dropped`` is 0 or 1)."""
    return Statement(
        "gds-drop-if-exists",
        "CALL gds.graph.drop($graph_name, false) YIELD graphName\nRETURN count(graphName) AS dropped",
        {**_GDS_GRAPH},
    )


def gds_project() -> Statement:
    """Project ``$node_projection`` / ``$relationship_projection`` into the GDS catalog as ``$graph_name``."""
    labels, types = gds_projection(LINKS)
    return Statement(
        "gds-project",
        "CALL gds.graph.project($graph_name, $node_projection, $relationship_projection)\n"
        "YIELD graphName, nodeCount, relationshipCount\n"
        "RETURN graphName, nodeCount, relationshipCount",
        {**_GDS_GRAPH, "node_projection": labels, "relationship_projection": types},
    )


def gds_pagerank_write() -> Statement:
    """PageRank over ``$graph_name``, scaled to sum 1 (as NetworkX's), written as the ``pagerank`` property."""
    prop = property_name(_label_of(PAPER), "pagerank")
    return Statement(
        "gds-pagerank-write",
        "CALL gds.pageRank.write($graph_name, $config)\n"
        "YIELD nodePropertiesWritten, ranIterations, didConverge\n"
        "RETURN nodePropertiesWritten, ranIterations, didConverge",
        {**_GDS_GRAPH, "config": {"writeProperty": prop, "tolerance": 1e-8, "scaler": "L1Norm"}},
    )


def gds_louvain_write() -> Statement:
    """Louvain communities over ``$graph_name``, written back as the schema's ``community`` property."""
    prop = property_name(_label_of(PAPER), "community")
    return Statement(
        "gds-louvain-write",
        "CALL gds.louvain.write($graph_name, $config)\n"
        "YIELD nodePropertiesWritten, communityCount, modularity\n"
        "RETURN nodePropertiesWritten, communityCount, modularity",
        {**_GDS_GRAPH, "config": {"writeProperty": prop}},
    )


def gds_betweenness_write() -> Statement:
    """Betweenness over ``$graph_name`` (sampled when the config says so), written as ``betweenness``."""
    prop = property_name(_label_of(PAPER), "betweenness")
    return Statement(
        "gds-betweenness-write",
        "CALL gds.betweenness.write($graph_name, $config)\n"
        "YIELD nodePropertiesWritten, centralityDistribution\n"
        "RETURN nodePropertiesWritten, centralityDistribution.max AS max",
        {**_GDS_GRAPH, "config": {"writeProperty": prop}},
    )


def scale_betweenness() -> Statement:
    """Multiply every paper's ``betweenness`` by ``$scale`` (GDS's raw pair counts -> NetworkX's normalised)."""
    paper = _label_of(PAPER)
    prop = property_name(paper, "betweenness")
    return Statement(
        "scale-betweenness",
        f"MATCH (p:{paper}) WHERE p.{prop} IS NOT NULL\n"
        f"SET p.{prop} = p.{prop} * $scale\n"
        "RETURN count(p) AS scaled",
        {"scale": 1.0},
    )


def gds_statements() -> list[Statement]:
    """The in-database analysis, in the order it runs (it ends with :func:`gds_drop_if_exists` again)."""
    return [
        citation_share(),
        gds_drop_if_exists(),
        gds_project(),
        gds_pagerank_write(),
        gds_louvain_write(),
        gds_betweenness_write(),
        scale_betweenness(),
    ]


# --- presets ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Preset:
    """A named, documented query: ``params`` maps each parameter to its default (``None``: required)."""

    name: str
    description: str
    cypher: str
    params: dict[str, Any] = field(default_factory=dict)

    def statement(self) -> Statement:
        """The preset as a :class:`Statement`, with example values for required parameters."""
        example = {k: ("x" if v is None else v) for k, v in self.params.items()}
        return Statement(f"preset-{self.name}", self.cypher, example)


def _paper_match(var: str, param: str) -> str:
    """A WHERE condition matching paper ``var`` by id, or by the start of its title (case-insensitive)."""
    return f"({var}.id = ${param} OR toLower({var}.title) STARTS WITH toLower(${param}))"


def _gds_stream_preset(
    name: str, description: str, stream: str, columns: tuple[str, ...], params: dict[str, Any]
) -> Preset:
    """A preset that projects the papers' RELATED_TO links (:data:`~graph.analysis.projection.LINKS`, as the
    in-memory communities use), streams one algorithm, and drops the projection.

    ``stream`` is the body between the projection and the drop; it sees ``graphName`` and
    ``$algorithm_config`` (the weight property, and ``params``' ``algorithm_config``), and must end
    with ``WITH graphName, collect({...}) AS rows``, whose maps have the keys ``columns``.
    A projection left by an interrupted earlier run is dropped first.
    """
    returns = ", ".join(f"row.{column} AS {column}" for column in columns)
    cypher = (
        "CALL () {\n"
        "  CALL gds.graph.drop($graph_name, false) YIELD graphName\n"
        "  RETURN count(graphName) AS stale\n"
        "}\n"
        "CALL gds.graph.project($graph_name, $node_projection, $relationship_projection)\n"
        "YIELD graphName\n"
        f"{stream}\n"
        "CALL gds.graph.drop(graphName) YIELD graphName AS dropped\n"
        "UNWIND rows AS row\n"
        f"RETURN {returns}"
    )
    labels, types = gds_projection(LINKS)
    defaults = {"graph_name": f"{GDS_GRAPH_NAME}-{name}", "node_projection": labels, "relationship_projection": types}
    config = {**gds_algorithm_config(LINKS), **params.pop("algorithm_config", {})}
    return Preset(name, description, cypher, {**defaults, "algorithm_config": config, **params})


def _presets() -> list[Preset]:
    paper, concept, technique = _label_of(PAPER), _label_of(CONCEPT), _label_of(TECHNIQUE)
    uses, has, sub = rel_type(USES_TECHNIQUE), rel_type(HAS_CONCEPT), rel_type(SUBTYPE_OF)
    return [
        Preset(
            "shared-techniques",
            "Papers that use the same techniques as $paper (id, or the start of its title), most shared first; "
            "with $paper empty, every pair of papers sharing techniques.",
            f"MATCH (p:{paper})-[:{uses}]->(t:{technique})<-[:{uses}]-(other:{paper})\n"
            "WHERE other <> p\n"
            f"  AND CASE WHEN $paper = '' THEN p.id < other.id ELSE {_paper_match('p', 'paper')} END\n"
            "WITH p, other, collect(DISTINCT t.label) AS techniques\n"
            "RETURN p.title AS paper, other.title AS other, size(techniques) AS shared, techniques\n"
            "ORDER BY shared DESC, paper, other\n"
            "LIMIT $limit",
            {"paper": "", "limit": 25},
        ),
        Preset(
            "cross-community-techniques",
            "Techniques used by papers of the most distinct communities (needs the `community` "
            "property: `paperkg neo4j load` of an analysed graph, or `paperkg analyze --engine neo4j`).",
            f"MATCH (p:{paper})-[:{uses}]->(t:{technique})\n"
            "WHERE p.community IS NOT NULL\n"
            "WITH t, count(DISTINCT p.community) AS communities, count(DISTINCT p) AS papers\n"
            "WHERE communities >= $min_communities\n"
            "RETURN t.key AS technique, t.label AS label, communities, papers\n"
            "ORDER BY communities DESC, papers DESC, technique\n"
            "LIMIT $limit",
            {"min_communities": 2, "limit": 25},
        ),
        Preset(
            "concept-path",
            "The shortest chain of shared concepts and techniques linking paper $from to paper $to (ids, or "
            "starts of titles): each hop is one concept or technique both neighbours have.",
            f"MATCH (a:{paper}) WHERE {_paper_match('a', 'from')}\n"
            f"MATCH (b:{paper}) WHERE {_paper_match('b', 'to')} AND b <> a\n"
            f"MATCH path = shortestPath((a)-[:{has}|{uses}*..12]-(b))\n"
            "RETURN length(path) / 2 AS hops,\n"
            "       [n IN nodes(path) | coalesce(n.title, n.label)] AS steps\n"
            "ORDER BY hops\n"
            "LIMIT 1",
            {"from": None, "to": None},
        ),
        _gds_stream_preset(
            "pagerank",
            "Top papers by PageRank over their weighted RELATED_TO links, computed now in the database by Graph "
            "Data Science (gds.graph.project + gds.pageRank.stream; the projection is dropped afterwards).",
            "CALL gds.pageRank.stream(graphName, $algorithm_config) YIELD nodeId, score\n"
            "WITH graphName, gds.util.asNode(nodeId) AS node, score\n"
            f"WHERE node:{paper}\n"
            "WITH graphName, node, score ORDER BY score DESC, node.id LIMIT $limit\n"
            "WITH graphName, collect({id: node.id, title: node.title, pagerank: score}) AS rows",
            ("id", "title", "pagerank"),
            {"limit": 20, "algorithm_config": {"scaler": "L1Norm"}},
        ),
        _gds_stream_preset(
            "communities",
            "Louvain communities of the papers' weighted RELATED_TO links, computed now by Graph Data "
            "Science (gds.louvain.stream): size and a few member papers of each, largest first.",
            "CALL gds.louvain.stream(graphName, $algorithm_config) YIELD nodeId, communityId\n"
            "WITH graphName, gds.util.asNode(nodeId) AS node, communityId\n"
            f"WHERE node:{paper}\n"
            "WITH graphName, communityId, count(node) AS size, collect(node.title)[..$examples] AS papers\n"
            "ORDER BY size DESC, communityId LIMIT $limit\n"
            "WITH graphName, collect({community: communityId, size: size, papers: papers}) AS rows",
            ("community", "size", "papers"),
            {"limit": 20, "examples": 3, "algorithm_config": {"concurrency": 1}},
        ),
        Preset(
            "co-occurring-techniques",
            "Pairs of techniques used together in the same papers, most frequent first.",
            f"MATCH (t1:{technique})<-[:{uses}]-(p:{paper})-[:{uses}]->(t2:{technique})\n"
            "WHERE t1.key < t2.key\n"
            "RETURN t1.label AS technique, t2.label AS with_technique, count(DISTINCT p) AS papers\n"
            "ORDER BY papers DESC, technique, with_technique\n"
            "LIMIT $limit",
            {"limit": 25},
        ),
        Preset(
            "technique-timeline",
            "Papers per year using technique $technique (key or label) or any of its subtypes.",
            f"MATCH (t:{technique}) WHERE t.key = $technique OR toLower(t.label) = toLower($technique)\n"
            f"MATCH (t)<-[:{sub}*0..]-(:{technique})<-[:{uses}]-(p:{paper})\n"
            "WHERE p.year IS NOT NULL\n"
            "WITH p.year AS year, collect(DISTINCT p.title) AS titles\n"
            "RETURN year, size(titles) AS papers, titles[..$examples] AS examples\n"
            "ORDER BY year",
            {"technique": None, "examples": 3},
        ),
        Preset(
            "search",
            f"Full-text search of paper titles and abstracts (Lucene syntax) in the {PAPER_FULLTEXT_INDEX} index.",
            f"CALL db.index.fulltext.queryNodes('{PAPER_FULLTEXT_INDEX}', $text) YIELD node, score\n"
            "RETURN node.id AS id, node.title AS title, node.year AS year, score\n"
            "ORDER BY score DESC, id\n"
            "LIMIT $limit",
            {"text": None, "limit": 20},
        ),
        Preset(
            "top-concepts",
            "Concepts used by the most papers, with their PageRank where it was loaded or computed.",
            f"MATCH (c:{concept})<-[:{has}]-(p:{paper})\n"
            "RETURN c.key AS concept, c.label AS label, count(p) AS papers, c.pagerank AS pagerank\n"
            "ORDER BY papers DESC, concept\n"
            "LIMIT $limit",
            {"limit": 25},
        ),
    ]


#: The query presets, by name.
PRESETS: dict[str, Preset] = {preset.name: preset for preset in _presets()}


def preset(name: str) -> Preset:
    """The preset called ``name``, or :class:`NotFoundError` listing the known ones."""
    if name not in PRESETS:
        raise NotFoundError(f"no query preset {name!r}; known presets: {', '.join(sorted(PRESETS))}")
    return PRESETS[name]


def preset_params(chosen: Preset, given: Mapping[str, Any]) -> dict[str, Any]:
    """The preset's defaults overridden by ``given``; unknown or missing required parameters raise ConfigError."""
    unknown = sorted(set(given) - set(chosen.params))
    if unknown:
        raise ConfigError(f"preset {chosen.name!r} has no parameter {', '.join(unknown)}; "
                          f"its parameters: {', '.join(chosen.params) or 'none'}")
    merged = {**chosen.params, **given}
    missing = [name for name, value in merged.items() if value is None]
    if missing:
        needed = " ".join(f"--param {name}=..." for name in missing)
        raise ConfigError(f"preset {chosen.name!r} needs {needed}")
    return merged


def load_statements() -> list[Statement]:
    """The loader's statements for every label and relationship type of the schema."""
    return [
        wipe(),
        *schema_statements(),
        *(merge_nodes(spec.label) for spec in NODES.values()),
        *(merge_relationships(t) for t in RELATIONSHIPS),
        *(node_keys(spec.label) for spec in NODES.values()),
        *(relationship_ends(t) for t in RELATIONSHIPS),
        *(delete_nodes(spec.label) for spec in NODES.values()),
        *(delete_relationships(t) for t in RELATIONSHIPS),
        *(count_nodes(spec.label) for spec in NODES.values()),
        *(count_relationships(t) for t in RELATIONSHIPS),
    ]


def all_statements() -> list[Statement]:
    """Every statement the project ships: loader, analysis and presets."""
    return [*load_statements(), *gds_statements(), *(preset.statement() for preset in PRESETS.values())]
