"""Each relation type found in sentences that are not in the seed, with the real spaCy model."""

import pytest

from graph.extract.aliases import trim_span

from .conftest import SEEDS, extract_text, triples


@pytest.mark.parametrize("text,expected", [
    ("The Dutch intelligence service AIVD is investigating Nexperia over its links to Beijing.",
     ("AIVD", "monitors", "Nexperia")),
    ("Wingtech owns Nexperia, the Dutch chipmaker.", ("Wingtech", "owns", "Nexperia")),
    ("Nexperia, a Dutch chipmaker wholly owned by Wingtech, makes simple chips.", ("Wingtech", "owns", "Nexperia")),
    ("China Merchants Port acquired a 49% stake in Terminal Link in 2013.",
     ("China Merchants Port", "owns", "Terminal Link")),
    ("Hutchison Ports signed a partnership with Rotterdam Port Authority in 2019.",
     ("Hutchison Ports", "partnersWith", "Rotterdam Port Authority")),
    ("The Italian government vetoed the takeover of Iveco by Zhejiang Geely.", ("Italy", "blocked", "Iveco")),
    ("The US Commerce Department added Huawei to its entity list and banned exports to the company.",
     ("US Department of Commerce", "blocked", "Huawei")),
    ("Hutchison Ports operates the Felixstowe container terminal.",
     ("Hutchison Ports", "operates", "Felixstowe container terminal")),
    ("Shein plans to list on the London Stock Exchange.", ("Shein", "listedOn", "London Stock Exchange")),
])
def test_relation_found_in_unseen_sentence(extractor, text, expected):
    found = [(s, r, o) for s, r, o, _ in extract_text(extractor, text)]
    if expected[1] == "partnersWith":
        found += [(o, r, s) for s, r, o in found]
    assert expected in found, found


def test_evidence_carries_date_and_status(extractor):
    rows = extract_text(extractor, "Shein plans to list on the London Stock Exchange.")
    assert rows[0][3].status == "planned"
    rows = extract_text(extractor, "China Merchants Port acquired a 49% stake in Terminal Link in 2013.")
    assert rows[0][3].date == "2013"


def test_domain_and_range_filter_candidates(extractor):
    # a company cannot monitor: "oversee" is a monitors word, but its subject is no state body
    assert extract_text(extractor, "Cainiao would use a platform to oversee its operations.") == []


def test_photo_credit_line_yields_no_relation(extractor):
    text = ("Huawei's campus in Shenzhen, seen in 2020\nJane Doe/AFP/Getty Images\n"
            "The Swedish regulator PTS banned Huawei.")
    rows = extract_text(extractor, text)
    assert rows and all("Getty" not in ev.sentence and "seen in" not in ev.sentence for *_, ev in rows), rows


def test_seed_required_relations(extractor):
    from graph.document import read_article
    x = extractor.extract(read_article(SEEDS / "vsse-cainiao-liege.txt"))
    found = {(x.entities[r.subject].label, r.relation, x.entities[r.object].label) for r in x.relations}
    assert ("VSSE", "monitors", "Cainiao") in found, found
    assert ("Alibaba", "owns", "Cainiao") in found, found
    assert any(r == "partnersWith" and {"Cainiao"} & {s, o} and any("Li" in n for n in (s, o))
               for s, r, o in found), found
    assert ("Germany", "blocked", "Cosco") in found, found
    assert any(s == "Germany" and r == "blocked" and ("factory" in o or "firm" in o) for s, r, o in found), found


@pytest.mark.parametrize("text,expected", [
    ("Huawei denied that it is controlled by the Chinese state.", ("China", "owns", "Huawei", "denied", "Huawei")),
    ("Cainiao rejected claims that it is owned by the Chinese government.",
     ("China", "owns", "Cainiao", "denied", "Cainiao")),
    ("Alibaba intends to list Cainiao on the Hong Kong Stock Exchange.",
     ("Cainiao", "listedOn", "Hong Kong Stock Exchange", "planned", None)),
    ("The German government did not block the sale of Elmos to Sai Micro.",
     ("Germany", "blocked", "Elmos", "negated", None)),
    ("According to the FBI, Wingtech allegedly controls Nexperia.", ("Wingtech", "owns", "Nexperia", "alleged", "FBI")),
])
def test_claims_carry_status_and_source(extractor, text, expected):
    found = [(s, r, o, ev.status, None) for s, r, o, ev in extract_text(extractor, text)]
    by = {(s, r, o): ev.asserted_by for s, r, o, ev in extract_text(extractor, text)}
    assert expected[:4] in [f[:4] for f in found], found
    if expected[4]:
        assert by[expected[:3]].rsplit("/", 1)[-1] == expected[4].lower(), by


def test_relative_dates_resolve_against_the_document_date(extractor):
    from graph.document import parse_article
    art = parse_article("---\ndate: 2023-12-05\n---\nOn Thursday, the German government blocked the sale of "
                        "Elmos to Sai Micro. Last month, Wingtech bought a 30% stake in Nexperia.", name="d.txt")
    x = extractor.extract(art)
    dates = {r.relation: r.evidence.date for r in x.relations}
    assert dates["blocked"] == "2023-11-30" and dates["owns"] == "2023-11", dates


def _entities(extractor, text):
    from graph.document import parse_article
    art = parse_article(text, name="t.txt")
    an = extractor.analyse(art, extractor.nlp(art.compact[0]))
    return an, {e.label: (e.type.rsplit("#", 1)[-1], e.names) for e in an.mentions.entities.values()}


def test_a_pronoun_is_a_mention_of_its_antecedent(extractor):
    an, _ = _entities(extractor, "Cosco is a shipping group based in Shanghai. It bought a stake in HHLA last year.")
    labels = {k: e.label for k, e in an.mentions.entities.items()}
    pron = [(labels[p.subject], labels[p.object]) for p in an.pairs if p.s_pron]
    assert ("Cosco", "HHLA") in pron, pron
    assert all(p.sentence.text.startswith("It bought") for p in an.pairs if p.s_pron or p.o_pron)


def test_its_after_a_name_in_a_list_or_apposition_is_that_name(extractor):
    an, _ = _entities(extractor, "The Commission opened proceedings against Halvard Energy Holding and its "
                                 "subsidiaries Brenna Gas and Tollund Grid.")
    its = next(t for t in an.mentions.doc if t.lower_ == "its")
    assert an.mentions.entities[an.finder.resolve(its)].label == "Halvard Energy Holding"


def test_the_merger_refers_to_the_deal_named_earlier(extractor):
    an, _ = _entities(extractor, "The government has been made aware of the proposed merger of Trask Aerospace "
                                 "Ltd and Vantor Holdings Ltd.\nOn 5 December 2019, the Secretary of State for "
                                 "Business issued an intervention notice, confirming that she is intervening in "
                                 "the merger.")
    labels = {k: e.label for k, e in an.mentions.entities.items()}
    refs = {(labels[p.subject], labels[p.object]) for p in an.pairs if p.o_pron}
    assert ("Secretary of State for Business", "Trask Aerospace Ltd") in refs, refs


@pytest.mark.parametrize("text,trigger,status", [
    ("The government reviewed the proposed acquisition of Trask by Vantor.", "acquisition", "planned"),
    ("The CMA is investigating the anticipated acquisition by Vantor of Trask.", "acquisition", "planned"),
    ("The government reviewed the acquisition of Trask by Vantor.", "acquisition", "reported"),
])
def test_a_proposed_or_anticipated_deal_is_planned(extractor, text, trigger, status):
    from graph.extract.claims import claim_status
    doc = extractor.nlp(text)
    cues = {name: set(st.cues) for name, st in extractor.ontology.statuses.items()}
    tok = next(t for t in doc if t.text == trigger)
    assert claim_status(tok, cues) == status


def test_features_come_from_the_ontology_triggers_and_the_path(extractor):
    an, _ = _entities(extractor, "Vale acquired Inco in 2006.")
    labels = {k: e.label for k, e in an.mentions.entities.items()}
    feats = {(labels[p.subject], labels[p.object]): f for p, f in zip(an.pairs, an.features)}
    f = feats[("Vale", "Inco")]
    assert "trig=owns:verb" in f and "lca=acquire" in f and "order=so" in f, f
    assert "rule=owns" in f  # the rules' vote
    # members of one list get what governs the list: "a joint venture between A, B and C"
    an, _ = _entities(extractor, "Vestra is a joint venture between Alvex Holdings, Brill Industries and Corta Group.")
    labels = {k: e.label for k, e in an.mentions.entities.items()}
    feats = {(labels[p.subject], labels[p.object]): f for p, f in zip(an.pairs, an.features)}
    f = feats[("Brill Industries", "Corta Group")]
    assert "list_gov=venture" in f and "list=pobj|between" in f, f
    # the parser hangs the second name from the last word inside the first ("... of Vellmar");
    # it is a conjunct of the whole name, and shares its list
    an, _ = _entities(extractor, "Certain marketing agreements between the Port of Vellmar and Velair, concluded "
                                 "prior to 2009, were examined.")
    labels = {k: e.label for k, e in an.mentions.entities.items()}
    feats = {(labels[p.subject], labels[p.object]): f for p, f in zip(an.pairs, an.features)}
    f = feats[("Port of Vellmar", "Velair")]
    assert "list_gov=agreement" in f and "list=pobj|between" in f, f
    # a relative clause after a list: the singular verb agrees with the last name only; a
    # plural one stays with the whole list
    an, _ = _entities(extractor, "The deal involves Alvex and Trask, which owns the Corta plant.")
    assert next(t for t in an.mentions.doc if t.text == "owns").head.text == "Trask"
    labels = {k: e.label for k, e in an.mentions.entities.items()}
    feats = {(labels[p.subject], labels[p.object]): f for p, f in zip(an.pairs, an.features)}
    assert "deps=vrelcl vdobj" in feats[("Trask", "Corta plant")]
    an, _ = _entities(extractor, "The deal involves Alvex and Trask, which own the Corta plant.")
    assert next(t for t in an.mentions.doc if t.text == "own").head.text == "Alvex"
    # a possessor inside a phrase set beside a name: "Vantor Cargo, Halden Group's logistics
    # division": Halden owns Vantor; what the division does at the airport, Vantor does
    an, _ = _entities(extractor, "Regulators are watching the operations of Vantor Cargo, Halden Group's "
                                 "logistics division, at Brenna Airport.")
    labels = {k: e.label for k, e in an.mentions.entities.items()}
    feats = {(labels[p.subject], labels[p.object]): f for p, f in zip(an.pairs, an.features)}
    assert "s_poss_beside=other" in feats[("Halden Group", "Vantor Cargo")]
    assert "s_poss_beside=third" in feats[("Halden Group", "Brenna Airport")]
    assert not [x for x in feats[("Vantor Cargo", "Brenna Airport")] if "poss_beside" in x]


def test_a_states_iso_name_is_the_gazetteer_state(extractor):
    """pycountry's official name of a state the gazetteer knows by another name is that state."""
    _, ents = _entities(extractor, "Talvor shipped oil to the Democratic People's Republic of Korea. "
                                   "North Korea denied it.")
    assert ents["North Korea"] == ("State", {"North Korea", "Democratic People's Republic of Korea"}), ents


@pytest.mark.parametrize("text,name,type_", [
    ("Bolivia nationalised the gas fields of Petrobras last year.", "Bolivia", "State"),  # pycountry
    ("Secure must sell 29 facilities, the Competition Tribunal said.", "Competition Tribunal", "Court"),
    ("Sandia National Laboratories is run by NTESS.", "Sandia National Laboratories", "Facility"),
    # the head before the complement types the name, not a word inside it ("Investments")
    ("Lawmakers asked the Committee on Strategic Investments in the United Kingdom to investigate the deal.",
     "Committee on Strategic Investments", "GovernmentBody"),
    # a type noun written before the name as a title, whatever the tagger made of the name
    ("In July the Spanish energy regulator Marivest adopted a decision.", "Marivest", "Regulator"),
    # examples of a noun are instances of it, also through a quantity ("a number of")
    ("Trask plc owns a number of airports including Vellmar International and Osterby Sund.",
     "Osterby Sund", "Airport"),
    ("Oil companies such as Vantor and Halden Pay left the country.", "Halden Pay", "Company"),
    # names sharing a plural facility noun are each one of them
    ("Halden Pay runs the Vantor and Brenna ports.", "Brenna", "Port"),
    # a facility's name word from the ontology: repositories, installations, bridges, toll roads
    ("Vantor Decommissioning Ltd operates the Brenna Waste Repository.", "Brenna Waste Repository", "Facility"),
    ("The Osterby Toll Road is run by Halden Concessions LLC.", "Osterby Toll Road", "Facility"),
    # "X of A and Y of B": the parser joins Y to A; Y is listed with X all the same
    ("On Sunday, Chadian President Ivo Tamba expelled two oil companies, Brenna of the United States and Karvo "
     "of Malaysia.", "Karvo", "Company"),
    # company words of banks, airlines and services, the central bank a state's
    ("The investigation found that Banco Vellmar Asia had laundered funds.", "Banco Vellmar Asia", "Company"),
    ("Trask Group owns the airlines Brenna, Air Vellmar and Osterby Wings.", "Air Vellmar", "Company"),
    ("Trask sold Brenna Transport Solutions to the Osterby Central Bank.", "Brenna Transport Solutions", "Company"),
    ("Trask sold Brenna Transport Solutions to the Osterby Central Bank.", "Osterby Central Bank", "GovernmentBody"),
    # a name the model took for a people's ("Vantra" as NORP) that English does not know
    ("The concession went to a partnership between Vantra of Spain and Trask of Australia.", "Vantra", "Company"),
    # a port or investment authority is a state body, not a regulator
    ("The Vellmar Port Authority leased the terminal to Trask.", "Vellmar Port Authority", "GovernmentBody"),
    ("The Osterby Investment Authority bought a stake in Trask.", "Osterby Investment Authority", "GovernmentBody"),
    # a body the gazetteer knows, whose name has no word of a state body in it
    ("Team Telecom recommended that the FCC revoke the licence of Trask Networks.", "Team Telecom", "Regulator"),
    # a slash glued to the first party of a merger case ("Case M.5830 - Vantor/ Brillwerk Airlines")
    ("The Commission prohibited the merger Vantor/ Brillwerk Airlines.", "Brillwerk Airlines", "Company"),
    # a name with a facility word that ends in a legal form is the company, not the road
    ("The Osterby Toll Road Concession Company, LLC paid $3.8 billion for the lease.",
     "Osterby Toll Road Concession Company, LLC", "Company"),
    # oil and gas fields are facilities
    ("Halden Oil shut down a pipeline at the Vellmar Bay field in Alaska.", "Vellmar Bay field", "Facility"),
    ("Trask won the contract to develop the Osterby oil field.", "Osterby oil field", "Facility"),
    # "X is a <noun>": a copular description types its subject
    ("Vellmar is a regional airport in Sardinia managed by the publicly held company Trask.", "Vellmar", "Airport"),
    ("HVG is a private equity fund which invests in infrastructure.", "HVG", "Company"),
    # a name with a type word of its own keeps it where the text speaks of its place ("the Cork region")
    ("Halden Aviation runs the Brenmoor and Osterby airports. Brenmoor Airport performed well, the stakeholders "
     "in the Brenmoor region said.", "Brenmoor", "Airport"),
    # a private or investment fund is a company (a bare "fund" may be the state's)
    ("In December 2011, 30% of Kelvane's capital was sold to the private fund Brenna Partners.", "Brenna Partners",
     "Company"),
    # a collection described by its members' noun is what they are, not a company ("group")
    ("Halden Oil saw a sheen in the area of its Vellmar Field, a group of four subsea wells located in the gulf.",
     "Vellmar Field", "Facility"),
    # a number word with a capital inside a sentence begins a name
    ("Trask owns 33% of the shares in Seven Vellmar Media Group.", "Seven Vellmar Media Group", "Company"),
    # a station is a plant ("River Bend Station", "Pilgrim Nuclear Power Station"), a naval or
    # space station a facility and a television station a broadcaster
    ("Halden Utilities manages Osterby Bend Station for its co-owners.", "Osterby Bend Station", "Plant"),
    ("The Navy leased the Vellmar Naval Station to Trask.", "Vellmar Naval Station", "Facility"),
    ("The ministry took over Brenmoor TV Station.", "Brenmoor TV Station", "MediaOutlet"),
    # "to" between two places is part of a name, even after a verb of transfer
    ("Halden sold the Vellmar to Osterby Natural Gas Pipeline to Trask Infrastructure in 2017.",
     "Vellmar to Osterby Natural Gas Pipeline", "Facility"),
])
def test_names_typed_without_a_gazetteer_entry(extractor, text, name, type_):
    _, ents = _entities(extractor, text)
    assert ents[name][0] == type_, ents


