"""An optional second extractor that asks an OpenAI-compatible chat API, checked against the text.

Off by default: the rule extractor never needs it. The model is told the ontology's entity
types and relations; its answer is validated: unknown types and relations, entities whose
names are not in the article, relations whose ends break the relation's domain or range,
and sentences that cannot be found are all dropped. Evidence records say
``method="sckg-llm"`` and the model's name, so the two extractors can be compared.
"""

from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from ..document import Article
from ..model import Entity, Evidence, Extraction, Relation, entity_iri, normalise_name
from ..ontology import Ontology
from .gazetteer import Gazetteer

METHOD = "sckg-llm"


class LLMError(RuntimeError):
    """The chat API could not be reached or answered with an error."""


@dataclass(frozen=True)
class LLMConfig:
    """Where the model lives; read from the environment unless given."""

    base_url: str
    model: str
    api_key: str | None = None
    timeout: float = 120.0

    @classmethod
    def from_env(cls, *, base_url: str | None = None, model: str | None = None) -> "LLMConfig":
        base = base_url or os.environ.get("SCKG_LLM_BASE_URL")
        name = model or os.environ.get("SCKG_LLM_MODEL")
        if not base or not name:
            raise LLMError("the LLM extractor needs SCKG_LLM_BASE_URL and SCKG_LLM_MODEL (or --llm-url and "
                           "--llm-model); SCKG_LLM_API_KEY is sent as a bearer token when set")
        return cls(base.rstrip("/"), name, os.environ.get("SCKG_LLM_API_KEY"))


class ChatClient:
    """A small client for ``POST {base_url}/chat/completions`` (the OpenAI-compatible API)."""

    def __init__(self, config: LLMConfig):
        self.config = config

    def complete(self, messages: list[dict]) -> str:
        body = json.dumps({"model": self.config.model, "messages": messages, "temperature": 0,
                           "response_format": {"type": "json_object"}}).encode()
        headers = {"Content-Type": "application/json"}
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        url = self.config.base_url + "/chat/completions"
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=self.config.timeout) as resp:
                data = json.loads(resp.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:200]
            raise LLMError(f"{url}: HTTP {exc.code}: {detail}") from None
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise LLMError(f"{url}: cannot reach the chat API: {getattr(exc, 'reason', exc)}") from None
        except json.JSONDecodeError:
            raise LLMError(f"{url}: the answer is not JSON") from None
        try:
            return data["choices"][0]["message"]["content"]
        except (KeyError, IndexError, TypeError):
            raise LLMError(f"{url}: the answer has no choices[0].message.content") from None


def build_prompt(ontology: Ontology, article: Article) -> list[dict]:
    """Messages that constrain the model to the ontology's types and relations."""
    types = "\n".join(f"- {t.name}: {t.definition}" for t in ontology.entity_types.values())
    rels = "\n".join(f"- {r.name} ({r.domain.rsplit('#', 1)[-1]} -> {r.range.rsplit('#', 1)[-1]}): {r.definition}"
                     for r in ontology.relations.values())
    statuses = ", ".join(ontology.statuses)
    system = (
        "You extract a knowledge graph of state-corporate relationships from a news article.\n"
        f"Entity types:\n{types}\n\nRelations (subject type -> object type):\n{rels}\n\n"
        "Answer with one JSON object: {\"entities\": [{\"name\": str, \"type\": str}], "
        "\"relations\": [{\"subject\": str, \"relation\": str, \"object\": str, \"sentence\": str, "
        f"\"status\": one of {statuses}}}]}}. Use names exactly as the article writes them, only the "
        "types and relations listed, and copy the sentence that states each relation verbatim. "
        "A relation someone denies has status denied; an intention has status planned.")
    return [{"role": "system", "content": system}, {"role": "user", "content": article.clean.strip()}]


def _parse_answer(text: str) -> dict:
    text = text.strip()
    fenced = re.match(r"^```(?:json)?\s*(.*?)\s*```$", text, re.DOTALL)
    if fenced:
        text = fenced.group(1)
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return {}
    return data if isinstance(data, dict) else {}


