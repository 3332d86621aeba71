"""Just enough SPARQL lexing to answer three questions the server must ask before evaluating.

pyoxigraph 0.5 exposes no parsed query from Python, and its native evaluator calls any
``SERVICE`` endpoint itself. So, on the query text: which endpoints does ``SERVICE`` name
(to refuse those not allow-listed: no requests from our server to arbitrary hosts), does an
update carry its own ``USING``/``WITH`` (a conflict with ``using-graph-uri``, a 400), and
where do the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` go (as ``USING``
clauses before each top-level ``WHERE`` of an ``INSERT``/``DELETE``).

The lexer skips strings, IRIs and comments, so keywords inside them never count; a text that
does not parse still fails later in pyoxigraph with its own precise message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

_TOKEN = re.compile(r"""
    (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\n]*)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<word>[A-Za-z_\u00c0-\uffff][\w\-.\u00b7\u00c0-\uffff]*(?::[\w\-.:%\\\u00b7\u00c0-\uffff]*)?
            |:[\w\-.:%\\\u00b7\u00c0-\uffff]*)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<space>\s+)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    depth: int  # braces open before this token

    def is_word(self, *keywords: str) -> bool:
        return self.kind == "word" and self.text.upper() in keywords


def tokens(text: str) -> Iterator[Token]:
    """Significant tokens (no spaces or comments), each with its brace depth."""
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind in ("space", "comment"):
            continue
        if kind == "close":
            depth = max(depth - 1, 0)
        yield Token(kind, match.group(), match.start(), depth)
        if kind == "open":
            depth += 1


def service_targets(query: str, base_iri: str | None, keyword: str = "SERVICE") -> list[str | None]:
    """The endpoint IRI of every ``SERVICE`` in ``query`` (``None`` for ``SERVICE ?var``).

    With ``keyword="LOAD"``: the documents an update would fetch (also requests to other hosts).
    """
    if keyword.lower() not in query.lower():
        return []  # the common case costs one scan of the text
    found: list[str | None] = []
    prefixes: dict[str, str] = {}
    base = base_iri or ""
    stream = list(tokens(query))
    for index, token in enumerate(stream):
        following = stream[index + 1:index + 3]
        if token.is_word("BASE") and following and following[0].kind == "iri":
            base = urljoin(base, following[0].text[1:-1])
        elif token.is_word("PREFIX") and len(following) == 2 and following[1].kind == "iri":
            prefixes[following[0].text.rstrip(":")] = urljoin(base, following[1].text[1:-1])
        elif token.is_word(keyword):
            rest = stream[index + 1:index + 3]
            if rest and rest[0].is_word("SILENT"):
                rest = rest[1:]
            if not rest:
                continue
            target = rest[0]
            if target.kind == "iri":
                found.append(urljoin(base, target.text[1:-1]))
            elif target.kind == "word" and ":" in target.text:
                prefix, _, local = target.text.partition(":")
                found.append(prefixes[prefix] + local if prefix in prefixes else target.text)
            else:
                found.append(None)
    return found


def has_own_dataset(update: str) -> bool:
    """True when an update names its dataset itself (``USING``, ``USING NAMED`` or ``WITH``)."""
    return any(t.depth == 0 and t.is_word("USING", "WITH") for t in tokens(update))


def add_using(update: str, default_graphs: tuple[str, ...], named_graphs: tuple[str, ...]) -> str:
    """Insert ``USING <g>`` / ``USING NAMED <g>`` before each top-level ``WHERE`` of a modify operation.

    ``DELETE WHERE { … }`` (the short form) takes no ``USING`` in SPARQL's grammar and is left
    as it is; its pattern then matches the store's default graph, as without the parameters.
    """
    clause = "".join(f" USING <{g}>" for g in default_graphs) + "".join(f" USING NAMED <{g}>" for g in named_graphs)
    positions = []
    previous: Token | None = None
    for token in tokens(update):
        if token.depth == 0 and token.is_word("WHERE") and not (previous is not None and previous.is_word("DELETE")):
            positions.append(token.start)
        previous = token
    for position in reversed(positions):
        update = f"{update[:position]}{clause.strip()} {update[position:]}"
    return update


def names_dataset(query: str) -> bool:
    """True when a query has its own ``FROM`` / ``FROM NAMED`` (which then define its dataset)."""
    if "from" not in query.lower():
        return False
    return any(t.depth == 0 and t.is_word("FROM") for t in tokens(query))
