"""Graph files and CSV tables: complete, reloadable, deterministic, written atomically."""

from __future__ import annotations

import csv
import json
import random
import re
from xml.sax.saxutils import escape, quoteattr

import networkx as nx
import pytest
from build_fixtures import SLIMFLOW, UNITER, build

from graph import schema
from graph.analysis import analyze
from graph.export import files
from graph.export.files import CSV_COLUMNS, atomic_open, read_graph_json, write_graph_files


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    G = build()
    result = analyze(G)
    out = tmp_path_factory.mktemp("out")
    return G, result, out, write_graph_files(G, result, out)


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _decoded(value):
    if isinstance(value, str) and value.startswith("["):
        return json.loads(value)
    return value


def test_every_file_is_written_and_no_temp_file_is_left(written):
    _, _, out, files = written
    expected = {"graph.json", "graph.graphml", "graph.gexf", *CSV_COLUMNS}
    assert {p.name for p in files} == expected
    assert sorted(p.name for p in out.iterdir()) == sorted(expected)


def test_node_link_json_reloads_to_the_same_graph(written):
    G, _, out, _ = written
    H = read_graph_json(out / "graph.json")
    assert dict(H.nodes(data=True)) == dict(G.nodes(data=True))
    assert sorted(H.edges(keys=True, data=True)) == sorted(G.edges(keys=True, data=True))
    assert H.nodes[UNITER]["id"] == "arxiv:1909.11740"
    assert H.edges["paper:arxiv:2201.12086", UNITER, schema.CITES]["via"] == "references"
    assert H.edges[SLIMFLOW, "technique:rectified-flow", schema.USES_TECHNIQUE]["evidence"]


def test_graphml_keeps_every_attribute(written):
    G, _, out, _ = written
    H = nx.read_graphml(out / "graph.graphml", force_multigraph=True)
    for node, data in G.nodes(data=True):
        assert {k: _decoded(v) for k, v in H.nodes[node].items()} == data
    for u, v, key, data in G.edges(keys=True, data=True):
        assert {k: _decoded(x) for k, x in H.edges[u, v, key].items()} == data


def test_gexf_keeps_every_attribute_with_gephi_labels(written):
    G, _, out, _ = written
    H = nx.read_gexf(out / "graph.gexf")
    assert H.nodes[UNITER]["label"] == G.nodes[UNITER]["title"]
    assert H.nodes[UNITER]["paper_id"] == "arxiv:1909.11740"
    for node, data in G.nodes(data=True):
        got = {k: _decoded(v) for k, v in H.nodes[node].items()}
        if "id" in data:
            got["id"] = got.pop("paper_id")
        if "key" in data:
            got["key"] = got.pop("node_key")
        if "label" not in data:
            got.pop("label")
        assert got == data
    kinds = sorted(d["kind"] for _, _, d in H.edges(data=True))
    assert kinds == sorted(k for _, _, k in G.edges(keys=True))


def test_csv_tables_have_documented_columns_and_analysis(written):
    G, result, out, _ = written
    for name, columns in CSV_COLUMNS.items():
        with open(out / name, encoding="utf-8") as fh:
            assert next(csv.reader(fh)) == columns
    papers = {r["id"]: r for r in _rows(out / "papers.csv")}
    slim = papers["arxiv:2407.12718"]
    assert "rectified-flow" in slim["techniques"].split("; ")
    assert slim["concepts"].split("; ")[0] == "rectified flow"
    assert int(slim["community"]) == G.nodes[SLIMFLOW]["community"]
    assert slim["community_label"] == result.community_labels()[int(slim["community"])]
    assert float(slim["pagerank"]) == G.nodes[SLIMFLOW]["pagerank"]
    edges = _rows(out / "edges.csv")
    assert len(edges) == G.number_of_edges()
    cites = [e for e in edges if e["type"] == "CITES"]
    assert {e["via"] for e in cites} == {"references", "mention"}
    communities = _rows(out / "communities.csv")
    assert [int(c["id"]) for c in communities] == [c.id for c in result.communities]


