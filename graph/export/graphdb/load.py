"""Load the typed graph into a running Neo4j with the official driver.

Order: (optional wipe of paperkg's labels) -> uniqueness constraints and indexes -> nodes per label ->
relationships per type, each in batches of ``UNWIND $rows AS row MERGE ... SET n = row.props`` sent
through ``session.execute_write`` (a managed transaction: the driver retries transient errors, and
MERGE makes a retried batch harmless) -> sync: nodes and relationships of paperkg's labels and types that
the graph no longer has are deleted (see :func:`plan_sync`). So a load makes the database hold what
``graph.json`` holds: loading twice changes nothing, and after ``paperkg add`` or a rebuild a load updates
what changed and removes what is gone. ``wipe`` deletes only nodes of paperkg's labels (Paper, Concept,
Technique, Author); other data in the database is never touched.

Connection settings come from arguments or ``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` /
``NEO4J_DATABASE``; the defaults match ``docker-compose.yml`` (a local-only password).

>>> Neo4jSettings.resolve(uri="bolt://db:7687", env={"NEO4J_USER": "me"}).user
'me'
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import networkx as nx
from neo4j import Driver, GraphDatabase, ManagedTransaction, Session
from neo4j.exceptions import AuthError, DriverError, Neo4jError
from tqdm import tqdm

from graph.errors import Neo4jUnavailableError, PaperkgError
from graph.export.graphdb import cypher
from graph.export.graphdb.rows import GraphRows, batched
from graph.schema import NODES, RELATIONSHIPS

#: Database keys per label, and (start, end) key pairs per relationship type.
Keys = dict[str, set[str]]
Pairs = dict[str, set[tuple[str, str]]]

DEFAULT_URI = "bolt://localhost:7687"
DEFAULT_USER = "neo4j"
#: The password docker-compose.yml sets when NEO4J_PASSWORD is unset: for a local, unexposed container only.
DEFAULT_PASSWORD = "paperkg-local"
DEFAULT_BATCH_SIZE = 1000


@dataclass(frozen=True)
class Neo4jSettings:
    """Where and as whom to connect; ``database`` None means the server's default database."""

    uri: str = DEFAULT_URI
    user: str = DEFAULT_USER
    password: str = field(default=DEFAULT_PASSWORD, repr=False)
    database: str | None = None

    @classmethod
    def resolve(
        cls,
        uri: str | None = None,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Neo4jSettings:
        """Settings from explicit values, else ``NEO4J_*`` environment variables, else the defaults."""
        env = os.environ if env is None else env
        return cls(
            uri=uri or env.get("NEO4J_URI") or DEFAULT_URI,
            user=user or env.get("NEO4J_USER") or DEFAULT_USER,
            password=password or env.get("NEO4J_PASSWORD") or DEFAULT_PASSWORD,
            database=database or env.get("NEO4J_DATABASE") or None,
        )


def unavailable_error(settings: Neo4jSettings, exc: BaseException) -> Neo4jUnavailableError:
    """The error for a server that cannot be reached or refuses the credentials, with what to do."""
    if isinstance(exc, AuthError):
        hint = "check --user/--password or NEO4J_USER/NEO4J_PASSWORD"
    else:
        hint = "start it with `docker compose up -d` (see docs/neo4j.md) or set NEO4J_URI"
    return Neo4jUnavailableError(f"cannot use Neo4j at {settings.uri} as {settings.user!r}: {exc}; {hint}")


@contextmanager
def open_driver(settings: Neo4jSettings) -> Iterator[Driver]:
    """A connected driver (connectivity verified), closed on exit.

    A refused connection, bad credentials or an unusable URI raise :class:`Neo4jUnavailableError`.
    """
    try:
        driver = GraphDatabase.driver(
            settings.uri,
            auth=(settings.user, settings.password),
            connection_timeout=15,
            # the loader's counts name types the graph may not use (AUTHORED without authors): no log noise
            notifications_min_severity="OFF",
        )
    except (DriverError, ValueError, ImportError) as exc:
        raise unavailable_error(settings, exc) from exc
    try:
        try:
            driver.verify_connectivity()
        except (DriverError, Neo4jError, OSError) as exc:
            raise unavailable_error(settings, exc) from exc
        yield driver
    finally:
        driver.close()


@dataclass(frozen=True)
class LoadStep:
    """One unit of the load: a statement and its parameters; ``rows`` is the batch size it carries.

    ``auto_commit`` steps (schema changes, the batched wipe) run with ``session.run``; the others
    in a managed write transaction.
    """

    statement: cypher.Statement
    params: dict[str, Any]
    rows: int = 0
    auto_commit: bool = False


def plan_load(G: nx.MultiDiGraph, batch_size: int = DEFAULT_BATCH_SIZE, wipe: bool = False) -> list[LoadStep]:
    """Every step of loading ``G``, in order, without touching a database.

    Nodes come before relationships so that every relationship finds its endpoints.
    """
    rows = GraphRows.of(G)
    steps: list[LoadStep] = []
    if wipe:
        steps.append(LoadStep(cypher.wipe(), {"batch_size": 10000}, auto_commit=True))
    steps += [LoadStep(statement, {}, auto_commit=True) for statement in cypher.schema_statements()]
    for kind, spec in NODES.items():
        statement = cypher.merge_nodes(spec.label)
        steps += [LoadStep(statement, {"rows": b}, len(b)) for b in batched(rows.nodes(kind), batch_size)]
    for rel in RELATIONSHIPS:
        statement = cypher.merge_relationships(rel)
        steps += [LoadStep(statement, {"rows": b}, len(b)) for b in batched(rows.relationships(rel), batch_size)]
    return steps


def plan_sync(
    G: nx.MultiDiGraph, db_keys: Keys, db_pairs: Pairs, batch_size: int = DEFAULT_BATCH_SIZE
) -> list[LoadStep]:
    """Steps deleting what the database holds (``db_keys``, ``db_pairs``) and ``G`` does not.

    Nodes go with their relationships (``DETACH DELETE``); relationships between nodes that stay are
    deleted by their endpoints' keys. Each step's ``rows`` is the number of items it deletes.

    >>> G = nx.MultiDiGraph()
    >>> G.add_node("paper:a", kind="paper", id="a")
    >>> [(s.statement.name, s.params) for s in plan_sync(G, {"Paper": {"a", "b"}}, {"CITES": {("a", "b")}})]
    [('delete-Paper', {'keys': ['b']})]
    """
    rows = GraphRows.of(G)
    steps: list[LoadStep] = []
    gone_nodes: dict[str, set[str]] = {}
    for kind, spec in NODES.items():
        keep = {row["key"] for row in rows.nodes(kind)}
        gone_nodes[spec.label] = db_keys.get(spec.label, set()) - keep
        statement = cypher.delete_nodes(spec.label)
        steps += [LoadStep(statement, {"keys": b}, len(b)) for b in batched(sorted(gone_nodes[spec.label]), batch_size)]
    for rel, spec in RELATIONSHIPS.items():
        keep_pairs = {(row["start"], row["end"]) for row in rows.relationships(rel)}
        start, end = NODES[spec.start].label, NODES[spec.end].label
        gone = sorted(
            (a, b)
            for a, b in db_pairs.get(rel, set()) - keep_pairs
            if a not in gone_nodes[start] and b not in gone_nodes[end]
        )
        statement = cypher.delete_relationships(rel)
        pairs = [{"start": a, "end": b} for a, b in gone]
        steps += [LoadStep(statement, {"rows": b}, len(b)) for b in batched(pairs, batch_size)]
    return steps


@dataclass
class LoadReport:
    """What a load did: rows sent, the graph's counts, the database's counts afterwards, and timing.

    ``removed``: nodes per label and relationships per type deleted because the graph no longer has them.
    """

    rows: int
    seconds: float
    expected_nodes: dict[str, int]
    expected_relationships: dict[str, int]
    nodes: dict[str, int]
    relationships: dict[str, int]
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def rows_per_s(self) -> float:
        return self.rows / self.seconds if self.seconds > 0 else float("inf")

    @property
    def complete(self) -> bool:
        """True when the database holds at least what the graph holds (more if it held other data)."""
        nodes_ok = all(self.nodes.get(k, 0) >= n for k, n in self.expected_nodes.items())
        return nodes_ok and all(self.relationships.get(k, 0) >= n for k, n in self.expected_relationships.items())

    def lines(self) -> list[str]:
        """A printable table: name, in graph, in database."""
        out = [f"{'label/type':<16} {'graph':>9} {'neo4j':>9}"]
        out += [f"{k:<16} {n:>9} {self.nodes.get(k, 0):>9}" for k, n in self.expected_nodes.items()]
        out += [f"{k:<16} {n:>9} {self.relationships.get(k, 0):>9}" for k, n in self.expected_relationships.items()]
        if any(self.removed.values()):
            gone = ", ".join(f"{n} {k}" for k, n in self.removed.items() if n)
            out.append(f"removed (no longer in the graph): {gone}")
        out.append(f"{self.rows} rows in {self.seconds:.2f}s ({self.rows_per_s:,.0f} rows/s)")
        return out


def _write_batch(tx: ManagedTransaction, text: str, params: dict[str, Any]) -> None:
    tx.run(text, params).consume()


def _run_step(session: Session, step: LoadStep, settings: Neo4jSettings) -> None:
    """Run one step; a lost server raises Neo4jUnavailableError, a refused statement PaperkgError."""
    try:
        if step.auto_commit:
            session.run(step.statement.text, step.params).consume()
        else:
            session.execute_write(_write_batch, step.statement.text, step.params)
    except Neo4jError as exc:
        raise PaperkgError(f"Neo4j at {settings.uri} refused step {step.statement.name!r}: {exc}") from exc
    except DriverError as exc:
        raise unavailable_error(settings, exc) from exc


def _single_count(tx: ManagedTransaction, text: str) -> int:
    return int(tx.run(text).single(strict=True)["count"])


def _column_set(tx: ManagedTransaction, text: str) -> set[Any]:
    """The rows of a query as a set: the single value of one-column rows, else tuples."""
    return {values[0] if len(values) == 1 else tuple(values) for values in (r.values() for r in tx.run(text))}


def database_contents(session: Session) -> tuple[Keys, Pairs]:
    """The keys of every node of paperkg's labels, and the endpoints of every relationship of its types."""
    keys = {spec.label: session.execute_read(_column_set, cypher.node_keys(spec.label).text) for spec in NODES.values()}
    pairs = {rel: session.execute_read(_column_set, cypher.relationship_ends(rel).text) for rel in RELATIONSHIPS}
    return keys, pairs


def database_counts(session: Session) -> tuple[dict[str, int], dict[str, int]]:
    """Nodes per paperkg label and relationships per type, as the database holds them now."""
    nodes = {
        spec.label: session.execute_read(_single_count, cypher.count_nodes(spec.label).text) for spec in NODES.values()
    }
    rels = {rel: session.execute_read(_single_count, cypher.count_relationships(rel).text) for rel in RELATIONSHIPS}
    return nodes, rels


def load_graph(
    G: nx.MultiDiGraph,
    settings: Neo4jSettings | None = None,
    *,
    batch_size: int = DEFAULT_BATCH_SIZE,
    wipe: bool = False,
    progress: bool = True,
) -> LoadReport:
    """Load ``G`` into Neo4j and sync (see the module docstring); return counts, removals and rows/s.

    The sync reads the database's keys only when it already holds paperkg nodes (not after ``wipe``).
    """
    settings = settings or Neo4jSettings.resolve()
    steps = plan_load(G, batch_size=batch_size, wipe=wipe)
    expected_nodes, expected_rels = GraphRows.of(G).counts()
    total = sum(step.rows for step in steps)
    with open_driver(settings) as driver, driver.session(database=settings.database) as session:
        started = time.perf_counter()
        held, _ = database_counts(session) if not wipe else ({}, {})
        with tqdm(total=total, unit="row", desc="neo4j load", disable=not (progress and sys.stderr.isatty())) as bar:
            for step in steps:
                _run_step(session, step, settings)
                bar.update(step.rows)
        removed: dict[str, int] = {}
        if any(held.values()):
            for step in plan_sync(G, *database_contents(session), batch_size=batch_size):
                _run_step(session, step, settings)
                name = step.statement.name.removeprefix("delete-")
                removed[name] = removed.get(name, 0) + step.rows
        seconds = time.perf_counter() - started
        nodes, rels = database_counts(session)
    return LoadReport(total, seconds, expected_nodes, expected_rels, nodes, rels, removed)
