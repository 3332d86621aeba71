"""``metiers-kg`` command line: parse arguments (``kg.cli.parser``), call the pipeline, exit 0 or 1
(reason on stderr). The only module that imports both the pipeline and the server."""

from __future__ import annotations

import argparse
import os
import sys

from kg.cli.parser import DEFAULT_STORE, EXIT_REJECTED, make_parser
from kg.core.errors import DocumentsRejectedError, MetiersKgError, ValidationError
from kg.core.vocab import DEFAULT_BASE_IRI

__all__ = ["DEFAULT_STORE", "EXIT_REJECTED", "main", "make_parser"]


def run_report(args: argparse.Namespace) -> int:
    from kg.publish.report import quality_report, render_text
    from kg.store import Store

    store = Store.open_current(args.store)
    result = quality_report(store)
    print(result.to_json() if args.format == "json" else render_text(result), end="")
    if args.sssom is not None:
        from kg.alignment.sssom import mappings_from_store, sssom_tsv

        args.sssom.write_text(sssom_tsv(mappings_from_store(store)), encoding="utf-8")
    return 0


def run_align(args: argparse.Namespace) -> int:
    from kg.alignment.workflow import run_align as align

    candidates, sssom, alignment = align(args.seeds, args.output_dir, args.base_iri)
    print(f"wrote {candidates} and {sssom} ({len(alignment.mappings)} mappings)", file=sys.stderr)
    return 0


def run_build(args: argparse.Namespace) -> int:
    from kg.build import build

    result = build(
        args.seeds,
        args.store,
        args.base_iri,
        rome=args.rome,
        keep_going=args.keep_going,
        discard_updates=args.discard_updates,
    )
    for skipped, original in result.duplicates:
        print(f"{skipped}: skipped, byte-identical to {original}", file=sys.stderr)
    if not os.environ.get("SOURCE_DATE_EPOCH"):
        print(
            "note: SOURCE_DATE_EPOCH is not set, so the graph has no build date (make run sets it from "
            "the last commit of seeds/; see metiers-kg --help)",
            file=sys.stderr,
        )
    print(
        f"built {args.store}: {result.documents} documents, {result.graphs} named graphs, "
        f"{result.quads} quads; {result.report}",
        file=sys.stderr,
    )
    report = "".join(f"{rejection}\n" for rejection in result.rejections)
    if args.rejections is not None:
        args.rejections.write_text(report, encoding="utf-8")
    if not result.rejections:
        return 0
    print(f"left out {len(result.rejections)} document(s) (rejection report):\n{report}", end="", file=sys.stderr)
    return EXIT_REJECTED


def run_validate(args: argparse.Namespace) -> int:
    from kg.build import check

    report = check(list(args.files), args.base_iri)
    print(report)
    return 1 if report.violations else 0


def run_load(args: argparse.Namespace) -> int:
    from kg.loading import load_files

    count = load_files(args.store, args.graph, list(args.files))
    print(f"loaded {len(args.files)} file(s) into <{args.graph}>; the store now holds {count} quads", file=sys.stderr)
    return 0


def run_dump(args: argparse.Namespace) -> int:
    from kg.publish.dumps import write_dump
    from kg.store import Store

    if args.format == "all":
        from kg.publish.dumps import default_dump_directory, dumps_lock, write_dump_set
        from kg.store import settle_base_iri

        base_iri = settle_base_iri(args.store, args.base_iri, DEFAULT_BASE_IRI)
        output = args.output or default_dump_directory(args.store)
        with dumps_lock(output.parent):
            dump_set = write_dump_set(Store.open_current(args.store), output, base_iri)
        print(f"wrote {len(dump_set.names())} files to {output} (version {dump_set.version})", file=sys.stderr)
        return 0
    if args.output is None:
        raise ValueError(f"--output FILE is required with --format {args.format}")
    size = write_dump(Store.open_current(args.store), args.format, args.output)
    print(f"wrote {args.output} ({size} bytes)", file=sys.stderr)
    return 0


def run_match(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from kg.search.location import store_index
    from kg.search.match import default_workers, match_titles, read_table, titles_of, write_table

    name = str(args.file) if args.file else "<stdin>"
    data = args.file.read_bytes() if args.file else sys.stdin.buffer.read()
    table = read_table(data, name, args.column)
    directory = store_index(args.store)
    titles = list(titles_of(table, args.column))
    with tqdm(
        total=len(set(titles)), unit=" titles", file=sys.stderr, disable=not (args.progress or sys.stderr.isatty())
    ) as bar:
        results = match_titles(directory, titles, args.workers or default_workers(), bar.update)
    if args.output is None:
        write_table(table, args.column, results, sys.stdout)
    else:
        with open(args.output, "w", encoding="utf-8", newline="") as out:
            write_table(table, args.column, results, out)
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from server.config import ServerConfig
    from server.wsgi import serve

    overrides = {
        key: value
        for key, value in {
            "store_dir": args.store,
            "host": args.host,
            "port": args.port,
            "base_iri": args.base_iri,
            "query_timeout": args.query_timeout,
            "workers": args.workers,
            "threads": args.threads,
            "max_worker_memory": args.max_worker_memory,
            "max_rows": args.max_rows,
            "update_token": args.update_token,
            "open_update": args.open_update,
            "public_url": args.public_url,
            "cors_origins": args.cors_origin,
            "service_allowlist": args.service_allow,
        }.items()
        if value is not None
    }
    serve(ServerConfig.from_env(**overrides))
    return 0


COMMANDS = {
    "build": run_build,
    "validate": run_validate,
    "load": run_load,
    "dump": run_dump,
    "serve": run_serve,
    "report": run_report,
    "align": run_align,
    "match": run_match,
}


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except DocumentsRejectedError as error:
        print(f"metiers-kg {args.command}: {error}", file=sys.stderr)
        return 1
    except ValidationError as error:
        print(
            f"metiers-kg {args.command}: the graph does not conform to the shapes; nothing was written\n{error}",
            file=sys.stderr,
        )
        return 1
    except (MetiersKgError, ValueError) as error:
        print(f"metiers-kg {args.command}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
