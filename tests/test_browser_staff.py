"""A staff member logs a pasted question, follows it up and closes the action, in Chromium."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import call_command

from answers import services
from answers.models import FollowUpAction, Member, Question
from tests.browser import accessibility_violations, chromium_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASTED = Path(__file__).parent / "data" / "pq-texts" / "007.txt"
PASSWORD = "a-long-password-1"


def test_log_a_pasted_question_add_an_action_and_mark_it_done(live_server):
    call_command("load_seed", verbosity=0)
    user = User.objects.create_user(
        "sam.staff", "sam@example.org", PASSWORD, first_name="Sam", last_name="Staff"
    )
    user.groups.add(Group.objects.get(name="Staff"))
    # Staff choose ministers from the known members.
    Member.objects.create(name="Jo Churchill", house="Commons", party="Conservative")

    with chromium_page() as page:
        # Staff pages send a visitor to sign in, and back afterwards.
        page.goto(live_server.url + "/staff/")
        page.wait_for_url("**/accounts/login/?next=/staff/")
        page.get_by_label("Username").fill("sam.staff")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(live_server.url + "/staff/")
        assert page.locator("h1").inner_text() == "Dashboard"
        assert "Overdue actions" in page.locator(".app-counts").inner_text()
        screenshot(page, "staff-dashboard")

        # Paste the page text: the form is filled in, nothing saved yet.
        page.get_by_role("link", name="Log a question").click()
        page.wait_for_url("**/staff/questions/new/")
        page.get_by_label("Paste the page text").fill(PASTED.read_text(encoding="utf-8"))
        page.get_by_role("button", name="Fill in the form").click()
        page.wait_for_selector("#filled")
        assert page.get_by_label("Heading").input_value() == "Dental Services: Carers"
        assert page.get_by_label("Date tabled").input_value() == "04/06/2021"
        assert page.locator("#id_department option:checked").inner_text() == (
            "Department of Health and Social Care"
        )
        assert page.get_by_label("Answered by").input_value() == "Jo Churchill"
        assert "maximise safe throughput" in page.locator("#id_answer_text").input_value()
        assert Question.objects.count() == 1
        screenshot(page, "staff-question-form")

        page.get_by_role("button", name="Save question").last.click()
        page.wait_for_url("**/staff/questions/*/")
        logged = page.inner_text("main")
        assert "Question “Dental Services: Carers” logged." in logged
        # The page names the minister's post in another department: a warning.
        assert "is in the Department for Work and Pensions, but the question" in logged
        question = Question.objects.get(heading="Dental Services: Carers")
        assert question.answer.minister.member.name == "Jo Churchill"

        # A follow-up action, public, owned by an organisation.
        page.get_by_role("button", name="Add a follow-up action").click()
        page.get_by_label("Action", exact=True).fill("Ask NHS England for carers' access data")
        page.get_by_label("Owning organisation").fill("NHS England")
        page.get_by_label("Due date").fill("30/06/2021")
        page.get_by_label("Show on the public question page").check()
        page.get_by_role("button", name="Add action").click()
        page.wait_for_url(re.compile(rf"/staff/questions/{question.pk}/#actions$"))
        assert "Ask NHS England for carers' access data" in page.inner_text("#main-content")

        # Mark it done with an outcome.
        page.get_by_role("link", name="Change status of Ask NHS England").click()
        page.get_by_label("Done", exact=True).check()
        page.get_by_label("Outcome").fill("Data received and filed.")
        page.get_by_role("button", name="Save status").click()
        page.wait_for_url(re.compile(rf"/staff/questions/{question.pk}/#actions$"))
        assert "is now done" in page.inner_text("main")
        action = FollowUpAction.objects.get(question=question)
        assert action.status == "done" and action.completed_on is not None

        page.get_by_role("link", name="Follow-up actions").first.click()
        page.wait_for_url("**/staff/actions/")
        assert "Ask NHS England for carers' access data" in page.inner_text("main")
        screenshot(page, "staff-actions")

        # The public page shows the public action as done, with its outcome.
        page.goto(live_server.url + question.get_absolute_url())
        public = page.inner_text("main")
        assert "Ask NHS England for carers' access data" in public
        assert "Done" in public
        assert "Data received and filed." in public
        screenshot(page, "staff-public-detail")


def test_staff_pages_have_no_wcag_violations(live_server):
    call_command("load_seed", verbosity=0)
    user = User.objects.create_user("sam.staff", "sam@example.org", PASSWORD)
    user.groups.add(Group.objects.get(name="Staff"))
    question = Question.objects.get()
    action = FollowUpAction.objects.filter(question=question, outcome="").first()
    pages = [
        "/staff/",
        "/staff/questions/",
        "/staff/questions/?due=overdue&tabled_from=not-a-date",
        "/staff/questions/new/",
        f"/staff/questions/{question.pk}/",
        f"/staff/questions/{question.pk}/edit/",
        f"/staff/questions/{question.pk}/answer/",
        f"/staff/questions/{question.pk}/notes/new/",
        f"/staff/questions/{question.pk}/actions/new/",
        f"/staff/actions/{action.pk}/edit/",
        f"/staff/actions/{action.pk}/status/",
        "/staff/actions/",
        "/staff/actions/?due_from=32/13/2025&status=sideways",
        "/accounts/password_change/",
    ]
    found = {}
    with chromium_page() as page:
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Username").fill("sam.staff")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(live_server.url + "/staff/")
        for path in pages:
            page.goto(live_server.url + path)
            found[path] = accessibility_violations(page)
        # The error states of the forms: summary, field errors, what was typed.
        page.goto(live_server.url + "/staff/questions/new/")
        page.get_by_label("Date tabled").fill("31/02/2025")
        page.get_by_role("button", name="Save question").last.click()
        page.wait_for_selector(".govuk-error-summary")
        found["new question, errors"] = accessibility_violations(page)
        page.get_by_label("Paste the page text").fill("Not a question")
        page.get_by_role("button", name="Fill in the form").click()
        page.wait_for_selector(".govuk-error-summary")
        found["new question, paste error"] = accessibility_violations(page)
        page.goto(live_server.url + f"/staff/actions/{action.pk}/status/")
        page.get_by_label("Cancelled").check()
        page.get_by_role("button", name="Save status").click()
        page.wait_for_selector(".govuk-error-summary")
        found["status, errors"] = accessibility_violations(page)
        # Someone else changes the heading while this editor has it open too.
        page.goto(live_server.url + f"/staff/questions/{question.pk}/edit/")
        services.question_update(
            question=Question.objects.get(pk=question.pk),
            expected_version=question.version,
            heading="Their heading",
        )
        page.get_by_label("Heading").fill("My heading")
        page.get_by_role("button", name="Save question").click()
        page.wait_for_selector("#conflicts")
        found["question edit, conflict"] = accessibility_violations(page)
        page.get_by_label("Keep yours").check()
        page.get_by_role("button", name="Save question").click()
        page.wait_for_url(f"**/staff/questions/{question.pk}/")
        assert Question.objects.get(pk=question.pk).heading == "My heading"
    assert {path: v for path, v in found.items() if v} == {}
