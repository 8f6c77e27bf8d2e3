"""End to end: the real `paperkg` command on the real bundled sample, as a user runs it."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import networkx as nx
import pytest

from graph import api
from graph.store import Workspace

pytestmark = pytest.mark.slow


def test_build_without_arguments_writes_every_output(sample_build: Path) -> None:
    expected = [
        "paperkg.sqlite", "graph.json", "graph.graphml", "graph.gexf", "papers.csv", "concepts.csv",
        "techniques.csv", "edges.csv", "report.md", "graph.html", "neo4j",
    ]  # fmt: skip
    missing = [name for name in expected if not (sample_build / name).exists()]
    assert not missing
    assert not list(sample_build.glob("*.tmp*")), "temporary files left behind"


def test_graph_json_follows_the_contract(sample_build: Path) -> None:
    data = json.loads((sample_build / "graph.json").read_text(encoding="utf-8"))
    kinds = {node["kind"] for node in data["nodes"]}
    assert {"paper", "concept", "technique"} <= kinds
    for node in data["nodes"]:
        assert node["id"].startswith(node["kind"] + ":")
    assert all("kind" in edge for edge in data["edges"])
    plain = nx.node_link_graph(data)  # networkx's defaults read it
    assert plain.nodes["technique:distillation"]["kind"] == "technique"
    with Workspace.open(sample_build, create=False) as ws:
        assert sum(node["kind"] == "paper" for node in data["nodes"]) == ws.count_papers()


def test_sample_papers_link_to_the_card_techniques(sample_build: Path) -> None:
    G = api.load_graph(sample_build)
    titles = {d["title"]: n for n, d in G.nodes(data=True) if d["kind"] == "paper"}

    def techniques_of(title: str) -> set[str]:
        return {v for _, v, k in G.out_edges(titles[title], keys=True) if k == "USES_TECHNIQUE"}

    slimflow = "SlimFlow: Training Smaller One-Step Diffusion Models with Rectified Flow"
    assert {"technique:one-step", "technique:rectified-flow"} <= techniques_of(slimflow)
    medslip = "MeDSLIP: Medical Dual-Stream Language-Image Pre-training for Fine-grained Alignment"
    assert "technique:dual-stream" in techniques_of(medslip)
    competitive = "Unlock the Power: Competitive Distillation for Multi-Modal Large Language Models"
    assert "technique:distillation" in techniques_of(competitive)
    for _, _, key, data in G.edges(keys=True, data=True):
        if key == "USES_TECHNIQUE":
            assert data["evidence"]


def test_explain_relates_rectified_flow_papers(run_paperkg, sample_build: Path) -> None:
    result = run_paperkg("explain", "SlimFlow", "Improving the Training of Rectified Flows", "--out", str(sample_build))
    assert result.returncode == 0, result.stderr
    text = result.stdout.lower()
    assert "rectified flow" in text
    assert "one-step" in text or "distillation" in text


def test_rebuild_is_byte_identical_and_embeds_nothing_new(run_paperkg, sample_build: Path, tmp_path: Path) -> None:
    copy = tmp_path / "again"
    shutil.copytree(sample_build, copy)
    with Workspace.open(copy, create=False) as ws:
        cached_before = ws.count_embeddings()
    result = run_paperkg("--quiet", "build", "--out", str(copy))
    assert result.returncode == 0, result.stderr
    for name in ("graph.json", "papers.csv", "concepts.csv", "techniques.csv", "edges.csv"):
        assert (copy / name).read_bytes() == (sample_build / name).read_bytes(), name
    with Workspace.open(copy, create=False) as ws:
        assert ws.count_embeddings() == cached_before


def test_add_reports_new_merged_unchanged(run_paperkg, sample_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "grown"
    shutil.copytree(sample_build, out)
    extra = tmp_path / "more.jsonl"
    rows = [
        {"title": "SlimFlow: Training Smaller One-Step Diffusion Models with Rectified Flow", "arxiv": "2407.12718"},
        {"title": "A Brand New Paper on Rectified Flow Distillation",
         "abstract": "We distill a rectified flow into a one-step generator with a dual-stream teacher."},
    ]  # fmt: skip
    extra.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = run_paperkg("add", str(extra), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "1 new, 1 merged, 0 unchanged" in result.stdout
    again = run_paperkg("add", str(extra), "--out", str(out))
    assert "0 new, 0 merged, 2 unchanged" in again.stdout
    G = api.load_graph(out)
    new = next(n for n, d in G.nodes(data=True) if d.get("title", "").startswith("A Brand New Paper"))
    uses = {v for _, v, k in G.out_edges(new, keys=True) if k == "USES_TECHNIQUE"}
    assert {"technique:distillation", "technique:one-step", "technique:dual-stream"} <= uses


def test_failed_add_names_the_problem_and_keeps_the_workspace(run_paperkg, sample_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "kept"
    shutil.copytree(sample_build, out)
    before = (out / "graph.json").read_bytes()
    with Workspace.open(out, create=False) as ws:
        papers_before = [p.to_dict() for p in ws.papers()]
    bad = tmp_path / "truncated.json"
    bad.write_text('[{"title": "Fine paper", "abstract": "ok"}, {"title": "Broken', encoding="utf-8")
    result = run_paperkg("add", str(bad), "--out", str(out))
    assert result.returncode == 1
    assert "truncated.json" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    with Workspace.open(out, create=False) as ws:
        assert [p.to_dict() for p in ws.papers()] == papers_before
    assert (out / "graph.json").read_bytes() == before


def test_info_lists_sources(run_paperkg, sample_build: Path) -> None:
    result = run_paperkg("info", "--json", "--out", str(sample_build))
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["papers"] > 50
    assert len(data["sources"]) == 5


def test_communities_have_labels_a_reader_recognises(sample_build: Path) -> None:
    with (sample_build / "communities.csv").open(encoding="utf-8") as fh:
        labels = {int(row["id"]): row["label"] for row in csv.DictReader(fh)}
    G = api.load_graph(sample_build)
    community_of = {d["title"]: d["community"] for _, d in G.nodes(data=True) if d["kind"] == "paper"}
    slimflow = community_of["SlimFlow: Training Smaller One-Step Diffusion Models with Rectified Flow"]
    assert community_of["Improving the Training of Rectified Flows"] == slimflow
    assert "One-step generation" in labels[slimflow]
    assert not any("Diffusion models" in label.split(" · ") for label in labels.values())  # broad: never a label
    assert any("Vision-language" in label for label in labels.values())
