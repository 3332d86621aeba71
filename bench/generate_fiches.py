"""Generate N synthetic ONISEP-style fiches, deterministically (same N and seed → same bytes).

The fiches have the structure of seeds/000 and seeds/001 (ID, gendered appellations, other
appellations, several ROME codes, nested sections, salary, access level, formations, statuses,
interests) with varied content drawn from the ROME 4.0 list and small word pools.

They cost less than real fiches (their sections are short and their words repeat), so
``--like DIR`` writes N copies of the real fiches métiers of DIR instead (in name order,
round and round), each with a new identifier ``MET.<100000 + n>``: the same structure, text
and cost as the corpus, as many documents as asked. A fiche the parser refuses is skipped.
"""

from __future__ import annotations

import argparse
import random
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = (
    "données systèmes réseaux logiciels laboratoire production maintenance sécurité qualité clients "
    "projets équipes utilisateurs fournisseurs budget analyse conception tests déploiement formation "
    "veille supervision infrastructure applications services procédures documentation"
).split()
SECTIONS = [
    "Présentation",
    "En bref",
    "Nature du travail",
    "Compétences requises",
    "Conditions de travail",
    "Vie professionnelle",
    "Accès au métier",
]
STATUSES = ["salarié", "fonctionnaire", "profession libérale", "artisan", "intermittent du spectacle"]
INTERESTS = [
    "je suis accro au numérique",
    "j'aime organiser, gérer",
    "réparer, bricoler, j'adore ça",
    "je veux aider les autres",
    "j'aime le contact",
    "j'ai la fibre artistique",
]
LEVELS = ["bac", "bac + 2", "bac + 3", "bac + 5", "bac + 8"]


def rome_rows() -> list[tuple[str, str]]:
    from kg.mapping.rome import rome_fiche_labels  # the vendored ROME export's fiches, sorted by code

    return sorted(rome_fiche_labels())


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng, rng.randint(8, 18)) for _ in range(rng.randint(2, 5)))


def formation_label(number: int) -> str:
    """A formation's label depends only on its FOR number, as in the real catalogue."""
    kind = ("master", "licence pro", "BTS", "BUT", "diplôme d'ingénieur")[number % 5]
    return f"{kind} mention {WORDS[number % len(WORDS)]} {WORDS[(number // 7) % len(WORDS)]}"


def fiche(number: int, rng: random.Random, romes: list[tuple[str, str]]) -> str:
    code, label = rng.choice(romes)
    name = label.split(" / ")[0].lower()
    lines = [
        f"# {name} {number}",
        f"**ID:** MET.{100000 + number}",
        "",
        "**Appellations:**",
        f"- Féminin: {name}e {number}",
        f"- Masculin: {name} {number}",
    ]
    others = rng.randint(0, 3)
    if others:
        lines += ["", "## Autres appellations", ""]
        for k in range(others):
            other = f"{rng.choice(WORDS)} {name} {k}"
            lines += [f"### {other}", f"- Féminin: {other}", f"- Masculin: {other}", ""]
    lines += ["**Codes ROME:**", f"- {code}"]
    lines += [f"- {rng.choice(romes)[0]}" for _ in range(rng.randint(0, 2))]
    for title in SECTIONS:
        lines += ["", f"## {title}", "", paragraph(rng)]
        for sub in range(rng.randint(0, 3)):
            lines += ["", f"            ### {rng.choice(WORDS).capitalize()} {sub}", "            " + paragraph(rng)]
        if title == "Vie professionnelle":
            lines += ["", "## Salaire", "            ### Salaire du débutant"]
            lines.append(
                f"            A partir de {rng.randint(1500, 4000)} euros brut par mois"
                if rng.random() < 0.7
                else "            Variable selon l'employeur"
            )
    lines += ["", f"**Niveau d'accès minimum:** {rng.choice(LEVELS)}", "", "## Formations recommandées", ""]
    lines += [f"- {formation_label(n)} (ID: FOR.{n})" for n in rng.sample(range(1, 20000), rng.randint(1, 12))]
    lines += ["", "**Statuts possibles:**"] + [f"- {s}" for s in rng.sample(STATUSES, rng.randint(1, 2))]
    lines += ["", "## Centres d'intérêt", ""] + [f"- {i}" for i in rng.sample(INTERESTS, rng.randint(1, 3))]
    return "\n".join(lines) + "\n"


def generate(count: int, output: Path, seed: int = 717) -> None:
    rng = random.Random(seed)
    romes = rome_rows()
    output.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (output / f"fiche_{number:06d}.txt").write_text(fiche(number, rng, romes), encoding="utf-8")


_ID = re.compile(r"^\*\*ID:\*\* MET\.[0-9]+$", re.MULTILINE)


def replicate(count: int, output: Path, like: Path) -> None:
    """``count`` copies of the fiches métiers of ``like``, each with its own identifier (see above)."""
    from kg.core.errors import SourceError
    from kg.sources import parse

    sources = []
    for path in sorted(like.glob("MET.*.md"), key=lambda p: int(p.stem.split(".")[1])):
        try:
            parse(path)
        except SourceError:
            continue
        sources.append(path.read_text(encoding="utf-8"))
    output.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        identifier = f"MET.{100000 + number}"
        text, replaced = _ID.subn(f"**ID:** {identifier}", sources[number % len(sources)], count=1)
        assert replaced == 1, "a fiche métier without an ID line"
        (output / f"{identifier}.md").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("count", type=int)
    parser.add_argument("output", type=Path)
    parser.add_argument("--seed", type=int, default=717)
    parser.add_argument("--like", type=Path, metavar="DIR", help="copy the real fiches métiers of DIR instead")
    args = parser.parse_args()
    if args.like:
        replicate(args.count, args.output, args.like)
    else:
        generate(args.count, args.output, args.seed)


if __name__ == "__main__":
    main()
