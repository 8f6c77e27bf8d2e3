"""neo4j-admin bulk-import files streamed from the workspace, without building the NetworkX graph (DESIGN.md §7).

``paperkg neo4j bulk --from-workspace`` is the path past one machine's memory: the papers and their cached
extractions are read from ``DIR/paperkg.sqlite`` in id order, a chunk at a time, and every node and
relationship row is written to the files of :mod:`graph.export.graphdb.bulk` (same headers, same cells) as
it is made. The rules are the in-memory build's own (:mod:`graph.build`'s helpers, :func:`graph.names.
mention_citations`, the reference resolution of :func:`loaders.records.resolve_references`) and RELATED_TO comes from
:func:`graph.relatedness.related_blocks`, the function behind :func:`~graph.relatedness.related_pairs`, one
block of papers at a time. So the rows equal those :func:`~graph.export.graphdb.bulk.write_bulk_import`
writes from the build's graph, except the analysis columns (``pagerank``, ``community``, ``betweenness``,
``degree``), which stay empty: ``paperkg analyze --engine neo4j`` computes them in the database (GDS).

What stays in memory is per paper its id, title, references, concepts and numbered items, and its TF-IDF held
compactly (no abstracts, no graph): about 4.5 KiB per paper (figures in docs/neo4j.md). Papers whose
extractions are not cached are extracted first, in chunks, and cached.

>>> tally = Tally()
>>> tally.add("Paper", 2); tally.add("Paper", 1); tally.nodes
{'Paper': 3}
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, cast

import numpy as np

from graph import schema
from graph.build import (
    BuildOptions,
    _Concepts,
    _gather_concepts,
    _is_broad,
    _kept_concepts,
    _method_concepts,
    _paper_attrs,
    _technique_attrs,
    _technique_closure,
    _technique_uses,
    author_key,
)
from graph.export.graphdb import bulk
from graph.export.graphdb.rows import schema_props
from graph.extraction import ConceptHit, PaperExtraction
from graph.names import introduced_names, mention_citations
from graph.relatedness import (
    CITEDBY,
    WORK,
    Evidence,
    ItemIndex,
    citation_label,
    citation_rows,
    paper_items,
    related_blocks,
)
from graph.specificity import specificity
from graph.store import Workspace
from graph.techniques import Vocabulary
from loaders.records import Paper, clean_text, match_keys, normalize_title

__all__ = ["CHUNK", "Tally", "last_build_options", "stream_bulk_import"]

#: Papers read (and extracted, when not cached) per query.
CHUNK = 5000

#: A paper row joined with its cached concept and technique extractions, in id order.
_JOINED = """
SELECT p.data, c.data, t.data FROM papers AS p
LEFT JOIN extractions AS c ON c.paper_id = p.id AND c.config = ? AND c.text_hash = p.text_hash
LEFT JOIN extractions AS t ON t.paper_id = p.id AND t.config = ? AND t.text_hash = p.text_hash
ORDER BY p.id
"""

_MISSING = """
SELECT p.data FROM papers AS p WHERE NOT EXISTS (
  SELECT 1 FROM extractions AS e WHERE e.paper_id = p.id AND e.config = ? AND e.text_hash = p.text_hash)
