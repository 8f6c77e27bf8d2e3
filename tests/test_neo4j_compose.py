"""docker-compose.yml gives what docs/neo4j.md promises (parsed, not run: there is no Docker engine here)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from graph.export.graphdb.load import DEFAULT_PASSWORD, DEFAULT_URI

COMPOSE = Path(__file__).resolve().parent.parent / "docker-compose.yml"


@pytest.fixture(scope="module")
def neo4j_service() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))["services"]["neo4j"]


def test_image_is_a_pinned_neo4j_5_community(neo4j_service: dict[str, Any]) -> None:
    assert re.fullmatch(r"neo4j:5\.\d+\.\d+-community", neo4j_service["image"])


def test_plugins_and_unrestricted_procedures(neo4j_service: dict[str, Any]) -> None:
    env = neo4j_service["environment"]
    assert json.loads(env["NEO4J_PLUGINS"]) == ["apoc", "graph-data-science"]
    assert set(env["NEO4J_dbms_security_procedures_unrestricted"].split(",")) >= {"gds.*", "apoc.*"}


def test_auth_comes_from_env_with_the_loaders_default(neo4j_service: dict[str, Any]) -> None:
    auth = neo4j_service["environment"]["NEO4J_AUTH"]
    assert auth == f"neo4j/${{NEO4J_PASSWORD:-{DEFAULT_PASSWORD}}}"
    assert len(DEFAULT_PASSWORD) >= 8  # Neo4j 5 refuses shorter passwords


def test_ports_are_local_only_and_match_the_default_uri(neo4j_service: dict[str, Any]) -> None:
    ports = neo4j_service["ports"]
    assert all(p.startswith("127.0.0.1:") for p in ports)
    assert any(p.endswith(":7687") for p in ports) and any(p.endswith(":7474") for p in ports)
    assert DEFAULT_URI.endswith(":7687")


def test_data_volume_import_mount_and_healthcheck(neo4j_service: dict[str, Any]) -> None:
    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    volumes = neo4j_service["volumes"]
    assert "neo4j-data:/data" in volumes and "neo4j-data" in compose["volumes"]
    assert any(v.endswith("/neo4j:/import:ro") for v in volumes)
    test = neo4j_service["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL" and "7474" in test[1]


def test_versions_match_the_test_server() -> None:
    """The compose file runs what the live tests ran: the versions of tests/neo4j_server/pom.xml."""
    import xml.etree.ElementTree as ET

    compose = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    ns = {"m": "http://maven.apache.org/POM/4.0.0"}
    props = ET.parse(COMPOSE.parent / "tests" / "neo4j_server" / "pom.xml").getroot().find("m:properties", ns)
    pom = {name: props.find(f"m:{name}.version", ns).text for name in ("neo4j", "gds", "apoc")}
    assert compose["x-versions"] == pom
    assert compose["services"]["neo4j"]["image"] == f"neo4j:{pom['neo4j']}-community"
