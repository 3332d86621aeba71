"""The reconciliation community group's v0.2 JSON Schemas (vendored beside this file), as validators."""

from __future__ import annotations

import json
from pathlib import Path

from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

HERE = Path(__file__).parent / "reconciliation"
VERSIONS = ("0.2", "1.0-draft")


def _registry(version: str) -> Registry:
    resources = []
    for path in sorted((HERE / version / "schemas").glob("*.json")):
        document = json.loads(path.read_text("utf-8"))
        resources.append((document["$id"].rstrip("#"), Resource(document, specification=DRAFT7)))
    return Registry().with_resources(resources)


def validator(name: str, version: str = "0.2") -> Draft7Validator:
    """A validator for ``<version>/schemas/<name>.json`` ($schema names no draft: Draft 7, as PROVENANCE says)."""
    schema = json.loads((HERE / version / "schemas" / f"{name}.json").read_text("utf-8"))
    return Draft7Validator(schema, registry=_registry(version))


def errors(name: str, document: object, version: str = "0.2") -> list[str]:
    """What ``document`` breaks in the schema ``name`` (empty when it conforms)."""
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name, version).iter_errors(document)
    ]


def examples() -> list[tuple[str, str, Path, bool]]:
    """(version, schema name, example file, whether it must be valid) for every example with a schema of its name."""
    found = []
    for version in VERSIONS:
        for path in sorted((HERE / version / "examples").glob("*/*/*.json")):
            schema, verdict = path.parent.parent.name, path.parent.name
            if (HERE / version / "schemas" / f"{schema}.json").exists():
                found.append((version, schema, path, verdict == "valid"))
    return found
