"""Run SPARQL and render the answers as a table, CSV, TSV or JSON."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .store import Store

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


class QueryLimitError(RuntimeError):
    """A query ran past its time limit or returned more rows than allowed."""


def limited_query_text(location: str | Path, sparql: str, *, fmt: str = "table", bindings: dict | None = None,
                       timeout: float = 60.0, max_rows: int = 1_000_000) -> str:
    """Like :func:`query_text`, with a time limit and a row limit.

    An embedded store is queried in a worker process that is killed at ``timeout``; a
    SPARQL server gets the same limit as its HTTP timeout.
    """
    from .store import RemoteStore, check_store, open_store
    from .workers import WorkerPool
    if isinstance(location, str) and location.startswith(("http://", "https://")):
        store = open_store(location)
        assert isinstance(store, RemoteStore)
        store.timeout = timeout
        text = query_text(store, sparql, fmt="tsv" if fmt == "table" else fmt, bindings=bindings)
        rows = max(0, text.count("\n") - 1) if fmt in ("table", "tsv", "csv") else 0
        if rows > max_rows:
            raise QueryLimitError(f"the result has more than {max_rows:,} rows; add a LIMIT or raise --max-rows")
        return _table(text) if fmt == "table" else text
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
            raise SyntaxError(message[len("SPARQL syntax error: "):])
        raise ValueError(message)
    if status in (413, 503):
        raise QueryLimitError(message.replace("start the server with a larger --max-rows", "raise --max-rows")
                              .replace("limit and was stopped", "limit (--timeout) and was stopped"))
    if status != 200:
        raise ValueError(message)
    return _table(body.decode("utf-8")) if fmt == "table" else body.decode("utf-8")


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
