"""RDF side of kg: IRIs, the schema → RDF mapping, the generated ontology and SHACL shapes,
SHACL validation and SPARQL over an export. rdflib, pyshacl and pyoxigraph load on use only."""
