"""A running server answers from one consistent snapshot; new data appears on SIGHUP.

While ``sckg serve`` ran, ``sckg import`` added 400k quads: the server kept answering the
old count, and after a worker restart identical COUNT queries split 20 x old / 20 x new.
"""

import json
import signal
import time
import urllib.parse

import pytest

from graph.store import Store
from tests.test_serve import RUNAWAY, start

from .test_queries_and_endpoint import http

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def count(url: str) -> int:
    code, body = http(url + "/sparql?" + urllib.parse.urlencode({"query": COUNT}))
    assert code == 200, (code, body)
    return int(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def nquads(tmp_path, n: int, tag: str):
    path = tmp_path / f"{tag}.nq"
    path.write_text("".join(f"<urn:{tag}:{i}> <urn:p> \"{i}\" <urn:g:{tag}> .\n" for i in range(n)), encoding="utf-8")
    return path


@pytest.fixture()
def served(tmp_path):
    store = tmp_path / "store"
    with Store(store) as s:
        s.load(nquads(tmp_path, 1000, "first"))
    proc, url = start(store, "--workers", "3", "--timeout", "1")
    yield store, proc, url
    proc.terminate()
    proc.wait(10)
    assert not list(tmp_path.glob(".store.snapshot-*")), "the server left its snapshot behind"


def test_answers_do_not_split_after_an_import_and_a_worker_restart(sckg, served, tmp_path):
    store, proc, url = served
    old = count(url)
    code, out, err = sckg("import", nquads(tmp_path, 5000, "second"), "--store", store)
    assert code == 0, out + err
    answers = []
    for i in range(30):
        if i % 10 == 5:  # a runaway query: its worker is killed and a fresh one started
            code, _ = http(url + "/sparql?" + urllib.parse.urlencode({"query": RUNAWAY}))
            assert code == 503
            time.sleep(1.5)  # the replacement worker is up
        answers.append(count(url))
    assert set(answers) == {old}, f"split answers: {sorted(set(answers))} (snapshot count {old})"


def test_sighup_makes_new_data_visible_to_every_worker(sckg, served, tmp_path):
    store, proc, url = served
    old = count(url)
    code, out, err = sckg("import", nquads(tmp_path, 5000, "second"), "--store", store)
    assert code == 0, out + err
    assert count(url) == old
    proc.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    while count(url) == old and time.monotonic() < deadline:
        time.sleep(0.2)
    answers = {count(url) for _ in range(30)}
    assert answers == {old + 5000}, answers
    assert len(list(store.parent.glob(".store.snapshot-*"))) == 1, "the old snapshot was not removed"


def snapshots(store):
    return sorted(store.parent.glob(f".{store.name}.snapshot-*"))


def test_snapshot_of_a_sigkilled_server_is_removed_by_the_next_serve_never_a_live_ones(sckg, tmp_path):
    # a SIGKILLed serve left its snapshot (hard links holding old store files) for ever
    store = tmp_path / "store"
    with Store(store) as s:
        s.load(nquads(tmp_path, 100, "first"))
    killed, _ = start(store)
    (left,) = snapshots(store)
    killed.kill()
    killed.wait(10)
    assert left.exists()
    live, url = start(store)
    try:
        kept = [d for d in snapshots(store) if d != left]
        assert not left.exists(), "the next serve kept the killed server's snapshot"
        assert len(kept) == 1, kept
        other, other_url = start(store)  # a second server leaves the first one's snapshot alone
        try:
            assert kept[0].exists() and count(url) == count(other_url)
            assert len(snapshots(store)) == 2
        finally:
            other.terminate()
            other.wait(10)
        # a process that reuses the killed server's pid is not its owner
        before = count(url)
        (tmp_path / f".{store.name}.snapshot-reused").mkdir()
        owner = (kept[0] / "owner").read_text().split()
        (tmp_path / f".{store.name}.snapshot-reused" / "owner").write_text(f"{owner[0]} {live.pid} 1\n")
        code, out, err = sckg("import", nquads(tmp_path, 10, "second"), "--store", store)  # a write command cleans too
        assert code == 0, out + err
        assert snapshots(store) == kept and count(url) == before
    finally:
        live.terminate()
        live.wait(10)
    assert snapshots(store) == []
