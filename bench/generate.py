"""Deterministic generators: news-like article corpora and graphs in the project's own model."""

from __future__ import annotations

import random
from pathlib import Path

STATES = [("German", "Germany", "Berlin"), ("French", "France", "Paris"), ("Italian", "Italy", "Rome"),
          ("Dutch", "Netherlands", "The Hague"), ("Swedish", "Sweden", "Stockholm"),
          ("British", "United Kingdom", "London"), ("Japanese", "Japan", "Tokyo"), ("Canadian", "Canada", "Ottawa"),
          ("Australian", "Australia", "Canberra"), ("Belgian", "Belgium", "Brussels"), ("Greek", "Greece", "Athens"),
          ("Polish", "Poland", "Warsaw"), ("Spanish", "Spain", "Madrid"), ("American", "United States", "Washington")]
AGENCIES = ["the national security agency", "the competition authority", "the investment screening office",
            "the telecoms regulator", "the economy ministry", "the intelligence service"]
PREFIX = ["Nor", "Sin", "Kai", "Vel", "Tor", "Lum", "Zen", "Cor", "Hal", "Mer", "Ost", "Pra", "Qin", "Ruv", "Sol",
          "Tek", "Ula", "Vor", "Wen", "Xia", "Yor", "Zhu", "Ard", "Bel", "Cas", "Dun", "Eri", "Fal", "Gor", "Hua"]
SUFFIX = ["tech", "tronics", "port", "logix", "com", "wave", "link", "star", "net", "mar", "grid", "chem"]
KINDS = ["Holdings", "Group", "Shipping", "Technologies", "Logistics", "Energy", "Semiconductor", "Ports"]
FACILITIES = ["container terminal", "cargo airport", "wafer fab", "power plant", "logistics hub", "data centre"]
PLACES = ["Rotterdam", "Hamburg", "Antwerp", "Valencia", "Gdansk", "Trieste", "Marseille", "Gothenburg", "Leeds",
          "Lyon", "Turin", "Aarhus", "Bilbao", "Porto", "Riga", "Tallinn", "Split", "Varna", "Constanta", "Malmo"]
TEMPLATES = [
    "The {dem} government blocked the sale of {fac_place} {fac} to {c1}, citing national security.",
    "{c1} owns a {pct}% stake in {c2}, according to company filings.",
    "{agency_cap} of {state} is investigating {c1} over its links to {c2}.",
    "{c1} signed a partnership with {c2} in {year} to expand its logistics network.",
    "{c2}, a subsidiary of {c1}, operates the {fac_place} {fac}.",
    "Officials in {capital} said the review of {c1} would take several months.",
    "{c1} acquired {c2} in {year} for an undisclosed sum.",
    "The {dem} regulator banned {c1} from the country's 5G networks in {year}.",
    "{c1} denied that it shares data with foreign governments.",
    "Analysts said the decision could weigh on {c2}'s plans to list on the stock exchange.",
    "The company reported higher revenue in the third quarter, helped by demand for its services.",
    "Shares in {c1} fell {pct2}% in early trading after the announcement.",
    "{capital} ordered {c1} to sell its stake in {c2} within six months.",
    "The {fac_place} {fac} is run by {c2}, which {c1} bought in {year}.",
]


#: how often a sentence reports, alleges, denies or only plans a relation
STATUSES, STATUS_WEIGHTS = ["reported", "alleged", "denied", "planned"], [85, 7, 5, 3]


