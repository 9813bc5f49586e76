"""The SPARQL servers sckg knows and how each differs, read from ``sparql_servers.toml``."""

from __future__ import annotations

import functools
from pathlib import Path

from .dataset import StoreError

SERVERS_FILE = Path(__file__).with_name("sparql_servers.toml")
#: how a query sees the union of the document graphs (see the table's header)
UNION_MODES = ("parameter", "server", "exclude")
#: what a union mode needs besides the endpoints
_UNION_NEEDS = {"parameter": ("union_parameter",), "server": (), "exclude": ("exclude_graph",)}


@functools.cache
def server_profiles(path: Path = SERVERS_FILE) -> dict[str, dict]:
    """The SPARQL servers sckg knows, and how each differs (``sparql_servers.toml``).

    >>> sorted(server_profiles())
    ['fuseki', 'graphdb', 'oxigraph', 'virtuoso']
    """
    import tomllib
    try:
        with open(path, "rb") as f:
            profiles = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise StoreError(f"{path}: cannot read the server table: {exc}") from None
    for name, p in profiles.items():
        missing = sorted({"query", "update", "store", "union"} - p.keys())
        if missing:
            raise StoreError(f"{path}: [{name}] lacks {', '.join(missing)}")
        if p["union"] not in UNION_MODES:
            raise StoreError(f"{path}: [{name}] union = {p['union']!r}; use one of {', '.join(UNION_MODES)}")
        missing = [k for k in _UNION_NEEDS[p["union"]] if k not in p]
        if missing:
            raise StoreError(f"{path}: [{name}] union = {p['union']!r} needs {', '.join(missing)}")
    return profiles

