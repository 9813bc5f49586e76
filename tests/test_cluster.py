"""`sckg build --engine dask` on a real LocalCluster of 2 worker processes."""

import os
import signal

import pytest

from graph.cluster import EngineError
from graph.ingest import build
from graph.store import Store
from graph.validate import validate

from .conftest import DEV, SEEDS

distributed = pytest.importorskip("distributed", reason="the dask engine needs pip install 'sckg[dask]'")


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0",
                                  host="127.0.0.1") as c:
        yield c


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """The default build of seeds/ and the dev set, exported."""
    d = tmp_path_factory.mktemp("reference")
    store = Store(d / "store")
    build([SEEDS, DEV], store=store)
    store.export(d / "g.nq")
    store.export(d / "g.trig")
    return d


def many_articles(directory, n: int):
    """``n`` distinct articles: the dev set's, each with a line naming its copy."""
    directory.mkdir()
    texts = sorted(DEV.glob("*.txt"))
    for i in range(n):
        src = texts[i % len(texts)]
        (directory / f"{i:03d}-{src.name}").write_text(src.read_text(encoding="utf-8") + f"\n\nCopy {i}.\n",
                                                      encoding="utf-8")
    return directory


def test_cli_build_on_dask(cluster, reference, tmp_path):
    from click.testing import CliRunner

    from graph.cli import cli
    r = CliRunner().invoke(cli, ["build", str(SEEDS), str(DEV), "--store", str(tmp_path / "s"), "--engine", "dask",
                                 "--scheduler", cluster.scheduler_address, "--out", str(tmp_path / "g.nq")])
    assert r.exit_code == 0 and "added 5, unchanged 1" in r.output, r.output
    assert (tmp_path / "g.nq").read_bytes() == (reference / "g.nq").read_bytes()
    r = CliRunner().invoke(cli, ["build", str(SEEDS), "--store", str(tmp_path / "t"), "--engine", "dask",
                                 "--scheduler", cluster.scheduler_address, "--bulk", str(tmp_path / "bulk")])
    assert r.exit_code == 0 and f"wrote 1 N-Quads file(s) to {tmp_path / 'bulk'}" in r.output, r.output


def test_dask_build_exports_the_same_bytes_as_build(cluster, reference, tmp_path, capsys):
    store = Store(tmp_path / "store")
    report = build([SEEDS, DEV], store=store, engine="dask", scheduler=cluster.scheduler_address,
                   partition_size=2, progress=True)
    assert len(report.added) == 5 and len(report.unchanged) == 1, report
    for fmt in ("g.nq", "g.trig"):
        store.export(tmp_path / fmt)
        assert (tmp_path / fmt).read_bytes() == (reference / fmt).read_bytes(), fmt
    assert "partition 3/3 on 2 worker(s)" in capsys.readouterr().err


def test_a_local_cluster_leaves_the_callers_environment_as_it_was(reference, tmp_path):
    """`sckg build --engine dask` without a scheduler starts a LocalCluster; its nannies set
    OMP_NUM_THREADS=1 and its like for their workers, and left them set in the building
    process, where later child processes started their numeric libraries with one thread."""
    import os
    before = dict(os.environ)
    store = Store(tmp_path / "store")
    report = build([SEEDS], store=store, engine="dask", workers=2)
    assert report.added and dict(os.environ) == before, set(os.environ.items()) ^ set(before.items())


def test_two_local_workers_export_the_same_bytes_as_one(reference, tmp_path):
    store = Store(tmp_path / "store")
    build([SEEDS, DEV], store=store, workers=2)
    store.export(tmp_path / "g.nq")
    assert (tmp_path / "g.nq").read_bytes() == (reference / "g.nq").read_bytes()


