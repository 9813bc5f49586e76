"""The endpoint's request limits hold against malformed framing and idle connections.

``Content-Length: -1`` read the body to EOF (20 MB accepted past the 1 MB limit); a
non-numeric ``Content-Length`` got no response and a traceback in the log; 1,500 idle
connections were held open forever.
"""

import socket
import time
import urllib.parse

import pytest

from graph.store import Store
from tests.test_serve import start

from .test_queries_and_endpoint import http


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    path = tmp_path_factory.mktemp("limits") / "store"
    Store(path).close()
    proc, url = start(path, "--idle-timeout", "2")
    yield url
    proc.terminate()
    out, err = proc.communicate(timeout=10)
    assert b"Traceback" not in err, err.decode()[-2000:]


def raw(url: str, head: bytes, body: bytes = b"", *, keep_sending: int = 0, timeout: float = 15) -> bytes:
    """Send a raw request (and optionally keep streaming body bytes); return what came back."""
    u = urllib.parse.urlsplit(url)
    with socket.create_connection((u.hostname, u.port), timeout=timeout) as sock:
        sock.sendall(head + body)
        sock.settimeout(0.05)
        received = b""
        deadline = time.monotonic() + timeout
        sent = 0
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
            except TimeoutError:
                if received:
                    break
                if sent < keep_sending:
                    try:
                        sock.sendall(b"x" * 65536)
                        sent += 65536
                    except OSError:
                        pass
            except OSError:
                break
        return received


def post_head(length: str, *, extra: str = "") -> bytes:
    return (f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            f"Content-Length: {length}\r\n{extra}\r\n").encode()


def test_negative_content_length_is_refused_not_read_to_eof(endpoint):
    answer = raw(endpoint, post_head("-1"), b"ASK {}", keep_sending=20_000_000)
    assert answer.startswith(b"HTTP/1.0 400") or answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert b"Content-Length" in answer


@pytest.mark.parametrize("length", ["abc", "1e3", "+5", " 0x10", "６"])
def test_non_numeric_content_length_gets_an_answer(endpoint, length):
    answer = raw(endpoint, post_head(length), b"ASK {}")
    assert b" 400 " in answer.split(b"\r\n")[0], answer[:200]


def test_two_different_content_lengths_are_refused(endpoint):
    answer = raw(endpoint, post_head("6", extra="Content-Length: 600\r\n"), b"ASK {}")
    assert b" 400 " in answer.split(b"\r\n")[0], answer[:200]


def test_chunked_body_is_refused_with_411(endpoint):
    head = (b"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n")
    answer = raw(endpoint, head, b"6\r\nASK {}\r\n0\r\n\r\n")
    assert b" 411 " in answer.split(b"\r\n")[0], answer[:200]


def test_well_formed_post_still_answers(endpoint):
    answer = raw(endpoint, post_head("6"), b"ASK {}")
    assert b" 200 " in answer.split(b"\r\n")[0] and b"true" in answer, answer[:300]


def test_idle_connection_is_closed(endpoint):
    u = urllib.parse.urlsplit(endpoint)
    with socket.create_connection((u.hostname, u.port), timeout=20) as sock:
        start_t = time.monotonic()
        assert sock.recv(1) == b"", "the server sent something to an idle connection"
        took = time.monotonic() - start_t
    assert took < 10, f"an idle connection stayed open {took:.1f} s (idle timeout 2 s)"
    code, _ = http(endpoint + "/sparql?query=ASK%7B%7D")
    assert code == 200
