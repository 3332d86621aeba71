"""The testimony parser on the seed article, and on synthetic articles written for the test."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.core.errors import FicheParseError, UnknownDocumentKindError
from kg.sources import onisep, parse, referentiel, testimony

Article = testimony.Testimony  # not named Test* so that pytest does not try to collect it

SEEDS = Path(__file__).resolve().parents[3] / "seeds"
SEED = next(SEEDS.glob("004_*.txt"))
NOT_ARTICLES = [p for prefix in ("000", "001", "002") for p in SEEDS.glob(f"{prefix}_*.txt")]

GLOSSARY = [
    (1, "PACS", "Picture Archiving and Communication System.", 10),
    (2, "SIR", "Système d’information radiologique, RIS pour Radiology Information System en anglais.", 11),
    (3, "DSI", "Direction des systèmes d’information.", 12),
    (4, "SRC", "Service d’information radiologique, Réseau d’images et Communication.", 13),
]
RELATED = [
    "Séance scientifique",
    "Manipulateur en électro-radiologie médicale : un métier à multifacettes",
    "Séance pédagogique",
    "La radiologie interventionnelle pour les manipulateurs",
]

# A synthetic article: nothing in it comes from the seed.
ARTICLE = """\
# De l'atelier au laboratoire

Après un BTS SIO obtenu au lycée, j'ai travaillé trois ans comme technicienne de maintenance
dans une PME. J'ai ensuite rejoint l'Université de Lille pour préparer une Licence pro mention
réseaux, en alternance avec le service informatique du Centre hospitalier de Roubaix.

Aujourd'hui je suis ingénieure système au sein de l'équipe, avec deux infirmières détachées
sur le projet DPI[1]. Dans le cadre de mes missions, je forme aussi les secrétaires médicales.

[1] DPI : dossier patient informatisé.

