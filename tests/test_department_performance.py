"""How departments answer: figures from the summary kept on write, each a link."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from answers import services, summary
from answers.models import Department, DepartmentMonth, DepartmentTotal, Question

pytestmark = pytest.mark.django_db

URL = reverse("department_performance")
HEALTH = "Department of Health and Social Care"


def rows(response):
    return {
        row["department"].name: (
            row["questions"],
            row["answered"],
            row["on_time"],
            row["late"],
            row["on_time_percent"],
            row["owed"],
            row["overdue"],
            row["median_days"],
        )
        for row in response.context["departments"]
    }


@pytest.fixture
def health_questions(make_question):
    # Tabled Monday 3 March 2025: due 5 working days later, Monday 10 March.
    tabled = datetime.date(2025, 3, 3)
    make_question(department=HEALTH, date_tabled=tabled, date_answered=datetime.date(2025, 3, 10))
    make_question(department=HEALTH, date_tabled=tabled, date_answered=datetime.date(2025, 3, 11))
    make_question(
        department=HEALTH,
        date_tabled=tabled,
        date_answered=datetime.date(2025, 3, 5),
        is_holding=True,
    )
    make_question(department=HEALTH, date_tabled=tabled)
    make_question(department=HEALTH, date_tabled=tabled, is_withdrawn=True)
    make_question(department="Home Office", date_tabled=timezone.localdate())


def test_counts_on_time_late_and_owed_per_department(anonymous, health_questions):
    data = rows(anonymous.get(URL))
    # 5 questions; 2 answered, 1 on time and 1 late (50%); the holding answer
    # and the unanswered one are still owed and overdue; the withdrawn one is
    # neither. Answers took 5 and 6 working days: median 5.5.
    assert data[HEALTH] == (5, 2, 1, 1, 50, 2, 2, 5.5)
    # Tabled today: owed, not yet overdue; nothing answered, so no percentage.
    assert data["Home Office"] == (1, 0, 0, 0, None, 1, 0, None)


def test_every_figure_links_to_the_questions_it_counts(anonymous, health_questions):
    response = anonymous.get(URL)
    (row,) = [r for r in response.context["departments"] if r["department"].name == HEALTH]
    body = response.content.decode()
    for figure in ("questions", "on_time", "late", "owed", "overdue"):
        link = row["links"][figure]
        assert link.replace("&", "&amp;") in body
        listed = anonymous.get(link).context["page"].paginator.count
        assert listed == row[figure], figure
    # The department's name goes to its own page.
    department = Department.objects.get(name=HEALTH)
    assert f'href="{department.get_absolute_url()}"' in body


def test_departments_without_questions_are_left_out(anonymous, make_question):
    services.department_get_or_create(name="Wales Office")
    make_question(department="Home Office")
    assert list(rows(anonymous.get(URL))) == ["Home Office"]


def test_summary_follows_answers_moves_and_deletes(make_question):
    tabled = datetime.date(2025, 3, 3)
    question = make_question(department=HEALTH, date_tabled=tabled)
    cell = DepartmentMonth.objects.get()
    assert (cell.questions, cell.owed, cell.answered) == (1, 1, 0)

    services.answer_record(
        question=question,
        expected_version=None,
        date_answered=datetime.date(2025, 3, 4),
        text="<p>A</p>",
    )
    cell = DepartmentMonth.objects.get()
    assert (cell.questions, cell.owed, cell.answered, cell.on_time) == (1, 0, 1, 1)

    # Moved to another department and month: the old cell empties.
    question = Question.objects.get(pk=question.pk)
    services.question_update(
        question=question,
        expected_version=question.version,
        department=services.department_get_or_create(name="Home Office"),
        date_tabled=datetime.date(2025, 2, 3),
    )
    assert list(DepartmentMonth.objects.values_list("department__name", "month", "answered")) == [
        ("Home Office", datetime.date(2025, 2, 1), 1)
    ]

    total = DepartmentTotal.objects.get()
    assert (total.department.name, total.questions, total.answered) == ("Home Office", 1, 1)

    Question.objects.get(pk=question.pk).delete()
    assert not DepartmentMonth.objects.exists()
    assert not DepartmentTotal.objects.exists()


def test_rebuild_command_restores_lost_figures(health_questions):
    kept = sorted(DepartmentMonth.objects.values_list("department_id", "month", "questions"))
    DepartmentMonth.objects.all().delete()
    out = io.StringIO()
    call_command("rebuild_department_summary", stdout=out)
    assert "2 department-months" in out.getvalue()
    assert (
        sorted(DepartmentMonth.objects.values_list("department_id", "month", "questions")) == kept
    )


def test_rebuild_gives_what_the_writes_kept(health_questions):
    kept = sorted(
        DepartmentMonth.objects.values_list(
            "department_id",
            "month",
            "questions",
            "on_time",
            "late",
            "owed",
            "owed_due",
            "answer_days",
        )
    )
    assert summary.rebuild() == 2
    rebuilt = sorted(
        DepartmentMonth.objects.values_list(
            "department_id",
            "month",
            "questions",
            "on_time",
            "late",
            "owed",
            "owed_due",
            "answer_days",
        )
    )
    assert rebuilt == kept


# One query however many departments, months and questions: one summary row
# per department, with its name (never the questions themselves).
@pytest.mark.parametrize("count", [1, 60])
def test_query_count_is_fixed(anonymous, make_question, django_assert_num_queries, count):
    for n in range(count):
        make_question(
            department=f"Department {n % 7}",
            date_tabled=datetime.date(2025, 1 + n % 3, 3),
            date_answered=datetime.date(2025, 3, 28) if n % 2 else None,
        )
    with django_assert_num_queries(1):
        response = anonymous.get(URL)
    assert sum(row["questions"] for row in response.context["departments"]) == count


def _figures():
    fields = [
        "department_id", "questions", "answered", "on_time", "late", "owed", "withdrawn",
        "owed_due", "answer_days",
    ]  # fmt: skip
    return (
        sorted(DepartmentMonth.objects.values_list("month", *fields), key=repr),
        sorted(DepartmentTotal.objects.values_list(*fields), key=repr),
    )


def test_imports_keep_the_figures_a_rebuild_gives():
    """Created questions are added to their cells; changed ones recompute theirs."""
    import copy
    import json
    from pathlib import Path

    from answers.importers.api_items import parse_document
    from answers.importers.api_writer import import_questions

    sample = Path(__file__).parent / "data" / "samples" / "commons-2024-09-list.json"
    items = json.loads(sample.read_text(encoding="utf-8"))[:400]
    for item in items[100:140]:
        item["value"].update(answerIsHolding=True, dateHoldingAnswer=item["value"]["dateAnswered"])
    for item in items[140:180]:
        item["value"].update(dateAnswered=None, answerText=None, answeringMemberId=None)
    for item in items[180:190]:
        item["value"]["isWithdrawn"] = True
    import_questions(parse_document(items[:300]))
    assert _figures()[0]

    # New questions in months already counted and in new ones, beside
    # changes: answers given, a question moved to another month.
    then = copy.deepcopy(items)
    for item in then[100:120] + then[140:160]:
        item["value"].update(
            answerIsHolding=False, dateAnswered="2024-12-02T00:00:00", answerText="Answered."
        )
    then[0]["value"]["dateTabled"] = "2024-08-30T00:00:00"
    for n, item in enumerate(then[350:400]):
        item["value"]["dateTabled"] = "2023-05-02T00:00:00"
        item["value"]["dateForAnswer"] = "2023-05-09T00:00:00"
        item["value"]["uin"] = f"8{n:04d}"
    import_questions(parse_document(then))
    kept = _figures()
    summary.rebuild()
    assert _figures() == kept
