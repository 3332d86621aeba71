"""ROME build benchmark: the default build (seeds + the complete ROME export) cold, then rebuilt.

    .venv/bin/python bench/rome_bench.py

Three `metiers-kg build` runs in fresh processes into one store under bench/out/: (1) cold, no
ROME cache: the export is parsed, mapped, loaded and validated, then the seeds; (2) the same
input again; (3) one seed document changed (a sentence appended to the testimony): both reuse
the ROME database from the cache (content-addressed by the export's checksums). Reports wall
time and peak RSS of the whole process tree, and where the cold run's ROME stage spends its time.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import timed_build  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
OUT = Path(__file__).resolve().parent / "out"


def run(seeds: Path, store: Path) -> tuple[float, float, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("METIERS_KG_CACHE", "METIERS_KG_ROME")}
    build = timed_build(["--seeds", str(seeds), "--store", str(store)], env=env, cwd=REPO)
    if build.exit_code != 0:
        raise SystemExit(f"build failed:\n{build.stderr}")
    return build.elapsed, build.tree_peak_mib, build.stderr.strip()


def stage_times() -> list[tuple[str, float]]:
    """The cold ROME stage step by step, in this process (cache in a scratch directory)."""
    import pyoxigraph as ox

    from kg.mapping.esco_rome import default_crosswalk, map_crosswalk
    from kg.mapping.iris import Iris
    from kg.mapping.ntriples import NTriplesBuilder
    from kg.mapping.rome import default_export, map_export
    from kg.sources.esco_rome import parse_crosswalk
    from kg.sources.rome import parse_export
    from kg.validation.store import validate_store

    iris, times = Iris(), []

    def step(name, work):
        start = time.perf_counter()
        result = work()
        times.append((name, time.perf_counter() - start))
        return result

    export = step("parse the export (27 CSV files)", lambda: parse_export(default_export()))
    rome = step("map it (N-Triples text)", lambda: map_export(export, iris).data())
    crosswalk = NTriplesBuilder()
    step(
        "parse and map the ESCO–ROME crosswalk",
        lambda: map_crosswalk(parse_crosswalk(default_crosswalk()), export, iris, crosswalk),
    )
    scratch = OUT / "rome-stage"
    shutil.rmtree(scratch, ignore_errors=True)
    store = ox.Store(str(scratch))

    def load() -> None:
        store.bulk_load(
            rome, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(iris.graph("rome"))), lenient=True
        )
        store.bulk_load(
            crosswalk.data(),
            format=ox.RdfFormat.N_TRIPLES,
            to_graph=ox.NamedNode(str(iris.graph("esco-rome"))),
            lenient=True,
        )

    step("bulk-load into Oxigraph (RocksDB)", load)
    step("SHACL shapes compiled to SPARQL", lambda: validate_store(store))
    store = None  # the store's files are closed before they are removed
    shutil.rmtree(scratch, ignore_errors=True)
    return times


def main() -> None:
    seeds, store = OUT / "rome-seeds", OUT / "rome-store"
    shutil.rmtree(seeds, ignore_errors=True)
    shutil.rmtree(store, ignore_errors=True)
    shutil.copytree(REPO / "seeds", seeds)
    rows = [("cold (no cache)", *run(seeds, store)), ("same input again", *run(seeds, store))]
    testimony = next(p for p in sorted(seeds.iterdir()) if p.name.startswith("004"))
    testimony.write_text(testimony.read_text("utf-8") + "\nUne phrase de plus.\n", "utf-8")
    rows.append(("one seed changed", *run(seeds, store)))
    print("| build | wall time (s) | peak RSS, all processes (MiB) |\n|---|---:|---:|")
    for name, elapsed, peak, _ in rows:
        print(f"| {name} | {elapsed:.1f} | {peak:.0f} |")
    print(f"\n{rows[0][3]}\n")
    print("| cold ROME stage step | s |\n|---|---:|")
    for name, seconds in stage_times():
        print(f"| {name} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
