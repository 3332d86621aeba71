"""Abbreviations of job titles: "DRH", "dev", "BTP" → the words the index's names use.

Two sources: acronyms the names themselves spell out ("Directeur / Directrice des ressources humaines
-DRH-": the capitals are the initials of a run of its words), mined when the index is built, so they
follow the data; and a short table of abbreviations common in French job titles and job ads that the
names never spell out ("dev", "resp", "compta"). A query is searched as written and with its
abbreviations expanded; the better reading wins.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping

from kg.search.score import STOPWORDS, fold, variants

# Common usage in French job titles, not in the data: abbreviation → the words it stands for (folded).
COMMON = {
    "dev": "developpeur",
    "devs": "developpeur",
    "rh": "ressources humaines",
    "drh": "directeur ressources humaines",
    "rrh": "responsable ressources humaines",
    "daf": "directeur administratif financier",
    "raf": "responsable administratif financier",
    "dsi": "directeur systemes information",
    "rssi": "responsable securite systemes information",
    "si": "systemes information",
    "btp": "batiment travaux publics",
    "tp": "travaux publics",
    "vrd": "voirie reseaux divers",
    "cvc": "chauffage ventilation climatisation",
    "sav": "service apres vente",
    "adv": "administration ventes",
    "qse": "qualite securite environnement",
    "hse": "hygiene securite environnement",
    "qhse": "qualite hygiene securite environnement",
    "ide": "infirmier",
    "ibode": "infirmier bloc operatoire",
    "iade": "infirmier anesthesiste",
    "as": "aide soignant",
    "ash": "agent service hospitalier",
    "atsem": "agent specialise ecoles maternelles",
    "aesh": "accompagnant eleves situation handicap",
    "avs": "auxiliaire vie scolaire",
    "asv": "auxiliaire specialise veterinaire",
    "vtc": "voiture transport chauffeur",
    "pl": "poids lourd",
    "spl": "super poids lourd",
    "cdp": "chef projet",
    "moa": "maitrise ouvrage",
    "moe": "maitrise oeuvre",
    "amoa": "assistance maitrise ouvrage",
    "erp": "progiciel gestion integre",
    "resp": "responsable",
    "dir": "directeur",
    "tech": "technicien",
    "ing": "ingenieur",
    "assist": "assistant",
    "asst": "assistant",
    "adj": "adjoint",
    "mgr": "manager",
    "compta": "comptable",
    "admin": "administrateur",
    "sys": "systemes",
    "info": "informatique",
    "com": "communication",
    "dircom": "directeur communication",
    "it": "informatique",
    "ia": "intelligence artificielle",
    "bi": "informatique decisionnelle",
    "ux": "experience utilisateur",
    "ui": "interface utilisateur",
    "fullstack": "full stack",
    "helpdesk": "support informatique",
    "pharma": "pharmaceutique",
    "kine": "kinesitherapeute",
    "educ": "educateur",
    "prof": "professeur",
    "instit": "instituteur",
    "secu": "securite",
}
ACRONYM = re.compile(r"\b[A-Z]{2,6}\b")


def _initials_runs(words: list[str], acronym: str) -> Iterable[str]:
    """Runs of ``words`` (stop words skipped) whose initials spell ``acronym``."""
    content = [w for w in words if w not in STOPWORDS]
    for start in range(len(content) - len(acronym) + 1):
        run = content[start : start + len(acronym)]
        if "".join(w[0] for w in run) == acronym:
            yield " ".join(run)


def mine_acronyms(labels: Iterable[str]) -> dict[str, str]:
    """Acronym → expansion, for the acronyms the labels spell out (the most frequent reading of each)."""
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    for label in labels:
        found = ACRONYM.findall(label)
        if not found:
            continue
        forms = variants(label)  # one gender form, with its complement
        words = fold(ACRONYM.sub(" ", forms[1] if len(forms) > 1 else label)).split()
        for acronym in found:
            for run in _initials_runs(words, acronym.lower()):
                seen[acronym.lower()][run] += 1
    return {acronym: runs.most_common(1)[0][0] for acronym, runs in sorted(seen.items())}


def expand(folded: str, table: Mapping[str, str]) -> str | None:
    """``folded`` with its abbreviations written out, or None when it has none."""
    words = folded.split()
    expanded = [table.get(w, w) for w in words]
    return " ".join(expanded) if expanded != words else None


def table_with(mined: Mapping[str, str]) -> dict[str, str]:
    """The abbreviations of the data first, then the common ones they do not define."""
    return {**COMMON, **mined}