ORDER BY p.seq
"""


@dataclass
class Tally:
    """Rows written per Neo4j label and relationship type (for the README and the report)."""

    nodes: dict[str, int] = field(default_factory=dict)
    rels: dict[str, int] = field(default_factory=dict)

    def add(self, name: str, n: int = 1) -> None:
        target = self.rels if name in schema.RELATIONSHIPS else self.nodes
        target[name] = target.get(name, 0) + n


class _Files:
    """The open CSV writers, one per label and type, counting what they write."""

    def __init__(self, stack: ExitStack, out: Path) -> None:
        self.tally = Tally()
        self.paths: list[Path] = []
        self.writers: dict[str, Any] = {}
        for kind, spec in schema.NODES.items():
            self._open(stack, out / bulk.node_file(spec.label), spec.label, bulk.node_header(kind))
        for rel in schema.RELATIONSHIPS:
            self._open(stack, out / bulk.relationship_file(rel), rel, bulk.relationship_header(rel))

    def _open(self, stack: ExitStack, path: Path, name: str, header: list[str]) -> None:
        from loaders.atomicio import atomic_open

        handle = cast(IO[str], stack.enter_context(atomic_open(path, "w", newline="")))
        self.writers[name] = bulk.csv_writer(handle)
        self.writers[name].writerow(header)
        self.paths.append(path)
        self.tally.add(name, 0)

    def node(self, kind: str, key: str, attrs: Mapping[str, Any]) -> None:
        spec = schema.NODES[kind]
        props = schema_props(attrs, spec.properties, schema.node_id(kind, key))
        self.writers[spec.label].writerow(bulk.node_cells(kind, key, props))
        self.tally.add(spec.label)

    def rel(self, rel: str, start: str, end: str, attrs: Mapping[str, Any]) -> None:
        props = schema_props(attrs, schema.RELATIONSHIPS[rel].properties, f"{rel} {start} -> {end}")
        self.writers[rel].writerow(bulk.relationship_cells(rel, start, end, props))
        self.tally.add(rel)


@dataclass
class _Citations:
    """Corpus-wide facts read in one pass over lean records: resolved references, inferred citations,
    introduced names and titles (abstracts are dropped after the pass)."""

    ids: list[str]
    references: dict[str, list[str]]
    mentions: dict[str, list[tuple[str, str]]]
    methods: dict[str, list[tuple[str, str]]]
    titles: dict[str, str]


def _lean(paper: Paper) -> Paper:
    """The fields the citation rules read (ids, title, abstract, date, references)."""
    return Paper(
        id=paper.id,
        title=paper.title,
        abstract=paper.abstract,
        published=paper.published,
        references=list(paper.references),
        external_ids=dict(paper.external_ids),
    )


def _citations(conn: sqlite3.Connection, use_mentions: bool) -> _Citations:
    """Two passes over the records in ingest order: first the match keys, titles and names each introduces,
    then its references, resolved as :func:`loaders.records.resolve_references` resolves them (the first record
    holding a match key is the one it names) as they are read, so no unresolved list waits for the last record.
    Inferred citations (:func:`graph.names.mention_citations`) compare every abstract with every name: only
    when they are on are the records (ids, titles, dates, abstracts) held for that pass."""
    alias: dict[str, str] = {}
    titles: dict[str, str] = {}
    held: list[Paper] = []
    introduced: dict[str, list[str]] = {}
    in_order: list[str] = []
    for (data,) in conn.execute("SELECT data FROM papers ORDER BY seq"):
        paper = Paper.from_dict(json.loads(data))
        for key in [*match_keys(paper), paper.id]:
            alias.setdefault(key, paper.id)
        titles[paper.id] = paper.title
        in_order.append(paper.id)
        names = introduced_names(paper.title, paper.abstract)
        if names:
            introduced[paper.id] = names
        if use_mentions:
            held.append(_lean(paper))
    references = {}
    rows = conn.execute("SELECT json_extract(data, '$.references') FROM papers ORDER BY seq")
    for pid, (refs,) in zip(in_order, rows, strict=True):
        resolved = (alias.get(ref, ref) for ref in json.loads(refs or "[]"))
        references[pid] = [ref for ref in dict.fromkeys(resolved) if ref != pid]
    del alias, in_order
    mentions: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for citing, cited, name in mention_citations(held, {p.id: introduced.get(p.id, []) for p in held}):
        mentions[citing].append((cited, name))
    ids = sorted(titles)
    found = _method_concepts(introduced)
    return _Citations(
        ids=ids,
        references=references,
        mentions=dict(mentions),
        methods={pid: found[pid] for pid in ids if found.get(pid)},  # in id order, as the build reads them
        titles=titles,
    )


def _extraction(pid: str, concepts: str | None, techniques: str | None) -> PaperExtraction:
    found = PaperExtraction(pid)
    if concepts:
        found.concepts = PaperExtraction.from_dict(json.loads(concepts)).concepts
    if techniques:
        found.techniques = PaperExtraction.from_dict(json.loads(techniques)).techniques
    return found


def _joined(conn: sqlite3.Connection, configs: tuple[str, str]) -> Iterator[tuple[Paper, PaperExtraction]]:
    """Every paper with its extraction, in id order (one query, read as it goes)."""
    for data, concepts, techniques in conn.execute(_JOINED, configs):
        paper = Paper.from_dict(json.loads(data))
        yield paper, _extraction(paper.id, concepts, techniques)


class _Kept:
    """``paper id -> kept concept hits`` as :func:`graph.build._gather_concepts` reads it (``items()`` only),
    streamed from the workspace instead of held."""

    def __init__(self, conn: sqlite3.Connection, configs: tuple[str, str], limit: int, ids: Sequence[str]) -> None:
        self.conn, self.configs, self.limit, self.ids = conn, configs, limit, ids

    def items(self) -> Iterator[tuple[str, list[ConceptHit]]]:
        for pid, (_, extraction) in zip(self.ids, _joined(self.conn, self.configs), strict=True):
            yield pid, _kept_concepts(extraction, self.limit)  # the id string held in ``ids``, not a copy


def _chunks(conn: sqlite3.Connection, configs: tuple[str, str]) -> Iterator[list[tuple[Paper, PaperExtraction]]]:
    chunk: list[tuple[Paper, PaperExtraction]] = []
    for row in _joined(conn, configs):
        chunk.append(row)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@dataclass
class _Pass:
    """What the paper pass gathers for the nodes written after it and for RELATED_TO."""

    items: ItemIndex = field(default_factory=ItemIndex)  # each paper's concept and technique items, in id order
    tech_df: Counter[str] = field(default_factory=Counter)
    author_names: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def item_df(self) -> Callable[[str, int], int]:
        """How many papers have an item (by id), ``default`` for an item none has, from the items gathered."""
        df = np.bincount(np.frombuffer(self.items.items, dtype=np.int32), minlength=len(self.items.names))
        numbers = self.items.numbers
        return lambda item, default: int(df[numbers[item]]) if item in numbers else default


def _paper_rows(
    files: _Files,
    chunk: Sequence[tuple[Paper, PaperExtraction]],
    facts: _Citations,
    concepts: _Concepts,
    options: BuildOptions,
    state: _Pass,
) -> None:
    """Paper nodes, HAS_CONCEPT, USES_TECHNIQUE and AUTHORED rows of one chunk, as :func:`graph.build.build_graph`
    makes them (a repeated edge keeps its last attributes, as in the graph)."""
    papers = [paper for paper, _ in chunk]
    extractions = {paper.id: extraction for paper, extraction in chunk}
    kept = {pid: _kept_concepts(extraction, options.max_concepts_per_paper) for pid, extraction in extractions.items()}
    uses = _technique_uses(papers, extractions, kept, concepts)
    for paper in papers:
        paper.references = facts.references[paper.id]
        files.node(schema.PAPER, paper.id, _paper_attrs(paper))
        has = {h.key: {"score": round(float(h.score), 6), "rank": int(h.rank)} for h in kept[paper.id]}
        extracted = set(has)
        methods = facts.methods.get(paper.id, [])
        for rank, (key, _) in enumerate(methods, start=len(kept[paper.id]) + 1):
            if key not in extracted:
                has[key] = {"score": 1.0, "rank": rank}
        for key, attrs in has.items():
            files.rel(schema.HAS_CONCEPT, paper.id, key, attrs)
        for tech, (evidence, role) in uses[paper.id].items():
            files.rel(schema.USES_TECHNIQUE, paper.id, tech, {"evidence": evidence or None, "role": role})
            state.tech_df[tech] += 1
        used = [t for t, (_, role) in uses[paper.id].items() if role == "uses"]
        state.items.add(paper_items([h.key for h in kept[paper.id]] + [key for key, _ in methods], used,
                                    concepts.technique))  # fmt: skip
        authored: dict[str, int] = {}
        for position, raw in enumerate(paper.authors, start=1):
            name = clean_text(raw)
            if normalize_title(name):
                key = author_key(name)
                state.author_names[key][name] += 1
                authored[key] = position
        for key, position in authored.items():
            files.rel(schema.AUTHORED, key, paper.id, {"position": position})


def _other_nodes(
    files: _Files, concepts: _Concepts, vocabulary: Vocabulary, state: _Pass, n_papers: int
) -> tuple[dict[str, str], frozenset[str]]:
    """Concept, Technique and Author nodes and SUBTYPE_OF rows; returns the item labels and broad items."""
    labels: dict[str, str] = {}
    item_df = state.item_df()
    for key in concepts.surfaces:
        nid = schema.node_id(schema.CONCEPT, key)
        attrs = concepts.attrs(key, specificity(item_df(nid, len(concepts.papers[key])), n_papers))
        files.node(schema.CONCEPT, key, attrs)
        labels[nid] = str(attrs.get("label", nid))
    broad: set[str] = set()
    techniques = vocabulary.techniques
    for key in _technique_closure(state.tech_df, techniques):
        tech = techniques[key]
        nid = schema.node_id(schema.TECHNIQUE, key)
        spec = specificity(item_df(nid, state.tech_df.get(key, 0)), n_papers, broad=_is_broad(tech))
        attrs = _technique_attrs(tech, state.tech_df.get(key, 0), spec)
        files.node(schema.TECHNIQUE, key, attrs)
        labels[nid] = str(attrs.get("label", nid))
        if attrs.get("broad"):
            broad.add(nid)
        if tech.parent and tech.parent in techniques:
            files.rel(schema.SUBTYPE_OF, key, tech.parent, {})
    for key, names in state.author_names.items():
        files.node(schema.AUTHOR, key, {"name": min(names, key=lambda s: (-names[s], s))})
    return labels, frozenset(broad)


def _cites(files: _Files, facts: _Citations) -> dict[str, list[str]]:
    """CITES rows (references within the corpus, then inferred mentions); each paper's cited ids for the
    citation items of relatedness (as :func:`graph.relatedness.evidence_from_graph` reads them)."""
    corpus = set(facts.ids)
    cited: dict[str, list[str]] = {}
    for pid in facts.ids:
        refs = facts.references.pop(pid)  # not needed after this pass
        inside = [ref for ref in refs if ref in corpus and ref != pid]
        for ref in inside:
            files.rel(schema.CITES, pid, ref, {"via": schema.CITES_FROM_REFERENCES})
        mentioned: dict[str, str] = {}
        for ref, name in facts.mentions.get(pid, []):  # sorted: the first name of a pair is its evidence
            if ref not in inside:
                mentioned.setdefault(ref, name)
        for ref, name in mentioned.items():
            files.rel(schema.CITES, pid, ref, {"via": schema.CITES_FROM_MENTION, "evidence": name})
        cited[pid] = [*refs, *mentioned]  # the CITES targets within the corpus are among refs
    return cited


class _Labels(Mapping[str, str]):
    """Item labels: concepts' and techniques' own, citation items' made from titles when asked for."""

    def __init__(self, labels: dict[str, str], titles: Mapping[str, str]) -> None:
        self.labels, self.titles = labels, titles

    def __getitem__(self, item: str) -> str:
        if item in self.labels:
            return self.labels[item]
        if item.partition(":")[0] in (WORK, CITEDBY):
            return citation_label(item, self.titles)
        raise KeyError(item)

    def __iter__(self) -> Iterator[str]:
        return iter(self.labels)

    def __len__(self) -> int:
        return len(self.labels)


