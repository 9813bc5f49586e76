"""Run SPARQL and render the answers as a table, CSV, TSV or JSON."""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .model import normalise_name
from .ontology import SCKG, Ontology
from .store import PREFIXES, Store

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "xml": ox.QueryResultsFormat.XML,
}


QUERY_DIR = Path(__file__).resolve().parent / "queries"


@dataclass(frozen=True)
class NamedQuery:
    """A competency query shipped as a .rq file."""

    name: str
    description: str
    text: str


@functools.cache
def named_queries() -> dict[str, NamedQuery]:
    """The shipped competency queries, by name (the file stem); the leading comment describes each.

    Examples
    --------
    >>> "who-monitors-whom" in named_queries()
    True
    """
    out = {}
    for path in sorted(QUERY_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        comment = []
        for line in text.splitlines():
            if not line.startswith("#"):
                break
            comment.append(line.lstrip("# ").rstrip())
        out[path.stem] = NamedQuery(path.stem, " ".join(comment).split(" e.g.")[0].strip(), text)
    return out


def named_query(name: str) -> NamedQuery:
    """One shipped query; the error lists the known names."""
    queries = named_queries()
    if name not in queries:
        raise ValueError(f"no query named {name!r}; known: {', '.join(queries)}")
    return queries[name]


def _term(t) -> str:
    if t is None:
        return ""
    if isinstance(t, ox.NamedNode):
        return t.value
    if isinstance(t, ox.Literal):
        return t.value
    return str(t)


def run_query(store: Store, sparql: str, *, bindings: dict | None = None) -> tuple[list[str], list[list[str]]]:
    """Run a SELECT (or ASK) query; return the variable names and rows of plain strings.

    Examples
    --------
    >>> from graph.store import Store
    >>> run_query(Store(None), "SELECT ?x WHERE { VALUES ?x { 1 2 } }")
    (['x'], [['1'], ['2']])
    """
    result = store.query(sparql, bindings=bindings)
    if isinstance(result, ox.QueryBoolean):
        return ["ask"], [[str(bool(result)).lower()]]
    if isinstance(result, ox.QuerySolutions):
        names = [v.value for v in result.variables]
        return names, [[_term(sol[n]) for n in names] for sol in result]
    raise ValueError("only SELECT and ASK queries give rows; use sckg export for graphs")


def query_text(store: Store, sparql: str, *, fmt: str = "table", bindings: dict | None = None) -> str:
    """Run a query and render its answer as ``table`` or a SPARQL results format (json, csv, tsv, xml).

    Examples
    --------
    >>> from graph.store import Store
    >>> query_text(Store(None), "SELECT ?x WHERE { VALUES ?x { 1 } }", fmt="csv").split()
    ['x', '1']
    """
    if fmt in RESULT_FORMATS:
        result = store.query(sparql, bindings=bindings)
        if not isinstance(result, (ox.QuerySolutions, ox.QueryBoolean)):
            raise ValueError("only SELECT and ASK queries give results; use sckg export for graphs")
        return result.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8")
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r}; use table, {', '.join(RESULT_FORMATS)}")
    return render_table(*run_query(store, sparql, bindings=bindings))


def to_dataframe(store: Store, sparql: str, *, bindings: dict | None = None):
    """Run a SELECT query and return a pandas DataFrame (pandas is needed for this only).

    Examples
    --------
    >>> from graph.store import Store
    >>> to_dataframe(Store(None), "SELECT ?x WHERE { VALUES ?x { 1 2 } }")["x"].tolist()
    ['1', '2']
    """
    import pandas as pd
    names, rows = run_query(store, sparql, bindings=bindings)
    return pd.DataFrame(rows, columns=names)


# Strings, IRIs and comments, blanked out before looking for prefixed names.
_OPAQUE = re.compile("|".join((
    r'"""[\s\S]*?"""', r"'''[\s\S]*?'''",          # long strings
    r'"(?:[^"\\\n]|\\.)*"', r"'(?:[^'\\\n]|\\.)*'",  # strings
    r'<[^<>"{}|^`\\\x00-\x20]*>',                     # IRIs
    r"#[^\n]*",                                         # comments
)))
_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
_PNAME = re.compile(r"(?<![\w.:?$<-])([A-Za-z][\w.-]*)?:(?=[\w%\\])")
_SCKG_TERM = re.compile(r"\bsckg:((?:[\w-]|\.(?=[\w-]))+)|<" + re.escape(str(SCKG)) + r"([^<>\s]*)>")


