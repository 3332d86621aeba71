"""Endpoint benchmark: ``metiers-kg serve`` against ``oxigraph serve-read-only`` on the same store, in one run.

    .venv/bin/python bench/endpoint_bench.py [--fiches 5000] [--duration 10] [--connections 16]

Needs ``wrk`` (Debian package ``wrk``). Builds (once) a store of N synthetic fiches with
``bench/generate_fiches.py`` + ``metiers-kg build`` (5,000 fiches and the complete ROME ≈ 2.37M quads), installs the
``oxigraph`` CLI from PyPI into ``bench/out/oxigraph-venv`` (not a project dependency), starts
both servers on 127.0.0.1 with the same store and union default graph, and drives them with
the same requests and concurrency:

* **lookup, same query**: a 20-row lookup of one fiche, repeated (ours replays its first
  answer from the per-build cache, in front of Flask: ``server/sparql/fast_path.py``);
* **lookup, distinct queries**: the same lookup over the 5,000 fiches, each request's text made
  unique by a trailing comment, so no cache can help: the cost of evaluating every request;
* **lookup, revalidated**: the repeated lookup sent with ``If-None-Match`` (a caching client or
  proxy); ours answers 304, oxigraph has no validators and answers in full;
* **100,000 rows**: one client streams a 100,000-row SELECT (SPARQL JSON), 5 times; median time and MB/s.

The distinct lookups are also sent to a third server, ``bench/floor_app.py`` on granian: a bare
WSGI app that only evaluates the query and returns its JSON. It is the floor for any endpoint
written in Python on this stack, so its ratio to oxigraph bounds what ours can reach there.

Prints a Markdown table (also written to bench/out/endpoint/results.md), with the load average
before and after the run: other processes on the machine make every figure noisy, so compare
the two servers only within one run.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlsplit

import requests

from server.config import ServerConfig  # the floor app gets the threads metiers-kg serve has

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "bench" / "out" / "endpoint"
OXIGRAPH_VENV = REPO / "bench" / "out" / "oxigraph-venv"
BASE = "https://w3id.org/metiers-kg/"
LOOKUP = "SELECT ?p ?o WHERE {{ <{base}metier/MET.{n}> ?p ?o }} LIMIT 20"
LARGE = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 100000"
ACCEPT = "application/sparql-results+json"
FLOOR = "bare WSGI app on granian"  # bench/floor_app.py
COMPARED = "metiers-kg serve, --compare checkout"  # the same server from another checkout
DISTINCT_LUA = """
counter = 0
request = function()
  counter = counter + 1
  local n = 100000 + (counter * 7919 + {thread_offset}) % {fiches}
  local q = string.format("SELECT ?p ?o WHERE {{ <{base}metier/MET.%d> ?p ?o }} LIMIT 20\\n#%d-%d", n, counter, math.random(1, 1000000000))
  q = q:gsub("[^%w%-%._~]", function(c) return string.format("%%%02X", string.byte(c)) end)
  return wrk.format("GET", "{path}?query=" .. q)
