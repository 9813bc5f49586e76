"""Dates on relations from the text around them: a neighbouring sentence, another record of
the same relation, ranges and spelled-out days; and which files of a folder are articles."""

from click.testing import CliRunner

from graph.cli import cli
from graph.extract.dates import parse_date, parse_range
from graph.store import Store

from .conftest import extract_text


def _owns(rows, subject, obj):
    return [ev for s, p, o, ev in rows if (s, p, o) == (subject, "owns", obj)]


def test_date_in_the_next_sentence_starts_the_relation_and_cites_it(extractor):
    text = "Cosco agreed to buy a stake in the Hamburg terminal operator HHLA. The deal closed in March 2019."
    evs = _owns(extract_text(extractor, text), "Cosco", "HHLA")
    assert evs and all(e.valid_from == "2019-03" and e.valid_until is None for e in evs), evs
    cited = {(e.time_sentence, e.time_start, e.time_end) for e in evs}
    assert cited == {("The deal closed in March 2019.", text.index("The deal"), len(text))}, cited


def test_date_in_the_next_sentence_ends_a_sale(extractor):
    evs = _owns(extract_text(extractor, "Cosco sold its stake in HHLA. The sale was completed in 2022."),
                "Cosco", "HHLA")
    assert evs and all((e.valid_from, e.valid_until) == (None, "2022") for e in evs), evs


def test_a_deal_named_anew_does_not_date_the_previous_sentence(extractor):
    evs = _owns(extract_text(extractor, "Cosco bought a stake in HHLA. The deal for Tollerort closed in March 2019."),
                "Cosco", "HHLA")
    assert evs and all(e.valid_from is None and e.time_sentence is None for e in evs), evs


def test_undated_record_takes_the_date_of_another_record_of_the_same_relation(extractor):
    text = "Cosco bought a stake in HHLA in 2016. Cosco owns a 24.9% stake in HHLA."
    evs = sorted(_owns(extract_text(extractor, text), "Cosco", "HHLA"), key=lambda e: e.start)
    assert [e.valid_from for e in evs] == ["2016", "2016"], evs
    assert evs[0].time_sentence is None  # its own sentence gives it
    assert (evs[1].time_sentence, evs[1].time_start, evs[1].time_end) == (
        "Cosco bought a stake in HHLA in 2016.", 0, len("Cosco bought a stake in HHLA in 2016.")), evs[1]


def test_carried_date_is_stored_with_its_sentence(tmp_path):
    (tmp_path / "a.txt").write_text(
        "---\ndate: 2019-04-02\n---\nCosco agreed to buy a stake in the Hamburg terminal operator HHLA. "
        "The deal closed in March 2019.\n", encoding="utf-8")
    store = tmp_path / "store"
    r = CliRunner().invoke(cli, ["build", str(tmp_path / "a.txt"), "--store", str(store)])
    assert r.exit_code == 0, r.output
    with Store(store, mode="read") as s:
        rows = list(s.query("""SELECT ?from ?ts ?a ?b WHERE { ?e sckg:validFrom ?from ; sckg:timeSentence ?ts ;
                               sckg:timeStartChar ?a ; sckg:timeEndChar ?b }"""))
    got = {(x["from"].value, x["ts"].value) for x in rows}
    assert got == {("2019-03", "The deal closed in March 2019.")}, got
    assert all(int(x["b"].value) - int(x["a"].value) == len("The deal closed in March 2019.") for x in rows), rows


def test_range_gives_start_and_end_on_a_stative_clause(extractor):
    rows = extract_text(extractor, "The airport is run by FFHG, which between 2009 and 2017 was controlled by "
                                   "the State of Rhineland-Palatinate.")
    evs = _owns(rows, "State of Rhineland-Palatinate", "FFHG")
    assert evs and all((e.valid_from, e.valid_until) == ("2009", "2017") for e in evs), rows


def test_participle_clause_is_not_dated_by_the_sentence_today(extractor):
    """'Today ... an order prohibiting the purchase of real estate operated as a mining facility'
    gave the operation the order's date."""
    rows = extract_text(extractor, "---\ndate: 2024-05-13\n---\nToday the President issued an order requiring "
                                   "the divestment of a site operated by MineOne as a cryptocurrency mining facility.")
    operates = [ev for s, p, o, ev in rows if p == "operates"]
    assert operates and all(ev.valid_from is None for ev in operates), rows


