"""Nothing internal reaches a public page, feed, export or API response.

A marker string is stored in every private field, and every public URL is
fetched. The public URLs are read from the URLconf (everything not under
/staff/, /admin/ or /accounts/), so a page, feed or API added later is
checked without anyone remembering to add it here.

What is public about a follow-up action marked public: its title,
organisation, due date, status, completion date and, once done, its outcome.
Its detail and owner stay internal. Nothing about a non-public action, an
internal note, who logged a question or a record's history is public.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver

from answers import services

pytestmark = pytest.mark.django_db

MARKER = "zqxprivate7f3a"
# A word found only in private fields: searching for it must find nothing.
PRIVATE_WORD = "wombatcheese"
PRIVATE_PREFIXES = ("staff/", "admin/", "accounts/")
HEADING = "Privacy Probe Heading"


def public_routes():
    """(route, URLPattern) for every URL pattern outside the private prefixes."""

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
        if not route.startswith(PRIVATE_PREFIXES)
    ]


def fill(route, pattern, question):
    """A real URL for ``route``, its parameters pointing at the probe question."""
    url = "/" + route
    for name in pattern.pattern.converters:
        if name == "pk" and route.startswith("members/"):
            # The minister: their page shows the most (posts and answers).
            value = question.answer.minister.member.pk
        elif name in ("pk", "id", "question_id"):
            value = question.pk
        elif name == "slug" and question.department:
            value = question.department.slug
        else:
            pytest.fail(
                f"test_privacy does not know how to fill <{name}> in {route!r}: "
                "teach fill() so this public URL is checked too."
            )
        url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url)
    return url


def body(response):
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def probe(make_question):
    # An owner and a logger whose names are internal.
    insider = User.objects.create_user(
        f"{MARKER}.owner", password="a-long-password-1", first_name=MARKER, last_name=MARKER
    )
    question = make_question(
        heading=HEADING,
        text="To ask the Secretary of State for Health and Social Care, about public things.",
        asked_by="Public Member",
        date_answered=datetime.date(2025, 2, 20),
        answered_by="Public Minister",
        answer_text="A public answer.",
    )
    question.logged_by = insider
    services.question_update(question=question, expected_version=question.version)
    services.note_create(
        question=question, author=insider, text=f"Internal note {MARKER} {PRIVATE_WORD}"
    )
    # Every text field of a non-public action is private, done or not.
    for status in ("open", "done"):
        services.action_create(
            question=question,
            title=f"Internal title {MARKER} {PRIVATE_WORD}",
            detail=f"Internal detail {MARKER}",
            outcome=f"Internal outcome {MARKER}",
            organisation=f"Internal organisation {MARKER}",
            owner=insider,
            status=status,
            is_public=False,
        )
    # A public action: its detail and owner stay internal.
    public = services.action_create(
        question=question,
        title=f"Temporary title {MARKER}",
        detail=f"Public action's internal detail {MARKER} {PRIVATE_WORD}",
        organisation="OHID London",
        owner=insider,
        status="done",
        outcome="The plan was received.",
        is_public=True,
    )
    # Its history keeps the old title: history is internal too.
    services.action_update(
        action=public, expected_version=public.version, title="Obtain the action plan"
    )
    add_answering_process(question, insider)
    return question


# Internal deadlines of the probe: dates shown nowhere public.
INTERNAL_DATES = ["13 March 2025", "2025-03-13", "14 March 2025", "2025-03-14"]


def add_answering_process(question, insider):
    """Everything private about answering: owner, drafts, notes, comments, deadlines."""
    from django.utils import timezone

    from answers.models import AnswerProcess, Draft, ProcessEvent, QuestionStep

    process = AnswerProcess.objects.create(
        question=question,
        stage="answered",
        owner=insider,
        draft_due=datetime.date(2025, 3, 13),
        transfer_department=f"Transferred from {MARKER}",
    )
    QuestionStep.objects.create(
        process=process, name=f"Step {MARKER}", user=insider, deadline=datetime.date(2025, 3, 14)
    )
    draft = Draft.objects.create(
        process=process, number=1, author=insider,
        answer_text=f"Draft answer {MARKER} {PRIVATE_WORD}",
        background_note=f"Background note {MARKER} {PRIVATE_WORD}",
    )  # fmt: skip
    process.cleared_draft = draft
    process.save()
    for move, comment in [("reject", "Rejected because"), ("return", "Clearer's comment")]:
        ProcessEvent.objects.create(
            process=process, move=move, from_stage="drafting", to_stage="drafting",
            actor=insider, owner=insider, at=timezone.now(),
            comment=f"{comment} {MARKER} {PRIVATE_WORD}", step_name=f"Step {MARKER}",
        )  # fmt: skip


def test_every_public_url_is_covered():
    routes = {route for route, _ in public_routes()}
    # Every public page this suite knows of is found by the walk (pages added
    # later are walked too, and fill() fails loudly for a parameter it cannot fill).
    known = {
        "",
        "questions/",
        "questions/<int:pk>/",
        "departments/",
        "departments/<slug:slug>/",
        "members/<int:pk>/",
        "members/search.json",
        "questions.csv",
        "questions.json",
        "questions/feed/",
    }
    assert known - routes == set()
    assert not any(route.startswith(PRIVATE_PREFIXES) for route in routes)


@pytest.mark.parametrize("persona", ["anonymous", "staff"])
def test_no_private_field_on_any_public_url(client, staff_user, probe, persona):
    if persona == "staff":
        # Signed-in staff see the public pages as the public does.
        client.force_login(staff_user)
    checked = []
    for route, pattern in public_routes():
        url = fill(route, pattern, probe)
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        content = body(response)
        assert MARKER not in content.lower(), f"{url} shows a private field"
        assert PRIVATE_WORD not in content, url
        for internal_date in INTERNAL_DATES:
            assert internal_date not in content, f"{url} shows an internal deadline"
        checked.append(url)
    detail = body(client.get(probe.get_absolute_url()))
    # The public action is there, with what is public about it.
    assert "Obtain the action plan" in detail
    assert "OHID London" in detail
    assert "The plan was received." in detail
    # The probe's own page was among the URLs checked, with its id filled in.
    assert probe.get_absolute_url() in checked


def test_searching_for_private_words_finds_nothing(client, probe):
    # A page that ignores ?q= (the home page) shows the question either way;
    # a private word must do no better than a word stored nowhere.
    for route, pattern in public_routes():
        if pattern.pattern.converters:
            continue
        url = fill(route, pattern, probe)
        private = body(client.get(url, {"q": PRIVATE_WORD}, follow=True))
        nowhere = body(client.get(url, {"q": "xylophonequartz"}, follow=True))
        assert (HEADING in private) == (HEADING in nowhere), f"{url}?q= matched a private field"
    # The question is found by its public words, so the search does work.
    assert HEADING in body(client.get("/questions/", {"q": "public things"}))


def test_the_markers_are_really_there_for_staff(client, staff_user, probe):
    # The control: the same fields do show on the staff page, so the checks
    # above would see a leak.
    client.force_login(staff_user)
    content = body(client.get(f"/staff/questions/{probe.pk}/"))
    for text in (
        f"Internal note {MARKER}",
        f"Internal title {MARKER}",
        f"Internal detail {MARKER}",
        f"Internal outcome {MARKER}",
        f"Internal organisation {MARKER}",
        f"Public action's internal detail {MARKER}",
        f"Temporary title {MARKER}",
        f"Rejected because {MARKER}",
        f"Clearer's comment {MARKER}",
        f"Transferred from {MARKER}",
        "13 March 2025",
    ):
        assert text.replace("'", "&#x27;") in content, text
    process_page = body(client.get(f"/staff/questions/{probe.pk}/process/"))
    for text in (
        f"Draft answer {MARKER}",
        f"Background note {MARKER}",
        f"Step {MARKER}",
        "14 March 2025",
    ):
        assert text in process_page, text