def test_two_runs_give_byte_identical_files(written, tmp_path):
    files = written[3]
    G = build()
    write_graph_files(G, analyze(G), tmp_path)
    for path in files:
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_atomic_open_leaves_the_old_file_when_writing_fails(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_open(target) as fh:
        fh.write("half a ")
        raise RuntimeError("disk full")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["table.csv"]


#: Text that XML must escape or cannot hold: both quotes, markup characters, line ends, control characters.
XML_HOSTILE = [
    "plain",
    "a & b < c > d ]]> e",
    'say "hi"',
    "it's",
    "both ' and \" quotes",
    "tab\there\nnew line",
    "ctrl\x01\x08\x0b\x0c\x1f gone",
    "non-characters \ufffe\uffff gone",
    "emoji \U0001f600, accents \u00e9, NBSP\u00a0, LS\u2028",
    "&amp; written twice",
    "",
]
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def test_xml_escaping_is_the_standard_librarys(tmp_path):
    """GraphML/GEXF values are escaped exactly as xml.sax.saxutils escape/quoteattr do (forbidden characters
    dropped first), on hostile strings and 3,000 random ones drawn from the characters that matter."""
    rng = random.Random(14)
    alphabet = "ab &<>\"'\t\n\r\x00\x01\x1f\ufffe\uffff\u00e9\U0001f600"
    texts = XML_HOSTILE + ["".join(rng.choices(alphabet, k=rng.randint(0, 12))) for _ in range(3000)]
    for text in texts:
        clean = _XML_FORBIDDEN.sub("", text)
        assert (files._text(text), files._attr(text)) == (escape(clean), quoteattr(clean)), repr(text)
    for value in (0.1, -3, 1e-300, float("inf"), True, ["a", "<b>"], ("x",)):
        flat = json.dumps(value, ensure_ascii=False) if isinstance(value, (list, tuple)) else str(value)
        assert (files._text(value), files._attr(value)) == (escape(flat), quoteattr(flat))


def test_graphml_and_gexf_read_back_hostile_text(tmp_path):
    """Every hostile value comes back from GraphML and GEXF as written, less the characters XML 1.0 forbids
    (GraphML element text also reads a carriage return as a line feed, as every XML parser does)."""
    G = nx.MultiDiGraph()
    for i, text in enumerate(XML_HOSTILE):
        G.add_node(f"concept:c{i}", kind="concept", key=f"c{i}", label=text or "empty", note=text, df=i)
    G.add_edge("concept:c1", "concept:c2", key="SUBTYPE_OF", kind="SUBTYPE_OF", evidence=XML_HOSTILE[4])
    G.add_node("concept:cr", kind="concept", key="cr", label="cr", note="a\rb\r\nc")
    analysis = analyze(G)
    write_graph_files(G, analysis, tmp_path)
    graphml = nx.read_graphml(tmp_path / "graph.graphml", force_multigraph=True)
    gexf = nx.read_gexf(tmp_path / "graph.gexf")
    for node, data in G.nodes(data=True):
        note = _XML_FORBIDDEN.sub("", data["note"])
        assert graphml.nodes[node]["note"] == note.replace("\r\n", "\n").replace("\r", "\n")
        assert gexf.nodes[node]["note"] == note
        assert gexf.nodes[node]["label"] == _XML_FORBIDDEN.sub("", " ".join(data["label"].split()))
    assert graphml.edges["concept:c1", "concept:c2", "SUBTYPE_OF"]["evidence"] == XML_HOSTILE[4]
    assert next(iter(gexf.edges(data=True)))[2]["evidence"] == XML_HOSTILE[4]


def test_attribute_types_merge_per_property(tmp_path):
    """One declared type per property: ints mixed with floats are doubles, lists and other mixes are strings."""
    G = nx.MultiDiGraph()
    G.add_node("concept:a", kind="concept", key="a", df=1, score=1, flag=True, tags=["x"])
    G.add_node("concept:b", kind="concept", key="b", df=2, score=0.5, flag=1)
    write_graph_files(G, analyze(G), tmp_path)
    text = (tmp_path / "graph.graphml").read_text(encoding="utf-8")
    declared = dict(re.findall(r'attr.name="(\w+)" attr.type="(\w+)"', text))
    assert {k: declared[k] for k in ("df", "score", "flag", "tags")} == {
        "df": "long", "score": "double", "flag": "string", "tags": "string",
    }  # fmt: skip
    gexf = (tmp_path / "graph.gexf").read_text(encoding="utf-8")
    assert dict(re.findall(r'title="(\w+)" type="(\w+)"', gexf))["score"] == "double"
