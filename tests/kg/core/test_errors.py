"""kg.core.errors: every error crosses a process boundary whole (the ROME stage and the batches run in
worker processes and hand their errors to the build)."""

from __future__ import annotations

import pickle

from kg.core.errors import DocumentsRejectedError, SourceError, StoreError, ValidationError
from kg.validation.report import Report


def test_errors_keep_their_message_and_fields_through_pickle() -> None:
    source = pickle.loads(pickle.dumps(SourceError("rome/referentiel_appellation.csv", "unknown code 'X1'", 12)))
    assert str(source) == "rome/referentiel_appellation.csv:12: unknown code 'X1'"
    reasons = ["MET.1.md:19: invalid ROME code 'K15'", "MET.2.md:1: unknown document kind"]
    rejected = pickle.loads(pickle.dumps(DocumentsRejectedError(reasons)))
    assert rejected.reasons == reasons and str(rejected) == str(DocumentsRejectedError(reasons))
    report = Report(conforms=False, results=(), triples=3)
    invalid = pickle.loads(pickle.dumps(ValidationError(report)))
    assert invalid.report == report and str(invalid) == str(report)
    assert str(pickle.loads(pickle.dumps(StoreError("var/store: locked")))) == "var/store: locked"
