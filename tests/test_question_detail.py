"""The public question page."""

import datetime

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_detail_shows_question_answer_and_people(anonymous, make_question):
    question = make_question(
        heading="Dental Services",
        text="To ask the Secretary of State about dentists.",
        asked_by="Jane Smith",
        uin="12345",
        date_tabled=datetime.date(2025, 2, 12),
        date_answered=datetime.date(2025, 2, 25),
        answered_by="Karin Smyth",
        answer_text="We are recruiting dentists.",
    )
    response = anonymous.get(question.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    for expected in [
        "Dental Services",
        "To ask the Secretary of State about dentists.",
        "Jane Smith",
        "House of Commons",
        "UIN 12345",
        "12 February 2025",
        "25 February 2025",
        "Department for Education",
        "Karin Smyth",
        "Minister of State",
        "We are recruiting dentists.",
    ]:
        assert expected in content, expected


def test_unanswered_question_says_so(anonymous, make_question):
    question = make_question(heading="Pending")
    content = anonymous.get(question.get_absolute_url()).content.decode()
    assert "This question has not been answered yet." in content
    assert "Awaiting answer" in content or "Overdue" in content


def test_only_public_actions_are_listed(anonymous, make_question, make_action):
    question = make_question(date_answered=datetime.date(2025, 3, 1))
    make_action(question, title="Obtain the action plan", is_public=True, status="done")
    make_action(question, title="Internal chase of the ICB", is_public=False)
    content = anonymous.get(question.get_absolute_url()).content.decode()
    assert "Obtain the action plan" in content
    assert "Done" in content
    assert "Internal chase of the ICB" not in content


def test_missing_question_is_404(anonymous):
    response = anonymous.get(reverse("question_detail", args=[987654]))
    assert response.status_code == 404
    assert b"Page not found" in response.content


# Queries on the detail page, however many actions and grouped questions:
#   1. the question with department, asking member, answer and minister
#   2. its grouped questions (prefetch)
#   3. its public follow-up actions
#   4. similar questions to the same department, joined like a list row
@pytest.mark.parametrize("actions", [1, 60])
def test_detail_query_count_is_fixed(
    anonymous, make_question, make_action, django_assert_num_queries, actions
):
    question = make_question(
        asked_by="A Member", date_answered=datetime.date(2025, 3, 1), answered_by="Min"
    )
    others = [make_question() for _ in range(3)]
    question.grouped_questions.add(*others)
    for n in range(actions):
        make_action(
            question, title=f"Action {n}", is_public=n % 2 == 0, due_date=datetime.date(2025, 4, 1)
        )
    with django_assert_num_queries(4):
        response = anonymous.get(question.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["actions"]) == (actions + 1) // 2


def test_text_cut_short_by_the_source_says_so(anonymous, make_question):
    question = make_question(uin="5621", date_answered=datetime.date(2025, 3, 1))
    body = anonymous.get(question.get_absolute_url()).content.decode()
    assert "This is the start of the" not in body
    question.text_is_truncated = True
    question.save()
    question.answer.text_is_truncated = True
    question.answer.save()
    body = anonymous.get(question.get_absolute_url()).content.decode()
    assert "This is the start of the question" in body
    assert "This is the start of the answer" in body
    assert question.parliament_url in body


def test_similar_questions_to_the_same_department_are_listed(anonymous, make_question):
    question = make_question(
        heading="Dental Services: Carers",
        text="To ask the Secretary of State for Health, what steps he is taking to "
        "ensure unpaid carers are prioritised for NHS dental care.",
        department="Department of Health and Social Care",
    )
    asked_before = make_question(
        heading="Dental Services: Carers",
        text="To ask the Secretary of State for Health, whether unpaid carers will be "
        "given priority access to NHS dental care.",
        department="Department of Health and Social Care",
    )
    grouped = make_question(
        heading="Dentistry: Carers",
        text="To ask the Secretary of State for Health, how many unpaid carers "
        "received NHS dental care.",
        department="Department of Health and Social Care",
    )
    question.grouped_questions.add(grouped)
    elsewhere = make_question(
        heading="Dental Services: Carers",
        text="To ask the Secretary of State for Defence, about dental care for carers "
        "of service personnel.",
        department="Ministry of Defence",
    )
    unrelated = make_question(
        heading="Bus Services",
        text="To ask the Secretary of State for Health, about rural bus routes.",
        department="Department of Health and Social Care",
    )
    response = anonymous.get(question.get_absolute_url())
    related = response.context["related"]
    assert asked_before in related
    # Grouped questions are shown as grouped, not again as similar; another
    # department's question and an unrelated one are not listed.
    assert grouped not in related
    assert elsewhere not in related
    assert unrelated not in related
    assert "Similar questions" in response.content.decode()
