"""One parser per document kind; the kind is detected from the content, never the file name."""

from __future__ import annotations

from pathlib import Path

from kg.core.errors import UnknownDocumentKindError, UnreadableSourceError
from kg.sources import formation, onisep, referentiel, testimony
from kg.sources.common import read_source

Document = onisep.Fiche | formation.FicheFormation | referentiel.Referentiel | testimony.Testimony

# Order matters: the most specific detectors first; the testimony comes last, and takes only
# prose with a testimony's shape (first-person account, no record fields), never any prose.
PARSERS = (onisep, formation, referentiel, testimony)


def parse(path: Path) -> Document:
    """Read and parse one document of any known kind."""
    text, source = read_source(Path(path))
    for parser in PARSERS:
        if parser.looks_like(text):
            return parser.parse_text(text, source)
    raise UnknownDocumentKindError(
        source.path,
        "unknown document kind: not an ONISEP fiche métier (no '**ID:** MET.n'), not a fiche formation "
        "(no '## Informations générales' with '**Durée:**', '**Type:**'…), not a référentiel métiers "
        "(no sommaire of emploi-types), not a testimony (no first-person prose account)",
        1,
    )


def list_documents(directory: Path) -> list[Path]:
    """The documents of a seed directory, sorted by name; hidden files are skipped."""
    directory = Path(directory)
    try:
        entries = sorted(p for p in directory.iterdir() if not p.name.startswith("."))
    except FileNotFoundError:
        raise UnreadableSourceError(directory, "no such directory") from None
    except NotADirectoryError:
        raise UnreadableSourceError(directory, "is not a directory") from None
    except PermissionError:
        raise UnreadableSourceError(directory, "directory cannot be read: permission denied") from None
    # A dangling link is kept so that reading it fails loudly ("no such file"), not silently.
    files = [p for p in entries if p.is_file() or p.is_symlink()]
    if not files:
        raise UnreadableSourceError(directory, "directory holds no documents")
    return files
