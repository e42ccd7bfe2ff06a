"""Who may open which page of the answering process: every URL × every persona.

The URLs come from answers.workflow.urls (the move page once per move), so a
new page is in the matrix the day it is added.
"""

from urllib.parse import quote

import pytest
from django.urls import reverse

from answers.models import Stage
from answers.staff import urls as staff_urls
from answers.workflow import urls as workflow_urls
from answers.workflow.stages import MOVES, OWNER, SYSTEM

pytestmark = pytest.mark.django_db

PERSON_MOVES = [name for name, move in MOVES.items() if move.actor != SYSTEM]


def cases():
    for pattern in workflow_urls.urlpatterns:
        if "<slug:name>" in str(pattern.pattern):
            yield from ((pattern.name, name) for name in PERSON_MOVES)
        else:
            yield pattern.name, None


CASES = list(cases())
TEAM_ONLY = {"board", "board_export", "bulk_commission", "stats", "steps"}


def url_for(case, question):
    name, move = case
    route = str(next(p for p in workflow_urls.urlpatterns if p.name == name).pattern)
    if move:
        return reverse(f"workflow:{name}", args=[question.pk, move])
    if "<int:pk>" in route:
        return reverse(f"workflow:{name}", args=[question.pk])
    return reverse(f"workflow:{name}")


@pytest.fixture
def question(in_stage):
    return in_stage(Stage.DRAFTING)


def ok(status, name):
    # The start page sends everyone on to their own first page.
    return status == (302 if name == "start" else 200)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_anonymous_is_sent_to_sign_in(client, question, case):
    url = url_for(case, question)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(url)}"
    # Writes are guarded too (the CSV export takes no POST at all).
    posted = client.post(url, {"comment": "x"})
    assert posted.status_code in (302, 405)
    if posted.status_code == 302:
        assert posted["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("case", [c for c in CASES if c[0] != "start"], ids=str)
def test_signed_in_without_a_group_gets_403(client, plain_user, question, case):
    client.force_login(plain_user)
    assert client.get(url_for(case, question)).status_code == 403


@pytest.mark.parametrize("persona", ["staff_user", "admins_member", "team"])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_pq_team_and_admins_open_every_page(client, question, case, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert ok(client.get(url_for(case, question)).status_code, case[0])


@pytest.mark.parametrize("case", CASES, ids=str)
def test_the_owner_opens_their_question_and_nothing_of_the_team(client, question, drafter,
                                                                 case):  # fmt: skip
    client.force_login(drafter)
    status = client.get(url_for(case, question)).status_code
    name, move = case
    if name in TEAM_ONLY or (move and MOVES[move].actor != OWNER):
        assert status == 403
    else:
        assert ok(status, name)


@pytest.mark.parametrize("case", [c for c in CASES if c[0] not in ("start", "my_work")], ids=str)
def test_a_drafter_not_involved_gets_403_everywhere(client, question, other_drafter, case):
    client.force_login(other_drafter)
    assert client.get(url_for(case, question)).status_code == 403


@pytest.mark.parametrize("case", [c for c in CASES if c[0] in ("process", "move")], ids=str)
def test_the_clearer_of_the_current_step_opens_clear_and_return(client, in_stage, deputy, case):
    question = in_stage(Stage.IN_CLEARANCE)
    client.force_login(deputy)
    status = client.get(url_for(case, question)).status_code
    name, move = case
    assert status == (200 if name == "process" or move in ("clear", "return") else 403)


@pytest.mark.parametrize("name", [p.name for p in staff_urls.urlpatterns])
def test_drafters_see_nothing_else_of_the_staff_area(client, drafter, make_question, name):
    question = make_question()
    pattern = next(p for p in staff_urls.urlpatterns if p.name == name)
    args = [question.pk] if "<int:pk>" in str(pattern.pattern) else []
    if str(pattern.pattern).startswith("actions/") and args:
        from answers import services

        args = [services.action_create(question=question, title="A").pk]
    client.force_login(drafter)
    assert client.get(reverse(f"staff:{name}", args=args)).status_code == 403


def test_the_matrix_covers_every_page():
    assert len(workflow_urls.urlpatterns) == 10
    assert len(CASES) == 9 + len(PERSON_MOVES)


def test_drafters_group_is_kept_complete(db):
    from django.contrib.auth.models import Group

    from answers.groups import DRAFTER_PERMISSIONS, DRAFTERS, sync_groups

    Group.objects.filter(name=DRAFTERS).delete()
    sync_groups()
    group = Group.objects.get(name=DRAFTERS)
    assert [f"answers.{p.codename}" for p in group.permissions.all()] == DRAFTER_PERMISSIONS
