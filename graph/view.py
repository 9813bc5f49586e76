"""Interactive HTML views of the entity graph: one self-contained, offline, escaped file."""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from .analyze import find_node
from .ontology import Ontology

#: Above this many entities a view shows the most connected part, with a notice.
DEFAULT_MAX_NODES = 1500
LAYOUT_SEED = 7
TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass
class ViewData:
    """What a view shows: vis-network nodes and edges, the legend, and what was left out."""

    nodes: list[dict]
    edges: list[dict]
    legend_types: list[dict]
    legend_relations: list[dict]
    notice: str | None = None
    title: str = "sckg graph"
    total_nodes: int = 0
    options: dict = field(default_factory=dict)


@functools.cache
def _assets() -> tuple[str, str]:
    import pyvis
    lib = Path(pyvis.__file__).resolve().parent / "lib" / "vis-9.1.2"
    return (lib / "vis-network.min.js").read_text(encoding="utf-8"), \
        (lib / "vis-network.css").read_text(encoding="utf-8")


def _options(n_nodes: int) -> dict:
    """vis-network options: a seeded layout and physics that settles, then stops."""
    iterations = 300 if n_nodes <= 500 else 150 if n_nodes <= 3000 else 60
    return {
        "layout": {"randomSeed": LAYOUT_SEED, "improvedLayout": n_nodes <= 300},
        "physics": {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -9000, "springLength": 140, "springConstant": 0.03,
                          "damping": 0.3, "avoidOverlap": 0.2},
            "stabilization": {"enabled": True, "iterations": iterations, "updateInterval": 25, "fit": True},
            "maxVelocity": 40,
            "minVelocity": 1.0,
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": n_nodes > 2000,
                        "navigationButtons": False, "keyboard": False},
        # edge labels are drawn once they are at least 8 px on screen (zoomed in, or a small graph)
        "edges": {"smooth": n_nodes <= 1000 and {"type": "dynamic"},
                  "font": {"size": 11, "align": "middle", "strokeWidth": 3},
                  "scaling": {"label": {"drawThreshold": 8}},
                  "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}}},
        # node labels keep a legible size on screen whatever the zoom (the page sets font.size)
        "nodes": {"font": {"size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"}, "size": 14,
                  "scaling": {"label": {"drawThreshold": 1}}},
    }


def select(g: nx.MultiDiGraph, *, focus: str | None = None, depth: int = 2,
           relations: list[str] | None = None, types: list[str] | None = None,
           since: str | None = None) -> nx.MultiDiGraph:
    """The part of the graph a view shows: around ``focus``, of some relations, types, dates."""
    h = g.copy()
    if relations:
        h.remove_edges_from([(s, o, k) for s, o, k in h.edges(keys=True) if k not in relations])
    if types:
        h.remove_nodes_from([n for n, d in h.nodes(data=True) if d["type"] not in types])
    if since:
        def recent(ev):
            when = ev.get("date") or ev.get("document_date")
            return when is not None and str(when) >= since
        drop = [(s, o, k) for s, o, k, d in h.edges(keys=True, data=True) if not any(map(recent, d["evidence"]))]
        h.remove_edges_from(drop)
        h.remove_nodes_from([n for n in list(h) if h.degree(n) == 0])
    if focus is not None:
        center = find_node(g, focus)
        if center not in h:
            return nx.MultiDiGraph()
        keep = nx.single_source_shortest_path_length(h.to_undirected(as_view=True), center, cutoff=depth)
        h = h.subgraph(keep).copy()
    return h


