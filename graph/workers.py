"""Query worker processes: SPARQL with a time limit and a result-size limit.

pyoxigraph cannot interrupt a running query from Python, so a query runs in a worker
process that holds the store open; past its time limit the worker is killed and replaced.
`sckg serve` keeps a pool of them; `sckg query` uses one.
"""

from __future__ import annotations

import errno
import multiprocessing as mp
import platform
import queue
import threading
from dataclasses import dataclass
from pathlib import Path

DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 100_000

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
}
GRAPH_TYPES = {
    "text/turtle": "ttl",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
}


def _term(spec):
    """A binding sent to a worker, rebuilt as a pyoxigraph term."""
    import pyoxigraph as ox
    kind, value, extra = spec
    if kind == "iri":
        return ox.NamedNode(value)
    if kind == "lang":
        return ox.Literal(value, language=extra)
    if kind == "typed":
        return ox.Literal(value, datatype=ox.NamedNode(extra))
    return ox.Literal(value)


def term_spec(term) -> tuple:
    """A pyoxigraph term (or a string) as something that crosses a pipe."""
    import pyoxigraph as ox
    if isinstance(term, str):
        return ("plain", term, None)
    if isinstance(term, ox.NamedNode):
        return ("iri", term.value, None)
    if term.language:
        return ("lang", term.value, term.language)
    return ("typed", term.value, term.datatype.value)


#: (audit architecture, number of the socket system call) for the seccomp filter
_SECCOMP_ARCHES = {"x86_64": (0xC000003E, 41), "aarch64": (0xC00000B7, 198)}
#: what a query asking the network gets: an errno no store operation produces
NO_NETWORK_ERRNO = errno.ENETUNREACH


def deny_network() -> None:
    """From now on, this process (and the threads it starts) cannot open an IP socket.

    A seccomp filter makes ``socket(AF_INET|AF_INET6, …)`` fail with ``ENETUNREACH``:
    Oxigraph's HTTP client, which ``SERVICE`` and ``LOAD`` use, can reach no address
    however the query is written (the filter sits under the query engine, not over its
    text). Local sockets (the worker's pipe) still work. Linux on x86-64 or arm64 only;
    elsewhere raises OSError so that a caller that needs the guarantee does not run
    without it.
    """
    import ctypes
    import sys
    arch = _SECCOMP_ARCHES.get(platform.machine())
    if not sys.platform.startswith("linux") or arch is None:
        raise OSError(f"cannot cut query workers off the network on {sys.platform}/{platform.machine()}")
    audit_arch, nr_socket = arch
    ld, jeq, ret = 0x20, 0x15, 0x06  # BPF_LD|BPF_W|BPF_ABS, BPF_JMP|BPF_JEQ|BPF_K, BPF_RET|BPF_K
    allow, refuse = 0x7FFF0000, 0x00050000 | NO_NETWORK_ERRNO  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO
    program = [
        (ld, 0, 0, 4), (jeq, 0, 5, audit_arch),    # seccomp_data.arch
        (ld, 0, 0, 0), (jeq, 0, 3, nr_socket),     # seccomp_data.nr
        (ld, 0, 0, 16),                            # seccomp_data.args[0]: the address family
        (jeq, 2, 0, 2), (jeq, 1, 0, 10),           # AF_INET, AF_INET6
        (ret, 0, 0, allow), (ret, 0, 0, refuse)]

    class SockFilter(ctypes.Structure):
        _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                    ("k", ctypes.c_uint32)]

    class SockFprog(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(SockFilter))]

    filters = (SockFilter * len(program))(*(SockFilter(*op) for op in program))
    fprog = SockFprog(len(program), filters)
    libc = ctypes.CDLL(None, use_errno=True)
    pr_set_no_new_privs, pr_set_seccomp, seccomp_mode_filter = 38, 22, 2
    if libc.prctl(pr_set_no_new_privs, 1, 0, 0, 0) != 0 or \
            libc.prctl(pr_set_seccomp, seccomp_mode_filter, ctypes.byref(fprog), 0, 0) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"cannot install the seccomp filter: {errno.errorcode.get(code, code)}")


def _asked_the_network(exc: Exception) -> bool:
    """True for the error Oxigraph reports when SERVICE or LOAD met the filter above."""
    text = str(exc)
    return any(sign in text for sign in (f"os error {NO_NETWORK_ERRNO}", "failed to lookup address",
                                         "is not allowed for HTTP", "Not supported URL scheme"))


