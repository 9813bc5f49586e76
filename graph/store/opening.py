"""Opening a store by location (a directory or a server's URL), and reads bounded in time."""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import subprocess
import sys
import threading
import time
from pathlib import Path


from .dataset import DatasetStore, StoreError
from .embedded import Store, check_store, damage_error, damaged_message, retry_raced, scan_store
from .remote import RemoteStore

def open_store(location: str | Path | None, **kwargs) -> DatasetStore:
    """An embedded store for a directory, a remote one for an http(s) URL.

    For a URL, the environment says which server it is and how to reach it:
    ``SCKG_SPARQL_SERVER`` (an entry of ``sparql_servers.toml``: oxigraph, the default,
    virtuoso, fuseki, graphdb); ``SCKG_SPARQL_USER`` and ``SCKG_SPARQL_PASSWORD``
    (credentials are read only from here, never from the URL or the command line);
    ``SCKG_SPARQL_AUTH=basic`` to send Basic credentials up front; and, for a layout of
    its own, ``SCKG_SPARQL_QUERY_URL``, ``SCKG_SPARQL_UPDATE_URL``, ``SCKG_SPARQL_STORE_URL``.
    ``SCKG_SPARQL_UNION_PARAM=0`` (older settings) means the server's default graph is
    already the union.
    """
    import urllib.parse
    if isinstance(location, str) and location.startswith(("http://", "https://")):
        kwargs.pop("mode", None)  # a server's store always exists
        if urllib.parse.urlsplit(location).password is not None or "@" in urllib.parse.urlsplit(location).netloc:
            raise StoreError("credentials do not go in the store URL (it shows in logs and process lists); "
                             "set SCKG_SPARQL_USER and SCKG_SPARQL_PASSWORD")
        env = os.environ
        kwargs.setdefault("server", env.get("SCKG_SPARQL_SERVER") or "oxigraph")
        kwargs.setdefault("query_url", env.get("SCKG_SPARQL_QUERY_URL"))
        kwargs.setdefault("update_url", env.get("SCKG_SPARQL_UPDATE_URL"))
        kwargs.setdefault("store_url", env.get("SCKG_SPARQL_STORE_URL"))
        if env.get("SCKG_SPARQL_UNION_PARAM", "1") in ("0", "false", "no"):
            kwargs.setdefault("union", "server")
        kwargs.setdefault("user", env.get("SCKG_SPARQL_USER"))
        kwargs.setdefault("password", env.get("SCKG_SPARQL_PASSWORD"))
        kwargs.setdefault("auth", env.get("SCKG_SPARQL_AUTH") or "challenge")
        return RemoteStore(location, **kwargs)
    return Store(location, **kwargs)


#: seconds a read of the store (stats, export, validate, a view…) may take; env SCKG_READ_TIMEOUT
DEFAULT_READ_TIMEOUT = 900.0
#: seconds after which a slow read starts a scan of the store that reports a corrupted block
_SCAN_AFTER = 3.0


def _is_remote(location) -> bool:
    return isinstance(location, str) and location.startswith(("http://", "https://"))


def _read_child(location: Path, work, conn) -> None:  # runs in a forked child
    try:
        with Store(location, mode="read") as store:
            result = (True, work(store))
    except BaseException as exc:  # sent back, raised in the parent
        result = (False, damage_error(location, exc))
    try:
        conn.send(result)
    except Exception as exc:  # an unpicklable result or error
        conn.send((False, StoreError(f"{location}: {type(exc).__name__}: {exc}")))


def _scan_child(location: Path, conn) -> None:  # runs in a child process
    """Read every quad once: a corrupted block fails here with its checksum error."""
    try:
        conn.send(scan_store(location))
    except BaseException as exc:
        conn.send(str(exc))


def read_store(location: str | Path, work, *, timeout: float | None = None):
    """``work(store)`` on a read-only store, in a child process stopped at ``timeout`` seconds.

    The store must exist (it is never created, and never written). A corrupted block can
    make Oxigraph loop instead of failing, so the work runs in a forked process; when it is
    slow, a second process reads every quad once and, if that meets a checksum error,
    the work is stopped and the error reported. Past ``timeout`` (default
    ``SCKG_READ_TIMEOUT`` or 900 s) the work is stopped too. A read that fails on a file a
    live writer's compaction removed under it is run again (a bounded number of times),
    not reported as damage. A SPARQL server's store is read directly (its own HTTP
    timeout bounds it).
    """
    if _is_remote(location):
        with open_store(location) as store:
            return work(store)
    path = Path(location)
    check_store(path, mode="read")
    if timeout is None:
        timeout = float(os.environ.get("SCKG_READ_TIMEOUT", DEFAULT_READ_TIMEOUT))
    deadline = time.monotonic() + timeout
    try:
        return retry_raced(path, lambda: _read_once(path, work, timeout=timeout, deadline=deadline), deadline=deadline)
    except (StoreError, OSError, RuntimeError) as exc:
        raise damage_error(path, exc) from None


