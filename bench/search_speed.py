"""Speed of the name index: build time and size, /reconcile latency over HTTP, ``metiers-kg match`` on 10,000 titles.

    .venv/bin/python bench/search_speed.py [--store var/store] [--requests 300]

1. ``write_index`` of the store, in this process: wall time, and the index's size on disk.
2. ``metiers-kg serve`` (2 workers) on the store; ``--requests`` single reconcile queries (GET) and as
   many batches of 10 (form POST, OpenRefine's default batch), one at a time: p50 and p99 latency.
3. ``metiers-kg match`` (fresh process, default workers) on 10,000 titles written as people write them
   (ROME appellations and ESCO labels, as written, in capitals without accents, with one typo; the
   same deterministic sample every run): wall time, and CPU time of the process tree. The machine is
   shared with other work, so the wall time is noisy; CPU seconds / 2 is what two idle cores would take.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from endpoint_bench import wait_ready  # noqa: E402
from search_eval_set import default_store, written_forms  # noqa: E402

from kg.search.writing import write_index  # noqa: E402
from kg.sources.reference import esco_occupations  # noqa: E402
from kg.store import Store  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
TITLES = 10_000
VARIANTS = ("as written", "no accents, capitals", "one typo", "stop words dropped")


APPELLATIONS = """PREFIX mkg: <https://w3id.org/metiers-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label WHERE { ?a a mkg:RomeAppellation ; skos:prefLabel ?label }"""


def titles(store: Store, count: int) -> list[str]:
    """``count`` job titles from the ROME appellations and ESCO occupations, varied."""
    names = sorted(
        {row["label"].value for row in store.query(APPELLATIONS)}
        | {o.label_fr for o in esco_occupations().values() if o.label_fr}
    )
    chosen = random.Random(14).sample(names, min(count, len(names)))
    written = []
    for label in chosen:
        forms = dict(written_forms(label, None))
        written.append(forms.get(VARIANTS[len(written) % len(VARIANTS)], label))
    return written[:count]


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def latency(base: str, queries: list[str], batch: int) -> tuple[float, float]:
    samples = []
    for start in range(0, len(queries) - batch + 1, batch):
        chunk = {f"q{i}": {"query": q, "type": "RomeFiche"} for i, q in enumerate(queries[start : start + batch])}
        began = time.perf_counter()
        answer = (
            requests.get(f"{base}/reconcile", params={"queries": json.dumps(chunk)}, timeout=60)
            if batch == 1
            else requests.post(f"{base}/reconcile", data={"queries": json.dumps(chunk)}, timeout=60)
        )
        samples.append((time.perf_counter() - began) * 1000)
        answer.raise_for_status()
    return percentiles(samples)


def serve(store: Path, port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kg.cli", "serve", "--store", str(store), "--port", str(port), "--workers", "2"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=REPO,
    )


def timed_match(store: Path, source: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    began = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "kg.cli",
            "match",
            str(source),
            "--column",
            "title",
            "--store",
            str(store),
            "--output",
            str(source.with_suffix(".out.csv")),
        ],
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - began
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(done.stderr)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=default_store())
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--match-only", action="store_true", help="time metiers-kg match only (part 3)")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="search-speed-"))
    try:
        sample = titles(Store.open_current(args.store), TITLES)
        source = scratch / "titles.csv"
        with open(source, "w", encoding="utf-8", newline="") as out:
            csv.writer(out).writerows([["title"], *([t] for t in sample)])
        if not args.match_only:
            index_and_http(args, scratch, sample)
        wall, cpu = timed_match(args.store, source)
        print(
            f"metiers-kg match, {len(sample):,} titles ({len(set(sample)):,} distinct): {wall:.1f} s wall, "
            f"{cpu:.1f} s CPU (÷2 cores = {cpu / 2:.1f} s)"
        )
    finally:
        shutil.rmtree(scratch)


def index_and_http(args: argparse.Namespace, scratch: Path, sample: list[str]) -> None:
    """Parts 1 and 2: the index's build time and size, then /reconcile's latency."""
    began = time.perf_counter()
    names = write_index(Store.open_current(args.store), scratch / "index")
    built = time.perf_counter() - began
    size = sum(p.stat().st_size for p in (scratch / "index").rglob("*") if p.is_file())
    print(f"index: {names:,} names, built in {built:.1f} s, {size / 2**20:.1f} MiB on disk")
    server = serve(args.store, args.port)
    try:
        wait_ready(f"http://127.0.0.1:{args.port}/sparql")
        base = f"http://127.0.0.1:{args.port}"
        latency(base, sample[:20], 1)  # warm the workers' index
        one = latency(base, sample[: args.requests], 1)
        ten = latency(base, sample[: args.requests * 10], 10)
    finally:
        server.terminate()
        server.wait(30)
    print(f"/reconcile, 1 query:     p50 {one[0]:.1f} ms, p99 {one[1]:.1f} ms ({args.requests} requests)")
    print(f"/reconcile, batch of 10: p50 {ten[0]:.1f} ms, p99 {ten[1]:.1f} ms ({args.requests} requests)")


if __name__ == "__main__":
    main()
