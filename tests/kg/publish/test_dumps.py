"""The published dump set: reproducible bytes, loadable by three parsers, and a VoID + DCAT-AP
description whose every figure matches the store (counted here in Python, not by the SPARQL the
description uses)."""

from __future__ import annotations

import gzip
import hashlib
import os
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pytest
import rdflib

from kg import __version__
from kg.build import build
from kg.core.errors import StoreError
from kg.core.vocab import DCAT, DCTERMS, SPDX, VOID
from kg.core.vocab import DEFAULT_BASE_IRI as BASE
from kg.publish.dataset import link_targets
from kg.publish.dumps import SUMS_FILE, VOID_FILE, DumpSet, graph_file_name, read_dump_set, write_dump_set
from kg.store import Store, current_build
from tests.conftest import REPO, SEEDS, run_cli

SHAPES = REPO / "shapes" / "dcat-ap-3-mandatory.ttl"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:rdflib")  # rdflib's own dataset parsers

RAPPER_SYNTAX = {"nquads": "nquads", "trig": "trig", "turtle": "turtle"}


def rdf_files(dump_set: DumpSet) -> list:
    """The RDF dumps (the set also holds the alignment as SSSOM TSV)."""
    return [f for f in dump_set.files if f.format in RAPPER_SYNTAX]


