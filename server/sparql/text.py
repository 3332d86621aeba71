"""Just enough SPARQL lexing to answer the questions the server must ask before evaluating.

pyoxigraph 0.5 exposes no parsed query from Python, and its native evaluator calls any
``SERVICE`` endpoint itself. So, on the query text: which endpoints does ``SERVICE`` name
(to refuse those not allow-listed: no requests from our server to arbitrary hosts), does an
update carry its own ``USING``/``WITH`` (a conflict with ``using-graph-uri``, a 400), and
where do the protocol's ``using-graph-uri`` / ``using-named-graph-uri`` go (as ``USING``
clauses before each top-level ``WHERE`` of an ``INSERT``/``DELETE``).

The lexer skips strings, IRIs and comments, so keywords inside them never count; a text that
does not parse still fails later in pyoxigraph with its own precise message.

It also measures how deeply a text nests (:func:`check_nesting`): the engine's parser and
optimiser recurse once per bracket, operator or chained clause, and a few kilobytes of
``{{{…`` or ``1+1+…`` overflow a native stack and kill the process (a segfault, not an
exception). Queries, updates and RDF bodies deeper than the documented limits are refused
with a 400 before they reach the engine (the executor threads also get a large stack:
``server.runtime.query_runner``, so the limits sit far below the crash point).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urljoin

from server.http.errors import MalformedRequestError

_TOKEN = re.compile(
    r"""
    (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<comment>\#[^\n]*)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\uffff]+)
  | (?P<word>[A-Za-z_\u00c0-\uffff][\w\-.\u00b7\u00c0-\uffff]*(?::(?:[\w\-.:%\u00b7\u00c0-\uffff]|\\.)*)?
            |:(?:[\w\-.:%\u00b7\u00c0-\uffff]|\\.)*)
  | (?P<number>[0-9]+(?:\.[0-9]*)?(?:[eE][+-]?[0-9]+)?)
  | (?P<open>\{)
  | (?P<close>\})
  | (?P<bracket>[(\[])
  | (?P<unbracket>[)\]])
  | (?P<space>\s+)
  | (?P<other>.)
""",
    re.VERBOSE | re.DOTALL,
)


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

    Any keyword followed by an IRI: ``LOAD`` (the documents an update would fetch), ``GRAPH``,
    ``WITH`` and ``TO`` (the graphs an update names).
    """
    if keyword.lower() not in query.lower():
        return []  # the common case costs one scan of the text
    found: list[str | None] = []
    prefixes: dict[str, str] = {}
    base = base_iri or ""
    stream = list(tokens(query))
    for index, token in enumerate(stream):
        following = stream[index + 1 : index + 3]
        if token.is_word("BASE") and following and following[0].kind == "iri":
            base = urljoin(base, following[0].text[1:-1])
        elif token.is_word("PREFIX") and len(following) == 2 and following[1].kind == "iri":
            prefixes[following[0].text.rstrip(":")] = urljoin(base, following[1].text[1:-1])
        elif token.is_word(keyword):
            rest = stream[index + 1 : index + 3]
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


MAX_NESTING = (
    64  # brackets ({, (, [) open at once: real queries stay far below; blank-node nesting costs O(n⁴) to parse
)
MAX_CHAIN = 5000  # operators, keywords and separators along one path of nested groups (1 + 1 + …, UNION, OPTIONAL…)


def nesting(text: str) -> tuple[int, int, int, int]:
    """(deepest bracket nesting, longest chain, offset where each first passes its limit, or -1).

    The chain of a position is the number of brackets, operators, keywords and separators
    before it in its own group and in each enclosing one: an upper bound of how deep the
    engine's syntax tree is there (``a UNION b UNION c`` is a left-deep tree). Terms (IRIs,
    names, variables, literals, numbers) add nothing, so long ``VALUES`` and ``IN`` lists cost little.
    """
    weights = [0]  # per open group: its own operators; the chain is their sum
    chain = deepest = longest = 0
    deep_at = long_at = -1
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("open", "bracket"):
            weights.append(1)
            chain += 1
            deepest = max(deepest, len(weights) - 1)
            if deep_at < 0 and deepest > MAX_NESTING:
                deep_at = match.start()
        elif kind in ("close", "unbracket"):
            if len(weights) > 1:
                chain -= weights.pop()
            continue
        elif kind == "other" or (kind == "word" and ":" not in match.group()):
            weights[-1] += 1
            chain += 1
        else:  # terms, spaces, comments
            continue
        longest = max(longest, chain)
        if long_at < 0 and longest > MAX_CHAIN:
            long_at = match.start()
    return deepest, longest, deep_at, long_at


def check_nesting(text: str, what: str = "query", chains: bool = True) -> None:
    """Refuse (400), saying where and what the limits are, a text nested too deeply for the engine.

    ``chains=False`` for RDF data, whose statements follow one another without nesting."""
    if len(text) <= MAX_CHAIN and text.count("{") + text.count("(") + text.count("[") <= MAX_NESTING:
        return  # every token is a character at least: a text this short cannot pass either limit
    deepest, longest, deep_at, long_at = nesting(text)
    if deep_at < 0 and (long_at < 0 or not chains):
        return
    where = deep_at if deep_at >= 0 else long_at
    line = text.count("\n", 0, where) + 1
    column = where - (text.rfind("\n", 0, where) + 1) + 1
    if deepest > MAX_NESTING:
        problem = f"brackets nest {deepest} levels deep; this server accepts at most {MAX_NESTING}"
    else:
        problem = (
            f"{longest} operators or clauses are chained in nested groups; this server accepts at most {MAX_CHAIN}"
        )
    raise MalformedRequestError(
        f"the {what} is too deeply nested at line {line}, column {column}: {problem} "
        "(split it, or use VALUES for long lists)"
    )
