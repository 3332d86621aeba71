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

    validate = commands.add_parser("validate", help="parse, map and SHACL-validate files; write nothing")
    validate.add_argument("files", type=Path, nargs="+", metavar="FILE")
    validate.add_argument("--base-iri", default=_env("BASE_IRI", DEFAULT_BASE_IRI), metavar="IRI")

    load = commands.add_parser("load", help="add RDF files (format from the extension) to a named graph")
    load.add_argument("--store", type=Path, default=_env("STORE"), required=_env("STORE") is None, metavar="PATH")
    load.add_argument("--graph", required=True, metavar="IRI")
    load.add_argument("files", type=Path, nargs="+", metavar="FILE")

    dump = commands.add_parser("dump", help="deterministic serialisation of the store")
    dump.add_argument("--store", type=Path, default=_env("STORE"), required=_env("STORE") is None, metavar="PATH")
    dump.add_argument("--format", choices=["turtle", "nquads", "trig"], required=True)
    dump.add_argument("--output", type=Path, required=True, metavar="FILE")

    serve = commands.add_parser("serve", help="serve the store read-only over SPARQL (production WSGI server)")
    serve.add_argument("--store", type=Path, default=None, metavar="PATH")
    serve.add_argument("--host", default=None, metavar="H")
    serve.add_argument("--port", type=int, default=None, metavar="P")
    serve.add_argument("--base-iri", default=None, metavar="IRI")
    serve.add_argument("--query-timeout", type=float, default=None, metavar="SECONDS")
    serve.add_argument("--workers", type=int, default=None, metavar="N")
    return parser


def run_build(args: argparse.Namespace) -> int:
    from kg.build import build

    result = build(args.seeds, args.store, args.base_iri)
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

    size = write_dump(Store.open_current(args.store), args.format, args.output)
    print(f"wrote {args.output} ({size} bytes)", file=sys.stderr)
    return 0


def run_serve(args: argparse.Namespace) -> int:
    from server.config import ServerConfig
    from server.wsgi import serve

    overrides = {key: value for key, value in {
        "store_dir": args.store, "host": args.host, "port": args.port, "base_iri": args.base_iri,
        "query_timeout": args.query_timeout, "workers": args.workers,
    }.items() if value is not None}
    serve(ServerConfig.from_env(**overrides))
    return 0


COMMANDS = {"build": run_build, "validate": run_validate, "load": run_load, "dump": run_dump, "serve": run_serve}


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
