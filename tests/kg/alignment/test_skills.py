"""Skills: one concept per phrase across emploi-types, spelling variants included, first wording as label."""

from __future__ import annotations

from rdflib import URIRef

from kg.core.vocab import MKG, SKOS
from kg.mapping import Iris, to_graph
from kg.sources import parse
from tests.conftest import seed
from tests.kg.alignment.conftest import BASE


def test_variants_of_one_phrase_are_one_skill_with_one_label() -> None:
    iris = Iris(BASE)
    assert iris.skill("Rédaction du cahier des charges") == iris.skill("Rédaction de cahier des charges")
    assert iris.knowledge("Méthodes de diagnostic") == iris.knowledge("Méthode de diagnostic")
    mapped = to_graph(parse(seed("002")), iris)
    skill = URIRef(BASE + "competence/redaction-cahier-charge")
    labels = {(str(p), str(o)) for s, p, o in mapped.triples if s == skill and p in (SKOS.prefLabel, SKOS.altLabel)}
    assert labels == {
        (str(SKOS.prefLabel), "Rédaction de cahier des charges"),
        (str(SKOS.altLabel), "Rédaction du cahier des charges"),
    }
    owners = {s for s, p, o in mapped.triples if p == MKG.requiredSkill and o == skill}
    assert len(owners) == 3  # three emploi-types require it, in two wordings
