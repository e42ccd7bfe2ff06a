"""Type-ahead member filters and the department page in a real browser."""

import datetime

import pytest
from django.core.management import call_command

from answers.models import Department
from tests.browser import accessibility_violations, chromium_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_type_ahead_asked_by_filter_and_department_page(live_server, make_question):
    call_command("load_seed", verbosity=0)
    make_question(heading="Asked by Smith", asked_by="Jane Smith", department="Home Office")
    make_question(
        heading="Answered by Johnson",
        department="Home Office",
        date_tabled=datetime.date(2025, 3, 3),
        date_answered=datetime.date(2025, 3, 12),
        answered_by="Dame Diana Johnson",
    )
    with chromium_page() as page:
        page.goto(live_server.url + "/questions/")
        field = page.get_by_label("Asked by")
        field.fill("smi")
        option = page.get_by_role("option", name="Jane Smith")
        option.wait_for()
        screenshot(page, "public-list-type-ahead")
        option.click()
        assert field.input_value() == "Jane Smith"
        page.get_by_role("button", name="Apply filters").click()
        page.wait_for_url("**/questions/?*member=Jane+Smith*")
        assert "1 question" in page.locator(".app-results-count").inner_text()
        assert page.get_by_label("Asked by").input_value() == "Jane Smith"
        assert accessibility_violations(page) == []

        department = Department.objects.get(name="Home Office")
        page.goto(live_server.url + department.get_absolute_url())
        assert page.locator("h1").inner_text() == "Home Office"
        assert page.get_by_role("img", name="Questions to Home Office by month tabled").is_visible()
        screenshot(page, "public-department")
        assert accessibility_violations(page) == []
        page.get_by_role("link", name="1 questions answered late").first.click()
        page.wait_for_url("**/questions/?*timeliness=late*")
        assert "1 question" in page.locator(".app-results-count").inner_text()