def _texts(conn: sqlite3.Connection) -> Iterator[str]:
    """Each paper's ``title. abstract`` in id order, read from the workspace as it goes (never all held)."""
    for (data,) in conn.execute("SELECT data FROM papers ORDER BY id"):
        paper = Paper.from_dict(json.loads(data))
        yield f"{paper.title}. {paper.abstract}"


def _related(
    files: _Files,
    conn: sqlite3.Connection,
    items: ItemIndex,
    cited: dict[str, list[str]],
    facts: _Citations,
    labels: dict[str, str],
    broad: frozenset[str],
    methods: frozenset[str],
    options: BuildOptions,
) -> None:
    """RELATED_TO rows, block by block, by :func:`graph.relatedness.related_blocks`: each paper's items
    (``items``, in id order) with its citation items, numbered (no list of strings per paper)."""
    named = items.table(facts.ids)
    linking = ItemIndex(items)
    for i, found in enumerate(citation_rows(cited, facts.ids)):
        linking.add(found, named.row(i).tolist())
    cited.clear()
    del named
    evidence = Evidence(linking.table(facts.ids), _Labels(labels, facts.titles), broad, methods)
    cut = options.item_cut().for_corpus(len(facts.ids))
    blocks = related_blocks(evidence, cut, options.k, options.min_weight, options.shared_labels, texts=_texts(conn))
    for block in blocks:
        for a, b, link in block:
            files.rel(schema.RELATED_TO, a, b, {"weight": link.weight, "text": link.text, "shared": link.shared})


