"""Accuracy of the name index: top-1, top-5, MRR and the precision of ``match``, on held-out titles.

    .venv/bin/python bench/search_accuracy.py [--store var/store] [--json out.json]

Builds an index without the held-out names (``bench/search_eval_set.py`` says how the set is made)
in a scratch directory, queries every case with the type of its answer, and prints one table per task,
by the way the title was written. The store must be a full build (``make build``: the complete ROME).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from search_eval_set import Case, default_store, make  # noqa: E402

from kg.search.index import SearchIndex  # noqa: E402
from kg.search.writing import write_entities  # noqa: E402
from kg.store import Store  # noqa: E402

TYPE_OF_TASK = {"title → ROME fiche": "RomeFiche"}
DEPTH = 10  # ranks looked at for MRR


def _rank(index: SearchIndex, case: Case) -> tuple[int | None, bool, float, float]:
    """The rank of the answer (1-based, None if not in the first DEPTH), whether the top was matched,
    and the first two scores (for the calibration of ``match``)."""
    kind = TYPE_OF_TASK.get(case.task, "EscoOccupation")
    found = index.search(case.query, (kind,), DEPTH)
    rank = next((i + 1 for i, c in enumerate(found) if c.id == case.answer), None)
    scores = [c.score for c in found[:2]] + [0.0, 0.0]
    return rank, bool(found) and found[0].match, scores[0], scores[1]


def _row(name: str, outcomes: list[tuple]) -> dict:
    n = len(outcomes)
    matched = [rank for rank, match, *_ in outcomes if match]
    return {
        "variant": name,
        "cases": n,
        "top1": sum(o[0] == 1 for o in outcomes) / n,
        "top5": sum(o[0] is not None and o[0] <= 5 for o in outcomes) / n,
        "mrr": sum(1 / o[0] for o in outcomes if o[0]) / n,
        "matched": len(matched) / n,
        "match_precision": (sum(rank == 1 for rank in matched) / len(matched)) if matched else None,
    }


def _print(task: str, rows: list[dict]) -> None:
    print(
        f"\n{task}\n| variant | cases | top-1 | top-5 | MRR | matched | match precision |\n|---|---:|---:|---:|---:|---:|---:|"
    )
    for r in rows:
        precision = "–" if r["match_precision"] is None else f"{r['match_precision']:.3f}"
        print(
            f"| {r['variant']} | {r['cases']:,} | {r['top1']:.3f} | {r['top5']:.3f} | {r['mrr']:.3f} | "
            f"{r['matched']:.3f} | {precision} |"
        )


def calibration(outcomes: list[tuple]) -> None:
    """Share auto-matched and precision for other thresholds of ``match`` (score ≥ MIN, lead ≥ GAP)."""
    print("\nmatch rule: | min score | lead | matched | precision |\n|---:|---:|---:|---:|")
    for minimum in (85, 90, 92, 95, 98):
        for gap in (0, 3, 5, 8, 10, 15):
            chosen = [o[0] == 1 for o in outcomes if o[2] >= minimum and o[2] - o[3] >= gap]
            if chosen:
                print(f"| {minimum} | {gap} | {len(chosen) / len(outcomes):.3f} | {sum(chosen) / len(chosen):.3f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=default_store())
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--failures", type=Path, default=None, help="write the wrong top-1 answers (TSV) here")
    args = parser.parse_args()
    store = Store.open_current(args.store)
    entities, cases = make(store)
    scratch = Path(tempfile.mkdtemp(prefix="search-accuracy-"))
    try:
        write_entities(entities, scratch / "index")
        index = SearchIndex(scratch / "index")
        started = time.perf_counter()
        outcomes: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        failures = []
        for case in cases:
            outcome = _rank(index, case)
            if outcome[0] != 1:
                failures.append((case, outcome))
            outcomes[case.task][case.variant].append(outcome)
            outcomes[case.task]["all but abbreviations" if case.variant != "abbreviation" else "_"].append(outcome)
        elapsed = time.perf_counter() - started
    finally:
        shutil.rmtree(scratch)
    report = {}
    for task, by_variant in outcomes.items():
        rows = [_row(v, o) for v, o in by_variant.items() if v != "_"]
        report[task] = rows
        _print(task, rows)
    calibration([outcome for by_variant in outcomes.values() for outcome in by_variant["all but abbreviations"]])
    print(f"\n{len(cases):,} queries in {elapsed:.1f} s")
    if args.failures:
        args.failures.write_text(
            "".join(
                f"{c.task}\t{c.variant}\t{c.query}\t{c.answer}\t{o[0]}\t{o[1]}\t{o[2]}\t{o[3]}\n" for c, o in failures
            ),
            encoding="utf-8",
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
