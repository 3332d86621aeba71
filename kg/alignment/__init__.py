"""Alignment with ROME, ESCO and ISCO-08, and links between sources: mappings as plain data.

digest (what a mapped document offers) → candidates (for review) → curation (reviewed
decisions) → align (decisions, strict matcher, ISCO derivation) → links (cross-source,
mentions) → stage (the build step) → sssom (publication). RDF is made in kg.alignment.rdf.
"""
