"""The public Python API; the ``paperkg`` command is a thin shell around it, and notebooks use it directly.

Building the bundled sample loads the model, so these lines are not run as tests:

>>> from graph import api
>>> summary = api.build(out="paperkg-out")          # doctest: +SKIP
>>> G = api.load_graph("paperkg-out")              # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from graph.defaults import FOCUS_BUDGET, VIEW_BUDGET
from graph.errors import ConfigError, WorkspaceError
from graph.outfolder import read_output, rewrite_outputs, writer_lock
from graph.store import Workspace
from graph.workfolder import notebook_folder

# Each function imports the stages it runs, so a reader (`paperkg info`, `top`, ...) loads no pipeline,
# view or model code and starts in well under a second.
if TYPE_CHECKING:
    import networkx as nx

    from graph.analysis import analyze
    from graph.analysis.couse import technique_graph
    from graph.concepts.extractors import KeyphraseOptions
    from graph.export.graphdb.bulk import import_command as neo4j_import_command
    from graph.export.graphdb.cypher import PRESETS
    from graph.export.graphdb.gds import GdsOptions, GdsReport
    from graph.export.graphdb.load import LoadReport, Neo4jSettings
    from graph.pipeline import BuildSummary, PipelineOptions, concept_extractor, extract, write_outputs
    from graph.questions import Explanation, Ranked, Similar, Source
    from graph.techniques import Vocabulary
    from loaders.detect import LoadResult

#: Public names this module re-exports from the modules that define them (name -> module, attribute),
#: imported on first use (see :func:`__getattr__`), so that ``import graph.api`` stays light.
_REEXPORTS = {
    **{name: ("graph.pipeline", name) for name in ("BuildSummary", "PipelineOptions", "concept_extractor")},
    **{name: ("graph.pipeline", name) for name in ("extract", "write_outputs")},
    "KeyphraseOptions": ("graph.concepts.extractors", "KeyphraseOptions"),
    "analyze": ("graph.analysis", "analyze"),
    "technique_graph": ("graph.analysis.couse", "technique_graph"),
    "PRESETS": ("graph.export.graphdb.cypher", "PRESETS"),
    "neo4j_import_command": ("graph.export.graphdb.bulk", "import_command"),
}

__all__ = [
    "DEFAULT_OUT",
    "FOCUS_BUDGET",
    "GRAPH_FILE",
    "PRESETS",
    "VIEW_BUDGET",
    "BuildSummary",
    "KeyphraseOptions",
    "PipelineOptions",
    "add",
    "analyze",
    "analyze_neo4j",
    "build",
    "community_labels",
    "concept_extractor",
    "explain",
    "extract",
    "fetch",
    "info",
    "keyphrases",
    "load_graph",
    "load_inputs",
    "neo4j_bulk",
    "neo4j_import_command",
    "neo4j_load",
    "neo4j_settings",
    "notebook_folder",
    "query",
    "reader_source",
    "remove",
    "similar",
    "technique_graph",
    "techniques",
    "top",
    "view",
    "write_outputs",
]

DEFAULT_OUT = Path("paperkg-out")
GRAPH_FILE = "graph.json"


def __getattr__(name: str) -> Any:
    """The re-exported names (``api.PipelineOptions``, ``api.analyze``, ...), imported when first asked for.

    >>> api = importlib.import_module("graph.api")
    >>> api.technique_graph.__module__, "PRESETS" in __all__
    ('graph.analysis.couse', True)
    """
    if name in _REEXPORTS:
        module, attribute = _REEXPORTS[name]
        return getattr(importlib.import_module(module), attribute)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def load_inputs(inputs: Sequence[str | Path] = (), fmt: str | None = None) -> LoadResult:
    """Read input files and folders (the bundled sample when ``inputs`` is empty) into merged Paper records
    whose references point to corpus ids; ``fmt`` overrides format detection. The result also holds the
    per-file reports, skipped records and merge report."""
    from graph.pipeline import input_paths
    from loaders.detect import load_paths
    from loaders.records import resolve_references

    loaded = load_paths(input_paths(inputs), fmt)
    resolve_references(loaded.papers)
    return loaded


def fetch(source: str, query: str | None, out: str | Path, limit: int = 100, **opts: Any) -> Path:
    """Save up to ``limit`` papers from an online ``source`` to ``out`` (a file ``build``/``add`` read).

    Sources: ``arxiv``, ``semantic-scholar``, ``openalex``, ``hf-daily`` (``date=YYYY-MM-DD``), ``hf-search``.
    """
    from loaders.fetch import fetch_to_file

    return fetch_to_file(source, query, Path(out), limit, **opts)


def build(
    inputs: Sequence[str | Path] = (), out: str | Path = DEFAULT_OUT, options: PipelineOptions | None = None
) -> BuildSummary:
    """Build the graph of exactly ``inputs`` into ``out`` (the bundled sample when ``inputs`` is empty).

    Caches in an existing workspace (embeddings, extractions) are reused.
    """
    from graph.pipeline import PipelineOptions, run

    return run("build", inputs, Path(out), options or PipelineOptions())


def add(
    inputs: Sequence[str | Path], out: str | Path = DEFAULT_OUT, options: PipelineOptions | None = None
) -> BuildSummary:
    """Add ``inputs`` to the graph in ``out``; only new papers are extracted, then the outputs are rebuilt."""
    out = Path(out)
    if not (out / "paperkg.sqlite").exists():
        raise WorkspaceError(f"{out}: no paperkg workspace here (run `paperkg build --out {out}` first)")
    from graph.pipeline import PipelineOptions, run

    return run("add", inputs, out, options or PipelineOptions())


def remove(
    papers: Sequence[str], out: str | Path = DEFAULT_OUT, options: PipelineOptions | None = None
) -> tuple[list[str], BuildSummary]:
    """Take ``papers`` (ids or titles, resolved as ``explain`` resolves them) out of the graph in ``out``
    and rebuild its outputs; return the titles removed and the build summary. Their records leave the
    workspace (cached extractions stay, so adding them back is cheap).
    """
    from graph import analysis, schema
    from graph.access import display_name
    from graph.pipeline import PipelineOptions
    from graph.pipeline import remove as remove_papers

    out = Path(out)
    if not papers:
        raise ConfigError("name at least one paper to remove (an id or a title)")
    G = load_graph(out)
    found = {analysis.resolve_paper(G, name): name for name in papers}
    titles = [display_name(G, nid) for nid in found]
    ids = [schema.split_node_id(nid)[1] for nid in found]
    return titles, remove_papers(ids, out, options or PipelineOptions())


def keyphrases(input_path: str | Path, out: TextIO, options: KeyphraseOptions | None = None) -> int:
    """`paperkg concepts`: write ``{"id", "keyphrases"}`` JSON lines for a JSONL file of id/title/abstract
    (``options``: :class:`KeyphraseOptions`, default the paperkg extractor); returns the document count."""
    from graph.concepts.extractors import KeyphraseOptions
    from graph.concepts.jsonl import write_keyphrases

    return write_keyphrases(Path(input_path), out, options or KeyphraseOptions())


def load_graph(out: str | Path = DEFAULT_OUT) -> nx.MultiDiGraph:
    """The graph a build wrote to ``out/graph.json``, as a typed :class:`networkx.MultiDiGraph`."""
    path = Path(out) / GRAPH_FILE
    if not path.exists():
        raise WorkspaceError(f"{path}: no graph here (run `paperkg build --out {out}` first)")
    from graph.export.files import parse_graph_json

    return parse_graph_json(read_output(out, GRAPH_FILE))  # refused if the folder mixes builds


def community_labels(out: str | Path = DEFAULT_OUT) -> dict[int, str]:
    """Community number -> label, as the build's analysis stored them in ``out/graph.json`` ({} if none)."""
    from graph import analysis

    return analysis.community_labels(load_graph(out))


