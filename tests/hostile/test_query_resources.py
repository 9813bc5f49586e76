"""One query's memory, response size and nesting are bounded, each with a clear status.

Repeated ``BIND(CONCAT(?x, ?x))`` returned a 16 MiB row with 200; workers reached 1 GB
within a 3 s timeout; ``--max-rows`` counted rows only; 3,000 nested ``{`` crashed a worker,
which was reported as a timeout after 0.04 s.
"""

import urllib.parse

import pytest

from graph.store import Store
from tests.test_serve import start

from .test_queries_and_endpoint import http


def doubling(times: int) -> str:
    binds = ['BIND("0123456789abcdef" AS ?x0)']
    binds += [f"BIND(CONCAT(?x{i}, ?x{i}) AS ?x{i + 1})" for i in range(times)]
    return f"SELECT ?x{times} WHERE {{ {' '.join(binds)} }}"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    path = tmp_path_factory.mktemp("resources") / "store"
    Store(path).close()
    proc, url = start(path, "--timeout", "30", "--max-memory", "512", "--workers", "1")
    yield url
    proc.terminate()
    proc.wait(10)


def get(url, query):
    return http(url + "/sparql?" + urllib.parse.urlencode({"query": query}))


def still_answers(url):
    code, body = get(url, "ASK { }")
    assert code == 200 and "true" in body, (code, body)


def test_sixteen_mib_row_is_refused_by_size(endpoint):
    code, body = get(endpoint, doubling(20))  # 16 MiB
    assert code == 413 and "over 16,000,000 bytes" in body, (code, body[:200])
    still_answers(endpoint)


def test_query_past_the_memory_limit_is_stopped_and_said_so(endpoint):
    code, body = get(endpoint, doubling(26))  # 1 GiB string, past --max-memory 512
    assert code == 503 and "more memory" in body, (code, body[:200])
    still_answers(endpoint)


def test_deep_nesting_is_refused_not_a_crash(endpoint):
    query = "SELECT * WHERE " + "{ " * 3000 + "}" * 3000
    code, body = get(endpoint, query)
    assert code == 400 and "nests brackets" in body, (code, body[:200])
    still_answers(endpoint)


def test_moderate_nesting_still_runs(endpoint):
    code, body = get(endpoint, "SELECT * WHERE " + "{ " * 100 + "}" * 100)
    assert code == 200, (code, body[:200])
