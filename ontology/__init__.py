"""The ontology, gazetteer and SHACL shapes as data: installed as ``graph.ontology_files``."""
