"""Label keys: the trivia of spelling never decide a match, the words do."""

from __future__ import annotations

import pytest

from kg.core.text import forms, initials, key


@pytest.mark.parametrize(
    "left,right",
    [
        ("Manipulateurs d’électroradiologie médicale", "manipulateur en électroradiologie médicale"),
        ("Rédaction du cahier des charges", "Rédaction de cahier des charges"),
        ("Administrateur de bases de données", "administrateur de base de données"),
    ],
)
def test_same_title_same_key(left: str, right: str) -> None:
    assert key(left) == key(right)


def test_parenthesised_qualifiers_count() -> None:
    assert key("operator (blast crew)") != key("Operator")


@pytest.mark.parametrize(
    "label,expected",
    [
        (
            "Technicien / Technicienne d'exploitation informatique",
            ["Technicien d'exploitation informatique", "Technicienne d'exploitation informatique"],
        ),
        ("directeur technique/directrice technique", ["directeur technique", "directrice technique"]),
        ("administrateur/trice de logiciels de laboratoire", ["administrateur de logiciels de laboratoire"]),
        ("Chef de marché / produits", ["Chef de marché", "Chef de produits"]),
    ],
)
def test_double_gender_labels_unpack(label: str, expected: list[str]) -> None:
    assert forms(label) == expected


def test_initials_skip_function_words() -> None:
    assert initials("master mention méthodes informatiques appliquées à la gestion des entreprises") == "mmmiage"
