"""The shipped nginx configuration (server/deploy/nginx.conf) against clients that stall.

The server alone has a few request threads per worker and no body or answer timeouts (granian
gives WSGI apps none): the first test shows that a few stalled clients do take every thread of a
one-worker, two-thread server. Behind nginx, with the shipped file changed only in its two
addresses, many more of the same clients leave every other request served, a stalled body's
connection is closed once its timeout passes, and one host sending twenty long queries gets four
of them run and 429 for the rest. Attackers connect from 127.0.0.2, another host as nginx sees it.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import pytest
import requests

from tests.server.conftest import filler_quads, occupation_quads, write_build
from tests.serving import REPO, free_port, serving

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("nginx") is None, reason="nginx is not installed (apt-get install nginx-light, as .ci/run does)"
    ),
]

SHIPPED = REPO / "server" / "deploy" / "nginx.conf"
LARGE = "SELECT * WHERE { ?s ?p ?o }"  # ~2.5 MB of CSV on the test store: more than the buffers on the way


@pytest.fixture(scope="module")
def upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    tmp = tmp_path_factory.mktemp("proxied")
    write_build(tmp / "store", [*occupation_quads(), *filler_quads(30_000)])
    with serving(tmp / "store", tmp / "serve.log", "--workers", "1", "--threads", "2") as (base, _process):
        yield base


@pytest.fixture(scope="module")
def default_upstream(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One worker with the default threads (8)."""
    tmp = tmp_path_factory.mktemp("proxied-default")
    write_build(tmp / "store", [*occupation_quads(), *filler_quads(30_000)])
    with serving(tmp / "store", tmp / "serve.log", "--workers", "1") as (base, _process):
        yield base


@contextmanager
def nginx(upstream: str, folder: Path) -> Iterator[str]:
    """nginx on a free port running the shipped site file, proxying to ``upstream``."""
    port = free_port()
    site = SHIPPED.read_text(encoding="utf-8")
    site = site.replace("server 127.0.0.1:8000;", f"server {upstream.removeprefix('http://')};")
    site = re.sub(r"listen 80;", f"listen 127.0.0.1:{port};", site)
    (folder / "site.conf").write_text(site, encoding="utf-8")
    for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / name).mkdir(exist_ok=True)
    user = "user root;\n" if os.geteuid() == 0 else ""  # as root, nginx's workers would otherwise be nobody
    (folder / "nginx.conf").write_text(
        f"{user}worker_processes 1;\nerror_log {folder}/error.log;\npid {folder}/nginx.pid;\n"
        "events { worker_connections 1024; }\n"
        f"http {{ access_log off; client_body_temp_path {folder}/body; proxy_temp_path {folder}/proxy;\n"
        f"fastcgi_temp_path {folder}/fastcgi; uwsgi_temp_path {folder}/uwsgi; scgi_temp_path {folder}/scgi;\n"
        f"include {folder}/site.conf; }}\n",
        encoding="utf-8",
    )
    process = subprocess.Popen(
        ["nginx", "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"nginx did not start: {process.stderr.read().decode() if process.stderr else ''}")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


ATTACKER = "127.0.0.2"  # another host, as nginx sees it (all of 127/8 is this machine): its limits are its own


def stall(base: str, count: int, stack: ExitStack) -> list[socket.socket]:
    """``count`` connections, half announcing a body they never send, half never reading a large answer."""
    host, port = base.removeprefix("http://").split(":")
    held = []
    for index in range(count):
        sock = stack.enter_context(
            socket.create_connection((host, int(port)), timeout=30, source_address=(ATTACKER, 0))
        )
        if index % 2:
            sock.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                b"Content-Length: 1000\r\n\r\nASK"
            )
        else:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(
                f"GET /sparql?query={requests.utils.quote(LARGE)} HTTP/1.1\r\nHost: x\r\n"
                "Accept: text/csv\r\n\r\n".encode()
            )
        held.append(sock)
    return held


def healthy(base: str, times: int) -> list[int | str]:
    answers: list[int | str] = []
    for _ in range(times):
        try:
            answers.append(requests.get(f"{base}/healthz", timeout=3).status_code)
        except requests.RequestException as error:
            answers.append(type(error).__name__)
    return answers


def first_refusal(base: str, within: float) -> int | str:
    """The first /healthz answer that is not a 200 within ``within`` seconds (the stalls reach the
    server's threads a moment after they are sent), or 200 if there is none."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/healthz", timeout=1).raise_for_status()
        except requests.RequestException as error:
            return type(error).__name__
    return 200


def test_without_the_proxy_two_stalled_bodies_take_every_thread(upstream: str) -> None:
    with ExitStack() as stack:
        host, port = upstream.removeprefix("http://").split(":")
        for _ in range(2):
            sock = stack.enter_context(socket.create_connection((host, int(port)), timeout=30))
            sock.sendall(
                b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                b"Content-Length: 1000\r\n\r\nASK"
            )
        assert first_refusal(upstream, within=10) == "ReadTimeout"
    assert healthy(upstream, 1) == [200]  # the stalled clients gone, their threads are free again


def test_behind_nginx_stalled_clients_leave_others_served(upstream: str, tmp_path: Path) -> None:
    with nginx(upstream, tmp_path) as base, ExitStack() as stack:
        held = stall(base, 16, stack)
        started = time.monotonic()
        assert healthy(base, 10) == [200] * 10
        answer = requests.post(
            f"{base}/sparql",
            data={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
            headers={"Accept": "text/csv"},
            timeout=10,
        )
        assert answer.status_code == 200 and answer.text.splitlines() == ["n", "30006"]
        stalled_body = held[1]
        stalled_body.settimeout(30)
        assert stalled_body.recv(200) == b""  # nginx closes it (its 408 is logged, not sent)
        assert time.monotonic() - started < 25  # after client_body_timeout (10 s), not the client's patience


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 2.7e13 rows: CPU, no memory


def test_behind_nginx_one_host_cannot_take_every_thread_with_long_queries(
    default_upstream: str, tmp_path: Path
) -> None:
    with nginx(default_upstream, tmp_path) as base, ExitStack() as stack:
        host, port = base.removeprefix("http://").split(":")
        request = (
            f"GET /sparql?query={requests.utils.quote(RUNAWAY)} HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n"
        ).encode()
        runaways = []
        for _ in range(20):
            sock = stack.enter_context(
                socket.create_connection((host, int(port)), timeout=30, source_address=(ATTACKER, 0))
            )
            sock.sendall(request)
            runaways.append(sock)
        refused = [sock.recv(12) for sock in runaways[4:]]  # the first 4 run; nginx answers the rest at once
        assert refused == [b"HTTP/1.1 429"] * 16
        assert healthy(base, 5) == [200] * 5
        answer = requests.post(
            f"{base}/sparql",
            data={"query": "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"},
            headers={"Accept": "text/csv"},
            timeout=10,
        )
        assert answer.status_code == 200 and answer.text.splitlines() == ["n", "30006"]


def test_the_shipped_file_is_valid_nginx(tmp_path: Path) -> None:
    folder = tmp_path
    (folder / "nginx.conf").write_text(
        f"error_log {folder}/error.log;\npid {folder}/nginx.pid;\nevents {{}}\nhttp {{ include {SHIPPED}; }}\n",
        encoding="utf-8",
    )
    checked = subprocess.run(
        ["nginx", "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")], capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stderr
