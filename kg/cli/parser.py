"""The ``metiers-kg`` command line's arguments: one parser, a function per sub-command."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import Field
from pathlib import Path
from typing import Any

from kg import __version__
from kg.core.vocab import DEFAULT_BASE_IRI

DESCRIPTION = """\
Build and serve métiers-kg, the open knowledge graph of French occupations: ONISEP-style fiches
métiers, the OPIIEC référentiel and testimonies become RDF aligned with ROME 4.0, ESCO and
ISCO-08, validated with SHACL, stored in Oxigraph and served through a SPARQL 1.1 endpoint.

Typical use:  metiers-kg build --seeds seeds  then  metiers-kg serve  (http://127.0.0.1:8000/)."""

EPILOG = """\
Every option PATH/IRI/H/P… can also be set with a METIERS_KG_* variable (METIERS_KG_STORE,
METIERS_KG_BASE_IRI, METIERS_KG_HOST, METIERS_KG_PORT…); an option wins over its variable.

Dates: the graph's only date (the build's prov:endedAtTime, the dataset's creation date and
the date of automatic mappings) is taken from SOURCE_DATE_EPOCH (seconds since 1970), never
from the clock, so a build is reproducible. Without it the graph has no build date, and is
not the same graph as `make run`'s, which sets it to the time of the last commit that changed
seeds/ (git log -1 --format=%ct -- seeds)."""

DEFAULT_STORE = "var/store"


class _Help(argparse.RawDescriptionHelpFormatter):
    """Keeps the description's line breaks and shows every option's default (when it has one)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if (
            "%(default)" not in text
            and action.option_strings
            and action.default not in (None, False)
            and action.default is not argparse.SUPPRESS
        ):
            text += " (default: %(default)s)"
        return text


EXIT_REJECTED = 3  # `build --keep-going`: the store was built, but some documents were left out


def _env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(f"METIERS_KG_{name}", default)


def _store_path() -> Path:
    """The store directory: METIERS_KG_STORE, else the default."""
    return Path(os.environ.get("METIERS_KG_STORE", DEFAULT_STORE))


def _store_option(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument(
        "--store",
        type=Path,
        default=_store_path(),
        metavar="PATH",
        help=f"the store directory {what} (METIERS_KG_STORE)",
    )


def _base_option(command: argparse.ArgumentParser, default: str | None, what: str) -> None:
    command.add_argument("--base-iri", default=default, metavar="IRI", help=f"{what} (METIERS_KG_BASE_IRI)")


def make_parser() -> argparse.ArgumentParser:
    """The ``metiers-kg`` parser: one sub-command each, built by the functions below."""
    from server.config import ServerConfig

    served = ServerConfig.__dataclass_fields__
    parser = argparse.ArgumentParser(prog="metiers-kg", description=DESCRIPTION, epilog=EPILOG, formatter_class=_Help)
    parser.add_argument("--version", action="version", version=f"metiers-kg {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, summary: str) -> argparse.ArgumentParser:
        return commands.add_parser(
            name,
            help=summary,
            description=f"{summary}.",
            epilog=EPILOG if name == "build" else None,
            formatter_class=_Help,
        )

    _build_command(command)
    _validate_command(command)
    _load_command(command)
    _dump_command(command)
    _serve_command(command, served)
    _match_command(command)
    _report_command(command)
    _align_command(command)
    return parser


def _build_command(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    build = command("build", "parse, map and validate every document of DIR, then write a new store atomically")
    build.add_argument(
        "--seeds",
        type=Path,
        required=True,
        metavar="DIR",
        nargs="+",
        action="extend",
        help="document directories (several: built together; a file byte-identical to an earlier one is skipped)",
    )
    build.add_argument(
        "--keep-going",
        action="store_true",
        help="build every valid document, leave out the invalid ones and print the rejection "
        f"report (FILE:LINE: reason); exit {EXIT_REJECTED} when documents were left out",
    )
    build.add_argument(
        "--rejections",
        type=Path,
        default=None,
        metavar="FILE",
        help="also write the rejection report to FILE (empty when nothing was left out)",
    )
    _store_option(build, "to write (the previous build keeps serving until the new one is complete)")
    build.add_argument(
        "--rome",
        type=Path,
        default=None,
        metavar="PATH",
        help="France Travail's ROME open-data export, a folder or its zip (METIERS_KG_ROME; default: the vendored one)",
    )
    _base_option(build, _env("BASE_IRI", DEFAULT_BASE_IRI), "base of the dataset's IRIs, recorded in the build")
    build.add_argument(
        "--discard-updates",
        action="store_true",
        help="drop the graphs written through the endpoint (SPARQL Update, /store, load) since the "
        "served build; without it they are carried into the new build, and a build that also "
        "produces one of them stops, naming them",
    )


def _validate_command(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    validate = command("validate", "parse, map and SHACL-validate files; print the report, write nothing")
    validate.add_argument("files", type=Path, nargs="+", metavar="FILE", help="source documents to check")
    _base_option(validate, _env("BASE_IRI", DEFAULT_BASE_IRI), "base of the IRIs minted while checking")


def _load_command(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    load = command("load", "add RDF files (format from the extension) to a named graph, in a new build")
    _store_option(load, "to add to (created if missing)")
    load.add_argument("--graph", required=True, metavar="IRI", help="the named graph the files go to")
    load.add_argument("files", type=Path, nargs="+", metavar="FILE", help="RDF files: .ttl .nt .nq .trig .rdf .jsonld…")


def _dump_command(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    dump = command("dump", "deterministic serialisation of the store (byte-identical for the same store)")
    _store_option(dump, "to read")
    dump.add_argument(
        "--format",
        choices=["turtle", "nquads", "trig", "all"],
        required=True,
        help="'all': every format, one Turtle file per named graph, void.ttl and SHA256SUMS in DIR",
    )
    dump.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="FILE|DIR",
        help="required for one format (gzip'd if FILE ends in .gz); for 'all' defaults to "
        "PATH/dumps/<build>, where the server looks",
    )
    _base_option(
        dump,
        _env("BASE_IRI"),
        "with 'all': the base the VoID description's URLs are under (default: the one the store was built with)",
    )


def _serve_command(command: Callable[[str, str], argparse.ArgumentParser], served: dict[str, Field[Any]]) -> None:
    serve = command("serve", "serve the store read-only over SPARQL 1.1, with linked-data pages (granian)")
    serve.add_argument(
        "--store",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"the store directory written by build (METIERS_KG_STORE; default: {DEFAULT_STORE})",
    )
    serve.add_argument(
        "--host",
        default=None,
        metavar="H",
        help=f"address to listen on (METIERS_KG_HOST; default: {served['host'].default})",
    )
    serve.add_argument(
        "--port",
        type=int,
        default=None,
        metavar="P",
        help=f"port to listen on (METIERS_KG_PORT; default: {served['port'].default})",
    )
    serve.add_argument(
        "--base-iri",
        default=None,
        metavar="IRI",
        help="base of the dataset's IRIs (METIERS_KG_BASE_IRI; default: the one the store was "
        "built with; a different one is refused)",
    )
    _serve_limits(serve, served)
    _serve_access(serve)


def _serve_limits(serve: argparse.ArgumentParser, served: dict[str, Field[Any]]) -> None:
    """What the server spends: time, processes and threads, memory and rows."""
    serve.add_argument(
        "--query-timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help=f"time limit of one query (METIERS_KG_QUERY_TIMEOUT; default: {served['query_timeout'].default:g})",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="worker processes (METIERS_KG_WORKERS; default: one per CPU)",
    )
    serve.add_argument(
        "--threads",
        type=int,
        default=None,
        metavar="N",
        help="requests each worker runs at once (METIERS_KG_THREADS; default: 8): slow clients hold one each",
    )
    serve.add_argument(
        "--max-worker-memory",
        type=int,
        default=None,
        metavar="MIB",
        help="a worker whose resident memory reaches MIB stops at once and is replaced, cutting "
        "its requests (a runaway ORDER BY; METIERS_KG_MAX_WORKER_MEMORY; default: "
        f"{served['max_worker_memory'].default}; 0: no limit)",
    )
    serve.add_argument(
        "--max-rows",
        type=int,
        default=None,
        metavar="N",
        help="cap on result rows (METIERS_KG_MAX_ROWS; default: 0, no cap)",
    )


def _serve_access(serve: argparse.ArgumentParser) -> None:
    """Whom the server lets in: writes, proxies, browsers, SERVICE calls."""
    serve.add_argument(
        "--update-token",
        default=None,
        metavar="TOKEN",
        help="allow SPARQL Update and Graph Store writes with 'Authorization: Bearer TOKEN' "
        "(prefer METIERS_KG_UPDATE_TOKEN: an option is visible in ps; default: no updates)",
    )
    serve.add_argument(
        "--open-update",
        action="store_true",
        default=None,
        help="allow updates without a token (loopback addresses only; for tests)",
    )
    serve.add_argument(
        "--public-url",
        default=None,
        metavar="URL",
        help="the server's URL as clients see it, behind a proxy (METIERS_KG_PUBLIC_URL)",
    )
    serve.add_argument(
        "--cors-origin",
        action="append",
        default=None,
        metavar="ORIGIN",
        help="browser origin allowed to read answers (repeatable; METIERS_KG_CORS_ORIGIN; default: '*', any)",
    )
    serve.add_argument(
        "--service-allow",
        action="append",
        default=None,
        metavar="IRI",
        help="SPARQL endpoint that SERVICE may call (repeatable; METIERS_KG_SERVICE_ALLOW; default: none)",
    )


def _match_command(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    match = command(
        "match", "add ROME code and title, appellation, ESCO occupation, ISCO group and scores to a CSV of job titles"
    )
    match.add_argument(
        "file",
        nargs="?",
        type=Path,
        default=None,
        metavar="FILE.csv",
        help="the CSV (UTF-8; delimiter , ; tab or |, as the file has it); default: stdin",
    )
    match.add_argument("--column", required=True, metavar="TITLE", help="the column holding the job titles")
    match.add_argument(
        "--output", "-o", type=Path, default=None, metavar="FILE", help="where the CSV goes (default: stdout)"
    )
    match.add_argument(
        "--store",
        type=Path,
        default=_store_path(),
        metavar="PATH",
        help="the store whose current build's name index is used (METIERS_KG_STORE)",
    )
    match.add_argument(
        "--workers", type=int, default=None, metavar="N", help="processes matching titles (default: one per CPU)"
    )
    match.add_argument(
        "--progress", action="store_true", help="show the progress bar on stderr even when it is not a terminal"
    )


def _report_command(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    report = command("report", "coverage of the alignment, computed by SPARQL over the store")
    _store_option(report, "to read")
    report.add_argument("--format", choices=["text", "json"], default="text", help="how to print the report")
    report.add_argument(
        "--sssom", type=Path, default=None, metavar="FILE", help="also write the store's mappings as an SSSOM TSV file"
    )


def _align_command(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    align = command("align", "write ESCO candidates for review and the SSSOM mapping set of DIR")
    align.add_argument("--seeds", type=Path, required=True, metavar="DIR", help="the folder of source documents")
    align.add_argument(
        "--output-dir",
        type=Path,
        default=Path("alignment"),
        metavar="DIR",
        help="where candidates.tsv and mappings.sssom.tsv are written",
    )
    _base_option(align, _env("BASE_IRI", DEFAULT_BASE_IRI), "base of the IRIs in the mapping set")