@pytest.mark.parametrize("text,full,short", [
    ("Rio Tinto rejected the offer. Rio said the bid was too low.", "Rio Tinto", "Rio"),
    ("The European Commission opened an investigation. The Commission will decide in May.",
     "European Commission", "Commission"),
    ("The Department of Homeland Security reviewed the deal. DHS found no risk.",
     "Department of Homeland Security", "DHS"),
    ("Qualcomm Incorporated rejected the bid. Qualcomm said it was undervalued.", "Qualcomm Incorporated", "Qualcomm"),
    ("The U.S. Department of Energy chose Triad. The Department of Energy said so on Monday.",
     "U.S. Department of Energy", "Department of Energy"),
    ("Halden Oil shut a pipeline at the Vellmar Bay oil fields. The Vellmar Bay field provides a tenth of the oil.",
     "Vellmar Bay oil fields", "Vellmar Bay field"),
    # a number word defined as a short form is that name wherever the text uses it
    ("Seven Vellmar Holdings (Seven) bid for Vantor. Seven owns 25% of Vantor.", "Seven Vellmar Holdings", "Seven"),
    # company words and a legal form of rigour's that is two words ("Pty Ltd")
    ("The ACCC cleared a venture of Osric Ports Holdings Pty Ltd and Talvor. Osric Ports manages the port.",
     "Osric Ports Holdings Pty Ltd", "Osric Ports"),
    ("The Commission cleared the acquisition of Kelvane by Talvor. Kelvane Cars sells cars in Europe.",
     "Kelvane Cars", "Kelvane"),
])
def test_short_forms_within_an_article_are_one_entity(extractor, text, full, short):
    _, ents = _entities(extractor, text)
    holder = [label for label, (_, names) in ents.items() if full in names]
    assert holder and short in ents[holder[0]][1], ents


def test_a_full_name_after_its_short_form_with_company_words_is_another_company(extractor):
    """ "Tesoro Corp. ... Tesoro ... Tesoro Logistics L.P.": a subsidiary named with company words
    after the parent's short form is a company of its own."""
    _, ents = _entities(extractor, "Brenna Corp. agreed to pay a fine. Brenna will also upgrade its plant. Brenna "
                                   "Logistics L.P. operates the Osric terminal.")
    assert "Brenna Logistics L.P." in ents and "Brenna Logistics L.P." not in ents["Brenna Corp."][1], ents


@pytest.mark.parametrize("text", [
    "The Government of Bolivia seized the assets of Trask Oil. Bolivia said it would pay.",
    "Bolivia seized the assets of Trask Oil. The Government of Bolivia said it would pay.",
])
def test_a_countrys_government_is_the_state(extractor, text):
    _, ents = _entities(extractor, text)
    assert ents["Bolivia"] == ("State", ents["Bolivia"][1]) and "Government of Bolivia" in ents["Bolivia"][1], ents
    assert "Government of Bolivia" not in ents, ents


def test_a_legal_form_after_a_comma_belongs_to_the_name(extractor):
    _, ents = _entities(extractor, "Washington Group International, Inc. will manage the site.")
    assert any("Washington Group International, Inc." in names for _, names in ents.values()), ents
    assert "Inc" not in ents and "Inc." not in ents, ents


def test_a_title_case_heading_is_not_a_name(extractor):
    _, ents = _entities(extractor, "DOE Awards Management and Operating Contract for Waste Isolation Pilot Plant\n"
                                   "The Department of Energy chose Nuclear Waste Partnership LLC to run the plant.")
    assert not any("Awards" in label for label in ents), ents


def test_names_the_tagger_took_for_people_in_a_list_of_companies_are_companies(extractor):
    """spaCy's small model tags Bosch and Infineon as people here; they were lost."""
    from graph.document import parse_article
    x = extractor.extract(parse_article(
        "ESMC is a joint venture between Taiwan Semiconductor Manufacturing Company (TSMC), Bosch, Infineon, "
        "and NXP.\n", name="list.txt"))
    types = {e.label: e.type.rsplit("#", 1)[-1] for e in x.entities.values()}
    assert types.get("Infineon") == "Company" and types.get("Bosch") == "Company", types


def test_headlines_in_capitals_and_reference_codes_are_not_names(extractor):
    from graph.document import parse_article
    x = extractor.extract(parse_article(
        "Immediate Release FCC REVOKES CHINA UNICOM AMERICAS' AUTHORITY\n\nThe FCC revoked the authority of "
        "China Unicom Americas to provide telecom services (see IP/06/276).\n", name="caps.txt"))
    names = {n for e in x.entities.values() for n in e.names}
    assert not any("REVOKES" in n or "IP/06" in n for n in names), names
    assert any(n.startswith("China Unicom") for n in names), names


def test_a_paragraph_with_acronyms_is_not_a_headline(extractor):
    """Acronyms scattered through a paragraph (NNSA ... CNS, LLC ... NNSA) do not make it a
    headline in capitals: its names stay names."""
    from graph.document import parse_article
    x = extractor.extract(parse_article(
        "The current contractor, Consolidated Widget Security (CWS), LLC, works for the NWSA at two "
        "sites. CWS is a limited liability company formed by Brackel National, Inc.; Leodor; and "
        "Quarnby Launch Systems. The NWSA said it would award a new contract.\n", name="acronyms.txt"))
    names = {n for e in x.entities.values() for n in e.names}
    assert {"Leodor", "Quarnby Launch Systems", "Consolidated Widget Security"} <= names, names


def test_a_name_in_a_heading_line_and_an_office_named_after_a_regulation(extractor):
    """A list line written in capitals ("Halvard Orbital Systems Corporation of Kent,
    Washington, for $130 million") still names a company; "Office of Rail Regulation" is a
    body, not a law, though its last word ends the names of laws."""
    from graph.document import parse_article
    x = extractor.extract(parse_article(
        "NASA selected two companies.\n\nHalvard Orbital Systems Corporation of Kent, Washington, for "
        "$130 million\n\nCompliance with these terms is overseen by the Office of Rail Regulation.\n",
        name="heading-list.txt"))
    names = {n for e in x.entities.values() for n in e.names}
    assert "Halvard Orbital Systems Corporation" in names, names
    assert "Office of Rail Regulation" in names, names


def test_an_acronym_tagged_as_a_verb_and_a_plural_possessive_do_not_break_names(extractor):
    """The tagger takes some names in capitals for verbs ("DRRC Qingdao Sifang Locomotive")
    and a plural possessive's apostrophe for a quote ("ForTraders’ Kelby mill site")."""
    from graph.document import parse_article
    x = extractor.extract(parse_article(
        "DRRC Qingdao Sifang Locomotive won the tender.\n\nThe sale of ForTraders’ Kelby mill site was "
        "reviewed by the Competition Authority.\n", name="caps-verb.txt"))
    names = {n for e in x.entities.values() for n in e.names}
    assert "DRRC Qingdao Sifang Locomotive" in names, names
    assert "ForTraders" in names, names


def test_us_executive_departments_are_gazetteer_nodes_and_the_treasury_is_the_one_of_the_state_named(extractor):
    """"U.S. Department of Energy", "the Energy Department" and "DOE" are one node; a bare
    "Treasury" is the treasury of the state the article names (declared as data:
    sckg:shortName with sckg:jurisdiction)."""
    from graph.document import parse_article
    x = extractor.extract(parse_article(
        "The U.S. Department of Energy selected Quillon Nuclear to run the plant. The Energy Department "
        "said DOE would pay for it.\n", name="doe.txt"))
    doe = [e for e in x.entities.values() if "Energy" in e.label or e.label == "DOE"]
    assert [e.iri.rsplit("/", 1)[-1] for e in doe] == ["us-department-of-energy"], doe
    for state, iri in (("United States", "us-department-of-the-treasury"), ("United Kingdom", "hm-treasury")):
        x = extractor.extract(parse_article(
            f"The Treasury sanctioned Vexmoor Shipping on Monday, officials of the {state} said.\n",
            name="treasury.txt"))
        assert any(e.iri.endswith("/" + iri) for e in x.entities.values()), x.entities


def test_a_surname_and_a_bare_facility_name_join_the_full_names_before_them(extractor):
    """"Valdor" after "Oleg Valdor" is the person; "Tamsel Ridge" after "Tamsel Ridge National
    Laboratory" is the laboratory (not a company of its own)."""
    from graph.document import parse_article
    x = extractor.extract(parse_article(
        "Treasury sanctioned Oleg Valdor, who controls Kestrel Metals. Valdor denied it.\n\n"
        "Quarrow Science LLC will manage Tamsel Ridge National Laboratory. Tamsel Ridge employs 4,000 "
        "people.\n", name="short-forms.txt"))
    by_name = {n: e.label for e in x.entities.values() for n in e.names}
    assert by_name.get("Valdor") == "Oleg Valdor", by_name
    assert by_name.get("Tamsel Ridge") == "Tamsel Ridge National Laboratory", by_name


def test_a_company_named_with_its_home_state_is_the_company_named_alone(extractor):
    """Merger notices write 'Eni of Italy'; the article's 'Eni' is the same node, labelled 'Eni'."""
    from graph.document import parse_article
    x = extractor.extract(parse_article(
        "The Commission cleared the acquisition of Angola LNG by BP of the UK and Eni of Italy. "
        "Eni holds a 13.6% stake in Angola LNG.\n", name="of-state.txt"))
    eni = [e for e in x.entities.values() if "Eni" in e.names]
    assert len(eni) == 1 and eni[0].label == "Eni" and "Eni of Italy" in eni[0].names, [e.names for e in eni]


def test_a_leaders_name_stands_for_the_state_without_becoming_its_name(extractor):
    # the gazetteer's metonyms: "Donald Trump" acting is the United States acting
    an, ents = _entities(extractor, "President Donald Trump has ordered a ban on dealings with Vantor Apps. "
                                    "Trump said the company was a threat. The Trump administration also "
                                    "banned Halden Pay.")
    assert "Trump" not in ents, ents
    us = ents["United States"]
    assert us[0] == "State" and not any("Trump" in n for n in us[1]), us
    admin = next(t for t in an.mentions.doc if t.text == "Trump" and t.head.lower_ == "administration")
    assert an.mentions.entity_at(admin) == "https://w3id.org/sckg/id/united-states"


@pytest.mark.parametrize("text,official,target", [
    ("Commerce Secretary Wilbur Ross said the department would ban ZTE.", "Wilbur Ross", "ZTE"),
    ("President Hugo Chavez ordered the nationalization of Sidor.", "Hugo Chavez", "Sidor"),
])
def test_a_person_named_with_a_state_office_acts_for_the_state(extractor, text, official, target):
    """Gold lets 'Wilbur Ross' stand for the Commerce Department; as a plain Person he could
    not be the subject of blocked, so these relations were never candidates."""
    rows = extract_text(extractor, text)
    assert (official, "blocked", target) in [(s, r, o) for s, r, o, _ in rows], rows


def test_an_officer_of_a_named_organisation_is_no_official(extractor):
    from graph.document import parse_article
    x = extractor.extract(parse_article("Battelle Memorial Institute President Carl Kohrt praised the team.\n",
                                        name="officer.txt"))
    assert {e.label: e.type.rsplit("#", 1)[-1] for e in x.entities.values()}.get("Carl Kohrt") == "Person"


def test_an_organisation_known_only_by_what_a_state_does_is_a_government_body(extractor):
    """'The CMA is investigating ...': an acronym with no gazetteer entry was a Company, and
    a Company cannot monitor."""
    rows = extract_text(extractor, "The ZCA is investigating the acquisition of Brackley Growers by Farrowdale Farmers.")
    assert ("ZCA", "monitors") in {(s, r) for s, r, o, _ in rows}, rows


def test_a_well_known_regulator_is_one_node_under_its_acronym_and_its_name(extractor):
    """The gazetteer's regulators: 'the OFT' alone is the Office of Fair Trading, a regulator,
    in any article; and a buyer's name ending in a legal form does not run on through "of"
    into its target's ("Grenmoor Bidco Limited of Trask plc")."""
    from graph.document import parse_article
    x = extractor.extract(parse_article("The OFT investigated the acquisition by Grenmoor Bidco Limited of Trask plc.\n",
                                        name="oft.txt"))
    types = {e.label: e.type.rsplit("#", 1)[-1] for e in x.entities.values()}
    assert types.get("Office of Fair Trading") == "Regulator", types
    assert {"Grenmoor Bidco Limited", "Trask plc"} <= set(types), types
    rels = {(x.entities[r.subject].label, r.relation, x.entities[r.object].label) for r in x.relations}
    assert ("Office of Fair Trading", "monitors", "Grenmoor Bidco Limited") in rels, rels


def test_a_state_office_named_in_full_is_a_government_body(extractor):
    """'Secretary of State for Business, Energy and Industrial Strategy' was cut to 'State for
    Business, ...' (a Company); 'Minister of Transport' was not found at all."""
    rows = extract_text(extractor, "The Secretary of State for Business, Energy and Industrial Strategy has "
                                   "ordered Halvard Aerospace to sell Tennick Engineering.")
    assert ("Secretary of State for Business, Energy and Industrial Strategy", "blocked", "Halvard Aerospace") in \
        [(s, r, o) for s, r, o, _ in rows], rows
    rows = extract_text(extractor, "The Secretary of State for Digital, Culture, Media & Sport has "
                                   "ordered Halvard Aerospace to sell Tennick Engineering.")
    assert ("Secretary of State for Digital, Culture, Media & Sport", "blocked", "Halvard Aerospace") in \
        [(s, r, o) for s, r, o, _ in rows], rows  # "&" joins the list of the office's portfolios as "and" does
    from graph.document import parse_article
    x = extractor.extract(parse_article("The President of the United States blocked the deal.\n", name="p.txt"))
    assert "United States" in {e.label for e in x.entities.values()}  # the state named inside stays itself


def test_an_office_named_with_the_inside_is_a_government_body(extractor):
    """ "the Chancellor of the Duchy of Lancaster has imposed a final order": an office whose
    name has "the" inside; "President of the Commission" is still the Commission's."""
    _, ents = _entities(extractor, "The Chancellor of the Duchy of Lancaster has imposed a final order on "
                                   "Talvor Holding Limited.")
    assert ents.get("Chancellor of the Duchy of Lancaster", ("",))[0] == "GovernmentBody", ents
    _, ents = _entities(extractor, "The European Commission has fined Talvor. The President of the Commission "
                                   "said the fine was fair.")
    assert not any("President" in label for label in ents), ents


def test_short_forms_of_laws_headings_in_capitals_and_regions_are_not_entities(extractor):
    """Merger notices define a law's short form ("the EU Merger Regulation ('EUMR')") and
    carry headings in capitals; a continent acting in a sentence is no company."""
    from graph.document import parse_article
    x = extractor.extract(parse_article(
        "The Commission approved, under the EU Merger Regulation (‘EUMR’), the acquisition of Alvora by Kestrel Holdings.\n\n"
        "II. THE OPERATION AND CONCENTRATION\n\n"
        "The EUMR applies to Alvora. Europe's largest port is Rotterdam.\n", name="notice.txt"))
    names = {n for e in x.entities.values() for n in e.names}
    assert not names & {"EUMR", "‘EUMR’", "OPERATION", "CONCENTRATION", "Europe"}, names
    assert {"Alvora", "Kestrel Holdings"} <= names, names


def test_a_name_run_across_an_agents_by_is_two_names(extractor):
    """spaCy may run one ORG across "by" ("the EU Merger Regulation by Commission"); the
    junk name made "the Commission" of the headline ambiguous, so it stayed a node of its own."""
    _, ents = _entities(extractor, "Commission blocks Vesta bid\nThe conditions were declared illegal under the EU "
                                   "Merger Regulation by Commission decisions adopted in 2006. The European "
                                   "Commission welcomed the ruling.")
    assert not any(" by " in n for _, names in ents.values() for n in names), ents
    assert "Commission" in ents["European Commission"][1], ents


def test_law_short_forms_legal_forms_and_words_of_the_trade_are_no_names(extractor):
    """A law's short form whatever spaCy labels the law; "M&O" (listed as "m&o", compared
    normalised); a name the parser ran into the next sentence is cut there."""
    _, ents = _entities(extractor, "The European Commission opened an investigation under the Foreign Subsidies "
                                   "Regulation (FSR). The approval is conditional upon a package submitted by K4T. "
                                   "The Commission had concerns. The M&O contractor is Vantor.")
    names = {n for _, ns in ents.values() for n in ns}
    assert not names & {"FSR", "M&O", "K4T. The Commission"}, names
    assert "Commission" in ents["European Commission"][1], ents


@pytest.mark.parametrize("text,full,short", [
    # the short form comes first (a headline), its definition in parentheses later
    ("Tribunal rules on P&Q's acquisition of grain elevators\nThe Bureau challenged Parkin & Quayle's (P&Q) "
     "acquisition of two grain elevators.", "Parkin & Quayle", "P&Q"),
    ("Commission clears VCT deal\nThe Commission approved the acquisition of joint control of Velmar "
     "Container Terminal ('VCT') by Ostra Holdings.", "Velmar Container Terminal", "VCT"),
    # the model's entity ran into the parenthesis: "Marsh Creek National Laboratory (MCNL"
    ("The contract covers the operation of the Marsh Creek National Laboratory (MCNL) in Tennessee. MCNL "
     "employs 4,000 people.", "Marsh Creek National Laboratory", "MCNL"),
])
def test_a_short_form_defined_in_parentheses_is_the_name_wherever_it_comes_first(extractor, text, full, short):
    _, ents = _entities(extractor, text)
    holder = [label for label, (_, names) in ents.items() if full in names]
    assert holder and short in ents[holder[0]][1], ents
    assert not any("(" in n for _, names in ents.values() for n in names), ents


def test_a_name_in_a_list_with_a_state_is_not_made_a_state(extractor):
    """A name the model left untyped takes the type of a company it is listed with, never a
    state's ("Total" of "... Sonangol of Angola and Total of France" became a state)."""
    _, ents = _entities(extractor, "The joint venture brings together Norway and Korvex of France.")
    assert ents.get("Korvex", ("none",))[0] != "State", ents


