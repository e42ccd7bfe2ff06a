"""Playwright with Debian's Chromium, never a downloaded browser."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


@contextmanager
def _async_unsafe_allowed():
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        yield
    finally:
        if previous is None:
            del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@contextmanager
def chromium_page():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    ARTIFACTS.mkdir(exist_ok=True)
    # Playwright's sync API runs an event loop; the live server's database
    # work happens in its own thread, so Django's async guard does not apply
    # here. It is lifted for this block only and put back afterwards, so the
    # tests that follow keep the guard.
    with _async_unsafe_allowed(), sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            # axe-core is injected as an inline script, which the site's
            # Content-Security-Policy rightly forbids: the test browser alone
            # is let past it.
            page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
            yield page
        finally:
            browser.close()
            # Playwright runs an event loop, so database work done inside this
            # block gets connections of its own (Django keeps them per
            # context); close them here or PostgreSQL cannot drop the test
            # database at the end of the run.
            connections.close_all()


def screenshot(page, name):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


AXE = Path(__file__).resolve().parent.parent / "node_modules" / "axe-core" / "axe.min.js"


def accessibility_violations(page):
    """WCAG 2.2 A and AA violations axe-core finds on the page, as readable strings."""
    if not AXE.exists():
        pytest.skip("axe-core is not installed (npm install)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
        })"""
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
    ]
