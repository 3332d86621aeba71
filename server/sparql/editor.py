"""The query editor: YASGUI (vendored in ``server/static/yasgui``) at ``/`` and, for browsers, ``/sparql``.

The page loads nothing from outside: YASGUI's bundle comes from this package, its prefix
autocompletion reads ``/ui/prefixes.json`` (our prefixes) instead of prefix.cc, and the
autocompleters that call the LOV web service are off. It is preloaded with example queries that
answer the users' questions; each is written against the configured base IRI, and each is run
against the seeds' graph in the tests.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from werkzeug.wrappers import Request
from werkzeug.wrappers import Response as BaseResponse

from kg.core.vocab import PREFIXES
from kg.publish.dataset import DESCRIPTION_PREFIXES
from server.http.negotiation import names_rdf, prefers_html
from server.runtime.services import services

bp = Blueprint("ui", __name__)

HEADER = "".join(f"PREFIX {name + ':':<5} <{PREFIXES[name]}>\n" for name in ("mkg", "skos"))


@dataclass(frozen=True)
class Example:
    """A user's question and the query that answers it (``{base}`` is the data's base IRI)."""

    key: str
    title: str
    query: str

    def for_base(self, base_iri: str) -> str:
        return (HEADER + self.query).replace("{base}", base_iri)


EXAMPLES: tuple[Example, ...] = (
    Example(
        "rome-m1810",
        "Quels métiers relèvent de la fiche ROME M1810 ?",
        """PREFIX rome: <{base}rome/>
# Fiches métiers et emplois-types rattachés à la fiche ROME M1810.
SELECT DISTINCT ?metier ?libelle ?type WHERE {
  ?metier mkg:romeFiche rome:M1810 ;
          a ?type ;
          skos:prefLabel ?libelle .
  FILTER(?type IN (mkg:FicheMetier, mkg:EmploiType) && lang(?libelle) = "fr")
} ORDER BY ?libelle""",
    ),
    Example(
        "evolutions",
        "Vers quels emplois-types un « Concepteur développeur » peut-il évoluer ?",
        """# Ses évolutions possibles, et les emplois-types qui le citent parmi leurs origines possibles.
SELECT DISTINCT ?evolution ?libelle WHERE {
  ?depart a mkg:EmploiType ;
          skos:prefLabel "Concepteur développeur"@fr .
  { ?depart mkg:possibleEvolution ?evolution } UNION { ?evolution mkg:possibleOrigin ?depart }
  ?evolution skos:prefLabel ?libelle .
} ORDER BY ?libelle""",
    ),
    Example(
        "formations",
        "Quelles formations mènent au métier d'administrateur de logiciels de laboratoire ?",
        """PREFIX metier: <{base}metier/>
# Formations recommandées par la fiche MET.717, avec leur code.
SELECT DISTINCT ?formation ?code ?libelle WHERE {
  metier:MET.717 mkg:recommendedFormation ?formation .
  ?formation mkg:identifier ?code ;
             skos:prefLabel ?libelle .
} ORDER BY ?libelle""",
    ),
    Example(
        "esco",
        "Quelle occupation ESCO correspond à chaque emploi-type ?",
        """# Correspondances SKOS (exacte, proche, plus large, plus étroite, associée) vers ESCO.
SELECT ?emploiType ?libelle ?relation ?esco ?libelleEsco WHERE {
  VALUES ?relation { skos:exactMatch skos:closeMatch skos:broadMatch skos:narrowMatch skos:relatedMatch }
  ?emploiType a mkg:EmploiType ;
              skos:prefLabel ?libelle ;
              ?relation ?esco .
  FILTER(STRSTARTS(STR(?esco), "http://data.europa.eu/esco/occupation/"))
  OPTIONAL { ?esco skos:prefLabel ?libelleEsco FILTER(langMatches(lang(?libelleEsco), "en")) }
} ORDER BY ?libelle ?relation""",
    ),
    Example(
        "competences",
        "Quels savoir-faire et connaissances demande un emploi-type ?",
        """PREFIX et: <{base}emploi-type/>
