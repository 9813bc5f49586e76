"""The HTML view in a real headless Chromium: offline, escaped, interactive."""


import networkx as nx
import pytest

from graph.analyze import project
from graph.view import build_view, render_html, select, write_view

from .browser import ARTIFACTS, LoadedPage, browser, needs_chromium  # noqa: F401 (browser: a fixture)
from .conftest import ROOT

pytestmark = needs_chromium
Page = LoadedPage


@pytest.fixture(scope="module")
def seed_view(seed_store, ontology, tmp_path_factory, browser):
    g = project(seed_store)
    out = tmp_path_factory.mktemp("view") / "graph.html"
    write_view(g, ontology, out)
    page = Page(browser, out)
    yield g, page
    page.page.close()


def test_view_loads_offline_without_errors(seed_view):
    g, page = seed_view
    assert page.errors == [], page.errors
    assert [u for u in page.requests if not u.startswith("file:")] == [], page.requests
    assert page.js("sckgView.nodes.length") == g.number_of_nodes()
    assert page.js("sckgView.edges.length") == g.number_of_edges()
    linked = page.js("[...document.querySelectorAll('[src],[href]')].map(e => e.getAttribute('src') || e.getAttribute('href'))")
    assert linked == [], linked


def test_screenshot_is_written(seed_view):
    _, page = seed_view
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / "seed-view.png"
    page.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000


def test_hover_on_an_edge_shows_its_evidence(seed_view):
    g, page = seed_view
    # the middle of the drawn (possibly curved) edge, from vis-network's own geometry
    edge = page.js("""(() => { const e = sckgView.edges.get().find(e => e.relation === 'monitors'
            && sckgView.nodes.get(e.to).name === 'Cainiao');
        const mid = sckgView.network.body.edges[e.id].edgeType.getPoint(0.5);
        const p = sckgView.network.canvasToDOM(mid);
        const box = document.getElementById('network').getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y}; })()""")
    page.page.mouse.move(edge["x"] - 40, edge["y"] - 40)
    page.page.mouse.move(edge["x"], edge["y"], steps=5)
    tip = page.page.wait_for_selector("div.vis-tooltip", state="visible", timeout=5000)
    text = tip.inner_text()
    assert "closely monitoring the operations of Cainiao" in text, text
    assert "reported" in text


def test_filters_hide_relations_and_types(seed_view):
    _, page = seed_view
    before = page.js("sckgView.edgeView.length")
    page.page.click("input[data-relation=blocked]")
    after = page.js("sckgView.edgeView.length")
    assert after < before, (before, after)
    page.page.click("input[data-relation=blocked]")
    assert page.js("sckgView.edgeView.length") == before
    nodes = page.js("sckgView.nodeView.length")
    page.page.click("input[data-type=State]")
    assert page.js("sckgView.nodeView.length") < nodes
    page.page.click("input[data-type=State]")


def test_search_finds_and_selects_a_node(seed_view):
    _, page = seed_view
    page.page.fill("#search", "alib")
    selected = page.js("sckgView.network.getSelectedNodes().map(id => sckgView.nodes.get(id).label)")
    assert selected == ["Alibaba"], selected
    assert "Alibaba" in page.page.inner_text("#search-status")


PAYLOADS = [
    "<script>window.__xss = 1</script>",
    "<img src=x onerror=\"window.__xss = 2\">",
    "<a href=\"javascript:window.__xss=3\">href</a>",
    "\"><svg onload=window.__xss=4>",
    "</script><script>window.__xss = 5</script>",
    "{{ 7*7 }} ${alert(6)} href",
]


def test_article_strings_never_run_as_code(browser, ontology, tmp_path):
    """Entities and evidence full of HTML and JavaScript render as text; nothing executes."""
    g = nx.MultiDiGraph()
    for i, p in enumerate(PAYLOADS):
        g.add_node(f"n{i}", label=p, type="Company", names=[p, p + " alias"], same_as=[])
    for i in range(len(PAYLOADS) - 1):
        g.add_edge(f"n{i}", f"n{i + 1}", key="owns", relation="owns", asserted=i % 2 == 0, confidence=0.9,
                   evidence=[{"sentence": PAYLOADS[i], "title": PAYLOADS[i + 1], "document": "doc", "start": 0,
                              "end": 1, "status": "alleged", "confidence": 0.9, "method": "<b>m</b>",
                              "date": None, "document_date": None}])
    out = tmp_path / "xss.html"
    write_view(g, ontology, out, title="<script>window.__xss = 9</script>")
    html = out.read_text(encoding="utf-8")
    assert "<script>window.__xss" not in html and "<img src=x" not in html
    page = Page(browser, out)
    labels = page.js("sckgView.nodes.get().map(n => n.label)")
    assert sorted(labels) == sorted(PAYLOADS)
    for i in range(len(PAYLOADS)):  # hover every node: its tooltip is built too
        page.js(f"sckgView.network.selectNodes([{i}])")
    tips = page.js("sckgView.edges.get().map(e => e.title.innerHTML)")
    assert all("<script" not in t and "<img" not in t and "<svg" not in t for t in tips), tips
    assert page.js("window.__xss") is None
    assert page.dialogs == [] and page.errors == [], (page.dialogs, page.errors)
    assert page.page.title() == "<script>window.__xss = 9</script>"
    page.page.close()


