"""What the database keeps on the question agrees with the rows it is kept from.

The answer's state, date and minister's post (``answers.columns``), and the search index: the
``search_vector`` column on PostgreSQL, the FTS5 table on SQLite.
"""

import copy
import datetime
import json
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Q

from answers import search, services
from answers.columns import answer_date, answer_minister
from answers.importers.api_items import parse_document
from answers.importers.api_writer import import_questions
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
    stored = {
        pk: (date, post)
        for pk, date, post in Question.objects.annotate(
            d=answer_date(), m=answer_minister()
        ).values_list("pk", "d", "m")
    }
    assert stored == {
        q.pk: (
            (q.answer.date_answered, q.answer.minister_id) if hasattr(q, "answer") else (None, None)
        )
        for q in Question.objects.select_related("answer")
    }


def search_rows_disagreeing():
    """Questions whose search index entry differs from one computed from their rows now."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                """SELECT q.id FROM answers_question q
                LEFT JOIN answers_answer a ON a.question_id = q.id
                LEFT JOIN answers_member m ON m.id = q.asking_member_id
                WHERE q.search_vector IS DISTINCT FROM
                    answers_question_document(q.uin, q.heading, q.text, a.text, m.name)"""
            )
        else:
            cursor.execute(
                """SELECT q.id FROM answers_question q
                LEFT JOIN answers_question_fts f ON f.rowid = q.id
                LEFT JOIN answers_answer a ON a.question_id = q.id
                LEFT JOIN answers_member m ON m.id = q.asking_member_id
                WHERE f.rowid IS NULL OR f.uin IS NOT q.uin OR f.heading IS NOT q.heading
                    OR f.text IS NOT q.text
                    OR f.answer IS NOT coalesce(pq_plain_text(a.text), '')
                    OR f.asker IS NOT coalesce(pq_asker_name(m.name), '')"""
            )
        return [row[0] for row in cursor.fetchall()]


SAMPLE = Path(__file__).parent / "data" / "samples" / "commons-2024-09-list.json"


def test_imports_keep_state_and_search_in_step():
    items = json.loads(SAMPLE.read_text(encoding="utf-8"))[:300]
    holding, unanswered = items[100:130], items[130:160]
    for item in holding:
        item["value"].update(answerIsHolding=True, dateHoldingAnswer=item["value"]["dateAnswered"])
    for item in unanswered:
        item["value"].update(dateAnswered=None, answerText=None, answeringMemberId=None)
    import_questions(parse_document(items))
    assert Question.objects.count() == 300
    assert Question.objects.with_status("holding").count() == 30
    agree()
    assert search_rows_disagreeing() == []

    # Again, changed: holding answers made substantive, new answers, new
    # headings, and questions new to this import.
    then = copy.deepcopy(items)
    for item in then[:40]:
        item["value"]["heading"] += " revised"
    for item in then[100:135]:
        item["value"].update(
            answerIsHolding=False,
            dateAnswered="2024-12-02T00:00:00",
            answerText="<p>A substantive answer about lighthouses.</p>",
        )
    extra = copy.deepcopy(items[:20])
    for n, item in enumerate(extra):
        item["value"]["id"] += 10_000_000
        item["value"]["uin"] = f"9{n:05d}"
    import_questions(parse_document([*then, *extra]))
    assert Question.objects.count() == 320
    assert Question.objects.with_status("holding").count() == 0
    agree()
    assert search_rows_disagreeing() == []
    assert search.matching(Question.objects.all(), "lighthouses").count() == 35


def test_state_follows_every_answer_write(make_question):
    awaiting = make_question(heading="Awaiting")
    holding = make_question(heading="Holding", date_answered=DAY, is_holding=True)
    answered = make_question(heading="Answered", date_answered=DAY, answered_by="Karin Smyth")
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
    # Another minister's answer, then none named.
    other = services.minister_post(
        member=services.member_get_or_create(name="Ashley Dalton", house="Commons"),
        title="Parliamentary Under-Secretary of State",
    )
    Answer.objects.filter(question=answered).update(minister=other)
    agree()
    assert Question.objects.filter(answer__minister=other).count() == 1
    Answer.objects.filter(question=answered).update(minister=None)
    agree()


def test_a_question_saved_after_its_answer_keeps_its_state(make_question):
    question = make_question(heading="Answered", date_answered=DAY)
    question = Question.objects.get(pk=question.pk)
    services.question_update(question=question, expected_version=question.version, heading="New")
    assert list(Question.objects.answered().values_list("heading", flat=True)) == ["New"]
    agree()