def view(
    out: str | Path = DEFAULT_OUT,
    *,
    focus: str | None = None,
    radius: int = 1,
    community: int | None = None,
    technique_map: bool = False,
    budget: int | None = None,
) -> Path:
    """Write one interactive HTML view of the graph in ``out`` into ``out`` and return its path: the
    overview (``graph.html``) by default, else the ``focus`` ego network, a ``community`` or the
    ``technique_map`` (docs/views.md). ``budget``: most nodes on the page (None: the view's default,
    ``FOCUS_BUDGET`` for a focus, ``VIEW_BUDGET`` otherwise). A page is written like every output: under
    the folder's writer lock (waiting for a running build) and recorded in its manifest."""
    from graph import analysis
    from graph.export.views import write_view

    with writer_lock(out, wait=True):
        G = load_graph(out)
        pages = rewrite_outputs(out, lambda: [write_view(
            G, out, analysis.community_labels(G),
            focus=focus, radius=radius, community=community, technique_map=technique_map, budget=budget,
        )])  # fmt: skip
    return pages[0]


def reader_source(out: str | Path = DEFAULT_OUT) -> Source:
    """What ``explain``/``similar``/``top`` read in ``out``: the build's reader index (``readers.sqlite``,
    :mod:`graph.readindex`: a few rows a question), or, in a folder without one made from its ``graph.json``
    (an older paperkg's), the graph itself. The answers are the same; use it in a ``with`` block."""
    from graph.questions import GraphSource
    from graph.readindex import open_index

    return open_index(out) or GraphSource(load_graph(out))


def explain(a: str, b: str, out: str | Path = DEFAULT_OUT) -> Explanation:
    """Why papers ``a`` and ``b`` (ids, titles, title-prefix names) are related, in the graph in ``out``."""
    from graph import questions

    with reader_source(out) as source:
        return questions.explain(source, a, b)


