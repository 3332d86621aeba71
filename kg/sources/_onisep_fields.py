"""Field values of ONISEP fiches: gendered appellations, starting salary, access level.

Split from :mod:`kg.sources.onisep` (which re-exports the dataclasses); pure text → value
functions, no parser state.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class GenderedLabel:
    """An appellation in its feminine and masculine forms."""

    feminine: str
    masculine: str
    line: int


@dataclass(frozen=True)
class Salary:
    """Starting salary when the fiche gives an amount; ``text`` keeps the sentence as written."""

    amount: Decimal
    currency: str  # ISO 4217, e.g. "EUR"
    period: str  # "month" | "year" | "hour"
    gross: bool | None  # True for "brut", False for "net", None when unspecified
    text: str
    line: int
    max_amount: Decimal | None = None  # upper bound of a range ("entre 1 800 et 2 000 euros")


@dataclass(frozen=True)
class AccessLevel:
    """Minimum access level such as ``bac + 3``; ``years_after_bac`` is 0 for the bac itself."""

    label: str
    years_after_bac: int | None
    line: int


_NUMBER = r"\d{1,3}(?: \d{3})+(?:,\d{1,2})?|\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?|\d+(?:[,.]\d{1,2})?"
_MONEY = re.compile(
    rf"(?<![\d.,])(?P<low>{_NUMBER})(?:\s*(?:€|euros?))?"
    rf"(?:\s*(?:et|à|a|-|–)\s*(?P<high>{_NUMBER}))?\s*(?P<k>k)?\s*(?P<currency>€|(?:euros?|EUR)(?!\w))",
    re.IGNORECASE,
)
_PERIODS = (
    ("month", re.compile(r"par mois|/\s*mois|\bmensuel(?:le)?s?\b|chaque mois")),
    ("year", re.compile(r"par an\b|par annee|/\s*an\b|\bannuel(?:le)?s?\b")),
    ("hour", re.compile(r"de l'heure|par heure|/\s*h(?:eure)?\b|\bhoraires?\b")),
)
_GROSS = re.compile(r"\b(?P<word>bruts?|nets?)\b")


def norm(text: str) -> str:
    """Collapse every run of whitespace (NBSP included) into one space."""
    return " ".join(text.split())


def fold(text: str) -> str:
    """Accent- and case-folded form used to recognise keys and titles."""
    text = unicodedata.normalize("NFKD", norm(text).replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def gendered_label(forms: dict[str, tuple[str, int]]) -> GenderedLabel | None:
    """The label from ``{"feminin"|"masculin": (form, line)}``; a missing gender gives ``""``."""
    if not forms:
        return None
    feminine, masculine = forms.get("feminin", ("", 0)), forms.get("masculin", ("", 0))
    return GenderedLabel(feminine[0], masculine[0], min(n for _, n in forms.values()))


def parse_salary(text: str, line: int) -> Salary | None:
    """The amount, currency, period and gross/net of a salary sentence; None when it gives no amount."""
    folded = fold(text)
    money = _MONEY.search(norm(text))
    periods = [(m.start(), name) for name, pattern in _PERIODS if (m := pattern.search(folded))]
    if money is None or not periods:
        return None
    scale = 1000 if money.group("k") else 1
    low = _amount(money.group("low")) * scale  # the pattern's one required number
    high = _amount(money.group("high")) * scale if money.group("high") else None
    gross = _GROSS.search(folded)
    return Salary(
        amount=low,
        currency="EUR",
        period=min(periods)[1],
        gross=None if gross is None else gross.group("word").startswith("brut"),
        text=text,
        line=line,
        max_amount=high,
    )


def _amount(number: str) -> Decimal:
    """``2 415`` / ``2.415`` (thousands) → 2415, ``1 766,92`` / ``17.5`` → decimal."""
    number = number.replace(" ", "")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", number):
        number = number.replace(".", "")
    return Decimal(number.replace(",", "."))


def parse_access_level(value: str, line: int) -> AccessLevel:
    """``bac + 3`` → 3, ``bac`` → 0, ``bac + 2 ou 3`` → 2, ``CAP`` → None (the label is kept)."""
    label = norm(value)
    match = re.match(r"^(?:niveau\s+)?bac(?:calaureat)?\b(?P<rest>.*)$", fold(label))
    years = None
    if match:
        plus = re.match(r"^\s*\+\s*(\d+(?:\s*(?:ou|a|-|–|/|,|et)\s*\+?\s*\d+)*)", match.group("rest"))
        years = min(int(d) for d in re.findall(r"\d+", plus.group(1))) if plus else 0
    return AccessLevel(label, years, line)
