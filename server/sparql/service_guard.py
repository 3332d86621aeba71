"""Which other servers a query or update would make ours call: decided on the parsed text.

The engine (pyoxigraph) calls every ``SERVICE`` endpoint, and fetches every ``LOAD`` document,
itself, and offers no way to turn its HTTP client off. So before it runs, the text is parsed
by a second, independent SPARQL parser (rdflib's) into its algebra, and every
``ServiceGraphPattern`` and ``Load`` it contains is checked against the allow-list; the lexer
of ``server.sparql.text`` is asked too, and either one finding an endpoint that is not
allowed refuses the request (403). A text that mentions the keyword but that the checker
cannot parse is refused as well: what cannot be checked is not run. Texts without the
keyword anywhere (the common case: one scan) skip all of this.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from rdflib.plugins.sparql.algebra import translateQuery, translateUpdate
from rdflib.plugins.sparql.parser import parseQuery, parseUpdate
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Variable

from server.http.errors import ServiceRefusedError
from server.sparql.text import service_targets

KEYWORDS = {"query": ("SERVICE",), "update": ("SERVICE", "LOAD")}
_NODES = {"ServiceGraphPattern": "term", "Load": "iri"}


def check_calls(text: str, allowed: Iterable[str], base_iri: str | None, kind: str = "query") -> None:
    """Raise ServiceRefusedError unless every endpoint ``text`` would call is in ``allowed``."""
    keywords = KEYWORDS[kind]
    lowered = text.lower()
    if not any(keyword.lower() in lowered for keyword in keywords):
        return
    allowed = set(allowed)
    targets = set(_lexed(text, base_iri, keywords))
    try:
        targets |= set(_parsed(text, base_iri, kind))
    except Exception as error:  # noqa: BLE001 - any failure of the checker: refuse if a call is possible
        if re.search(r"\b(" + "|".join(keywords) + r")\b", text, re.IGNORECASE):
            raise ServiceRefusedError(
                f"this {kind} mentions {' or '.join(keywords)}, and its endpoints could not be checked "
                f"(the checker could not read it: {str(error).splitlines()[0][:200]}); "
                "it is not run"
            ) from None
        return
    for target in sorted(targets, key=lambda t: t or ""):
        if target is None or target not in allowed:
            shown = "a variable endpoint" if target is None else f"<{target}>"
            raise ServiceRefusedError(
                f"{'/'.join(keywords)} {shown} is not allowed on this server; allowed endpoints: "
                + (", ".join(f"<{s}>" for s in sorted(allowed)) or "none (start it with --service-allow IRI)")
            )


def _lexed(text: str, base_iri: str | None, keywords: tuple[str, ...]) -> Iterator[str | None]:
    for keyword in keywords:
        yield from service_targets(text, base_iri, keyword)


def _parsed(text: str, base_iri: str | None, kind: str) -> Iterator[str | None]:
    """The endpoint of every SERVICE / LOAD in rdflib's algebra of ``text`` (None: a variable)."""
    if kind == "update":
        roots: list[object] = list(translateUpdate(parseUpdate(text), base=base_iri).algebra)
    else:
        roots = [translateQuery(parseQuery(text), base=base_iri).algebra]
    stack = roots
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            slot = _NODES.get(node.name)
            if slot is not None:
                term = node.get(slot)
                yield None if term is None or isinstance(term, Variable) else str(term)
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)