def test_date_on_the_decision_noun_dates_the_clause_it_heads(extractor):
    rows = extract_text(extractor, "The court upheld the Commission's 2019 decision prohibiting the creation of a "
                                   "joint venture by Tata Steel and ThyssenKrupp.")
    blocked = [ev for s, p, o, ev in rows if p == "blocked"]
    assert blocked and all(ev.valid_from == "2019" for ev in blocked), rows


def test_spelled_out_day_and_ranges_parse():
    assert parse_date("April thirtieth", "2009-05-02") == "2009-04-30"
    assert parse_date("May twenty-first 2020", None) == "2020-05-21"
    assert parse_date("June 1", "2009-05-02") == "2008-06-01"  # the latest June 1 up to the article
    assert parse_range("between 2009 and 2017", None) == ("2009", "2017")
    assert parse_range("2017 and 2009", None) is None


def test_build_reads_md_notes_only_when_they_have_front_matter(tmp_path):
    """`sckg build DIR` ingested SOURCES.md and AUDIT notes as articles."""
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.txt").write_text("The German government blocked the sale of Elmos to Sai Micro.\n")
    (folder / "b.md").write_text("---\ntitle: b\n---\nVSSE is monitoring Cainiao at Liège airport.\n")
    (folder / "SOURCES.md").write_text("# Sources\nHuawei owns Honor.\n")
    store = tmp_path / "store"
    r = CliRunner().invoke(cli, ["build", str(folder), "--store", str(store)])
    assert r.exit_code == 0, r.output
    with Store(store, mode="read") as s:
        names = {x["n"].value for x in s.query("SELECT ?n WHERE { ?d sckg:fileName ?n }")}
    assert names == {"a.txt", "b.md"}, names
    r = CliRunner().invoke(cli, ["build", str(folder / "SOURCES.md"), "--store", str(store)])
    assert r.exit_code == 0 and "added 1" in r.output, r.output  # named on its own, it is read
    assert "front matter" in CliRunner().invoke(cli, ["build", "--help"]).output


def test_become_with_today_starts_the_relation_its_participle_states(extractor):
    rows = extract_text(extractor, "---\ndate: 2021-07-01\n---\nAs announced in November of last year, today, "
                                   "Northfield Analytics plc has become a public body, wholly owned by the Ministry of Energy.")
    evs = _owns(rows, "Ministry of Energy", "Northfield Analytics plc")
    assert evs and all((e.valid_from, e.valid_until) == ("2021-07-01", None) for e in evs), rows


def test_a_likely_but_unaccepted_statement_dates_the_relation_stated_elsewhere(ontology):
    """The second sentence states the operation with a date but the model is not sure enough
    to keep it as evidence (here: its threshold raised above its probability); it still dates
    the relation the first sentence states."""
    import dataclasses

    from graph.extract import WEAK, Extractor
    text = ("Harbor Logistics LLC will manage and operate the Eastport Container Terminal. "
            "Harbor Logistics LLC will assume responsibility for the terminal on October 1, 2012.")
    model = Extractor(ontology).classifier
    k = model.relations.index("operates")
    sure = Extractor(ontology)
    second = [ev for s, p, o, ev in extract_text(sure, text) if p == "operates" and ev.start > 0]
    assert second, "the model keeps the dated statement at its own threshold"
    # above what the document's sentences give together (so the model keeps no sentence of
    # it), below the second sentence's probability / WEAK
    raised = 0.999
    assert second[0].confidence >= raised * WEAK
    unsure = Extractor(ontology, relation_model=dataclasses.replace(
        model, thresholds=tuple(raised if i == k else t for i, t in enumerate(model.thresholds))))
    rows = [(s, p, o, ev) for s, p, o, ev in extract_text(unsure, text) if p == "operates"]
    assert [ev.start for *_, ev in rows] == [0], rows  # the second sentence is no evidence now
    ev = rows[0][3]
    assert ev.valid_from == "2012-10-01" and ev.time_sentence.startswith("Harbor Logistics LLC will assume"), ev