def similar(x: str, k: int = 10, out: str | Path = DEFAULT_OUT) -> list[Similar]:
    """The ``k`` papers most strongly RELATED_TO paper ``x`` in the graph in ``out``."""
    from graph import questions

    with reader_source(out) as source:
        return questions.similar(source, x, k)


def top(kind: str = "paper", by: str = "pagerank", n: int = 10, out: str | Path = DEFAULT_OUT) -> list[Ranked]:
    """The ``n`` nodes of ``kind`` with the highest ``by`` in the graph in ``out``."""
    from graph import questions

    with reader_source(out) as source:
        return questions.top(source, kind, by, n)


def info(out: str | Path = DEFAULT_OUT) -> dict[str, Any]:
    """Counts and sources of the graph in ``out``."""
    with Workspace.open(out, readonly=True) as ws:
        runs = ws.runs()
        return {
            "out": str(out),
            "papers": ws.count_papers(),
            "embeddings_cached": ws.count_embeddings(),
            "sources": ws.source_files(),
            "last_run": runs[-1] if runs else None,
        }


def techniques(extra: Sequence[str | Path] = ()) -> Vocabulary:
    """The technique vocabulary a build uses: shipped, then ``$PAPERKG_TECHNIQUES``, then ``extra`` files.

    Raises :class:`~graph.errors.VocabularyError` (file, line, entry, field) for a bad file.

    >>> techniques().technique_for_phrase("knowledge distillation")
    'distillation'
    """
    from graph.techniques import Vocabulary

    return Vocabulary.load([Path(p) for p in extra])


def neo4j_settings(
    uri: str | None = None, user: str | None = None, password: str | None = None, database: str | None = None
) -> Neo4jSettings:
    """Connection settings: the given values, else ``NEO4J_URI``/``NEO4J_USER``/``NEO4J_PASSWORD``/
    ``NEO4J_DATABASE``, else the defaults of docker-compose.yml (``bolt://localhost:7687``)."""
    from graph.export.graphdb.load import Neo4jSettings

    return Neo4jSettings.resolve(uri, user, password, database)


def neo4j_load(
    out: str | Path = DEFAULT_OUT,
    settings: Neo4jSettings | None = None,
    *,
    batch_size: int = 1000,
    wipe: bool = False,
    progress: bool = True,
) -> LoadReport:
    """Load the graph of ``out`` into Neo4j (constraints, indexes, batched MERGE); idempotent."""
    from graph.export.graphdb.load import load_graph as load_into_neo4j

    return load_into_neo4j(load_graph(out), settings, batch_size=batch_size, wipe=wipe, progress=progress)


def neo4j_bulk(out: str | Path = DEFAULT_OUT, *, from_workspace: bool = False) -> list[Path]:
    """(Re)write the ``neo4j-admin database import`` files of the graph in ``out`` into ``out/neo4j``.

    ``from_workspace=True`` streams them from the workspace without building the graph in memory
    (:mod:`graph.export.graphdb.stream`, with the last build's options): the path for corpora past memory.
    Its analysis columns are empty; ``analyze_neo4j`` computes them in the database.
    """
    if from_workspace:
        from graph.export.graphdb.stream import last_build_options, stream_bulk_import

        with writer_lock(out):
            options, vocabulary = last_build_options(out)
            return rewrite_outputs(
                out, lambda: stream_bulk_import(out, Path(out) / "neo4j", options, vocabulary)[0]
            )
    from graph.export.graphdb.bulk import write_bulk_import

    with writer_lock(out):
        G = load_graph(out)
        return rewrite_outputs(out, lambda: write_bulk_import(G, Path(out) / "neo4j"))


def query(
    cypher: str | None = None,
    params: dict[str, Any] | None = None,
    *,
    preset: str | None = None,
    settings: Neo4jSettings | None = None,
) -> tuple[list[str], list[list[Any]]]:
    """Run Cypher (or the query preset ``preset``) against Neo4j: ``(columns, rows)``.

    >>> api.query(preset="shared-techniques", params={"paper": "SlimFlow"})   # doctest: +SKIP
    """
    from graph.export.graphdb import query as neo4j_query

    if (cypher is None) == (preset is None):
        raise ConfigError("give either a Cypher statement or a preset name")
    if preset is not None:
        return neo4j_query.run_preset(preset, params, settings)
    return neo4j_query.run_query(cypher or "", params, settings)


def analyze_neo4j(settings: Neo4jSettings | None = None, options: GdsOptions | None = None) -> GdsReport:
    """PageRank, Louvain and betweenness computed in Neo4j by Graph Data Science, written onto the nodes."""
    from graph.export.graphdb.gds import analyze_in_neo4j

    return analyze_in_neo4j(settings, options)