Julie Martin-Lefèvre
Ingénieure système, Université de Lille
"""


def _parse(path: Path) -> Article:
    document = parse(path)
    assert isinstance(document, Article)
    return document


def _write(tmp_path: Path, text: str, name: str = "article.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _assert_offsets(doc: Article) -> None:
    """Every paragraph and mention slices back out of ``text``; mentions sorted, disjoint, in the body."""
    for paragraph in doc.paragraphs:
        assert doc.text[paragraph.start : paragraph.end] == paragraph.text
        assert doc.text.count("\n", 0, paragraph.start) + 1 == paragraph.line
    previous_end = 0
    for mention in doc.mentions:
        assert doc.text[mention.start : mention.end] == mention.text, mention
        assert doc.text.count("\n", 0, mention.start) + 1 == mention.line, mention
        assert mention.start >= previous_end, mention
        assert any(p.start <= mention.start and mention.end <= p.end for p in doc.paragraphs), mention
        assert mention.kind in {"occupation", "organisation", "diploma", "term"}
        previous_end = mention.end


@pytest.fixture(scope="module")
def doc() -> Article:
    return _parse(SEED)


@pytest.fixture(scope="module")
def article(tmp_path_factory: pytest.TempPathFactory) -> Article:
    return _parse(_write(tmp_path_factory.mktemp("article"), ARTICLE))


# --- the seed --------------------------------------------------------------------------------


def test_seed_is_only_a_testimony() -> None:
    text = SEED.read_text(encoding="utf-8")
    assert testimony.looks_like(text)
    assert not onisep.looks_like(text) and not referentiel.looks_like(text)


def test_title_is_derived_from_the_author(doc: Article) -> None:
    assert (doc.title, doc.title_derived) == ("Témoignage de Nicolas RASP", True)


def test_text_is_the_whole_document(doc: Article) -> None:
    assert doc.text == SEED.read_text(encoding="utf-8")


def test_glossary(doc: Article) -> None:
    assert [(g.marker, g.term, g.definition, g.line) for g in doc.glossary] == GLOSSARY


def test_author(doc: Article) -> None:
    assert (doc.author.name, doc.author.line) == ("Nicolas RASP", 14)
    assert doc.author.affiliation == (
        "Ingénieur hospitalier, Chef de projet informatique, Cellule SRC – Pôle d’Imagerie Médicale, CHU de Bordeaux"
    )


def test_related_readings_in_order(doc: Article) -> None:
    assert list(doc.related) == RELATED


def test_paragraphs_are_the_body_only(doc: Article) -> None:
    assert [p.line for p in doc.paragraphs] == list(range(1, 10))
    assert doc.paragraphs[0].text.startswith("L’évolution numérique de l’imagerie")
    assert doc.paragraphs[-1].text.endswith("d’autres perspectives de carrière.")
    assert doc.paragraphs[0].start == 0
    body = " ".join(p.text for p in doc.paragraphs)
    assert "Picture Archiving" not in body and "Nicolas RASP" not in body and "En savoir +" not in body


def test_seed_offsets(doc: Article) -> None:
    _assert_offsets(doc)


def test_every_term_occurrence_is_a_mention(doc: Article) -> None:
    terms = [m.text for m in doc.mentions if m.kind == "term"]
    assert {t: terms.count(t) for t in sorted(set(terms))} == {"DSI": 2, "PACS": 3, "SIR": 2, "SRC": 1}
    marked = next(m for m in doc.mentions if m.kind == "term" and doc.text[m.end : m.end + 3] == "[1]")
    assert (marked.text, marked.line) == ("PACS", 1)


@pytest.mark.parametrize(
    ("kind", "text", "count"),
    [
        ("organisation", "CHU de Bordeaux", 3),
        ("diploma", "Master 2 MIAGE", 1),
        ("diploma", "Licence 3 MIAGE", 1),
        ("diploma", "Bac + 5", 1),
        ("diploma", "diplôme d’État de manipulateur", 1),
        ("occupation", "manipulateurs d’électroradiologie médicale", 1),
        ("occupation", "administrateur de réseau d’images", 1),
        ("occupation", "gestionnaire d’outils informatiques", 1),
        ("occupation", "Ingénieur hospitalier", 1),
        ("occupation", "Chef de projet informatique", 1),
    ],
    ids=lambda value: str(value),
)
def test_expected_seed_mentions(doc: Article, kind: str, text: str, count: int) -> None:
    assert [(m.kind, m.text) for m in doc.mentions].count((kind, text)) == count


def test_mention_lines(doc: Article) -> None:
    lines = {(m.text, m.line) for m in doc.mentions}
    assert {("Master 2 MIAGE", 7), ("Ingénieur hospitalier", 8), ("CHU de Bordeaux", 2)} <= lines


# --- synthetic articles ----------------------------------------------------------------------


def test_article_with_its_own_title(article: Article) -> None:
    assert (article.title, article.title_derived) == ("De l'atelier au laboratoire", False)
    assert [p.line for p in article.paragraphs] == [3, 7]  # hard-wrapped: one paragraph per block
    assert "\n" in article.paragraphs[0].text
    assert article.author.name == "Julie Martin-Lefèvre"
    assert article.author.affiliation == "Ingénieure système, Université de Lille"
    assert [(g.marker, g.term, g.definition) for g in article.glossary] == [
        (1, "DPI", "dossier patient informatisé."),
    ]
    assert article.related == ()
    _assert_offsets(article)


def test_article_mentions_use_generic_patterns(article: Article) -> None:
    found = {(m.kind, m.text) for m in article.mentions}
    assert {
        ("diploma", "BTS SIO"),
        ("diploma", "Licence pro mention\nréseaux"),
        ("organisation", "Université de Lille"),
        ("organisation", "Centre hospitalier de Roubaix"),
        ("occupation", "technicienne de maintenance"),
        ("occupation", "infirmières détachées"),
        ("occupation", "secrétaires médicales"),
        ("term", "DPI"),
    } <= found
    assert not any(m.text.startswith("cadre") for m in article.mentions)  # "dans le cadre de …"
    assert next(m for m in article.mentions if m.text.startswith("Licence")).line == 4


@pytest.mark.parametrize(
    "first_line",
    ["Mon parcours de manipulatrice", "# Mon parcours de manipulatrice", "Mon parcours de manipulatrice\n======"],
    ids=["plain-line", "markdown", "setext"],
)
def test_title_forms(tmp_path: Path, first_line: str) -> None:
    doc = _parse(_write(tmp_path, first_line + "\n\n" + ARTICLE.split("\n", 2)[2]))
    assert (doc.title, doc.title_derived) == ("Mon parcours de manipulatrice", False)
    assert doc.paragraphs[0].text.startswith("Après un BTS SIO")


def test_no_title_and_no_author(tmp_path: Path) -> None:
    body = ARTICLE.split("\n", 2)[2].split("\n[1]")[0].replace("[1]", "")
    doc = _parse(_write(tmp_path, body))
    assert doc.author is None and doc.glossary == ()
    assert doc.title_derived
    assert doc.title == "Après un BTS SIO obtenu au lycée, j'ai…"


def test_byline_and_bulleted_related_block(tmp_path: Path) -> None:
    body = ARTICLE.split("\n", 2)[2].split("\n[1]")[0]
    text = (
        "Mon parcours\nPar Dr Paul Durand\n\n"
        + body
        + "\n[1] DPI : dossier.\n\nEn savoir plus :\n- Fiche métier\n- Forum"
    )
    doc = _parse(_write(tmp_path, text))
    assert (doc.title, doc.author.name, doc.author.line, doc.author.affiliation) == (
        "Mon parcours",
        "Dr Paul Durand",
        2,
        None,
    )
    assert doc.related == ("Fiche métier", "Forum")
    assert doc.paragraphs[0].line == 4


def test_undefined_footnote_marker_is_an_error_at_its_line(tmp_path: Path) -> None:
    text = ARTICLE.replace("sur le projet DPI[1].", "sur le projet DPI[1] et le RIS[2].")
    with pytest.raises(FicheParseError, match=r"marker \[2\] is used but no footnote") as caught:
        parse(_write(tmp_path, text))
    assert caught.value.line == 8


def test_duplicate_footnote_is_an_error(tmp_path: Path) -> None:
    text = ARTICLE.replace("[1] DPI : dossier patient informatisé.", "[1] DPI : dossier.\n[1] RIS : autre.")
    with pytest.raises(FicheParseError, match=r"footnote \[1\] is defined twice \(first at line 10\)") as caught:
        parse(_write(tmp_path, text))
    assert caught.value.line == 11


def test_unreferenced_footnote_is_kept(tmp_path: Path) -> None:
    text = ARTICLE.replace("[1] DPI", "[2] PACS: archivage d'images.\n[1] DPI")
    doc = _parse(_write(tmp_path, text))
    assert [(g.marker, g.term) for g in doc.glossary] == [(1, "DPI"), (2, "PACS")]


def test_crlf_gives_the_same_offsets(tmp_path: Path) -> None:
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(SEED.read_bytes().replace(b"\n", b"\r\n"))
    doc, lf = _parse(crlf), _parse(SEED)
    assert "\r" not in doc.text
    assert doc.mentions == lf.mentions and doc.paragraphs == lf.paragraphs and doc.glossary == lf.glossary
    _assert_offsets(doc)


NOT_PROSE = {
    "csv": "id,nom,ville,salaire\n" + "".join(f"{i},Dupont {i},Lille,{2000 + i}\n" for i in range(30)),
    "semicolon-csv": "code;libellé;niveau\n" + "M1810;Production et exploitation de systèmes;bac + 3\n" * 20,
    "python": "import re\n\n\ndef f(text: str) -> list[str]:\n    '''Split words.'''\n"
    "    return [w for w in re.split(r'\\s+', text) if w]\n" * 10,
    "json": '{"titre": "Manipulateur", "description": "Un métier de la santé", "niveau": 3}\n' * 8,
    "short-junk": "Bonjour.\nÀ bientôt !\n",
}


@pytest.mark.parametrize("content", NOT_PROSE.values(), ids=NOT_PROSE.keys())
def test_non_prose_is_not_a_testimony(tmp_path: Path, content: str) -> None:
    assert not testimony.looks_like(content)
    with pytest.raises(UnknownDocumentKindError, match="unknown document kind"):
        parse(_write(tmp_path, content, "data.txt"))


@pytest.mark.parametrize("path", NOT_ARTICLES, ids=[p.name[:3] for p in NOT_ARTICLES])
def test_other_seeds_are_dispatched_elsewhere(path: Path) -> None:
    assert not isinstance(parse(path), Article)