def test_a_state_actors_dated_review_with_no_target_dates_its_review_of_the_target(extractor):
    """Press releases open with "Today, the Commission is launching an in-depth investigation"
    and name the company in a later sentence: that sentence's relation takes the opening's
    date, and cites it. Two different dates for the actor's reviews date nothing. (The date
    logic is tested whatever the shipped model's threshold: this extractor keeps ``monitors``
    from 0.5; the shipped model scores the statement about 0.8.)"""
    import dataclasses

    from graph.document import parse_article
    from graph.extract import Extractor
    model = extractor.classifier
    k = model.relations.index("monitors")
    extractor = Extractor(extractor.ontology, nlp=extractor.nlp, relation_model=dataclasses.replace(
        model, thresholds=tuple(0.5 if i == k else t for i, t in enumerate(model.thresholds))))
    text = ("---\ndate: 2024-05-02\n---\nToday, the European Commission is launching an in-depth investigation "
            "under the Foreign Subsidies Regulation. The Commission will examine whether Vantor Logistics "
            "received foreign subsidies that distort the internal market.\n")
    x = extractor.extract(parse_article(text, name="fsr.txt"))
    evs = [r.evidence for r in x.relations if r.relation == "monitors"
           and x.entities[r.object].label == "Vantor Logistics"]
    assert evs and all(e.valid_from == "2024-05-02" for e in evs), evs
    assert all(e.time_sentence.startswith("Today, the European Commission is launching") for e in evs), evs
    assert all(e.sentence.startswith("The Commission will examine") for e in evs), evs
    two = text.replace("the internal market.", "the internal market. In 2019 the Commission opened a review.")
    x = extractor.extract(parse_article(two, name="fsr2.txt"))
    reviews = [r for r in x.relations if r.relation == "monitors" and x.entities[r.object].label == "Vantor Logistics"]
    assert reviews and all(r.evidence.valid_from is None for r in reviews), x.relations


def test_a_date_the_parser_hung_from_the_auxiliary_dates_the_verb(extractor):
    """ "is today sanctioning X": the parser makes "is" the clause and "sanctioning" an
    adverbial clause of it; the date is the verb's all the same."""
    from graph.extract.timing import date_phrases, valid_time
    doc = extractor.nlp("The U.S. Department of State is today sanctioning Vantor Storage, an oil terminal in "
                        "China, for buying Iranian crude oil.")
    verb = next(t for t in doc if t.text == "sanctioning")
    assert verb.dep_ == "advcl" and verb.head.lemma_ == "be"  # the parse the rule mends
    vt = valid_time(verb, date_phrases(doc), "2025-03-20", extractor.ontology.time_cues)
    assert (vt.start, vt.end) == ("2025-03-20", None), vt


def test_an_act_in_the_present_progressive_is_done_on_the_documents_date(extractor):
    """ "is imposing sanctions": an act done at once (the ontology's act verbs) reported in
    the present progressive with no date is done on the document's date; an ongoing review
    ("is investigating") has no start the text gives."""
    from graph.extract.timing import date_phrases, valid_time
    cues = extractor.ontology.time_cues

    def start(text, verb):
        doc = extractor.nlp(text)
        vt = valid_time(next(t for t in doc if t.text == verb), date_phrases(doc), "2019-09-25", cues)
        return vt.start, vt.end

    assert start("The United States is imposing sanctions on Vantor Shipping.", "imposing") == ("2019-09-25", None)
    assert start("The Commission is investigating the merger of Vantor and Brenna.", "investigating") == (None, None)
    assert start("The United States imposed sanctions on Vantor Shipping.", "imposed") == (None, None)


def _valid(extractor, text, word, doc_date=None, relation=None):
    """The start and end ``valid_time`` reads for the first token ``word`` of ``text``."""
    from graph.extract.timing import date_phrases, valid_time
    doc = extractor.nlp(text)
    closing = extractor.ontology.relations[relation].closing_verbs if relation else frozenset()
    vt = valid_time(next(t for t in doc if t.text == word), date_phrases(doc), doc_date,
                    extractor.ontology.time_cues, closing)
    return vt.start, vt.end


def test_a_review_its_actor_discontinues_ends_then(extractor):
    """ "discontinued its investigation in November 2019": a closing verb of the review
    (the ontology's sckg:closingVerb of monitors) with the review noun as its object ends
    it; the same clause with "opened" starts it, and the closing verbs are the review's
    only ("completed the acquisition" is no end of ownership)."""
    text = "The Bureau discontinued its investigation into Kelvane Freight in November 2019."
    assert _valid(extractor, text, "investigation", relation="monitors") == (None, "2019-11")
    assert _valid(extractor, text.replace("discontinued", "opened"), "investigation",
                  relation="monitors") == ("2019-11", None)
    assert _valid(extractor, "Kelvane completed the acquisition of Brenna Freight in November 2019.",
                  "acquisition", relation="owns") == ("2019-11", None)


