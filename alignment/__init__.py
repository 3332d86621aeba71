"""Reviewed alignment data shipped with métiers-kg: curation decisions, lexicon, published SSSOM."""
