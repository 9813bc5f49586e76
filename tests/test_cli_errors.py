"""Errors a user can act on: each names what is wrong and what would work."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from graph.cli import cli

from .conftest import SEEDS


def run(*args):
    r = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("errors") / "store"
    code, out, err = run("build", SEEDS, "--store", path)
    assert code == 0, out + err
    return path


@pytest.mark.parametrize("query,expected", [
    ("SELECT ?x WHERE {\n  ?x sckg:owns ?y .\n  ?y rdfs:label ?z ) }",
     "SPARQL syntax error at line 3, column 20: unexpected ')' in \"?y rdfs:label ?z ) }\""),
    ("SELECT ?x WHERE { ?x ?y ?z",
     "SPARQL syntax error at line 1, column 27: the query ends too early"),
    ("DELETE WHERE { ?s ?p ?o }", "DELETE is an update; sckg query runs SELECT and ASK queries only"),
])
def test_sparql_syntax_error_names_line_column_and_text(store, query, expected):
    code, out, err = run("query", "--store", store, query)
    assert code == 1 and expected in err, err
    assert "expected one of" not in err and len(err.strip().splitlines()) == 1, err


def test_unknown_prefix_is_named_with_the_known_ones(store):
    code, out, err = run("query", "--store", store, "SELECT ?o WHERE {\n ?s foaf:knows ?o }")
    assert code == 1, out + err
    assert "line 2, column 5: unknown prefix 'foaf:'" in err and "known prefixes: " in err, err
    known = re.search(r"known prefixes: ([^;]*);", err).group(1).split(", ")
    assert {"sckg", "rdfs", "ent", "prov"} <= set(known), known


def test_undeclared_sckg_term_warns_with_the_closest_declared(store):
    code, out, err = run("query", "--store", store, "SELECT ?a ?b WHERE { ?a sckg:monitor ?b }")
    assert code == 0 and "(0 rows)" in out, out + err
    assert "warning: sckg:monitor is not declared in the ontology (did you mean sckg:monitors" in err, err
    code, out, err = run("query", "--store", store, "SELECT ?a ?b WHERE { ?a sckg:monitors ?b }")
    assert code == 0 and "warning" not in err, err


def test_bind_accepts_an_entity_name_like_path_does(store):
    """`--bind company=Cosco` silently matched nothing while `path` accepts names."""
    by_iri = run("query", "--store", store, "--named", "state-actions-timeline", "--bind",
                 "company=<https://w3id.org/sckg/id/cosco>")
    by_name = run("query", "--store", store, "--named", "state-actions-timeline", "--bind", "company=cosco")
    assert by_iri[0] == by_name[0] == 0 and "(0 rows)" not in by_iri[1], by_iri
    assert by_name[1] == by_iri[1], by_name
    assert "'cosco' is the entity <https://w3id.org/sckg/id/cosco>" in by_name[2], by_name[2]
    # text that names no entity stays text; quoted text is always text
    code, out, _ = run("query", "--store", store, "--named", "document-assertions", "--bind",
                       "file=vsse-cainiao-liege.txt")
    assert code == 0 and "(0 rows)" not in out, out
    code, out, err = run("query", "--store", store, "--format", "csv", "--bind", 'n="Cosco"',
                         "SELECT ?n WHERE { VALUES ?n { 'Cosco' } }")
    assert code == 0 and out.split() == ["n", "Cosco"] and "note" not in err, out + err


def test_folder_with_only_uppercase_suffixes_is_read(tmp_path):
    """A folder of .TXT files built "0 documents" with exit 0."""
    d = tmp_path / "in"
    d.mkdir()
    shutil.copy(SEEDS / "vsse-cainiao-liege.txt", d / "VSSE.TXT")
    code, out, err = run("build", d, "--store", tmp_path / "store")
    assert code == 0 and "added 1" in out, out + err


def test_build_out_with_unknown_format_fails_before_ingesting(tmp_path):
    code, out, err = run("build", SEEDS, "--store", tmp_path / "store", "--out", tmp_path / "x.docx")
    assert code == 1 and "x.docx: unknown format for --out; use one of .jsonld, .nq, .nt, .trig, .ttl" in err, err
    assert "added" not in out and not (tmp_path / "store").exists(), out


def test_stats_view_and_analyze_count_relations_the_same_way(store, tmp_path):
    """`stats` said 7 relations where `view` and `analyze` said 8 (the claim)."""
    _, out, _ = run("stats", "--store", store)
    counts = re.search(r"relations\s+(\d+) \((\d+) asserted, (\d+) only claimed\)", out)
    assert counts and int(counts[3]) >= 1 and int(counts[1]) == int(counts[2]) + int(counts[3]), out
    wanted = f"{counts[1]} relations ({counts[2]} asserted, {counts[3]} only claimed)"
    _, out, _ = run("view", "--store", store, "--out", tmp_path / "v.html")
    assert wanted in out, out
    _, out, _ = run("analyze", "--store", store)
    assert wanted in out, out


def test_bind_refuses_a_name_shared_by_two_entities(tmp_path):
    from graph.store import Store
    path = tmp_path / "store"
    with Store(path) as s:
        s.update("""INSERT DATA { GRAPH <https://w3id.org/sckg/id/doc/x> {
            ent:acme-a a sckg:Entity ; rdfs:label "Acme"@en ; sckg:nameKey "acme" .
            ent:acme-b a sckg:Entity ; rdfs:label "ACME"@en ; sckg:nameKey "acme" . } }""")
    code, out, err = run("query", "--store", path, "--bind", "e=Acme", "SELECT ?e WHERE { ?e a sckg:Entity }")
    assert code == 1 and "'Acme' names 2 entities: <https://w3id.org/sckg/id/acme-a>, " in err, err
    assert "bind one of them as VAR=<IRI>" in err, err


def test_output_cut_short_by_a_closed_pipe_is_no_error(store):
    # "sckg path ... | head -1": the reader has gone before sckg writes; no "Broken pipe" error
    import subprocess
    import sys
    proc = subprocess.Popen([sys.executable, "-m", "graph.cli", "path", "--store", str(store), "Alibaba",
                             "Liège cargo airport"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # long before the interpreter has imported sckg and found the path
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 1, err  # click's own exit status for a closed pipe
    assert "Broken pipe" not in err and "Error" not in err and "Traceback" not in err, err
