"""``/reconcile`` from real clients: OpenRefine itself (Debian's ``openrefine``, headless, driven through its
HTTP API as its web interface drives it) and the ``reconciler`` package from PyPI (pandas)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests

from tests.serving import _end_with_the_tests, free_port

pytestmark = pytest.mark.slow
OPENREFINE = shutil.which("openrefine")
STARTUP = 180  # seconds: a JVM starting on a busy 2-core machine
DEADLINE = 120  # seconds for one OpenRefine operation (4 rows, a batch or two each)
CONCEPTEUR = "https://w3id.org/metiers-kg/emploi-type/concepteur-developpeur"
MET717 = "https://w3id.org/metiers-kg/metier/MET.717"
M1810 = "https://w3id.org/metiers-kg/rome/M1810"
PILOTE = "https://w3id.org/metiers-kg/emploi-type/pilote-d-exploitation"
# job titles and, in another column, the grand domaine the spreadsheet says (Pilote d'exploitation is in M)
ROWS = [
    ("Concepteur développeur", "M"),
    ("administratrice de logiciels de laboratoire", "M"),
    ("M1810", "M"),
    ("Pilote d'exploitation", "J"),
    ("xyzzy plugh", ""),
]
TITLES = [title for title, _ in ROWS]


def wait_for(what: str, check: Callable[[], object], within: float = DEADLINE) -> object:
    """``check()``'s first true value, polled until ``within`` seconds have passed."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    pytest.fail(f"OpenRefine: {what} did not happen within {within} s")