def test_bulk_files_load_into_the_same_store(cluster, reference, tmp_path):
    store = Store(tmp_path / "store")
    report = build([SEEDS, DEV], store=store, engine="dask", scheduler=cluster.scheduler_address,
                   partition_size=2, bulk_dir=tmp_path / "bulk")
    assert store.documents() == []  # the store was only read
    assert [os.path.basename(f) for f in report.bulk_files] == ["part-00000.nq", "part-00001.nq", "part-00002.nq"]
    for f in report.bulk_files:
        store.load(f)
    store.export(tmp_path / "g.nq")
    assert (tmp_path / "g.nq").read_bytes() == (reference / "g.nq").read_bytes()
    # the README's other path: Oxigraph's bulk loader, then the server
    import subprocess

    from graph.store import RemoteStore

    from .servers import oxigraph_binary, oxigraph_server
    subprocess.run([oxigraph_binary(), "load", "--location", str(tmp_path / "server-data"), "--file",
                    *report.bulk_files], check=True, capture_output=True, timeout=120)
    with oxigraph_server(tmp_path / "server-data") as url:
        RemoteStore(url).export(tmp_path / "server.nq")
    assert (tmp_path / "server.nq").read_bytes() == (reference / "g.nq").read_bytes()


def test_bulk_files_load_into_virtuoso_with_ld_dir(cluster, reference, tmp_path):
    from graph.store import RemoteStore

    from .servers import virtuoso_binaries, virtuoso_server
    try:
        virtuoso_binaries()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    with virtuoso_server(tmp_path / "virtuoso") as server:
        bulk = server.location / "parts"  # under the database directory: in Virtuoso's DirsAllowed
        build([SEEDS, DEV], store=Store(tmp_path / "store"), engine="dask", scheduler=cluster.scheduler_address,
              partition_size=2, bulk_dir=bulk)
        server.sql(f"ld_dir('{bulk}', 'part-*.nq', 'https://w3id.org/sckg/');\nrdf_loader_run();\ncheckpoint;\n")
        store = RemoteStore(server.url, server="virtuoso", user=server.user, password=server.password)
        store.export(tmp_path / "virtuoso.nq")
    assert (tmp_path / "virtuoso.nq").read_bytes() == (reference / "g.nq").read_bytes()


def test_bulk_refuses_to_replace_a_stored_version(cluster, tmp_path):
    store = Store(tmp_path / "store")
    build([SEEDS], store=store)
    changed = tmp_path / "in"
    changed.mkdir()
    name = next(SEEDS.glob("*.txt")).name
    (changed / name).write_text("The Dutch government blocked Nexperia.\n", encoding="utf-8")
    from graph.store import StoreError
    with pytest.raises(StoreError, match=f"{name}: another version"):
        build([changed], store=store, engine="dask", scheduler=cluster.scheduler_address, bulk_dir=tmp_path / "b")


@pytest.fixture(params=[3, 0], ids=["retried", "not-retried"])
def cluster_with_retries(request, cluster):
    """The module's cluster (Dask retries a task whose worker died, 3 times), or a new one
    whose scheduler gives up at the first death (distributed.scheduler.allowed-failures=0)."""
    if request.param == 3:
        yield cluster
        return
    import dask
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}), distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", host="127.0.0.1") as c:
        yield c


def test_a_worker_killed_mid_build_finishes_or_fails_clearly(cluster_with_retries, tmp_path):
    cluster = cluster_with_retries
    articles = many_articles(tmp_path / "in", 24)
    expected = Store(tmp_path / "expected")
    build([articles], store=expected)
    client = distributed.Client(cluster)
    killed = []

    def kill_a_busy_worker(article, result):
        if killed:
            return
        busy = [w for w, keys in client.processing().items() if keys] or list(client.nthreads())
        pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    store = Store(tmp_path / "store")
    try:
        report = build([articles], store=store, engine="dask", scheduler=cluster.scheduler_address,
                       partition_size=2, on_document=kill_a_busy_worker)
    except EngineError as exc:  # failing is allowed, but clearly, naming the files
        assert "died while extracting" in str(exc) and "documents before it are stored" in str(exc), exc
        print("the build stopped:", exc)
    else:
        assert len(report.added) == 24
        assert store.quads() == expected.quads()
        print("the build finished after a worker was killed")
    finally:
        client.close()
    assert killed
    assert validate(store).conforms
    stored = store.documents()
    assert stored and set(stored) <= set(expected.documents())
    for d in stored:  # every stored document is whole
        assert [q for q in store.quads() if q.graph_name.value == d] == \
            [q for q in expected.quads() if q.graph_name.value == d], d


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path):
    import dask

    from .servers import free_port
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}), \
            pytest.raises(EngineError, match="cannot reach the Dask scheduler at tcp://127.0.0.1:"):
        build([SEEDS], store=Store(tmp_path / "s"), engine="dask", scheduler=f"tcp://127.0.0.1:{free_port()}")


