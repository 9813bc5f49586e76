"""Extraction in other processes (local ones or a Dask cluster's), taken back in input order.

Each worker loads the extractor once (cached in this module, per ontology and model) and
turns a partition of file paths into extractions. The client submits a window of
partitions ahead of the one it is writing and takes their results in input order, so name
matching and store writes see the documents exactly as a one-process build does.
"""

from __future__ import annotations

import functools
import hashlib
import os
from collections import deque
from pathlib import Path

#: documents per partition (one task, and one bulk file)
PARTITION_SIZE = 32


class EngineError(RuntimeError):
    """The cluster could not be reached, or lost work it could not redo."""


def ontology_token(ontology_dir: Path) -> str:
    """A digest of the ontology's files: workers keep one extractor per ontology version."""
    digest = hashlib.sha256()
    for f in sorted(Path(ontology_dir).rglob("*")):
        if f.is_file():
            digest.update(f.relative_to(ontology_dir).as_posix().encode() + b"\0" + f.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def worker_extractor(ontology_dir: str, model: str | None, token: str, relation_model: str | None = None):
    """The extractor of this worker process, loaded on its first partition."""
    from .ingest import new_extractor
    from .ontology import load_ontology
    return new_extractor(load_ontology(Path(ontology_dir)), model=model, relation_model=relation_model)


def extract_partition(paths: list[str], hashes: list[str], *, ontology_dir: str, model: str | None,
                      token: str, max_bytes: int, relation_model: str | None = None) -> list:
    """Read and extract one partition of files (runs on a worker)."""
    from .document import ArticleError, read_article
    articles = []
    for path, expected in zip(paths, hashes):
        article = read_article(path, max_bytes=max_bytes)
        if article.content_hash != expected:
            raise ArticleError(f"{path}: changed while the build ran (or the worker sees another file at "
                               "this path); run the build again")
        articles.append(article)
    return list(worker_extractor(ontology_dir, model, token, relation_model).extract_many(articles))


def extract_partition_to_file(paths: list[str], hashes: list[str], *, out_dir: str, **kwargs) -> str:
    """:func:`extract_partition`, its result pickled to a new file in ``out_dir``; returns the
    file's path. A local worker sends the parent only this path: a message that short is
    written to the pipe at once, so a worker killed while answering cannot leave half a
    message that the parent would wait on forever (it then learns of the death instead)."""
    import pickle
    import tempfile
    result = extract_partition(paths, hashes, **kwargs)
    fd, path = tempfile.mkstemp(dir=out_dir, suffix=".pickle")
    with os.fdopen(fd, "wb") as f:
        pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
    return path


class _FileResult:
    """A future whose result is the list :func:`extract_partition_to_file` wrote (the file
    is removed once read)."""

    def __init__(self, future):
        self.future = future

    def result(self) -> list:
        import pickle
        path = self.future.result()
        try:
            with open(path, "rb") as f:
                return pickle.load(f)
        finally:
            os.unlink(path)


def partitions(items: list, size: int = PARTITION_SIZE) -> list[list]:
    """``items`` in consecutive slices of ``size``.

    >>> partitions([1, 2, 3, 4, 5], 2)
    [[1, 2], [3, 4], [5]]
    """
    return [items[i:i + size] for i in range(0, len(items), size)]


def in_order(parts: list[list], submit, window: int, *, on_partition=None, describe_failure=None):
    """Results of ``submit(i)`` for each partition, taken in order, ``window`` partitions ahead.

    ``submit`` returns a future (concurrent.futures or Dask); each result is a list of
    extractions, yielded one by one. ``describe_failure(i, exc)`` may turn an exception
    into a clearer one.
    """
    pending: deque = deque()
    for i in range(min(window, len(parts))):
        pending.append((i, submit(i)))
    nxt = len(pending)
    while pending:
        i, future = pending.popleft()
        try:
            extractions = future.result()
        except Exception as exc:
            clearer = describe_failure(i, exc) if describe_failure else None
            if clearer is None:
                raise
            raise clearer from None
        del future
        if nxt < len(parts):
            pending.append((nxt, submit(nxt)))
            nxt += 1
        if on_partition is not None:
            on_partition(i)
        yield from extractions


def pool_extractions(sources: list[tuple[Path, object]], *, ontology_dir: Path, model: str | None, workers: int,
                     max_bytes: int, partition_size: int = 16, status=None, relation_model: str | None = None):
    """Extractions of ``sources`` in input order, parsed and extracted by ``workers`` local processes.

    The same division of work as on Dask: the processes return extractions, not parsed
    documents, so this one only matches names and writes. (With spaCy's own ``n_process``
    each parsed document crossed the pipe and was extracted here: on 400 articles this
    process spent 5.7 ms per article, against 2.9 ms now, and the build 1.06× the CPU time.)
    The extractor is loaded here once and shared with the forked processes.
    """
    import multiprocessing as mp
    import tempfile
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    token = ontology_token(ontology_dir)
    parts = partitions(sources, partition_size)
    worker_extractor(str(ontology_dir), model, token, relation_model)  # loaded once here; the forked processes share it
    with tempfile.TemporaryDirectory(prefix="sckg-partitions-") as out_dir, \
            ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork")) as pool:
        def submit(i: int):
            return _FileResult(pool.submit(
                extract_partition_to_file, [str(p) for p, _ in parts[i]], [a.content_hash for _, a in parts[i]],
                out_dir=out_dir, ontology_dir=str(ontology_dir), model=model, token=token, max_bytes=max_bytes,
                relation_model=relation_model))

        def on_partition(i: int) -> None:
            if status is not None:
                status(f"partition {i + 1}/{len(parts)} on {workers} process(es)")

        def describe_failure(i: int, exc: Exception):
            if isinstance(exc, BrokenProcessPool):
                return EngineError(f"a worker process died while extracting {parts[i][0][0]} .. {parts[i][-1][0]}; "
                                   "the documents before it are stored")
            return None

        yield from in_order(parts, submit, 2 * workers, on_partition=on_partition, describe_failure=describe_failure)


def local_cluster(workers: int):
    """A Dask ``LocalCluster`` of ``workers`` one-thread processes on loopback, as a build starts one.

    Dask's nanny sets ``MALLOC_TRIM_THRESHOLD_=65536`` in its worker processes by default;
    fixing that glibc setting also fixes the mmap threshold, and spaCy's parse then costs
    about 15% more CPU (measured: 20.0 against 23.2 ms per article). These workers keep
    glibc's adaptive default, as ``--workers`` processes do. (A cluster of your own given
    with ``--scheduler``: set ``distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_``
    to null in its Dask configuration for the same effect.) The caller's environment is
    left as it was.
    """
    import dask
    from distributed import LocalCluster
    saved = dict(os.environ)
    try:
        with dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None}):
            return LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=":0",
                                host="127.0.0.1")
    finally:
        # the nannies set OMP_NUM_THREADS=1 and its like for their workers in this process's
        # environment; they are the workers', not this process's (whose later children would
        # start their numeric libraries with one thread)
        for key in set(os.environ) - set(saved):
            del os.environ[key]
        os.environ.update(saved)


