"""pyoxigraph's SPARQL syntax errors, said in one line a person can act on.

Oxigraph reports ``error at LINE:COLUMN: expected one of …`` followed by every token and
character class its parser could have taken there (several lines of Unicode ranges when a name
was being read). This keeps the position, names what is wrong for the common cases (an
undeclared prefix — with the ``PREFIX`` line to add when it is one of the dataset's — an
invalid IRI, an unterminated string, a query cut short, a SELECT of an ungrouped variable) and
otherwise lists only the keywords and punctuation that were expected.
"""

from __future__ import annotations

import re

from kg.core.vocab import PREFIXES

POSITION = re.compile(r"^error at (\d+):(\d+): (.*)$", re.DOTALL)
QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
PREFIXED_NAME_END = re.compile(r"(?<![\w:<])([A-Za-z][\w.-]*)?:[\w.%\\-]*$")
STRING_START = re.compile(r"""["']""")
# Spans that cannot hold a prefixed name, blanked (same length, so offsets stay) before looking for one.
OPAQUE = re.compile(
    r'"""(?:[^\\]|\\.)*?"""|\'\'\'(?:[^\\]|\\.)*?\'\'\'|"(?:[^"\\\n]|\\.)*"|'
    r"'(?:[^'\\\n]|\\.)*'|<[^<>\"{}|^`\\\s]*>|#[^\n]*"
)
DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z][\w.-]*)?:", re.IGNORECASE)
USED = re.compile(r"(?<![\w?$:.-])([A-Za-z][\w.-]*)?:(?=[\w%\\]|\s|$)")
MAX_EXPECTED = 8


def explain(query: str, message: str, what: str = "SPARQL syntax error") -> str:
    """``what`` at line L, column C: the reason (one line), from Oxigraph's ``message`` about ``query``."""
    found = POSITION.match(message.strip())
    if found is None:
        return f"{what}: {' '.join(message.split())}"
    line, column, expected = int(found.group(1)), int(found.group(2)), found.group(3)
    undeclared = _first_undeclared_prefix(query)
    if undeclared is not None and undeclared[1:] <= (line, column):  # the likeliest cause, wherever Oxigraph stopped
        prefix, line, column = undeclared
        return f"{what} at line {line}, column {column}: {_undeclared(prefix)}"
    lines = query.split("\n")
    before = lines[line - 1][: column - 1] if 0 < line <= len(lines) else ""
    reason, column = _reason(query, line, column, before, expected)
    return f"{what} at line {line}, column {column}: {reason}"


def _reason(query: str, line: int, column: int, before: str, expected: str) -> tuple[str, int]:
    if "Prefix not found" in expected:
        name = PREFIXED_NAME_END.search(before)
        if name is not None:
            return _undeclared(name.group(1) or ""), column - len(name.group(0))
        return "a prefix is not declared", column
    if "IRI parsing failed" in expected:
        start = before.rfind("<")
        return "invalid IRI (an IRI cannot contain spaces, quotes or <>{}|^`\\)", start + 1 if start >= 0 else column
    if "The SELECT contains a variable that is unbound" in expected:
        return (
            "SELECT names a variable that is neither grouped (GROUP BY) nor computed by an aggregate (COUNT, SAMPLE…)"
        ), column
    if STRING_START.search(before) and _in_open_string(before):
        return "the string is not closed (missing quote)", column
    tokens = _tokens(expected)
    listed = ", ".join(tokens[:MAX_EXPECTED]) + (", …" if len(tokens) > MAX_EXPECTED else "")
    expecting = f"expected {listed}" if tokens else "unexpected text"
    if _at_end(query, line, column):
        return f"the query ends too early; {expecting}", column
    found = query.split("\n")[line - 1][column - 1 :].split()
    near = f" near {found[0][:30]!r}" if found else ""
    return f"{expecting}{near}", column


def _undeclared(prefix: str) -> str:
    advice = f"; add: PREFIX {prefix}: <{PREFIXES[prefix]}>" if prefix in PREFIXES else ""
    return f"prefix {prefix}: is not declared{advice}"


def _first_undeclared_prefix(query: str) -> tuple[str, int, int] | None:
    """(prefix, line, column) of the first prefixed name whose prefix no PREFIX line declares."""
    text = OPAQUE.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), query)
    declared = {m.group(1) or "" for m in DECLARED.finditer(text)}
    text = DECLARED.sub(lambda m: " " * len(m.group(0)), text)
    for used in USED.finditer(text):
        prefix = used.group(1) or ""
        if prefix not in declared:
            before = text[: used.start()]
            return prefix, before.count("\n") + 1, used.start() - (before.rfind("\n") + 1) + 1
    return None


def _tokens(expected: str) -> list[str]:
    """Keywords and quoted punctuation, without the character classes ``[…]`` or prose entries."""
    text = re.sub(r"\[[^\]]*\]", "", expected.removeprefix("expected one of ").removeprefix("expected "))
    tokens = [f'"{q}"' for q in QUOTED.findall(text)]
    text = QUOTED.sub("", text)
    tokens += [word for word in (w.strip() for w in text.split(",")) if re.fullmatch(r"[A-Za-z][A-Za-z_]*", word)]
    return tokens


def _in_open_string(before: str) -> bool:
    """True when the line so far has an odd number of unescaped quotes of one kind."""
    unescaped = re.sub(r"\\.", "", before)
    return unescaped.count('"') % 2 == 1 or unescaped.count("'") % 2 == 1


def _at_end(query: str, line: int, column: int) -> bool:
    lines = query.split("\n")
    rest = "\n".join([lines[line - 1][column - 1 :], *lines[line:]]) if 0 < line <= len(lines) else ""
    return not rest.strip()
