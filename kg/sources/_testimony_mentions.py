"""Mentions in testimony paragraphs: glossary terms, and generic French patterns for
organisations, diplomas and occupations (a lexicon of head nouns, never a document's names).

Glossary terms win over the other kinds when spans overlap (every occurrence of a defined
term is kept); among the other kinds the longest span wins, then the earliest.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable

_TOKEN = re.compile(r"[^\W_]+(?:[-‐][^\W_]+)*(?:['’‘](?=[^\W_]))?|\S")
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})


def _key(token: str) -> str:
    return token.casefold().translate(_APOSTROPHES)


_STOP = set(
    "le la les l' un une des du de d' au aux ce cet cette ces son sa ses leur leurs mon ma mes ton ta tes "
    "notre nos votre vos il elle ils elles on je j' nous vous qui que qu' quoi dont où et ou mais donc or "
    "ni car à a en dans par pour sur sous avec sans chez entre vers depuis pendant tout tous toute toutes "
    "plus moins très aussi ainsi alors est sont été être avoir ont se s' ne n' m' t' c' y".split()
)
_CONNECTORS = (("de", "la"), ("de", "l'"), ("des",), ("du",), ("de",), ("d'",))
_ADJECTIVE = re.compile(
    r"(?:iques?|aux|ales?|al|iers?|ières?|elles?|els?|ifs?|ives?|aires?|oires?|iens?|iennes?|é|ée|és|ées"
    r"|supérieure?s?|adjointe?s?|principale?s?|senior|junior|confirmée?s?)$"
)


def _inflect(masculine: str, feminine: str | None = None) -> set[str]:
    forms = {masculine, feminine or masculine}
    return forms | {f + ("" if f.endswith(("s", "x")) else "s") for f in forms}


_OCC_PAIRS = (
    "manipulateur/manipulatrice administrateur/administratrice gestionnaire ingénieur/ingénieure "
    "technicien/technicienne chef/cheffe cadre responsable directeur/directrice infirmier/infirmière médecin "
    "radiologue radiologiste secrétaire assistant/assistante développeur/développeuse consultant/consultante "
    "analyste architecte informaticien/informaticienne physicien/physicienne pharmacien/pharmacienne "
    "préparateur/préparatrice kinésithérapeute aide-soignant/aide-soignante brancardier/brancardière "
    "opérateur/opératrice coordinateur/coordinatrice coordonnateur/coordonnatrice formateur/formatrice "
    "enseignant/enseignante professeur/professeure chercheur/chercheuse "
    "enseignant-chercheur/enseignante-chercheuse "
    "urbaniste dosimétriste biologiste chirurgien/chirurgienne praticien/praticienne ergothérapeute "
    "orthophoniste psychologue diététicien/diététicienne comptable juriste auditeur/auditrice "
    "programmeur/programmeuse intégrateur/intégratrice testeur/testeuse conseiller/conseillère "
    "chargé/chargée attaché/attachée agent/agente expert/experte électricien/électricienne "
    "mécanicien/mécanicienne électronicien/électronicienne acheteur/acheteuse logisticien/logisticienne "
    "statisticien/statisticienne webmaster manager sage-femme/sages-femmes aides-soignants/aides-soignantes"
).split()
_OCCUPATIONS: dict[str, str] = {}
for _pair in _OCC_PAIRS:
    for _form in _inflect(*_pair.split("/")):
        _OCCUPATIONS[_form] = _pair.split("/")[0]
# Heads that are also adjectives or verbs ("responsable de", "conseiller les", "chargé de gérer").
_NEEDS_DETERMINER = {
    "responsable",
    "cadre",
    "expert",
    "comptable",
    "assistant",
    "agent",
    "conseiller",
    "manager",
    "chargé",
    "attaché",
}
_NEEDS_COMPLEMENT = {"chargé", "attaché", "agent"}
_DETERMINERS = set("le la les l' un une des du au aux d'un d'une son sa ses leur leurs ce cet cette notre".split())

_ORG_HEADS = tuple(
    tuple(h.split())
    for h in (
        "centre hospitalier régional universitaire",
        "centre hospitalier universitaire",
        "centre hospitalier régional",
        "centre hospitalier",
        "groupe hospitalier",
        "groupement hospitalier de territoire",
        "hôpital",
        "hôpitaux",
        "clinique",
        "polyclinique",
        "université",
        "institut",
        "école",
        "faculté",
        "pôle",
        "cellule",
        "service",
        "direction",
        "département",
        "laboratoire",
        "agence",
        "ministère",
        "association",
        "fédération",
        "société",
        "syndicat",
        "conseil",
        "académie",
        "fondation",
        "centre",
        "unité",
        "groupe",
        "entreprise",
        "mairie",
        "région",
    )
)
_ORG_ACRONYMS = set("CHU CHRU CHR CH CHI CHS CHG GHU GHT AP-HP APHP IUT IFSI IFMEM ARS CLCC INSA ESN SSII".split())
_DEGREE_WORDS = {"licence", "master", "mastère", "doctorat", "bachelor", "baccalauréat", "bac"}
_DEGREE_ACRONYMS = set("BTS BTSA DUT BUT CAP BEP DEUG DEUST DEA DESS DIU MBA".split())
_DEGREE_GRADES = {"pro", "professionnelle", "professionnel", "générale", "général", "technologique"}
_DIPLOMA_QUALIFIERS = tuple(
    tuple(q.split())
    for q in (
        "d' état",
        "d' ingénieur",
        "national",
        "universitaire",
        "interuniversitaire",
        "inter-universitaire",
        "de technicien supérieur",
        "d' études supérieures",
        "d' université",
    )
)
_NOT_PROPER = {w.capitalize() for w in _STOP} | {"Aujourd'", "Après", "Avant", "Depuis", "Puis", "Enfin"}
_NOT_PROPER_KEYS = {_key(w) for w in _NOT_PROPER} | {h[0] for h in _ORG_HEADS} | _DEGREE_WORDS


class _Tokens:
    """Word and punctuation tokens of a paragraph with their offsets, and the small grammar on them."""

    def __init__(self, text: str) -> None:
        found = list(_TOKEN.finditer(text))
        self.words = [m.group() for m in found]
        self.keys = [_key(w) for w in self.words]
        self.spans = [m.span() for m in found]

    def __len__(self) -> int:
        return len(self.words)

    def phrase(self, i: int, phrase: tuple[str, ...]) -> int | None:
        """Index after ``phrase`` (case-insensitive keys) at ``i``, or None."""
        end = i + len(phrase)
        return end if self.keys[i:end] == list(phrase) else None

    def first_phrase(self, i: int, phrases: tuple[tuple[str, ...], ...]) -> int | None:
        return next((end for p in phrases if (end := self.phrase(i, p)) is not None), None)

    def is_lower_word(self, i: int) -> bool:
        word = self.words[i] if i < len(self) else ""
        return word[:1].islower() and word[:1].isalpha() and self.keys[i] not in _STOP

    def is_acronym(self, i: int) -> bool:
        word = self.words[i] if i < len(self) else ""
        return len(word) >= 2 and word.isupper() and word[0].isalpha()

    def is_proper(self, i: int) -> bool:
        if i >= len(self):
            return False
        word = self.words[i]
        return (
            word[:1].isupper()
            and len(word) >= 2
            and self.keys[i] not in _NOT_PROPER_KEYS
            and word not in _ORG_ACRONYMS
            and word not in _DEGREE_ACRONYMS
        )

    def adjectives(self, i: int, limit: int = 2) -> int:
        while limit and self.is_lower_word(i) and self.keys[i] not in _OCCUPATIONS:
            if not _ADJECTIVE.search(self.keys[i]):
                break
            i, limit = i + 1, limit - 1
        return i

    def complement(self, i: int, preps: tuple[tuple[str, ...], ...], occupations: bool = False) -> int | None:
        """``de réseau``, ``d'outils informatiques``: a preposition, a lower-case noun, adjectives.

        An occupation noun ends an occupation's complement (two occupations) unless ``occupations``.
        """
        after = self.first_phrase(i, preps) if i < len(self) else None
        if after is None or not self.is_lower_word(after):
            return None
        if self.keys[after] in _OCCUPATIONS and not occupations:
            return None
        return self.adjectives(after + 1)

    def proper_name(self, i: int) -> int | None:
        """``Bordeaux``, ``Imagerie Médicale``, ``Saint-André de Bordeaux``: capitalised words."""
        end = None
        while self.is_proper(i):
            end = i = i + 1
            joined = self.first_phrase(i, (*_CONNECTORS, ("et",))) if i < len(self) else None
            if joined is not None and self.is_proper(joined):
                i = joined
        return end


_PREPS = (("de",), ("d'",), ("du",), ("des",), ("en",))


def _organisation(t: _Tokens, i: int) -> int | None:
    head: int | None
    if t.words[i] in _ORG_ACRONYMS:
        head = i + 1
    else:
        head = t.first_phrase(i, _ORG_HEADS)
        if head is None and t.is_acronym(i) and t.words[i] not in _DEGREE_ACRONYMS:
            after = t.first_phrase(i + 1, _CONNECTORS) if i + 1 < len(t) else None
            return t.proper_name(after) if after is not None else None
    if head is None or head >= len(t):
        return None
    direct = t.proper_name(head)
    if direct is not None:
        return direct
    after = t.first_phrase(head, _CONNECTORS)
    return t.proper_name(after) if after is not None else None


def _diploma(t: _Tokens, i: int) -> int | None:
    key = t.keys[i]
    if key in ("diplôme", "diplômes"):
        end = t.first_phrase(i + 1, _DIPLOMA_QUALIFIERS) if i + 1 < len(t) else None
        if end is not None:
            for _ in range(2):
                end = t.complement(end, (("de",), ("d'",), ("en",)), occupations=True) or end
        return end
    if t.words[i] in _DEGREE_ACRONYMS:
        return i + 2 if t.is_acronym(i + 1) else i + 1
    if key not in _DEGREE_WORDS:
        return None
    end = i + 1
    if key == "bac" and end + 1 < len(t) and t.words[end] == "+" and t.words[end + 1].isdigit():
        end += 2
    elif end < len(t) and t.words[end].isdigit() and len(t.words[end]) == 1:
        end += 1
    if end < len(t) and t.keys[end] in _DEGREE_GRADES:
        end += 1
    if t.is_acronym(end):
        end += 1
    elif end < len(t) and t.keys[end] == "mention" and t.is_lower_word(end + 1):
        end = t.adjectives(end + 2)
    qualified = end > i + 1
    return end if qualified or t.words[i][0].isupper() or key == "bac" else None


def _occupation(t: _Tokens, i: int) -> int | None:
    lemma = _OCCUPATIONS.get(t.keys[i])
    if lemma is None:
        return None
    before = t.keys[i - 1] if i else ""
    idiom = i >= 2 and t.keys[i - 2] in ("dans", "hors")  # "dans le cadre", "hors du cadre"
    if lemma in _NEEDS_DETERMINER and (before not in _DETERMINERS or idiom):
        return None
    end = i + 1
    if end < len(t) and _OCCUPATIONS.get(t.keys[end]) not in (None, *_NEEDS_DETERMINER):
        end += 1  # apposition: "manipulateurs administrateurs"
    end = t.adjectives(end)
    for _ in range(2):
        after = t.complement(end, _PREPS)
        if after is None:
            break
        if lemma == "cadre" and t.keys[end + 1 : after] != ["santé"]:
            return None  # "dans le cadre de …" is not an occupation
        end = after
    if lemma in _NEEDS_COMPLEMENT and end == i + 1:
        return None
    return end


_MATCHERS: tuple[tuple[str, Callable[[_Tokens, int], int | None]], ...] = (
    ("organisation", _organisation),
    ("diploma", _diploma),
    ("occupation", _occupation),
)


def find_mentions(
    paragraphs: list[tuple[str, int]], terms: list[str], line_starts: list[int]
) -> list[tuple[str, str, int, int, int]]:
    """(kind, text, start, end, line) per mention of the (paragraph text, offset) pairs, sorted by start.

    Glossary terms first (every occurrence), then the longest non-overlapping other spans.
    """
    term_spans: list[tuple[int, int, str]] = []
    other_spans: list[tuple[int, int, str]] = []
    patterns = [
        re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", 0 if term.isupper() else re.IGNORECASE)
        for term in sorted(terms, key=len, reverse=True)
    ]
    for text, offset in paragraphs:
        for pattern in patterns:
            term_spans.extend((offset + m.start(), offset + m.end(), "term") for m in pattern.finditer(text))
        tokens = _Tokens(text)
        for i in range(len(tokens)):
            for kind, matcher in _MATCHERS:
                end = matcher(tokens, i)
                if end is not None and end > i:
                    other_spans.append((offset + tokens.spans[i][0], offset + tokens.spans[end - 1][1], kind))
    chosen: list[tuple[int, int, str]] = []
    for group in (term_spans, other_spans):
        for span in sorted(group, key=lambda s: (s[0] - s[1], s[0])):
            if all(span[1] <= c[0] or span[0] >= c[1] for c in chosen):
                chosen.append(span)
    offsets = sorted(offset for _, offset in paragraphs)
    texts = {offset: text for text, offset in paragraphs}
    mentions = []
    for start, end, kind in sorted(chosen):
        offset = offsets[bisect.bisect_right(offsets, start) - 1]
        mention = texts[offset][start - offset : end - offset]
        mentions.append((kind, mention, start, end, bisect.bisect_right(line_starts, start)))
    return mentions
