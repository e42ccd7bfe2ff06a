"""The pages of the answering process cost a fixed number of queries, for 1 row or many."""

import datetime

import pytest
from django.urls import reverse

from answers.models import AnswerProcess, Stage
from answers.workflow import services as workflow
from tests.snapshots import counted_then_kept, fetched, postgresql_only

pytestmark = pytest.mark.django_db


def get_twice(client, url, django_assert_num_queries, queries):
    client.get(url)  # warm anything cached per process
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    return response


@pytest.fixture
def fill(in_stage, make_question, deputy):
    """``n`` questions in each of drafting, in clearance (with the deputy) and new."""

    def fill(n):
        for _ in range(n):
            in_stage(Stage.DRAFTING)
            in_stage(Stage.IN_CLEARANCE)
            make_question(date_tabled=datetime.date(2020, 1, 6))

    return fill


# Board, 11 queries however many rows (12 when filtered: the list's own count):
#   1-4. session, user, user permissions, group permissions
#   5. counts by open stage and past the Parliament deadline (questions still owed),
#      which are also the count of the list as it first opens
#   6. transferred out and past the internal deadline (processes)
#   7. in clearance, by step
#   8. the page of rows, with department, process, owner, step, minister
#   9-11. the owner, minister and department choices of the filter form
@pytest.mark.parametrize("rows", [1, 12])
def test_board(client, team, fill, django_assert_num_queries, rows):
    fill(rows)
    client.force_login(team)
    response = get_twice(client, reverse("workflow:board"), django_assert_num_queries, 11)
    assert response.context["page"].paginator.count == 3 * rows
    assert response.context["by_step"] == [{"current_step__name": "Deputy director", "n": rows}]


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_board_counts_are_kept_until_anything_is_written(client, team, in_stage):
    """The tiles again cost nothing but the snapshot; a move counts them afresh."""

    def tiles():
        return fetched(
            client,
            reverse("workflow:board"),
            lambda response: {label: n for label, n, _ in response.context["tiles"]},
        )

    in_stage(Stage.DRAFTING)
    client.force_login(team)
    (first, counted), (second, kept) = counted_then_kept(tiles)
    # The three counting queries (owed questions, processes, clearance by
    # step) are not made again; the snapshot is read both times.
    assert counted - kept == 3
    assert first == second and first["Drafting"] == 1
    in_stage(Stage.DRAFTING)
    assert tiles()[0]["Drafting"] == 2


@pytest.mark.parametrize("rows", [1, 12])
def test_board_filtered(client, team, fill, django_assert_num_queries, rows):
    fill(rows)
    client.force_login(team)
    url = reverse("workflow:board") + "?stage=drafting"
    response = get_twice(client, url, django_assert_num_queries, 12)
    assert response.context["page"].paginator.count == rows


# Board CSV, 5 queries: session, user, two permission queries, the rows.
@pytest.mark.parametrize("rows", [1, 12])
def test_board_export(client, team, fill, django_assert_num_queries, rows):
    fill(rows)
    client.force_login(team)
    response = get_twice(client, reverse("workflow:board_export"), django_assert_num_queries, 5)
    assert b"".join(response.streaming_content).decode().count("\n") == 3 * rows + 1


# My work, 6 queries however many items:
#   1-4. session, user, user permissions, group permissions
#   5. the person's groups (for steps a group may clear)
#   6. the processes waiting on them, with question, department, owner, step
@pytest.mark.parametrize("rows", [1, 12])
def test_my_work(client, deputy, fill, django_assert_num_queries, rows):
    fill(rows)
    client.force_login(deputy)
    response = get_twice(client, reverse("workflow:my_work"), django_assert_num_queries, 6)
    assert len(response.context["items"]) == rows