@pytest.fixture(scope="module")
def dumped(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> DumpSet:
    return write_dump_set(Store.open_current(built_store), tmp_path_factory.mktemp("dumps") / "out", BASE)


@pytest.fixture(scope="module")
def second_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Another build of the same seeds, in-process (the session's was built by the CLI)."""
    store = tmp_path_factory.mktemp("again") / "store"
    build(SEEDS, store, BASE)
    return store


def unique_triples(store: Store) -> set[tuple[ox.Term, ox.Term, ox.Term]]:
    return {(q.subject, q.predicate, q.object) for q in store.quads()}


def void_graph(dump_set: DumpSet) -> rdflib.Graph:
    return rdflib.Graph().parse(dump_set.directory / VOID_FILE, format="turtle")


def value(graph: rdflib.Graph, subject: str, predicate: str) -> str:
    values = [str(o) for o in graph.objects(rdflib.URIRef(subject), rdflib.URIRef(predicate))]
    assert len(values) == 1, (subject, predicate, values)
    return values[0]


# -- bytes ----------------------------------------------------------------------------------------


def test_two_builds_of_the_same_seeds_give_byte_identical_dump_sets(
    dumped: DumpSet, second_store: Path, tmp_path: Path
) -> None:
    again = write_dump_set(Store.open_current(second_store), tmp_path / "dumps", BASE)
    assert again.version == dumped.version
    assert again.names() == dumped.names()
    for name in dumped.names():
        assert (again.directory / name).read_bytes() == (dumped.directory / name).read_bytes(), name


def test_version_is_the_project_version_plus_the_hash_of_the_sorted_nquads(dumped: DumpSet) -> None:
    nquads = gzip.decompress((dumped.directory / "metiers-kg.nq.gz").read_bytes())
    assert dumped.version == f"{__version__}+{hashlib.sha256(nquads).hexdigest()[:12]}"
    assert re.fullmatch(r"\d+\.\d+\.\d+\+[0-9a-f]{12}", dumped.version)


def test_sha256sums_cover_every_file_and_are_right(dumped: DumpSet) -> None:
    lines = (dumped.directory / SUMS_FILE).read_text(encoding="utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    assert sorted(listed) == [n for n in dumped.names() if n != SUMS_FILE]
    for name, digest in listed.items():
        assert hashlib.sha256((dumped.directory / name).read_bytes()).hexdigest() == digest
    assert all((dumped.directory / f.name).read_bytes()[:2] == b"\x1f\x8b" for f in dumped.files)  # gzip
    assert gzip.open(dumped.directory / dumped.files[0].name).read(1)  # and readable
    assert read_dump_set(dumped.directory) == dumped  # void.ttl describes exactly these files


def test_one_turtle_file_per_named_graph_and_the_whole_in_three_formats(built_store: Path, dumped: DumpSet) -> None:
    graphs = [g.value for g in Store.open_current(built_store).named_graphs()]
    per_graph = {f.graph: f.name for f in dumped.files if f.graph is not None and f.format == "turtle"}
    assert sorted(per_graph) == sorted(graphs)
    assert per_graph[BASE + "graph/fiche/MET.717"] == "graphs/fiche/MET.717.ttl.gz"
    assert all(per_graph[g] == graph_file_name(g, BASE) for g in graphs)
    whole = sorted((f.name, f.format) for f in dumped.files if f.graph is None)
    assert whole == [
        ("mappings.sssom.tsv.gz", "sssom"),
        ("metiers-kg.nq.gz", "nquads"),
        ("metiers-kg.trig.gz", "trig"),
        ("metiers-kg.ttl.gz", "turtle"),
    ]


def test_the_alignment_is_in_the_dumps_as_the_published_sssom_file(dumped: DumpSet) -> None:
    published = (REPO / "alignment" / "mappings.sssom.tsv").read_bytes()
    assert gzip.decompress((dumped.directory / "mappings.sssom.tsv.gz").read_bytes()) == published
    void = void_graph(dumped)
    node = next(void.subjects(rdflib.URIRef(DCAT + "downloadURL"), rdflib.URIRef(BASE + "dumps/mappings.sssom.tsv.gz")))
    assert (
        value(void, str(node), DCAT + "mediaType")
        == "http://www.iana.org/assignments/media-types/text/tab-separated-values"
    )


def test_the_official_esco_rome_mapping_has_its_own_sssom_file(built_store: Path, dumped: DumpSet) -> None:
    store = Store.open_current(built_store)
    nodes = Counter(
        row["p"].value.rsplit("#", 1)[-1]
        for row in store.query(
            "SELECT ?p WHERE { ?m a <https://w3id.org/metiers-kg/ontology#CrosswalkMapping> ; "
            "<http://www.w3.org/2002/07/owl#annotatedProperty> ?p }"
        )
    )
    text = gzip.decompress((dumped.directory / "esco-rome.sssom.tsv.gz").read_bytes()).decode("utf-8")
    header = [line for line in text.splitlines() if line.startswith("#")]
    columns, *rows = [line.split("\t") for line in text.splitlines() if not line.startswith("#")]
    assert columns[:4] == ["subject_id", "subject_label", "predicate_id", "object_id"]
    assert Counter(row[2].split(":")[1] for row in rows) == nodes and sum(nodes.values()) > 0
    assert all(row[0].startswith("kg:rome/appellation/") and row[1] and row[3].startswith("ESCO:") for row in rows)
    assert {row[7] for row in rows} == {"Pôle emploi - France"}  # the publisher is the author
    assert f"# mapping_set_id: {BASE}mapping-set/esco-rome" in header and '# mapping_set_version: "V1.4"' in header
    assert all(re.fullmatch(r"FR_20230607_mapping_esco_rome\.csv\.gz line \d+", row[8]) for row in rows)
    void = void_graph(dumped)
    node = next(
        void.subjects(rdflib.URIRef(DCAT + "downloadURL"), rdflib.URIRef(BASE + "dumps/esco-rome.sssom.tsv.gz"))
    )
    assert (rdflib.URIRef(BASE + "graph/esco-rome"), rdflib.URIRef(DCAT + "distribution"), node) in void
    assert value(void, str(node), DCAT + "mediaType").endswith("/text/tab-separated-values")
    assert "esco-rome.sssom.tsv.gz" in (dumped.directory / SUMS_FILE).read_text()


def test_void_and_dcat_describe_the_rome_graph_with_its_record_counts(built_store: Path, dumped: DumpSet) -> None:
    void = void_graph(dumped)
    rome = BASE + "graph/rome"
    assert value(void, rome, DCTERMS + "title") == "ROME 4.60 — France Travail"
    assert value(void, rome, DCAT + "version") == "4.60"
    assert value(void, rome, DCTERMS + "issued") == "2025-09-18"
    assert value(void, rome, DCTERMS + "license") == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    assert value(void, value(void, rome, DCTERMS + "publisher"), "http://xmlns.com/foaf/0.1/name") == "France Travail"
    partitions = {
        value(void, str(n), VOID + "class").rsplit("#", 1)[-1]: int(value(void, str(n), VOID + "entities"))
        for n in void.objects(rdflib.URIRef(rome), rdflib.URIRef(VOID + "classPartition"))
    }
    store = Store.open_current(built_store)
    in_graph = Counter(
        q.object.value.rsplit("#", 1)[-1] for q in store.quads(ox.NamedNode(rome)) if q.predicate.value == RDF_TYPE
    )
    assert partitions == dict(in_graph)
    # The subset export keeps every grand domaine, domaine and fiche (tests/rome_subset.py).
    assert (partitions["RomeGrandDomaine"], partitions["RomeDomaine"], partitions["RomeFiche"]) == (14, 110, 1584)
    assert value(void, rome, VOID + "dataDump") == BASE + "dumps/graphs/rome.ttl.gz"


# -- loading back ---------------------------------------------------------------------------------


def expected_counts(store: Store, dump_set: DumpSet) -> dict[str, int]:
    """What each file must hold: quads for the dataset formats, distinct triples for Turtle."""
    per_graph = Counter(q.graph_name.value for q in store.quads() if isinstance(q.graph_name, ox.NamedNode))
    counts = {}
    for f in rdf_files(dump_set):
        if f.graph is not None:
            counts[f.name] = per_graph[f.graph]  # a graph holds no duplicate triples
        else:
            counts[f.name] = len(store) if f.format != "turtle" else len(unique_triples(store))
    return counts


def test_each_dump_loads_back_into_oxigraph_and_rdflib_with_the_same_count(built_store: Path, dumped: DumpSet) -> None:
    store = Store.open_current(built_store)
    for f in rdf_files(dumped):
        data = gzip.decompress((dumped.directory / f.name).read_bytes())
        expected = expected_counts(store, dumped)[f.name]
        fmt = {"nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG, "turtle": ox.RdfFormat.TURTLE}[f.format]
        loaded = ox.Store()
        loaded.load(data, format=fmt)
        assert len(loaded) == expected, f.name
        if f.format == "turtle":
            assert len(rdflib.Graph().parse(data=data, format="turtle")) == expected, f.name
        else:
            dataset = rdflib.Dataset()
            dataset.parse(data=data, format=f.format)
            assert len(list(dataset.quads((None, None, None, None)))) == expected, f.name


def test_each_dump_parses_with_an_independent_parser(built_store: Path, dumped: DumpSet, tmp_path: Path) -> None:
    rapper = shutil.which("rapper")
    if rapper is None:
        if os.environ.get("CI"):
            pytest.fail("rapper (Debian raptor2-utils) is missing: .ci/run installs it")
        pytest.skip("rapper (Debian raptor2-utils) is not installed: apt-get install raptor2-utils")
    expected = expected_counts(Store.open_current(built_store), dumped)
    for f in rdf_files(dumped):
        plain = tmp_path / f.name.replace("/", "_").removesuffix(".gz")
        plain.write_bytes(gzip.decompress((dumped.directory / f.name).read_bytes()))
        result = subprocess.run(
            [rapper, "-q", "-i", RAPPER_SYNTAX[f.format], "-c", str(plain), "http://example.org/"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        found = re.search(r"returned (\d+) (?:triples|statements)", result.stderr + result.stdout)
        if found is None:  # -q silences the count on some versions: count without it
            result = subprocess.run(
                [rapper, "-i", RAPPER_SYNTAX[f.format], "-c", str(plain)], capture_output=True, text=True, timeout=120
            )
            found = re.search(r"returned (\d+) (?:triples|statements)", result.stderr)
        assert found is not None, result.stderr
        assert int(found.group(1)) == expected[f.name], f.name


# -- VoID -----------------------------------------------------------------------------------------


def test_void_figures_are_those_of_the_store(built_store: Path, dumped: DumpSet) -> None:
    store = Store.open_current(built_store)
    triples = unique_triples(store)
    void = void_graph(dumped)
    dataset = BASE + "dataset"
    assert int(value(void, dataset, VOID + "triples")) == len(triples)
    assert int(value(void, dataset, VOID + "entities")) == len(
        {s.value for s, _, _ in triples if isinstance(s, ox.NamedNode) and s.value.startswith(BASE)}
    )
    assert int(value(void, dataset, VOID + "distinctSubjects")) == len({s for s, _, _ in triples})
    assert int(value(void, dataset, VOID + "distinctObjects")) == len({o for _, _, o in triples})
    instances: dict[str, set[str]] = {}
    for s, p, o in triples:
        if p.value == RDF_TYPE:
            instances.setdefault(o.value, set()).add(s.value)
    classes = {
        value(void, str(n), VOID + "class"): int(value(void, str(n), VOID + "entities"))
        for n in void.objects(rdflib.URIRef(dataset), rdflib.URIRef(VOID + "classPartition"))
    }
    assert classes == {c: len(members) for c, members in instances.items()}
    assert int(value(void, dataset, VOID + "classes")) == len(instances)
    properties = {
        value(void, str(n), VOID + "property"): int(value(void, str(n), VOID + "triples"))
        for n in void.objects(rdflib.URIRef(dataset), rdflib.URIRef(VOID + "propertyPartition"))
    }
    assert properties == dict(Counter(p.value for _, p, _ in triples))
    per_graph = Counter(q.graph_name.value for q in store.quads())
    for graph, count in per_graph.items():
        assert int(value(void, graph, VOID + "triples")) == count
        assert value(void, graph, VOID + "dataDump") == BASE + "dumps/" + graph_file_name(graph, BASE)
    assert value(void, dataset, VOID + "sparqlEndpoint") == BASE + "sparql"
    assert value(void, dataset, VOID + "uriSpace") == BASE
    assert value(void, dataset, "http://www.w3.org/2002/07/owl#versionInfo") == dumped.version
    assert value(void, dataset, str(DCTERMS.license)) == "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
    dumps = {str(o) for o in void.objects(rdflib.URIRef(dataset), rdflib.URIRef(VOID + "dataDump"))}
    assert dumps == {BASE + "dumps/" + f.name for f in rdf_files(dumped) if f.graph is None}


def test_void_names_every_source_document(built_store: Path, dumped: DumpSet) -> None:
    store = Store.open_current(built_store)
    documents = {
        s.value
        for s, p, o in unique_triples(store)
        if p.value == RDF_TYPE and o.value == "https://w3id.org/metiers-kg/ontology#SourceDocument"
    }
    void = void_graph(dumped)
    sources = {str(o) for o in void.objects(rdflib.URIRef(BASE + "dataset"), rdflib.URIRef(str(DCTERMS.source)))}
    assert sources == documents and len(documents) >= 5  # 4 seeds + the ROME list, at least
    seed_names = {p.name for p in SEEDS.iterdir()}
    titles = {str(void.value(rdflib.URIRef(s), rdflib.URIRef(str(DCTERMS.title)))) for s in sources}
    assert seed_names <= titles


def test_dcat_description_says_what_the_graph_holds_and_each_document_graph_which_document(dumped: DumpSet) -> None:
    void = void_graph(dumped)
    dataset = rdflib.URIRef(BASE + "dataset")
    descriptions = {o.language: str(o) for o in void.objects(dataset, rdflib.URIRef(DCTERMS + "description"))}
    assert descriptions["fr"].endswith(
        " Contient 2 fiches métiers, 18 formations, 36 emplois-types, 1 témoignage, "
        "1\u202f584 fiches ROME, 1\u202f727 appellations ROME."
    )
    assert descriptions["en"].endswith(
        " Holds 2 job descriptions, 18 formations, 36 emploi-types, 1 testimony, "
        "1,584 ROME fiches, 1,727 ROME appellations."
    )
    fiche = rdflib.URIRef(BASE + "graph/fiche/MET.717")
    assert str(void.value(fiche, rdflib.URIRef(DCTERMS + "description"))) == (
        f"Fiche métier ONISEP MET.717 : le graphe nommé <{fiche}> de métiers-kg."
    )


def test_linksets_count_the_links_to_rome_and_esco_by_predicate(built_store: Path, dumped: DumpSet) -> None:
    triples = unique_triples(Store.open_current(built_store))
    void = void_graph(dumped)
    for target in link_targets(BASE):
        inside = target.namespaces
        links = Counter(
            p.value
            for s, p, o in triples
            if isinstance(o, ox.NamedNode)
            and any(o.value.startswith(ns) for ns in inside)
            and not any(s.value.startswith(ns) for ns in inside)
        )
        linkset = BASE + f"dataset#linkset-{target.key}"
        assert value(void, linkset, RDF_TYPE) == VOID + "Linkset"
        assert int(value(void, linkset, VOID + "triples")) == sum(links.values()), target.key
        by_predicate = {
            value(void, str(sub), VOID + "linkPredicate"): int(value(void, str(sub), VOID + "triples"))
            for sub in void.objects(rdflib.URIRef(linkset), rdflib.URIRef(VOID + "subset"))
        }
        assert by_predicate == dict(links), target.key
    rome = dict(
        (value(void, str(sub), VOID + "linkPredicate"), 1)
        for sub in void.objects(rdflib.URIRef(BASE + "dataset#linkset-rome"), rdflib.URIRef(VOID + "subset"))
    )
    assert "https://w3id.org/metiers-kg/ontology#romeFiche" in rome  # every fiche has its ROME code


def test_creation_date_comes_from_source_date_epoch(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build(SEEDS, tmp_path / "store", BASE)
    monkeypatch.delenv("SOURCE_DATE_EPOCH")  # the date is the build's, not the dump's
    dump_set = write_dump_set(Store.open_current(tmp_path / "store"), tmp_path / "dumps", BASE)
    dates = {
        (t.predicate.value, t.object.value)
        for t in ox.parse(path=str(dump_set.directory / VOID_FILE), format=ox.RdfFormat.TURTLE)
        if t.subject == ox.NamedNode(BASE + "dataset")
        and t.predicate.value in (str(DCTERMS.created), str(DCTERMS.issued))
    }
    assert dates == {(str(DCTERMS.created), "2023-11-14T22:13:20Z"), (str(DCTERMS.issued), "2023-11-14T22:13:20Z")}


# -- DCAT-AP --------------------------------------------------------------------------------------


def validate(graph: rdflib.Graph) -> tuple[bool, set[str]]:
    conforms, report, _ = pyshacl.validate(graph, shacl_graph=rdflib.Graph().parse(SHAPES, format="turtle"))
    messages = {str(m) for m in report.objects(None, rdflib.URIRef("http://www.w3.org/ns/shacl#resultMessage"))}
    return conforms, messages


def test_dcat_ap_record_conforms_to_the_mandatory_shapes(dumped: DumpSet) -> None:
    void = void_graph(dumped)
    assert validate(void) == (True, set())
    dataset = rdflib.URIRef(BASE + "dataset")
    distributions = set(void.objects(dataset, rdflib.URIRef(DCAT + "distribution")))
    assert len(distributions) == 5  # N-Quads, TriG, Turtle, the SSSOM mappings and the SPARQL access
    for node in distributions:
        if (node, rdflib.URIRef(DCAT + "downloadURL"), None) in void:
            assert int(value(void, str(node), DCAT + "byteSize")) > 0
            checksum = value(void, str(node), SPDX + "checksum")
            name = value(void, str(node), DCAT + "downloadURL")[len(BASE + "dumps/") :]
            assert value(void, checksum, SPDX + "checksumValue") == next(
                f.sha256 for f in dumped.files if f.name == name
            )
    assert value(void, BASE + "dataset#sparql", DCAT + "endpointURL") == BASE + "sparql"


def test_the_shapes_catch_a_record_missing_mandatory_properties(dumped: DumpSet) -> None:
    void = void_graph(dumped)
    dataset = rdflib.URIRef(BASE + "dataset")
    void.remove((dataset, rdflib.URIRef(str(DCTERMS.title)), None))
    void.remove((rdflib.URIRef(BASE + "dataset#sparql"), rdflib.URIRef(DCAT + "endpointURL"), None))
    nquads = rdflib.URIRef(BASE + "dataset#dump-metiers-kg.nq.gz")
    void.remove((nquads, rdflib.URIRef(DCAT + "accessURL"), None))
    void.set((nquads, rdflib.URIRef(DCAT + "byteSize"), rdflib.Literal("big")))
    assert validate(void) == (
        False,
        {
            "DCAT-AP Dataset: dcterms:title is mandatory (a literal)",
            "DCAT-AP Data Service: dcat:endpointURL is mandatory (an IRI)",
            "DCAT-AP Distribution: dcat:accessURL is mandatory (an IRI)",
            "DCAT-AP Distribution: at most one dcat:byteSize, an xsd:nonNegativeInteger",
        },
    )


# -- the command line and the directory contract -----------------------------------------------------


def test_cli_dump_all_writes_the_set_and_defaults_to_where_the_server_looks(second_store: Path, tmp_path: Path) -> None:
    result = run_cli("dump", "--store", second_store, "--format", "all", "--output", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / SUMS_FILE).is_file() and (tmp_path / "out" / "metiers-kg.nq.gz").is_file()
    store = second_store
    result = run_cli("dump", "--store", store, "--format", "all")
    assert result.returncode == 0, result.stderr
    assert (store / "dumps" / current_build(store).name / VOID_FILE).is_file()
    result = run_cli("dump", "--store", store, "--format", "turtle")
    assert result.returncode == 1 and "--output FILE is required" in result.stderr


def test_a_directory_that_is_not_a_dump_set_is_never_replaced(built_store: Path, tmp_path: Path) -> None:
    precious = tmp_path / "home"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with pytest.raises(StoreError, match="not a dump directory"):
        write_dump_set(Store.open_current(built_store), precious, BASE)
    assert (precious / "notes.txt").read_text() == "keep me"
    assert [p.name for p in tmp_path.iterdir()] == ["home"]  # no staging directory left behind
