"""The page frame: who sees the footer's Admin link, and the list's skip link."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ADMIN_LINK = f'href="{reverse("admin:index")}"'


def footer(response):
    return response.content.decode().split('<footer class="govuk-footer">', 1)[1]


def test_the_footer_admin_link_is_only_for_people_who_can_use_the_admin(
    client, staff_user, admins_member
):
    assert ADMIN_LINK not in footer(client.get("/"))
    client.force_login(staff_user)
    assert ADMIN_LINK not in footer(client.get("/"))
    client.force_login(admins_member)
    assert ADMIN_LINK in footer(client.get("/"))


def test_the_list_page_skips_straight_to_its_results(client, make_question):
    make_question(heading="First result")
    body = client.get(reverse("question_list")).content.decode()
    skip = '<a href="#results" class="govuk-skip-link" data-module="govuk-skip-link">Skip to results</a>'
    # Second on the page, after "Skip to main content" and before the menu.
    assert body.index("Skip to main content") < body.index(skip) < body.index('id="navigation"')
    assert body.index('id="results"') < body.index("First result")
