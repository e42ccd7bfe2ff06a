"""A member of the public finds the seed question in a real browser."""

import pytest
from django.core.management import call_command

from tests.browser import chromium_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_for_infant_and_read_the_answer(live_server):
    call_command("load_seed", verbosity=0)
    with chromium_page() as page:
        page.goto(live_server.url + "/")
        assert page.locator("h1").inner_text().startswith("Written questions")
        # GOV.UK Frontend's stylesheet is served and applied.
        assert (
            page.evaluate(
                "getComputedStyle(document.querySelector('.govuk-service-navigation')).borderBottomStyle"
            )
            != ""
        )
        screenshot(page, "public-home")

        page.get_by_label("Search questions and answers").fill("infant")
        page.get_by_role("button", name="Search").click()
        page.wait_for_url("**/questions/?q=infant")
        assert "1 question" in page.locator(".app-results-count").inner_text()
        screenshot(page, "public-list")

        page.get_by_role("link", name="Infant Mortality").click()
        page.wait_for_url("**/questions/*/")
        assert page.locator("h1").inner_text() == "Infant Mortality"
        body = page.locator("main").inner_text()
        assert "Karin Smyth" in body
        assert "Minister of State (Department of Health and Social Care)" in body
        assert "infant mortality reduction action plan" in body
        assert "Reticulating Splines" not in body
        screenshot(page, "public-detail")