def test_a_country_is_no_short_form_of_a_company_named_after_it(extractor):
    """ "Peru" is not a short form of "Peru LNG" (a company named after its country), nor
    "Peru LNG" a longer form of the state."""
    _, ents = _entities(extractor, "The Commission cleared the acquisition of joint control over the Peruvian "
                                   "company Peru LNG by BP and Eni. The plant is in Peru.")
    assert ents["Peru"][0] == "State" and "Peru LNG" not in ents["Peru"][1], ents
    assert ents["Peru LNG"][0] == "Company", ents
    assert not any(n.startswith("Peruvian") for _, names in ents.values() for n in names), ents


@pytest.mark.parametrize("text,name,alias", [
    # merger notices list the parties with their home states
    ("The Commission cleared the acquisition of joint control over Velda LNG by Korvex Energy of Italy and "
     "Dalmar Gas of France.", "Korvex Energy", "Korvex Energy of Italy"),
    # a legal form ends the name
    ("Ostra, currently majority-owned by Halvard Oy of Finland, is a gas provider.", "Halvard Oy",
     "Halvard Oy of Finland"),
    # an organisation named after its state stays whole
    ("The Bank of China lent money to Korvex Energy.", "Bank of China", None),
])
def test_a_company_named_with_its_home_state_is_named_without_it(extractor, text, name, alias):
    _, ents = _entities(extractor, text)
    assert name in ents, ents
    assert alias is None or alias in ents[name][1], ents


def test_a_name_run_across_a_possessive_is_the_possessor_and_the_possessed(extractor):
    """ "The Ministry of Transport's Harbour Safety Agency": two bodies, not one name; a
    state's own name with a possessive inside it stays whole."""
    _, ents = _entities(extractor, "The Ministry of Transport’s Harbour Safety Agency announced today it has "
                                   "opened a review of Velmar Ports.")
    assert {"Ministry of Transport", "Harbour Safety Agency"} <= set(ents), ents
    _, ents = _entities(extractor, "Velmar is the U.S. subsidiary of a People’s Republic of China state-owned company.")
    assert "People" not in ents and ents["China"][0] == "State", ents


@pytest.mark.parametrize("text", [
    "Brussels, 16 May 2012 - The European Commission has cleared the acquisition of Velda LNG by Korvex Energy.",
    "GATINEAU, QC, March 7, 2023 /CNW/ - The Competition Bureau challenged the merger of Ostra and Brill.",
])
def test_the_place_of_a_dateline_is_no_entity(extractor, text):
    _, ents = _entities(extractor, text)
    assert not {"Brussels", "GATINEAU", "Gatineau"} & set(ents), ents


def test_places_of_an_address_are_no_entities(extractor):
    """ "operated by Brill University, Princeton, NJ": the town and the state's code are
    where it is, not parties (they became companies that operated laboratories)."""
    _, ents = _entities(extractor, "The laboratories and their contractors are Marsh Creek National Laboratory "
                                   "operated by Vantor Science Associates, Long Island, NY; and Ostra Plasma "
                                   "Laboratory operated by Brill University, Princeton, NJ.")
    assert not {"Long Island", "NY", "Princeton", "NJ"} & set(ents), ents
    assert {"Vantor Science Associates", "Brill University"} <= set(ents), ents
    _, ents = _entities(extractor, "The members are Vantor Energy & Construction, Inc., of Boise, Idaho, and Brill "
                                   "Technical Services.")
    assert not {"Boise", "Idaho"} & set(ents), ents


def test_a_one_word_name_taken_for_a_person_does_not_make_its_full_name_a_person(extractor):
    """ "Sociedade Nacional de Combustíveis de Angola (Sonangol)": one "Sonangol" tagged a
    person made the company a Person, because the cluster had some name of two words."""
    from graph.extract.typer import cluster_type
    doc = extractor.nlp("Sociedade Nacional de Petróleos de Ruritania (Sonarur) signed. Sonarur agreed.")
    long, short = doc[0:6], doc[7:8]
    c = {"gaz": None, "names": [long.text, short.text], "spans": [long, short],
         "labels": [{"PROPN"}, {"PERSON"}]}
    assert cluster_type(c, extractor.ontology, doc) != "https://w3id.org/sckg/ontology#Person"
    c["labels"] = [{"PERSON"}, {"PERSON"}]  # a full name the model took for a person's still is one
    assert cluster_type(c, extractor.ontology, doc) == "https://w3id.org/sckg/ontology#Person"


def test_a_legal_form_the_model_split_off_ends_the_name_before_it(extractor):
    _, ents = _entities(extractor, "The offer came from Ostra Holdings Group Company PJSC last week.")
    assert "Ostra Holdings Group Company PJSC" in ents and "PJSC" not in ents, ents


def test_the_parties_of_a_merger_case_written_with_slashes_are_each_a_name(extractor):
    _, ents = _entities(extractor, "(Case M.9912 — KorvexCement/Brillwerk/Ostra Hungary/Ostra Croatia)\n"
                                   "The Commission prohibited the transaction.")
    assert {"KorvexCement", "Brillwerk"} <= set(ents), ents
    assert not any("/" in n for _, names in ents.values() for n in names), ents


@pytest.mark.parametrize("text,short,body", [
    # no fuller name in the text: the body the gazetteer calls so in texts of its jurisdiction
    ("The Commission opened an in-depth investigation into Talvor under the EU Merger Regulation.",
     "Commission", "European Commission"),
    # the fuller name is one the gazetteer knows the body by, not the one the text uses
    ("CFIUS reviewed the deal. The Committee found that Talvor threatens national security.",
     "Committee", "CFIUS"),
    # the jurisdiction shown by its cue words (sckg:jurisdictionCue), not named
    ("On 3 May the Commission received notification pursuant to Article 4 of Council Regulation (EC) "
     "No 139/2004 of a concentration by which Talvor acquires Brillwerk.", "Commission", "European Commission"),
    # a state's one institution of a kind, and a body of a named state
    ("Canada approved the sale of Talvor. The Bureau said Brillwerk may keep its terminal.",
     "Bureau", "Competition Bureau"),
    ("U.S. lawmakers opposed the deal. Congress asked Talvor to sell Brillwerk.",
     "Congress", "United States Congress"),
    # a state itself: "a Crown corporation" of a text that names Canada, when Canada is named too
    ("Talvor Ferries Inc. is a federal Crown corporation. The Government of Canada funds its routes.",
     "Crown", "Canada"),
])
def test_a_bare_head_word_is_the_body_the_gazetteer_knows_by_it(extractor, text, short, body):
    _, ents = _entities(extractor, text)
    assert short in ents[body][1], ents
    assert short not in ents, ents


def test_a_quoted_short_form_with_its_home_state_defines_the_name(extractor):
    """Merger notices define parties as "Kelvor Industrial Partners SGEIC, S.A. (‘Kelvor’,
    Spain)", in list lines without a full stop, after a case title that already used the
    short form in capitals; and a short form need not be a word ("En+")."""
    text = ("(Case M.11694 – KELVOR / F2i / 2i AEROPORTI)\n\n"
            "1. On 23 August 2024, the Commission received notification of a proposed concentration. "
            "This notification concerns the following undertakings:\n\n"
            "— Kelvor Industrial Partners SGEIC, S.A. (‘Kelvor’, Spain), through the investment vehicle "
            "Brenna Midco, S.L.U. (‘Brenna’, Spain)\n\n"
            "Kelvor will acquire joint control of Talvor Aeroporti S.p.A.\n")
    _, ents = _entities(extractor, text)
    holder = [label for label, (_, names) in ents.items() if "Kelvor Industrial Partners SGEIC, S.A." in names]
    assert len(holder) == 1 and {"Kelvor", "KELVOR"} <= ents[holder[0]][1], ents
    _, ents = _entities(extractor, 'Treasury will lift the sanctions on Vantor+ Group plc ("Vantor+") in 30 days. '
                                   "Vantor+ agreed to restructure its board.")
    holder = [label for label, (_, names) in ents.items() if "Vantor+ Group plc" in names]
    assert len(holder) == 1 and "Vantor+" in ents[holder[0]][1], ents


def test_the_first_part_of_a_hyphenated_company_name_is_its_short_form(extractor):
    """ "Kelvane" for "Kelvane-Consolidated Inc." (as "Parker" for "Parker-Hannifin"); a
    city is no short form of the airport named after it ("Talvor-Hahn airport")."""
    _, ents = _entities(extractor, "Kelvane-Consolidated Inc. agreed to buy Brenna Paper. Kelvane will sell "
                                   "its mill in Arizona.")
    holder = [label for label, (_, names) in ents.items() if "Kelvane-Consolidated Inc." in names]
    assert len(holder) == 1 and "Kelvane" in ents[holder[0]][1], ents
    _, ents = _entities(extractor, "Ryanair flies from Talvor-Hahn airport. Talvor-Hahn is far from the city. "
                                   "Talvor itself has a larger airport run by Brenna AG.")
    assert not any("Talvor" in names and "Talvor-Hahn" in names for _, names in ents.values()), ents


def test_the_last_words_of_a_name_before_its_legal_form_are_a_short_form(extractor):
    """ "Kelvane Petrochemical" for "Shandong Brenna Kelvane Petrochemical Co., Ltd." named
    before: the tail of the name without its legal form."""
    _, ents = _entities(extractor, "Treasury sanctioned Shandong Brenna Kelvane Petrochemical Co., Ltd., a refinery "
                                   "in Shandong. Kelvane Petrochemical bought Iranian oil worth millions.")
    holder = [label for label, (_, names) in ents.items()
              if "Shandong Brenna Kelvane Petrochemical Co., Ltd." in names]
    assert len(holder) == 1 and "Kelvane Petrochemical" in ents[holder[0]][1], ents


def test_land_titles_and_licence_numbers_are_no_names(extractor):
    """A register lists land titles ("NA105D/359") and licences ("NPF-80") beside the owner's
    name; they are references, no entities ("Y-12" stays a name)."""
    _, ents = _entities(extractor, "1,548.0588 hectares of freehold situated at Kelvane Airport, Manukau City, "
                                   "Auckland being CTs 219885, NA105D/359, NA106B/643, NA109D/595, NA11C/663, owned "
                                   "by Kelvane Airport Limited. Brenna Nuclear LLC is a co-holder of the Facility "
                                   "Operating Licenses numbered NPF-76 and NPF-80, beside the Y-12 complex.")
    assert not any("/" in label or label.startswith("NPF") for label in ents), ents
    assert "Kelvane Airport Limited" in ents and "Brenna Nuclear LLC" in ents, ents
    from graph.extract.names import REFERENCE_CODE
    assert not REFERENCE_CODE.search("Y-12") and not REFERENCE_CODE.search("Y-12 National Security Complex")


def test_a_defined_term_in_parentheses_names_the_name_before_it(extractor):
    """ "an undertaking from Kelvane Bidco Pty Ltd (the Company)": "the Company" is then
    Kelvane Bidco, not a company of its own."""
    _, ents = _entities(extractor, "The ACCC accepted an undertaking from Kelvane Bidco Pty Ltd (the Company) and "
                                   "Brenna Holdings Limited. The Company will sell the Talvor pipeline.")
    assert "Company" in ents["Kelvane Bidco Pty Ltd"][1] and "Company" not in ents, ents


def test_role_words_of_registers_and_orders_are_no_names(extractor):
    """Registers and orders head their parties with role words in capitals ("Applicant",
    "the Consortium", "the Proposed Acquisition"); they are no entities."""
    _, ents = _entities(extractor, "Applicant\nKelvane Terminals Limited\n\nThe Applicant has sought consent. "
                                   "The Consortium will not complete the Proposed Acquisition unless the ACCC "
                                   "accepts the Memorandum signed by Brenna Ports Limited. Consent was granted. "
                                   "The Lease runs for 50 years.")
    assert not {"Applicant", "Consortium", "Proposed Acquisition", "Memorandum", "Consent", "Lease"} & set(ents), ents
    assert "Kelvane Terminals Limited" in ents and "Brenna Ports Limited" in ents, ents


def test_the_european_commission_is_a_regulator_that_owns_nothing(extractor):
    """The gazetteer's European Commission is a regulator (as every gold file types it), and
    a regulator owns and operates nothing (sckg:domainExcludes): a sentence that seems to say
    so is a parse or model error; its review stays."""
    rows = extract_text(extractor, "The European Commission, which reviewed the deal, holds the rights to the "
                                   "Kelvane Airport concession and owns a stake in Brenna Air.")
    assert not [r for r in rows if r[0] == "European Commission" and r[1] in ("owns", "operates")], rows
    assert ("European Commission", "monitors", "Brenna Air") in [r[:3] for r in rows], rows


def test_a_university_is_known_by_its_head_word_and_its_first_name(extractor):
    """ "the University" and "Kelvane" after "Kelvane University": one organisation (a
    university is an organisation the ontology names by its head word)."""
    _, ents = _entities(extractor, "The Department awarded Kelvane University a contract to manage the Brenna "
                                   "Laboratory. The laboratory has been operated by the University since 1962. "
                                   "Kelvane will also run its campus.")
    assert {"University", "Kelvane"} <= ents["Kelvane University"][1], ents
    assert ents["Kelvane University"][0] == "Company", ents


def test_a_bare_head_word_of_no_named_jurisdiction_stays_the_articles_own(extractor):
    """With no jurisdiction named, "the Commission" could be any commission: it stays a node
    of the article; and a "Commission Decision" is a legal act, no body."""
    _, ents = _entities(extractor, "The Commission fined Talvor. The Commission Decision was published in May.")
    assert "European Commission" not in ents and "Commission Decision" not in ents, ents


def test_the_last_words_of_an_earlier_name_are_a_short_form_of_it(extractor):
    """ "Nordic Varsel" for "Royal Nordic Varsel" named before; never a type word's tail
    ("Energy Authority" of "Baltic Energy Authority")."""
    _, ents = _entities(extractor, "Royal Nordic Varsel runs the venture. Regulators threatened Nordic Varsel "
                                   "with lawsuits. The Baltic Energy Authority and the Energy Authority met.")
    holder = [label for label, (_, names) in ents.items() if "Royal Nordic Varsel" in names]
    assert holder and "Nordic Varsel" in ents[holder[0]][1], ents
    assert not any("Energy Authority" in names and "Baltic Energy Authority" in names for _, names in ents.values())


def test_a_verb_of_several_words_is_a_trigger_only_with_its_second_word(extractor):
    """The learned model's trigger features read verbs as the rules do: "buy" is an
    ownership verb; "buy out" (a blocking verb) is also one only with its particle."""
    doc = extractor.nlp("Kestrel bought Varden. The state bought out Varden.")
    bought, bought_out = [t for t in doc if t.lemma_ == "buy"]
    assert "owns:verb" in extractor.vocab.of(bought) and "blocked:verb" not in extractor.vocab.of(bought)
    assert "blocked:verb" in extractor.vocab.of(bought_out)


def test_a_short_title_case_headline_is_no_name_and_no_name_ends_in_a_function_word(extractor):
    _, ents = _entities(extractor, "Vendral Ltd Becomes a Subsidiary of the Agency\n\nVendral Ltd has become a "
                                   "subsidiary of the Nuclear Cleanup Agency.")
    names = {n for _, ns in ents.values() for n in ns}
    assert not any(n.endswith((" of", " at", " and")) or "Becomes" in n for n in names), names
    assert "Vendral Ltd" in names, names


def test_an_office_named_in_full_then_short_is_one_entity_named_in_full(extractor):
    _, ents = _entities(extractor, "The Secretary of State for Trade and Harbours may intervene in mergers. On 3 May "
                                   "the Secretary of State issued an intervention notice on Talvor.")
    full = "Secretary of State for Trade and Harbours"
    assert full in ents and "Secretary of State" in ents[full][1], ents
    assert "Secretary of State" not in ents, ents


def test_a_short_form_in_parentheses_names_the_name_it_shortens(extractor):
    """Not the last name before the parenthesis: "Talvor Ltd., an exempted company incorporated
    under the laws of the Cayman Islands (``Talvor'')"."""
    _, ents = _entities(extractor, "There is credible evidence that Talvor Ltd., an exempted company incorporated "
                                   "under the laws of the Cayman Islands (``Talvor''), might take action.")
    assert ents["Talvor Ltd."][1] == {"Talvor Ltd.", "Talvor"}, ents
    assert ents["Cayman Islands"][1] == {"Cayman Islands"}, ents


def test_a_former_name_in_parentheses_is_the_name_before_it(extractor):
    """ "(formerly known as X)" renames what comes right before the parenthesis, whatever
    the parser attaches "known" to, and whether or not X is the shorter name."""
    _, ents = _entities(extractor, "The agencies signed agreements with Halvor Digital LLC and its subsidiary "
                                   "Brenna Holdings Inc., and Vantor Platforms Inc. (formerly known as Osterby Inc.) "
                                   "and its subsidiary Trask Cable LLC.")
    vantor = [label for label, (_, names) in ents.items() if "Vantor Platforms Inc." in names]
    assert vantor and "Osterby Inc." in ents[vantor[0]][1], ents
    assert not any("Halvor Digital LLC" in names and "Osterby Inc." in names for _, names in ents.values()), ents
    _, ents = _entities(extractor, "The Bureau welcomed an order by the Competition Tribunal requiring Karvo "
                                   "(formerly known as Talvor Resources Corporation) to divest the Osterby landfill.")
    karvo = [label for label, (_, names) in ents.items() if "Karvo" in names]
    assert karvo and "Talvor Resources Corporation" in ents[karvo[0]][1], ents
    assert not any("requiring" in n for _, names in ents.values() for n in names), ents