SELECT ?type ?competence ?libelle WHERE {
  et:concepteur-developpeur mkg:requiredSkill ?competence .
  ?competence a ?type ;
              skos:prefLabel ?libelle .
  FILTER(?type IN (mkg:SavoirFaire, mkg:Connaissance))
} ORDER BY ?type ?libelle""",
    ),
    Example(
        "niveaux",
        "Quel niveau d'accès et quel salaire de début pour chaque fiche métier ?",
        """PREFIX schema: <https://schema.org/>
SELECT ?fiche ?libelle ?niveau ?salaire ?devise WHERE {
  ?fiche a mkg:FicheMetier ;
         skos:prefLabel ?libelle .
  OPTIONAL { ?fiche mkg:minimumAccessLevel/skos:prefLabel ?niveau }
  OPTIONAL { ?fiche mkg:startingSalary [ schema:value ?salaire ; schema:currency ?devise ] }
} ORDER BY ?libelle""",
    ),
    Example(
        "graphes",
        "Combien de triplets dans chaque graphe nommé ?",
        """SELECT ?graphe (COUNT(*) AS ?triplets) WHERE {
  GRAPH ?graphe { ?s ?p ?o }
} GROUP BY ?graphe ORDER BY DESC(?triplets)""",
    ),
)


def wants_editor(req: Request) -> bool:
    """A browser opening /sparql itself (no query): show the editor, not a protocol answer."""
    return (
        req.method == "GET"
        and "query" not in req.args
        and "update" not in req.args
        and prefers_html(req.headers.get("Accept"))
    )


HOME_HOLDINGS = "METIERS_KG_HOME_HOLDINGS"  # app.config key: () → (holdings, described formations)


def editor_page() -> Response:
    """The YASGUI page, its endpoint this server's /sparql and its examples preloaded."""
    config = services().config
    examples = [{"key": e.key, "title": e.title, "query": e.for_base(config.base_iri)} for e in EXAMPLES]
    held, described = current_app.config[HOME_HOLDINGS]()  # what the graph holds: given by create_app
    body = render_template(
        "ui.html",
        examples=examples,
        endpoint=config.endpoint_seen_by(request.root_url),
        holdings=held,
        described_formations=described,
        base_iri=config.base_iri,
        resource_root=config.root_seen_by(request.root_url),
        prefixes_url=url_for("ui.prefixes"),
    )
    response = Response(body, content_type="text/html; charset=utf-8")
    response.vary.add("Accept")
    return response


@bp.route("/sparql", methods=["GET"])
@bp.route("/sparql/", methods=["GET"])
def sparql_editor() -> Response:
    """A browser opening /sparql itself: the endpoint (``server.sparql.endpoint``) leaves it to this view."""
    return editor_page()


@bp.route("/", methods=["GET"])
def index() -> BaseResponse:
    """The editor for people; the dataset's description (303) for clients that ask for RDF."""
    if names_rdf(request.headers.get("Accept")):
        response = redirect(url_for("dumps.dataset"), 303)
        response.vary.add("Accept")
        return response
    return editor_page()


@bp.route("/favicon.ico", methods=["GET"])
def favicon() -> Response:
    """The site's icon, where browsers look for it (``server/static/favicon.ico``, 32×32 PNG in ICO)."""
    folder = current_app.static_folder
    assert folder is not None  # create_app keeps Flask's default, server/static
    response = send_from_directory(folder, "favicon.ico", mimetype="image/vnd.microsoft.icon", max_age=86400)
    return response


@bp.route("/ui/prefixes.json", methods=["GET"])
def prefixes() -> Response:
    """Prefixes for the editor's autocompletion, in prefix.cc's format ({prefix: namespace})."""
    response = jsonify(dict(sorted(DESCRIPTION_PREFIXES.items())))
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response
