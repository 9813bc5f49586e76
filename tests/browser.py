"""Headless Chromium for the tests that look at what a user sees (Debian's chromium, driven
by Playwright; never `playwright install`)."""

import shutil
from pathlib import Path

import pytest

from .conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
needs_chromium = pytest.mark.skipif(not Path(CHROMIUM).exists(),
                                    reason="Debian's chromium is not installed (bash .ci/run installs it)")


def launch(playwright, *extra: str):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=[*ARGS, *extra])


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = launch(p)
        yield b
        b.close()


class LoadedPage:
    """A page of ours, loaded from a file, with everything it logged, requested and alerted."""

    def __init__(self, browser, html_path: Path, *, width=1400, height=900):
        self.errors, self.requests, self.dialogs = [], [], []
        self.page = browser.new_page(viewport={"width": width, "height": height})
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(html_path.as_uri())
        self.page.wait_for_selector("body[data-ready=true]", timeout=60000)

    def js(self, expr):
        return self.page.evaluate(expr)
