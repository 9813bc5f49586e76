"""The persistent RDF store: one named graph per document, embedded (Oxigraph) or on a SPARQL server.

The package's modules each own one thing: :mod:`.dataset` the interface every store shares,
:mod:`.embedded` the Oxigraph directory, :mod:`.remote` the SPARQL protocol client,
:mod:`.servers` the per-server differences (data in ``sparql_servers.toml``),
:mod:`.dialect` the query and result rewriting that makes servers agree, and
:mod:`.opening` how a location is opened (and a read bounded in time).
"""

from .dataset import (DEFAULT_STORE, FORMATS, IMPORT_MARKER_BASE, ONTOLOGY_GRAPH, PREFIXES, SCKG_GRAPHS,
                      DatasetStore, EntityRecord, IngestResult, StoreError, sparql_prologue, with_values)
from .dialect import ask_as_select, conformant_results, query_form, server_message, with_leading_values
from .embedded import STORE_MODES, Store, check_store, damaged_message, open_read_only
from .opening import DEFAULT_READ_TIMEOUT, open_store, read_store, stop_on_damage
from .remote import CHALLENGED_BODY, RemoteStore
from .servers import SERVERS_FILE, UNION_MODES, server_profiles

__all__ = [
    "CHALLENGED_BODY", "DEFAULT_READ_TIMEOUT", "DEFAULT_STORE", "FORMATS", "IMPORT_MARKER_BASE", "ONTOLOGY_GRAPH",
    "PREFIXES", "SCKG_GRAPHS", "SERVERS_FILE", "STORE_MODES", "UNION_MODES", "DatasetStore", "EntityRecord",
    "IngestResult", "RemoteStore", "Store", "StoreError", "ask_as_select", "check_store", "conformant_results",
    "damaged_message", "open_read_only", "open_store", "query_form", "read_store", "server_message", "server_profiles",
    "sparql_prologue", "stop_on_damage", "with_leading_values", "with_values",
]
