"""Concurrent clients against a running ``sckg serve``: latency percentiles and errors.

Used by the benchmark (``python -m bench --only serve``) and by the bounded load test in
``tests/hostile/test_load.py``.
"""

from __future__ import annotations

import http.client
import statistics
import threading
import time
import urllib.parse
from pathlib import Path


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank) of ``values``.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 50), percentile([1.0, 2.0, 3.0, 4.0], 99)
    (2.0, 4.0)
    """
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def listen_overflows() -> int | None:
    """The kernel's count of connections dropped because a listen queue was full (Linux), else None."""
    try:
        lines = Path("/proc/net/netstat").read_text().splitlines()
    except OSError:
        return None
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split()[1:], values.split()[1:]))
            return int(table.get("ListenOverflows", 0))
    return None


def load(url: str, queries: list[str], *, clients: int, per_client: int, timeout: float = 60.0) -> dict:
    """``clients`` threads, each sending ``per_client`` GET queries on its own connection.

    Every client connects at once (the burst that overflowed a backlog of 5). Returns
    latencies in milliseconds (p50, p99, max), the error count and the first errors seen,
    and the kernel's listen overflows during the run (system-wide, Linux).
    """
    target = urllib.parse.urlsplit(url)
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients)

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(target.hostname, target.port, timeout=timeout)
        barrier.wait()
        for j in range(per_client):
            q = queries[(i + j) % len(queries)]
            start = time.perf_counter()
            try:
                conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": q}),
                             headers={"Accept": "application/sparql-results+json"})
                resp = conn.getresponse()
                resp.read()
                status = resp.status
            except (OSError, http.client.HTTPException) as exc:
                status = f"{type(exc).__name__}: {exc}"
                conn.close()
                conn = http.client.HTTPConnection(target.hostname, target.port, timeout=timeout)
            took = (time.perf_counter() - start) * 1000
            with lock:
                latencies.append(took)
                if status != 200:
                    errors.append(str(status))
        conn.close()

    overflows = listen_overflows()
    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout * per_client + 30)
    wall = time.perf_counter() - started
    after = listen_overflows()
    return {"clients": clients, "requests": len(latencies), "errors": len(errors), "error_samples": errors[:5],
            "p50_ms": percentile(latencies, 50), "p99_ms": percentile(latencies, 99), "max_ms": max(latencies),
            "mean_ms": statistics.fmean(latencies), "requests_per_s": len(latencies) / wall,
            "listen_overflows": None if overflows is None or after is None else after - overflows}
