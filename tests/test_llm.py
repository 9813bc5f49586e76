"""The optional LLM extractor against a local fake OpenAI-compatible server started by the test."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.document import parse_article
from graph.extract.llm import LLMConfig, LLMError, LLMExtractor
from graph.ingest import build
from graph.store import Store

TEXT = ("The Dutch government blocked the sale of Nexperia to a buyer. Wingtech owns Nexperia, "
        "a chipmaker in Nijmegen. Wingtech denied that it planned to move production.")

ANSWER = {
    "entities": [
        {"name": "Dutch government", "type": "State"},
        {"name": "Nexperia", "type": "Company"},
        {"name": "Wingtech", "type": "Company"},
        {"name": "Huawei", "type": "Company"},           # not in the text: invented
        {"name": "Nijmegen", "type": "Spaceport"},        # not an ontology type
    ],
    "relations": [
        {"subject": "Dutch government", "relation": "blocked", "object": "Nexperia",
         "sentence": "The Dutch government blocked the sale of Nexperia to a buyer.", "status": "reported"},
        {"subject": "Wingtech", "relation": "owns", "object": "Nexperia", "sentence": "paraphrased, not in text"},
        {"subject": "Huawei", "relation": "owns", "object": "Nexperia", "sentence": "x"},       # invented end
        {"subject": "Nexperia", "relation": "blocked", "object": "Wingtech", "sentence": "x"},  # domain broken
        {"subject": "Wingtech", "relation": "acquires", "object": "Nexperia"},                  # not a relation
    ],
}


class FakeChat(BaseHTTPRequestHandler):
    requests: list = []
    answer = json.dumps(ANSWER)
    status = 200

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeChat.requests.append((self.path, dict(self.headers), body))
        if FakeChat.status != 200:
            self.send_response(FakeChat.status)
            self.end_headers()
            self.wfile.write(b"model overloaded")
            return
        out = json.dumps({"choices": [{"message": {"role": "assistant", "content": "```json\n" + FakeChat.answer
                                                   + "\n```"}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)


@pytest.fixture()
def fake_llm():
    FakeChat.requests, FakeChat.status = [], 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeChat)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


def test_llm_extractor_keeps_only_what_the_text_and_ontology_support(fake_llm, ontology):
    ex = LLMExtractor(ontology, LLMConfig(fake_llm, "fake-model", api_key="secret"))
    x = ex.extract(parse_article(TEXT, name="n.txt"))
    found = sorted((x.entities[r.subject].label, r.relation, x.entities[r.object].label) for r in x.relations)
    assert found == [("Netherlands", "blocked", "Nexperia"), ("Wingtech", "owns", "Nexperia")], found
    assert {e.label for e in x.entities.values()} == {"Netherlands", "Nexperia", "Wingtech"}
    owns = next(r for r in x.relations if r.relation == "owns")
    assert owns.evidence.sentence == "Wingtech owns Nexperia, a chipmaker in Nijmegen."  # found in the text
    assert TEXT[owns.evidence.start:owns.evidence.end] == owns.evidence.sentence
    assert {r.evidence.method for r in x.relations} == {"sckg-llm"}
    path, headers, body = FakeChat.requests[0]
    assert path == "/v1/chat/completions" and headers["Authorization"] == "Bearer secret"
    assert body["model"] == "fake-model" and "partnersWith" in body["messages"][0]["content"]


def test_both_extractors_in_one_build_are_told_apart(fake_llm, tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "n.txt").write_text(TEXT)
    store = Store(None)
    build([tmp_path / "in"], store=store, extractor="both", llm=LLMConfig(fake_llm, "fake-model"))
    methods = {r["m"].value for r in store.query("SELECT DISTINCT ?m WHERE { ?e sckg:method ?m }")}
    assert "sckg-llm" in methods and methods - {"sckg-llm"} <= {"sckg-rules", "sckg-learned"}, methods
    assert len(methods) >= 2, methods


def test_llm_errors_are_clear(fake_llm, tmp_path):
    FakeChat.status = 503
    (tmp_path / "n.txt").write_text(TEXT)
    r = CliRunner().invoke(cli, ["build", str(tmp_path / "n.txt"), "--store", str(tmp_path / "s"),
                                 "--extractor", "llm", "--llm-url", fake_llm, "--llm-model", "m"])
    assert r.exit_code == 1 and "HTTP 503" in r.output, r.output


def test_llm_needs_configuration(tmp_path, monkeypatch):
    monkeypatch.delenv("SCKG_LLM_BASE_URL", raising=False)
    monkeypatch.delenv("SCKG_LLM_MODEL", raising=False)
    with pytest.raises(LLMError, match="SCKG_LLM_BASE_URL"):
        LLMConfig.from_env()
