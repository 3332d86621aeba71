"""The Reconciliation Service API over the build's name index: the routes and their manifest
(``routes``), reading and checking queries (``queries``), and data extension (``extend``)."""

from server.reconcile.routes import install

__all__ = ["install"]