@pytest.fixture(scope="module")
def openrefine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """OpenRefine on a free 127.0.0.1 port, with a workspace (and home) of its own; stopped afterwards."""
    if OPENREFINE is None:
        reason = "OpenRefine is not installed (apt-get install openrefine)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}: .ci/run installs it")
        pytest.skip(reason)
    home = tmp_path_factory.mktemp("openrefine")
    port = free_port()
    log = home / "openrefine.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                OPENREFINE,
                "-p",
                str(port),
                "-i",
                "127.0.0.1",
                "-d",
                str(home / "workspace"),
                "-m",
                "512M",
                "-x",
                "refine.headless=true",
                "run",
            ],
            env={**os.environ, "HOME": str(home)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_end_with_the_tests,
        )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        if process.poll() is not None:
            pytest.fail(f"OpenRefine exited with {process.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
        try:
            return requests.get(f"{base}/command/core/get-version", timeout=5).ok
        except requests.RequestException:  # not listening yet, or still starting its web application
            return False

    try:
        wait_for("start", up, STARTUP)
        yield base
    finally:
        stop_group(process)


def stop_group(process: subprocess.Popen) -> None:
    """SIGTERM the whole group we started (the ``openrefine`` script does not pass signals on to its
    JVM), then SIGKILL what is left after 30 s."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                os.killpg(process.pid, 0)
            except ProcessLookupError:
                break
            process.poll()  # reap the script once it ends, so that its group can empty
            time.sleep(0.2)
    process.wait(timeout=10)


def command(openrefine: str, name: str, project: str | None = None, **fields: str) -> requests.Response:
    """POST an OpenRefine command with its CSRF token, as its web interface does."""
    token = requests.get(f"{openrefine}/command/core/get-csrf-token", timeout=10).json()["token"]
    params = {"csrf_token": token, **({"project": project} if project else {})}
    return requests.post(
        f"{openrefine}/command/core/{name}", params=params, data=fields, timeout=60, allow_redirects=False
    )


def rows(openrefine: str, project: str) -> dict:
    return requests.get(
        f"{openrefine}/command/core/get-rows", params={"project": project, "start": 0, "limit": 50}, timeout=30
    ).json()


def columns(openrefine: str, project: str) -> list[tuple[str, int]]:
    """(name, cell index) of each column, in the project's order (new columns get new cell indices)."""
    model = requests.get(f"{openrefine}/command/core/get-models", params={"project": project}, timeout=30).json()
    return [(c["name"], c["cellIndex"]) for c in model["columnModel"]["columns"]]


def table(openrefine: str, project: str) -> list[list[object]]:
    """The cells' values, row by row, in column order (None for an empty cell)."""
    indices = [index for _, index in columns(openrefine, project)]
    return [
        [(row["cells"][i] or {}).get("v") if i < len(row["cells"]) else None for i in indices]
        for row in rows(openrefine, project)["rows"]
    ]


def test_openrefine_reconciles_a_column_and_extends_it(openrefine: str, reconcile_server: str, tmp_path: Path) -> None:
    csv = tmp_path / "titles.csv"
    csv.write_text("title,grand_domaine\n" + "".join(f"{t},{d}\n" for t, d in ROWS), encoding="utf-8")
    token = requests.get(f"{openrefine}/command/core/get-csrf-token", timeout=10).json()["token"]
    with open(csv, "rb") as upload:
        created = requests.post(
            f"{openrefine}/command/core/create-project-from-upload",
            params={"csrf_token": token},
            allow_redirects=False,
            timeout=60,
            files={"project-file": ("titles.csv", upload, "text/csv")},
            data={
                "project-name": "titles",
                "format": "text/line-based/*sv",
                "options": json.dumps({"separator": ",", "headerLines": 1, "encoding": "UTF-8"}),
            },
        )
    assert created.status_code == 302, created.text
    project = created.headers["Location"].rsplit("project=", 1)[1]
    service = f"{reconcile_server}/reconcile"
    manifest = requests.get(service, timeout=10).json()
    engine = json.dumps({"facets": [], "mode": "row-based"})
    config = {
        "mode": "standard-service",
        "service": service,
        "identifierSpace": manifest["identifierSpace"],
        "schemaSpace": manifest["schemaSpace"],
        "type": None,
        "autoMatch": True,
        "limit": 0,
        "columnDetails": [
            {"column": "grand_domaine", "propertyName": "Grand domaine ROME", "propertyID": "grandDomaine"}
        ],
    }
    started = command(openrefine, "reconcile", project, columnName="title", config=json.dumps(config), engine=engine)
    assert started.json() == {"code": "pending"}

    def reconciled() -> dict | None:
        answer = rows(openrefine, project)
        return answer if len(answer.get("pool", {}).get("recons", {})) == len(TITLES) else None

    answer = wait_for("reconciliation", reconciled)
    recons = answer["pool"]["recons"]  # type: ignore[index]
    judged = [recons[row["cells"][0]["r"]] for row in answer["rows"]]  # type: ignore[index]
    assert [(r["j"], r.get("m", {}).get("id")) for r in judged] == [
        ("matched", CONCEPTEUR),
        ("matched", MET717),
        ("matched", M1810),
        ("none", None),
        ("none", None),
    ]
    assert judged[0]["m"]["types"] == ["EmploiType"] and judged[0]["m"]["score"] == 100
    # the right name in the wrong grand domaine: the best candidate, at 85 % of 100, left for review
    assert (judged[3]["c"][0]["id"], judged[3]["c"][0]["score"]) == (PILOTE, 85)

    extension = json.dumps(
        {"properties": [{"id": "romeCode", "name": "Code ROME"}, {"id": "grandDomaine", "name": "Grand domaine ROME"}]}
    )
    started = command(
        openrefine,
        "extend-data",
        project,
        baseColumnName="title",
        columnInsertIndex="1",
        endpoint=service,
        identifierSpace=config["identifierSpace"],
        schemaSpace=config["schemaSpace"],
        extension=extension,
        engine=engine,
    )
    assert started.json() == {"code": "pending"}
    wait_for("data extension", lambda: len(columns(openrefine, project)) == 4)
    assert [name for name, _ in columns(openrefine, project)] == [
        "title",
        "Code ROME",
        "Grand domaine ROME",
        "grand_domaine",
    ]
    assert table(openrefine, project) == [
        ["Concepteur développeur", "M1805", "M Support à l'entreprise", "M"],
        ["administratrice de logiciels de laboratoire", "M1810", "M Support à l'entreprise", "M"],
        ["M1810", "M1810", "M Support à l'entreprise", "M"],
        ["Pilote d'exploitation", None, None, "J"],  # not matched: nothing to extend
        ["xyzzy plugh", None, None, None],
    ]


@pytest.mark.filterwarnings("ignore:The inplace keyword:DeprecationWarning")  # reconciler 0.2.2 on pandas 3
def test_the_reconciler_package(reconcile_server: str) -> None:
    import pandas
    from reconciler import reconcile

    # reconciler 0.2.2 builds its frame for a query without candidates with numpy's np.NaN, gone from
    # numpy 2: every title here has candidates
    frame = pandas.DataFrame({"title": TITLES[:3], "grand_domaine": ["M", "M", "J"]})
    found = reconcile(frame["title"], reconciliation_endpoint=f"{reconcile_server}/reconcile")
    top = found.groupby("input_value", sort=False).head(1)
    assert list(zip(top["input_value"], top["id"], top["match"], top["type_id"], strict=True)) == [
        (TITLES[0], CONCEPTEUR, True, "EmploiType"),
        (TITLES[1], MET717, True, "FicheMetier"),
        (TITLES[2], M1810, True, "RomeFiche"),
    ]
    # a type and a property from another column: M1810 is not in grand domaine J, so no automatic match
    refined = reconcile(
        frame["title"],
        type_id="RomeFiche",
        top_res=1,
        property_mapping={"grandDomaine": frame["grand_domaine"]},
        reconciliation_endpoint=f"{reconcile_server}/reconcile",
    )
    assert list(zip(refined["input_value"], refined["score"], refined["match"], strict=True))[2] == (
        TITLES[2],
        85.0,
        False,
    )