def _find(haystack: str, needle: str) -> tuple[int, int] | None:
    """Where ``needle`` occurs in ``haystack``, whitespace and case aside."""
    words = needle.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    m = re.search(pattern, haystack, re.IGNORECASE)
    return (m.start(), m.end()) if m else None


_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+|$)")


class LLMExtractor:
    """Extracts with a chat model, keeping only what the article and the ontology support."""

    def __init__(self, ontology: Ontology, config: LLMConfig, *, client: ChatClient | None = None):
        self.ontology = ontology
        self.config = config
        self.client = client or ChatClient(config)
        self.gazetteer = Gazetteer.build(ontology)
        self.version = config.model

    def extract(self, article: Article) -> Extraction:
        answer = _parse_answer(self.client.complete(build_prompt(self.ontology, article)))
        text = article.clean
        entities: dict[str, Entity] = {}
        by_name: dict[str, str] = {}
        for e in answer.get("entities") or []:
            if not isinstance(e, dict):
                continue
            name, etype = e.get("name"), e.get("type")
            if not isinstance(name, str) or not 0 < len(name) <= 200 or etype not in self.ontology.entity_types:
                continue
            if _find(text, name) is None:
                continue  # not in the article: invented
            gaz = self.gazetteer.by_name.get(normalise_name(name))
            if gaz is not None:
                iri, label, t, same = str(gaz.iri), gaz.label, str(gaz.type), tuple(str(x) for x in gaz.same_as)
            else:
                iri, label, t, same = entity_iri(name), name, str(self.ontology.entity_types[etype].iri), ()
            ent = entities.setdefault(iri, Entity(iri, label, t, {label}, same))
            ent.names.add(name)
            by_name[normalise_name(name)] = iri
        relations = []
        for r in answer.get("relations") or []:
            if not isinstance(r, dict) or r.get("relation") not in self.ontology.relations:
                continue
            rel = self.ontology.relations[r["relation"]]
            s = by_name.get(normalise_name(str(r.get("subject", ""))))
            o = by_name.get(normalise_name(str(r.get("object", ""))))
            if not s or not o or s == o:
                continue
            if not self.ontology.fits(rel, entities[s].type, entities[o].type):
                continue
            span = _find(text, str(r.get("sentence", ""))) if r.get("sentence") else None
            if span is None:  # fall back on the sentence that names both ends
                names_s, names_o = entities[s].names, entities[o].names
                for m in _SENTENCE.finditer(text):
                    chunk = m.group(0)
                    if any(_find(chunk, n) for n in names_s) and any(_find(chunk, n) for n in names_o):
                        lead = len(chunk) - len(chunk.lstrip())
                        span = (m.start() + lead, m.start() + len(chunk.rstrip()))
                        break
            if span is None:
                continue
            status = r.get("status") if r.get("status") in self.ontology.statuses else "reported"
            if status == "rejected":
                status = "reported"
            if rel.symmetric and o < s:
                s, o = o, s
            ev = Evidence(sentence=text[span[0]:span[1]], start=span[0], end=span[1], method=METHOD,
                          method_version=self.version, confidence=0.6, status=status, trigger="")
            relations.append(Relation(s, rel.name, o, ev))
        relations.sort(key=lambda r: (r.evidence.start, r.subject, r.relation, r.object))
        return Extraction(article=article, entities=dict(sorted(entities.items())), relations=relations)


def combine(first: Extraction, second: Extraction) -> Extraction:
    """Both extractors' findings for one article; evidence keeps each method apart."""
    entities = {k: Entity(v.iri, v.label, v.type, set(v.names), v.same_as, v.described)
                for k, v in first.entities.items()}
    for k, v in second.entities.items():
        if k in entities:
            entities[k].names |= v.names
        else:
            entities[k] = v
    return Extraction(first.article, dict(sorted(entities.items())), [*first.relations, *second.relations])
