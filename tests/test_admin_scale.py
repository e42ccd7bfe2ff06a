"""The admin changelists at scale: full-text search, a capped count, cheap filters."""

import datetime

import pytest
from django.urls import reverse

from answers import views

pytestmark = pytest.mark.django_db

QUESTIONS = reverse("admin:answers_question_changelist")
ANSWERS = reverse("admin:answers_answer_changelist")


def listed(response):
    return sorted(str(obj) for obj in response.context["cl"].result_list)


def test_question_search_is_the_full_text_search(admin_client_, make_question):
    make_question(heading="Vaccination", text="To ask about vaccines.", uin="HL77")
    make_question(heading="Government", text="To ask about the government.")
    assert listed(admin_client_.get(QUESTIONS, {"q": "vaccine"})) == ["Vaccination"]
    assert listed(admin_client_.get(QUESTIONS, {"q": "men"})) == []
    assert listed(admin_client_.get(QUESTIONS, {"q": "HL77"})) == ["Vaccination"]
    assert listed(admin_client_.get(QUESTIONS, {"q": "government -vaccines"})) == ["Government"]


def test_answer_search_finds_answers_by_their_questions_words(admin_client_, make_question):
    day = datetime.date(2025, 3, 1)
    make_question(heading="Ferries", date_answered=day, answer_text="Timetables published.")
    make_question(heading="Roads", date_answered=day, answer_text="Potholes filled.")
    assert listed(admin_client_.get(ANSWERS, {"q": "timetable"})) == ["Answer to Ferries"]


def test_changelists_count_up_to_the_limit(admin_client_, make_question, monkeypatch):
    monkeypatch.setattr(views, "COUNT_LIMIT", 3)
    for n in range(5):
        make_question(heading=f"Q{n}", date_answered=datetime.date(2025, 3, 1))
    for url in (QUESTIONS, ANSWERS):
        cl = admin_client_.get(url).context["cl"]
        assert cl.result_count == 3
        assert cl.paginator.capped
        assert not cl.show_full_result_count


def test_year_filters_come_from_the_first_and_last_dates(admin_client_, make_question):
    make_question(heading="Old", date_tabled=datetime.date(2022, 5, 1))
    make_question(heading="New", date_tabled=datetime.date(2024, 5, 1))
    content = admin_client_.get(QUESTIONS).content.decode()
    assert "By year tabled" in content
    assert "date_tabled_year=2023" in content
    assert listed(admin_client_.get(QUESTIONS, {"date_tabled_year": "2022"})) == ["Old"]
