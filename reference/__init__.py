"""Turtle/CSV resources shipped with métiers-kg (read with importlib.resources)."""