def test_large_graph_shows_the_most_connected_part_with_a_notice(browser, ontology, tmp_path):
    g = nx.barabasi_albert_graph(3000, 2, seed=1)
    mg = nx.MultiDiGraph()
    for n in g:
        mg.add_node(str(n), label=f"Company {n}", type="Company", names=[f"Company {n}"], same_as=[])
    for a, b in g.edges:
        mg.add_edge(str(a), str(b), key="owns", relation="owns", asserted=True, confidence=0.8,
                    evidence=[{"sentence": "s", "document": "d", "start": 0, "end": 1, "status": "reported",
                               "confidence": 0.8, "method": "m", "title": None, "date": None,
                               "document_date": None}])
    v = build_view(mg, ontology, max_nodes=300)
    assert len(v.nodes) == 300 and "300 most connected of 3,000" in v.notice
    out = tmp_path / "big.html"
    write_view(mg, ontology, out, max_nodes=300)
    page = Page(browser, out)
    assert "300 most connected" in page.page.inner_text("#notice")
    assert page.js("sckgView.state.ready") is True
    assert page.errors == []
    page.page.close()


def test_same_graph_same_html(seed_store, ontology):
    g = project(seed_store)
    assert render_html(build_view(g, ontology)) == render_html(build_view(g, ontology))


def test_select_focus_relation_type_since(seed_store):
    g = project(seed_store)
    around = select(g, focus="Alibaba", depth=1)
    alibaba = next(n for n, d in g.nodes(data=True) if d["label"] == "Alibaba")
    neighbours = {alibaba} | set(g.successors(alibaba)) | set(g.predecessors(alibaba))
    assert set(around.nodes) == neighbours, set(around.nodes)
    assert {"Alibaba", "Cainiao"} <= {d["label"] for _, d in around.nodes(data=True)}
    owns = select(g, relations=["owns"])
    assert {k for *_, k in owns.edges(keys=True)} == {"owns"}
    states = select(g, types=["State"])
    assert all(d["type"] == "State" for _, d in states.nodes(data=True))
    recent = select(g, since="2018")  # the 2018 partnership with the airport
    assert recent.number_of_edges() >= 1
    assert all(any(str(ev.get("date") or ev.get("document_date")) >= "2018" for ev in d["evidence"])
               for *_, d in recent.edges(data=True))
    assert {d["label"] for _, d in recent.nodes(data=True)} == {"Cainiao", "Liège cargo airport"}


# Views of real articles at three sizes: the seeds (~15 entities), the development set (~40)
# and the development and own sets with a few real articles (~200).
SIZES = {
    15: lambda: [ROOT / "seeds"],
    40: lambda: [ROOT / "tests" / "data" / "eval" / "dev"],
    200: lambda: [ROOT / "tests" / "data" / "eval" / "dev", ROOT / "tests" / "data" / "eval" / "own",
                  *sorted((ROOT / "tests" / "data" / "eval" / "real").glob("*.txt"))[:8]],
}


@pytest.fixture(scope="module", params=sorted(SIZES), ids=lambda n: f"{n}-entities")
def sized_view(request, ontology, tmp_path_factory, browser):
    g = project(_built(SIZES[request.param]()))
    out = tmp_path_factory.mktemp("sized") / f"view-{request.param}.html"
    write_view(g, ontology, out)
    page = Page(browser, out)
    yield request.param, g, page
    page.page.close()


def _built(paths):
    from graph.ingest import build
    from graph.store import Store
    store = Store(None)
    build(paths, store=store)
    return store


def test_view_sizes_are_about_what_they_are_named(sized_view):
    size, g, _ = sized_view
    assert 0.7 * size <= g.number_of_nodes() <= 1.3 * size, g.number_of_nodes()


