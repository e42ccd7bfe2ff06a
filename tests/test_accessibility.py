"""axe-core finds no WCAG 2.2 AA violations on the public pages."""

import pytest
from django.core.management import call_command

from answers.models import Question
from tests.browser import accessibility_violations, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_public_pages_have_no_wcag_violations(live_server):
    call_command("load_seed", verbosity=0)
    question = Question.objects.get()
    pages = [
        "/",
        "/questions/",
        "/questions/?q=infant&house=Commons",
        # The error state: summary, field errors, what was typed kept.
        "/questions/?tabled_from=not-a-date&page=abc&department=99999",
        question.get_absolute_url(),
        "/questions/999999/",
        "/departments/",
        "/accounts/login/",
    ]
    found = {}
    with chromium_page() as page:
        for path in pages:
            page.goto(live_server.url + path)
            violations = accessibility_violations(page)
            if violations:
                found[path] = violations
    assert found == {}
