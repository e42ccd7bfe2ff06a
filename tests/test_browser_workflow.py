"""A question from tabled to answered in Chromium: the PQ team, a drafter and two clearers."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone

from answers import services
from answers.models import ClearanceRoute, RouteStep, Stage
from tests.browser import accessibility_violations, chromium_page, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a-long-password-1"
FIRST_DRAFT = "The department is reviewing school meal standards."
FINAL_DRAFT = "The department will publish revised school meal standards in the spring."
BACKGROUND = "Background: ministers agreed the timetable on 3 February."
RETURN_COMMENT = "Say when, not just that we are reviewing."


def make_person(username, group, first, last):
    user = User.objects.create_user(
        username, f"{username}@example.org", PASSWORD, first_name=first, last_name=last
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def sign_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_load_state()


def open_from_my_work(page, base, heading):
    page.goto(base + "/staff/my-work/")
    page.get_by_role("link", name=heading).click()
    page.wait_for_url(re.compile(r"/process/$"))


def move(page, label, **fields):
    page.get_by_role("button", name=label, exact=True).first.click()
    page.wait_for_load_state()
    for field, value in fields.items():
        page.get_by_label(field).fill(value)
    page.get_by_role("button", name=label, exact=True).click()
    page.wait_for_load_state()


@pytest.fixture
def setting(db):
    team = make_person("pat.team", "Staff", "Pat", "Team")
    make_person("dee.drafter", "Drafters", "Dee", "Drafter")
    deputy = make_person("clara.clearer", "Drafters", "Clara", "Clearer")
    office = make_person("olly.office", "Drafters", "Olly", "Office")
    question = services.question_create(
        user=team,
        heading="School Meals: Standards",
        text="To ask the Secretary of State for Education, when she plans to revise school "
        "meal standards.",
        house="Commons",
        date_tabled=timezone.localdate(),
        department=services.department_get_or_create(name="Department for Education"),
    )
    services.member_get_or_create(name="Jo Minister", house="Commons")
    route = ClearanceRoute.objects.create(department=question.department)
    RouteStep.objects.create(route=route, position=1, name="Deputy director", user=deputy)
    RouteStep.objects.create(route=route, position=2, name="Private office", user=office)
    return question


def test_from_tabled_to_answered_with_a_return(live_server, setting):
    question = setting
    base = live_server.url
    heading = question.heading
    with chromium_page() as page:
        # The PQ team commissions it from the board.
        sign_in(page, base, "pat.team")
        page.get_by_role("link", name="Board", exact=True).click()
        page.wait_for_url("**/staff/board/")
        assert "1\nNew" in page.locator(".app-counts").inner_text()
        screenshot(page, "workflow-board")
        page.get_by_role("link", name=heading).click()
        page.get_by_role("button", name="Commission", exact=True).click()
        page.get_by_label("Commission to").select_option(label="Dee Drafter")
        page.get_by_role("button", name="Commission", exact=True).click()
        page.wait_for_url(re.compile(r"/process/$"))
        assert "is now awaiting acceptance" in page.inner_text("main")
        sign_out(page)

        # The drafter accepts, drafts and submits it.
        sign_in(page, base, "dee.drafter")
        page.wait_for_url("**/staff/my-work/")
        assert "Accept or reject" in page.inner_text("main")
        screenshot(page, "workflow-my-work")
        open_from_my_work(page, base, heading)
        move(page, "Accept")
        page.get_by_role("button", name="Write the draft").click()
        page.get_by_label("Draft answer").fill(FIRST_DRAFT)
        page.get_by_label("Background note").fill(BACKGROUND)
        page.get_by_role("button", name="Save draft").click()
        page.wait_for_url(re.compile(r"/process/$"))
        screenshot(page, "workflow-drafted")
        move(page, "Submit for clearance")
        sign_out(page)

        # The deputy director clears the first step.
        sign_in(page, base, "clara.clearer")
        assert "Clear or return (Deputy director)" in page.inner_text("main")
        open_from_my_work(page, base, heading)
        move(page, "Clear")
        sign_out(page)

        # Private office returns it once, with comments.
        sign_in(page, base, "olly.office")
        open_from_my_work(page, base, heading)
        move(page, "Return to the drafter", **{"What needs changing?": RETURN_COMMENT})
        sign_out(page)

        # The drafter sees why, changes the draft and submits it again.
        sign_in(page, base, "dee.drafter")
        open_from_my_work(page, base, heading)
        assert RETURN_COMMENT in page.inner_text("#timeline")
        page.get_by_role("button", name="Edit the draft").click()
        page.get_by_label("Draft answer").fill(FINAL_DRAFT)
        page.get_by_role("button", name="Save draft").click()
        page.wait_for_url(re.compile(r"/process/$"))
        move(page, "Submit for clearance")
        sign_out(page)

        # Private office clears it: the last step.
        sign_in(page, base, "olly.office")
        open_from_my_work(page, base, heading)
        screenshot(page, "workflow-clearance")
        move(page, "Clear")
        sign_out(page)

        # The PQ team submits the cleared draft as the answer.
        sign_in(page, base, "pat.team")
        page.goto(base + f"/staff/questions/{question.pk}/process/")
        assert "Cleared" in page.inner_text("main")
        page.get_by_role("button", name="Submit as answer").click()
        assert FINAL_DRAFT in page.inner_text("main")
        # The type-ahead replaces the text box once its script has loaded;
        # typed into while it does, the text can be lost.
        page.locator(".autocomplete__wrapper").first.wait_for()
        page.get_by_label("Answered by").fill("Jo Minister")
        assert page.get_by_label("Answered by").input_value() == "Jo Minister"
        page.get_by_label("Minister's post").fill("Minister of State (Department for Education)")
        page.get_by_role("button", name="Submit as answer").click()
        page.wait_for_url(re.compile(r"/process/$"))
        page.goto(base + f"/staff/questions/{question.pk}/")
        timeline = page.inner_text("#timeline")
        for step in ("Awaiting acceptance", "Drafting", "In clearance", "Cleared", "Answered"):
            assert step in timeline
        screenshot(page, "workflow-staff-timeline")

        question.refresh_from_db()
        assert question.process.stage == Stage.ANSWERED
        assert question.answer.minister.member.name == "Jo Minister"

        # The public page shows the answer, and nothing of how it was made.
        page.goto(base + question.get_absolute_url())
        public = page.inner_text("main")
        assert FINAL_DRAFT in public and "Jo Minister" in public
        for private in (FIRST_DRAFT, BACKGROUND, RETURN_COMMENT, "Dee", "Clara", "Olly",
                        "Deputy director", "Private office"):  # fmt: skip
            assert private not in page.content(), private
        screenshot(page, "workflow-public-answer")


def test_workflow_pages_have_no_wcag_violations(live_server, setting):
    from answers.workflow import services as workflow

    question = setting
    team = User.objects.get(username="pat.team")
    drafter = User.objects.get(username="dee.drafter")
    workflow.process_move(question=question, move="commission", actor=team, owner=drafter)
    base = live_server.url
    pq = f"/staff/questions/{question.pk}/process/"
    pages = [
        "/staff/board/", "/staff/board/?stage=nonsense&due_from=31/02/2025", "/staff/my-work/",
        "/staff/board/commission/", "/staff/statistics/", pq, pq + "draft/", pq + "steps/",
        pq + "reassign/", pq + "transfer_out/", pq + "holding/",
    ]  # fmt: skip
    found = {}
    with chromium_page() as page:
        sign_in(page, base, "pat.team")
        for path in pages:
            page.goto(base + path)
            found[path] = accessibility_violations(page)
        page.goto(base + pq + "transfer_out/")
        page.get_by_role("button", name="Transfer out").click()
        page.wait_for_selector(".govuk-error-summary")
        found["transfer out, errors"] = accessibility_violations(page)
        screenshot(page, "workflow-error")
    assert {path: v for path, v in found.items() if v} == {}
