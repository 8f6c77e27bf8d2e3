"""neo4j-admin bulk-import files: headers, ids, endpoints and counts agree with the NetworkX graph."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import networkx as nx
import pytest
from neo4j_graph import sample_graph

from graph import schema
from graph.errors import InputError
from graph.export.graphdb.bulk import ARRAY_DELIMITER_OPTION, node_cells, write_bulk_import
from graph.export.graphdb.rows import GraphRows, graph_counts

HEADER_FIELD = re.compile(
    r"^(?:[a-z_]+(?::(?:int|float|string\[\]))?|[a-z_]+:ID\(\w+\)|:LABEL|:TYPE|:(?:START|END)_ID\(\w+\))$"
)


@pytest.fixture(scope="module")
def G() -> nx.MultiDiGraph:
    return sample_graph()


@pytest.fixture(scope="module")
def bulk(G: nx.MultiDiGraph, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("out") / "neo4j"
    return {path.name: path for path in write_bulk_import(G, out)}


def read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


def test_one_file_per_label_and_type_plus_readme(bulk: dict[str, Path]) -> None:
    expected = {f"nodes_{spec.label}.csv" for spec in schema.NODES.values()}
    expected |= {f"rels_{rel}.csv" for rel in schema.RELATIONSHIPS}
    assert set(bulk) == expected | {"README.md", "schema.cypher"}


def test_headers_follow_admin_import_rules(bulk: dict[str, Path]) -> None:
    for spec in schema.NODES.values():
        header, _ = read(bulk[f"nodes_{spec.label}.csv"])
        assert header[0] == f"{spec.key}:ID({spec.label})" and header[-1] == ":LABEL"
        assert all(HEADER_FIELD.match(field) for field in header), header
    paper_header, _ = read(bulk["nodes_Paper.csv"])
    assert {"year:int", "pagerank:float", "sources:string[]", "title"} <= set(paper_header)
    for rel, spec in schema.RELATIONSHIPS.items():
        header, _ = read(bulk[f"rels_{rel}.csv"])
        start, end = schema.NODES[spec.start].label, schema.NODES[spec.end].label
        assert header[:2] == [f":START_ID({start})", f":END_ID({end})"] and header[-1] == ":TYPE"
        assert all(HEADER_FIELD.match(field) for field in header), header


def test_counts_ids_and_endpoints_match_the_graph(G: nx.MultiDiGraph, bulk: dict[str, Path]) -> None:
    node_counts, rel_counts = graph_counts(G)
    ids: dict[str, set[str]] = {}
    for spec in schema.NODES.values():
        header, rows = read(bulk[f"nodes_{spec.label}.csv"])
        keys = [row[header[0]] for row in rows]
        assert len(keys) == len(set(keys)) == node_counts[spec.label]
        assert {row[":LABEL"] for row in rows} <= {spec.label}
        ids[spec.label] = set(keys)
    for rel, spec in schema.RELATIONSHIPS.items():
        header, rows = read(bulk[f"rels_{rel}.csv"])
        assert len(rows) == rel_counts[rel]
        start, end = schema.NODES[spec.start].label, schema.NODES[spec.end].label
        assert all(row[header[0]] in ids[start] and row[header[1]] in ids[end] for row in rows)
        assert {row[":TYPE"] for row in rows} <= {rel}
    assert sum(node_counts.values()) == G.number_of_nodes()
    assert sum(rel_counts.values()) == G.number_of_edges()


def test_values_survive_quotes_newlines_and_arrays(bulk: dict[str, Path]) -> None:
    _, papers = read(bulk["nodes_Paper.csv"])
    slim = next(row for row in papers if row["id:ID(Paper)"] == "arxiv:2407.00001")
    assert slim["abstract"] == 'One-step "rectified flow"\nwith distillation; fast.'
    assert slim["sources:string[]"] == "a.txt:3\x1fb.json:1"
    assert slim["year:int"] == "2024" and float(slim["pagerank:float"]) == 0.31
    uniter = next(row for row in papers if row["id:ID(Paper)"] == "arxiv:2407.00003")
    assert uniter["abstract"] == "" and uniter["upvotes:int"] == ""


def test_readme_gives_the_exact_import_command(bulk: dict[str, Path]) -> None:
    text = bulk["README.md"].read_text(encoding="utf-8")
    assert "neo4j-admin database import full --overwrite-destination" in text
    assert f"--array-delimiter={ARRAY_DELIMITER_OPTION}" in text and "--multiline-fields=true" in text
    for name in bulk:
        if name.endswith(".csv"):
            assert f"={name}" in text and f"=/import/{name}" in text
    assert "docker compose run --rm neo4j" in text


def test_schema_script_creates_constraints_for_every_label(bulk: dict[str, Path]) -> None:
    script = bulk["schema.cypher"].read_text(encoding="utf-8")
    for spec in schema.NODES.values():
        assert f"FOR (n:{spec.label}) REQUIRE n.{spec.key} IS UNIQUE;" in script
    assert "CREATE FULLTEXT INDEX paper_text" in script


def test_semicolons_in_list_items_are_kept(G: nx.MultiDiGraph, tmp_path: Path) -> None:
    G = G.copy()
    G.nodes["concept:one-step"]["aliases"] = ["one;step", "1-step"]
    files = {p.name: p for p in write_bulk_import(G, tmp_path)}
    _, concepts = read(files["nodes_Concept.csv"])
    row = next(r for r in concepts if r["key:ID(Concept)"] == "one-step")
    assert row["aliases:string[]"].split("\x1f") == ["one;step", "1-step"]


def test_array_element_with_the_delimiter_is_reported(G: nx.MultiDiGraph, tmp_path: Path) -> None:
    G = G.copy()
    G.nodes["concept:one-step"]["aliases"] = ["one\x1fstep"]
    with pytest.raises(InputError, match=r"concept:one-step: field 'aliases'"):
        write_bulk_import(G, tmp_path)


def test_output_is_deterministic(G: nx.MultiDiGraph, tmp_path: Path) -> None:
    first = {p.name: p.read_bytes() for p in write_bulk_import(G, tmp_path / "a")}
    shuffled = nx.MultiDiGraph()
    shuffled.add_nodes_from(reversed(list(G.nodes(data=True))))
    shuffled.add_edges_from(reversed(list(G.edges(keys=True, data=True))))
    second = {p.name: p.read_bytes() for p in write_bulk_import(shuffled, tmp_path / "b")}
    assert first == second


def test_values_of_another_type_are_converted_as_the_driver_rows_are(G: nx.MultiDiGraph, tmp_path: Path) -> None:
    """The bulk files write each value as GraphRows (the driver loader's rows) converts it, also when a value
    is not yet of its schema type (a year as text or float, a float that is a whole number, a tuple of aliases)."""
    G = G.copy()
    paper = G.nodes["paper:arxiv:2407.00002"]
    paper.update(year="2023", n_authors=4.0, upvotes=True, pagerank=1, sources=("x.bib:2",), title=7)
    G.nodes["concept:one-step"]["aliases"] = "single step"
    files = {p.name: p for p in write_bulk_import(G, tmp_path)}
    rows = GraphRows.of(G)
    for kind, spec in schema.NODES.items():
        _, written = read(files[f"nodes_{spec.label}.csv"])
        expected = [node_cells(kind, row["key"], row["props"]) for row in rows.nodes(kind)]
        assert [list(r.values()) for r in written] == expected
    _, papers = read(files["nodes_Paper.csv"])
    row = next(r for r in papers if r["id:ID(Paper)"] == "arxiv:2407.00002")
    converted = (row["year:int"], row["n_authors:int"], row["upvotes:int"], row["pagerank:float"])
    assert converted == ("2023", "4", "1", "1.0")
    assert (row["title"], row["sources:string[]"]) == ("7", "x.bib:2")


def test_a_value_that_does_not_convert_names_the_node_and_property(G: nx.MultiDiGraph, tmp_path: Path) -> None:
    G = G.copy()
    G.nodes["paper:arxiv:2407.00003"]["year"] = "twenty"
    with pytest.raises(InputError, match=r"paper:arxiv:2407.00003: field 'year'"):
        write_bulk_import(G, tmp_path)
    G.nodes["paper:arxiv:2407.00003"]["year"] = 2019
    G.edges["paper:arxiv:2407.00001", "concept:rectified-flow", schema.HAS_CONCEPT]["score"] = float("nan")
    edge = r"HAS_CONCEPT paper:arxiv:2407.00001 -> concept:rectified-flow: field 'score'"
    with pytest.raises(InputError, match=edge):
        write_bulk_import(G, tmp_path)
