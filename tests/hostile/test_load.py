"""A burst of 200 concurrent clients: every request answered, none refused or dropped.

With a listen backlog of 5, 200 concurrent clients (1,000 queries) saw p99 of 4.7-28 s
and 1,400 listen overflows. The latencies are reported by the benchmark
(``python -m bench --only serve``); this test asserts what must hold: 0 errors and no connection dropped by a full listen
queue (the kernel's ListenOverflows counter).
"""

import pytest

from bench.load import load
from tests.test_serve import start

QUERIES = [
    "SELECT ?a ?t WHERE { ?a sckg:monitors ?t }",
    "ASK { ?s sckg:owns ?o }",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    "SELECT ?e ?l WHERE { ?e a sckg:Company ; rdfs:label ?l } LIMIT 20",
]


@pytest.fixture(scope="module")
def endpoint(seed_store):
    proc, url = start(seed_store.location)
    yield url
    proc.terminate()
    proc.wait(10)


def test_two_hundred_concurrent_clients_all_answered(endpoint):
    result = load(endpoint, QUERIES, clients=200, per_client=5, timeout=60)
    assert result["requests"] == 1000 and result["errors"] == 0, result
    # a full listen queue drops the SYN and the client retries a second later (p99 of seconds)
    assert not result["listen_overflows"], result