def build_view(g: nx.MultiDiGraph, ontology: Ontology, *, max_nodes: int | None = DEFAULT_MAX_NODES,
               title: str = "sckg graph") -> ViewData:
    """Turn the entity graph into vis-network data; the most connected part when it is large.

    Examples
    --------
    >>> from graph.ontology import load_ontology
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("a", label="<b>A</b>", type="Company", names=["<b>A</b>"], same_as=[])
    >>> v = build_view(g, load_ontology())
    >>> v.nodes[0]["label"]
    '<b>A</b>'
    """
    total = g.number_of_nodes()
    notice = None
    if max_nodes is not None and total > max_nodes:
        degree = dict(g.degree())
        keep = sorted(g.nodes, key=lambda n: (-degree[n], g.nodes[n]["label"], n))[:max_nodes]
        g = g.subgraph(keep)
        notice = (f"Showing the {max_nodes:,} most connected of {total:,} entities "
                  f"({total - max_nodes:,} left out). Narrow the view with --focus, --relation, --type or --since.")
    types = ontology.entity_types
    rels = ontology.relations
    nodes = []
    ids = {}
    degree = dict(g.degree())
    for i, (n, d) in enumerate(sorted(g.nodes(data=True), key=lambda x: x[0])):
        ids[n] = i
        t = types.get(d["type"])
        nodes.append({
            "id": i, "iri": n, "label": d["label"], "group": d["type"], "degree": degree[n],
            "color": t.colour if t else "#999999", "shape": t.shape if t else "dot",
            "names": d["names"], "sameAs": d["same_as"], "typeLabel": t.label if t else d["type"],
        })
    edges = []
    for j, (s, o, k, d) in enumerate(sorted(g.edges(keys=True, data=True), key=lambda e: e[:3])):
        r = rels.get(k)
        edges.append({
            "id": j, "from": ids[s], "to": ids[o], "relation": k, "label": r.label if r else k,
            "color": r.colour if r else "#999999", "dashes": not d["asserted"], "asserted": d["asserted"],
            "width": 1 + 2 * d.get("confidence", 0.5),
            "evidence": [{key: ev.get(key) for key in ("sentence", "title", "file", "document", "document_date",
                                                       "date", "status", "confidence", "method")}
                         for ev in d["evidence"][:20]],
            "evidenceCount": len(d["evidence"]),
        })
    present_types = sorted({d["type"] for _, d in g.nodes(data=True)})
    present_rels = sorted({k for _, _, k in g.edges(keys=True)})
    legend_types = [{"name": t, "label": types[t].label if t in types else t,
                     "color": types[t].colour if t in types else "#999999",
                     "shape": types[t].shape if t in types else "dot"} for t in present_types]
    legend_rels = [{"name": r, "label": rels[r].label if r in rels else r,
                    "color": rels[r].colour if r in rels else "#999999"} for r in present_rels]
    return ViewData(nodes, edges, legend_types, legend_rels, notice, title, total, _options(len(nodes)))


def _json_for_html(data) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' survives literally."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_html(view: ViewData) -> str:
    """The view as one HTML document with vis-network inlined: it opens offline.

    Everything that came from an article travels as JSON data and reaches the page through
    ``textContent``, never as markup.
    """
    from pyvis.network import Network

    net = Network(directed=True, cdn_resources="in_line")
    net.nodes = view.nodes  # assigned directly: add_node is quadratic
    net.edges = view.edges
    net.options = view.options
    nodes, edges, _heading, _h, _w, options = net.get_network_data()
    js, css = _assets()
    payload = {"nodes": nodes, "edges": edges, "legendTypes": view.legend_types,
               "legendRelations": view.legend_relations, "notice": view.notice, "total": view.total_nodes}
    return render_page("view.html", title=view.title, js=js, css=css, data=payload,
                       options_json=json.loads(options))


def render_page(template: str, *, title: str, js: str, css: str, data, **more_json) -> str:
    """One of our offline pages (``templates/_page.html``: one content security policy, the
    library inlined, the data as JSON a script cannot break out of)."""
    from jinja2 import Environment, FileSystemLoader
    from markupsafe import Markup
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True)
    return env.get_template(template).render(
        title=title,
        vis_js=Markup(js.replace("</script", "<\\/script")),
        vis_css=Markup(css.replace("</style", "<\\/style")),
        data_json=Markup(_json_for_html(data)),
        **{k: Markup(_json_for_html(v)) for k, v in more_json.items()},
    )


def write_view(g: nx.MultiDiGraph, ontology: Ontology, path: Path | str, *,
               max_nodes: int | None = DEFAULT_MAX_NODES, title: str = "sckg graph") -> ViewData:
    """Write the view of ``g`` to ``path``; return what it shows."""
    view = build_view(g, ontology, max_nodes=max_nodes, title=title)
    path = Path(path)
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(render_html(view), encoding="utf-8")
    tmp.replace(path)
    return view