def test_a_local_worker_answers_with_a_file_path_short_enough_to_be_written_at_once(tmp_path):
    """A worker killed while writing a long answer to its pipe left half a message that the
    parent waited on forever (a fresh-clone test run hung so); the worker now writes its
    extractions to a file and sends only the path, which is read and removed."""
    import select
    from graph.cluster import _FileResult, extract_partition, extract_partition_to_file, ontology_token
    from graph.document import read_article
    from graph.ingest import ONTOLOGY_DIR
    paths = [str(p) for p in sorted(SEEDS.glob("*.txt"))]
    hashes = [read_article(p).content_hash for p in paths]
    kw = dict(ontology_dir=str(ONTOLOGY_DIR), model=None, token=ontology_token(ONTOLOGY_DIR), max_bytes=10_000_000)
    path = extract_partition_to_file(paths, hashes, out_dir=str(tmp_path), **kw)
    assert len(path.encode()) < select.PIPE_BUF // 8 and os.path.dirname(path) == str(tmp_path)

    class Done:
        def result(self):
            return path
    extractions = _FileResult(Done()).result()
    assert not os.path.exists(path)
    expected = extract_partition(paths, hashes, **kw)
    assert [(x.article.name, len(x.relations)) for x in extractions] == \
        [(x.article.name, len(x.relations)) for x in expected] and expected[0].relations


def test_a_local_worker_killed_mid_build_is_a_clear_error(tmp_path):
    import multiprocessing
    articles = many_articles(tmp_path / "in", 48)  # three partitions of 16: one still runs at the first write
    killed = []
    before = {p.pid for p in multiprocessing.active_children()}  # the cluster's nannies, say

    def kill_a_worker(article, result):
        if not killed:
            victim = next(p for p in multiprocessing.active_children() if p.pid not in before)
            os.kill(victim.pid, signal.SIGKILL)
            killed.append(victim.pid)

    store = Store(tmp_path / "store")
    with pytest.raises(EngineError, match=r"a worker process died while extracting .*; the documents before it"):
        build([articles], store=store, workers=2, on_document=kill_a_worker)
    assert killed and validate(store).conforms and store.documents()


def test_every_engine_and_store_exports_the_same_bytes_on_the_eval_sets(cluster, tmp_path):
    """The dev, own and real sets (172 articles): one process into the embedded store,
    --workers 2 into an Oxigraph server, and Dask into Virtuoso."""
    from graph.store import RemoteStore

    from .servers import oxigraph_server, virtuoso_binaries, virtuoso_server
    try:
        virtuoso_binaries()
    except FileNotFoundError as exc:
        pytest.skip(str(exc))
    sets = [DEV, DEV.parent / "own", DEV.parent / "real"]
    reference = Store(tmp_path / "reference")
    build(sets, store=reference)
    reference.export(tmp_path / "reference.nq")
    with oxigraph_server(tmp_path / "oxigraph") as url:
        build(sets, store=RemoteStore(url), workers=2)
        RemoteStore(url).export(tmp_path / "oxigraph.nq")
    with virtuoso_server(tmp_path / "virtuoso") as server:
        virtuoso = RemoteStore(server.url, server="virtuoso", user=server.user, password=server.password)
        build(sets, store=virtuoso, engine="dask", scheduler=cluster.scheduler_address)
        virtuoso.export(tmp_path / "virtuoso.nq")
    expected = (tmp_path / "reference.nq").read_bytes()
    assert expected.count(b"\n") > 30_000
    for other in ("oxigraph.nq", "virtuoso.nq"):
        assert (tmp_path / other).read_bytes() == expected, other
