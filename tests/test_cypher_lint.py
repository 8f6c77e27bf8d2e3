"""Every Cypher statement paperkg ships passes Neo4j's own parser and semantic analysis.

The linter is the npm package ``@neo4j-cypher/language-support`` (the engine of Neo4j's editors),
driven by ``tests/cypher_lint/lint.mjs``; procedure signatures (GDS, APOC, db.*) come from the registry
the package ships, recorded from a real server. No Neo4j server is needed, but node runs: the linting tests
are in the slow tier (``pytest -m slow -k cypher``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from graph.export.graphdb import cypher
from graph.schema import NODES, RELATIONSHIPS

LINT_DIR = Path(__file__).parent / "cypher_lint"
PACKAGE = LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support"


def _ensure_linter() -> None:
    """Install the pinned linter into tests/cypher_lint/node_modules when it is missing."""
    if PACKAGE.is_dir():
        return
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        pytest.skip("node/npm are not installed: cannot run Neo4j's Cypher linter")
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(LINT_DIR)],
        check=True,
        capture_output=True,
        timeout=600,
    )


def lint(statements: list[cypher.Statement]) -> dict[str, list[dict[str, Any]]]:
    """Diagnostics per statement name, from one run of the Node linter."""
    _ensure_linter()
    # The linter reads `row.start` in `UNWIND $rows AS row` as a possible graph property, so the batch
    # maps' field names join the schema's property keys; a misspelt graph property is still reported.
    properties = {p for spec in NODES.values() for p in spec.properties}
    properties |= {p for spec in RELATIONSHIPS.values() for p in spec.properties}
    schema = {
        "labels": sorted(spec.label for spec in NODES.values()),
        "relationshipTypes": sorted(RELATIONSHIPS),
        "propertyKeys": sorted(properties | set(cypher.ROW_FIELDS)),
    }
    payload = {
        "schema": schema,
        "statements": [{"name": s.name, "cypher": s.text, "params": s.params} for s in statements],
    }
    done = subprocess.run(
        ["node", str(LINT_DIR / "lint.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return {result["name"]: result["diagnostics"] for result in json.loads(done.stdout)}


#: Statements the linter must flag (proof that it runs and checks what we rely on).
BROKEN = [
    cypher.Statement("broken-syntax", "MATCH (p:Paper RETURN p"),
    cypher.Statement("broken-undefined-variable", "MATCH (p:Paper) RETURN q.title AS title"),
    cypher.Statement("broken-missing-parameter", "MATCH (p:Paper {id: $paper}) RETURN p.title AS title"),
    cypher.Statement("broken-unknown-procedure", "CALL gds.pageRenk.stream($g) YIELD nodeId RETURN nodeId", {"g": "x"}),
    cypher.Statement("broken-unknown-label", "MATCH (p:Papr) RETURN p.title AS title"),
    cypher.Statement("broken-unknown-property", "MATCH (p:Paper) RETURN p.titel AS title"),
]


@pytest.fixture(scope="module")
def linted() -> dict[str, list[dict[str, Any]]]:
    """Diagnostics of every shipped statement and of :data:`BROKEN`, from one linter run."""
    return lint([*cypher.all_statements(), *BROKEN])


@pytest.fixture(scope="module")
def shipped_diagnostics(linted: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {name: diags for name, diags in linted.items() if not name.startswith("broken-")}


def test_cypher_statement_names_are_unique() -> None:
    names = [s.name for s in cypher.all_statements()]
    assert len(names) == len(set(names))


@pytest.mark.slow
def test_cypher_every_shipped_statement_is_clean(shipped_diagnostics: dict[str, list[dict[str, Any]]]) -> None:
    problems = {name: diags for name, diags in shipped_diagnostics.items() if diags}
    assert problems == {}


@pytest.mark.slow
def test_cypher_loader_covers_every_label_and_type(shipped_diagnostics: dict[str, list[dict[str, Any]]]) -> None:
    for spec in NODES.values():
        assert f"merge-{spec.label}" in shipped_diagnostics
        assert f"constraint-{spec.label}" in shipped_diagnostics
    for rel in RELATIONSHIPS:
        assert f"merge-{rel}" in shipped_diagnostics


@pytest.mark.slow
def test_cypher_presets_are_linted(shipped_diagnostics: dict[str, list[dict[str, Any]]]) -> None:
    assert {f"preset-{name}" for name in cypher.PRESETS} <= set(shipped_diagnostics)


@pytest.mark.slow
def test_cypher_linter_flags_broken_statements(linted: dict[str, list[dict[str, Any]]]) -> None:
    assert any(d["severity"] == "error" and "Invalid input" in d["message"] for d in linted["broken-syntax"])
    assert any("Variable `q` not defined" in d["message"] for d in linted["broken-undefined-variable"])
    assert any("Parameter $paper is not defined" in d["message"] for d in linted["broken-missing-parameter"])
    assert any("gds.pageRenk.stream" in d["message"] for d in linted["broken-unknown-procedure"])
    assert any("Papr" in d["message"] for d in linted["broken-unknown-label"])
    assert any("titel" in d["message"] for d in linted["broken-unknown-property"])
