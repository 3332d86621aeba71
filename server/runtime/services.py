"""What the views need, attached to the Flask app instead of living in module globals.

``create_app`` builds one :class:`Services` and stores it in ``app.extensions``; views reach it
through :func:`services`, so two apps in one process (tests) never share a store or a thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

from kg.search import SearchIndex
from kg.search.location import build_index
from server.config import ServerConfig
from server.runtime.query_runner import QueryRunner
from server.runtime.store_provider import StoreProvider

EXTENSION = "metiers_kg"


@dataclass(frozen=True)
class Services:
    config: ServerConfig
    stores: StoreProvider
    runner: QueryRunner

    @property
    def settings_tag(self) -> str:
        """The settings that change answers to the same query on the same build (part of ETags)."""
        return f"{self.config.base_iri}|{self.config.max_rows}"


def install(app: Flask, services_: Services) -> None:
    app.extensions[EXTENSION] = services_


def services() -> Services:
    """The services of the app handling the current request."""
    return current_app.extensions[EXTENSION]


INDEX_MEMO = "search_index"


def current_index() -> SearchIndex:
    """The name index of the build being served (after online updates: of the newest build that has
    one), opened once per build and worker, for /search and /reconcile alike."""
    handle = services().stores.current()
    return handle.remember(INDEX_MEMO, lambda: SearchIndex(build_index(handle.target)))
