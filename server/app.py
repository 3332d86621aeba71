"""Flask application factory for the SPARQL endpoint.

``create_app`` wires explicit dependencies (configuration, store provider, query runner and
the action that ends a worker stuck in a runaway query) into one app, following Flask's
application-factory pattern: nothing lives in module globals, so tests build as many
independent apps as they like and the server (granian) builds one per worker after forking.
"""

from __future__ import annotations

from flask import Flask

from server import reconcile
from server.config import ServerConfig
from server.http.cors_compression import BrowserHeaders
from server.http.errors import register_error_handlers
from server.linked_data import (
    browse,
    jsonld,
    resources,  # linked data: pages, dumps, VoID
    search_page,
)
from server.linked_data import dumps as dumps_routes
from server.linked_data import report as report_page
from server.ops import health, metrics
from server.runtime.query_runner import EXECUTOR_THREADS, ExitAction, QueryRunner, exit_worker
from server.runtime.services import Services, install
from server.runtime.store_provider import StoreProvider
from server.sparql import editor as ui
from server.sparql import graph_store
from server.sparql import protocol as sparql
from server.sparql.body_limit import BodyLimit
from server.sparql.capped_results import TRUNCATED_HEADER
from server.sparql.endpoint import SparqlEndpoint


def create_app(
    config: ServerConfig, *, store_provider: StoreProvider | None = None, exit_action: ExitAction = exit_worker
) -> Flask:
    """Build the endpoint app. The store is opened on first use (after the server forks its workers).

    ``exit_action`` is called after a response when a timed-out query is still running
    natively; the default retires the worker process (the server replaces it), tests pass a
    recorder. ``/sparql`` is answered in front of Flask (``server.sparql.endpoint``); CORS, compression
    and the safety headers around both (``server.http.cors_compression``).
    """
    app = Flask(__name__)
    app.config.update(
        SERVER_CONFIG=config,
        MAX_CONTENT_LENGTH=sparql.MAX_BODY_BYTES,
    )
    # an executor thread for every request a worker may run at once: none waits for one
    runner = QueryRunner(config.query_timeout, exit_action=exit_action, threads=max(EXECUTOR_THREADS, config.threads))
    found = Services(
        config=config,
        stores=store_provider or StoreProvider(config.store_dir),
        runner=runner,
    )
    install(app, found)
    register_error_handlers(app)
    measured = metrics.Metrics()
    # a request's own timeouts (threads run requests side by side)
    metrics.install(app, measured, lambda: runner.thread_timeouts)
    app.register_blueprint(health.bp)
    app.register_blueprint(graph_store.bp)
    app.register_blueprint(report_page.bp)  # /report: the quality report of the served build
    app.config[ui.HOME_HOLDINGS] = browse.holdings  # the editor's home page says what the graph holds
    app.register_blueprint(ui.bp)  # / : the YASGUI query editor
    app.register_blueprint(jsonld.bp)  # /context.jsonld: the context of every JSON-LD answer
    app.register_blueprint(dumps_routes.bp)  # /dumps/, /.well-known/void, /dataset
    app.register_blueprint(browse.bp)  # /metier/, /formation/, /emploi-type/, /rome/: A–Z lists
    # /reconcile (v0.2) and /reconcile/1.0-draft: the Reconciliation Service API over the name index
    reconcile.install(app)
    app.register_blueprint(search_page.bp)  # /search: the name index for people (HTML) and scripts (JSON)
    app.register_blueprint(resources.bp)  # /<path>: every IRI under the base (lowest-priority route)
    # in front of Flask, outermost first: chunked bodies measured against the limits before anything
    # reads them; CORS, compression and safety headers on every answer; /sparql; then Flask's routes
    endpoint = SparqlEndpoint(app.wsgi_app, found, measured)
    browser = BrowserHeaders(endpoint, config, exposed=(TRUNCATED_HEADER,))
    limits = max(sparql.MAX_UPDATE_BYTES, graph_store.MAX_UPLOAD_BYTES)
    # Flask's documented way to put WSGI middleware in front (mypy sees a method being replaced)
    app.wsgi_app = BodyLimit(browser, config, sparql.MAX_BODY_BYTES, limits)  # type: ignore[method-assign]
    return app