def test_a_state_in_parentheses_after_a_company_is_where_it_is(extractor):
    """Merger notices write "Vellmar Partners (USA)": the country, not another name."""
    _, ents = _entities(extractor, "Trask Terminals is controlled by funds managed by Halvor Capital, LLC, and "
                                   "associated with Vellmar Partners (USA).")
    assert not any("Vellmar Partners" in names and "USA" in names for _, names in ents.values()), ents


def test_a_word_english_does_not_know_written_as_a_name_is_one_whatever_its_tag(extractor):
    """The tagger takes "Feely" for an adverb (-ly) and "MyVarnLink" for a common noun;
    neither is an English word, and both are written as names. "Feely, which owns": a name
    that owns is an organisation."""
    _, ents = _entities(extractor, "Other companies with partial Chinese ownership include Feely, which owns a "
                                   "number of EV brands. Trask would be permitted to sell MyVarnLink to a suitable buyer.")
    assert ents.get("Feely", ("",))[0] == "Company", ents
    assert ents.get("MyVarnLink", ("",))[0] == "Company", ents
    # a capitalised English word, a plural abbreviation or a people stays a word
    _, ents = _entities(extractor, "Chadians and Somalis protested as Trask left.")
    assert not {"Chadians", "Somalis"} & set(ents), ents
    _, ents = _entities(extractor, "The Commission examined the market for OTAs. During that period, Trask grew.")
    assert not {"OTAs", "During"} & set(ents), ents


def test_a_list_the_model_took_for_one_name_is_its_items(extractor):
    """The small model sometimes tags a list ("Polestar, Lynk & Co.") as one organisation:
    such a span is its items. A list inside a name is not split."""
    from graph.extract.names import split_name
    doc = extractor.nlp("Halvor Motors owns a number of brands including Kelvane, Dorrit & Co. and British maker Marvex.")
    start = next(t.i for t in doc if t.text == "Kelvane")
    assert [p.text for p in split_name(doc[start:start + 5])] == ["Kelvane", "Dorrit & Co."]
    doc = extractor.nlp("The Department for Business, Energy and Industrial Strategy reviewed the deal.")
    assert [p.text for p in split_name(doc[1:9])] == ["Department for Business, Energy and Industrial Strategy"]
    doc = extractor.nlp("Halvor Group, Inc. bought Trask.")
    assert [p.text for p in split_name(doc[0:4])] == ["Halvor Group, Inc."]


def test_a_number_that_numbers_a_name_belongs_to_it(extractor):
    """"Brenna Lock & Dam 18" (the model's name stops before the number): the number is part
    of the name; a count or a year after a name is not."""
    _, ents = _entities(extractor, "The Tulsa District operates Brenna Lock & Dam 18 and Vellmar Lock & Dam 17 "
                                   "on the river.")
    assert "Brenna Lock & Dam 18" in ents and "Vellmar Lock & Dam 17" in ents, ents
    _, ents = _entities(extractor, "In 2019 Trask bought 12 tankers from Vellmar Shipping in Osterby.")
    assert not any(any(ch.isdigit() for ch in label) for label in ents), ents


def test_a_place_named_in_passing_is_no_short_form_of_a_company_named_after_it(extractor):
    """"Denver Argonel, LLC" and "the University of Colorado at Denver": Denver is a place."""
    _, ents = _entities(extractor, "The Department of Energy awarded the contract to Denver Argonel, LLC. The LLC is "
                                   "supported by the University of Colorado at Denver.")
    holder = [label for label, (_, names) in ents.items() if "Denver Argonel, LLC" in names]
    assert holder and "Denver" not in ents[holder[0]][1], ents


def test_two_office_holders_joined_by_and_are_two(extractor):
    """"Secretary of State Mara Lindqvist and Treasury Secretary Paul Hensley" is two
    officials, not one office (an office's own list, "Business, Energy and Industrial
    Strategy", is tested above)."""
    _, ents = _entities(extractor, "Secretary of State Mara Lindqvist and Treasury Secretary Paul Hensley announced "
                                   "sanctions on Brenna Bank.")
    assert not any("Lindqvist" in n and "Hensley" in n for _, names in ents.values() for n in names), ents


@pytest.mark.parametrize("text,full,short", [
    ("Kelvane cleanup slips again.\nThe contractor at the Kelvane Site said the tanks will be emptied by 2030.",
     "Kelvane Site", "Kelvane"),
    ("Drevan wins the tender.\nDrevan Holdings Ltd. will run the terminal for ten years.", "Drevan Holdings Ltd.",
     "Drevan"),
])
def test_a_short_form_before_its_full_name_is_one_entity(extractor, text, full, short):
    """A headline often uses the short form before the text gives the full name: the fuller
    name that only adds a facility noun, or a company word, is the same entity."""
    _, ents = _entities(extractor, text)
    holder = [label for label, (_, names) in ents.items() if full in names]
    assert holder and short in ents[holder[0]][1], ents


def test_a_short_form_before_a_subsidiarys_name_stays_the_parent(extractor):
    """ "Drevan" before "Drevan Deutschland Oil GmbH": the fuller name adds a name part of
    its own (a subsidiary), so the two stay apart."""
    _, ents = _entities(extractor, "Drevan sells its refinery.\nDrevan Deutschland Oil GmbH will close the plant "
                                   "in Hamburg next year.")
    holder = [label for label, (_, names) in ents.items() if "Drevan Deutschland Oil GmbH" in names]
    assert holder and "Drevan" not in ents[holder[0]][1], ents


def test_a_company_with_its_address_in_a_list_line_is_named_without_it(extractor):
    """ "- Halvard Orbital Systems Corporation of Kent, Washington, for $125.6 million": a list
    line in capitals, with the company's town and state; the company is named, the town is
    its address."""
    _, ents = _entities(extractor, "NASA signed three agreements. The companies that received awards are:\n"
                                   "- Halvard Orbital Systems Corporation of Dulles, Virginia, for $125.6 million\n")
    assert "Halvard Orbital Systems Corporation" in ents, ents
    assert not any("Dulles" in label for label in ents), ents


def test_an_x_company_names_the_parent_not_a_short_form(extractor):
    """ "Dorrit Technology Inc., a Dorrit Company": the parent is Dorrit, a node of its own,
    and no short form of the company it describes."""
    _, ents = _entities(extractor, "UCOR is made up of Marvell Energy & Construction, Inc., an Amentra Company; "
                                   "Dorrit Technology Inc., a Dorrit Company; and Halvard Services LLC.")
    assert "Dorrit" in ents and "Amentra" in ents, ents
    assert "Dorrit" not in ents["Dorrit Technology Inc."][1], ents
    assert "Dorrit Company" not in ents and "Amentra Company" not in ents, ents


def test_a_name_given_with_its_home_state_is_a_company(extractor):
    """ "the business of Safran of France": merger notices name companies with their home
    state; the model may take such a name for a place. "Democratic Republic" of the Congo is
    part of a state's name, not a company."""
    text = ("The Commission has cleared the proposed acquisition of Vellor Detection, the threat detection "
            "equipment business of Morvex of France, by Smiths of the UK.")
    an, ents = _entities(extractor, text)
    doc = an.mentions.doc
    assert next(e for e in doc.ents if e.text == "Morvex").label_ == "GPE"  # the model's guess the rule mends
    assert ents.get("Morvex", ("",))[0] == "Company", ents
    _, ents = _entities(extractor, "The EU signed an agreement with the Democratic Republic of the Congo (DRC).")
    assert not any(t == "Company" and "Democratic Republic" in label for label, (t, _) in ents.items()), ents


def test_a_name_given_with_its_town_and_state_is_a_company(extractor):
    """Award releases list companies with their address: "- Red Horizon of Kent,
    Washington, for $130 million". A town with its state is no company."""
    text = ("NASA has signed agreements with three U.S. companies. The companies that received awards are:\n\n"
            "- Red Horizon of Kent, Washington, for $130 million\n"
            "- Brenna Space LLC, of Houston for $160 million\n")
    _, ents = _entities(extractor, text)
    assert ents.get("Red Horizon", ("",))[0] == "Company", ents
    assert "Kent" not in ents and "Washington" not in ents, ents


def test_a_name_in_capitals_that_ends_in_a_legal_form_is_a_name_not_a_headline(extractor):
    """Merger notices write parents in capitals: "jointly controlled by KELVOR KGaA (50%) and
    DORRIT LOGISTICS GROUP AG & Co. KG (50%)". The line is no headline, and its names stay."""
    _, ents = _entities(extractor, "Varnegate is jointly controlled by KELVOR KGaA (50%) and DORRIT LOGISTICS "
                                   "GROUP AG & Co. KG (50%). It operates container terminals in Hamburg.")
    assert "DORRIT LOGISTICS GROUP AG & Co. KG" in ents and "Varnegate" in ents, ents


def test_a_state_named_before_a_facility_named_after_it_stays_a_state(extractor):
    """ "Nevada" before the "Nevada Toll Road": a state (pycountry's subdivisions) is no
    short form of the facility that bears its name."""
    _, ents = _entities(extractor, "Nevada lawmakers approved the lease.\nThe Nevada Toll Road will be run by "
                                   "Kelvane Partners for 75 years.")
    holder = [label for label, (_, names) in ents.items() if "Nevada Toll Road" in names]
    assert holder and "Nevada" not in ents[holder[0]][1], ents


def test_a_review_stated_without_its_targets_pairs_with_the_names_of_the_next_sentence(extractor):
    """"The Commission launched two investigations. The two companies involved were X and Y":
    the review's actor is a candidate for each, marked as read from the sentence before; not
    when the review sentence names a company itself."""
    def carried(text):
        an, _ = _entities(extractor, text)
        labels = {k: e.label for k, e in an.mentions.entities.items()}
        return {(labels[p.subject], labels[p.object]) for p, f in zip(an.pairs, an.features)
                if "implicit_before" in f}
    assert carried("On 3 April 2024 the European Commission launched two in-depth investigations. The two "
                   "companies involved were Vellmar Solar GmbH and Trask Engineering Co. Ltd.") == {
        ("European Commission", "Vellmar Solar GmbH"), ("European Commission", "Trask Engineering Co. Ltd.")}
    assert carried("On 3 April 2024 the European Commission launched an in-depth investigation into Halvard "
                   "Group. Vellmar Solar GmbH and Trask Engineering Co. Ltd. are its rivals.") == set()


def test_a_company_that_oversees_is_no_cue_for_the_leading_state_actor(extractor):
    """The seed cited "Cainiao would utilize a platform to efficiently oversee its operations"
    for "VSSE monitors Cainiao": a review verb with no state in its sentence paired the
    document's leading state actor with the company, though the company does the overseeing."""
    def implicit(text):
        an, _ = _entities(extractor, text)
        labels = {k: e.label for k, e in an.mentions.entities.items()}
        return {(labels[p.subject], labels[p.object]) for p in an.pairs if p.implicit}
    lead = "The Ministry of Trade of Veloria is closely monitoring Halvard Logistics. "
    assert implicit(lead + "The port said that Halvard Logistics would use a data platform to oversee "
                           "its operations.") == set()
    assert implicit(lead + "Halvard Logistics moved to oversee the terminal itself.") == set()
    assert implicit(lead + "An in-depth investigation into Halvard Logistics was opened in May.") == {
        ("Ministry of Trade of Veloria", "Halvard Logistics")}


@pytest.mark.parametrize("text,name,short", [
    ("The ministry selected Brenna Vellmar Energy (BVE) LLC as the contractor. BVE will run the Osterby "
     "Laboratory.", "Brenna Vellmar Energy", "BVE"),
    ("The ministry selected the Alliance for Vellmar Energy (AVE) LLC as the contractor. AVE will run the "
     "Osterby Laboratory.", "Alliance for Vellmar Energy", "AVE"),
])
def test_a_short_form_inside_a_name_ends_it(extractor, text, name, short):
    """ "the Alliance for Sustainable Energy (ASE) LLC": the name ends at its short form, which
    names it wherever the text uses it; read as one run, the name became "Alliance" and
    "Sustainable Energy (ASE) LLC", and "ASE" a third node. An alliance, an institute, a
    foundation or an association heads a name with its "for" or "of" complement."""
    _, ents = _entities(extractor, text)
    assert name in ents and short in ents[name][1], ents
    assert not any("(" in label for label in ents), ents


@pytest.mark.parametrize("text,office,holder", [
    ("U.S. Secretary of Energy John R. Miller said the laboratory would stay open.", "Secretary of Energy",
     "John R. Miller"),
    ("Secretary of State Laura Bennett announced sanctions on Kelvane Shipping.", "Secretary of State",
     "Laura Bennett"),
])
def test_an_office_and_its_holder_are_two_names(extractor, text, office, holder):
    """ "Secretary of Commerce Wilbur Ross monitors ZTE", "Secretary of Energy Samuel" (a
    government body), "U.S. Secretary" (a person): the office's name ran on into its holder's.
    The office is the body; its holder, named right after it, is an official."""
    _, ents = _entities(extractor, text)
    assert ents.get(office, (None,))[0] == "GovernmentBody", ents
    assert ents.get(holder, (None,))[0] == "Official", ents
    assert not any(holder in label and label != holder for label in ents), ents


def test_a_state_named_only_as_a_place_or_an_origin_leaves_the_act_to_the_leading_state_actor(extractor):
    """ "The following Chinese firms are sanctioned ... for the transport of oil from Iran: A, B
    and C": the sanction is the document's leading state actor's, though two states are named
    (one as whose firms they are, one as where the oil comes from). A state that acts keeps
    the act its own."""
    def implicit(text):
        an, _ = _entities(extractor, text)
        labels = {k: e.label for k, e in an.mentions.entities.items()}
        return {(labels[p.subject], labels[p.object]) for p in an.pairs if p.implicit}
    lead = "The Ministry of Trade of Veloria imposed sanctions on Halvard Logistics. "
    found = implicit(lead + "The following Chinese firms are sanctioned for the transport of oil from Iran: "
                            "Talvor Shipping Limited and Osric Tankers Limited.")
    assert ("Ministry of Trade of Veloria", "Talvor Shipping Limited") in found, found
    assert implicit(lead + "China sanctioned Talvor Shipping Limited and Osric Tankers Limited.") == set()


@pytest.mark.parametrize("text,worded", [
    ("The sites are Vellmar, operated by Talvor Power Co.; Brenmoor, operated by the Kelvane Public Power "
     "District; and Trask, operated by the Osric Valley Authority.", False),
    ("Talvor Power Co. and Kelvane Energy formed a joint venture to build the plant.", True),
    ("GIP is jointly controlled by Talvor Power Co. and Kelvane Energy.", True),
    ("Talvor Motors will work closely with Kelvane Motors to meet the standards.", True),
])
def test_a_partnership_is_said_in_words(extractor, ontology, text, worded):
    """A list of parties ("sites operated by A; ... by B; and ... by C") is no partnership: the
    model read twenty partnerships out of one such list of utilities. The model's partnership
    is accepted only in a sentence with one of its words ("jointly", "work with" among them) or
    a rule's reading."""
    doc = extractor.nlp(text)
    sent = next(doc.sents)
    assert extractor.worded(sent, ontology.relations["partnersWith"]) is worded
    assert extractor.worded(sent, ontology.relations["owns"])  # only symmetric relations need it


def test_two_names_written_as_one_are_two(extractor):
    """ "Kelvane and Brenna Terminals" after both were named in full, or "the providers Talvor
    and Vantor": two companies, not one; "Osric Concessions and Development Limited" stays one."""
    _, ents = _entities(extractor, "Kelvane Ports Ltd. plans to acquire Brenna Terminals Inc. Kelvane and Brenna "
                                   "Terminals are the only two terminal operators at the Port of Halden. "
                                   "Osric Concessions and Development Limited runs the Halden airport.")
    assert not [label for label in ents if " and " in label and "Osric" not in label], ents
    assert "Kelvane" in ents["Kelvane Ports Ltd."][1] and "Brenna Terminals" in ents["Brenna Terminals Inc."][1], ents
    assert "Osric Concessions and Development Limited" in ents, ents
    # the model's entity may run over the "and" of two names never met before
    from graph.extract.mentions import _two_named
    doc = extractor.nlp("The Bureau challenged a merger of rival waste service providers Talvor and Vantor.")
    first = next(t.i for t in doc if t.text == "Talvor")
    halves = _two_named(doc[first:first + 3], lambda norm, text: None)
    assert halves is not None and [h.text for h in halves] == ["Talvor", "Vantor"], halves


def test_a_document_states_an_asymmetric_relation_in_one_direction(ontology, extractor):
    """Both "A owns B" and "B owns A" above the threshold in one document: one reading of the
    same words is wrong, and only the likelier direction is kept."""
    from graph.extract import Extractor
    from graph.extract.classifier import LinearModel
    model = LinearModel(("owns",), {"order=so": (3.0,), "order=os": (2.0,)}, (0.0,), (0.5,), "both-ways")
    both = Extractor(ontology, nlp=extractor.nlp, relation_model=model)
    rows = [r[:3] for r in extract_text(both, "Kelvane Holdings Ltd. and Brenna Shipping Inc. signed a deal.")
            if r[1] == "owns"]
    assert rows == [("Kelvane Holdings Ltd.", "owns", "Brenna Shipping Inc.")], rows