def test_a_when_clause_takes_the_time_it_names(extractor):
    """ "erupted in September 2005, when the United States imposed restrictions on X": the
    parser hangs the when-clause from the date; the act is done then."""
    text = ("The dispute erupted in September 2005, when the United States imposed restrictions on "
            "Kelvane Bank for alleged money laundering.")
    assert _valid(extractor, text, "imposed") == ("2005-09", None)


def test_a_when_clause_takes_its_date_without_the_main_clauses_until(extractor):
    """ "ran the line until 1998, when it entered into a lease with Y": "until" ends the
    main clause's relation; the lease begins then."""
    text = ("Kelvane Rail owned and operated the Brenna line until 1998, when it entered into a "
            "20-year lease agreement with Talvor Railway.")
    assert _valid(extractor, text, "entered") == ("1998", None)
    assert _valid(extractor, text, "operated") == (None, "1998")


def test_since_a_dated_event_starts_the_relation(extractor):
    """ "operated by X since its founding in 1962": the date of the noun after "since"
    starts the relation, even on a verb that only says it holds."""
    text = "The Brenna laboratory has been operated by Kelvane University since its founding in 1962."
    assert _valid(extractor, text, "operated") == ("1962", None)
    assert _valid(extractor, text.replace("since", "after"), "operated") == (None, None)


def test_a_participle_clause_of_the_same_act_shares_its_date(extractor):
    """ "Friday, X awarded A a contract, while granting B another": one act, one day; a
    participle with a subject of its own is another's act."""
    text = ("Friday, Talvor awarded contracts to Kelvane Oil, while granting another major "
            "contract to Brenna Petroleum.")
    assert _valid(extractor, text, "granting", "2009-12-12") == ("2009-12-11", None)
    assert _valid(extractor, text.replace("while granting", "Talvor's partner granting"), "granting",
                  "2009-12-12") == (None, None)


def test_an_abbreviated_month_before_a_number_is_a_month():
    assert parse_date("Feb. 18, 2020", None) == "2020-02-18"
    assert parse_date("Sept 2019", None) == "2019-09"
    assert parse_date("Dec. 5", "2021-06-01") == "2020-12-05"
    assert parse_date("Jan", "2021-06-01") is None  # a name, not a month, without a number


def test_a_founding_dates_the_ownership_stated_elsewhere(extractor):
    """ "X was created in 2012" starts "Y owns X" stated in another sentence, citing the
    founding sentence; a record with a date of its own keeps it."""
    text = ("Brenna Transit Corporation was created in 2012 to manage the new crossing. "
            "Brenna Transit Corporation is a subsidiary of Kelvane Holdings.")
    evs = _owns(extract_text(extractor, text), "Kelvane Holdings", "Brenna Transit Corporation")
    assert evs and all(e.valid_from == "2012" for e in evs), evs
    assert {e.time_sentence for e in evs} == {text.split(". ")[0] + "."}
    text = text.replace("Brenna Transit Corporation is", "Since 2015, Brenna Transit Corporation has been")
    evs = _owns(extract_text(extractor, text), "Kelvane Holdings", "Brenna Transit Corporation")
    assert evs and all(e.valid_from == "2015" for e in evs), evs


def test_a_perfect_reported_by_a_dated_statement_is_done_on_its_date(extractor):
    """ "announced today it has awarded X the contract": the award is done by the day of the
    announcement; a plan it announces ("it will award") is not."""
    text = ("The Department of Energy announced today it has awarded Kelvane Solutions LLC the management "
            "contract for Brenna National Laboratory.")
    assert _valid(extractor, text, "awarded", "2016-12-16") == ("2016-12-16", None)
    assert _valid(extractor, text.replace("has awarded", "will award"), "award", "2016-12-16") == (None, None)


