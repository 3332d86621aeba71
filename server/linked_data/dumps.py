"""``/dumps/`` (downloads), ``/.well-known/void`` and ``/dataset`` (the dataset's description).

The dump set of the build being served is written once, on first request, by
``kg.publish.dumps.write_dump_set`` into ``STORE/dumps/<build id>/`` (``metiers-kg dump --store STORE
--format all`` writes it there ahead of time); a rebuilt store gets its own directory, and those
of removed builds are deleted. Workers share it through the file system, under a lock, so only
one writes. If the store directory is read-only the dumps go to a directory under the system's
temporary directory instead. ``void.ttl`` in that directory is the one description of the files:
the pages and ``/.well-known/void`` are made from it, so they always agree with the downloads.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Response, abort, current_app, render_template, request, send_file

from kg.core.errors import StoreError
from kg.core.vocab import DCTERMS, OWL, RDF, VOID
from kg.publish.dumps import DUMPS_DIR, SUMS_FILE, VOID_FILE, DumpSet, dumps_lock, read_dump_set, write_dump_set
from server.http.representations import TURTLE, Representation
from server.linked_data.answers import BY_SUFFIX, DATA_OFFERS, PAGE_OFFERS, choose, finish, make_linker, serialize
from server.linked_data.describe import Graph, PageBuilder, Row, Term, node_text
from server.runtime.services import services
from server.runtime.store_provider import StoreHandle

bp = Blueprint("dumps", __name__)
EXTENSION = "metiers_kg_dumps"
CONTENT_TYPES = {
    ".gz": "application/gzip",
    ".ttl": TURTLE.media_type,
    "": "text/plain",
}  # send_file adds text's charset


class DumpCache:
    """The dump set of the current build, made once per build and shared by the workers on disk."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._current: tuple[str, DumpSet] | None = None

    def get(self, handle: StoreHandle, store_dir: Path, base_iri: str) -> DumpSet:
        current = self._current
        if current is not None and current[0] == str(handle.target):
            return current[1]
        with self._lock:
            root = _writable_root(store_dir)
            directory = root / handle.build_id
            dump_set = _existing(directory, base_iri)
            if dump_set is None:
                with dumps_lock(root):  # another worker may be writing the same set
                    dump_set = _existing(directory, base_iri)
                    if dump_set is None:
                        current_app.logger.info("writing the dumps of build %s to %s", handle.build_id, directory)
                        dump_set = write_dump_set(handle.store, directory, base_iri)
                    _prune(root, store_dir)
            self._current = (str(handle.target), dump_set)
            return dump_set


def _existing(directory: Path, base_iri: str) -> DumpSet | None:
    if not (directory / SUMS_FILE).is_file():
        return None
    try:
        dump_set = read_dump_set(directory)
    except StoreError:
        return None
    return dump_set if dump_set.base_iri == base_iri else None


def _writable_root(store_dir: Path) -> Path:
    """``STORE/dumps``, or a per-store directory under the temporary directory when STORE is read-only."""
    root = Path(store_dir) / DUMPS_DIR
    if os.access(root if root.exists() else store_dir, os.W_OK):
        return root
    tag = hashlib.sha256(str(Path(store_dir).resolve()).encode("utf-8")).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"metiers-kg-dumps-{tag}"


def _prune(root: Path, store_dir: Path) -> None:
    """Drop the dump sets of builds that no longer exist (``build`` keeps only the last few)."""
    builds = Path(store_dir) / "builds"
    for path in root.iterdir():
        if path.is_dir() and path.name.isdigit() and not (builds / path.name).is_dir():
            shutil.rmtree(path, ignore_errors=True)


def current_dumps() -> DumpSet:
    """The dump set of the build being served (the cache lives on the app, made on first use)."""
    found = services()
    cache = current_app.extensions.setdefault(EXTENSION, DumpCache())
    return cache.get(found.stores.current(), found.config.store_dir, found.config.base_iri)


# -- views -----------------------------------------------------------------------------------------


@bp.route("/dumps/", methods=["GET"])
def index() -> Response:
    """The downloads, with sizes, checksums and the version, as a page."""
    dump_set = current_dumps()
    page = dataset_page(dump_set)
    body = render_template("dumps.html", page=page, dump_set=dump_set)
    return finish(Response(body, content_type="text/html; charset=utf-8"), request, negotiated=False)


@bp.route("/dumps/<path:name>", methods=["GET"])
def download(name: str) -> Response:
    """One file of the dump set (gzip files as ``application/gzip``: clients keep the bytes summed)."""
    dump_set = current_dumps()
    if name not in dump_set.names():
        abort(404)
    suffix = next((s for s in CONTENT_TYPES if s and name.endswith(s)), "")
    sums = {f.name: f.sha256 for f in dump_set.files}
    response = send_file(
        dump_set.directory / name,
        mimetype=CONTENT_TYPES[suffix],
        conditional=True,
        etag=sums.get(name, True),
        download_name=name.rsplit("/", 1)[-1],
    )
    return response


@bp.route("/.well-known/void", methods=["GET"])
def well_known_void() -> Response:
    """The VoID + DCAT-AP description (Turtle unless asked otherwise), as the VoID spec places it."""
    return describe_dataset(None, DATA_OFFERS, "/.well-known/void")