def _extract_missing(ws: Workspace, vocabulary: Vocabulary, pipeline_options: Any, configs: tuple[str, str]) -> int:
    """Extract (and cache) the papers whose concepts or techniques are not cached; how many there were."""
    from graph.pipeline import extract

    missing: dict[str, Paper] = {}
    for config in configs:
        for (data,) in ws.conn.execute(_MISSING, (config,)):
            paper = Paper.from_dict(json.loads(data))
            missing[paper.id] = paper
    todo = list(missing.values())
    for start in range(0, len(todo), CHUNK):
        extract(todo[start : start + CHUNK], ws, vocabulary, pipeline_options)
    return len(todo)


def stream_bulk_import(
    folder: str | Path, out_dir: str | Path, pipeline_options: Any, vocabulary: Vocabulary
) -> tuple[list[Path], Tally]:
    """Write the bulk-import files of the workspace in ``folder`` into ``out_dir`` without a NetworkX graph.

    ``pipeline_options`` (:class:`graph.pipeline.PipelineOptions`) choose the cached extractions (model,
    concepts per paper) and the graph rules (``.graph``); papers not yet extracted are extracted first.
    Returns the written paths (CSVs in schema order, then ``schema.cypher`` and ``README.md``) and the row counts.
    """
    from graph.pipeline import concept_extractor, technique_config

    options: BuildOptions = pipeline_options.graph
    options.validate()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    configs = (concept_extractor(pipeline_options).fingerprint, technique_config(vocabulary))
    with Workspace.open(folder, create=False) as ws:
        _extract_missing(ws, vocabulary, pipeline_options, configs)
        facts = _citations(ws.conn, options.mention_citations)
        kept = cast(Mapping[str, list[ConceptHit]], _Kept(ws.conn, configs, options.max_concepts_per_paper, facts.ids))
        concepts = _gather_concepts(kept, vocabulary.techniques, vocabulary.technique_for_phrase, facts.methods)
        state = _Pass()
        with ExitStack() as stack:
            files = _Files(stack, out)
            for chunk in _chunks(ws.conn, configs):
                _paper_rows(files, chunk, facts, concepts, options, state)
            labels, broad = _other_nodes(files, concepts, vocabulary, state, len(facts.ids))
            methods = frozenset(schema.node_id(schema.CONCEPT, key) for key in concepts.methods)
            del concepts, state.author_names  # written; RELATED_TO needs neither
            cited = _cites(files, facts)
            _related(files, ws.conn, state.items, cited, facts, labels, broad, methods, options)
    return [*files.paths, *bulk.write_import_guide(out, files.tally.nodes, files.tally.rels)], files.tally


