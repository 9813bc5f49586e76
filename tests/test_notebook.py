"""The exploration notebook runs from a fresh clone, and is kept without outputs in git."""

import re

import nbformat
from nbclient import NotebookClient

from .conftest import ROOT

NOTEBOOK = ROOT / "notebooks" / "explore.ipynb"


def test_notebook_is_stored_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    dirty = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert dirty == [], f"cells with outputs: {dirty}"


def test_notebook_executes(tmp_path):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    errors = [o for o in outputs if o.output_type == "error"]
    assert errors == [], errors
    text = "\n".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    # a path from Alibaba that ends at the airport, each hop with its sentence
    hops = re.findall(r"^(.+) --(\w+)--> (.+)\n    \"(.+)\"$", text, re.M)
    assert hops and hops[0][0] == "Alibaba" and hops[-1][2].startswith("Liège"), text
    html = [o for o in outputs if o.output_type == "display_data" and "text/html" in o.data]
    assert any("srcdoc=" in o.data["text/html"] for o in html)
    assert any("image/png" in o.data for o in outputs if o.output_type == "display_data")
    nbformat.write(nb, tmp_path / "executed.ipynb")