def _blank_opaque(sparql: str) -> str:
    """The query with strings, IRIs and comments replaced by spaces (offsets kept)."""
    return _OPAQUE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), sparql)


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _excerpt(sparql: str, line: int, col: int) -> str:
    """The offending line of the query (a window around ``col`` when long), quoted."""
    lines = sparql.splitlines() or [""]
    text = lines[min(line, len(lines)) - 1]
    start = max(0, col - 50)
    piece = text[start:col + 50].strip()
    return '"' + ("…" if start else "") + piece + ("…" if col + 50 < len(text) else "") + '"'


def unknown_prefixes(sparql: str) -> list[tuple[str, int, int]]:
    """Prefixes used in ``sparql`` that neither the project nor the query declares, with line and column.

    Examples
    --------
    >>> unknown_prefixes("SELECT ?x WHERE { ?x foaf:name 'a:b' ; sckg:owns ?y }")
    [('foaf', 1, 22)]
    >>> unknown_prefixes("PREFIX foaf: <http://xmlns.com/foaf/0.1/> SELECT ?x WHERE { ?x foaf:name ?n }")
    []
    """
    blank = _blank_opaque(sparql)
    declared = set(PREFIXES) | {m.group(1) or "" for m in _PREFIX_DECL.finditer(blank)}
    out, seen = [], set()
    for m in _PNAME.finditer(blank):
        name = m.group(1) or ""
        if name not in declared and name not in seen and name != "_":
            seen.add(name)
            out.append((name, *_line_col(sparql, m.start())))
    return out


