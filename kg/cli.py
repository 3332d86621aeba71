"""``metiers-kg`` command line: parse arguments, call the pipeline, exit 0 or 1 (reason on stderr)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from kg import __version__
from kg.errors import MetiersKgError, ValidationError
from kg.vocab import DEFAULT_BASE_IRI


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"METIERS_KG_{name}", default)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="metiers-kg", description=__doc__)
    parser.add_argument("--version", action="version", version=f"metiers-kg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    build = commands.add_parser("build", help="parse, map, validate every document of DIR and write a new store")
    build.add_argument("--seeds", type=Path, required=True, metavar="DIR")
    build.add_argument("--store", type=Path, default=_env("STORE"), required=_env("STORE") is None, metavar="PATH")
    build.add_argument("--base-iri", default=_env("BASE_IRI", DEFAULT_BASE_IRI), metavar="IRI")
    build.add_argument("--rome", type=Path, default=None, metavar="PATH",
                       help="France Travail's ROME open-data export, a folder or its zip (default: the vendored one)")

    validate = commands.add_parser("validate", help="parse, map and SHACL-validate files; write nothing")
    validate.add_argument("files", type=Path, nargs="+", metavar="FILE")
    validate.add_argument("--base-iri", default=_env("BASE_IRI", DEFAULT_BASE_IRI), metavar="IRI")

    load = commands.add_parser("load", help="add RDF files (format from the extension) to a named graph")
    load.add_argument("--store", type=Path, default=_env("STORE"), required=_env("STORE") is None, metavar="PATH")
    load.add_argument("--graph", required=True, metavar="IRI")
    load.add_argument("files", type=Path, nargs="+", metavar="FILE")

    dump = commands.add_parser("dump", help="deterministic serialisation of the store")
    dump.add_argument("--store", type=Path, default=_env("STORE"), required=_env("STORE") is None, metavar="PATH")
    dump.add_argument("--format", choices=["turtle", "nquads", "trig", "all"], required=True,
                      help="'all': every format, one Turtle file per named graph, void.ttl and SHA256SUMS in DIR")
    dump.add_argument("--output", type=Path, default=None, metavar="FILE|DIR",
                      help="required for one format; for 'all' defaults to PATH/dumps/<build>, where the server looks")
    dump.add_argument("--base-iri", default=_env("BASE_IRI", DEFAULT_BASE_IRI), metavar="IRI",
                      help="with 'all': the base the VoID description's URLs are under")

    serve = commands.add_parser("serve", help="serve the store read-only over SPARQL (production WSGI server)")
    serve.add_argument("--store", type=Path, default=None, metavar="PATH")
    serve.add_argument("--host", default=None, metavar="H")
    serve.add_argument("--port", type=int, default=None, metavar="P")
    serve.add_argument("--base-iri", default=None, metavar="IRI")
    serve.add_argument("--query-timeout", type=float, default=None, metavar="SECONDS")
    serve.add_argument("--workers", type=int, default=None, metavar="N")
    serve.add_argument("--max-rows", type=int, default=None, metavar="N", help="cap on result rows (0: none)")
    serve.add_argument("--update-token", default=None, metavar="TOKEN",
                       help="allow SPARQL Update and Graph Store writes with 'Authorization: Bearer TOKEN'")
    serve.add_argument("--open-update", action="store_true", default=None,
                       help="allow updates without a token (loopback addresses only; for tests)")
    serve.add_argument("--public-url", default=None, metavar="URL", help="the server's URL as clients see it")
    serve.add_argument("--cors-origin", action="append", default=None, metavar="ORIGIN",
                       help="browser origin allowed to read answers (repeatable; '*' for any)")
    serve.add_argument("--service-allow", action="append", default=None, metavar="IRI",
                       help="SPARQL endpoint that SERVICE may call (repeatable; none by default)")
    report = commands.add_parser("report", help="coverage of the alignment, computed by SPARQL over the store")
    report.add_argument("--store", type=Path, default=_env("STORE"), required=_env("STORE") is None, metavar="PATH")
    report.add_argument("--format", choices=["text", "json"], default="text")
    report.add_argument("--sssom", type=Path, default=None, metavar="FILE",
                        help="also write the store's mappings as an SSSOM TSV file")

    align = commands.add_parser("align", help="write ESCO candidates for review and the SSSOM mapping set of DIR")
    align.add_argument("--seeds", type=Path, required=True, metavar="DIR")
    align.add_argument("--output-dir", type=Path, default=Path("alignment"), metavar="DIR")
    align.add_argument("--base-iri", default=_env("BASE_IRI", DEFAULT_BASE_IRI), metavar="IRI")
    return parser


def run_report(args: argparse.Namespace) -> int:
    from kg.report import quality_report, render_text
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

    result = build(args.seeds, args.store, args.base_iri, rome=args.rome)
    print(f"built {args.store}: {result.documents} documents, {result.graphs} named graphs, "
          f"{result.quads} quads; {result.report}", file=sys.stderr)
    return 0


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
    from kg.dumps import write_dump
    from kg.store import Store

    if args.format == "all":
        from kg.dumps import default_dump_directory, dumps_lock, write_dump_set

        output = args.output or default_dump_directory(args.store)
        with dumps_lock(output.parent):
            dump_set = write_dump_set(Store.open_current(args.store), output, args.base_iri)
        print(f"wrote {len(dump_set.names())} files to {output} (version {dump_set.version})", file=sys.stderr)
        return 0
    if args.output is None:
        raise ValueError(f"--output FILE is required with --format {args.format}")
    size = write_dump(Store.open_current(args.store), args.format, args.output)
    print(f"wrote {args.output} ({size} bytes)", file=sys.stderr)
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from server.config import ServerConfig
    from server.wsgi import serve

    overrides = {key: value for key, value in {
        "store_dir": args.store, "host": args.host, "port": args.port, "base_iri": args.base_iri,
        "query_timeout": args.query_timeout, "workers": args.workers,
        "max_rows": args.max_rows, "update_token": args.update_token, "open_update": args.open_update,
        "public_url": args.public_url, "cors_origins": args.cors_origin, "service_allowlist": args.service_allow,
    }.items() if value is not None}
    serve(ServerConfig.from_env(**overrides))
    return 0


COMMANDS = {"build": run_build, "validate": run_validate, "load": run_load, "dump": run_dump, "serve": run_serve,
            "report": run_report, "align": run_align}


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ValidationError as error:
        print(f"metiers-kg {args.command}: the graph does not conform to the shapes; nothing was written\n{error}",
              file=sys.stderr)
        return 1
    except (MetiersKgError, ValueError) as error:
        print(f"metiers-kg {args.command}: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
