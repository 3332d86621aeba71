"""ServerConfig from the environment, the server's settings, and serve's fail-fast start."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kg.core.errors import StoreError
from kg.core.vocab import DEFAULT_BASE_IRI
from server.config import ServerConfig
from server.wsgi import app_factory, serve, server_options

REPO = Path(__file__).resolve().parents[2]


def test_defaults() -> None:
    config = ServerConfig.from_env({})
    assert config == ServerConfig(
        store_dir=Path("var/store"),
        host="127.0.0.1",
        port=8000,
        base_iri=DEFAULT_BASE_IRI,
        query_timeout=30.0,
        workers=os.cpu_count() or 1,
        public_url=None,
    )
    assert config.endpoint_url == "http://127.0.0.1:8000/sparql"


def test_environment_then_overrides() -> None:
    environ = {
        "METIERS_KG_STORE": "/srv/kg",
        "METIERS_KG_HOST": "0.0.0.0",
        "METIERS_KG_PORT": "9000",
        "METIERS_KG_BASE_IRI": "https://example.org/kg/",
        "METIERS_KG_QUERY_TIMEOUT": "2.5",
        "METIERS_KG_WORKERS": "3",
        "METIERS_KG_PUBLIC_URL": "https://kg.example.org/",
    }
    config = ServerConfig.from_env(environ)
    assert (config.store_dir, config.host, config.port, config.base_iri, config.query_timeout, config.workers) == (
        Path("/srv/kg"),
        "0.0.0.0",
        9000,
        "https://example.org/kg/",
        2.5,
        3,
    )
    assert config.endpoint_url == "https://kg.example.org/sparql"
    overridden = ServerConfig.from_env(environ, port=9001, store_dir=Path("other"), query_timeout=1)
    assert (overridden.port, overridden.store_dir, overridden.query_timeout) == (9001, Path("other").absolute(), 1.0)


def test_config_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        ServerConfig().port = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    "variable,value,words",
    [
        ("PORT", "eighty", "METIERS_KG_PORT"),
        ("PORT", "70000", "65535"),
        ("QUERY_TIMEOUT", "soon", "METIERS_KG_QUERY_TIMEOUT"),
        ("QUERY_TIMEOUT", "-1", "positive"),
        ("QUERY_TIMEOUT", "nan", "positive"),
        ("WORKERS", "0.5", "METIERS_KG_WORKERS"),
        ("WORKERS", "-2", "positive"),
        ("BASE_IRI", "not an iri", "base IRI"),
        ("PUBLIC_URL", "ftp://x", "public URL"),
    ],
)
def test_invalid_environment_is_a_clear_value_error(variable: str, value: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        ServerConfig.from_env({f"METIERS_KG_{variable}": value})


def test_unknown_override_is_rejected() -> None:
    with pytest.raises(ValueError, match="colour"):
        ServerConfig.from_env({}, colour="blue")


def test_the_server_outwaits_the_query_timeout_on_shutdown() -> None:
    options = server_options(ServerConfig(query_timeout=12.5, workers=3, host="::1", port=8123))
    assert options["workers_kill_timeout"] > 12.5
    assert options["workers"] == 3 and options["respawn_failed_workers"] is True
    assert (options["address"], options["port"]) == ("::1", 8123)


def test_serve_fails_fast_without_a_store(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=str(tmp_path / "none")):
        serve(ServerConfig(store_dir=tmp_path / "none", port=1))


def test_app_factory_reads_the_environment(monkeypatch: pytest.MonkeyPatch, store_dir: Path) -> None:
    monkeypatch.setenv("METIERS_KG_STORE", str(store_dir))
    monkeypatch.setenv("METIERS_KG_QUERY_TIMEOUT", "7")
    app = app_factory()
    assert app.config["SERVER_CONFIG"].query_timeout == 7.0
    assert app.test_client().get("/healthz").status_code == 200


@pytest.mark.parametrize(
    "args,env,words",
    [
        (["--store", "{tmp}/absent"], {}, "{tmp}/absent"),
        (["--store", "{tmp}/absent"], {"METIERS_KG_WORKERS": "many"}, "METIERS_KG_WORKERS"),
        (["--store", "{tmp}/absent", "--workers", "0"], {}, "workers"),
    ],
)
def test_cli_serve_errors_exit_1_with_one_line(
    tmp_path: Path, args: list[str], env: dict[str, str], words: str
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "kg.cli", "serve", *(a.format(tmp=tmp_path) for a in args)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
        env={**os.environ, **env},
    )
    assert result.returncode == 1
    assert words.format(tmp=tmp_path) in result.stderr
    assert "Traceback" not in result.stderr


def test_an_update_token_a_client_could_not_send_is_refused_at_start() -> None:
    from server.config import ServerConfig

    with pytest.raises(ValueError, match=r"update token: use only letters, digits and - \. _ ~ \+ /"):
        ServerConfig(update_token="not a bearer token!")
    assert ServerConfig(update_token="abc-DEF_123.~+/xyz==").update_token == "abc-DEF_123.~+/xyz=="
