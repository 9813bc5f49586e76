"""`sckg serve`: a SPARQL 1.1 Protocol endpoint and the HTML view, safe to expose on a network.

Queries run in worker processes so that a runaway query is killed at its time limit while
the server keeps answering others. The endpoint is read-only unless started with
``allow_update``. ``SERVICE`` (federation) and ``LOAD`` would let anyone make the server
fetch any URL: unless ``allow_service``, the workers that evaluate queries run with no
network at all (:func:`graph.workers.deny_network`), so no spelling of a query reaches one.
"""

from __future__ import annotations

import json
import re
import shutil
import threading
import time
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .workers import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT, GRAPH_TYPES, RESULT_TYPES, WorkerPool

MAX_REQUEST_BYTES = 1_000_000
#: largest response body by default, in bytes (--max-bytes)
DEFAULT_MAX_BYTES = 16_000_000
#: memory a query worker may allocate by default, in bytes (--max-memory)
DEFAULT_MAX_MEMORY = 1024 * 2**20
#: deepest nesting of brackets in a query (the parser recurses: 3,000 levels crashed a worker)
MAX_NESTING = 200
#: seconds a connection may stay idle (or send its request) before it is closed
IDLE_TIMEOUT = 30.0
#: connections the kernel may queue before the server accepts them (the default, 5,
#: overflowed under 200 concurrent clients)
BACKLOG = 1024

_TOKENS = re.compile(r'''
    (?P<comment>\#[^\n]*)
  | (?P<long>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^'\\]|\\.|'(?!''))*\'\'\')
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<iri><[^<>"{}|^`\\\s]*>)
''', re.VERBOSE)


def strip_sparql(text: str) -> str:
    """The query with comments, strings and IRIs blanked: what is left are keywords and names.

    Examples
    --------
    >>> strip_sparql('SELECT * { ?s ?p "SERVICE" } # SERVICE')
    'SELECT * { ?s ?p   }  '
    """
    return _TOKENS.sub(" ", text)


def host_name(host: str) -> str:
    """The name in a ``Host`` header, without its port, lower-cased.

    Examples
    --------
    >>> host_name("LocalHost:7879"), host_name("[::1]:80"), host_name("evil.example")
    ('localhost', '[::1]', 'evil.example')
    """
    host = host.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    return host.rsplit(":", 1)[0] if ":" in host else host


