"""Portable SPARQL text: queries every server accepts, and answers read however a conformant server writes them."""

from __future__ import annotations

import re

from .dataset import PREFIXES, with_values

_FORM = re.compile(r"(?is)^(?:\s+|#[^\n]*|BASE\s*<[^>]*>|PREFIX\s+[^\s:]*:\s*<[^>]*>)*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b")
_BNODE_LABEL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")
_BOOLEAN_FORMS = {"1": "true", "0": "false", "true": "true", "false": "false"}

def query_form(sparql: str) -> str:
    """The form of a query, after its prologue: SELECT, ASK, CONSTRUCT or DESCRIBE.

    >>> query_form("PREFIX x: <http://x/> # a comment\\nask { ?s ?p ?o }")
    'ASK'
    """
    m = _FORM.match(sparql)
    return m.group(1).upper() if m else "SELECT"


def ask_as_select(sparql: str) -> str:
    """An ASK query as the SELECT that has a row exactly when the ASK is true.

    Every server accepts a trailing ``VALUES`` after a SELECT; Virtuoso rejects one after
    an ASK. ``WHERE`` is optional in both forms, so only the keyword changes.

    >>> print(ask_as_select("PREFIX x: <http://x/>\\nASK { ?s x:p ?o }"))
    PREFIX x: <http://x/>
    SELECT * { ?s x:p ?o }
    LIMIT 1
    """
    m = _FORM.match(sparql)
    if not m or m.group(1).upper() != "ASK":
        return sparql
    return sparql[:m.start(1)] + "SELECT *" + sparql[m.end(1):].rstrip() + "\nLIMIT 1"


_IRIREF = re.compile(r'<[^\s<>"{}|^`\\]*>')
_STRING = re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')


def _where_brace(sparql: str) -> int | None:
    """Where the WHERE group of a SELECT, CONSTRUCT or DESCRIBE opens (None if not found).

    IRIs, strings and comments are skipped; a CONSTRUCT's template is the group before.
    """
    m = _FORM.match(sparql)
    if not m:
        return None
    skip = 1 if m.group(1).upper() == "CONSTRUCT" and not re.match(r"\s*WHERE\b", sparql[m.end(1):], re.I) else 0
    i, depth = m.end(1), 0
    while i < len(sparql):
        c = sparql[i]
        if c == "#":
            j = sparql.find("\n", i)
            i = len(sparql) if j < 0 else j + 1
            continue
        token = (_IRIREF.match(sparql, i) if c == "<" else _STRING.match(sparql, i) if c in "\"'" else None)
        if token:
            i = token.end()
            continue
        if c == "{":
            if depth == 0 and skip == 0:
                return i
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                skip -= 1
        i += 1
    return None


def with_leading_values(sparql: str, subs: dict) -> str:
    """The query with its bound values as a ``VALUES`` block opening its WHERE group.

    The same solutions as :func:`with_values`'s trailing block for the queries sckg sends
    (no bound variable is assigned by BIND); Virtuoso 7.2 drops a trailing block from a
    query with BIND, and every server takes this one.

    >>> import pyoxigraph as ox
    >>> print(with_leading_values('SELECT ?p WHERE { ?e ?p ?o BIND(1 AS ?x) } ORDER BY ?p', {"e": ox.NamedNode("http://x/a")}))
    SELECT ?p WHERE {
    VALUES (?e) { (<http://x/a>) }
     ?e ?p ?o BIND(1 AS ?x) } ORDER BY ?p
    >>> print(with_leading_values('CONSTRUCT { ?e ?p "{" } WHERE { ?e ?p ?o }', {"e": ox.NamedNode("http://x/a")}))
    CONSTRUCT { ?e ?p "{" } WHERE {
    VALUES (?e) { (<http://x/a>) }
     ?e ?p ?o }
    """
    if not subs:
        return sparql
    at = _where_brace(sparql)
    if at is None:
        return with_values(sparql, subs)
    block = with_values("", subs).strip()
    return sparql[:at + 1] + "\n" + block + "\n" + sparql[at + 1:]


def _bnode_label(label: str) -> str:
    """A blank-node label pyoxigraph accepts, one for one (Virtuoso writes ``nodeID://b1``)."""
    return label if _BNODE_LABEL.fullmatch(label) else "x" + label.encode("utf-8").hex()


def conformant_results(data: bytes) -> bytes:
    """SPARQL JSON results rewritten in the forms the embedded store returns.

    A conformant server may write an ``xsd:boolean`` as ``1``/``0``, a blank node by any
    label (Virtuoso's ``nodeID://b10000``), a typed literal as SPARQL 1.0's
    ``typed-literal``, and an ASK's answer as a number: all are read as the same terms.

    >>> conformant_results(b'{"head": {}, "boolean": 1}')
    b'{"head": {}, "boolean": true}'
    >>> print(conformant_results(b'{"head": {"vars": ["b", "o"]}, "results": {"bindings": [{"b": '
    ...     b'{"type": "bnode", "value": "nodeID://b1"}, "o": {"type": "typed-literal", "value": "0", '
    ...     b'"datatype": "http://www.w3.org/2001/XMLSchema#boolean"}}]}}').decode())
    {"head": {"vars": ["b", "o"]}, "results": {"bindings": [{"b": {"type": "bnode", "value": "x6e6f646549443a2f2f6231"}, "o": {"type": "literal", "value": "false", "datatype": "http://www.w3.org/2001/XMLSchema#boolean"}}]}}
    """
    import json
    doc = json.loads(data)
    if "boolean" in doc:
        doc["boolean"] = doc["boolean"] in (True, 1, "true", "1")
    for row in doc.get("results", {}).get("bindings", ()):
        for term in row.values():
            if term.get("type") == "bnode":
                term["value"] = _bnode_label(term["value"])
            elif term.get("type") == "typed-literal":
                term["type"] = "literal"
            if term.get("datatype") == PREFIXES["xsd"] + "boolean":
                term["value"] = _BOOLEAN_FORMS.get(term["value"].strip(), term["value"])
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def server_message(body: bytes, content_type: str = "") -> str:
    """The server's own words from an error response (plain text or HTML), shortened.

    >>> server_message(b"Virtuoso 37000 Error SP030: syntax error\\n\\nSPARQL query:\\nASK {}")
    'Virtuoso 37000 Error SP030: syntax error'
    >>> server_message(b"<html><title>Failed</title><h3>Error 22023</h3><xmp>No default graph</xmp></html>", "text/html")
    'Failed: Error 22023: No default graph'
    """
    import html
    text = body.decode("utf-8", "replace")
    if "html" in content_type or text.lstrip().startswith("<"):
        parts = [html.unescape(p).strip() for p in re.split(r"<[^>]*>", text)]
        text = ": ".join(p for p in parts if p and not p.startswith("HTTP/"))
    else:
        text = text.strip().split("\n\n")[0].strip()  # Virtuoso follows its message with the query
    text = " ".join(text.split())
    return text if len(text) <= 500 else text[:499] + "…"