def _monitors_from_half(extractor):
    """An extractor that keeps ``monitors`` from 0.5, so these tests test the date logic
    whatever the shipped model's threshold."""
    import dataclasses

    from graph.extract import Extractor
    model = extractor.classifier
    k = model.relations.index("monitors")
    return Extractor(extractor.ontology, nlp=extractor.nlp, relation_model=dataclasses.replace(
        model, thresholds=tuple(0.5 if i == k else t for i, t in enumerate(model.thresholds))))


def _reviews(extractor, text, target):
    """The evidence of the European Commission's review of ``target``."""
    from graph.document import parse_article
    x = extractor.extract(parse_article(text, name="review.txt"))
    return [r.evidence for r in x.relations if r.relation == "monitors" and x.entities[r.object].label == target
            and x.entities[r.subject].label == "European Commission"]


def test_a_notification_starts_the_review(extractor):
    """Merger notices say when the deal was notified, in a sentence of its own: that date
    starts the review the notice reports (the ontology's sckg:openingWord), and the record
    cites the sentence it was read from. A notification to another state body starts none
    of this actor's reviews."""
    text = ("The European Commission has cleared under the EU Merger Regulation the proposed acquisition of "
            "Kelvane Motors by Brenna Holdings. The transaction was notified on 1 June 2010.\n")
    evs = _reviews(extractor, text, "Kelvane Motors")
    assert evs and all(e.valid_from == "2010-06-01" for e in evs), evs
    assert all(e.time_sentence == "The transaction was notified on 1 June 2010." for e in evs), evs
    other = text.replace("notified on", "notified to the Dutch Authority for Consumers and Markets on")
    evs = _reviews(extractor, other, "Kelvane Motors")
    assert evs and all(e.valid_from is None for e in evs), evs


def test_the_actors_dated_review_of_one_target_dates_the_same_review_of_another(extractor):
    """ "opened an investigation into X" on a date; "the contract between X and Y will also
    be investigated": the review of Y, in a sentence naming X, is that review, even when the
    actor's reviews in the document have other dates too."""
    extractor = _monitors_from_half(extractor)
    text = ("On 10 July 2007 the European Commission opened a formal investigation into Kelvane Airport GmbH. "
            "The Commission will also investigate the contract between Kelvane Airport GmbH and Brenna Air. "
            "In 2004 the Commission opened an inquiry into Tarvo Rail.\n")
    evs = _reviews(extractor, text, "Brenna Air")
    assert evs and all(e.valid_from == "2007-07-10" for e in evs), evs
    assert all(e.time_sentence.startswith("On 10 July 2007 the European Commission opened") for e in evs), evs
    evs = _reviews(extractor, text, "Tarvo Rail")
    assert evs and all(e.valid_from == "2004" for e in evs), evs


def test_the_date_of_an_order_prohibiting_a_purchase_is_no_start_of_ownership(extractor):
    """ "Today the President prohibited the acquisition of X by Y": today is the order's date;
    Y's ownership of X (prohibited, at most planned) did not begin then. A date the ownership
    clause gives itself still starts it."""
    order = "---\ndate: 2024-05-13\n---\nToday the President prohibited the acquisition of "
    evs = _owns(extract_text(extractor, order + "Kelvane Systems by Brenna Capital.\n"), "Brenna Capital",
                "Kelvane Systems")
    assert evs and all(e.valid_from is None and e.valid_until is None for e in evs), evs
    evs = _owns(extract_text(extractor, "---\ndate: 2024-05-13\n---\nToday the President issued an order requiring "
                             "Brenna Capital to divest Kelvane Systems, which it acquired in 2022.\n"),
                "Brenna Capital", "Kelvane Systems")
    assert evs and all(e.valid_from == "2022" for e in evs), evs


def test_an_award_dates_the_contract_not_the_operation_it_is_for(extractor):
    """ "DOE today awarded X the management and operating contract for Y": the partnership
    with DOE begins today; X's operation of Y does not begin with the award, and no word of
    operation links the two in that clause."""
    rows = extract_text(extractor, "---\ndate: 2016-12-16\n---\nThe Department of Energy today awarded Kelvane "
                                   "Solutions LLC the management and operating contract for Brenna National "
                                   "Laboratory.\n")
    runs = [ev for s, p, o, ev in rows if p == "operates" and s == "Kelvane Solutions LLC"]
    assert runs and all(ev.valid_from is None for ev in runs), rows
    deal = [ev for s, p, o, ev in rows if p == "partnersWith" and "Kelvane Solutions LLC" in (s, o)]
    assert deal and all(ev.valid_from == "2016-12-16" for ev in deal), rows


