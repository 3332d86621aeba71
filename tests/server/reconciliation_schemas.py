"""The reconciliation community group's v0.2 JSON Schemas (vendored beside this file), as validators."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

HERE = Path(__file__).parent / "reconciliation" / "0.2"
SCHEMAS = HERE / "schemas"
EXAMPLES = HERE / "examples"


def _registry() -> Registry:
    resources = []
    for path in sorted(SCHEMAS.glob("*.json")):
        document = json.loads(path.read_text("utf-8"))
        resources.append((document["$id"].rstrip("#"), Resource(document, specification=DRAFT7)))
    return Registry().with_resources(resources)


def validator(name: str) -> Draft7Validator:
    """A validator for ``schemas/<name>.json`` ($schema names no draft: Draft 7, as PROVENANCE says)."""
    schema = json.loads((SCHEMAS / f"{name}.json").read_text("utf-8"))
    return Draft7Validator(schema, registry=_registry())


def examples() -> list[tuple[str, Path, bool]]:
    """(schema name, example file, whether it must be valid) for every example with a schema of its name."""
    found = []
    for path in sorted(EXAMPLES.glob("*/*/*.json")):
        schema, verdict = path.parent.parent.name, path.parent.name
        if (SCHEMAS / f"{schema}.json").exists():
            found.append((schema, path, verdict == "valid"))
    return found
