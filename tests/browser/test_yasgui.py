"""The query editor in a real headless Chromium (Debian's chromium + chromium-driver, via Selenium)
against ``metiers-kg serve``: pick an example, run it, see the result table; follow a resource
page's "open in the editor" link. A screenshot is kept in test-output/ (gitignored)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serving import REPO, serving

pytestmark = pytest.mark.slow

OUTPUT = REPO / "test-output"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
WAIT = 30  # seconds; a first page load in a cold browser on a busy 2-core machine


def _require_browser() -> None:
    if CHROMIUM and CHROMEDRIVER:
        return
    reason = "headless Chromium is not installed (apt-get install chromium chromium-driver)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}: .ci/run installs it")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server(built_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _require_browser()
    log = tmp_path_factory.mktemp("browser") / "serve.log"
    with serving(built_store, log, "--workers", "2") as (base, _process):
        yield base


@pytest.fixture(scope="module")
def browser(server: str) -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1280,1100",
        "--no-first-run",
        "--disable-extensions",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(
        service=Service(executable_path=CHROMEDRIVER, log_output=subprocess.DEVNULL), options=options
    )
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()


def test_an_example_query_runs_and_shows_its_result_table(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/")
    wait = WebDriverWait(browser, WAIT)
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    browser.find_element(By.CSS_SELECTOR, 'button.example[data-example="rome-m1810"]').click()
    assert "rome:M1810" in browser.execute_script("return window.metiersKgYasgui.getTab().getQuery()")
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    rows = wait.until(
        lambda d: (
            d.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable tbody tr td a")
            and d.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable tbody tr")
        )
    )
    table = browser.find_element(By.CSS_SELECTOR, ".yasr table.dataTable").text
    assert "administrateur/trice de logiciels de laboratoire" in table
    assert len(rows) >= 2  # MET.717 and the emploi-types under M1810
    OUTPUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUTPUT / "yasgui-rome-m1810.png"))
    hosts = browser.execute_script("return performance.getEntriesByType('resource').map(e => new URL(e.name).host)")
    assert set(hosts) <= {server.removeprefix("http://")}, hosts  # nothing fetched from elsewhere


def test_a_resource_page_opens_its_query_in_the_editor(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/metier/MET.717")
    assert browser.find_element(By.TAG_NAME, "h1").text == "administrateur/trice de logiciels de laboratoire"
    browser.find_element(By.LINK_TEXT, "l'ouvrir dans l'éditeur").click()
    wait = WebDriverWait(browser, WAIT)
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    query = wait.until(lambda d: d.execute_script("return window.metiersKgYasgui.getTab().getQuery()"))
    assert "CONSTRUCT" in query and "<https://w3id.org/metiers-kg/metier/MET.717>" in query
    wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable tbody tr"))  # it ran
    browser.save_screenshot(str(OUTPUT / "yasgui-describe-met-717.png"))


def test_an_iri_in_the_results_opens_on_this_server(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    """The base IRI (w3id) may point nowhere yet, or elsewhere: a click on a result opens the resource here."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/")
    wait = WebDriverWait(browser, WAIT)
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    browser.find_element(By.CSS_SELECTOR, 'button.example[data-example="rome-m1810"]').click()
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    link = wait.until(
        lambda d: next(
            (
                a
                for a in d.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable td a")
                if a.get_attribute("href").endswith("/metier/MET.717")
            ),
            None,
        )
    )
    assert link.get_attribute("href") == "https://w3id.org/metiers-kg/metier/MET.717"  # shown as the IRI it is
    windows = set(browser.window_handles)
    link.click()
    opened = wait.until(lambda d: set(d.window_handles) - windows or None)
    origin = browser.current_window_handle
    browser.switch_to.window(opened.pop())
    try:
        wait.until(lambda d: d.current_url.startswith(server))
        assert browser.current_url == f"{server}/metier/MET.717"
        assert browser.find_element(By.TAG_NAME, "h1").text == "administrateur/trice de logiciels de laboratoire"
    finally:
        browser.close()
        browser.switch_to.window(origin)


def test_a_query_error_is_shown_as_one_readable_line(browser, server: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/")
    wait = WebDriverWait(browser, WAIT)
    wait.until(ready.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    browser.execute_script(
        "window.metiersKgYasgui.getTab().setQuery(arguments[0])", "SELECT * WHERE { ?s a mkg:FicheMetier }"
    )
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    shown = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".yasr .errorResult"))[0]
    wait.until(lambda _d: "not declared" in shown.text)
    OUTPUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUTPUT / "yasgui-query-error.png"))
    assert (
        "SPARQL syntax error at line 1, column 23: prefix mkg: is not declared; "
        "add: PREFIX mkg: <https://w3id.org/metiers-kg/ontology#>"
    ) in shown.text
    assert "Prefix not found" not in shown.text and "\\u{" not in shown.text