end
"""


def ensure_store(fiches: int) -> Path:
    store = OUT / f"store-{fiches}"
    if (store / "current").exists():
        return store
    sys.path.insert(0, str(REPO / "bench"))
    from generate_fiches import generate

    seeds = OUT / f"fiches-{fiches}"
    generate(fiches, seeds)
    subprocess.run(
        [str(REPO / ".venv" / "bin" / "metiers-kg"), "build", "--seeds", str(seeds), "--store", str(store)], check=True
    )
    return store


def ensure_oxigraph() -> Path:
    binary = OXIGRAPH_VENV / "bin" / "oxigraph"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(OXIGRAPH_VENV)], check=True)
        subprocess.run([str(OXIGRAPH_VENV / "bin" / "pip"), "install", "--quiet", "oxigraph"], check=True)
    return binary


def wait_ready(url: str, within: float = 60) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if requests.get(url, params={"query": "ASK {}"}, timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not come up")


def wrk(url: str, duration: int, connections: int, headers: dict[str, str], script: Path | None = None) -> dict:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    if script is not None:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = re.search(r"50%\s+([\d.]+)(us|ms|s)", output)
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": rps, "p50": _ms(p50), "p99": _ms(p99), "errors": int(errors.group(1)) if errors else 0}


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _ms(match: re.Match | None) -> float:
    value, unit = float(match.group(1)), match.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def stream_large(url: str, runs: int = 5) -> dict:
    times, size = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        with requests.get(url, params={"query": LARGE}, headers={"Accept": ACCEPT}, stream=True, timeout=120) as r:
            r.raise_for_status()
            size = sum(len(chunk) for chunk in r.iter_content(256 * 1024))
        times.append(time.perf_counter() - started)
    median = statistics.median(times)
    return {"seconds": median, "mb": size / 1e6, "mbps": size / 1e6 / median}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fiches", type=int, default=5000)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument(
        "--compare",
        type=Path,
        default=None,
        metavar="CHECKOUT",
        help="another checkout with its own .venv (e.g. a git worktree of an earlier commit): its "
        "metiers-kg serve runs beside ours on the same store, in the same run",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    OUT.mkdir(parents=True, exist_ok=True)
    store = ensure_store(args.fiches)
    oxigraph = ensure_oxigraph()
    quads = int(
        subprocess.run(
            [
                sys.executable,
                "-c",
                f"import pyoxigraph,sys; print(len(pyoxigraph.Store.read_only('{store / 'current'}')))",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    servers = {
        "oxigraph serve-read-only": (
            [
                str(oxigraph),
                "serve-read-only",
                "-l",
                str(store / "current"),
                "-b",
                "127.0.0.1:7878",
                "--union-default-graph",
            ],
            "http://127.0.0.1:7878/query",
        ),
        "metiers-kg serve": (
            [
                str(REPO / ".venv" / "bin" / "metiers-kg"),
                "serve",
                "--store",
                str(store),
                "--port",
                "7879",
                "--workers",
                str(args.workers),
            ],
            "http://127.0.0.1:7879/sparql",
        ),
        FLOOR: (
            [
                str(REPO / ".venv" / "bin" / "granian"),
                "--interface",
                "wsgi",
                "--factory",
                "--no-ws",
                "--workers",
                str(args.workers),
                "--blocking-threads",
                str(ServerConfig().threads),
                "--host",
                "127.0.0.1",
                "--port",
                "7880",
                "bench.floor_app:app_factory",
            ],
            "http://127.0.0.1:7880/sparql",
        ),
    }
    if args.compare is not None:
        command = [str(args.compare / ".venv" / "bin" / "metiers-kg"), *servers["metiers-kg serve"][0][1:]]
        servers[COMPARED] = ([*command[:-3], "7881", *command[-2:]], "http://127.0.0.1:7881/sparql")
    processes = []
    results: dict[str, dict[str, dict]] = {}
    load_before = _load()
    try:
        for name, (command, url) in servers.items():
            log = open(OUT / f"{name.split()[0]}{'-compared' if name == COMPARED else ''}.log", "wb")
            checkout = args.compare if name == COMPARED else REPO  # each server runs its own checkout's code
            environment = {**os.environ, "FLOOR_STORE": str((store / "current").resolve()), "PYTHONPATH": str(checkout)}
            processes.append(
                subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True, env=environment)
            )
            wait_ready(url)
        for name, (_, url) in servers.items():
            lookup = f"{url}?query={quote(LOOKUP.format(base=BASE, n=100000))}"
            etag = requests.get(lookup, headers={"Accept": ACCEPT}, timeout=10).headers.get("ETag", '"none"')
            script = OUT / f"distinct-{name.split()[0]}{'-compared' if name == COMPARED else ''}.lua"
            script.write_text(
                DISTINCT_LUA.format(thread_offset=0, fiches=args.fiches, base=BASE, path=urlsplit(url).path)
            )
            headers = {"Accept": ACCEPT}
            if name == FLOOR:
                results[name] = {"lookup, distinct queries": wrk(url, args.duration, args.connections, headers, script)}
                continue
            results[name] = {
                "lookup, same query": wrk(lookup, args.duration, args.connections, headers),
                "lookup, distinct queries": wrk(url, args.duration, args.connections, headers, script),
                "lookup, revalidated": wrk(lookup, args.duration, args.connections, {**headers, "If-None-Match": etag}),
                "100,000 rows": stream_large(url),
            }
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
    report = (
        table(results, store, quads, args) + f"\nLoad average (1, 5, 15 min): before {load_before}, after {_load()}.\n"
    )
    (OUT / "results.md").write_text(report)
    print(report)


def table(results: dict[str, dict[str, dict]], store: Path, quads: int, args: argparse.Namespace) -> str:
    theirs = results["oxigraph serve-read-only"]
    lines = [
        f"Store: {args.fiches} synthetic fiches, {quads:,} quads; wrk -t2 -c{args.connections} "
        f"-d{args.duration}s; metiers-kg with {args.workers} workers.",
        "",
        "| scenario | server | req/s | p50 (ms) | p99 (ms) | ratio ours/oxigraph |",
        "|---|---|---:|---:|---:|---:|",
    ]
    compared = (COMPARED,) if COMPARED in results else ()
    for scenario in ("lookup, same query", "lookup, distinct queries", "lookup, revalidated"):
        for name in ("oxigraph serve-read-only", "metiers-kg serve", *compared):
            r = results[name][scenario]
            ratio = f"{r['rps'] / theirs[scenario]['rps']:.2f}×" if name != "oxigraph serve-read-only" else ""
            errors = f" ({r['errors']} non-2xx/3xx)" if r["errors"] else ""
            lines.append(
                f"| {scenario} | {name} | {r['rps']:,.0f}{errors} | {r['p50']:.2f} | {r['p99']:.2f} | {ratio} |"
            )
        if scenario in results.get(FLOOR, {}):
            r = results[FLOOR][scenario]
            ratio = f"{r['rps'] / theirs[scenario]['rps']:.2f}× (floor)"
            lines.append(f"| {scenario} | {FLOOR} | {r['rps']:,.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {ratio} |")
    lines += [
        "",
        "| 100,000-row SELECT (SPARQL JSON) | median time (s) | MB | MB/s | time ours/oxigraph |",
        "|---|---:|---:|---:|---:|",
    ]
    for name in ("oxigraph serve-read-only", "metiers-kg serve", *compared):
        r = results[name]["100,000 rows"]
        ratio = f"{r['seconds'] / theirs['100,000 rows']['seconds']:.2f}×" if name != "oxigraph serve-read-only" else ""
        lines.append(f"| {name} | {r['seconds']:.3f} | {r['mb']:.1f} | {r['mbps']:.0f} | {ratio} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
