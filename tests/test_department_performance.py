"""How departments answer: on time, late and still owed, per department."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

URL = reverse("department_performance")


def rows(response):
    return {
        d.name: (d.total, d.answered, d.on_time, d.on_time_percent, d.owed, d.overdue)
        for d in response.context["departments"]
    }


def test_counts_on_time_late_and_owed_per_department(anonymous, make_question):
    # Tabled Monday 3 March 2025: due 5 working days later, Monday 10 March.
    tabled = datetime.date(2025, 3, 3)
    health = "Department of Health and Social Care"
    make_question(department=health, date_tabled=tabled, date_answered=datetime.date(2025, 3, 10))
    make_question(department=health, date_tabled=tabled, date_answered=datetime.date(2025, 3, 11))
    make_question(
        department=health,
        date_tabled=tabled,
        date_answered=datetime.date(2025, 3, 5),
        is_holding=True,
    )
    make_question(department=health, date_tabled=tabled)
    make_question(department=health, date_tabled=tabled, is_withdrawn=True)
    make_question(department="Home Office", date_tabled=timezone.localdate())
    data = rows(anonymous.get(URL))
    # 5 questions; 2 answered, 1 of them on time (50%); the holding answer and
    # the unanswered one are still owed and overdue; the withdrawn one is not.
    assert data[health] == (5, 2, 1, 50, 2, 2)
    # Tabled today: owed, not yet overdue; nothing answered, so no percentage.
    assert data["Home Office"] == (1, 0, 0, None, 1, 0)


def test_departments_without_questions_are_left_out(anonymous, make_question):
    from answers import services

    services.department_get_or_create(name="Wales Office")
    make_question(department="Home Office")
    assert list(rows(anonymous.get(URL))) == ["Home Office"]


def test_each_department_links_to_its_questions(anonymous, make_question):
    question = make_question(department="Home Office")
    body = anonymous.get(URL).content.decode()
    assert f"{reverse('question_list')}?department={question.department_id}" in body


# One query: every department with its counts, aggregated by the database.
@pytest.mark.parametrize("count", [1, 60])
def test_query_count_is_fixed(anonymous, make_question, django_assert_num_queries, count):
    for n in range(count):
        make_question(
            department=f"Department {n % 7}",
            date_answered=datetime.date(2025, 3, 1) if n % 2 else None,
        )
    with django_assert_num_queries(1):
        response = anonymous.get(URL)
    assert sum(d.total for d in response.context["departments"]) == count
