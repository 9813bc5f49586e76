"""Extract typed entities and evidenced relations from an article."""

from __future__ import annotations

from ..document import Article
from ..model import Entity, Evidence, Extraction, Relation, entity_iri
from ..ontology import Ontology
from .mentions import Gazetteer, find_mentions, phrase_matcher
from .relations import RelationFinder, TriggerIndex

METHOD = "sckg-rules"


def in_background(items, size: int):
    """Iterate ``items`` in a daemon thread, at most ``size`` ahead of the consumer.

    Exceptions in the producer are raised in the consumer; closing the consumer early
    stops the producer at its next item.

    >>> list(in_background(iter(range(5)), 2))
    [0, 1, 2, 3, 4]
    """
    import queue
    import threading

    q: queue.Queue = queue.Queue(maxsize=size)
    stop = threading.Event()
    done = object()

    def produce():
        try:
            for item in items:
                while not stop.is_set():
                    try:
                        q.put((item, None), timeout=0.1)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            q.put((done, None))
        except BaseException as exc:  # handed to the consumer
            q.put((done, exc))

    thread = threading.Thread(target=produce, name="sckg-parse", daemon=True)
    thread.start()
    try:
        while True:
            item, exc = q.get()
            if item is done:
                if exc is not None:
                    raise exc
                return
            yield item
    finally:
        stop.set()


class Extractor:
    """The rule-based extractor: spaCy parse, gazetteer, ontology-driven patterns.

    Examples
    --------
    >>> from graph.ontology import load_ontology
    >>> from graph.document import parse_article
    >>> ex = Extractor(load_ontology())
    >>> art = parse_article("The German government blocked the sale of Elmos to Sai Micro.", name="t.txt")
    >>> [(r.subject.rsplit('/', 1)[-1], r.relation) for r in ex.extract(art).relations]
    [('germany', 'blocked')]
    """

    def __init__(self, ontology: Ontology, *, nlp=None, model: str | None = None):
        from .nlp import load_nlp

        self.ontology = ontology
        self.nlp = nlp if nlp is not None else load_nlp(model)
        self.gazetteer = Gazetteer.build(ontology)
        self.triggers = TriggerIndex(ontology)
        self.matcher = phrase_matcher(self.nlp, self.gazetteer)
        self.version = f"{ontology.version}+{self.nlp.meta.get('name', 'model')}-{self.nlp.meta.get('version', '?')}"

    def _fit(self, articles) -> None:
        longest = max((len(a.compact[0]) for a in articles), default=0)
        if longest >= self.nlp.max_length:  # the size limit is the reader's, not spaCy's
            self.nlp.max_length = longest + 1

    def extract(self, article: Article, *, doc=None) -> Extraction:
        """Extract one article (``doc``: its text already parsed by ``self.nlp``)."""
        self._fit([article])
        doc = doc if doc is not None else self.nlp(article.compact[0])
        return self._extract(article, doc)

    def extract_many(self, articles, *, batch_size: int = 16, n_process: int = 1, prefetch: int = 64):
        """Extract articles in order, parsing them in batches.

        The parse runs in a background thread, at most ``prefetch`` documents ahead: spaCy's
        matrix products release the GIL, so extraction and the caller's store writes
        overlap with them instead of waiting.
        """
        articles = list(articles)
        self._fit(articles)
        texts = ((a.compact[0], a) for a in articles)
        parsed = self.nlp.pipe(texts, as_tuples=True, batch_size=batch_size, n_process=n_process)
        for doc, art in in_background(parsed, prefetch):
            yield self._extract(art, doc)

    def _name_after_operator(self, candidates, ms) -> dict[str, str]:
        """Name a described facility after the body that runs it.

        "Piraeus Port Authority, the company that runs Greece's largest port": an operator
        named "<Place> <facility noun> ..." runs the "<Place> <facility noun>".
        """
        renamed: dict[str, str] = {}
        for c in candidates:
            obj = ms.entities[c.object]
            if c.relation != "operates" or not obj.described or c.object in renamed:
                continue
            head = obj.label.split()[-1].casefold()
            words = ms.entities[c.subject].label.split()
            for i in range(1, len(words) - 1):
                if words[i].casefold() == head:
                    place = " ".join(words[:i])
                    label = " ".join(words[: i + 1])
                    # the place may already be a node of its own ("a stake in Piraeus")
                    same = next((k for k, e in ms.entities.items() if e.label == place
                                 and not e.described and not e.same_as), None)
                    iri = same or entity_iri(label)
                    ent = ms.entities.get(iri)
                    if ent is None:
                        ms.entities[iri] = ent = Entity(iri, label, obj.type, set())
                    ent.type = obj.type
                    ent.names |= {label, obj.label}
                    renamed[c.object] = iri
                    break
        return renamed

    def _extract(self, article: Article, doc) -> Extraction:
        ms = find_mentions(doc, self.ontology, self.gazetteer, self.matcher, scope=article.slug)
        finder = RelationFinder(self.ontology, self.gazetteer, self.triggers, ms, doc_date=article.date)
        best: dict[tuple, Relation] = {}
        candidates = finder.find()
        renamed = self._name_after_operator(candidates, ms)
        onto = self.ontology
        for c in candidates:
            c = c if c.object not in renamed else c.__class__(**{**c.__dict__, "object": renamed[c.object]})
            rel = onto.relations[c.relation]
            if not (onto.is_a(ms.type_of(c.subject), rel.domain) and onto.is_a(ms.type_of(c.object), rel.range)):
                continue  # a renamed node may no longer fit
            text = c.sentence.text
            lead = len(text) - len(text.lstrip())
            sentence = text.strip()
            offsets = article.compact[1]
            first = c.sentence.start_char + lead
            start, end = offsets[first], offsets[first + len(sentence) - 1] + 1
            ev = Evidence(sentence=sentence, start=start, end=end, method=METHOD,
                          method_version=self.version, confidence=c.confidence, status=c.status,
                          trigger=c.trigger.text, asserted_by=c.asserted_by, date=c.date, share=c.share)
            key = (c.subject, c.relation, c.object, start)
            if key not in best or best[key].evidence.confidence < c.confidence:
                best[key] = Relation(c.subject, c.relation, c.object, ev)
        relations = sorted(best.values(), key=lambda r: (r.evidence.start, r.subject, r.relation, r.object))
        used = {r.subject for r in relations} | {r.object for r in relations} | \
            {r.evidence.asserted_by for r in relations if r.evidence.asserted_by}
        entities: dict[str, Entity] = {k: e for k, e in ms.entities.items() if not e.described or k in used}
        return Extraction(article=article, entities=dict(sorted(entities.items())), relations=relations)
