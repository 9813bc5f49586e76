"""kill -9 at a commit point, then the next command: the store opens and holds what was committed.

A kill between committing a changed article's new graph and dropping the old one left both
versions, and every later build said "unchanged" and kept both forever.
"""

import subprocess
import sys

from graph.store import Store

KILL_AT = '''
import os, signal, sys
from graph import store
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
setattr(store.Store, sys.argv[1], die)
sys.argv = ["sckg"] + sys.argv[2:]
from graph.cli import main
main()
'''


def killed_at(method: str, *args) -> subprocess.CompletedProcess:
    """Run ``sckg ARGS`` with ``Store.<method>`` replaced by SIGKILL: the process dies right there."""
    return subprocess.run([sys.executable, "-c", KILL_AT, method, *map(str, args)], capture_output=True, text=True,
                          timeout=300)


ARTICLE = "---\ntitle: Port\n---\nCOSCO Shipping owns a stake in the port of Piraeus. {}\n"


def test_kill_between_new_version_and_dropping_the_old_is_finished_by_the_next_build(sckg, tmp_path):
    arts, store = tmp_path / "articles", tmp_path / "store"
    arts.mkdir()
    (arts / "port.md").write_text(ARTICLE.format("First version."), encoding="utf-8")
    code, out, err = sckg("build", arts, "--store", store)
    assert code == 0, out + err
    (arts / "port.md").write_text(ARTICLE.format("Second version, changed."), encoding="utf-8")
    proc = killed_at("_drop_graph", "build", arts, "--store", store)
    assert proc.returncode == -9, proc.stderr
    with Store(store, mode="read") as s:
        assert len(s.documents()) == 2, "the kill did not land between the two commits"
    code, out, err = sckg("build", arts, "--store", store)
    assert code == 0 and "replaced 1" in out, out + err
    with Store(store, mode="read") as s:
        docs = s.documents()
        assert len(docs) == 1 and s.documents_named("port.md") == docs, docs
    code, out, err = sckg("validate", "--store", store)
    assert code == 0, out + err