def test_an_agency_of_a_state_is_its_sub_organization_not_the_reverse(extractor):
    """ "the Kelvane Service, Norway's intelligence agency": the agency is part of Norway (a
    part noun of sckg:subOrganizationOf), where "Brenna's logistics division, Talvor" makes
    Brenna the owner (a child noun of sckg:owns)."""
    rows = [r[:3] for r in extract_text(extractor, "The Kelvane Service, Norway's intelligence agency, monitors "
                                                   "Talvor Ltd. Talvor Ltd. is an agency of the Vantor government.")]
    assert ("Kelvane Service", "subOrganizationOf", "Norway") in rows, rows
    assert not [r for r in rows if r[1] == "subOrganizationOf" and r[0] in ("Norway", "Vantor")], rows


def test_licences_lists_and_headings_are_no_names(extractor):
    """A licence ("the Renewed Facility Operating License"), a list ("the Entity List") and
    words such as "COVID-19", "Ministers" or "Group" alone name no organisation or facility."""
    _, ents = _entities(extractor, "Brenna Nuclear LLC holds the Renewed Facility Operating License for the Kelvane "
                                   "plant. The Bureau added Talvor Ltd. to the Entity List and extended the Temporary "
                                   "General License. COVID-19 delayed the plan, the Ministers said. The Group will "
                                   "appeal, Vantor Holdings said.")
    assert not {"Renewed Facility Operating License", "Entity List", "Temporary General License", "COVID-19",
                "Ministers", "Group"} & set(ents), ents
    assert "Brenna Nuclear LLC" in ents and "Talvor Ltd." in ents, ents


def test_the_honourable_so_and_so_is_a_person(extractor):
    """ "the Honourable Kelvane Brennard, Minister of Industry": a person, not a company."""
    _, ents = _entities(extractor, "Today, the Honourable Kelvane Brennard, Minister of Industry, ordered Talvor Ltd. "
                                   "to divest its stake in Vantor Mining.")
    people = [label for label, (kind, _) in ents.items() if "Brennard" in label]
    assert people and all(ents[p][0] in ("Person", "Official") for p in people), ents


def test_the_joint_owners_of_a_company_are_partners(extractor):
    """ "jointly controlled by A and B" (the ontology's sckg:jointAdverb of partnersWith): A
    and B own it and are partners, also when the verb is the second of two passives ("is
    managed by X and jointly controlled by A and B") or its object is not named."""
    rows = [r[:3] for r in extract_text(extractor, "Kelvane Ports is managed by Osric Management LLC and jointly "
                                                   "controlled by Brenna Holdings AG and Talvor Capital LLC. The "
                                                   "Vantor plant is to be jointly owned by Halden Energie SA and "
                                                   "Norvik Nuclear Corporation.")]
    pairs = {frozenset((s, o)) for s, rel, o in rows if rel == "partnersWith"}
    assert frozenset(("Brenna Holdings AG", "Talvor Capital LLC")) in pairs, rows
    assert frozenset(("Halden Energie SA", "Norvik Nuclear Corporation")) in pairs, rows
    assert not [p for p in pairs if "Osric Management LLC" in p], rows


def test_rules_and_model_keep_one_direction_of_an_asymmetric_relation(ontology):
    """A rule's "B owns A" weaker than the model's "A owns B" is dropped; a symmetric
    relation and a tie keep both."""
    from graph.extract import _one_direction
    from graph.extract.relations import Candidate

    def cand(s, rel, o, conf):
        return Candidate(s, rel, o, None, None, conf, "reported", None, None, None)
    kept = _one_direction([cand("a", "owns", "b", 0.9), cand("b", "owns", "a", 0.7), cand("a", "operates", "b", 0.8),
                           cand("b", "operates", "a", 0.8), cand("a", "partnersWith", "b", 0.9),
                           cand("b", "partnersWith", "a", 0.5)], ontology)
    assert [(c.subject, c.relation, c.object) for c in kept] == [
        ("a", "owns", "b"), ("a", "operates", "b"), ("b", "operates", "a"), ("a", "partnersWith", "b"),
        ("b", "partnersWith", "a")]


def test_a_registers_field_label_is_no_name(extractor):
    """ "AGENCY: Kelvane Regulatory Commission." at the head of a register notice: "AGENCY"
    labels the field; the agency is the name after it."""
    _, ents = _entities(extractor, "AGENCY: Kelvane Regulatory Commission.\nACTION: Order approving the transfer of "
                                   "licenses.\n\nThe Kelvane Regulatory Commission approved the transfer of the Brenna "
                                   "plant to Talvor Energy LLC.")
    assert not {"AGENCY", "ACTION"} & set(ents), ents
    assert "Kelvane Regulatory Commission" in ents, ents


def test_a_name_headed_by_a_type_noun_is_of_that_type(extractor):
    """ "the Province of Kelvane", "the City of Brenna": a province's and a city's government
    (the head noun before "of" is a type noun of SubnationalGovernment), not companies; so is
    "the State of Vantoria" (a name word of SubnationalGovernment) when it is no country."""
    _, ents = _entities(extractor, "The Province of Kelvane and the City of Brenna signed an agreement with Talvor "
                                   "Rail Ltd. to extend the line. The German State of Vantoria owns the airport.")
    assert ents["Province of Kelvane"][0] == "SubnationalGovernment", ents
    assert [kind for label, (kind, _) in ents.items() if "Vantoria" in label] == ["SubnationalGovernment"], ents
    assert ents["City of Brenna"][0] == "SubnationalGovernment", ents
    assert ents["Talvor Rail Ltd."][0] == "Company", ents


def test_a_state_named_only_as_where_a_company_is_is_no_party(extractor):
    """ "funds frozen in a Kelvania bank": the sentence is about the bank, so no relation
    of Kelvania's; "the Kelvania government" stays the state."""
    from graph.extract.candidates import sentence_mentions
    an, _ = _entities(extractor, "The United States froze the funds of Brenna Holdings in a Macau bank. The Macau "
                                 "government criticised Brenna Holdings.")
    by = sentence_mentions(an.mentions, an.finder.resolve)
    texts = sorted(tok.text for ms in by.values() for _, tok, _ in ms)
    assert texts.count("Macau") == 1, texts  # the government's, not the bank's


def test_its_after_a_name_and_a_comma_is_that_name(extractor):
    """ "the designation of Kelvane Shipping Lines (KSL), its Shanghai-based subsidiary, Brenna
    Shipping Company Ltd": "its" is Kelvane Shipping Lines, not the subject of the sentence;
    and "Talvor County" is a county's government."""
    rows = [r[:3] for r in extract_text(extractor, "The State Department is announcing the designation of the Kelvane "
                                                   "Shipping Lines (KSL), its Shanghai-based subsidiary, Brenna Shipping "
                                                   "Company Ltd, and the airline Vantor Air. The airport is owned and "
                                                   "operated by Talvor County.")]
    assert ("Kelvane Shipping Lines", "owns", "Brenna Shipping Company Ltd") in rows, rows
    assert not [r for r in rows if r[1] == "owns" and "State" in r[0]], rows
    _, ents = _entities(extractor, "The airport is owned and operated by Talvor County.")
    assert ents["Talvor County"][0] == "SubnationalGovernment", ents


def test_an_authority_is_a_state_body_and_a_competition_authority_a_regulator(extractor):
    """ "Kelvane Valley Authority" (a state body that runs dams and plants) is no regulator, so
    it may operate what it runs; "the Brenna Competition Authority" is a regulator."""
    _, ents = _entities(extractor, "The Kelvane Valley Authority operates the Talvor Dam. The Brenna Competition "
                                   "Authority opened an investigation into Vantor Ltd.")
    assert ents["Kelvane Valley Authority"][0] == "GovernmentBody", ents
    assert ents["Brenna Competition Authority"][0] == "Regulator", ents


def test_a_state_owned_company_belongs_to_the_state_its_phrase_names(extractor):
    """ "Kelvane-Gas, the State-owned gas operator in Poland": Poland owns it, as the state
    named by a demonym ("the Polish state-owned ...") or a possessive would."""
    rows = [r[:3] for r in extract_text(extractor, "The aid will be granted to Kelvane-Gas, the State-owned gas "
                                                   "transmission system operator in Poland.")]
    assert ("Poland", "owns", "Kelvane-Gas") in rows, rows


@pytest.mark.parametrize("text,expected,absent", [
    # "the ailing state-owned carrier LOT", "the state-owned energy company, PTT": no state beside
    # the phrase, the state the text names most; a description referring back is no name
    ("Brenna has opened an inquiry into aid for the ailing state-owned carrier Talvor Air. Poland notified the aid. "
     "Poland said the terms were fair. The plan moves control to the state-owned oil company.",
     ("Poland", "owns", "Talvor Air"), ("Poland", "owns", "Brenna")),
    # "Ridley Terminals Inc. (RTI) is a Crown corporation": "the Crown" is Canada's short name
    ("Kelvane Ferries Inc. is a Crown corporation that runs two ferries. Canada sold the third in 2019.",
     ("Canada", "owns", "Kelvane Ferries Inc."), None),
    # "Dublin Port Company is a ... private limited company wholly owned by the State"
    ("Osric Port Company is a self-financing company wholly owned by the State. Ireland appoints its board.",
     ("Ireland", "owns", "Osric Port Company"), None),
    # "the Venezuelan state-owned airline Consorcio Venezolano ..." in a text the United States
    # leads: the nationality names the state (rigour's territories), the leading state does not own it
    ("The United States identified the Venezuelan state-owned airline Vellmar Air as blocked property. The United "
     "States said Venezuela used Vellmar Air. The United States acted.",
     ("Venezuela", "owns", "Vellmar Air"), ("United States", "owns", "Vellmar Air")),
], ids=["state-owned-carrier", "crown-corporation", "owned-by-the-state", "nationality-outside-gazetteer"])
def test_a_state_owned_company_with_no_state_beside_it_is_the_documents_states(rules_only, text, expected, absent):
    """With no state named beside "state-owned", "Crown corporation" or "owned by the State", the
    state is the one the document names most."""
    got = triples(rules_only, text)
    assert expected in got, got
    if absent:
        assert absent not in got, got


def test_the_party_a_transfer_verb_passes_its_object_to_holds_it(extractor):
    """ "A sold X to B", "X was transferred to B" (sckg:transferVerb): B owns X; a planned sale
    is a planned ownership."""
    rows = [r[:3] for r in extract_text(extractor, "Vantor Holdings sold the Osric terminal to Brenna Capital.")]
    assert ("Brenna Capital", "owns", "Osric terminal") in rows, rows
    rows = [r[:3] for r in extract_text(extractor, "The Osric terminal was transferred to Brenna Capital in 2018.")]
    assert ("Brenna Capital", "owns", "Osric terminal") in rows, rows
    rows = extract_text(extractor, "Vantor Holdings plans to sell the Osric terminal to Brenna Capital.")
    assert [ev.status for s, p, o, ev in rows if (s, p, o) == ("Brenna Capital", "owns", "Osric terminal")] \
        == ["planned"], rows


def test_a_court_owns_and_runs_nothing(extractor):
    """A court or tribunal (sckg:Court) reviews and prohibits; it is no owner or operator of
    the site its order names."""
    rows = [r[:3] for r in extract_text(extractor, "The Talvor Court of Appeal upheld the Competition Tribunal's order "
                                                   "requiring Kelvane Corporation to divest the Brenna landfill site.")]
    assert not [r for r in rows if r[1] in ("owns", "operates") and r[0] in ("Talvor Court of Appeal",
                                                                              "Competition Tribunal")], rows
    assert not extract_text(extractor, "The Osric Tribunal operates the Brenna landfill site.")


def test_the_government_of_a_text_that_names_one_state_is_that_state(extractor):
    """ "The federal government acquired X" before the text names its one state (Norway): the
    state; with two states named it is neither."""
    rows = [r[:3] for r in extract_text(extractor, "The federal government acquired Kelvane Pipeline in 2018. "
                                                   "Norway announced a review.")]
    assert ("Norway", "owns", "Kelvane Pipeline") in rows, rows
    rows = [r[:3] for r in extract_text(extractor, "The federal government acquired Kelvane Pipeline in 2018. "
                                                   "Norway and Poland announced a review.")]
    assert not [r for r in rows if r[1] == "owns"], rows


def test_a_capitalised_plural_common_noun_is_no_name(extractor):
    """ "Dignitaries also entered ..." at a sentence's start, "... Based Companies on the List"
    in a headline in title case: plurals of English nouns, not names."""
    _, ents = _entities(extractor, "Dignitaries also visited the Kelvane Ammunition Plant.")
    assert "Dignitaries" not in ents, ents
    _, ents = _entities(extractor, "DHS Places Two Brenna-Based Companies on the Entity List\n\nToday the department "
                                   "added Talvor Steel Co., Ltd. to the list.")
    assert "Companies" not in ents, ents


def test_a_name_with_a_type_word_of_its_own_is_not_the_facility_before_of(extractor):
    """ "a subordinate installation of the Kelvane Munitions Command": the command is a state
    body (its own name word), not an installation as in "the ports of Balboa and Brenna"."""
    _, ents = _entities(extractor, "The Talvor plant is a subordinate installation of the Kelvane Munitions Command.")
    assert ents["Kelvane Munitions Command"][0] == "GovernmentBody", ents


def test_a_terms_acronym_is_no_name_and_a_coast_guard_is_a_state_body(extractor):
    """ "light rare earth elements (LREE)": the letters begin the lower-case words before them,
    a term's short form; "the Brenna Coast Guard" is a state body, not a company."""
    _, ents = _entities(extractor, "Kelvane Materials will process light rare earth elements (LREE) at its plant. "
                                   "The Brenna Coast Guard inspected the Talvor platform.")
    assert "LREE" not in ents, ents
    assert ents["Brenna Coast Guard"][0] == "GovernmentBody", ents


def test_the_seller_an_asset_is_bought_from_is_not_owned_by_the_buyer(extractor):
    """ "A bought X from B": A owns X; B is the seller, not something A holds."""
    for text, seller in (("Talvor Innovations Corporation had acquired KST from Brenna Martin Corporation.",
                          "Brenna Martin Corporation"),
                         ("Talvor Group bought the Osric mine from Brenna Mining in 2019.", "Brenna Mining")):
        rows = [r[:3] for r in extract_text(extractor, text)]
        assert not [r for r in rows if r[1] == "owns" and r[2] == seller], rows
        assert [r for r in rows if r[1] == "owns" and r[0].startswith("Talvor")], rows


def test_a_bare_capitalised_government_of_a_text_that_names_one_state_is_that_state(extractor):
    """ "The Federal Government" is Canada's in a text that names only Canada; "the
    Administration" of a text that names the Kelvane Security Administration is that body."""
    _, ents = _entities(extractor, "The Federal Government acquired Kelvane Pipeline in 2018. Canada announced a review.")
    assert "Federal Government" in ents["Canada"][1] and "Federal Government" not in ents, ents
    _, ents = _entities(extractor, "The Kelvane Security Administration awarded the contract. The Administration said "
                                   "Brenna will run the site in the United States.")
    assert "Administration" in ents["Kelvane Security Administration"][1], ents


def test_a_routes_two_ends_before_its_facility_noun_are_one_name(extractor):
    """ "the Kelvane to Brenna Natural Gas Pipeline (owned and operated by Talvor)": one
    pipeline, not a place "Kelvane" beside it; the subject of a passive "owned and operated
    by" is no operator itself, so it stays a facility."""
    _, ents = _entities(extractor, "The assets include the Kelvane to Brenna Natural Gas Pipeline (owned and operated "
                                   "by Talvor Infrastructure Limited) and the Osric Gas Pipeline.")
    assert ents.get("Kelvane to Brenna Natural Gas Pipeline", ("",))[0] == "Facility", ents
    assert "Kelvane" not in ents, ents
    _, ents = _entities(extractor, "Gas flows from Kelvane to Brenna Natural Gas Pipeline connections.")
    assert "Kelvane to Brenna Natural Gas Pipeline" not in ents, ents


def test_courts_are_not_reviewed_and_deals_and_reviews_are_no_names(extractor):
    rows = extract_text(extractor, (
        "The European Commission has opened an in-depth investigation into Brenna Capital and the Kelvane "
        "Supreme Court under the Osric Green Deal and the New Source Review."))
    assert {(s, p, o) for s, p, o, _e in rows} == {("European Commission", "monitors", "Brenna Capital")}, rows


def test_the_possessor_of_a_subsidiary_is_named_in_its_own_sentence_first(extractor):
    rows = extract_text(extractor, (
        "The Osric Authority approved a measure in favour of Brenna Rail AG. The measure aims at compensating "
        "Brenna Rail for the damages suffered by its subsidiary Kelvane Cargo."))
    assert ("Brenna Rail AG", "owns", "Kelvane Cargo") in {(s, p, o) for s, p, o, _e in rows}, rows
    assert not any(o == "Kelvane Cargo" and s.startswith("Osric") for s, p, o, _e in rows), rows