@bp.route("/dataset", methods=["GET"])
@bp.route("/dataset.<suffix>", methods=["GET"])
def dataset(suffix: str | None = None) -> Response:
    """``<base>dataset`` dereferenced: a page for people, the same description as RDF for tools."""
    forced = BY_SUFFIX.get(suffix) if suffix else None
    if suffix and forced is None:
        abort(404)
    return describe_dataset(forced, PAGE_OFFERS, "/dataset")


def describe_dataset(forced: Representation | None, offers: tuple[Representation, ...], path: str) -> Response:
    dump_set = current_dumps()
    offer = forced or choose(request.headers.get("Accept"), offers)
    void_bytes = (dump_set.directory / VOID_FILE).read_bytes()
    if offer.format is None:
        body = render_template("dataset.html", page=dataset_page(dump_set), dump_set=dump_set)
        response = Response(body, content_type=offer.content_type)
    elif offer.format == ox.RdfFormat.TURTLE:
        response = Response(void_bytes, content_type=offer.content_type)  # the file, byte for byte
    else:
        triples = list(ox.parse(void_bytes, format=ox.RdfFormat.TURTLE))
        response = Response(serialize(triples, offer), content_type=offer.content_type)
    local = request.script_root + path
    return finish(response, request, negotiated=forced is None, path=None if path.startswith("/.") else local)


# -- the dataset page's model, read back from void.ttl ------------------------------------------------


@dataclass(frozen=True)
class DatasetPage:
    title: str
    description: str
    version: str
    created: str | None
    figures: tuple[tuple[str, str], ...]
    endpoint: str
    licence: Term | None
    linksets: tuple[tuple[str, str | None, str], ...]  # (target title, predicate CURIE or None, triples)
    classes: tuple[Row, ...]
    properties: tuple[Row, ...]
    sources: tuple[Term, ...]
    files: tuple[tuple[str, str, str, int, str], ...]  # (href, name, what, size, sha256)


FIGURES = (
    ("triples", "triplets"),
    ("entities", "entités"),
    ("classes", "classes"),
    ("properties", "propriétés"),
    ("distinctSubjects", "sujets distincts"),
    ("distinctObjects", "objets distincts"),
)


def dataset_page(dump_set: DumpSet) -> DatasetPage:
    graph = Graph(ox.parse(path=str(dump_set.directory / VOID_FILE), format=ox.RdfFormat.TURTLE))
    build = PageBuilder(graph, make_linker(dump_set.base_iri, request.script_root))
    dataset = dump_set.base_iri + "dataset"
    out = graph.out.get(dataset, {})

    def first(subject: str, predicate: str) -> str | None:
        values = graph.out.get(subject, {}).get(predicate, [])
        return node_text(values[0]) if values else None

    def partition(kind: str, key: str, count: str) -> tuple[Row, ...]:
        nodes = [node_text(o) for o in out.get(VOID + kind, [])]
        rows = [Row(build.iri_term(first(n, VOID + key) or n), (Term(first(n, VOID + count) or "0"),)) for n in nodes]
        return tuple(sorted(rows, key=lambda r: r.predicate.iri or ""))

    linksets: list[tuple[str, str | None, str]] = []
    for top in sorted(node_text(o) for o in out.get(VOID + "subset", [])):
        if VOID + "Linkset" not in [node_text(t) for t in graph.out.get(top, {}).get(str(RDF.type), [])]:
            continue
        title = graph.text_in(top, str(DCTERMS.title), "fr") or top
        linksets.append((title, None, first(top, VOID + "triples") or "0"))
        for sub in sorted(node_text(o) for o in graph.out.get(top, {}).get(VOID + "subset", [])):
            predicate = first(sub, VOID + "linkPredicate")
            linksets.append(
                (title, build.iri_term(predicate).text if predicate else None, first(sub, VOID + "triples") or "0")
            )
    licence = first(dataset, str(DCTERMS.license))
    files = tuple(
        (
            f"{request.script_root}/dumps/{f.name}",
            f.name,
            f"{f.format}" + (f", graphe {f.graph[len(dump_set.base_iri) :]}" if f.graph else ", graphe complet"),
            f.size,
            f.sha256,
        )
        for f in sorted(dump_set.files, key=lambda f: (f.graph is not None, f.name))
    )
    return DatasetPage(
        title=graph.text_in(dataset, str(DCTERMS.title), "fr") or dataset,
        description=graph.text_in(dataset, str(DCTERMS.description), "fr") or "",
        version=first(dataset, str(OWL.versionInfo)) or dump_set.version,
        created=first(dataset, str(DCTERMS.created)),
        figures=tuple((label, first(dataset, VOID + key) or "0") for key, label in FIGURES),
        endpoint=first(dataset, VOID + "sparqlEndpoint") or "",
        licence=build.iri_term(licence) if licence else None,
        linksets=tuple(linksets),
        classes=partition("classPartition", "class", "entities"),
        properties=partition("propertyPartition", "property", "triples"),
        sources=tuple(build.iri_term(node_text(o)) for o in out.get(str(DCTERMS.source), [])),
        files=files,
    )
