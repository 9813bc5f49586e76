"""The sckg command line: every command works, fails cleanly, and is documented."""

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli

from .conftest import DEV, ROOT, SEEDS

COMMANDS = sorted(cli.commands)


@pytest.fixture()
def run(tmp_path):
    runner = CliRunner()

    def _run(*args):
        return runner.invoke(cli, [str(a) for a in args], catch_exceptions=False)
    return _run


def test_build_query_validate_eval_export_stats_retract(run, tmp_path):
    store = tmp_path / "store"
    r = run("build", SEEDS, "--store", store, "--out", tmp_path / "g.trig")
    assert r.exit_code == 0, r.output
    assert "added 1" in r.output and (tmp_path / "g.trig").stat().st_size > 1000
    r = run("query", "--store", store, "SELECT ?a ?t WHERE { ?a sckg:monitors ?t }")
    assert r.exit_code == 0 and "https://w3id.org/sckg/id/cainiao" in r.output, r.output
    r = run("query", "--store", store, "--format", "csv", "SELECT ?l WHERE { ?e rdfs:label ?l } ORDER BY ?l", )
    assert r.output.splitlines()[0] == "l" and "Alibaba" in r.output
    q = tmp_path / "q.rq"
    q.write_text("SELECT ?e ?name WHERE { ?e rdfs:label ?name }")
    r = run("query", "--store", store, "--file", q, "--bind", "name=Cosco@en", "--format", "json")
    assert r.exit_code == 0 and r.output.count("https://w3id.org/sckg/id/cosco") == 1, r.output
    r = run("validate", "--store", store)
    assert r.exit_code == 0 and "conforms" in r.output, r.output
    r = run("eval", DEV, "--store", store)
    assert r.exit_code == 0 and re.search(r"overall\s+\S+\s+1\.000", r.output), r.output
    r = run("export", "--store", store, "--out", tmp_path / "g.ttl")
    assert r.exit_code == 0 and (tmp_path / "g.ttl").exists()
    r = run("stats", "--store", store)
    assert re.search(r"documents\s+1", r.output), r.output
    r = run("retract", "vsse-cainiao-liege.txt", "--store", store)
    assert r.exit_code == 0 and "retracted" in r.output
    assert re.search(r"documents\s+0", run("stats", "--store", store).output)


@pytest.mark.parametrize("args,message", [
    (["query", "--store", "{store}", "SELEC nonsense"], "SPARQL syntax error"),
    (["build", "--store", "{store}", "no/such/file.txt"], "no/such/file.txt: no such file or directory"),
    (["eval", "no/such/dir", "--store", "{store}"], "no/such/dir: not a directory of gold files"),
    (["retract", "unknown.txt", "--store", "{store}"], "unknown.txt: no such document"),
    (["export", "--store", "{store}", "--out", "g.xyz"], "unknown format"),
    (["query", "--store", "{store}"], "give one of: a SPARQL query, --file, --named"),
    (["query", "--store", "{store}", "--named", "nope"], "no query named 'nope'"),
])
def test_errors_are_one_clear_line_and_non_zero(tmp_path, args, message):
    from graph.store import Store
    Store(tmp_path / "s").close()  # read commands never create a store
    args = [a.replace("{store}", str(tmp_path / "s")) for a in args]
    r = CliRunner().invoke(cli, args)
    assert r.exit_code != 0, r.output
    assert message in r.output, r.output
    assert "Traceback" not in r.output


def test_bad_article_does_not_touch_the_store(run, tmp_path):
    store = tmp_path / "store"
    run("build", SEEDS, "--store", store)
    before = run("stats", "--store", store).output
    bad = tmp_path / "in"
    bad.mkdir()
    (bad / "good.txt").write_text("The Dutch government blocked Nexperia.")
    (bad / "bad.txt").write_bytes(b"caf\xe9")
    r = CliRunner().invoke(cli, ["build", str(bad), "--store", str(store)])
    assert r.exit_code == 1 and "bad.txt:1: not UTF-8" in r.output, r.output
    assert run("stats", "--store", store).output == before


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example_and_is_in_the_readme(command):
    r = CliRunner().invoke(cli, [command, "--help"])
    assert r.exit_code == 0 and "Example:" in r.output and f"sckg {command}" in r.output, r.output
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"sckg {command}" in readme, f"README does not document 'sckg {command}'"


def test_installed_console_script_runs(tmp_path):
    exe = Path(sys.executable).with_name("sckg")
    out = subprocess.run([str(exe), "build", str(SEEDS), "--store", str(tmp_path / "s")],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0 and "added 1" in out.stdout, out.stdout + out.stderr


def test_import_loads_an_export_and_refuses_a_broken_file(run, tmp_path):
    r = run("build", SEEDS, "--store", tmp_path / "a", "--out", tmp_path / "g.nq")
    assert r.exit_code == 0, r.output
    r = run("import", tmp_path / "g.nq", "--store", tmp_path / "b")
    assert r.exit_code == 0 and r.output.startswith("loaded "), r.output
    r = run("query", "--store", tmp_path / "b", "SELECT ?t WHERE { ent:vsse sckg:monitors ?t }")
    assert "https://w3id.org/sckg/id/cainiao" in r.output
    (tmp_path / "bad.trig").write_text("<a> <b> .\n")
    r = run("import", tmp_path / "bad.trig", "--store", tmp_path / "b")
    assert r.exit_code == 1 and "bad.trig:1:" in r.output, r.output
