"""Debian's headless Chromium, driven by Selenium, for the tests that look at
the pages the harness writes (test_matrix.py, test_site.py)."""

from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service


def start(profile: Path, eager: bool = False) -> webdriver.Chrome:
    """A browser with its own profile directory. eager: a page counts as
    loaded once its DOM is (pages that load nothing more)."""
    options = Options()
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--window-size=1300,1000", f"--user-data-dir={profile}"):
        options.add_argument(arg)
    options.binary_location = "/usr/bin/chromium"
    if eager:
        options.page_load_strategy = "eager"
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