MEMORY_REFUSED = ("the query needed more memory than a query worker may use and was stopped; "
                  "simplify it or start the server with a larger --max-memory")
NETWORK_REFUSED = ("SERVICE and LOAD are refused: this server's query workers have no network access "
                   "(they would let a query make the server fetch any URL); start it with --allow-service "
                   "to permit them")


def _worker(location: str, writable: bool, conn, network: bool = True, memory_bytes: int | None = None,
            max_bytes: int | None = None) -> None:  # runs in the worker process
    """Serve requests from ``conn`` against the store until the pipe closes."""
    if memory_bytes:
        import resource  # heap and anonymous mappings: an allocation past it fails, the worker dies
        resource.setrlimit(resource.RLIMIT_DATA, (memory_bytes, memory_bytes))
    if not network:
        try:
            deny_network()  # first, before any thread exists: every later thread inherits it
        except OSError as exc:
            conn.send(("failed", f"{exc}; start with --allow-service to run without this protection", None))
            return
    import pyoxigraph as ox

    from .store import PREFIXES, open_read_only

    try:  # a read-only open is tried again while it races a writer's compaction
        store = ox.Store(location) if writable else open_read_only(Path(location))
    except (OSError, RuntimeError) as exc:
        conn.send(("failed", str(exc), None))
        return
    fmts = {"json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
            "tsv": ox.QueryResultsFormat.TSV, "xml": ox.QueryResultsFormat.XML}
    gfmts = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
             "rdfxml": ox.RdfFormat.RDF_XML}
    conn.send(("ready", None, None))
    while True:
        try:
            kind, text, fmt, max_rows, binds = conn.recv()
        except EOFError:
            return
        subs = {ox.Variable(k): _term(v) for k, v in (binds or {}).items()}

        def send(status: int, ctype: str, body: bytes) -> None:
            if status == 200 and max_bytes and len(body) > max_bytes:
                conn.send((413, "text/plain", f"the result is over {max_bytes:,} bytes; add a LIMIT or start the "
                                              f"server with a larger --max-bytes".encode()))
            else:
                conn.send((status, ctype, body))
        try:
            if kind == "update":
                store.update(text, prefixes=PREFIXES)
                store.flush()
                conn.send((204, "text/plain", b""))
            elif kind == "view":
                send(200, "text/html; charset=utf-8", _view_html(location, store))
            else:
                def run():
                    return store.query(text, use_default_graph_as_union=True, prefixes=PREFIXES,
                                       substitutions=subs)
                result = run()
                if isinstance(result, ox.QuerySolutions):
                    n = 0
                    for _ in result:
                        n += 1
                        if n > max_rows:
                            conn.send((413, "text/plain", f"the result has more than {max_rows:,} rows; add a "
                                                          f"LIMIT or start the server with a larger --max-rows"
                                       .encode()))
                            break
                    else:
                        body = run().serialize(format=fmts.get(fmt, ox.QueryResultsFormat.JSON))
                        send(200, _ctype(fmt), body)
                elif isinstance(result, ox.QueryBoolean):
                    f = fmt if fmt in fmts else "json"
                    conn.send((200, _ctype(f), result.serialize(format=fmts[f])))
                else:
                    triples = []
                    for t in result:
                        triples.append(t)
                        if len(triples) > max_rows:
                            break
                    if len(triples) > max_rows:
                        conn.send((413, "text/plain", f"the result has more than {max_rows:,} triples".encode()))
                    else:
                        f = fmt if fmt in gfmts else "nt"
                        send(200, _gctype(f), ox.serialize(triples, format=gfmts[f]))
        except SyntaxError as exc:
            conn.send((400, "text/plain", f"SPARQL syntax error: {exc}".encode()))
        except OSError as exc:
            if not network and _asked_the_network(exc):
                conn.send((403, "text/plain", NETWORK_REFUSED.encode()))
            else:
                conn.send((500, "text/plain", f"{type(exc).__name__}: {exc}".encode()))
        except RuntimeError as exc:
            if "SELECT projection" in str(exc):
                conn.send((400, "text/plain", f"{exc}: a bound variable must also be selected".encode()))
            else:
                conn.send((500, "text/plain", f"{type(exc).__name__}: {exc}".encode()))
        except MemoryError:
            conn.send((503, "text/plain", MEMORY_REFUSED.encode()))
        except Exception as exc:  # report any store error to the client, keep serving
            conn.send((500, "text/plain", f"{type(exc).__name__}: {exc}".encode()))


