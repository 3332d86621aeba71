"""A/B build benchmark: the same builds with two code bases, alternated, CPU of the whole process tree.

    .venv/bin/python bench/ab_bench.py --a /path/to/base/.venv/bin/python --b .venv/bin/python --rounds 2

Each code base is a Python interpreter with the project installed (its own worktree's venv; each
build runs with that worktree as working directory). Three builds per round and code base, in
fresh processes, each into its own store under bench/out/ab-<side>/ with its own ROME cache:
``corpus`` (the ONISEP corpus, --keep-going, ROME cache warm), ``run`` (what ``make run`` builds:
seeds + corpus + the complete ROME, --keep-going, cache warm) and ``seed`` (the seeds only, one
seed document changed since the previous build, cache warm). A first, untimed build per side
fills its cache. Prints wall time, CPU (user + sys of the build and every process it started),
peak RSS of the tree and the load average before each build.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from build_bench import timed_build  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
CORPUS = ["corpus/onisep/fiches-metiers", "corpus/onisep/fiches-formations"]
EPOCH = "1796168685"


def _worktree(python: str) -> Path:
    return Path(
        os.path.abspath(python)
    ).parent.parent.parent  # <worktree>/.venv/bin/python (not resolved: a venv links to its base)


def _build(side: str, python: str, kind: str, round_: int) -> tuple[float, float, float, float]:
    tree = _worktree(python)
    store, cache = OUT / f"ab-{side}" / f"store-{kind}", OUT / f"ab-{side}" / "cache"
    env = {k: v for k, v in os.environ.items() if k not in ("METIERS_KG_ROME", "PYTHONPATH")}
    env.update(METIERS_KG_CACHE=str(cache), SOURCE_DATE_EPOCH=EPOCH)
    if kind == "corpus":
        arguments = ["--seeds", *CORPUS, "--keep-going"]
    elif kind == "run":
        arguments = ["--seeds", "seeds", *CORPUS, "--keep-going"]
    else:
        seeds = OUT / f"ab-{side}" / "seeds"
        if not seeds.exists():
            shutil.copytree(tree / "seeds", seeds)
        testimony = next(p for p in sorted(seeds.iterdir()) if p.name.startswith("004"))
        testimony.write_text(testimony.read_text("utf-8") + f"\nUne phrase de plus ({round_}).\n", "utf-8")
        arguments = ["--seeds", str(seeds)]
    load = os.getloadavg()[0]
    run = timed_build([*arguments, "--store", str(store)], env=env, cwd=tree, python=python)
    if run.exit_code not in (0, 3):
        raise SystemExit(f"{side} {kind} build failed:\n{run.stderr}")
    return run.elapsed, run.cpu, run.tree_peak_mib, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--a", required=True, help="Python of code base A")
    parser.add_argument("--b", required=True, help="Python of code base B")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--kinds", nargs="+", default=["corpus", "run", "seed"])
    args = parser.parse_args()
    sides = {"A": args.a, "B": args.b}
    for side, python in sides.items():
        _build(side, python, "seed", 0)  # fills the ROME cache
    print("| build | code | round | wall (s) | CPU user+sys (s) | peak RSS, all processes (MiB) | load avg (1 min) |")
    print("|---|---|---:|---:|---:|---:|---:|", flush=True)
    for round_ in range(1, args.rounds + 1):
        for kind in args.kinds:
            for side in sides if round_ % 2 else reversed(list(sides)):
                wall, cpu, rss, load = _build(side, sides[side], kind, round_)
                print(f"| {kind} | {side} | {round_} | {wall:.1f} | {cpu:.1f} | {rss:,.0f} | {load:.2f} |", flush=True)


if __name__ == "__main__":
    main()
