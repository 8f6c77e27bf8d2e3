"""The ``build``/``add`` pipeline: load, ingest, extract, graph, analysis, export, timed stage by stage.

:mod:`graph.api` is the public façade over it; this module is where the stages are wired together.

Building the bundled sample (skipped here: it loads the model):

>>> summary = run("build", [], Path("paperkg-out"), PipelineOptions())   # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import networkx as nx
from tqdm import tqdm  # a terminal bar only (never a notebook widget): see _Stages

from graph import __version__
from graph import techniques as techniques_module
from graph.analysis import AnalysisResult, analyze
from graph.build import BuildOptions, build_graph
from graph.defaults import BATCH_SIZE, SEED, TOP_CONCEPTS, env_paths
from graph.export.files import write_graph_files
from graph.export.graphdb.bulk import write_bulk_import
from graph.export.report import write_report
from graph.export.views import write_overview
from graph.extraction import PaperExtraction
from graph.outfolder import MANIFEST_FILE, begin_outputs, finish_outputs, writer_lock
from graph.readindex import write_index
from graph.store import IngestReport, Workspace
from graph.techniques import ENV_VAR, Vocabulary
from loaders.detect import load_paths
from loaders.records import Paper, resolve_references
from loaders.result import LoadResult, write_skipped
from loaders.samples import sample_paths

if TYPE_CHECKING:  # the concept extractor imports torch: only when something must be embedded
    from graph.concepts import ConceptExtractor

__all__ = [
    "BuildSummary",
    "PipelineOptions",
    "concept_extractor",
    "extract",
    "input_paths",
    "run",
    "run_settings",
    "technique_config",
    "write_outputs",
]

T = TypeVar("T")


@dataclass
class PipelineOptions:
    """Options of ``build``/``add``: extraction, vocabulary, graph parameters, analysis seed."""

    model: str | None = None
    device: str = "auto"
    batch_size: int = BATCH_SIZE
    top_concepts: int = TOP_CONCEPTS
    techniques: Sequence[Path] = ()
    graph: BuildOptions = field(default_factory=BuildOptions)
    seed: int = SEED
    progress: bool = True
    #: Another run writing the output folder: wait for it (True) or stop at once with an error (False).
    wait: bool = False
    #: Read every input as this format (a name of ``loaders.detect.FORMATS``) instead of detecting it.
    input_format: str | None = None


@dataclass
class BuildSummary:
    """What a build or add did and where its outputs are."""

    out: Path
    ingest: IngestReport
    papers: int
    nodes: int
    edges: int
    files: list[Path]
    warnings: list[str]
    timings: dict[str, float]
    communities: int
    #: The inputs' account: a report per file, the records skipped (also in ``out/skipped.jsonl``), the merges.
    loaded: LoadResult = field(default_factory=LoadResult)


def input_paths(inputs: Sequence[str | Path]) -> list[Path]:
    """The files a run reads: ``inputs``, or the bundled sample when there are none.

    >>> input_paths(["a.txt"])
    [PosixPath('a.txt')]
    >>> len(input_paths([])) > 0
    True
    """
    return [Path(p) for p in inputs] if inputs else sample_paths()


class _Stages:
    """Runs the pipeline's stages in order, timing each, with one progress bar over the stages.

    ``figures`` keeps, per stage, wall and CPU seconds and the process's peak resident memory so far
    (the run log records them; ``benchmarks/pipeline.py`` reads them from there).
    """

    NAMES = ("load", "ingest", "corpus", "extract", "graph", "analysis", "export")

    def __init__(self, progress: bool) -> None:
        self.timings: dict[str, float] = {}
        self.figures: dict[str, dict[str, float | None]] = {}
        # disable=None: shown only when stderr is a terminal (never in logs or captured output)
        self.bar = tqdm(total=len(self.NAMES), unit="stage", disable=None if progress else True, leave=False)

    def run(self, stage: str, fn: Callable[[], T]) -> T:
        self.bar.set_description(stage)
        start, cpu = time.perf_counter(), time.process_time()
        result = fn()
        self.timings[stage] = round(time.perf_counter() - start, 3)
        self.figures[stage] = {
            "wall_s": self.timings[stage],
            "cpu_s": round(time.process_time() - cpu, 3),
            "peak_rss_mib": peak_rss_mib(),
        }
        self.bar.update()
        return result

    def close(self) -> None:
        self.bar.close()


def peak_rss_mib() -> float | None:
    """The peak resident memory of this process so far, in MiB (None where the OS does not say).

    On Linux, the high-water mark of this program's memory (``VmHWM``): ``ru_maxrss`` would also count the
    memory of the process that started it, which a new program inherits across ``exec``.

    >>> peak_rss_mib() > 1
    True
    """
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)  # kB
    try:
        import resource
    except ImportError:  # Windows
        return None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)  # bytes on macOS, KiB on Linux


def run(command: str, inputs: Sequence[str | Path], out: Path, options: PipelineOptions) -> BuildSummary:
    """Run ``build`` (the corpus becomes exactly ``inputs``) or ``add`` (``inputs`` join it) into ``out``,
    holding ``out``'s writer lock from the first input read to the last output file (:mod:`graph.outfolder`)."""
    with writer_lock(out, wait=options.wait):
        return _run_locked(command, inputs, out, options)


