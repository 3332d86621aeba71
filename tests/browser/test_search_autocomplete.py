"""The header's search box in a real headless Chromium: suggestions appear as one types (static/search.js
asking /search for JSON, under the pages' Content-Security-Policy), a click opens the page; Enter opens the
results page. A screenshot is kept in test-output/."""

from __future__ import annotations

import pytest

from tests.browser.test_yasgui import OUTPUT, WAIT, browser, server  # noqa: F401 - the same fixtures

pytestmark = pytest.mark.slow


def test_suggestions_appear_and_lead_to_the_page(browser, server: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/metier/")
    box = browser.find_element(By.ID, "site-search")
    box.send_keys("exploitant informatique")
    wait = WebDriverWait(browser, WAIT)
    links = wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, "#site-search-suggestions li a"))
    assert box.get_attribute("aria-expanded") == "true"
    first = links[0]
    assert "M1810" in first.text and first.get_attribute("href") == f"{server}/rome/M1810"
    OUTPUT.mkdir(exist_ok=True)
    browser.save_screenshot(str(OUTPUT / "search-autocomplete.png"))
    logs = [entry for entry in browser.get_log("browser") if "Content Security Policy" in entry["message"]]
    assert logs == []  # nothing refused by the CSP
    first.click()
    wait.until(lambda d: d.current_url == f"{server}/rome/M1810")


def test_enter_opens_the_results_page(browser, server: str) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/")
    box = browser.find_element(By.ID, "site-search")
    box.send_keys("DRH", Keys.ENTER)
    wait = WebDriverWait(browser, WAIT)
    wait.until(lambda d: "/search?q=DRH" in d.current_url)
    groups = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "section.hits h2")]
    assert any(g.startswith("Occupation ESCO") for g in groups), groups
    assert browser.find_element(By.ID, "site-search").get_attribute("value") == "DRH"