def test_labels_are_legible_at_the_default_zoom(sized_view):
    """At 41 entities the labels were about 6 px on screen at the default zoom."""
    size, g, page = sized_view
    sizes = page.js("""(() => { const s = sckgView.network.getScale();
        return sckgView.nodeView.get().filter(n => n.label.trim()).map(n => n.font.size * s); })()""")
    assert sizes and min(sizes) >= 12, (size, min(sizes or [0]))
    shown = page.js("sckgView.nodeView.length")
    assert len(sizes) >= min(shown, max(30, shown // 2)), (size, len(sizes), shown)  # most keep their label
    overlaps = page.js("""(() => { const b = sckgView.state.labelBoxes; let n = 0;
        for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++)
            if (b[i][0] < b[j][2] && b[j][0] < b[i][2] && b[i][1] < b[j][3] && b[j][1] < b[i][3]) n++;
        return n; })()""")
    assert overlaps == 0 and page.js("sckgView.state.labelled") == len(sizes), (size, overlaps)


def test_every_shown_entity_is_inside_the_canvas_after_the_layout_settles(sized_view):
    """Nodes were clipped at the canvas edge after the layout settled."""
    size, _, page = sized_view
    outside = page.js("""(() => { const net = sckgView.network, box = document.getElementById('network');
        const w = box.clientWidth, h = box.clientHeight, ids = sckgView.nodeView.getIds();
        const pos = net.getPositions(ids);
        return ids.map(id => [sckgView.nodes.get(id).name, net.canvasToDOM(pos[id])])
                  .filter(([_, p]) => p.x < 20 || p.y < 20 || p.x > w - 20 || p.y > h - 20).map(([n]) => n); })()""")
    assert outside == [], (size, outside)


def test_every_drawn_label_is_whole_on_the_canvas(sized_view):
    """The seed's "operator of a Hamburg port terminal" ran past the canvas's right edge: the
    fit left a fixed 100 px for half a label."""
    size, _, page = sized_view
    cut = page.js("""(() => { const w = document.getElementById('network').clientWidth;
        return sckgView.state.labelBoxes.filter(b => b[0] < 0 || b[2] > w); })()""")
    assert page.js("sckgView.state.labelled") > 0 and cut == [], (size, cut)


def test_unconnected_entities_are_hidden_until_asked_for(sized_view):
    """Entities with no relation (Belgium, the EU, a newspaper) floated as clutter."""
    size, g, page = sized_view
    isolated = sum(1 for n in g if g.degree(n) == 0)
    assert page.js("sckgView.nodeView.length") == g.number_of_nodes() - isolated
    page.page.click("#show-isolated")
    assert page.js("sckgView.nodeView.length") == g.number_of_nodes()
    assert f"entities without relations ({isolated})" in page.page.inner_text("#side")
    page.page.click("#show-isolated")
    assert page.js("sckgView.nodeView.length") == g.number_of_nodes() - isolated


def test_screenshots_at_three_sizes(sized_view):
    size, _, page = sized_view
    ARTIFACTS.mkdir(exist_ok=True)
    shot = ARTIFACTS / f"view-{size}.png"
    page.page.screenshot(path=str(shot))
    assert shot.stat().st_size > 20_000


def test_every_type_has_its_own_symbol(ontology):
    """Airport and Plant shared one symbol, as did Port and Facility."""
    symbols = {(t.shape, t.colour.lower()): t.name for t in ontology.entity_types.values()}
    assert len(symbols) == len(ontology.entity_types), symbols
    for parent in ontology.entity_types.values():  # a type and its subtypes differ in shape, not only in shade
        family = [parent] + [t for t in ontology.entity_types.values() if parent.iri in t.superclasses]
        shapes = [t.shape for t in family]
        assert len(set(shapes)) == len(shapes), [(t.name, t.shape) for t in family]
    assert {t.shape for t in ontology.entity_types.values()} <= {
        "dot", "square", "diamond", "star", "triangle", "triangleDown", "hexagon"}


def test_hover_card_names_the_document_by_file_name(seed_view):
    """The hover card named the document by its IRI when it had no title."""
    _, page = seed_view
    text = page.js("sckgView.edges.get().find(e => e.relation === 'monitors').title.innerText")
    assert "vsse-cainiao-liege.txt" in text and "https://w3id.org/sckg/id/doc/" not in text, text


def test_click_on_a_node_lists_its_relations_with_their_sentences(seed_view):
    _, page = seed_view
    point = page.js("""(() => { const n = sckgView.nodes.get().find(n => n.name === 'Cainiao');
        const p = sckgView.network.canvasToDOM(sckgView.network.getPositions([n.id])[n.id]);
        const box = document.getElementById('network').getBoundingClientRect();
        return {x: box.left + p.x, y: box.top + p.y}; })()""")
    page.page.mouse.click(point["x"], point["y"])
    details = page.page.wait_for_selector("#details", state="visible", timeout=5000).inner_text()
    assert details.startswith("×\nCainiao") or "Cainiao" in details.splitlines()[1], details
    assert "← VSSE monitors" in details and "→ partners with" in details.replace("partnersWith", "partners with") \
        or "partner" in details, details
    assert "closely monitoring the operations of Cainiao" in details, details
    assert "Liège airport revealed a partnership with Cainiao in 2018" in details, details
    assert "vsse-cainiao-liege.txt" in details, details
    ARTIFACTS.mkdir(exist_ok=True)
    page.page.screenshot(path=str(ARTIFACTS / "view-click.png"))