def remove(paper_ids: Sequence[str], out: Path, options: PipelineOptions) -> BuildSummary:
    """``paperkg remove``: the corpus in ``out`` without the papers ``paper_ids``; every output is rebuilt
    from what remains (extraction caches kept, nothing read from files)."""
    with writer_lock(out, wait=options.wait):
        return _run_locked("remove", [], out, options, gone=frozenset(paper_ids))


def _run_locked(
    command: str, inputs: Sequence[str | Path], out: Path, options: PipelineOptions, gone: frozenset[str] = frozenset()
) -> BuildSummary:
    stages = _Stages(options.progress)
    try:
        paths = [] if command == "remove" else input_paths(inputs)
        loaded = stages.run("load", lambda: load_paths(paths, options.input_format))
        write_skipped(loaded.skipped, out)
        vocabulary = Vocabulary.load(options.techniques)
        with Workspace.open(out) as ws:
            ingest = ws.replace_corpus if command == "build" else ws.ingest
            if command == "remove":
                ingest = lambda _: ws.replace_corpus([p for p in ws.papers() if p.id not in gone])  # noqa: E731
            report = stages.run("ingest", lambda: ingest(loaded.papers))
            report.report_into(loaded)  # add: merges into and conflicts with stored papers, as a build reports them
            papers = stages.run("corpus", lambda: resolve_references(ws.papers()))
            extractions = stages.run("extract", lambda: extract(papers, ws, vocabulary, options))
            G = stages.run(
                "graph",
                lambda: build_graph(
                    papers, extractions, vocabulary.techniques, vocabulary.technique_for_phrase, options.graph
                ),
            )
            analysis = stages.run("analysis", lambda: analyze(G, seed=options.seed))
            files = stages.run("export", lambda: write_outputs(G, analysis, out))
            stats = {"papers": len(papers), "nodes": G.number_of_nodes(), "edges": G.number_of_edges()}
            stats = {**stats, "ingest": str(report), "stages": stages.figures}
            ws.log_run(command, [str(p) for p in paths], stats, run_settings(options, vocabulary))
    finally:
        stages.close()
    return BuildSummary(
        out=out,
        ingest=report,
        papers=len(papers),
        nodes=G.number_of_nodes(),
        edges=G.number_of_edges(),
        files=files,
        warnings=loaded.warnings,
        timings=stages.timings,
        communities=len(analysis.communities),
        loaded=loaded,
    )


def run_settings(options: PipelineOptions, vocabulary: Vocabulary) -> dict[str, object]:
    """Everything that determines the graph, for the run log: paperkg version, model and extractor
    configuration, vocabulary (its content hash, ``$PAPERKG_TECHNIQUES`` and each extra file's hash), the
    concept stoplist and alias files (``$PAPERKG_CONCEPT_STOPLIST``/``_ALIASES``, each file's hash), options, seed.

    >>> settings = run_settings(PipelineOptions(), Vocabulary.load())
    >>> settings["seed"], settings["model"], settings["vocabulary"]["files"]
    (42, 'all-MiniLM-L6-v2', [])
    >>> settings["concept_rules"]["PAPERKG_CONCEPT_STOPLIST"]
    {'env': None, 'files': []}
    """
    from graph.concepts.rules import ALIASES_ENV, STOPLIST_ENV

    extractor = concept_extractor(options)
    chosen = {k: v for k, v in asdict(options).items() if k not in ("progress", "techniques", "wait")}
    files = _hashed([*env_paths(ENV_VAR), *map(Path, options.techniques)])
    return {
        "paperkg": __version__,
        "model": extractor.model_name,
        "concepts_config": extractor.fingerprint,
        "vocabulary": {"config": technique_config(vocabulary), "env": os.environ.get(ENV_VAR), "files": files},
        "concept_rules": {
            variable: {"env": os.environ.get(variable), "files": _hashed(env_paths(variable))}
            for variable in (STOPLIST_ENV, ALIASES_ENV)
        },
        "options": chosen,
        "seed": options.seed,
    }


