"""The build's date: from the input (``SOURCE_DATE_EPOCH``), never from the clock, so builds are reproducible."""

from __future__ import annotations

import os
from datetime import UTC, datetime

from rdflib import Literal

from kg.core.vocab import XSD


def source_date() -> datetime | None:
    """The build moment from SOURCE_DATE_EPOCH when set, never from the clock."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    try:
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    except (ValueError, OverflowError):
        raise ValueError(f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix timestamp") from None


def build_date() -> Literal | None:
    """The build date as an xsd:dateTime literal (see ``source_date``)."""
    moment = source_date()
    if moment is None:
        return None
    return Literal(moment.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)
