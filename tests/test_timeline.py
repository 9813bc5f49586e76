"""The timeline view in a real headless Chromium: rows per entity, bars in valid time,
decisions as marks, filters, offline, escaped — on the inline graph with a known history."""

from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from graph.analyze import project
from graph.cli import cli
from graph.store import Store
from graph.timeline import build_timeline, read_decisions, render_timeline, write_timeline

from .browser import ARTIFACTS, LoadedPage, browser, needs_chromium  # noqa: F401 (browser: a fixture)
from .test_temporal import history  # noqa: F401 (a fixture)

pytestmark = needs_chromium


class Page(LoadedPage):
    """A loaded timeline."""

    def __init__(self, browser, html_path: Path, *, width=1400, height=520):
        super().__init__(browser, html_path, width=width, height=height)

    def rows(self):
        """The row labels drawn, top to bottom."""
        return self.js("[...document.querySelectorAll('.vis-labelset .vis-label .row-label .name')]"
                       ".map(e => e.textContent)")

    def bars(self):
        """The text of every bar and mark drawn."""
        return sorted(self.js("[...document.querySelectorAll('#timeline .vis-item .vis-item-content')]"
                              ".map(e => e.textContent)"))


@pytest.fixture(scope="module")
def history_page(history, tmp_path_factory, browser):
    out = tmp_path_factory.mktemp("timeline") / "timeline.html"
    r = CliRunner().invoke(cli, ["view", "--timeline", "--store", str(history), "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "3 entities, 3 relations and 1 decisions in time, 0 without a date" in r.output, r.output
    page = Page(browser, out)
    yield page
    page.page.close()


def test_timeline_loads_offline_without_errors(history_page):
    page = history_page
    assert page.errors == [], page.errors
    assert [u for u in page.requests if not u.startswith("file:")] == [], page.requests
    linked = page.js("[...document.querySelectorAll('[src],[href]')].map(e => e.getAttribute('src') || e.getAttribute('href'))")
    assert linked == [], linked


def test_known_history_has_a_row_per_entity_and_a_bar_per_relation(history_page):
    page = history_page
    assert page.rows() == ["Tollerort Terminal", "Acme", "Germany"]  # by when their first bar starts
    assert page.bars() == ["blocked → Acme", "operates → Hamburg berth", "order",
                           "owns 35% → 24.9% → Tollerort Terminal"]


def test_owns_bar_spans_the_purchase_to_the_sale(history_page):
    """Bought in 2015, sold in February 2023: the bar covers 2015-01-01 up to the end of February 2023."""
    page = history_page
    owns = page.js("sckgTimeline.items.get().filter(i => sckgTimeline.data.items[i.id].relation === 'owns')"
                   ".map(i => [String(i.start), String(i.end)])")
    assert owns == [["2015-01-01", "2023-03-01"]], owns
    rec = page.js("sckgTimeline.data.items.find(r => r.relation === 'owns')")
    assert (rec["from"], rec["until"], rec["open"], rec["fromSource"]) == ("2015", "2023-02", False, "valid from")
    # drawn: the bar starts at the 2015 tick of the axis and ends two months into 2023 (about 1/6 of a year)
    x = page.js("""(() => { const bar = [...document.querySelectorAll('.vis-item.rel')]
        .find(e => e.textContent.startsWith('owns')).getBoundingClientRect();
        const tick = y => [...document.querySelectorAll('.vis-time-axis.vis-foreground .vis-text.vis-minor')]
            .find(e => e.textContent === y).getBoundingClientRect().left;
        return [bar.left, bar.right, tick('2015'), tick('2023'), tick('2024')]; })()""")
    left, right, t2015, t2023, t2024 = x
    assert abs(left - t2015) < 3, x
    assert abs((right - t2023) / (t2024 - t2023) - 2 / 12) < 0.03, x
    # the terminal's operation never ended: open, drawn to the latest date in the graph
    op = page.js("sckgTimeline.data.items.find(r => r.relation === 'operates')")
    assert (op["from"], op["open"], op["end"]) == ("2010", True, "2024-01-11")


def test_decision_is_a_star_mark_on_the_actors_row_with_its_effects(history_page):
    page = history_page
    mark = page.js("sckgTimeline.data.items.find(r => r.kind === 'decision')")
    assert (mark["subject"], mark["kindLabel"], mark["from"], mark["start"], mark["targets"]) == \
        ("Germany", "order", "2020-03", "2020-03-01", ["Acme"])
    (effect,) = mark["effects"]
    assert (effect["change"], effect["subject"], effect["relation"], effect["object"], effect["before"],
            effect["after"]) == ("changed", "Acme", "owns", "Tollerort Terminal", "0.35", "0.249")
    dot = page.page.locator("#timeline .vis-item.vis-dot.decision")
    assert dot.count() == 1
    clip = page.js("getComputedStyle(document.querySelector('.vis-item.vis-dot.decision')).clipPath")
    assert clip.startswith("polygon"), clip  # a star, not the default dot
    # on Germany's row
    row = page.js("""(() => { const d = document.querySelector('.vis-item.vis-dot.decision').getBoundingClientRect();
        const labels = [...document.querySelectorAll('.vis-labelset .vis-label')];
        const l = labels.find(l => { const r = l.getBoundingClientRect(); return r.top <= d.top && d.bottom <= r.bottom; });
        return l && l.textContent; })()""")
    assert row and row.startswith("Germany"), row
    # a click shows kind, actor, targets, effects and the sentence with its document
    box = page.page.locator("#timeline .vis-item.vis-point.decision").bounding_box()
    page.page.mouse.click(box["x"] + 4, box["y"] + box["height"] / 2)
    text = page.page.inner_text("#details")
    for part in ("order by Germany: Acme", "2020-03", "changed: Acme owns Tollerort Terminal (stake 35% → 24.9%)",
                 "In March 2020 Berlin ordered Acme", "a2024.txt"):
        assert part in text, text
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.mouse.move(box["x"] + 4, box["y"] + box["height"] / 2)
    page.page.wait_for_selector("div.vis-tooltip", state="visible")
    assert "Legal basis" not in page.page.inner_text("div.vis-tooltip")  # none stated
    # the tooltip wraps its sentence inside the window (the library's own style is nowrap)
    fits = page.js("""(() => { const t = document.querySelector('div.vis-tooltip'); const r = t.getBoundingClientRect();
        return [r.right <= window.innerWidth, t.scrollWidth <= t.clientWidth]; })()""")
    assert fits == [True, True], fits
    page.page.screenshot(path=str(ARTIFACTS / "timeline-click.png"))
    page.js("sckgTimeline.timeline.setSelection([])")
    page.page.mouse.move(0, 0)


def test_relation_filter_hides_bars(history_page):
    page = history_page
    try:
        page.page.locator('input[data-relation="owns"]').uncheck()
        assert "owns 35% → 24.9% → Tollerort Terminal" not in page.bars()
        assert page.rows() == ["Tollerort Terminal", "Germany"]  # Acme has nothing else to show
        page.page.locator('input[data-decisions]').uncheck()
        assert "order" not in page.bars()
    finally:
        page.page.locator('input[data-relation="owns"]').check()
        page.page.locator('input[data-decisions]').check()
    assert len(page.bars()) == 4


def test_entity_filter_keeps_what_names_the_entity(history_page):
    page = history_page
    try:
        page.page.fill("#search", "tollerort")
        assert page.rows() == ["Tollerort Terminal", "Acme"]  # its own bar, and Acme owning it
        assert page.bars() == ["operates → Hamburg berth", "owns 35% → 24.9% → Tollerort Terminal"]
        page.page.fill("#search", "acme")  # Germany's order targets Acme: the mark stays
        assert page.rows() == ["Acme", "Germany"]
        assert "order" in page.bars()
        page.page.fill("#search", "nobody")
        assert page.rows() == [] and page.page.inner_text("#search-status") == "no match"
    finally:
        page.page.fill("#search", "")
    assert page.rows() == ["Tollerort Terminal", "Acme", "Germany"]
    assert page.errors == [], page.errors


def test_timeline_screenshot(history_page):
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "timeline.png"
    history_page.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000


def test_as_of_and_relation_options_narrow_the_timeline(history, tmp_path):
    out = tmp_path / "t.html"
    r = CliRunner().invoke(cli, ["view", "--timeline", "--store", str(history), "--out", str(out),
                                 "--as-of", "2016"])
    assert r.exit_code == 0, r.output
    assert "2 entities, 2 relations and 0 decisions in time" in r.output, r.output  # owns and operates held
    r = CliRunner().invoke(cli, ["view", "--timeline", "--store", str(history), "--out", str(out),
                                 "--relation", "owns"])
    assert r.exit_code == 0, r.output
    # Germany's order changed the stake: its mark stays on Germany's row
    assert "2 entities, 1 relations and 1 decisions" in r.output, r.output
    r = CliRunner().invoke(cli, ["view", "--timeline", "--store", str(history), "--out", str(out),
                                 "--focus", "Tollerort Terminal", "--depth", "1"])
    assert r.exit_code == 0, r.output
    assert "2 entities, 2 relations and 0 decisions" in r.output, r.output  # Germany is two hops away
    r = CliRunner().invoke(cli, ["view", "--timeline", "--store", str(history), "--out", str(out),
                                 "--as-of", "June 2016"])
    assert r.exit_code != 0 and "--as-of: 'June 2016' is not a date" in r.output, r.output


def test_undated_relations_are_listed_not_dropped(browser, ontology, tmp_path):
    g = nx.MultiDiGraph()
    for n in ("a", "b", "c"):
        g.add_node(n, label=n.upper() + " Corp", type="Company", names=[n], same_as=[])
    ev = {"sentence": "A Corp owns B Corp.", "document": "d1", "document_date": None, "valid_from": None,
          "valid_until": None, "status": "reported", "confidence": 0.9, "method": "m", "title": None, "file": "x.txt"}
    g.add_edge("a", "b", key="owns", relation="owns", asserted=True, evidence=[ev])
    g.add_edge("b", "c", key="operates", relation="operates", asserted=True,
               evidence=[{**ev, "sentence": "B Corp runs C Corp since 2019.", "valid_from": "2019"}])
    out = tmp_path / "t.html"
    t = write_timeline(g, [], ontology, out)
    assert [(u["subject"], u["relation"], u["object"]) for u in t.undated] == [("A Corp", "owns", "B Corp")]
    page = Page(browser, out)
    assert page.rows() == ["B Corp"]
    cells = page.js("[...document.querySelectorAll('#undated-table tbody tr')].map(r => [...r.cells].map(c => c.textContent))")
    assert cells == [["A Corp", "owns", "B Corp", "reported", "", "“A Corp owns B Corp.”", "x.txt"]], cells
    assert page.page.text_content("#undated-head") == "Without a date (1)"
    page.page.locator('input[data-relation="owns"]').uncheck()  # the relation filter applies to the table too
    assert page.page.text_content("#undated-head") == "Without a date (0 of 1)"
    assert page.errors == [], page.errors
    page.page.close()


PAYLOADS = ["<img src=x onerror=\"window.__xss=1\">", "<script>window.__xss=2</script>",
            "\"><svg onload=window.__xss=3>", "</script><script>window.__xss=4</script>",
            "<b onmouseover=window.__xss=5>bold</b>"]


def test_timeline_strings_never_run_as_code(browser, ontology, tmp_path):
    """Labels, sentences, legal basis and document names full of HTML render as text; nothing runs."""
    g = nx.MultiDiGraph()
    for i, p in enumerate(PAYLOADS):
        g.add_node(f"n{i}", label=p, type="Company", names=[p], same_as=[])
    for i in range(len(PAYLOADS) - 1):
        g.add_edge(f"n{i}", f"n{i + 1}", key="owns", relation="owns", asserted=i % 2 == 0, evidence=[{
            "sentence": PAYLOADS[i + 1], "title": PAYLOADS[i], "document": "doc", "document_date": "2020-01-01",
            "valid_from": "2019" if i else None, "valid_until": None, "status": "alleged", "confidence": 0.9,
            "method": "<b>m</b>", "share": None}])
    g.add_edge("n0", "n4", key="operates", relation="operates", asserted=True, evidence=[{
        "sentence": PAYLOADS[3], "title": None, "file": PAYLOADS[2], "document": "doc", "document_date": None,
        "status": "reported", "method": "m"}])  # undated: into the table
    decisions = [{"iri": "d", "kind": "order", "actor": "n1", "date": "2021", "basis": PAYLOADS[4],
                  "sentence": PAYLOADS[0], "status": "reported", "document": "doc", "document_date": "2021-01-01",
                  "title": PAYLOADS[1], "file": None, "targets": ["n2"],
                  "effects": [{"change": "changed", "subject": "n0", "relation": "owns", "object": "n1",
                               "sentence": PAYLOADS[3], "before": "0.5", "after": "0.2"}]}]
    out = tmp_path / "xss.html"
    write_timeline(g, decisions, ontology, out, title="<script>window.__xss = 9</script>")
    html = out.read_text(encoding="utf-8")
    assert "<script>window.__xss" not in html and "<img src=x" not in html and "<svg" not in html
    page = Page(browser, out)
    assert sorted(page.rows()) == sorted(PAYLOADS[:4])
    for i in page.js("sckgTimeline.data.items.map(r => r.id)"):  # every card, as tooltip and in the side panel
        page.js(f"sckgTimeline.showDetails({i})")
        assert page.js("document.querySelectorAll('#details script, #details img, #details svg, #details b').length") == 0
    tips = page.js("sckgTimeline.items.get().map(i => i.title.innerHTML)")
    assert all("<script" not in t and "<img" not in t and "<svg" not in t and "<b " not in t for t in tips), tips
    for box in page.page.locator("#timeline .vis-item.vis-range, #timeline .vis-item.vis-point").all():
        box.hover()
    page.page.fill("#search", "<")
    assert page.js("document.querySelectorAll('#app img, #app svg, #app script, #app b').length") == 0
    assert "“</script><script>window.__xss=4</script>”" in page.page.inner_text("#undated-table")
    assert page.js("window.__xss") is None
    assert page.dialogs == [] and page.errors == [], (page.dialogs, page.errors)
    assert page.page.title() == "<script>window.__xss = 9</script>"
    page.page.close()


def test_same_graph_same_html(history, ontology):
    with Store(history, mode="read") as s:
        g, decisions = project(s), read_decisions(s)
    assert render_timeline(build_timeline(g, decisions, ontology)) == \
        render_timeline(build_timeline(g, decisions, ontology))


def test_many_rows_show_the_busiest_entities_with_a_notice(ontology):
    g = nx.MultiDiGraph()
    for i in range(30):
        g.add_node(f"n{i}", label=f"Company {i:02d}", type="Company", names=[], same_as=[])
    for i in range(1, 30):
        for j in range(i % 3 + 1):
            g.add_edge(f"n{i}", f"n{(i + j + 1) % 30}", key="owns", relation="owns", asserted=True,
                       evidence=[{"sentence": "s", "document": "d", "document_date": f"20{i:02d}"}])
    t = build_timeline(g, [], ontology, max_rows=10)
    assert len(t.groups) == 10 and "10 entities with the most relations and decisions of 29" in t.notice
    assert all(gr["count"] == 3 for gr in t.groups)
