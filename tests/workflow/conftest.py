"""People, routes and processes for the answering-process tests."""

import datetime

import pytest
from django.contrib.auth.models import Group, User

from answers.models import AnswerProcess, ClearanceRoute, RouteStep, Stage
from answers.services import department_get_or_create
from answers.workflow import services as workflow

PASSWORD = "a-long-password-1"


def person(username, group=None, **extra):
    user = User.objects.create_user(
        username, f"{username}@example.org", PASSWORD, first_name=username.split(".")[0].title(),
        last_name=username.split(".")[-1].title(), **extra,
    )  # fmt: skip
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def team(db):
    return person("pat.team", "Staff")


@pytest.fixture
def drafter(db):
    return person("dee.drafter", "Drafters")


@pytest.fixture
def other_drafter(db):
    return person("otto.other", "Drafters")


@pytest.fixture
def deputy(db):
    """A deputy director, named on the route's first step."""
    return person("dan.deputy", "Drafters")


@pytest.fixture
def private_office(db):
    """The group the second step names, and one of its members."""
    group, _ = Group.objects.get_or_create(name="Private office")
    user = person("pip.office", "Drafters")
    user.groups.add(group)
    return user


@pytest.fixture
def route(db, deputy, private_office):
    department = department_get_or_create(name="Department for Education")
    route = ClearanceRoute.objects.create(department=department, draft_working_days=2)
    RouteStep.objects.create(route=route, position=1, name="Deputy director", user=deputy)
    RouteStep.objects.create(
        route=route,
        position=2,
        name="Private office",
        group=Group.objects.get(name="Private office"),
    )
    return route


@pytest.fixture
def in_stage(make_question, route, team, drafter):
    """A question whose process is in ``stage``, as it would be after the usual moves."""

    def make(stage, **question):
        q = make_question(date_tabled=datetime.date(2025, 2, 12), **question)
        if stage == Stage.NEW:
            return q
        if stage == Stage.TRANSFERRED_IN:
            workflow.process_move(question=q, move="transfer_in", actor=team, department="HMT")
            return q
        workflow.process_move(question=q, move="commission", actor=team, owner=drafter)
        if stage == Stage.REJECTED:
            workflow.process_move(question=q, move="reject", actor=drafter, comment="Not mine")
            return q
        if stage == Stage.TRANSFERRED_OUT:
            workflow.process_move(question=q, move="transfer_out", actor=team, department="HMT")
            return q
        if stage == Stage.COMMISSIONED:
            return q
        workflow.process_move(question=q, move="accept", actor=drafter)
        process = AnswerProcess.objects.get(question=q)
        workflow.draft_save(process=process, author=drafter, answer_text="A draft answer.")
        if stage == Stage.DRAFTING:
            return q
        if stage == Stage.HOLDING:
            workflow.process_move(question=q, move="holding", actor=team)
            return q
        workflow.process_move(question=q, move="submit", actor=drafter)
        if stage == Stage.IN_CLEARANCE:
            return q
        workflow.process_move(question=q, move="clear", actor=team)
        workflow.process_move(question=q, move="clear", actor=team)
        if stage == Stage.CLEARED:
            return q
        workflow.submit_as_answer(question=q, actor=team, date_answered=datetime.date(2025, 2, 19))
        assert stage == Stage.ANSWERED
        return q

    return make


@pytest.fixture
def client(client, django_capture_on_commit_callbacks):
    """The test client, with each request's on-commit work (emails) run as it ends.

    Emails are sent once a move has committed; a test's transaction never
    commits, so the callbacks are run at the end of each request instead.
    """
    for method in ("get", "post"):
        original = getattr(client, method)

        def call(*args, _original=original, **kwargs):
            with django_capture_on_commit_callbacks(execute=True):
                return _original(*args, **kwargs)

        setattr(client, method, call)
    return client


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what a service leaves for after the commit (emails), as a block ends."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