def _known(cls: Any, values: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``values`` that are fields of the dataclass ``cls`` (a newer run log may hold more)."""
    from dataclasses import fields

    names = {f.name for f in fields(cls)}
    return {k: v for k, v in values.items() if k in names}


def last_build_options(folder: str | Path) -> tuple[Any, Vocabulary]:
    """The options and vocabulary of the last ``build``/``add``/``remove`` in the workspace's run log (the
    defaults when there is none), so the streamed files follow the same rules as that build's graph."""
    import os

    from graph.pipeline import PipelineOptions
    from graph.techniques import ENV_VAR

    with Workspace.open(folder, readonly=True) as ws:
        runs = [run for run in ws.runs() if run["command"] in ("build", "add", "remove")]
    settings = cast(dict[str, Any], runs[-1]["settings"]) if runs else {}
    chosen = dict(settings.get("options") or {})
    graph = BuildOptions(**_known(BuildOptions, chosen.pop("graph", {})))
    named = {p for p in os.environ.get(ENV_VAR, "").split(os.pathsep) if p.strip()}  # Vocabulary.load reads those
    files = (settings.get("vocabulary") or {}).get("files", [])
    extra = [Path(f["path"]) for f in files if f["path"] not in named]
    options = PipelineOptions(**_known(PipelineOptions, chosen), graph=graph, techniques=extra, progress=False)
    return options, Vocabulary.load(extra)