def test_the_lock_is_the_lock_named_before(extractor):
    rows = extract_text(extractor, (
        "The Talvor River Lock in Brenna, Michigan will remain closed. The Osric District, in conjunction with "
        "Kelvane County, which operates the lock under an agreement with the state, decided to close it."))
    assert ("Kelvane County", "operates", "Talvor River Lock") in {(s, p, o) for s, p, o, _e in rows}, rows


def test_the_names_a_plural_object_lists_are_what_the_verb_relates(rules_only):
    rows = extract_text(rules_only, (
        "Brenna Holdings plc owns and operates a number of airports including Kelvane International, "
        "Talvor Regional and Osric City Airport."))
    got = {(s, p, o) for s, p, o, _e in rows}
    for airport in ("Kelvane International", "Talvor Regional", "Osric City Airport"):
        assert ("Brenna Holdings plc", "operates", airport) in got, rows
        assert ("Brenna Holdings plc", "owns", airport) in got, rows  # "owns and operates"


@pytest.mark.parametrize("text", [
    "Brenna Holdings owns and operates Kelvane Terminal.",
    "Brenna Holdings, which owns and runs Kelvane Terminal, was sold.",
])
def test_two_verbs_share_the_object_the_second_one_takes(rules_only, text):
    """ "X owns and operates Y": the parser hangs Y from "operates" only; "owns" has it too."""
    got = triples(rules_only, text)
    assert {("Brenna Holdings", "owns", "Kelvane Terminal"),
            ("Brenna Holdings", "operates", "Kelvane Terminal")} <= got, got


@pytest.mark.parametrize("text", [
    "Exactly 50 percent of Kelvane Rail is owned by Brenna Holdings.",
    "Brenna Holdings bought 40 percent of Kelvane Rail.",
])
def test_a_share_owned_is_a_part_of_the_company_it_names(rules_only, text):
    """ "50 percent of TNK-BP is owned by BP": the owned thing is a share of the company."""
    got = triples(rules_only, text)
    assert ("Brenna Holdings", "owns", "Kelvane Rail") in got, got


def test_a_list_whose_first_item_is_no_entity_still_names_the_others(rules_only):
    """ "Lufthansa also controls Swiss, Air Dolomiti, Eurowings and Germanwings": "Swiss" is
    taken for a nationality, and the list it heads was lost with it."""
    got = triples(
        rules_only, "Brenna Holdings also controls Swiss, Kelvane Air, Talvor Wings and Osric Airlines.")
    assert {("Brenna Holdings", "owns", o) for o in ("Kelvane Air", "Talvor Wings", "Osric Airlines")} <= got, got


@pytest.mark.parametrize("text", [
    "Kelvane Deterrence is a limited liability company, which consists of Brenna Technical Services, Inc. "
    "(Brenna TS); Talvor Federal Services, Inc.; and Osric LLC (Osric).",
    "Kelvane Deterrence LLC is made up of three members: Brenna Technical Services, Inc., Talvor Federal "
    "Services, Inc. and Osric LLC.",
    "The tunnel is run by Kelvane Deterrence, LLC (KD) composed of Brenna Technical Services, Inc., Talvor "
    "Federal Services, Inc. and Osric LLC.",
    "Kelvane Deterrence is a company made up of the following members: Brenna Technical Services, Inc., a "
    "Vellmar Company; Talvor Federal Services, Inc., a Trask Company; and Osric LLC.",
])
def test_the_members_a_company_is_made_of_own_it(rules_only, text):
    """ "PanTeXas Deterrence is a limited liability company, which consists of A; B; C; and D":
    every gold file with such a sentence has the members as owners (`sckg:memberVerb`)."""
    got = triples(rules_only, text)
    whole = {o for s, p, o in got if p == "owns"}
    assert len(whole) == 1 and whole.pop().startswith("Kelvane Deterrence"), got
    owners = {s for s, p, o in got if p == "owns"}
    assert owners == {"Brenna Technical Services, Inc.", "Talvor Federal Services, Inc.", "Osric LLC"}, got


@pytest.mark.parametrize("text", [
    "The Kelvane plant consists of two reactors built by Brenna Power and Talvor Engineering.",
    "Kelvane Holdings comprises Brenna Power.",
])
def test_a_member_verb_needs_a_company_made_of_several(rules_only, text):
    got = triples(rules_only, text)
    assert not {r for r in got if r[1] == "owns"}, got


@pytest.mark.parametrize("text", [
    "Brenna Holdings is based in Vellmar. Its subsidiaries include Kelvane Air and Talvor Wings.",
    "Brenna Holdings' subsidiaries include Kelvane Air and Talvor Wings.",
])
def test_the_subsidiaries_a_company_is_said_to_include_are_its(rules_only, text):
    """ "Its subsidiaries include Lauda Air and Tyrolean Airways" (the second text: the parser
    hangs "Kelvane Air" from "Talvor Wings" as a modifier)."""
    got = triples(rules_only, text)
    assert {("Brenna Holdings", "owns", "Kelvane Air"), ("Brenna Holdings", "owns", "Talvor Wings")} <= got, got


@pytest.mark.parametrize("text, pair", [
    ("Vellmar awarded a contract to Brenna Holdings.", ("Brenna Holdings", "Vellmar")),
    ("On April 12, 2006, Brenna Holdings and Kelvane Group executed the Talvor Lease Agreement.",
     ("Brenna Holdings", "Kelvane Group")),
    ("Brenna Holdings and Kelvane Group won a joint contract to develop the Osric field.",
     ("Brenna Holdings", "Kelvane Group")),
    ("Brenna Holdings signed a memorandum of understanding with Kelvane Group.", ("Brenna Holdings", "Kelvane Group")),
    ("Brenna Holdings teamed with Kelvane Group on the Osric project.", ("Brenna Holdings", "Kelvane Group")),
])
def test_partners_named_as_the_receiver_the_signatories_or_a_memorandum(rules_only, text, pair):
    """ "Iraq awarded a contract to Royal Dutch Shell", "ITRCC and IFA executed the Lease
    Agreement", "a Memorandum of Understanding (MOU) with MEDC", "teamed with Relativity Space"."""
    got = {tuple(sorted((s, o))) for s, p, o, _e in extract_text(rules_only, text) if p == "partnersWith"}
    assert tuple(sorted(pair)) in got, got


@pytest.mark.parametrize("text", [
    "Kelvane Airport is owned and operated by Brenna Holdings.",
    "Kelvane Airport (KVA), a large hub airport, owned and operated by Brenna Holdings, handles more than "
    "17 million passengers.",
    "The Kelvane pipeline (owned and operated by Brenna Holdings) supplies gas to Talvor.",
])
def test_two_participles_share_the_agent_the_second_one_takes(rules_only, text):
    """ "Chicago Midway Airport, owned and operated by the city of Chicago": the parser hangs
    the agent from "operated" only, and "operated" had no object either."""
    got = triples(rules_only, text)
    facility = "Kelvane pipeline" if "pipeline" in text else "Kelvane Airport"
    assert {("Brenna Holdings", "owns", facility), ("Brenna Holdings", "operates", facility)} <= got, got


def test_a_participle_with_an_agent_of_its_own_keeps_it(rules_only):
    got = triples(
        rules_only, "Kelvane Airport was built by Vellmar Construction and operated by Brenna Holdings.")
    assert ("Brenna Holdings", "operates", "Kelvane Airport") in got, got
    assert not {r for r in got if r[0] == "Vellmar Construction"}, got


def test_the_holder_of_a_stake_taken_over_is_not_owned(rules_only):
    """ "it took over the stake held by APM Terminals": the share is of the terminal, not of
    its holder; and each share of a list is of its own company."""
    got = triples(
        rules_only, "Brenna Holdings took over the stake held by Kelvane Terminals.")
    assert ("Brenna Holdings", "owns", "Kelvane Terminals") not in got, got
    got = triples(
        rules_only, "Brenna Holdings owns 25.3% of the shares in Kelvane Rail and around 33% of the shares in "
                    "Talvor Media.")
    assert {("Brenna Holdings", "owns", "Kelvane Rail"), ("Brenna Holdings", "owns", "Talvor Media")} <= got, got


def test_its_subsidiaries_listed_in_apposition_are_its(rules_only):
    """ "Tesoro Corp. ... and its subsidiaries, A, B, and C operate five refineries": every
    name of the list, not only the first."""
    got = triples(rules_only, (
        "Brenna Holdings is headquartered in Texas, and its subsidiaries, Kelvane Air Company LLC, Talvor "
        "Logistics L.P., and Osric Refining Company LLC operate five of the six refineries."))
    assert {("Brenna Holdings", "owns", "Kelvane Air Company LLC"),
            ("Brenna Holdings", "owns", "Talvor Logistics L.P.")} <= got, got


def test_its_in_a_list_headed_by_a_company_is_that_company(rules_only):
    """ "fined Bulgarian Energy Holding (BEH), its gas supply subsidiary Bulgargaz and its gas
    infrastructure subsidiary Bulgartransgaz": not the Commission's, nor Bulgargaz's."""
    got = triples(rules_only, (
        "In its decision, the Commission fined Brenna Energy Holding (BEH), its gas supply subsidiary Kelvane "
        "Gaz and its gas infrastructure subsidiary Talvor Gas."))
    assert {("Brenna Energy Holding", "owns", "Kelvane Gaz"), ("Brenna Energy Holding", "owns", "Talvor Gas")} <= got
    assert ("Kelvane Gaz", "owns", "Talvor Gas") not in got, got


@pytest.mark.parametrize("text, pair", [
    ("Kelvane Rail, a public sector body regulated by the Vellmar Rail Authority, runs the network.",
     ("Vellmar Rail Authority", "Kelvane Rail")),
    ("The Financial Supervisory Authority supervises Kelvane Bank.", ("Financial Supervisory Authority", "Kelvane Bank")),
    ("The Federal Transit Administration began direct safety oversight of Kelvane Metro.",
     ("Federal Transit Administration", "Kelvane Metro")),
])
def test_regulation_supervision_and_oversight_are_monitoring(rules_only, text, pair):
    """ "rail infrastructure is owned ... by Network Rail, a public sector body regulated by the
    Office of Rail and Road": the gold reads regulation as a review (`monitors`)."""
    got = {(s, o) for s, p, o, _e in extract_text(rules_only, text) if p == "monitors"}
    assert pair in got, got


def test_the_party_an_asset_is_bought_from_held_it(rules_only):
    got = triples(
        rules_only, "Brenna Capital acquired the Osric terminal from Vantor Holdings on 4 May 2019.")
    assert {("Brenna Capital", "owns", "Osric terminal"), ("Vantor Holdings", "owns", "Osric terminal")} <= got, got


def test_a_contract_parsed_as_the_receivers_apposition_is_a_partnership(rules_only):
    """ "awarded Kelvane Solutions LLC the management and operating contract": the parser makes
    the contract an apposition of the receiver, not the verb's object."""
    got = triples(rules_only, (
        "The Department of Energy today awarded Kelvane Solutions LLC the management and operating contract for "
        "Brenna National Laboratory."))
    assert ("Kelvane Solutions LLC", "partnersWith", "U.S. Department of Energy") in got, got


def test_a_verb_with_an_object_of_its_own_does_not_take_the_next_ones(rules_only):
    got = triples(
        rules_only, "Brenna Holdings acquired Talvor Group and operates Kelvane Terminal.")
    assert ("Brenna Holdings", "owns", "Talvor Group") in got, got
    assert ("Brenna Holdings", "owns", "Kelvane Terminal") not in got, got


def test_a_blend_of_a_names_opening_letters_is_that_name(extractor):
    rows = extract_text(extractor, (
        "Brenna Mining Corporation owns Kelvane Platinum Holdings. Kelplats operates the Osric mine."))
    names = {s for s, _p, _o, _e in rows} | {o for _s, _p, o, _e in rows}
    assert "Kelplats" not in names and ("Kelvane Platinum Holdings", "operates", "Osric mine") in \
        {(s, p, o) for s, p, o, _e in rows}, rows


@pytest.mark.parametrize("text", [
    "Kelvane Rail is a joint venture between Brenna Holdings and Talvor Group.",
    "The ministry lent $2 billion to Kelvane Rail LLC—a joint venture between Brenna Holdings and Talvor "
    "Group—to build the line.",
    "Kelvane Rail, a joint venture of Brenna Holdings and Talvor Group, runs the line.",
])
def test_a_joint_ventures_members_own_it(rules_only, text):
    """ "Ultium Cells LLC—a joint venture between General Motors and LG Energy Solution": every
    gold file has the members as owners; the rules only made them partners."""
    rows = extract_text(rules_only, text)
    got = {(s, p, o) for s, p, o, _e in rows}
    venture = "Kelvane Rail LLC" if "LLC" in text else "Kelvane Rail"
    assert {("Brenna Holdings", "owns", venture), ("Talvor Group", "owns", venture)} <= got, rows


def test_a_bare_short_name_is_the_publisher_its_source_line_names(extractor):
    """A DG Competition news summary says "the Commission" and never "European Commission" nor
    "EU": each such article kept a node "Commission" of its own. Its source line names the
    publisher; without one the bare name stays the article's own."""
    body = "The Commission has opened an in-depth investigation into the acquisition of Brenna Cement by Kelvane.\n"
    published = "---\nsource: https://example.org/summary (European Commission, weekly news summary)\n---\n" + body
    _, ents = _entities(extractor, published)
    assert "European Commission" in ents and "Commission" not in ents, ents
    _, ents = _entities(extractor, "---\nsource: https://example.org/summary (weekly news summary)\n---\n" + body)
    assert "Commission" in ents and "European Commission" not in ents, ents


@pytest.mark.parametrize("text", [
    "Kelvane Rail, a joint venture of Brenna Holdings and Talvor Group, runs the line.",
    "The deal raised questions about the partnership of Brenna Holdings, Talvor Group and Osterby Motors.",
    "The port went to a consortium consisting of Brenna Holdings and Talvor Group.",
    "The port went to a consortium that includes Brenna Holdings and Talvor Group.",
])
def test_the_members_a_partnership_lists_are_partners(rules_only, text):
    """ "a joint venture of Bechtel National Inc. and Parsons Corporation", "the partnership of
    Nissan, Renault and Mitsubishi Motors": the members follow "of" or a verb of membership, as
    they follow "between"."""
    rows = extract_text(rules_only, text)
    got = {(s, p, o) for s, p, o, _e in rows} | {(o, p, s) for s, p, o, _e in rows}
    assert ("Brenna Holdings", "partnersWith", "Talvor Group") in got, rows


def test_a_city_named_as_a_government_is_also_named_so_and_its_bare_noun_is_it(extractor):
    """ "Chicago Midway Airport, owned and operated by the city of Chicago ... The City also owns
    and operates Chicago O'Hare": one local government, also named "City of Chicago" as other
    texts and registers name it, and the capitalised bare "City" is a mention of it."""
    text = "Brenmoor Airport, owned by the city of Vellmar, is busy. The City also owns Osterby Airport."
    an, ents = _entities(extractor, text)
    assert ents["Vellmar"] == ("SubnationalGovernment", {"Vellmar", "City of Vellmar"}), ents
    assert "City" not in ents, ents
    city = next(t for t in an.mentions.doc if t.text == "City")
    assert an.mentions.entities[an.mentions.entity_at(city)].label == "Vellmar"


def test_a_legal_form_the_tagger_took_for_a_common_noun_ends_the_name_and_initials_may_come_first(extractor):
    """ "in its subsidiary SEA Handling SpA" (the model took "SpA" for a noun and "Handling SpA"
    for a person); "FCPP" used before "Four Corners Power Plant" is spelled out."""
    _, ents = _entities(extractor, "ORA, the publicly owned operator of the Brenna Malpensa and Brenna Linate "
                                   "airports, in its subsidiary ORA Handling SpA (hereinafter ‘ORAH’), ground handling "
                                   "services.")
    assert "ORA Handling SpA" in ents and "Handling SpA" not in ents, ents
    _, ents = _entities(extractor, "Regulators fined VHCP last year. The Vellmar Harbour Coal Plant, owned by "
                                   "Trask, closed in May.")
    assert ents["Vellmar Harbour Coal Plant"][1] == {"Vellmar Harbour Coal Plant", "VHCP"}, ents
    assert "VHCP" not in ents, ents


def test_a_bare_commission_in_a_us_commissions_own_notice_is_that_commission(extractor):
    """US commissions call themselves "the Commission" (the gazetteer's short name); in a text
    that names the United States several of them could be meant, and the publisher its
    source line names decides."""
    body = "Trask Gas, of Houston, United States, asked the Commission to approve the transfer of Vellmar Gathering.\n"
    notice = "---\nsource: https://example.org/notice (copy of Federal Energy Regulatory Commission notice)\n---\n" + body
    _, ents = _entities(extractor, notice)
    assert "Federal Energy Regulatory Commission" in ents and "Commission" not in ents, ents
    _, ents = _entities(extractor, body)
    assert "Commission" in ents and "Federal Energy Regulatory Commission" not in ents, ents


def test_initials_without_the_function_words_come_before_the_name(extractor):
    _, ents = _entities(extractor, "VSHA fines Trask Coal. Trask Coal agreed to pay the Vellmar Safety and Health "
                                   "Administration $3 million.")
    assert "VSHA" in ents["Vellmar Safety and Health Administration"][1] and "VSHA" not in ents, ents