def is_ip_literal(name: str) -> bool:
    """True for an IPv4 or bracketed IPv6 address (which DNS rebinding cannot use)."""
    import ipaddress
    try:
        ipaddress.ip_address(name[1:-1] if name.startswith("[") and name.endswith("]") else name)
    except ValueError:
        return False
    return True


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``{ ( [`` in the text (strings included: an over-estimate).

    Examples
    --------
    >>> nesting_depth("SELECT * { { ?s ?p (1 2) } }")
    3
    """
    depth = deepest = 0
    for ch in text:
        if ch in "{([":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "})]":
            depth = max(0, depth - 1)
    return deepest


def is_update(text: str) -> bool:
    """True when the text is a SPARQL Update rather than a query."""
    body = strip_sparql(text)
    body = re.sub(r"^\s*((PREFIX\s+\S*\s*|BASE\s*)\s*)*", "", body, flags=re.IGNORECASE)
    return re.match(r"\s*(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b", body, re.IGNORECASE) is not None


# ---------------------------------------------------------------------------------- HTTP
class SparqlHandler(BaseHTTPRequestHandler):
    """GET/POST /sparql (SPARQL 1.1 Protocol) and GET / (the HTML view)."""

    server: "SparqlServer"
    server_version = "sckg"

    def setup(self):
        self.timeout = self.server.idle_timeout  # an idle or slow connection is closed, its thread freed
        super().setup()

    def log_message(self, fmt, *args):  # quiet unless asked
        if self.server.verbose:
            super().log_message(fmt, *args)

    def _send(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if ctype.startswith("text/html"):
            self.send_header("Content-Security-Policy",
                             "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: HTTPStatus | int, message: str) -> None:
        self._send(int(status), "text/plain; charset=utf-8", (message + "\n").encode())

    def _format(self, default: str = "json") -> str:
        accept = self.headers.get("Accept", "")
        params = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)
        if "format" in params:
            return params["format"][0]
        for part in accept.split(","):
            mime = part.split(";")[0].strip().lower()
            if mime in RESULT_TYPES:
                return RESULT_TYPES[mime]
            if mime in GRAPH_TYPES:
                return GRAPH_TYPES[mime]
        return default

    def _host_refused(self) -> bool:
        """Refuse (403) a request whose ``Host`` is not a name of this server: DNS rebinding.

        A page on a name the attacker controls, re-pointed at 127.0.0.1, is same-origin
        with this server for the browser; only the ``Host`` header tells. IP addresses,
        ``localhost``, the bound name and ``--allowed-host`` names are answered.
        """
        host = self.headers.get("Host")
        if host is None:
            return False  # an HTTP/1.0 client: not a browser
        name = host_name(host)
        if name in self.server.allowed_hosts or is_ip_literal(name):
            return False
        self.close_connection = True
        self._error(HTTPStatus.FORBIDDEN, f"this server does not answer to the host name {name[:100]!r} "
                                          "(a DNS rebinding page?); start it with --allowed-host NAME to allow one")
        return True

    def _cross_origin(self) -> str | None:
        """Why this request comes from another site's page (a CSRF attempt), or None.

        Browsers send ``Sec-Fetch-Site`` and ``Origin`` with a form POST; command-line
        clients send neither and are let through.
        """
        site = (self.headers.get("Sec-Fetch-Site") or "").strip().lower()
        if site and site not in ("same-origin", "none"):
            return f"Sec-Fetch-Site: {site}"
        origin = (self.headers.get("Origin") or "").strip()
        if origin:
            url = urllib.parse.urlsplit(origin)
            if url.scheme != "http" or url.netloc.lower() != (self.headers.get("Host") or "").strip().lower():
                return f"Origin: {origin[:100]}"
        return None

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        if self._host_refused():
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path in ("/", "/index.html"):
            status, ctype, body = self.server.pool.run("view", "", "html", timeout=self.server.timeout * 6,
                                                       max_rows=self.server.max_rows)
            return self._send(status, ctype, body)
        if url.path != "/sparql":
            return self._error(HTTPStatus.NOT_FOUND, "not found; the endpoint is /sparql, the view is /")
        params = urllib.parse.parse_qs(url.query)
        if "update" in params:
            return self._error(HTTPStatus.BAD_REQUEST, "an update must be sent with POST")
        if "query" not in params:
            return self._error(HTTPStatus.BAD_REQUEST, "missing the 'query' parameter")
        self._run(params["query"][0], update=False)

    def do_POST(self):
        if self._host_refused():
            return
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/sparql":
            self.close_connection = True
            return self._error(HTTPStatus.NOT_FOUND, "not found; the endpoint is /sparql")
        lengths = set(self.headers.get_all("Content-Length") or [])
        if self.headers.get("Transfer-Encoding") or not lengths:
            self.close_connection = True
            return self._error(HTTPStatus.LENGTH_REQUIRED, "a POST needs a Content-Length (chunked bodies "
                                                           "are not accepted)")
        raw_length = lengths.pop().strip()
        if lengths or not (raw_length.isascii() and raw_length.isdigit()):
            self.close_connection = True
            return self._error(HTTPStatus.BAD_REQUEST, "Content-Length must be one non-negative whole number")
        length = int(raw_length)
        if length > MAX_REQUEST_BYTES:
            if length <= 16 * MAX_REQUEST_BYTES:  # read it, so the client hears the answer
                while length > 0:
                    length -= len(self.rfile.read(min(length, 65536)) or b"x" * length)
            self.close_connection = True
            return self._error(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"request over {MAX_REQUEST_BYTES:,} bytes")
        raw = self.rfile.read(length)
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return self._error(HTTPStatus.BAD_REQUEST, "the request body is not UTF-8")
        if ctype == "application/sparql-query":
            return self._run(text, update=False)
        if ctype == "application/sparql-update":
            return self._run(text, update=True)
        if ctype in ("application/x-www-form-urlencoded", ""):
            params = urllib.parse.parse_qs(text)
            if "update" in params:
                return self._run(params["update"][0], update=True)
            if "query" in params:
                return self._run(params["query"][0], update=False)
            return self._error(HTTPStatus.BAD_REQUEST, "missing the 'query' or 'update' parameter")
        return self._error(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, f"unsupported content type {ctype!r}")

    def _run(self, text: str, *, update: bool) -> None:
        if nesting_depth(text) > MAX_NESTING:
            return self._error(HTTPStatus.BAD_REQUEST, f"the query nests brackets more than {MAX_NESTING} deep")
        update = update or is_update(text)
        if update and not self.server.allow_update:
            return self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only; start it with "
                                                     "'sckg serve --allow-update' to accept updates")
        if update and (why := self._cross_origin()):
            return self._error(HTTPStatus.FORBIDDEN, f"an update from another site's page is refused ({why}): "
                                                     "send updates from a client, not a browser page")
        status, ctype, body = self.server.pool.run("update" if update else "query", text, self._format(),
                                                   timeout=self.server.timeout, max_rows=self.server.max_rows)
        self._send(status, ctype, body)


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = BACKLOG

    def __init__(self, address, pool: WorkerPool, *, timeout: float, max_rows: int, allow_update: bool,
                 allow_service: bool, verbose: bool = False, allowed_hosts: tuple[str, ...] = (),
                 idle_timeout: float = IDLE_TIMEOUT):
        super().__init__(address, SparqlHandler)
        self.idle_timeout = idle_timeout
        bound = host_name(str(address[0]))
        self.allowed_hosts = frozenset({"localhost", bound, *(host_name(h) for h in allowed_hosts)})
        self.location: Path | None = None
        self.snapshot: Path | None = None  # what read-only workers answer from
        self.workers = 1
        self._reloading = threading.Lock()
        self.pool = pool
        self.timeout = timeout
        self.max_rows = max_rows
        self.allow_update = allow_update
        self.allow_service = allow_service
        self.verbose = verbose

    def reload(self) -> None:
        """Answer from the store as it is now: a new snapshot, a new pool, then the old ones go.

        Requests already running finish on the old snapshot; every later one sees the new.
        A read-write server has no snapshot (its single worker sees its own writes).
        """
        if self.snapshot is None or not self._reloading.acquire(blocking=False):
            return
        try:
            snapshot = take_snapshot(self.location)
            try:
                pool = WorkerPool(snapshot, size=self.workers, writable=False, network=self.allow_service,
                                  memory_bytes=self.pool.memory_bytes, max_bytes=self.pool.max_bytes)
            except BaseException:
                shutil.rmtree(snapshot.parent, ignore_errors=True)
                raise
            old_pool, old_snapshot = self.pool, self.snapshot
            self.pool, self.snapshot = pool, snapshot
            old_pool.close()
            shutil.rmtree(old_snapshot.parent, ignore_errors=True)
        finally:
            self._reloading.release()


#: a file in each snapshot's directory naming the server that uses it ("host pid start"), so a
#: later command can tell the snapshot of a killed server from one in use
SNAPSHOT_OWNER = "owner"
#: seconds after which a snapshot directory without an owner file is stale (a server writes
#: that file as soon as it creates the directory, before copying the store)
_UNOWNED_GRACE = 60.0


def _process_start(pid: int) -> str:
    """When process ``pid`` started, in clock ticks since boot ('' where /proc cannot say)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat[stat.rindex(")") + 2:].split()[19]  # field 22; the name in brackets may hold spaces


def _owner_alive(owner: str) -> bool:
    """Whether the process an owner line names still runs (True when this host cannot tell)."""
    import os
    import socket
    parts = owner.split()
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    host, pid, start = parts[0], int(parts[1]), parts[2]
    if host != socket.gethostname():
        return True  # another machine's server, on a shared file system
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # another user's process
    now = _process_start(pid)
    return start == "-" or not now or now == start  # a new process under a reused pid is not the owner


def remove_stale_snapshots(location: Path | str) -> list[Path]:
    """Remove the snapshots of ``location`` (and temporary ones) whose server is no longer running.

    A server killed with SIGKILL cannot remove its snapshot; the next server, or the next
    command that writes the store, does. A snapshot whose server still runs is never
    touched. Returns the directories removed.
    """
    import tempfile
    location = Path(location)
    candidates = [*location.parent.glob(f".{location.name}.snapshot-*"),
                  *Path(tempfile.gettempdir()).glob("sckg-snapshot-*")]
    removed = []
    for d in sorted(candidates):
        try:
            owner = (d / SNAPSHOT_OWNER).read_text(encoding="ascii", errors="replace")
            stale = not _owner_alive(owner)
        except FileNotFoundError:
            try:
                stale = time.time() - d.stat().st_mtime > _UNOWNED_GRACE
            except OSError:
                continue
        except OSError:
            continue
        if stale and d.is_dir() and not d.is_symlink():
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
    return removed


def take_snapshot(location: Path) -> Path:
    """A frozen copy of the store (hard links to its immutable files, so cheap) for the workers.

    Every read-only worker opens the same snapshot, so all answer from the same data, a
    restarted worker included, while another process writes to the store. It sits next
    to the store when that directory's parent is writable (hard links need the same file
    system), else in the temporary directory. Its directory names this process as its
    owner (see :func:`remove_stale_snapshots`).
    """
    import os
    import socket
    import tempfile

    import pyoxigraph as ox
    try:
        parent = tempfile.mkdtemp(prefix=f".{location.name}.snapshot-", dir=location.parent)
    except OSError:
        parent = tempfile.mkdtemp(prefix="sckg-snapshot-")
    target = Path(parent) / "store"
    try:
        (Path(parent) / SNAPSHOT_OWNER).write_text(
            f"{socket.gethostname()} {os.getpid()} {_process_start(os.getpid()) or '-'}\n", encoding="ascii")
        ox.Store.read_only(str(location)).backup(str(target))
    except (OSError, RuntimeError) as exc:
        shutil.rmtree(parent, ignore_errors=True)
        from .store import StoreError, damaged_message
        raise StoreError(damaged_message(location, str(exc))) from None
    return target


def make_server(location: Path | str, *, host: str = "127.0.0.1", port: int = 7879,
                timeout: float = DEFAULT_TIMEOUT, max_rows: int = DEFAULT_MAX_ROWS, allow_update: bool = False,
                allow_service: bool = False, workers: int = 2, verbose: bool = False,
                allowed_hosts: tuple[str, ...] = (), idle_timeout: float = IDLE_TIMEOUT,
                max_bytes: int = DEFAULT_MAX_BYTES, max_memory: int | None = DEFAULT_MAX_MEMORY) -> SparqlServer:
    """A server over the store directory ``location``, which must hold a store (never created)."""
    from .store import Store, check_store
    location = Path(location)
    snapshot = None
    if allow_update:
        Store(location, mode="write").close()  # bring the ontology graph up to date, release the lock
        pool = WorkerPool(location, size=1, writable=True, network=allow_service, memory_bytes=max_memory,
                          max_bytes=max_bytes)
    else:
        check_store(location, mode="read")
        remove_stale_snapshots(location)
        snapshot = take_snapshot(location)
        try:
            pool = WorkerPool(snapshot, size=max(1, workers), writable=False, network=allow_service,
                              memory_bytes=max_memory, max_bytes=max_bytes)
        except BaseException:
            shutil.rmtree(snapshot.parent, ignore_errors=True)
            raise
    try:
        server = SparqlServer((host, port), pool, timeout=timeout, max_rows=max_rows, allow_update=allow_update,
                              allow_service=allow_service, verbose=verbose, allowed_hosts=allowed_hosts,
                              idle_timeout=idle_timeout)
    except OSError:
        pool.close()
        if snapshot is not None:
            shutil.rmtree(snapshot.parent, ignore_errors=True)
        raise
    server.location, server.snapshot, server.workers = location, snapshot, max(1, workers)
    return server


def describe(server: SparqlServer) -> str:
    host, port = server.server_address[:2]
    mode = "read-write" if server.allow_update else "read-only"
    data = ("the store itself (one worker)" if server.snapshot is None else
            "a snapshot of the store taken at start; send SIGHUP to answer from the store as it is now")
    return json.dumps({"sparql": f"http://{host}:{port}/sparql", "view": f"http://{host}:{port}/", "mode": mode,
                       "timeout_s": server.timeout, "max_rows": server.max_rows, "data": data})


def serve_forever(server: SparqlServer) -> None:
    """Serve until interrupted; SIGHUP makes a read-only server answer from the store as it is now."""
    import signal

    def on_hangup(*_):
        threading.Thread(target=_reload_logged, args=(server,), daemon=True).start()

    def on_terminate(*_):
        raise SystemExit(0)  # out of serve_forever: the snapshot is removed below

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, on_terminate)
        if hasattr(signal, "SIGHUP"):
            signal.signal(signal.SIGHUP, on_hangup)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        server.pool.close()
        if server.snapshot is not None:
            shutil.rmtree(server.snapshot.parent, ignore_errors=True)
        time.sleep(0)


def _reload_logged(server: SparqlServer) -> None:
    import sys
    try:
        server.reload()
        print(json.dumps({"reloaded": str(server.location)}), file=sys.stderr, flush=True)
    except Exception as exc:  # keep answering from the old snapshot
        print(f"sckg serve: reload failed, still answering from the previous snapshot: {exc}", file=sys.stderr,
              flush=True)
