"""generate_questions: a realistic corpus from the real sample month."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from answers import search
from answers.models import Answer, AnswerProcess, FollowUpAction, Member, Question, Stage
from answers.workflow.models import OPEN_STAGES

pytestmark = pytest.mark.django_db(transaction=True)


def test_builds_questions_answers_groups_and_actions_that_search_finds():
    out = io.StringIO()
    call_command("generate_questions", "--count", "1500", stdout=out)
    assert "Generated 1,500 questions" in out.getvalue()
    assert Question.objects.count() == 1500
    answers = Answer.objects.count()
    assert 1000 < answers < 1500
    assert Answer.objects.filter(is_holding=True).exists()
    assert Question.objects.filter(is_withdrawn=True).exists()
    assert Question.objects.filter(grouped_questions__isnull=False).exists()
    assert FollowUpAction.objects.exists()
    # Real departments and texts from the sample, dated from 2014 on.
    assert Question.objects.values("department").distinct().count() > 10
    years = Question.objects.dates("date_tabled", "year")
    assert years[0].year == 2014
    # UINs are unique within a House and tabling year.
    assert not (
        Question.objects.values("house", "uin", "date_tabled__year")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .exists()
    )
    # The search index holds them: a rare word planted once finds one question.
    assert search.matching(Question.objects.all(), "Auchtermuchty").count() == 1
    assert search.matching(Question.objects.all(), "health").count() > 10
    # Members have names, so that the name filters and searches have work.
    assert not Member.objects.filter(name="").exists()
    member = Question.objects.exclude(asking_member=None).first().asking_member
    assert search.matching(Question.objects.all(), member.name).exists()


def test_the_busiest_department_runs_its_recent_questions_through_the_process():
    call_command("generate_questions", "--count", "3000", stdout=io.StringIO())
    processes = AnswerProcess.objects.select_related("question").prefetch_related("events")
    assert processes.exists()
    assert processes.values("question__department").distinct().count() == 1
    stages = set(processes.values_list("stage", flat=True))
    assert Stage.ANSWERED in stages
    assert stages & set(OPEN_STAGES)  # the recent ones are still on their way
    for process in processes:
        answer = process.question.get_answer()
        if answer is None:
            assert process.stage != Stage.ANSWERED
        elif not answer.is_holding:
            assert process.stage == Stage.ANSWERED
        moves = list(process.events.all())
        if moves:
            # The recorded moves lead to where the process stands.
            assert moves[-1].to_stage == process.stage
            assert all(a.to_stage == b.from_stage for a, b in zip(moves, moves[1:], strict=False))
        if process.stage == Stage.IN_CLEARANCE:
            assert process.current_step is not None


def test_refuses_a_database_that_has_questions_unless_appending():
    call_command("generate_questions", "--count", "60", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already holds questions"):
        call_command("generate_questions", "--count", "60", stdout=io.StringIO())
    call_command("generate_questions", "--count", "60", "--append", stdout=io.StringIO())
    assert Question.objects.count() == 120
    assert Question.objects.values("parliament_id").distinct().count() == 120


def test_a_bad_source_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("generate_questions", "--count", "5", "--source", str(bad))
    assert Question.objects.count() == 0