def test_a_short_form_after_a_place_names_the_name_whose_initials_it_is(extractor):
    """ "operates the Barcelona Europe South Terminal in Barcelona, Spain (‘BEST‘)": BEST is the
    terminal, not Spain."""
    _, ents = _entities(extractor, "Trask Ports operates the Vellmar Europe South Terminal in Vellmar, Spain (‘VEST‘), "
                                   "the main gateway for cargo.")
    assert "VEST" in ents["Vellmar Europe South Terminal"][1], ents
    assert ents["Spain"][1] == {"Spain"}, ents


@pytest.mark.parametrize("text", [
    "In December 2011, 30% of Kelvane's capital was sold to the private fund Brenna Partners.",
    "In December 2011, Vantor sold a 30% stake in Kelvane to the private fund Brenna Partners.",
])
def test_a_share_sold_to_a_party_is_owned_by_it(rules_only, text):
    """ "29,75 % of SEA's capital was sold to the private fund F2i": what passes to the buyer
    is a part of the company the share phrase names."""
    rows = extract_text(rules_only, text)
    assert ("Brenna Partners", "owns", "Kelvane") in {(s, p, o) for s, p, o, _e in rows}, rows


def test_a_name_of_dictionary_words_after_and_ends_the_name_before(extractor):
    """ "Amentum Environment and Energy, Inc.": the tagger saw only "Energy, Inc."; a tail with
    a word of its own is a name of its own."""
    _, ents = _entities(extractor, "Kelvane LLC is a newly formed limited liability company made up of the following "
                                   "members: Vellmar Environment and Energy, Inc.; Talvor Federal Services, Inc.; "
                                   "and Osric Nuclear (USA) Incorporated.")
    assert "Vellmar Environment and Energy, Inc." in ents and "Energy, Inc." not in ents, ents
    _, ents = _entities(extractor, "The deal joins Brenna Holdings and Kelvane Power, Inc. together.")
    assert {"Brenna Holdings", "Kelvane Power, Inc."} <= set(ents), ents


@pytest.mark.parametrize("text,name", [
    ("The Vellmar Docks and Harbour Company owns the port.", "Vellmar Docks and Harbour Company"),
    ("Osric Welsh & Scottish Railway Holdings Limited owns half of Talvor Rail Limited.",
     "Osric Welsh & Scottish Railway Holdings Limited"),
])
def test_a_company_word_after_and_ends_the_name_before(extractor, text, name):
    """ "the Mersey Docks and Harbour Company", "English Welsh & Scottish Railway Holdings
    Limited": the tagger saw two names; a tail of dictionary words that ends in a company word
    is the end of one. Two named companies stay two."""
    _, ents = _entities(extractor, text)
    assert name in ents, ents
    for two, names in (("Kelvane Air and Brenna Shipping Company signed a deal.", {"Kelvane Air", "Brenna Shipping Company"}),
                       ("Kelvane Midland and Trask Brussels Airlines merged.", {"Kelvane Midland", "Trask Brussels Airlines"}),
                       ("GSU and Brenna Electric Power Cooperative, Inc. own the plant.", {"GSU"})):
        _, ents = _entities(extractor, two)
        assert names <= set(ents), ents


def test_a_blend_of_capitals_is_a_name_wherever_it_stands(extractor):
    """ "Southern Ohio Cleanup Company, LLC (SOCCo) ... SOCCo is a newly formed company": the
    tagger takes "SOCCo" for a plural noun; capitals inside a word make it a name, at a
    sentence's start too, and the parenthesis defines it."""
    _, ents = _entities(extractor, "The department awarded the contract to Brenna Ohio Cleanup Company, LLC (BOCCo) of "
                                   "Aiken, South Carolina. BOCCo is a newly formed limited liability company.")
    named = {n for names in ents.values() for n in names[1]}
    assert {"BOCCo", "Brenna Ohio Cleanup Company, LLC"} <= named and len(ents) == 1, ents


@pytest.mark.parametrize("text, name", [
    ("The European Court of First Instance upheld the fine on Kelvane Air.", "General Court"),
    ("The Court of Justice of the EU ruled on the aid to Kelvane Air.", "Court of Justice of the European Union"),
])
def test_the_eu_courts_are_courts(extractor, text, name):
    """Courts own, run and are reviewed by no one ("Court of Justice owns Finnair",
    "European Commission monitors General Court" were false positives): the gazetteer types
    the EU's courts as `sckg:Court`, and knows the General Court by its name before 2009."""
    _, ents = _entities(extractor, text)
    assert ents[name][0] == "Court", ents


def test_a_place_glued_to_based_is_no_entity(extractor):
    """ "The Veldhoven-based company has been barred ...": Veldhoven is where the company is; as a
    node it became a company the state blocked."""
    _, ents = _entities(extractor, "The Veldhoven-based company Trask Litho has been barred from selling to Chinese "
                                   "customers.")
    assert "Veldhoven" not in ents and "Trask Litho" in ents, ents


@pytest.mark.parametrize("text,owned", [
    ("In a statement Thursday, Norway's state oil company, Trask Petroleum said it had formed committees.",
     "Trask Petroleum"),
    ("The Norwegian state shipping company Trask Lines bought a stake.", "Trask Lines"),
])
def test_a_states_state_company_named_beside_it_is_owned_by_the_state(rules_only, text, owned):
    """ "Venezuela's state oil company, PDVSA", "Russia's state arms export agency,
    Rosoboronexport": `sckg:stateModifier` on a noun a state's possessive or demonym governs."""
    rows = extract_text(rules_only, text)
    assert ("Norway", "owns", owned) in {(s, p, o) for s, p, o, _e in rows}, rows


@pytest.mark.parametrize("text,facility", [
    ("Talvor Energy operates oil fields in the Kelvane delta.", "oil fields in the Kelvane delta"),
    ("Osric Terminals Inc. operates the bulk commodity terminal on Brenna Island in Vellmar.",
     "bulk commodity terminal on Brenna Island"),
    ("Trask Logistics operates container terminals in Vellmar and Osterby.", "container terminals in Vellmar"),
])
def test_a_facility_described_with_its_place_is_an_entity(rules_only, text, facility):
    """ "Ridley Terminals Inc. operates the bulk commodity terminal on Ridley Island", "Royal
    Dutch Shell operates oil fields in the Niger delta": a facility noun followed by the place it
    is in is a thing of its own even when definite or plural, named with that place (up to the
    place's first conjunct or modifier). Without it the relation had no object."""
    rows = extract_text(rules_only, text)
    assert any(p == "operates" and o == facility for _s, p, o, _e in rows), rows


def test_a_sentence_adverb_is_no_part_of_the_name_after_it(extractor):
    """ "Today Ofgem has appointed ...", "Whereas Air Canada and Transat gave notice ...": the
    tagger read the adverb into the name, and "Today Ofgem" became a company of its own."""
    doc = extractor.nlp("Today Vellgard has appointed Brenna Talvor Consortium. Whereas Kelvane Air gave notice.")
    assert trim_span(doc[0:2]).text == "Vellgard"
    whereas = next(t.i for t in doc if t.text == "Whereas")
    assert trim_span(doc[whereas:whereas + 3]).text == "Kelvane Air"


@pytest.mark.parametrize("text,name", [
    ("Applicant Talvor Line Corp. is an indirect, wholly owned subsidiary of Brenna Railway Company.",
     "Talvor Line Corp."),
    ("The agreement between the Purchasers and Kelvane Semiconductor Inc. was reviewed.",
     "Kelvane Semiconductor Inc."),
])
def test_a_party_role_is_no_part_of_the_name_after_it(extractor, text, name):
    """Filings and orders capitalise a party's role as a defined term ("Applicant Soo Line
    Corp. is ...", "the Purchasers and Lattice"); read into the name it made a node of its own
    ("Applicant Soo Line Corp.") apart from the company the rest of the text names."""
    labels = set(_entities(extractor, text)[1])
    assert name in labels, labels
    assert not any(w in label for label in labels for w in ("Applicant", "Purchasers")), labels


@pytest.mark.parametrize("text,expected", [
    ("On 1 March 2017, the Kelvane Group purchased 82.5% of Talvor Airport GmbH for 15 million euros.",
     {("Kelvane Group", "owns", "Talvor Airport GmbH")}),
    ("The transaction gives the Vellmar Investment Authority a nearly five percent stake in Talvor Group.",
     {("Vellmar Investment Authority", "owns", "Talvor Group")}),
    ("Brenna Motors owns Vellmar and several brands such as Osric and Talvor.",
     {("Brenna Motors", "owns", o) for o in ("Vellmar", "Osric", "Talvor")}),
    ("KTS is a limited liability company formed by Brenna National, Inc.; Leidvar; Talvor Launch Systems; "
     "and Osric LLC.", {(s, "owns", "KTS") for s in ("Brenna National, Inc.", "Leidvar",
                                                     "Talvor Launch Systems", "Osric LLC")}),
])
def test_more_ways_real_text_states_ownership(rules_only, text, expected):
    """ "the HNA Group purchased 82.5% of FFHG" ("purchase" was a deal word, not an ownership
    verb), "gives ADIA a nearly five percent stake in" (the receiver holds the stake), a list
    of examples conjoined with a name ("owns Volvo and several brands such as A and B"), and
    the members named as the agents of a founder verb (`sckg:founderVerb`: "formed by A; B;
    C; and D")."""
    got = triples(rules_only, text)
    assert expected <= got, got


def test_a_founder_verb_in_the_active_names_no_members(rules_only):
    got = triples(
        rules_only, "Kelvane Holdings formed a joint venture with Brenna Power and Talvor Engineering.")
    assert not {r for r in got if r[1] == "owns" and r[2] == "Kelvane Holdings"}, got


@pytest.mark.parametrize("text", [
    "Trask Foundry is a joint venture between Kelvane Semiconductor, Osric Electronics, Brenna Chips and "
    "Talvor Devices.",
    "A consortium comprising Kelvane Semiconductor, Osric Electronics, Brenna Chips and Talvor Devices "
    "proposes to acquire the lease.",
])
def test_the_members_of_a_partnership_are_each_others_partners(rules_only, text):
    """"ESMC is a joint venture between TSMC, Bosch, Infineon, and NXP": every member is every
    other's partner (only the first member's partnerships were read)."""
    got = {(s, o) for s, p, o, _e in extract_text(rules_only, text) if p == "partnersWith"}
    members = ["Brenna Chips", "Kelvane Semiconductor", "Osric Electronics", "Talvor Devices"]
    assert {(a, b) for i, a in enumerate(members) for b in members[i + 1:]} <= got, got


def test_a_place_after_at_is_no_part_of_the_name(extractor):
    """"operated by MP Materials at Mountain Pass": the tagger took the company and its site
    for one name, which then stayed apart from "MP Materials Corp." named before."""
    _, ents = _entities(extractor, "The Department of Defense awarded a contract to Kelvane Materials Corp. of Las "
                                   "Vegas. This operation is run by Kelvane Materials at Mountain Pass.")
    assert not any(" at " in name for name in ents), ents
    assert "Kelvane Materials" in ents["Kelvane Materials Corp."][1], ents


def test_a_two_word_short_form_with_a_short_first_word_is_the_full_name(extractor):
    """"MP Materials" for "MP Materials Corp." (a first word of two letters kept them apart)."""
    _, ents = _entities(extractor, "The Department of Defense awarded a contract to KV Materials Corp. of Las Vegas. "
                                   "The plant is run by KV Materials.")
    assert "KV Materials" in ents["KV Materials Corp."][1], ents


@pytest.mark.parametrize("text,junk", [
    ("Brenna, which manages Her Majesty's Naval Bases at Osterby and Kelvane, won a contract.", "Majesty"),
    ("The Kelvane Site Office runs the Management and Operating (M&O) contract for the Talvor laboratory.",
     "Management and Operating"),
    ("The Vellmar Weapons Establishment is a Non-Departmental Public Body owned by the Ministry of Defence.",
     "Non-Departmental Public Body"),
    ("The Commission found that the aid to Kelvane Air distorted the EU Internal Market.", "EU Internal Market"),
    ("The Federal Maritime Commission reviews Controlled Carriers such as Kelvane Lines.", "Controlled Carriers"),
])
def test_titles_and_kinds_of_body_are_no_names(extractor, text, junk):
    """"Majesty operates Portsmouth Naval Base", "Management and Operating operates Y-12",
    "Non-Departmental Public Body operates Atomic Weapons Establishments" were false positives
    (`sckg:notAName`)."""
    _, ents = _entities(extractor, text)
    assert junk not in ents, ents


def test_a_state_is_blocked_by_no_one(rules_only):
    """Sanctions on a country are no state's act on a company ("United States blocked
    Venezuela", "... Cuba", "... North Korea" were false positives; the gold holds a few such
    as optional only), nor on a city or a state body ("United States blocked Macau"):
    `sckg:rangeExcludes sckg:StateActor` on `blocked`. The company in the same sentence still is."""
    got = triples(
        rules_only, "Washington imposed sanctions on Venezuela and Kelvane Petroleum. Washington also imposed "
                    "sanctions on the Osterby City Council.")
    assert ("United States", "blocked", "Kelvane Petroleum") in got, got
    assert not {r for r in got if r[2] in ("Venezuela", "Osterby City Council")}, got


def test_the_commissions_competition_department_is_the_commission(extractor):
    """Gold files of four publishers take "DG COMP", "DG Competition" and the
    "Directorate-General for Competition" for the Commission acting; they were three nodes
    of their own."""
    _, ents = _entities(extractor, "DG COMP opened an investigation into Kelvane Air. The Directorate-General for "
                                   "Competition said the aid to Talvor Rail was unlawful.")
    assert {"DG COMP", "Directorate-General for Competition"} <= ents["European Commission"][1], ents


def test_a_gazetteer_company_with_its_legal_form_is_the_gazetteer_entry(extractor):
    """"ByteDance Ltd." in one article and the gazetteer's ByteDance in another were two nodes:
    a gazetteer entry is never joined to a stored node by its keys, so the name with its legal
    form has to find the entry when the article is read."""
    _, ents = _entities(extractor, "The government ordered ByteDance Ltd. to wind up Kelvane Technology Inc.")
    assert "ByteDance Ltd." in ents["ByteDance"][1], ents


def test_a_gazetteer_companys_short_form_after_its_full_name_is_one_node(extractor):
    """ "ExxonMobil Corporation controls the rig ... Exxon is moving the rig": a full name outside
    the gazetteer named first, then the gazetteer's short forms, were two nodes (the other order
    joined them)."""
    _, ents = _entities(extractor, "Citigroup Corporation bought the Kelvane terminal. Citi is moving its staff to "
                                   "Talvor. The deal could hurt Citigroup.")
    assert {"Citigroup Corporation", "Citi", "Citigroup"} <= ents["Citigroup"][1], ents
    assert "Citigroup Corporation" not in ents, ents


def test_a_railway_is_a_company(extractor):
    """Eleven gold files name railway companies "X Railway(s)" (Canadian National Railway,
    BNSF Railway Company), one a railway line so; "railway" typed the company a facility, a
    node apart from the same company named elsewhere with its legal form."""
    _, ents = _entities(extractor, "The government reached an agreement with Kelvane National Railway to "
                                   "transfer the bridge.")
    assert ents["Kelvane National Railway"][0] == "Company", ents


def test_an_organisation_its_title_and_the_person_who_holds_it_are_two_names(extractor):
    """"said NASA Administrator Charles Bolden" made one company of all four words (and "NASA
    owns NASA Michoud Assembly Facility Director Lonnie Dutreix" a false positive)."""
    _, ents = _entities(extractor, "\"This agreement helps,\" said Vellmar Agency Director John Talvor.")
    assert "Vellmar Agency" in ents and "John Talvor" in ents, ents
    assert not any("Director" in name for name in ents), ents


def test_initials_defined_in_parentheses_are_a_name_even_when_they_spell_a_legal_form(extractor):
    """"Arizona Public Service Company (APS)", "Southern California Edison (SCE)": rigour's
    list of legal forms holds ApS and SCE, so the short form and every later "APS" were
    dropped as a legal form alone, and "operated by APS" named no one."""
    text = ("The agency settled with Aldmoor Power Systems Company (APS) and Southmere Cable Edison (SCE). "
            "The Kelvane Generating Station is operated by APS.")
    an, ents = _entities(extractor, text)
    assert "APS" in ents["Aldmoor Power Systems Company"][1], ents
    assert "SCE" in ents["Southmere Cable Edison"][1], ents
    got = triples(extractor, text)
    assert ("Aldmoor Power Systems Company", "operates", "Kelvane Generating Station") in got, got


def test_a_us_state_is_no_short_form_of_a_company_named_after_it(extractor):
    """"APS is Arizona's largest electric company" joined "Arizona" to "Arizona Public
    Service Company" as its short form, and the company's node was labelled "Arizona". A US
    state or Canadian province is a place, or its government when it acts."""
    _, ents = _entities(extractor, "Nevada Kelvane Power Company runs the plant. Kelvane is Nevada's largest "
                                   "electric company. Ontario sold its stake in Talvor Hydro.")
    assert "Nevada" not in ents and not any("Nevada" == n for _t, ns in ents.values() for n in ns), ents
    assert ents["Ontario"][0] == "SubnationalGovernment", ents


