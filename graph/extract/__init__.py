"""Extract typed entities and evidenced relations from an article."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ..document import Article
from ..model import Entity, Evidence, Extraction, Relation, entity_iri, is_generic
from ..ontology import SCKG, Ontology
from .candidates import Pair, attach_conjuncts_to_names, attach_relatives_to_nearest, find_pairs, path
from .classifier import LinearModel, load_model
from .features import Vocabulary, pair_features
from .gazetteer import Gazetteer, phrase_matcher
from .mentions import Mentions, find_mentions
from .claims import ownership_share
from .dating import RelationDating
from .decisions import DecisionFinder
from .timing import carry_dates, date_phrases, leaving_party, origin_dates, valid_time
from .relations import Candidate, RelationFinder, TriggerIndex

METHOD = "sckg-rules"
LEARNED_METHOD = "sckg-learned"
#: a pair the model finds at least this fraction of a relation's threshold likely may date
#: that relation when it is stated elsewhere in the document
WEAK = 0.33
#: statuses of a clause that may date a relation stated elsewhere (not a denial or a negation)
FIRM_STATUSES = frozenset({"reported", "planned"})


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


@dataclass
class Analysis:
    """One document before relations are decided: its mentions, the rules' candidates, and
    the candidate pairs with their features."""

    mentions: Mentions
    finder: RelationFinder
    rule_candidates: list[Candidate]
    pairs: list[Pair]
    features: list[list[str]]
    #: words of a relation only a state actor holds ("inquiry", "prohibit"), in text order
    state_triggers: list = field(default_factory=list)


class Extractor(RelationDating):
    """The extractor: spaCy parse, gazetteer and typed mentions, then relations.

    Relations the learned model knows are decided by it (candidate pairs of mentions in a
    sentence, their features, one logistic model per relation); the ontology-driven
    rules vote as features and decide the relations the model does not cover.
    ``relation_model=None`` runs the rules alone.

    Examples
    --------
    >>> from graph.ontology import load_ontology
    >>> from graph.document import parse_article
    >>> ex = Extractor(load_ontology())
    >>> art = parse_article("The German government blocked the sale of Elmos to Sai Micro.", name="t.txt")
    >>> found = [(r.subject.rsplit('/', 1)[-1], r.relation, r.object.rsplit('/', 1)[-1])
    ...          for r in ex.extract(art).relations]
    >>> ('germany', 'blocked', 'elmos') in found  # and perhaps the buyer, whose deal was blocked too
    True
    """

    def __init__(self, ontology: Ontology, *, nlp=None, model: str | None = None,
                 relation_model: LinearModel | str | None = "shipped"):
        from .nlp import english_words, load_nlp

        self.ontology = ontology
        self.nlp = nlp if nlp is not None else load_nlp(model)
        self.gazetteer = Gazetteer.build(ontology)
        self.triggers = TriggerIndex(ontology)
        self.matcher = phrase_matcher(self.nlp, self.gazetteer)
        self.english_words = english_words(self.nlp)
        self.version = f"{ontology.version}+{self.nlp.meta.get('name', 'model')}-{self.nlp.meta.get('version', '?')}"
        self.vocab = Vocabulary(ontology)
        #: relations only a state actor holds (monitors, blocked): their words may have an unnamed agent
        self._state_relations = frozenset(r.name for r in ontology.relations.values()
                                          if str(r.domain) == str(SCKG.StateActor))
        self.decision_finder = DecisionFinder(ontology)
        if relation_model == "shipped":
            relation_model = load_model()
        elif isinstance(relation_model, str):
            relation_model = load_model(relation_model)
        self.classifier: LinearModel | None = relation_model
        if relation_model is not None:
            self.version += f"+{relation_model.version}"

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

    def analyse(self, article: Article, doc) -> Analysis:
        """Mentions, rule candidates and candidate pairs with features (pure)."""
        ms = find_mentions(doc, self.ontology, self.gazetteer, self.matcher, scope=article.slug,
                           english=self.english_words, source=article.source)
        attach_conjuncts_to_names(ms)  # before the rules and the pairs read the tree
        attach_relatives_to_nearest(ms)
        finder = RelationFinder(self.ontology, self.gazetteer, self.triggers, ms, doc_date=article.date)
        rule_cands = finder.find()
        renamed = self._name_after_operator(rule_cands, ms)
        rule_cands = [c if c.object not in renamed else c.__class__(**{**c.__dict__, "object": renamed[c.object]})
                      for c in rule_cands]
        votes: dict[tuple, set[str]] = {}
        for c in rule_cands:
            votes.setdefault((c.sentence.start, c.subject, c.object), set()).add(c.relation)
            votes.setdefault((c.sentence.start, c.object, c.subject), set()).add(c.relation + "~")
        state_triggers = [t for t in doc if self._state_trigger(t)]
        pairs = find_pairs(ms, finder.resolve, state_triggers, finder.agents)
        feats = [pair_features(p, ms, self.vocab, frozenset(votes.get((p.sentence.start, p.subject, p.object), ())))
                 for p in pairs]
        return Analysis(ms, finder, rule_cands, pairs, feats, state_triggers)

    def _learned(self, an: Analysis) -> tuple[list[Candidate], list[Candidate]]:
        """Candidates the model accepts, with status, source and date from the trigger's
        clause; and those it finds likely but not enough (at least ``WEAK`` times the threshold), which
        may date a relation stated elsewhere in the document but are no relation themselves."""
        model = self.classifier
        rules = {(c.sentence.start, c.subject, c.relation, c.object): c for c in an.rule_candidates}
        out, weak = [], []
        scored = []
        per_triple: dict[tuple, list[float]] = {}
        for pair, probs in zip(an.pairs, model.scores_many(an.features) if an.pairs else []):
            for rel_name, p in zip(model.relations, probs):
                rel = self.ontology.relations.get(rel_name)
                if rel is None:
                    continue
                s, o = pair.subject, pair.object
                if rel.symmetric and o < s:
                    s, o = o, s
                per_triple.setdefault((s, rel_name, o), []).append(p)
                scored.append((pair, rel_name, s, o, p))
        # a relation the document states is accepted on its sentences together; its evidence
        # is each sentence that reaches the threshold alone, or its likeliest one
        threshold_of = dict(zip(model.relations, model.thresholds))
        floor = {k: min(max(ps), threshold_of[k[1]]) for k, ps in per_triple.items()
                 if model.combine(ps) >= threshold_of[k[1]]}
        for pair, rel_name, s, o, p in scored:
            accepted = (s, rel_name, o) in floor and p >= floor[(s, rel_name, o)]
            if not accepted and p < threshold_of[rel_name] * WEAK:
                continue
            rule = rules.get((pair.sentence.start, s, rel_name, o))
            if rule is None and not self.worded(pair.sentence, self.ontology.relations[rel_name]):
                continue  # no word of the relation in the sentence: a list of parties is no partnership
            trigger = rule.trigger if rule else self._trigger(pair, rel_name)
            if rel_name in ("owns", "operates") and not pair.o_pron and not pair.implicit \
                    and leaving_party(pair.o_tok, trigger, self.ontology.time_cues):
                continue  # "A acquired X from B": B is the seller, not what A holds
            status, by, date = an.finder.context(trigger)
            share = ownership_share(trigger) if rel_name == "owns" else None
            (out if accepted else weak).append(
                Candidate(s, rel_name, o, pair.sentence, trigger, round(p, 4), status, by, date, share))
        return out, weak

    def worded(self, sent, rel) -> bool:
        """A symmetric relation is said in words: a sentence that lists parties with none of
        the relation's words ("sites operated by A; ... by B; ... by C") states no partnership."""
        if not rel.symmetric:
            return True
        prefix = rel.name + ":"
        return any(t.lower_ in rel.joint_adverbs or any(k.startswith(prefix) for k in self.vocab.of(t))
                   for t in sent)

    def _state_trigger(self, tok) -> bool:
        """A verb or noun of a relation only a state actor holds ("inquiry", "prohibit")."""
        return tok.pos_ in ("NOUN", "VERB") and any(k.split(":", 1)[0] in self._state_relations
                                                   for k in self.vocab.of(tok))

    def _trigger(self, pair: Pair, rel_name: str):
        """The word that expresses a relation between the pair: a trigger of the relation on
        the dependency path, else the words' lowest common ancestor."""
        up, down = path(pair.s_tok, pair.o_tok)
        on_path = [*up[1:], *down[:-1]]
        prefix = rel_name + ":"
        for t in on_path:
            if any(k.startswith(prefix) for k in self.vocab.of(t)):
                return t
        return up[-1]

    def _extract(self, article: Article, doc) -> Extraction:
        return self.decide(article, self.analyse(article, doc))

    def decide(self, article: Article, an: Analysis) -> Extraction:
        """The extraction of an analysed document: relations with their evidence."""
        ms = an.mentions
        learned = set(self.classifier.relations) if self.classifier else set()
        candidates = list(an.rule_candidates)  # the rules' relations stay beside the model's
        weak: list[Candidate] = []
        if self.classifier is not None:
            accepted, weak = self._learned(an)
            candidates += accepted
        onto = self.ontology
        candidates = _one_direction(candidates, onto)
        rule_set = set(an.rule_candidates)
        offsets = article.compact[1]
        dates = date_phrases(ms.doc)
        cues = onto.time_cues

        def cite(sent) -> tuple[str, int, int]:
            text = sent.text
            lead = len(text) - len(text.lstrip())
            sentence = text.strip()
            first = sent.start_char + lead
            return sentence, offsets[first], offsets[first + len(sentence) - 1] + 1

        best: dict[tuple, tuple[Relation, Candidate]] = {}
        for c in candidates:
            rel = onto.relations[c.relation]
            if not onto.fits(rel, ms.type_of(c.subject), ms.type_of(c.object)):
                continue
            sentence, start, end = cite(c.sentence)
            method = LEARNED_METHOD if c.relation in learned and c not in rule_set else METHOD
            vt = valid_time(c.trigger, dates, article.date, cues, rel.closing_verbs)
            owns = c.relation == "owns"
            # an ownership or operation is not dated by a state's act on it ("prohibited the
            # acquisition") nor by a clause that no word of it links to the pair ("DOE today
            # awarded X the contract for Y": Y's operation does not begin with the award);
            # a partnership is (the award starts the contract)
            leaving = self._leaving(c, ms) if c.relation in ("owns", "operates") else None
            if self._dated_by_state_act(c) or c.relation not in self._state_relations and (
                    c.relation in ("owns", "operates") and leaving is None
                    and not any(k.startswith(c.relation + ":") for k in self.vocab.of(c.trigger))):
                vt = replace(vt, start=None, end=None)
            elif leaving is not None and not (vt.start and vt.end):
                # "A sold X to B in 2019": A's ownership ends then, B's begins
                when = vt.start or vt.end
                vt = replace(vt, start=None if leaving else when, end=when if leaving else None)
            elif vt.start and not vt.end and c.relation == "monitors" \
                    and self.decision_finder.kind(c.relation, c.trigger) == "approval":
                # "On 17 September 2019 the Commission approved the acquisition": the review ends
                vt = replace(vt, start=None, end=vt.start)
            ev = Evidence(sentence=sentence, start=start, end=end, method=method,
                          method_version=self.version, confidence=c.confidence, status=c.status,
                          trigger=c.trigger.text, asserted_by=c.asserted_by, date=c.date, share=c.share,
                          valid_from=vt.start, valid_until=vt.end,
                          share_before=vt.share_before if owns else None,
                          share_after=vt.share_after if owns else None)
            key = (c.subject, c.relation, c.object, start)
            if key not in best or best[key][0].evidence.confidence < c.confidence:
                best[key] = (Relation(c.subject, c.relation, c.object, ev), c)
        chosen = sorted(best.values(), key=lambda rc: (rc[0].evidence.start, rc[0].subject, rc[0].relation,
                                                        rc[0].object))
        # a likely statement of a chosen relation elsewhere may date it ("X assumed the
        # operation of Y on October 1, 2006" beside "Y is operated by X")
        wanted = {(r.subject, r.relation, r.object) for r, _ in chosen}
        lenders = []
        for c in weak:
            if (c.subject, c.relation, c.object) not in wanted or c.status not in FIRM_STATUSES:
                continue
            if self._dated_by_state_act(c):
                continue
            vt = valid_time(c.trigger, dates, article.date, cues, onto.relations[c.relation].closing_verbs)
            if vt.start or vt.end:
                sentence, start, end = cite(c.sentence)
                ev = Evidence(sentence=sentence, start=start, end=end, method=LEARNED_METHOD,
                              method_version=self.version, confidence=c.confidence, status=c.status,
                              trigger=c.trigger.text, valid_from=vt.start, valid_until=vt.end)
                lenders.append((Relation(c.subject, c.relation, c.object, ev), c))
        lenders += self._actor_dates(an, chosen, dates, article.date, cite)
        chosen = carry_dates(chosen, dates, article.date, cues, cite, lenders=lenders)
        chosen = origin_dates(chosen, dates, article.date, cues, cite, ms.entity_at)
        relations = [r for r, _ in chosen]

        def evidence_of(sent, trigger, confidence, status, date, method) -> Evidence:
            sentence, start, end = cite(sent)
            return Evidence(sentence=sentence, start=start, end=end, method=method, method_version=self.version,
                            confidence=confidence, status=status, trigger=trigger.text, date=date)

        decisions = self.decision_finder.find(chosen, resolve=an.finder.resolve, mentions=ms,
                                              context=an.finder.context, evidence_of=evidence_of)
        relations, decisions = _prevented_as_planned(relations, decisions)
        used = {r.subject for r in relations} | {r.object for r in relations} | \
            {r.evidence.asserted_by for r in relations if r.evidence.asserted_by} | \
            {d.actor for d in decisions}
        # an unnamed description, or a bare head word ("the Government", "the Authority") the
        # article never resolved, is a node only when something is said of it
        entities: dict[str, Entity] = {k: e for k, e in ms.entities.items()
                                       if k in used or not (e.described or is_generic(e.label, onto))}
        return Extraction(article=article, entities=dict(sorted(entities.items())), relations=relations,
                          decisions=decisions)