_UPDATE = re.compile(r"^\s*(?:(?:PREFIX\s+[\w.-]*:\s*\S+|BASE\s+\S+)\s*)*"
                     r"(INSERT|DELETE|DROP|CLEAR|LOAD|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)


def explain_syntax_error(sparql: str, message: str) -> str:
    """A parser's complaint about ``sparql`` as one line a user can act on.

    Names an unknown prefix with the known ones; otherwise gives the line, the column, what
    was found there and the text of that line.

    Examples
    --------
    >>> print(explain_syntax_error("SELECT ?x WHERE { ?x foo:bar ?y }", "error at 1:29: expected one of ..."))
    line 1, column 22: unknown prefix 'foo:' in "SELECT ?x WHERE { ?x foo:bar ?y }" (known prefixes: dcterms, doc, ent, ev, owl, prov, rdf, rdfs, sckg, skos, wd, xsd; or declare it: PREFIX foo: <...>)
    >>> print(explain_syntax_error("SELECT ?x WHERE {\\n  ?x ?y ?z ) }", "error at 2:14: expected [_]"))
    line 2, column 12: unexpected ')' in "?x ?y ?z ) }"
    >>> print(explain_syntax_error("DROP ALL", "error at 1:1: expected CONSTRUCT"))
    line 1, column 1: DROP is an update; sckg query runs SELECT and ASK queries only
    """
    unknown = unknown_prefixes(sparql)
    if unknown:
        name, line, col = unknown[0]
        known = ", ".join(sorted(PREFIXES, key=str.casefold))
        return (f"line {line}, column {col}: unknown prefix '{name}:' in {_excerpt(sparql, line, col)} "
                f"(known prefixes: {known}; or declare it: PREFIX {name}: <...>)")
    update = _UPDATE.match(sparql)
    if update:
        line, col = _line_col(sparql, update.start(1))
        return f"line {line}, column {col}: {update.group(1).upper()} is an update; " \
               "sckg query runs SELECT and ASK queries only"
    where = re.match(r"error at (\d+):(\d+)", message)
    line, col = (int(where.group(1)), int(where.group(2))) if where else (1, 1)
    what = "not valid SPARQL here"
    if len(sparql) <= 100_000:  # rdflib's parser locates the first bad token; keep it off huge input
        from pyparsing import ParseException
        from rdflib.plugins.sparql.parser import parseQuery
        try:
            parseQuery(sparql)
        except ParseException as exc:
            line, col = exc.lineno, exc.col
            found = re.search(r"found (.*?)\s+\(at char", str(exc))
            token = found.group(1) if found else ""
            what = "the query ends too early (a '}' or ')' missing?)" if token in ("end of text", "") \
                else f"unexpected {token}"
        except Exception:  # noqa: BLE001 - rdflib accepts or rejects differently: keep Oxigraph's position
            pass
    lines = sparql.splitlines() or [""]
    line = max(1, min(line, len(lines)))
    col = max(1, min(col, len(lines[line - 1]) + 1))
    return f"line {line}, column {col}: {what} in {_excerpt(sparql, line, col)}"


def undeclared_terms(sparql: str, ontology: Ontology) -> list[str]:
    """Warnings for ``sckg:`` terms in ``sparql`` the ontology does not declare, with the closest declared ones.

    Examples
    --------
    >>> from graph.ontology import load_ontology
    >>> undeclared_terms("SELECT ?a WHERE { ?a sckg:monitor ?b ; sckg:owns ?c }", load_ontology())
    ['sckg:monitor is not declared in the ontology (did you mean sckg:monitors or sckg:monitoredBy?)']
    """
    declared = ontology.declared_terms
    blank = _OPAQUE.sub(lambda m: m.group() if m.group().startswith("<") else " " * len(m.group()), sparql)
    out = []
    for m in _SCKG_TERM.finditer(blank):
        name = m.group(1) or m.group(2)
        if name in declared or f"sckg:{name}" in {w.split(" ")[0] for w in out}:
            continue
        close = difflib.get_close_matches(name, sorted(declared), n=3, cutoff=0.7)
        hint = f"did you mean {' or '.join('sckg:' + c for c in close)}?" if close else "see ontology/sckg.ttl"
        out.append(f"sckg:{name} is not declared in the ontology ({hint})")
    return out


def entity_named(store: Store, name: str) -> str | None:
    """The IRI of the one stored entity with this name (as `sckg path` matches names), or None.

    Raises
    ------
    ValueError
        When the name belongs to several entities (the message lists them).

    Examples
    --------
    >>> entity_named(Store(None), "Cosco") is None
    True
    """
    key = normalise_name(name)
    hits: dict[str, set[str]] = {}
    for sol in store.query("SELECT DISTINCT ?e ?n WHERE { ?e sckg:nameKey ?k ; a sckg:Entity . "
                           "OPTIONAL { { ?e rdfs:label ?n } UNION { ?e skos:altLabel ?n } } }",
                           bindings={"k": ox.Literal(key)}):
        hits.setdefault(sol["e"].value, set())
        if sol["n"] is not None:
            hits[sol["e"].value].add(normalise_name(sol["n"].value))
    exact = sorted(e for e, names in hits.items() if key in names)
    found = exact or sorted(hits)
    if len(found) > 1:
        raise ValueError(f"{name!r} names {len(found)} entities: " + ", ".join(f"<{e}>" for e in found[:5])
                         + "; bind one of them as VAR=<IRI>")
    return found[0] if found else None


class QueryLimitError(RuntimeError):
    """A query ran past its time limit or returned more rows than allowed."""


def limited_query_text(location: str | Path, sparql: str, *, fmt: str = "table", bindings: dict | None = None,
                       timeout: float = 60.0, max_rows: int = 1_000_000, as_of: str | None = None,
                       known_by: str | None = None) -> str:
    """Like :func:`query_text`, with a time limit and a row limit.

    A syntax error is raised as :class:`SyntaxError` explained by :func:`explain_syntax_error`.

    An embedded store is queried in a worker process that is killed at ``timeout``; a
    SPARQL server gets the same limit as its HTTP timeout.
    """
    from .store import RemoteStore, check_store, open_store
    from .workers import WorkerPool
    if as_of or known_by:
        return _query_in_time(location, sparql, fmt=fmt, bindings=bindings, timeout=timeout, max_rows=max_rows,
                              as_of=as_of, known_by=known_by)
    if isinstance(location, str) and location.startswith(("http://", "https://")):
        store = open_store(location)
        assert isinstance(store, RemoteStore)
        store.timeout = timeout
        return _limited(lambda: query_text(store, sparql, fmt="tsv" if fmt == "table" else fmt, bindings=bindings),
                        sparql, fmt, max_rows)
    import time
    location = Path(location)
    check_store(location, mode="read")  # never created; opened read-only in the worker, within the time limit
    started = time.monotonic()
    pool = WorkerPool(location, size=1, writable=False, network=True, start_method="fork", start_timeout=timeout)
    try:
        status, _ctype, body = pool.run("query", sparql, "tsv" if fmt == "table" else fmt,
                                        timeout=max(0.1, timeout - (time.monotonic() - started)),
                                        max_rows=max_rows, bindings=bindings)
    finally:
        pool.close()
    message = body.decode("utf-8", "replace").strip()
    if status == 400:
        if message.startswith("SPARQL syntax error"):
            raise SyntaxError(explain_syntax_error(sparql, message[len("SPARQL syntax error: "):]))
        raise ValueError(message)
    if status == 503 and "ran longer than the" in message:  # the worker got what was left of the limit
        message = f"the query ran longer than the {timeout:g} s limit and was stopped"
    if status in (413, 503):
        raise QueryLimitError(message.replace("start the server with a larger --max-rows", "raise --max-rows")
                              .replace("limit and was stopped", "limit (--timeout) and was stopped"))
    if status != 200:
        raise ValueError(message)
    return _table(body.decode("utf-8")) if fmt == "table" else body.decode("utf-8")


def _query_in_time(location, sparql: str, *, fmt: str, bindings, timeout: float, max_rows: int,
                   as_of: str | None, known_by: str | None) -> str:
    """A query over the store as of a date (graph.temporal), within the same time and row limits."""
    from .store import read_store
    from .temporal import as_of as at_date

    def work(store):
        return query_text(at_date(store, valid_at=as_of, known_by=known_by), sparql,
                          fmt="tsv" if fmt == "table" else fmt, bindings=bindings)

    return _limited(lambda: read_store(location, work, timeout=timeout), sparql, fmt, max_rows)


def _limited(run, sparql: str, fmt: str, max_rows: int) -> str:
    """``run()``'s result text, with a syntax error explained and the row limit applied."""
    try:
        text = run()
    except SyntaxError as exc:
        raise SyntaxError(explain_syntax_error(sparql, str(exc))) from None
    rows = max(0, text.count("\n") - 1) if fmt in ("table", "tsv", "csv") else 0
    if rows > max_rows:
        raise QueryLimitError(f"the result has more than {max_rows:,} rows; add a LIMIT or raise --max-rows")
    return _table(text) if fmt == "table" else text


def _table(tsv: str) -> str:
    """Render SPARQL TSV results as the CLI's text table."""
    result = ox.parse_query_results(tsv.encode("utf-8"), format=ox.QueryResultsFormat.TSV)
    if isinstance(result, ox.QueryBoolean):
        names, rows = ["ask"], [[str(bool(result)).lower()]]
    else:
        names = [v.value for v in result.variables]
        rows = [[_term(sol[n]) for n in names] for sol in result]
    return render_table(names, rows)


def render_table(names: list[str], rows: list[list[str]]) -> str:
    """Rows as the CLI's text table: columns at most 80 characters wide, and a row count.

    Examples
    --------
    >>> print(render_table(["x"], [["1"]]))
    x
    -
    1
    (1 row)
    """
    widths = [min(max([len(n)] + [len(r[i]) for r in rows]), 80) for i, n in enumerate(names)]
    out = [" | ".join(n.ljust(w) for n, w in zip(names, widths)).rstrip(),
           "-+-".join("-" * w for w in widths)]
    for r in rows:
        out.append(" | ".join((c if len(c) <= w else c[: w - 1] + "…").ljust(w)
                              for c, w in zip(r, widths)).rstrip())
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out)