def test_a_short_line_is_one_sentence(extractor):
    """A register's entries are lines without a stop ("Applicant / Marstel Terminals Limited /
    State Authorities Superannuation Trustee Corporation, Australia (45.0%)"); the parser
    started sentences inside them, and a name was cut in two at each start."""
    doc = extractor.nlp("Applicant\nOsric Terminals Limited\nState Authorities Superannuation Trustee "
                        "Corporation, Australia (45.0%)\nVendor\nPorts of Talvor Limited\n")
    lines = [s.text.strip() for s in doc.sents if s.text.strip()]
    assert lines == ["Applicant", "Osric Terminals Limited",
                     "State Authorities Superannuation Trustee Corporation, Australia (45.0%)", "Vendor",
                     "Ports of Talvor Limited"], lines



@pytest.mark.parametrize("text,expected", [
    # "Temasek Holdings, a Singaporean government fund" and "the People's Republic of China
    # (PRC) state-owned Union Development Group" said nothing: "government" was no state
    # modifier, and only a people's adjective ("the Chinese state-owned ...") named the state
    ("Osric Ports is ultimately controlled by Kelvane Holdings, a Singaporean government fund. The United States "
     "imposed sanctions on the People's Republic of China (PRC) state-owned Talvor Development Group, Ltd. (TDG).",
     {("Singapore", "owns", "Kelvane Holdings"), ("China", "owns", "Talvor Development Group, Ltd.")}),
    # "Kühne Maritime GmbH, part of Kühne Holding AG, ...", "TIL ... is part of the MSC group":
    # "part" is a child noun
    ("Brenna Maritime GmbH, part of Brenna Holding AG, acquires control of Osric Lines. Talvor Terminals is a "
     "leading port operator and is part of the Kelvane Shipping Company Holding group.",
     {("Brenna Holding AG", "owns", "Brenna Maritime GmbH"),
      ("Kelvane Shipping Company Holding", "owns", "Talvor Terminals")}),
], ids=["government-fund-and-state-owned", "part-of-a-group"])
def test_a_noun_phrase_says_who_owns(rules_only, text, expected):
    """Ownership stated by a noun phrase beside the name rather than by a verb."""
    got = triples(rules_only, text)
    assert expected <= got, got


def test_a_name_after_the_comma_of_a_child_noun_is_the_child(rules_only):
    """"through its U.S. subsidiary, China Telecom Americas ("CTA"), a Delaware corporation":
    the parser hangs the name from the verb, not in apposition to "subsidiary", and the
    ownership was lost. A name that is a clause's subject after the comma is no child."""
    got = triples(
        rules_only, 'Kelvane Telecom has been operating in the United States for nearly 20 years through its U.S. '
                    'subsidiary, Kelvane Telecom Americas ("KTA"), a Delaware corporation. Through its subsidiary, '
                    'Osric bought Talvor.')
    assert ("Kelvane Telecom", "owns", "Kelvane Telecom Americas") in got, got
    assert not any(p == "owns" and o == "Osric" for s, p, o in got), got


def test_a_participle_in_parentheses_is_said_of_the_name_before_it(rules_only):
    """"the Goldfields Gas Pipeline (operated and majority owned by APA) and the Fortescue River
    Pipeline (owned and operated by CKI)": the parser hung the second parenthesis from the
    first pipeline, so CKI owned and operated the wrong one."""
    got = triples(
        rules_only, "Customers use the Talvor Gas Pipeline (operated and majority owned by Kelvane) and the Osric "
                    "River Pipeline (owned and operated by Brenna) for the supply of gas.")
    assert ("Kelvane", "owns", "Talvor Gas Pipeline") in got, got
    assert ("Brenna", "owns", "Osric River Pipeline") in got, got
    assert not any(s == "Brenna" and o == "Talvor Gas Pipeline" for s, p, o in got), got


def test_every_name_a_plural_noun_lists_is_its_member(rules_only):
    """"owns and operates a number of airports including A, B, C and D" (the parser hangs B
    from A in apposition) and "the two container terminals ..., namely A and B" (a count that
    looked back for two terminals named before) gave the first name only."""
    got = triples(
        rules_only, "Kelvane plc owns and operates a number of airports including Osric International, Talvor "
                    "International and Brenna Svavsta. Vellmar Group owns and operates the two container terminals "
                    "in the Port of Ardmoor, namely the Talvor Container Terminal and the Brenna Terminal.")
    assert {("Kelvane plc", "owns", x) for x in ("Osric International", "Talvor International", "Brenna Svavsta")} \
        <= got, got
    assert {("Vellmar Group", "operates", x) for x in ("Talvor Container Terminal", "Brenna Terminal")} <= got, got


def test_an_order_to_divest_with_no_one_named_is_the_leading_state_actors(rules_only):
    """A state's divestiture orders list the firms: "X is required to divest itself of its
    investment in Y", with no agent. The order is the document's leading state actor's; a
    document that names no state actor says nothing of the kind."""
    got = triples(
        rules_only, "The Government of Canada ordered three companies to divest. Kelvane Mining Co., Ltd. is "
                    "required to divest itself of its investment in Talvor Lithium Inc.")
    assert ("Canada", "blocked", "Kelvane Mining Co., Ltd.") in got, got
    got = triples(rules_only, "Osric was forced to sell its stake in Talvor.")
    assert not any(p == "blocked" for s, p, o in got), got


def test_lower_case_particles_of_other_languages_join_one_name(extractor):
    """"Caisse de dépôt et placement du Québec" was "Caisse" and "du Québec", "Aeropuertos
    Españoles y Navegación Aérea" an organisation, a title and a person, "Fondo Italiano per
    le Infrastrutture" a person: lower-case particles (`sckg:nameParticle`) and words English
    does not know between proper nouns join one name; English words alone do not ("Exports to
    Osric and Talvor")."""
    _, ents = _entities(extractor, "A consortium comprising Caisse de dépôt et vellage du Talvor (CDVT) and Osric "
                                   "Infrastructure bought it. Aeropuertos Kelvanos y Navegación Brenna owns the "
                                   "airport. Fondo Osrico per le Infrastrutture sold it. Exports to Osric and "
                                   "Talvor rose.")
    assert "Caisse de dépôt et vellage du Talvor" in ents, ents
    assert ents["Aeropuertos Kelvanos y Navegación Brenna"][0] == "Company", ents
    assert "Fondo Osrico per le Infrastrutture" in ents, ents


def test_a_word_with_a_parenthesis_inside_is_no_name(extractor):
    """"Section 12(a) of the Act", "Articles 3(1)(b)": the tokenizer keeps "12(a" whole and the
    words became a company ("Section 12(a", "Target(s")."""
    _, ents = _entities(extractor, "Under Section 12(a) of the Act and Articles 3(1)(b) of the Regulation, Kelvane "
                                   "applied for consent. Talvor Target(s) were listed.")
    assert not any("(" in name or ")" in name for name in ents), ents
    assert "Kelvane" in ents, ents


def test_a_name_after_a_legal_form_that_ends_a_sentence_is_another_name(extractor):
    """"... consists of the ENEVO Group and LONGi Solar Technologie GmbH. ENEVO Group, the
    consortium leader, ...": the parser took "GmbH." for an abbreviation inside the sentence,
    and "LONGi Solar Technologie GmbH. ENEVO Group" became one company. Two legal forms in a
    row stay one name."""
    _, ents = _entities(extractor, "The first consortium consists of the Kelvane Group and Talvor Solar Technologie "
                                   "GmbH. Kelvane Group, the consortium leader, is a Romanian-based provider. Osric "
                                   "Co. Ltd. agreed.")
    assert "Talvor Solar Technologie GmbH." in ents and "Kelvane Group" in ents, ents
    assert "Osric Co. Ltd." in ents, ents


def test_a_and_b_are_two_names_when_each_is_named_alone_later(extractor):
    """"The plant is to be jointly owned by Electricity de France and China General Nuclear
    Corporation. Electricity de France will supply two nuclear reactors.": the model took the
    first sentence's "A and B" for one company, which then owned and ran the plant; a span
    "A and B" is two names when each is named alone elsewhere in the text, later too."""
    _, ents = _entities(extractor, "The Hinkley plant is to be jointly owned by Kelvane de France and China General "
                                   "Nuclear Corporation. Kelvane de France will supply two nuclear reactors. China "
                                   "General Nuclear Corporation will pay for a third.")
    assert "Kelvane de France" in ents and "China General Nuclear Corporation" in ents, ents
    assert not any(" and " in name for name in ents), ents


def test_a_noun_of_its_type_with_one_name_before_it_stands_for_that_name(rules_only):
    """"Exactly 50 percent of TNK-BP is owned by Britain's BP oil company": the agent is the
    noun "company", which the name before it modifies; it read as nobody. A name of another
    type is no such modifier ("the Kelvane port terminal" is no company)."""
    got = triples(
        rules_only, "Exactly 50 percent of Kelvane-Talvor is owned by Britain's Osric oil company. The Brenna port "
                    "terminal is run by Vellmar Ports.")
    assert ("Osric", "owns", "Kelvane-Talvor") in got, got
    assert ("Vellmar Ports", "operates", "Brenna port terminal") in got, got


def test_a_plural_child_nouns_list_after_the_comma_is_its_children(rules_only):
    """"Tesoro Corp. ... and its subsidiaries, Tesoro Alaska Company LLC, Tesoro Logistics L.P.,
    and Tesoro Refining & Marketing Company LLC operate five of the six refineries": the parser
    made the list the subject of "operate", which a singular noun's name after the comma is
    not taken for; a plural noun's list is its children all the same."""
    got = triples(
        rules_only, "Osric Corp., is headquartered in San Antonio, Texas, and its subsidiaries, Osric Alaska Company "
                    "LLC, Osric Logistics L.P., and Osric Refining Company LLC operate five refineries.")
    assert {("Osric Corp.", "owns", x) for x in ("Osric Alaska Company LLC", "Osric Logistics L.P.",
                                                 "Osric Refining Company LLC")} <= got, got


def test_a_second_share_and_a_share_in_a_company_after_the_verb_are_owned(rules_only):
    """"CMH owns 50% of FOX SPORTS Australia and, indirectly, 25% of FOXTEL" (the parser hangs
    the second share from the verb) and "the Government of Iceland has acquired 75% of stock in
    Iceland's second largest bank, Glitnir" (the bank hung from the verb) each lost a holding."""
    got = triples(
        rules_only, "CMH owns 50% of Kelvane Sports Australia (Kelvane Sports) and, indirectly, 25% of TALVOR. The "
                    "Government of Iceland has acquired 75% of stock in Iceland's second largest bank, Osric.")
    assert ("CMH", "owns", "TALVOR") in got, got
    assert ("Iceland", "owns", "Osric") in got, got


@pytest.mark.parametrize("text,expected,absent", [
    # "the concession granted to AIA to operate Athens International Airport": the holder of
    # the concession operates it, not the state that authorised its extension
    ("The Commission has authorised Vellmar to extend by 20 years the concession granted to Talvor Airports S.A. to "
     "operate Kelvane International Airport.", ("Talvor Airports S.A.", "operates", "Kelvane International Airport"),
     ("Vellmar", "operates", "Kelvane International Airport")),
    # "NNSA is soliciting a contractor to manage and operate the Y-12 National Security Complex"
    ("Brenna Security Administration is soliciting a contractor to manage and operate the Talvor Security Complex.",
     None, ("Brenna Security Administration", "operates", "Talvor Security Complex")),
    # an instrument is no agent: "X would use a platform to oversee ..." stays X's act
    ("Osric Freight Ltd hired a firm to run the Kelvane Terminal. Osric Freight Ltd used a platform to run the "
     "Talvor Terminal.", ("Osric Freight Ltd", "operates", "Talvor Terminal"),
     ("Osric Freight Ltd", "operates", "Kelvane Terminal")),
], ids=["concession-granted-to", "soliciting-a-contractor", "hired-a-firm"])
def test_who_runs_what_an_infinitive_says_is_the_one_it_names(rules_only, text, expected, absent):
    """The subject of "to operate" after a noun: the one the noun is granted to, or an unnamed
    agent the verb governs ("a contractor", "a firm"), never the verb's own subject."""
    got = triples(rules_only, text)
    if expected:
        assert expected in got, got
    assert absent not in got, got


def test_a_name_operated_by_someone_is_a_facility(extractor):
    """ "The pilot plant sites are ... (2) Fitzpatrick, near Oswego, New York, operated by the
    Power Authority of the State of New York; ... (8) Cooper, ...": a name nothing else types,
    that a verb of `operates` says is run by someone, is a facility; a list's number is no part
    of a name; and "Ft." (Fort) is not the gazetteer's "FT"."""
    _, ents = _entities(extractor, "The pilot plant sites are (2) Aldmoor, near Oswego, New York, operated by the "
                                   "Osric Power Authority. (5) Ft. Brennick is near Omaha.")
    assert ents["Aldmoor"][0] == "Facility", ents
    assert "Financial Times" not in ents, ents
    doc = extractor.nlp("; and (8) Southmere, near Vellmar City")
    assert [t.text for t in doc[2:5]] == ["(", "8)", "Southmere"]  # the tokenizer keeps "8)" whole
    assert trim_span(doc[2:5]).text == "Southmere"


def test_initials_of_common_words_name_no_entity(extractor):
    """ "could lead to a substantial lessening of competition (SLC)", "required a federal
    certificate of fitness (CoF)": initials of lowercase words name a notion; as nodes they
    became what the regulator monitored."""
    _, ents = _entities(extractor, "The Osric Markets Authority found that Talvor's purchase could lead to a "
                                   "substantial lessening of competition (SLC) in poultry feed. The SLC worries the "
                                   "Authority. Brenna Rail required a federal certificate of fitness (CoF) to operate. "
                                   "The Agency issued a CoF to Brenna Rail.")
    assert "SLC" not in ents and "CoF" not in ents, ents
    assert "Brenna Rail" in ents, ents


def test_a_definite_description_prefers_the_subject_before_a_later_name_of_its_kind(rules_only):
    """ "Airglades Airport, a general aviation reliever airport ..., is located 80 miles from Miami
    International Airport. The airport is owned and operated by Hendry County": the airport is
    the one the sentence before is about, not the last airport it named."""
    got = triples(rules_only, "Talvor Airport, a general aviation reliever airport in Osterby, Florida, is located "
                              "80 miles from Kelvane International Airport. The airport is owned and operated by "
                              "Brenna County.")
    assert {("Brenna County", "owns", "Talvor Airport"), ("Brenna County", "operates", "Talvor Airport")} <= got, got
    assert not any(o == "Kelvane International Airport" for _s, _p, o in got), got


@pytest.mark.parametrize("text,expected", [
    # "The winning proposal identified NVS3T as a wholly owned subsidiary of Lockheed Martin"
    ("The winning proposal identified Kelvane Services as a wholly owned subsidiary of Talvor Holdings.",
     ("Talvor Holdings", "owns", "Kelvane Services")),
    # "On 1 April 2016 Sellafield Ltd became a wholly owned subsidiary of the NDA": the parser
    # takes the name for the object of the opening "On"
    ("On 1 April 2016 Kelvane Ltd became a wholly owned subsidiary of Talvor Holdings.",
     ("Talvor Holdings", "owns", "Kelvane Ltd")),
], ids=["as-a-subsidiary", "date-before-the-subject"])
def test_a_child_noun_said_of_a_name_the_parser_hung_elsewhere(rules_only, text, expected):
    got = triples(rules_only, text)
    assert expected in got, got


def test_shareholders_in_a_company_set_beside_their_names_own_it(rules_only):
    """ "SNCF and SNCB—the other shareholders in Eurostar—have the option ...": an agent noun
    with "in" an organisation, said of each name it follows."""
    got = triples(rules_only, "Osric Rail and Brenna Rail—the other shareholders in Kelvane Ltd—have the option to "
                              "acquire the stake.")
    assert {("Osric Rail", "owns", "Kelvane Ltd"), ("Brenna Rail", "owns", "Kelvane Ltd")} <= got, got


def test_a_share_in_parentheses_does_not_cut_a_list_of_agents(rules_only):
    """ "Eurogate is jointly controlled by EUROKAI KGaA (50%) and BEG LOGISTICS GROUP AG & Co. KG
    (50%)": the share cut the list and the second holder hung from the participle, unread."""
    got = triples(rules_only, "Kelvane is jointly controlled by TALVOR KGaA (50%) and OSRIC LOGISTICS GROUP AG & Co. "
                              "KG (50%).")
    assert {("TALVOR KGaA", "owns", "Kelvane"), ("OSRIC LOGISTICS GROUP AG & Co. KG", "owns", "Kelvane")} <= got, got


def test_a_whole_made_of_its_divisions_owns_them(rules_only):
    """ "AECL consisted of two divisions: the Nuclear Laboratories and the CANDU Reactor
    Division": parts a child noun names belong to the whole; members a member verb lists
    without one hold it ("X consists of A and B")."""
    got = triples(rules_only, "Prior to restructuring, Brenna Energy of Canada Limited (BECL) consisted of two "
                              "divisions: the Nuclear Laboratories and the KANDU Reactor Division. Kelvane Partners is "
                              "a limited liability company which consists of Talvor Inc. and Osric LLC.")
    assert {("Brenna Energy of Canada Limited", "owns", "Nuclear Laboratories"),
            ("Brenna Energy of Canada Limited", "owns", "KANDU Reactor Division"),
            ("Talvor Inc.", "owns", "Kelvane Partners"), ("Osric LLC", "owns", "Kelvane Partners")} <= got, got