def test_a_noun_announced_before_an_infinitive_is_dated_by_the_announcement(extractor):
    """ "Kelvane today announced a partnership with Brenna to occupy the hangar": the parser
    makes "partnership" the subject of "to occupy"; it is what was announced, on the day of
    the announcement."""
    text = "Kelvane today announced a partnership with Brenna Florida to exclusively occupy, use and modify the Talvor hangar."
    assert _valid(extractor, text, "partnership", "2011-10-31") == ("2011-10-31", None)


def test_the_year_that_names_a_law_dates_nothing(extractor):
    """ "under section 721 of the Defense Production Act of 1950": 1950 is part of the law's
    name, no date of the review."""
    from graph.extract.timing import date_phrases
    doc = extractor.nlp("Kelvane reviewed the purchase of Brenna Ltd. under section 721 of the Defense Production Act "
                        "of 1950, as amended, on 4 May 2021.")
    assert [text for _, _, text in date_phrases(doc)] == ["4 May 2021"]


def test_effective_before_a_date_introduces_it(extractor):
    """ "Effective 8 July 2010, Osric Airport acquired a 24.99% shareholding in Brenna": the
    parser may make "Effective" a clause of its own; it only opens the date."""
    from graph.document import parse_article
    text = ("---\ntitle: t\ndate: 2010-09-01\n---\nBrenna Airport Corporation Limited (BACL) owns Brenna Airport.\n\n"
            "Effective 8 July 2010, Osric Airport acquired an initial 24.99% shareholding of the increased capital in "
            "BACL by subscribing for approximately 4.0 million new shares.")
    x = extractor.extract(parse_article(text, name="t.txt"))
    owns = [r for r in x.relations if r.relation == "owns" and x.entities[r.subject].label == "Osric Airport"]
    assert owns and owns[0].evidence.valid_from == "2010-07-08", owns


def test_an_approval_ends_the_review_on_its_date(extractor):
    """ "On 13 February 2020 the CMA cleared the acquisition": the review ends then; the
    approval's date had been read as the review's start."""
    rows = extract_text(extractor, "---\ndate: 2020-03-01\n---\nOn 13 February 2020 the Competition and Markets "
                                   "Authority cleared the acquisition of Brenna Ltd by Kelvane plc.")
    reviews = [e for s, p, o, e in rows if p == "monitors"]
    assert reviews and all((e.valid_from, e.valid_until) == (None, "2020-02-13") for e in reviews), rows


def test_a_party_named_beside_a_description_in_a_transfer_enters_it(extractor):
    """ "In December 2011, 29,75 % of SEA's capital was sold to the private fund F2i": the
    fund's name is in apposition to "fund", which is what follows "to"; the ownership had no
    date at all."""
    rows = extract_text(extractor, "In December 2011, 30% of Kelvane's capital was sold to the private fund "
                                   "Brenna Partners.")
    buyer = _owns(rows, "Brenna Partners", "Kelvane")
    assert buyer and all((e.valid_from, e.valid_until) == ("2011-12", None) for e in buyer), rows


def test_a_transfer_ends_the_leaving_partys_ownership_and_starts_the_entering_partys(extractor):
    """The party a sale or transfer takes an asset from leaves it on the transfer's date:
    "sold ... on 4 May 2019" ends the seller's ownership (not undated), "acquired ... from A"
    ends A's (not starts it), and the buyer's begins."""
    sold = _owns(extract_text(extractor, "The owner of the Osric terminal, Vantor Holdings, sold it to Brenna Capital "
                                         "on 4 May 2019."), "Vantor Holdings", "Osric terminal")
    assert sold and all((e.valid_from, e.valid_until) == (None, "2019-05-04") for e in sold), sold
    rows = extract_text(extractor, "Brenna Capital acquired the Osric terminal from Vantor Holdings on 4 May 2019.")
    seller = _owns(rows, "Vantor Holdings", "Osric terminal")
    buyer = _owns(rows, "Brenna Capital", "Osric terminal")
    assert seller and all((e.valid_from, e.valid_until) == (None, "2019-05-04") for e in seller), seller
    assert buyer and all((e.valid_from, e.valid_until) == ("2019-05-04", None) for e in buyer), buyer
