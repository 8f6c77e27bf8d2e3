"""Run Cypher (a user's query or one of :data:`graph.export.graphdb.cypher.PRESETS`) against Neo4j.

Values always travel as parameters. Nodes, relationships and paths in results become plain
dicts/lists so that every answer prints as a table, JSON or CSV (:mod:`graph.export.graphdb.table`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from neo4j import Query
from neo4j.exceptions import DriverError, Neo4jError
from neo4j.graph import Node, Path, Relationship

from graph.errors import PaperkgError
from graph.export.graphdb.cypher import preset, preset_params
from graph.export.graphdb.load import Neo4jSettings, open_driver, unavailable_error


def to_plain(value: Any) -> Any:
    """A result value with driver graph types turned into dicts and lists (JSON-friendly)."""
    if isinstance(value, Node):
        return {"labels": sorted(value.labels), **{k: to_plain(v) for k, v in value.items()}}
    if isinstance(value, Relationship):
        return {"type": value.type, **{k: to_plain(v) for k, v in value.items()}}
    if isinstance(value, Path):
        return [to_plain(node) for node in value.nodes]
    if isinstance(value, list | tuple):
        return [to_plain(item) for item in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value


def run_query(
    text: str, params: Mapping[str, Any] | None = None, settings: Neo4jSettings | None = None
) -> tuple[list[str], list[list[Any]]]:
    """Run one Cypher statement (auto-commit) and return ``(columns, rows)`` with plain values."""
    settings = settings or Neo4jSettings.resolve()
    with open_driver(settings) as driver, driver.session(database=settings.database) as session:
        try:
            result = session.run(Query(text), dict(params or {}))
            columns = list(result.keys())
            rows = [[to_plain(value) for value in record.values()] for record in result]
        except Neo4jError as exc:
            raise PaperkgError(f"Neo4j refused the query: {exc}") from exc
        except DriverError as exc:
            raise unavailable_error(settings, exc) from exc
    return columns, rows


def run_preset(
    name: str, params: Mapping[str, Any] | None = None, settings: Neo4jSettings | None = None
) -> tuple[list[str], list[list[Any]]]:
    """Run the preset ``name`` with its defaults overridden by ``params``."""
    chosen = preset(name)
    return run_query(chosen.cypher, preset_params(chosen, params or {}), settings)


