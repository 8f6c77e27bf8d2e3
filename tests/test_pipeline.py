"""The build pipeline: warm runs import no model stack, technique matches are cached, the run log is complete."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from graph.extraction import ConceptHit, PaperExtraction
from graph.pipeline import PipelineOptions, concept_extractor, technique_config
from graph.store import Workspace
from graph.techniques import ENV_VAR, Vocabulary
from loaders.detect import load_paths

ROWS = [
    {"title": "SlimFlow: One-Step Diffusion by Knowledge Distillation", "arxiv": "2407.12718",
     "abstract": "We distill a rectified flow into a one-step generator."},
    {"title": "Contrastive Learning of Visual Representations", "arxiv": "2002.05709",
     "abstract": "Contrastive learning with data augmentation learns visual representations."},
    {"title": "A Study of Dense Retrieval", "abstract": "Dense retrieval with a dual-encoder."},
]  # fmt: skip

VOCABULARY = "techniques:\n  - {key: slimflow-method, label: SlimFlow, family: generative, aliases: [slimflow]}\n"

_BUILD = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    from graph.pipeline import PipelineOptions, run
    summary = run("build", [sys.argv[1]], Path(sys.argv[2]), PipelineOptions(progress=False))
    heavy = ("torch", "sentence_transformers", "keybert", "transformers")
    print(json.dumps({"papers": summary.papers, "imported": [m for m in heavy if m in sys.modules]}))
    """
)


@pytest.fixture
def listing(tmp_path: Path) -> Path:
    path = tmp_path / "papers.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in ROWS) + "\n", encoding="utf-8")
    return path


def _cache_concepts(out: Path, listing: Path) -> None:
    """Put a concept extraction for every paper of ``listing`` in the cache, as an earlier build would."""
    papers = load_paths([listing]).papers
    config = concept_extractor(PipelineOptions(progress=False)).fingerprint
    hits = {p.id: PaperExtraction(p.id, [ConceptHit("one-step", "one-step", 0.6, 1)]) for p in papers}
    with Workspace.open(out) as ws:
        ws.put_extractions(config, papers, hits)


def _build(listing: Path, out: Path, env: dict[str, str] | None = None) -> dict[str, object]:
    proc = subprocess.run(
        [sys.executable, "-c", _BUILD, str(listing), str(out)],
        capture_output=True, text=True, check=False, cwd=Path(__file__).parent.parent, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_cached_build_imports_no_model_stack(tmp_path: Path, listing: Path) -> None:
    out = tmp_path / "out"
    _cache_concepts(out, listing)
    assert _build(listing, out) == {"papers": 3, "imported": []}


def test_technique_matches_are_cached_per_vocabulary(tmp_path: Path, listing: Path) -> None:
    out = tmp_path / "out"
    _cache_concepts(out, listing)
    _build(listing, out)
    papers = load_paths([listing]).papers
    config = technique_config(Vocabulary.load())
    with Workspace.open(out, readonly=True) as ws:
        cached = ws.cached_extractions(config, papers)
    slimflow = {hit.key for hit in cached["arxiv:2407.12718"].techniques}
    assert {"distillation", "one-step"} <= slimflow
    extra = tmp_path / "more.yaml"
    extra.write_text(VOCABULARY, encoding="utf-8")
    assert technique_config(Vocabulary.load([extra])) != config


def test_run_log_records_what_determines_the_graph(tmp_path: Path, listing: Path) -> None:
    out = tmp_path / "out"
    _cache_concepts(out, listing)
    extra = tmp_path / "mine.yaml"
    extra.write_text(VOCABULARY, encoding="utf-8")
    _build(listing, out, env={**os.environ, ENV_VAR: str(extra)})
    with Workspace.open(out, readonly=True) as ws:
        (run,) = ws.runs()
    settings, stats = run["settings"], run["stats"]
    assert settings["model"] == "all-MiniLM-L6-v2" and settings["seed"] == 42
    assert settings["vocabulary"]["env"] == str(extra)
    assert [f["path"] for f in settings["vocabulary"]["files"]] == [str(extra)]
    assert settings["vocabulary"]["config"] == technique_config(Vocabulary.load([extra]))
    assert settings["options"]["top_concepts"] == 10
    assert set(stats["stages"]) == {"load", "ingest", "corpus", "extract", "graph", "analysis", "export"}
    assert all(fig["wall_s"] >= 0 and fig["cpu_s"] >= 0 for fig in stats["stages"].values())


def test_run_log_names_and_hashes_the_concept_rule_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from graph.concepts.features import default_rules  # read once per process: cleared around the change
    from graph.pipeline import run_settings

    stoplist = tmp_path / "stop.yaml"
    stoplist.write_text("generic:\n  - widget\n", encoding="utf-8")
    before = run_settings(PipelineOptions(), Vocabulary.load())
    monkeypatch.setenv("PAPERKG_CONCEPT_STOPLIST", str(stoplist))
    default_rules.cache_clear()
    try:
        after = run_settings(PipelineOptions(), Vocabulary.load())
    finally:
        default_rules.cache_clear()
    rules = after["concept_rules"]["PAPERKG_CONCEPT_STOPLIST"]
    assert rules["env"] == str(stoplist) and [f["path"] for f in rules["files"]] == [str(stoplist)]
    assert len(rules["files"][0]["sha256"]) == 64
    assert after["concepts_config"] != before["concepts_config"]  # the stoplist changes the extraction
