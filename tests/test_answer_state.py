"""The answer's state and date stored on the question agree with the answers table."""

import datetime

import pytest
from django.db.models import Q

from answers import services
from answers.columns import answer_date
from answers.models import Answer, Question, owed_answer_q

pytestmark = pytest.mark.django_db

DAY = datetime.date(2025, 3, 1)


def by_relation(status):
    live = Q(is_withdrawn=False)
    return {
        "awaiting": live & Q(answer__isnull=True),
        "holding": live & Q(answer__is_holding=True),
        "answered": live & Q(answer__isnull=False, answer__is_holding=False),
    }[status]


def agree():
    for status in ("awaiting", "holding", "answered"):
        stored = set(Question.objects.with_status(status).values_list("pk", flat=True))
        joined = set(Question.objects.filter(by_relation(status)).values_list("pk", flat=True))
        assert stored == joined, status
    assert set(Question.objects.unanswered().values_list("pk", flat=True)) == set(
        Question.objects.filter(owed_answer_q()).values_list("pk", flat=True)
    )
    dates = dict(Question.objects.annotate(d=answer_date()).values_list("pk", "d"))
    assert dates == {
        q.pk: (q.answer.date_answered if hasattr(q, "answer") else None)
        for q in Question.objects.select_related("answer")
    }


def test_state_follows_every_answer_write(make_question):
    awaiting = make_question(heading="Awaiting")
    holding = make_question(heading="Holding", date_answered=DAY, is_holding=True)
    make_question(heading="Answered", date_answered=DAY)
    make_question(heading="Withdrawn", is_withdrawn=True, date_answered=DAY)
    agree()
    services.answer_record(
        question=awaiting, expected_version=None, date_answered=DAY, text="<p>A.</p>"
    )
    agree()
    answer = Answer.objects.get(question=holding)
    services.answer_update(
        answer=answer, expected_version=answer.version, is_holding=False,
        date_answered=DAY + datetime.timedelta(days=3),
    )  # fmt: skip
    agree()
    Answer.objects.filter(question=holding).delete()
    agree()
    assert [q.heading for q in Question.objects.awaiting()] == ["Holding"]


def test_a_question_saved_after_its_answer_keeps_its_state(make_question):
    question = make_question(heading="Answered", date_answered=DAY)
    question = Question.objects.get(pk=question.pk)
    services.question_update(question=question, expected_version=question.version, heading="New")
    assert list(Question.objects.answered().values_list("heading", flat=True)) == ["New"]
    agree()
