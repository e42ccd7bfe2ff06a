"""Every page at 320, 390 and 1280 px: nothing scrolls sideways, axe finds nothing.

The pages are enumerated from the URLconf, so a page added later is checked
too (and this test fails until it knows how to fill the new URL's parameters).
"""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver

from answers.models import FollowUpAction, Member, Question
from answers.workflow.stages import MOVES, SYSTEM
from tests.browser import accessibility_violations, chromium_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = (320, 390, 1280)
PASSWORD = "a-long-password-1"
# Not pages: the admin is Django's own; signing out is a POST.
SKIPPED = ("admin/", "accounts/logout/")
# Error states, which add an error summary and messages to the same pages.
EXTRA = [
    "/questions/?tabled_from=not-a-date&page=abc&department=99999",
    "/staff/questions/?due=overdue&tabled_from=not-a-date",
    "/staff/actions/?due_from=32/13/2025&status=sideways",
]


def routes():
    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern):
                yield route, pattern

    return [
        (route, pattern)
        for route, pattern in walk(get_resolver().url_patterns, "")
        if not route.startswith(SKIPPED)
    ]


def fill(route, pattern, objects):
    url = "/" + route
    for name in pattern.pattern.converters:
        kind = route.split("/", 1)[0] if not route.startswith("staff/") else route.split("/")[1]
        key = (kind, name)
        if key not in objects:
            pytest.fail(f"Teach fill() how to fill <{name}> in {route!r} so it is checked too.")
        url = re.sub(rf"<(?:\w+:)?{name}>", str(objects[key]), url)
    return url


def overflow(page):
    """How many pixels the document is wider than the viewport, and what sticks out."""
    return page.evaluate(
        """() => {
            const width = document.documentElement.clientWidth;
            const extra = document.documentElement.scrollWidth - width;
            const culprits = [...document.querySelectorAll('body *')]
                .filter(el => el.getBoundingClientRect().right > width + 1)
                .slice(0, 3)
                .map(el => el.tagName.toLowerCase() + '.' + [...el.classList].join('.'));
            return extra > 0 ? `${extra}px wider, e.g. ${culprits.join(', ')}` : '';
        }"""
    )


# One test a width, so that the suite's workers share them.
@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways_and_axe_finds_nothing(live_server, width):
    call_command("load_seed", verbosity=0)
    question = Question.objects.get()
    action = FollowUpAction.objects.filter(question=question).first()
    objects = {
        ("questions", "pk"): question.pk,
        ("actions", "pk"): action.pk,
    }
    # The answering process's step pages: the first step a person takes.
    objects[("questions", "name")] = next(
        name for name, move in MOVES.items() if move.actor != SYSTEM
    )
    if question.department:
        objects[("departments", "slug")] = question.department.slug
    member = question.asking_member or Member.objects.order_by("pk").first()
    if member:
        objects[("members", "pk")] = member.pk
    user = User.objects.create_user(
        "alex.admin", "alex@example.org", PASSWORD, first_name="Alex", last_name="Admin"
    )
    user.groups.add(Group.objects.get(name="Admins"))
    urls = [fill(route, pattern, objects) for route, pattern in routes()] + EXTRA

    problems = {}
    with chromium_page() as page:
        for signed_in in (False, True):
            if signed_in:
                page.goto(live_server.url + "/accounts/login/")
                page.get_by_label("Username").fill("alex.admin")
                page.get_by_label("Password").fill(PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                page.wait_for_url(live_server.url + "/staff/")
            for url in urls:
                if url.startswith("/staff/") and not signed_in:
                    continue
                answer = page.request.get(live_server.url + url)
                if not answer.headers.get("content-type", "").startswith("text/html"):
                    continue
                page.set_viewport_size({"width": width, "height": 800})
                page.goto(live_server.url + url)
                where = f"{url} at {width}px{' signed in' if signed_in else ''}"
                if sideways := overflow(page):
                    problems[where] = sideways
                if url == "/" and width < 1280:
                    box = page.locator("#home-search").bounding_box()["width"]
                    if box < width / 2:
                        problems[where + " search box"] = f"{box:.0f}px wide"
                if violations := accessibility_violations(page):
                    problems[where + " (axe)"] = violations
                name = re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-") or "home"
                who = "staff" if signed_in else "public"
                screenshot(page, f"small-screens/{who}-{name}-{width}")
        if width != 1280:
            assert problems == {}, "\n".join(f"{where}: {what}" for where, what in problems.items())
            return
        # Signed in with every staff link shown, the navigation is one row.
        page.set_viewport_size({"width": 1280, "height": 800})
        page.goto(live_server.url + "/staff/")
        rows = page.evaluate(
            """() => new Set([...document.querySelectorAll('.govuk-service-navigation__item')]
                .map(item => Math.round(item.getBoundingClientRect().top))).size"""
        )
        if rows != 1:
            problems["staff navigation at 1280px"] = f"{rows} rows"
        # From the top of the list page, the first result is four key presses
        # away: Tab, Tab ("Skip to results"), Enter, Tab.
        page.goto(live_server.url + "/questions/")
        for key in ("Tab", "Tab", "Enter", "Tab"):
            page.keyboard.press(key)
        focused = page.evaluate("() => document.activeElement.textContent.trim()")
        if focused != question.heading:
            problems["skip to results"] = f"focus is on {focused!r}"
    assert problems == {}, "\n".join(f"{where}: {what}" for where, what in problems.items())