def company_names(n: int, rng: random.Random) -> list[str]:
    """``n`` distinct company names (up to 86,400 of them): half short ("Norlink Group") where
    there are enough, the rest with a second syllable ("Norlinkkai Group")."""
    short = [f"{a}{b} {k}" for a in PREFIX for b in SUFFIX for k in KINDS]
    long = [f"{a}{b}{c.lower()} {k}" for a in PREFIX for b in SUFFIX for c in PREFIX for k in KINDS]
    if n > len(long):
        raise ValueError(f"cannot make {n} distinct company names")
    n_short = min(n // 2, len(short))
    return sorted(rng.sample(short, n_short) + rng.sample(long, n - n_short))


def article_text(rng: random.Random, companies: list[str]) -> str:
    dem, state, capital = rng.choice(STATES)
    c1, c2 = rng.sample(companies, 2)
    sentences = []
    for _ in range(rng.randint(6, 12)):
        t = rng.choice(TEMPLATES)
        agency = rng.choice(AGENCIES)
        sentences.append(t.format(dem=dem, state=state, capital=capital, c1=c1, c2=c2, pct=rng.randint(5, 95),
                                  pct2=rng.randint(1, 9), year=rng.randint(2010, 2025), fac=rng.choice(FACILITIES),
                                  fac_place=rng.choice(PLACES), agency_cap=agency[0].upper() + agency[1:]))
    paragraphs = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
    title = f"{state} and {c1}: {rng.choice(['review', 'deal', 'ban', 'stake', 'probe'])}"
    import json
    return f"---\ntitle: {json.dumps(title)}\ndate: {rng.randint(2015, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}\n---\n" \
        + "\n\n".join(paragraphs) + "\n"


def write_corpus(directory: Path, n: int, *, seed: int = 42) -> list[Path]:
    """``n`` articles of varied, news-like text in ``directory`` (the same for the same seed)."""
    rng = random.Random(seed)
    companies = company_names(max(50, n // 4), rng)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        p = directory / f"article-{i:05d}.txt"
        p.write_text(article_text(rng, companies), encoding="utf-8")
        paths.append(p)
    return paths


def model_graph(n_triples: int, *, seed: int = 7):
    """Quads in the project's model (documents, typed entities, relations with evidence), about ``n_triples``.

    Shaped like real data: ownership is a forest (each company has at most one parent,
    chains a few levels deep), partnerships are sparse, states and agencies act on
    companies, companies run facilities.
    """
    from graph.document import parse_article
    from graph.model import Entity, Evidence, Extraction, Relation, entity_iri, to_quads
    from graph.ontology import load_ontology

    onto = load_ontology()
    rng = random.Random(seed)
    n_companies = max(200, n_triples // 40)
    companies = company_names(n_companies, rng)
    facilities = [f"{rng.choice(PLACES)} {f} {i}" for i, f in enumerate(FACILITIES * (n_companies // 12 + 1))]
    states = [s[1] for s in STATES]
    agencies = [f"{s[0]} {kind}" for s in STATES for kind in ("Security Service", "Investment Authority")]
    typed = {**{c: "Company" for c in companies}, **{f: "Facility" for f in facilities},
             **{s: "State" for s in states},
             **{a: ("IntelligenceAgency" if "Security" in a else "Regulator") for a in agencies}}

    def relation():
        kind = rng.random()
        if kind < 0.35:  # a company and its parent: a forest of fan-out 4
            i = rng.randrange(1, len(companies))
            return companies[(i - 1) // 4], "owns", companies[i]
        if kind < 0.37:  # a state-owned enterprise
            return rng.choice(states), "owns", rng.choice(companies)
        if kind < 0.5:
            return rng.choice(states + agencies), "monitors", rng.choice(companies)
        if kind < 0.6:
            return rng.choice(states + agencies), "blocked", rng.choice(companies)
        if kind < 0.8:
            i = rng.randrange(len(facilities))
            return companies[i % len(companies)], "operates", facilities[i]
        a, b = rng.sample(companies, 2)
        return a, "partnersWith", b

    quads = []
    doc = 0
    while len(quads) < n_triples:
        rels = [relation() for _ in range(8)]
        names = sorted({n for s, _, o in rels for n in (s, o)})
        text = f"Synthetic article {doc} about " + ", ".join(names) + "."
        art = parse_article(text, name=f"synthetic-{doc:06d}.txt")
        ents = {}
        for name in names:
            e = Entity(entity_iri(name), name, str(onto.entity_types[typed[name]].iri), {name})
            ents[e.iri] = e
        relations = [Relation(entity_iri(s), r, entity_iri(o),
                              Evidence(text, 0, len(text), "synthetic", "1", 0.8, date=str(rng.randint(2010, 2025)),
                                       status=rng.choices(STATUSES, STATUS_WEIGHTS)[0]))
                     for s, r, o in rels if s != o]
        quads.extend(to_quads(Extraction(art, ents, relations), onto))
        doc += 1
    return quads