def _hashed(paths: Sequence[Path]) -> list[dict[str, str]]:
    """``{"path", "sha256"}`` of each file, for the run log."""
    return [{"path": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()} for path in paths]


def concept_extractor(options: PipelineOptions, cache: Workspace | None = None) -> ConceptExtractor:
    """The configured :class:`graph.concepts.ConceptExtractor` (imported lazily: it loads torch)."""
    from graph.concepts import ConceptExtractor

    return ConceptExtractor(
        model=options.model,
        device=options.device,
        batch_size=options.batch_size,
        top_n=options.top_concepts,
        cache=cache,
        progress=False,  # the stage bar is the build's one progress display
    )


def extract(
    papers: Sequence[Paper], ws: Workspace, vocabulary: Vocabulary, options: PipelineOptions
) -> dict[str, PaperExtraction]:
    """Concepts and techniques of every paper, each cached per paper text and per configuration.

    The model stack (torch) is imported only when some paper's concepts are not cached.
    """
    extractor = concept_extractor(options, cache=ws)

    def find_concepts(todo: Sequence[Paper]) -> dict[str, PaperExtraction]:
        found = extractor.extract([(p.id, p.title, p.abstract) for p in todo])
        return {p.id: PaperExtraction(p.id, concepts=found.get(p.id, [])) for p in todo}

    def find_techniques(todo: Sequence[Paper]) -> dict[str, PaperExtraction]:
        return {p.id: PaperExtraction(p.id, techniques=vocabulary.match_paper(p.title, p.abstract)) for p in todo}

    concepts = _cached(ws, extractor.fingerprint, papers, find_concepts)
    techniques = _cached(ws, technique_config(vocabulary), papers, find_techniques)
    return {p.id: PaperExtraction(p.id, concepts[p.id].concepts, techniques[p.id].techniques) for p in papers}


def _cached(
    ws: Workspace,
    config: str,
    papers: Sequence[Paper],
    compute: Callable[[Sequence[Paper]], dict[str, PaperExtraction]],
) -> dict[str, PaperExtraction]:
    """Results under ``config`` from the workspace cache; ``compute`` runs on the rest, which are then cached."""
    cached = ws.cached_extractions(config, papers)
    todo = [p for p in papers if p.id not in cached]
    if todo:
        fresh = compute(todo)
        ws.put_extractions(config, todo, fresh)
        cached.update(fresh)
    return cached


def technique_config(vocabulary: Vocabulary) -> str:
    """The cache key of technique matches: the vocabulary's content and the matching code's version.

    >>> technique_config(Vocabulary.load()) == technique_config(Vocabulary.load())
    True
    >>> technique_config(Vocabulary.load()).startswith("techniques:")
    True
    """
    entries = {key: asdict(technique) for key, technique in vocabulary.techniques.items()}
    digest = hashlib.sha256(json.dumps(entries, sort_keys=True).encode())
    digest.update(Path(techniques_module.__file__ or "").read_bytes())  # a changed matcher invalidates the cache
    return f"techniques:{digest.hexdigest()[:16]}"


def write_outputs(G: nx.MultiDiGraph, analysis: AnalysisResult, out: Path) -> list[Path]:
    """Every file of the output folder: graph files, CSVs, report, overview page, Neo4j import files, and
    last the manifest that records them as one build (:mod:`graph.outfolder`; call with the writer lock)."""
    begin_outputs(out)
    files = list(write_graph_files(G, analysis, out))
    files.append(write_index(G, out))  # what paperkg top/explain/similar read (after graph.json: it records its hash)
    report = write_report(G, analysis, out)
    files += [report, report.with_suffix(".html")]  # write_report writes report.md and report.html
    files.append(write_overview(G, out / "graph.html", analysis.community_labels()))
    files.extend(write_bulk_import(G, out / "neo4j"))
    finish_outputs(out, files)
    return [*files, out / MANIFEST_FILE]