def dask_extractions(sources: list[tuple[Path, object]], *, ontology_dir: Path, model: str | None,
                     scheduler: str | None = None, workers: int = 2, max_bytes: int,
                     partition_size: int = PARTITION_SIZE, window: int | None = None, status=None,
                     relation_model: str | None = None):
    """Extractions of ``sources`` (pairs of path and article) in input order, made on Dask.

    ``scheduler`` is a running cluster's address; without it a ``LocalCluster`` of
    ``workers`` processes is started for the build and closed after it. Workers read the
    files at the same paths (a shared file system) and check they hold what the client
    read. At most ``window`` partitions (default: two per worker thread) are in flight
    ahead of the one being written, so results do not pile up in memory. ``status`` is
    called with a short text whenever a partition is taken.
    """
    try:
        from distributed import Client
        from distributed.client import FutureCancelledError
        from distributed.scheduler import KilledWorker
    except ImportError:
        raise EngineError("the dask engine needs Dask: pip install 'sckg[dask]'") from None

    token = ontology_token(ontology_dir)
    parts = partitions(sources, partition_size)
    cluster = None
    try:
        if scheduler:  # waits distributed.comm.timeouts.connect (Dask's setting) for it
            import dask
            client = Client(scheduler, timeout=dask.config.get("distributed.comm.timeouts.connect"))
        else:
            cluster = local_cluster(workers)
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise EngineError(f"cannot reach the Dask scheduler at {scheduler or 'a local cluster'}: {exc}") from None
    try:
        threads = sum(client.nthreads().values()) or 1

        def submit(i: int):
            paths = [str(p) for p, _ in parts[i]]
            return client.submit(
                extract_partition, paths, [a.content_hash for _, a in parts[i]], ontology_dir=str(ontology_dir),
                model=model, token=token, max_bytes=max_bytes, relation_model=relation_model,
                key=f"sckg-extract-{token}-{i}-{paths[0]}",
                pure=False)

        def on_partition(i: int) -> None:
            if status is not None:
                status(f"partition {i + 1}/{len(parts)} on {len(client.nthreads())} worker(s)")

        def describe_failure(i: int, exc: Exception):
            first, last = parts[i][0][0], parts[i][-1][0]
            if isinstance(exc, KilledWorker):
                return EngineError(f"Dask workers died while extracting {first} .. {last} (partition {i + 1} of "
                                   f"{len(parts)}): {exc}; the documents before it are stored")
            if isinstance(exc, (FutureCancelledError, OSError, TimeoutError)):
                return EngineError(f"the Dask cluster failed during partition {i + 1} of {len(parts)}: "
                                   f"{type(exc).__name__}: {exc}; the documents before it are stored")
            return None

        yield from in_order(parts, submit, window or 2 * threads, on_partition=on_partition,
                            describe_failure=describe_failure)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