def _read_once(path: Path, work, *, timeout: float, deadline: float):
    """One try of read_store: the work in a forked child, watched by a scan when it is slow."""
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_read_child, args=(path, work, send), daemon=True)
    child.start()
    send.close()
    scan = scan_conn = None
    start = time.monotonic()
    try:
        while True:
            if receive.poll(min(0.2, max(0.0, deadline - time.monotonic()))):
                try:
                    ok, value = receive.recv()
                except EOFError:
                    child.join(5)
                    raise StoreError(f"{path}: reading the store failed (the reading process ended with "
                                     f"{child.exitcode})") from None
                if ok:
                    return value
                raise value
            if scan is None and time.monotonic() - start > _SCAN_AFTER:
                scan_conn, scan_send = ctx.Pipe(duplex=False)
                scan = ctx.Process(target=_scan_child, args=(path, scan_send), daemon=True)
                scan.start()
                scan_send.close()
            if scan_conn is not None and scan_conn.poll(0):
                try:
                    problem = scan_conn.recv()
                except EOFError:
                    problem = None
                scan_conn = None
                if problem:
                    raise StoreError(damaged_message(path, problem))
            if time.monotonic() >= deadline:
                raise StoreError(f"{path}: reading the store did not finish within {timeout:g} s and was "
                                 "stopped (a damaged store can make it loop; raise SCKG_READ_TIMEOUT for a "
                                 "very large one)")
    finally:
        for proc in (child, scan):
            if proc is not None and proc.is_alive():
                proc.kill()
            if proc is not None:
                proc.join(5)


#: what the scan of stop_on_damage runs in a new interpreter: read every quad once, print the
#: error met (if any); a file this process's own compaction removes is no damage
_SCAN_SCRIPT = "import sys\nfrom graph.store.embedded import scan_store\nprint(scan_store(sys.argv[1]) or '', end='')"


@contextlib.contextmanager
def stop_on_damage(location: str | Path, *, after: float = _SCAN_AFTER):
    """While a write runs in this process, end the process if the store has a corrupted block.

    A corrupted block can make Oxigraph loop instead of failing, in a write as in a read,
    but a write cannot be moved to a child process and stopped (a build runs for hours,
    with worker pools of its own). So when the write is still running after ``after``
    seconds, another process reads every quad once; a block checksum mismatch (an SST file
    never changes once written, so it is damage, not a race with the writer) is reported
    as the damaged store and this process ends at once with exit status 1, as a kill would
    end it: what was committed stays. A SPARQL server's store, or one that does not exist
    yet, is not watched.
    """
    path = Path(location) if not _is_remote(location) else None
    if path is None or not (path / "CURRENT").exists():
        yield
        return
    done = threading.Event()

    def watch() -> None:
        if done.wait(after):
            return
        # a new interpreter (not fork: the writing thread may hold locks; not multiprocessing's
        # spawn: it would run the caller's main module again)
        here = str(Path(__file__).resolve().parents[2])  # the package, installed or not
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (here, os.environ.get("PYTHONPATH")) if p)}
        scan = subprocess.Popen([sys.executable, "-c", _SCAN_SCRIPT, str(path)], stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
        try:
            while not done.is_set() and scan.poll() is None:
                time.sleep(0.2)
            problem = scan.stdout.read().decode("utf-8", "replace") if scan.poll() is not None else ""
            if "checksum mismatch" in problem and not done.is_set():
                sys.stderr.write(f"Error: {damaged_message(path, problem)}\n")
                sys.stderr.flush()
                os._exit(1)
        finally:
            if scan.poll() is None:
                scan.kill()
            scan.wait(5)
            scan.stdout.close()

    watcher = threading.Thread(target=watch, name="sckg-damage-watch", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        done.set()
        watcher.join(10)
