"""Real servers started by tests: Oxigraph and Virtuoso SPARQL servers, and `sckg serve`."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_http(url: str, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}: {proc.stderr.read().decode() if proc.stderr else ''}")
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except Exception:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


def oxigraph_binary() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        raise FileNotFoundError("the oxigraph server is not installed (pip install oxigraph)")
    return found


@contextmanager
def oxigraph_server(location: Path):
    """An Oxigraph SPARQL 1.1 server on a free loopback port; yields its base URL."""
    port = free_port()
    proc = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_http(base + "/query?query=ASK%7B%7D", proc)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
CheckpointInterval = 60
CaseMode = 2
DirsAllowed = ., {d}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 4
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = 60
"""

#: the test user may read and update through SPARQL (and the Graph Store protocol); the
#: /sparql-basic and /sparql-graph-crud-basic endpoints take Basic credentials up front
VIRTUOSO_SETUP = """\
DB.DBA.USER_CREATE('{user}', '{password}');
GRANT SPARQL_UPDATE TO "{user}";
DB.DBA.VHOST_DEFINE(lpath=>'/sparql-basic', ppath=>'/!sparql/', is_dav=>1, vsp_user=>'dba', sec=>'basic',
  realm=>'SPARQL', auth_fn=>'DB.DBA.HP_AUTH_SPARQL_USER', opts=>vector('noinherit', 1));
DB.DBA.VHOST_DEFINE(lpath=>'/sparql-graph-crud-basic', ppath=>'/!sparql-graph-crud/', is_dav=>1, vsp_user=>'dba',
  sec=>'basic', realm=>'SPARQL', auth_fn=>'DB.DBA.HP_AUTH_SPARQL_USER', opts=>vector('noinherit', 1, 'exec_as_get', 1));
"""


@dataclass(frozen=True)
class Virtuoso:
    url: str
    user: str
    password: str
    location: Path  # the database directory (Virtuoso may read files under it)
    sql_port: int

    def sql(self, statements: str) -> str:
        """Run SQL as the database administrator (through stdin); returns isql's output."""
        done = subprocess.run([virtuoso_binaries()[1], str(self.sql_port), "dba", "dba"], input=statements,
                              capture_output=True, text=True, timeout=300)
        if done.returncode != 0 or "Error" in done.stdout + done.stderr:
            raise RuntimeError(f"Virtuoso SQL failed: {done.stdout}{done.stderr}")
        return done.stdout


def virtuoso_binaries() -> tuple[str, str]:
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    if not server or not isql:
        raise FileNotFoundError("Virtuoso is not installed (apt-get install virtuoso-opensource; .ci/run does)")
    return server, isql


@contextmanager
def virtuoso_server(location: Path, *, max_rows: int = 1_000_000):
    """Virtuoso 7 on free loopback ports with a new database in ``location`` and a test user
    allowed SPARQL updates; yields a :class:`Virtuoso` (the password is random)."""
    import secrets
    binary, _ = virtuoso_binaries()
    location.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    (location / "virtuoso.ini").write_text(VIRTUOSO_INI.format(d=location, sql_port=sql_port, http_port=http_port,
                                                               max_rows=max_rows))
    proc = subprocess.Popen([binary, "-c", str(location / "virtuoso.ini"), "+foreground"], cwd=location,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    user, password = "sckg_test", secrets.token_hex(12)
    base = f"http://127.0.0.1:{http_port}"
    try:
        wait_http(base + "/sparql?query=ASK%7B%7D", proc, timeout=60)
        server = Virtuoso(base, user, password, location, sql_port)
        server.sql(VIRTUOSO_SETUP.format(user=user, password=password))  # stdin: in no process list
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
