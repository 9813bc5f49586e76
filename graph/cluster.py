"""Extraction on a Dask cluster: workers parse partitions of files, the client gets them in order.

Each worker loads the extractor once (cached in this module, per ontology and model) and
turns a partition of file paths into extractions. The client submits a window of
partitions ahead of the one it is writing and takes their results in input order, so name
matching and store writes see the documents exactly as ``sckg build`` does.
"""

from __future__ import annotations

import functools
import hashlib
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
def worker_extractor(ontology_dir: str, model: str | None, token: str):
    """The extractor of this worker process, loaded on its first partition."""
    from .ingest import new_extractor
    from .ontology import load_ontology
    return new_extractor(load_ontology(Path(ontology_dir)), model=model)


def extract_partition(paths: list[str], hashes: list[str], *, ontology_dir: str, model: str | None,
                      token: str, max_bytes: int) -> list:
    """Read and extract one partition of files (runs on a worker)."""
    from .document import ArticleError, read_article
    articles = []
    for path, expected in zip(paths, hashes):
        article = read_article(path, max_bytes=max_bytes)
        if article.content_hash != expected:
            raise ArticleError(f"{path}: changed while the build ran (or the worker sees another file at "
                               "this path); run the build again")
        articles.append(article)
    return list(worker_extractor(ontology_dir, model, token).extract_many(articles))


def partitions(items: list, size: int = PARTITION_SIZE) -> list[list]:
    """``items`` in consecutive slices of ``size``.

    >>> partitions([1, 2, 3, 4, 5], 2)
    [[1, 2], [3, 4], [5]]
    """
    return [items[i:i + size] for i in range(0, len(items), size)]


def dask_extractions(sources: list[tuple[Path, object]], *, ontology_dir: Path, model: str | None,
                     scheduler: str | None = None, workers: int = 2, max_bytes: int,
                     partition_size: int = PARTITION_SIZE, window: int | None = None, status=None):
    """Extractions of ``sources`` (pairs of path and article) in input order, made on Dask.

    ``scheduler`` is a running cluster's address; without it a ``LocalCluster`` of
    ``workers`` processes is started for the build and closed after it. Workers read the
    files at the same paths (a shared file system) and check they hold what the client
    read. At most ``window`` partitions (default: two per worker thread) are in flight
    ahead of the one being written, so results do not pile up in memory. ``status`` is
    called with a short text whenever a partition is taken.
    """
    try:
        from distributed import Client, LocalCluster
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
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                   dashboard_address=None, host="127.0.0.1")
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise EngineError(f"cannot reach the Dask scheduler at {scheduler or 'a local cluster'}: {exc}") from None
    try:
        threads = sum(client.nthreads().values()) or 1
        window = window or 2 * threads
        pending: deque = deque()

        def submit(i: int) -> None:
            paths = [str(p) for p, _ in parts[i]]
            pending.append((i, client.submit(
                extract_partition, paths, [a.content_hash for _, a in parts[i]], ontology_dir=str(ontology_dir),
                model=model, token=token, max_bytes=max_bytes, key=f"sckg-extract-{token}-{i}-{paths[0]}",
                pure=False)))

        for i in range(min(window, len(parts))):
            submit(i)
        nxt = len(pending)
        while pending:
            i, future = pending.popleft()
            try:
                extractions = future.result()
            except KilledWorker as exc:
                first, last = parts[i][0][0], parts[i][-1][0]
                raise EngineError(f"Dask workers died while extracting {first} .. {last} (partition {i + 1} of "
                                  f"{len(parts)}): {exc}; the documents before it are stored") from None
            except (FutureCancelledError, OSError, TimeoutError) as exc:
                raise EngineError(f"the Dask cluster failed during partition {i + 1} of {len(parts)}: "
                                  f"{type(exc).__name__}: {exc}; the documents before it are stored") from None
            future.release()
            if nxt < len(parts):
                submit(nxt)
                nxt += 1
            if status is not None:
                status(f"partition {i + 1}/{len(parts)} on {len(client.nthreads())} worker(s)")
            yield from extractions
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