def _ctype(fmt: str) -> str:
    return {v: k for k, v in RESULT_TYPES.items() if k.startswith(("application/sparql", "text/"))}.get(
        fmt, "application/sparql-results+json")


def _gctype(fmt: str) -> str:
    return {v: k for k, v in GRAPH_TYPES.items()}[fmt]


def _view_html(location: str, ox_store) -> bytes:
    """The HTML view of the whole store (as `sckg view` writes it)."""
    from .analyze import project
    from .ontology import load_ontology
    from .store import Store
    from .view import build_view, render_html  # the view runs in the worker, next to the store

    store = Store.wrap(ox_store, location=Path(location))
    return render_html(build_view(project(store), load_ontology(), title="sckg graph")).encode("utf-8")


@dataclass
class _Worker:
    process: mp.Process
    conn: object


class WorkerPool:
    """Worker processes that each hold the store open; a worker past its time limit is killed."""

    def __init__(self, location: Path, *, size: int, writable: bool, network: bool = False,
                 start_method: str = "spawn", start_timeout: float = 60.0, memory_bytes: int | None = None,
                 max_bytes: int | None = None):
        self.memory_bytes, self.max_bytes = memory_bytes, max_bytes
        self.location = str(location)
        self.start_timeout = start_timeout
        self.writable = writable
        self.network = network
        self.ctx = mp.get_context(start_method)
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.closed = False
        for _ in range(size):
            self.idle.put(self._start())

    def _start(self) -> _Worker:
        parent, child = self.ctx.Pipe()
        p = self.ctx.Process(target=_worker, args=(self.location, self.writable, child, self.network,
                                                                self.memory_bytes, self.max_bytes), daemon=True)
        p.start()
        child.close()
        from .store import StoreError, damaged_message
        try:
            ready = parent.poll(self.start_timeout)
            msg = parent.recv() if ready else None
        except EOFError:
            msg = ("failed", f"the worker ended with {p.exitcode}", None)
        if msg is None:
            p.kill()
            p.join(5)
            raise StoreError(f"{self.location}: opening the store did not finish within {self.start_timeout:g} s "
                             "and was stopped (is it damaged?)")
        if msg[0] != "ready":
            p.join(5)
            text = str(msg[1])
            if "lock" in text.lower():
                raise StoreError(f"{self.location}: the store is in use by another process; wait for it to finish")
            if "seccomp" in text or "network" in text:
                raise StoreError(f"cannot start a query worker: {text}")
            raise StoreError(damaged_message(self.location, text))
        return _Worker(p, parent)

    def run(self, kind: str, text: str, fmt: str, *, timeout: float, max_rows: int,
            bindings: dict | None = None) -> tuple[int, str, bytes]:
        """Run a request; returns (HTTP status, content type, body)."""
        try:
            w = self.idle.get(timeout=timeout)
        except queue.Empty:
            return 503, "text/plain", b"all query workers are busy; try again"
        died = False
        try:
            w.conn.send((kind, text, fmt, max_rows, {k: term_spec(v) for k, v in (bindings or {}).items()}))
            if w.conn.poll(timeout):
                result = w.conn.recv()
                self._release(w)
                return result
        except (EOFError, OSError):
            died = True
        # past its time (or dead): kill it and start a fresh one in the background
        w.process.kill()
        w.process.join(5)
        if not self.closed:
            threading.Thread(target=self._replace, daemon=True).start()
        if died:
            code = w.process.exitcode
            if self.memory_bytes and code == -6:  # SIGABRT: an allocation past the limit failed
                return 503, "text/plain", (MEMORY_REFUSED + "\n").encode()
            return 500, "text/plain", f"the query stopped its worker (exit {code}); it was not answered\n".encode()
        return 503, "text/plain", f"the query ran longer than the {timeout:g} s limit and was stopped\n".encode()

    def _release(self, w: _Worker) -> None:
        if self.closed:  # the pool was replaced while this worker answered
            w.process.kill()
        else:
            self.idle.put(w)

    def _replace(self) -> None:
        try:
            w = self._start()
        except Exception:  # the store went away: the pool shrinks, requests get 503
            return
        self._release(w)

    def close(self) -> None:
        """Stop the idle workers now; busy ones stop when they answer."""
        self.closed = True
        while True:
            try:
                w = self.idle.get_nowait()
            except queue.Empty:
                return
            w.process.kill()


