"""`paperkg neo4j bulk --from-workspace`: files streamed from the workspace equal those written from graph.json.

The fast test builds the bundled sample's 483 papers (given ids, authors and references: every file has rows)
with concept extractions placed in the workspace's cache (candidate phrases: no model), writes the bulk files
from graph.json, then streams them from the same workspace: every file holds the same rows, analysis columns
(filled by GDS after the import) aside. The slow test does the same on the real model-built sample.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from graph import api, schema
from graph.concepts.candidates import candidates
from graph.concepts.normalize import concept_key
from graph.export.graphdb.bulk import node_file, relationship_file
from graph.extraction import ConceptHit, PaperExtraction
from graph.pipeline import PipelineOptions, concept_extractor
from graph.store import Workspace
from loaders.detect import load_path, load_paths
from loaders.records import Paper
from loaders.samples import sample_paths

#: Header fields of the columns the in-memory analysis fills and the streamed files leave to GDS.
ANALYSIS = {"community:int", "pagerank:float", "betweenness:float", "degree:int"}
AUTHORS = ["Ada Lovelace", "Alan Turing", "Grace Hopper", "Edsger Dijkstra", "Barbara Liskov", "ada  lovelace"]


def _concepts(paper: Paper, top: int = 10) -> PaperExtraction:
    """Stand-in concept extraction: the first ``top`` distinct candidate phrases, scores falling with rank."""
    hits: list[ConceptHit] = []
    for occurrence in candidates(f"{paper.title}. {paper.abstract}"):
        key = concept_key(occurrence.surface)
        if key and key not in {h.key for h in hits}:
            hits.append(ConceptHit(key, occurrence.surface, round(0.9 - 0.03 * len(hits), 3), len(hits) + 1))
        if len(hits) == top:
            break
    return PaperExtraction(paper.id, hits)


def _sample_listing(path: Path) -> Path:
    """The sample as a JSON Lines listing, each paper given an arXiv id, authors (one repeated, one spelled
    twice) and references to earlier papers (so Author, AUTHORED and CITES have rows)."""
    papers = load_paths(sample_paths()).papers
    with path.open("w", encoding="utf-8") as handle:
        for i, paper in enumerate(papers):
            authors = [AUTHORS[(i + j) % len(AUTHORS)] for j in range(3)] + ([AUTHORS[0]] if i % 7 == 0 else [])
            refs = [f"arxiv:2401.{j + 1:05d}" for j in (i - 1, i // 2, i - 5) if 0 <= j < i]
            record = {"title": paper.title, "abstract": paper.abstract, "arxiv": f"2401.{i + 1:05d}"}
            record |= {"authors": authors, "references": refs}
            handle.write(json.dumps(record) + "\n")
    return path


def _rows(folder: Path, name: str) -> tuple[list[str], set[tuple[str, ...]], list[list[str]]]:
    """Header, the set of rows without analysis columns, and the analysis cells of ``folder/name``."""
    with (folder / name).open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    keep = [i for i, field in enumerate(header) if field not in ANALYSIS]
    analysis = [[row[i] for i, field in enumerate(header) if field in ANALYSIS] for row in rows]
    return header, {tuple(row[i] for i in keep) for row in rows}, analysis


def _assert_same_files(from_graph: Path, streamed: Path) -> dict[str, int]:
    """Every node and relationship file holds the same rows; the streamed analysis cells are empty."""
    sizes = {}
    names = [node_file(spec.label) for spec in schema.NODES.values()]
    for name in [*names, *(relationship_file(rel) for rel in schema.RELATIONSHIPS)]:
        header, expected, _ = _rows(from_graph, name)
        streamed_header, found, analysis = _rows(streamed, name)
        assert streamed_header == header, name
        assert found == expected, f"{name}: {len(found - expected)} rows only streamed, {len(expected - found)} missing"
        assert all(cell == "" for cells in analysis for cell in cells), name
        sizes[name] = len(found)
    return sizes


@pytest.fixture(scope="module")
def sample_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample (with arXiv ids, authors and references) built into a folder, concepts cached beforehand."""
    folder = tmp_path_factory.mktemp("stream")
    listing = _sample_listing(folder / "sample.jsonl")
    out = folder / "out"
    options = PipelineOptions(progress=False)
    papers = load_path(listing).papers
    with Workspace.open(out) as ws:
        ws.put_extractions(concept_extractor(options).fingerprint, papers, {p.id: _concepts(p) for p in papers})
    api.build([listing], out, options)
    return out


def test_streamed_files_equal_the_files_from_graph_json(sample_workspace: Path, tmp_path: Path) -> None:
    api.neo4j_bulk(sample_workspace)  # from graph.json
    from_graph = Path(shutil.copytree(sample_workspace / "neo4j", tmp_path / "from-graph"))
    written = api.neo4j_bulk(sample_workspace, from_workspace=True)
    assert sample_workspace / "neo4j" / "README.md" in written
    sizes = _assert_same_files(from_graph, sample_workspace / "neo4j")
    assert sizes["nodes_Paper.csv"] == 483
    assert all(n > 0 for n in sizes.values()), sizes  # every label and type has rows to compare
    assert sizes["nodes_Author.csv"] == len(AUTHORS) - 1  # 'ada  lovelace' is Ada Lovelace
    readme = (sample_workspace / "neo4j" / "README.md").read_text(encoding="utf-8")
    assert f"| `rels_RELATED_TO.csv` | RELATED_TO relationships | {sizes['rels_RELATED_TO.csv']} |" in readme


def test_streaming_needs_a_workspace(tmp_path: Path) -> None:
    from graph.errors import WorkspaceError

    with pytest.raises(WorkspaceError, match="no paperkg workspace"):
        api.neo4j_bulk(tmp_path / "empty", from_workspace=True)


@pytest.mark.slow
def test_streamed_files_equal_on_the_model_built_sample(sample_build: Path, tmp_path: Path) -> None:
    out = Path(shutil.copytree(sample_build, tmp_path / "out"))
    api.neo4j_bulk(out)
    from_graph = Path(shutil.copytree(out / "neo4j", tmp_path / "from-graph"))
    api.neo4j_bulk(out, from_workspace=True)
    sizes = _assert_same_files(from_graph, out / "neo4j")
    assert sizes["nodes_Paper.csv"] == 483 and sizes["rels_RELATED_TO.csv"] > 0