# Process page, 8 queries however many drafts, steps and moves:
#   1-4. session, user, user permissions, group permissions
#   5. the question with its process, owner, current step, minister
#   6. its clearance steps with clearers
#   7. its drafts with authors
#   8. its moves with who made them
# (A step cleared by a group costs one more, for the signed-in person's groups.)
@pytest.mark.parametrize("rounds", [1, 6])
def test_process_page(client, in_stage, team, drafter, deputy, django_assert_num_queries, rounds):
    q = in_stage(Stage.IN_CLEARANCE)
    for n in range(rounds):
        workflow.process_move(question=q, move="return", actor=deputy, comment=f"Round {n}")
        process = AnswerProcess.objects.get(question=q)
        workflow.draft_save(process=process, author=drafter, answer_text=f"Draft {n}",
                            based_on=process.drafts.count())  # fmt: skip
        workflow.process_move(question=q, move="submit", actor=drafter)
    client.force_login(deputy)
    url = reverse("workflow:process", args=[q.pk])
    response = get_twice(client, url, django_assert_num_queries, 8)
    assert len(response.context["drafts"]) == rounds + 1


# Staff question page with a process: 14 (tests/test_staff_queries.py counts
# 13 without one), the 14th being the process's moves.
@pytest.mark.parametrize("rounds", [1, 6])
def test_staff_question_page_with_a_process(client, in_stage, team, drafter, deputy,
                                            django_assert_num_queries, rounds):  # fmt: skip
    q = in_stage(Stage.IN_CLEARANCE)
    for n in range(rounds):
        workflow.process_move(question=q, move="return", actor=deputy, comment=f"Round {n}")
        workflow.process_move(question=q, move="submit", actor=drafter)
    client.force_login(team)
    url = reverse("staff:question_detail", args=[q.pk])
    response = get_twice(client, url, django_assert_num_queries, 14)
    assert response.content.decode().count("Round ") == rounds


# Statistics, 11 queries whatever the period holds, each grouped by the database:
#   1-4. session, user, user permissions, group permissions
#   5. the spells in each stage that ended in the period, by days, team and owner
#   6-8. drafts submitted and returned: overall, by team, by owner
#   9. the answers given in the period, counted by team and owner
#   10-11. the teams' and the owners' names
@pytest.mark.parametrize("rows", [1, 6])
def test_statistics(client, in_stage, team, django_assert_num_queries, rows):
    for _ in range(rows):
        in_stage(Stage.ANSWERED)
    client.force_login(team)
    url = reverse("workflow:stats") + "?start=01/01/2025&end=31/12/2030"
    response = get_twice(client, url, django_assert_num_queries, 11)
    assert response.context["stats"]["overall"].answered == rows


# Move page (commission of a new question), 7 queries however many people:
#   1-4. session, user, user permissions, group permissions
#   5. the question with its process (none yet), owner, current step, minister
#   6-7. the owner and minister choices
@pytest.mark.parametrize("rows", [1, 8])
def test_move_page(client, make_question, team, django_assert_num_queries, rows):
    from tests.workflow.conftest import person

    for n in range(rows):
        person(f"extra{n}.drafter", "Drafters")
    q = make_question()
    client.force_login(team)
    url = reverse("workflow:move", args=[q.pk, "commission"])
    response = get_twice(client, url, django_assert_num_queries, 7)
    assert len(response.context["form"].fields["owner"].queryset) == rows + 1


# Draft editor, 7 queries however many versions:
#   1-4. session, user, user permissions, group permissions
#   5. the question with its process, owner, current step, minister
#   6. its clearance steps
#   7. the latest version with its author
@pytest.mark.parametrize("rounds", [1, 6])
def test_draft_page(client, in_stage, drafter, django_assert_num_queries, rounds):
    q = in_stage(Stage.DRAFTING)
    process = AnswerProcess.objects.get(question=q)
    for n in range(rounds):
        workflow.draft_save(process=process, author=drafter, answer_text=f"Version {n}",
                            based_on=n + 1)  # fmt: skip
    client.force_login(drafter)
    response = get_twice(
        client, reverse("workflow:draft", args=[q.pk]), django_assert_num_queries, 7
    )
    assert response.context["latest"].number == rounds + 1