def _prevented_as_planned(relations: list[Relation], decisions: list) -> tuple[list[Relation], list]:
    """A deal a decision prohibited never held: its relation stays a claim, status planned
    ("an order prohibiting the acquisition of X by Y"), unless a decision of the document
    ends it (an order to divest what was bought: it held until then)."""
    ended = {(e.relation.subject, e.relation.relation, e.relation.object)
             for d in decisions for e in d.effects if e.change == "ended"}
    prevented = {id(e.relation) for d in decisions for e in d.effects if e.change == "prevented"
                 and (e.relation.subject, e.relation.relation, e.relation.object) not in ended}
    if not prevented:
        return relations, decisions
    planned = {id(r): replace(r, evidence=replace(r.evidence, status="planned"))
               for r in relations if id(r) in prevented}
    relations = [planned.get(id(r), r) for r in relations]
    decisions = [replace(d, effects=tuple(replace(e, relation=planned.get(id(e.relation), e.relation))
                                          for e in d.effects)) for d in decisions]
    return relations, decisions


def _one_direction(candidates: list[Candidate], ontology: Ontology) -> list[Candidate]:
    """The candidates without the weaker direction of an asymmetric relation the document
    also states the other way (one sentence read as both "A owns B" and "B owns A"): rules
    and model together, by their best confidence; both on a tie."""
    best: dict[tuple, float] = {}
    for c in candidates:
        key = (c.subject, c.relation, c.object)
        best[key] = max(best.get(key, 0.0), c.confidence)
    return [c for c in candidates if ontology.relations[c.relation].symmetric
            or best.get((c.object, c.relation, c.subject), -1.0) <= best[(c.subject, c.relation, c.object)]]
