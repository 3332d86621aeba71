"""Small hostile inputs answered with a clear refusal, and headers that keep pages safe (issue 10, item 6)."""

from __future__ import annotations

from flask.testing import FlaskClient

BROWSER = "text/html,application/xhtml+xml,*/*;q=0.8"


def test_pages_forbid_inline_scripts_and_sniffing(client: FlaskClient) -> None:
    page = client.get("/", headers={"Accept": BROWSER})
    assert page.status_code == 200
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    answer = client.get("/sparql", query_string={"query": "ASK {}"})
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_form_bodies_that_are_not_utf8_get_400(client: FlaskClient) -> None:
    for body in (b"query=ASK%20%7B%7D%FF", b"query=ASK {}\xff"):
        answer = client.post("/sparql", data=body, content_type="application/x-www-form-urlencoded")
        assert answer.status_code == 400, answer.get_data(as_text=True)
        assert "not percent-encoded UTF-8" in answer.get_data(as_text=True)


def test_unknown_methods_share_one_metrics_label(client: FlaskClient) -> None:
    for method in ("FOO", "BAR", "BAZ"):
        client.open("/sparql", method=method).close()  # metrics count a request when its answer is closed
    exposed = client.get("/metrics").get_data(as_text=True)
    assert 'method="other"' in exposed
    assert not any(f'method="{name}"' in exposed for name in ("FOO", "BAR", "BAZ"))
