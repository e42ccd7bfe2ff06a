"""Clearance routes and internal deadlines, on the due date's working-day calendar."""

import datetime

import pytest
from django.contrib.auth.models import Group

from answers import services
from answers.models import AnswerProcess, ClearanceRoute, QuestionStep, Stage
from answers.workflow import services as workflow
from answers.workflow.stages import MoveError

pytestmark = pytest.mark.django_db

D = datetime.date


def commissioned(make_question, team, drafter, **question):
    q = make_question(**question)
    workflow.process_move(question=q, move="commission", actor=team, owner=drafter)
    return q, AnswerProcess.objects.get(question=q)


def deadlines(process):
    return [
        (s.name, s.deadline)
        for s in QuestionStep.objects.filter(process=process).order_by("position")
    ]


def test_the_route_is_copied_with_deadlines_before_the_due_date(
    make_question, route, team, drafter
):
    # Tabled Wednesday 12 February 2025: due Wednesday 19 February (5 working days).
    q, process = commissioned(make_question, team, drafter, date_tabled=D(2025, 2, 12))
    assert q.due_date == D(2025, 2, 19)
    assert process.draft_due == D(2025, 2, 17)  # 2 working days before
    assert deadlines(process) == [
        ("Deputy director", D(2025, 2, 18)),
        ("Private office", D(2025, 2, 19)),
    ]


def test_a_bank_holiday_and_a_named_day(make_question, route, team, drafter):
    # Named day Tuesday 22 April 2025; Good Friday (18) and Easter Monday (21)
    # are bank holidays, so the draft is due Wednesday 16 April.
    q, process = commissioned(
        make_question, team, drafter, date_tabled=D(2025, 4, 7), is_named_day=True,
        date_for_answer=D(2025, 4, 22),
    )  # fmt: skip
    assert q.due_date == D(2025, 4, 22)
    assert process.draft_due == D(2025, 4, 16)
    assert deadlines(process) == [
        ("Deputy director", D(2025, 4, 17)),
        ("Private office", D(2025, 4, 22)),
    ]


def test_deadlines_move_when_the_due_date_changes(make_question, route, team, drafter):
    q, process = commissioned(make_question, team, drafter, date_tabled=D(2025, 2, 12))
    services.question_update(
        question=q, expected_version=q.version, is_named_day=True, date_for_answer=D(2025, 2, 25)
    )
    process.refresh_from_db()
    assert process.draft_due == D(2025, 2, 21)
    assert deadlines(process)[-1] == ("Private office", D(2025, 2, 25))


def test_the_department_sets_its_own_lead_time(make_question, route, team, drafter):
    route.draft_working_days = 4
    route.save()
    q, process = commissioned(make_question, team, drafter, date_tabled=D(2025, 2, 12))
    assert process.draft_due == D(2025, 2, 13)
    assert deadlines(process) == [
        ("Deputy director", D(2025, 2, 17)),
        ("Private office", D(2025, 2, 19)),
    ]


def test_without_a_route_the_default_is_two_working_days(make_question, team, drafter):
    q, process = commissioned(make_question, team, drafter, department="Home Office")
    assert not ClearanceRoute.objects.filter(department=q.department).exists()
    assert process.draft_due == D(2025, 2, 17)
    assert deadlines(process) == []


def test_steps_added_and_removed_on_one_question(make_question, route, team, drafter, deputy):
    q, process = commissioned(make_question, team, drafter)
    press = Group.objects.create(name="Press office")
    workflow.step_add(process=process, name="Press office", group=press, position=2)
    assert [name for name, _ in deadlines(process)] == [
        "Deputy director",
        "Press office",
        "Private office",
    ]
    # Three steps share the two days before the due date.
    assert [d for _, d in deadlines(process)] == [D(2025, 2, 17), D(2025, 2, 18), D(2025, 2, 19)]
    # The department's route is unchanged.
    assert route.steps.count() == 2
    step = QuestionStep.objects.get(process=process, name="Deputy director")
    workflow.step_remove(process=process, step=step)
    assert deadlines(process) == [
        ("Press office", D(2025, 2, 18)),
        ("Private office", D(2025, 2, 19)),
    ]


def test_a_step_needs_a_name_and_one_clearer(make_question, route, team, drafter, deputy):
    q, process = commissioned(make_question, team, drafter)
    with pytest.raises(MoveError, match="Name the step"):
        workflow.step_add(process=process, name=" ", user=deputy)
    with pytest.raises(MoveError, match="either a person or a group"):
        workflow.step_add(process=process, name="Press", user=deputy, group=Group.objects.first())
    with pytest.raises(MoveError, match="either a person or a group"):
        workflow.step_add(process=process, name="Press")


def test_a_cleared_or_current_step_cannot_be_removed(in_stage, deputy):
    q = in_stage(Stage.IN_CLEARANCE)
    process = AnswerProcess.objects.get(question=q)
    current = process.current_step
    with pytest.raises(MoveError, match="clearing the draft now"):
        workflow.step_remove(process=process, step=current)
    workflow.process_move(question=q, move="clear", actor=deputy)
    with pytest.raises(MoveError, match="cleared already"):
        workflow.step_remove(process=process, step=QuestionStep.objects.get(pk=current.pk))
    assert QuestionStep.objects.filter(process=process).count() == 2
