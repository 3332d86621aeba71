"""Build benchmark: wall time and peak RSS of `metiers-kg build` on N synthetic fiches.

    .venv/bin/python bench/build_bench.py 1000 10000 50000
    .venv/bin/python bench/build_bench.py --corpus corpus/onisep/fiches-metiers corpus/onisep/fiches-formations
    .venv/bin/python bench/build_bench.py --like corpus/onisep/fiches-metiers 1000 10000

Each size is generated deterministically (bench/generate_fiches.py), then built once in a
fresh process. Memory is reported twice: the largest single process (wait4 rusage, exact)
and the peak of the whole process tree (the build and its worker processes, sampled from
/proc every 0.1 s). Prints a Markdown table to paste into bench/README.md.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_fiches import generate, replicate  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"


def _tree_rss_mib(root: int) -> float:
    """Resident memory of a process and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            parents[int(entry.name)] = int(stat[1])
            rss[int(entry.name)] = int(stat[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, IndexError, ValueError):
            continue
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, ppid in parents.items() if ppid == parent and pid not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(pid, 0) for pid in tree) / 2**20


def _sample_peak(pid: int, peak: list[float], done: threading.Event) -> None:
    while not done.wait(0.1):
        peak[0] = max(peak[0], _tree_rss_mib(pid))


def measure(count: int, corpus: list[Path] | None = None, like: Path | None = None) -> tuple[float, float, float, int]:
    """Build N synthetic fiches (copies of the real ones of ``like``), or the real ``corpus`` directories
    (with --keep-going: exit 3 is a success)."""
    kind = "like" if like else "fiches"
    seeds, store = OUT / f"{kind}-{count}", OUT / f"store-{kind}-{count}"
    if corpus is None and not seeds.exists():
        replicate(count, seeds, like) if like else generate(count, seeds)
    shutil.rmtree(store, ignore_errors=True)
    sources = [str(d) for d in corpus] + ["--keep-going"] if corpus else [str(seeds)]
    run = timed_build(["--seeds", *sources, "--store", str(store)])
    if run.exit_code not in ((0, 3) if corpus else (0,)):
        raise SystemExit(f"build of {count} fiches failed:\n{run.stderr}")
    quads = int(run.stderr.split(" quads")[0].rsplit(" ", 1)[-1])
    return run.elapsed, run.largest_rss_mib, run.tree_peak_mib, quads


@dataclass(frozen=True)
class BuildRun:
    elapsed: float
    exit_code: int
    largest_rss_mib: float  # the largest single process (getrusage of the children)
    tree_peak_mib: float  # the whole process tree, sampled every 0.1 s
    stderr: str
    cpu: float = 0.0  # user + sys of the whole process tree (every descendant reaped: exact)


_PR_SET_CHILD_SUBREAPER = 36


def _become_subreaper() -> None:
    """Orphaned descendants (the forkserver, once the build exits) are reparented to us and reaped here,
    so RUSAGE_CHILDREN counts the CPU of the whole tree."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _reap_all() -> None:
    while True:
        try:
            os.wait()
        except ChildProcessError:
            return


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_build(
    arguments: list[str], env: dict[str, str] | None = None, cwd: Path | None = None, python: str | None = None
) -> BuildRun:
    """``metiers-kg build ARGUMENTS`` in a fresh process (of ``python``, default this one): wall time,
    CPU of the process tree, exit code, peak memory and stderr."""
    _become_subreaper()
    cpu_before = _children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(
        [python or sys.executable, "-m", "kg.cli", "build", *arguments],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd,
    )
    peak, done = [0.0], threading.Event()
    sampler = threading.Thread(target=_sample_peak, args=(process.pid, peak, done), daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    done.set()
    sampler.join()
    elapsed = time.perf_counter() - start
    stderr = process.stderr.read() if process.stderr else ""
    _reap_all()
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped above: Popen must not wait again
    cpu = _children_cpu() - cpu_before
    return BuildRun(elapsed, os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024, peak[0], stderr, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", type=int, nargs="*")
    parser.add_argument(
        "--corpus",
        type=Path,
        nargs="+",
        default=None,
        metavar="DIR",
        help="build these real document directories together instead of synthetic fiches",
    )
    parser.add_argument(
        "--like",
        type=Path,
        default=None,
        metavar="DIR",
        help="the N fiches of each size are copies of the real fiches métiers of DIR",
    )
    args = parser.parse_args()
    print(
        "| fiches | quads | wall time (s) | µs per quad | peak RSS, largest process (MiB) "
        "| peak RSS, all processes (MiB) |"
    )
    print("|---:|---:|---:|---:|---:|---:|")
    if args.corpus:
        count = sum(1 for d in args.corpus for p in d.iterdir() if not p.name.startswith("."))
        elapsed, rss, tree_rss, quads = measure(count, args.corpus)
        print(
            f"| {count:,} (real) | {quads:,} | {elapsed:.1f} | {elapsed / quads * 1e6:.1f} | {rss:,.0f} "
            f"| {tree_rss:,.0f} |",
            flush=True,
        )
    for count in args.sizes:
        elapsed, rss, tree_rss, quads = measure(count, like=args.like)
        print(
            f"| {count:,}{' (copies of real)' if args.like else ''} | {quads:,} | {elapsed:.1f} | {elapsed / quads * 1e6:.1f} | {rss:,.0f} "
            f"| {tree_rss:,.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
