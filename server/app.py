"""Flask application factory for the SPARQL endpoint.

``create_app`` wires explicit dependencies (configuration, store provider, query runner and
the action that ends a worker stuck in a runaway query) into one app, following Flask's
application-factory pattern: nothing lives in module globals, so tests build as many
independent apps as they like and gunicorn builds one per worker after forking.
"""

from __future__ import annotations

from flask import Flask

from server import graph_store, health, metrics, sparql, web
from server import report as report_page
from server import dumps_routes, resources, ui  # linked data: pages, dumps, VoID
from server.config import ServerConfig
from server.errors import register_error_handlers
from server.query_runner import ExitAction, QueryRunner, exit_worker
from server.services import Services, install
from server.store_provider import StoreProvider


def create_app(config: ServerConfig, *, store_provider: StoreProvider | None = None,
               exit_action: ExitAction = exit_worker) -> Flask:
    """Build the endpoint app. The store is opened on first use (after gunicorn forks).

    ``exit_action`` is called after a response when a timed-out query is still running
    natively; the default ends the process (gunicorn replaces it), tests pass a recorder.
    """
    app = Flask(__name__)
    app.config.update(
        SERVER_CONFIG=config,
        MAX_CONTENT_LENGTH=sparql.MAX_BODY_BYTES,
    )
    runner = QueryRunner(config.query_timeout, exit_action=exit_action)
    install(app, Services(
        config=config,
        stores=store_provider or StoreProvider(config.store_dir),
        runner=runner,
    ))
    register_error_handlers(app)
    metrics.install(app, metrics.Metrics(), lambda: runner.timeouts)  # before web: measures what is sent
    web.install(app, config)
    app.register_blueprint(sparql.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(graph_store.bp)
    app.register_blueprint(report_page.bp)  # /report: the quality report of the served build
    app.register_blueprint(ui.bp)  # / : the YASGUI query editor
    app.register_blueprint(dumps_routes.bp)  # /dumps/, /.well-known/void, /dataset
    app.register_blueprint(resources.bp)  # /<path>: every IRI under the base (lowest-priority route)
    return app
