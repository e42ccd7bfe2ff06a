"""The admin changelists at scale: full-text search, a capped count, cheap filters."""

import datetime

import pytest
from django.db import connection  # noqa: F401 - the skipif condition reads it
from django.urls import reverse

from answers import views

from .planner import analyse, forget_figures

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


def in_order(response):
    return [str(obj) for obj in response.context["cl"].result_list]


def test_changelists_sort_only_by_columns_an_index_keeps_in_order(admin_client_, make_question):
    """Sorted by heading, house, department or asker (questions), or by minister
    or the holding and correction flags (answers), every row was sorted for each
    page: 0.2 to 0.7 s at a million. Those headers are not sort links, and a
    link that names one anyway leaves the usual order."""
    make_question(heading="Apples", date_tabled=datetime.date(2025, 1, 2), uin="3")
    make_question(heading="Cherries", date_tabled=datetime.date(2025, 1, 3), uin="1")
    make_question(heading="Bananas", date_tabled=datetime.date(2025, 1, 1), uin="2")
    newest = in_order(admin_client_.get(QUESTIONS))
    assert newest == ["Cherries", "Apples", "Bananas"]
    for column in ("1", "-1", "2", "6", "7"):  # heading, house, department, asker
        assert in_order(admin_client_.get(QUESTIONS, {"o": column})) == newest
    assert in_order(admin_client_.get(QUESTIONS, {"o": "3"})) == ["Cherries", "Bananas", "Apples"]
    assert in_order(admin_client_.get(QUESTIONS, {"o": "4"})) == ["Bananas", "Apples", "Cherries"]
    content = admin_client_.get(QUESTIONS).content.decode()
    assert "?o=4" in content and "?o=1" not in content
    answers = in_order(admin_client_.get(ANSWERS))
    for column in ("2", "4", "5"):  # minister, holding, correction
        assert in_order(admin_client_.get(ANSWERS, {"o": column})) == answers


def test_holding_answers_and_corrections_are_filtered_newest_first(admin_client_, make_question):
    day = datetime.date
    make_question(heading="Held", date_answered=day(2025, 3, 1), is_holding=True)
    make_question(heading="Held later", date_answered=day(2025, 3, 9), is_holding=True)
    make_question(heading="Answered", date_answered=day(2025, 3, 5))
    held = in_order(admin_client_.get(ANSWERS, {"is_holding__exact": "1"}))
    assert held == ["Answer to Held later", "Answer to Held"]


def test_a_changelist_search_lists_as_many_matches_as_the_public_list(
    admin_client_, make_question, monkeypatch
):
    from answers import search

    monkeypatch.setattr(search, "RANK_LIMIT", 2)
    monkeypatch.setattr(views, "COUNT_LIMIT", 3)
    for n in range(5):
        make_question(heading=f"Ferries {n}", date_answered=datetime.date(2025, 3, 1))
    for url in (QUESTIONS, ANSWERS):
        assert admin_client_.get(url, {"q": "ferries"}).context["cl"].result_count == 2
        assert admin_client_.get(url).context["cl"].result_count == 3


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="PostgreSQL reads a deep page's keys from its questions; SQLite walks",
)
def test_a_deep_page_of_an_answer_search_is_read_from_its_questions(
    admin_client_, make_question, monkeypatch
):
    """A deep page of a search's answers, newest first, comes from the matching
    questions newest answered (whose answer dates are their answers'): the
    same answers in the same order as the changelist's own. Matches are
    answered three to a day (one on the newest), so the limit of 41 falls
    within a day, and that day's answers are cut where the changelist cuts
    them, not where its questions' order would."""
    from answers import search
    from answers.admin import AnswerAdmin
    from answers.models import Answer
    from answers.search import postgres

    monkeypatch.setattr(search, "RANK_LIMIT", 41)
    monkeypatch.setattr(AnswerAdmin, "list_per_page", 10)
    # A few hundred questions stand for a million (tests/test_search.py).
    monkeypatch.setattr(postgres, "COMMON", float("inf"))
    monkeypatch.setattr(postgres, "WINDOW_WIDEST", 1.0)
    first = datetime.date(2024, 1, 1)
    for n in range(200):
        make_question(
            heading=f"Q{n}",
            text="To ask about ferries." if n % 3 == 1 else "To ask about buses.",
            # Tabled newest first, answered oldest first: within a day, the
            # questions' order and their answers' are opposite.
            date_tabled=first - datetime.timedelta(days=n),
            date_answered=first + datetime.timedelta(days=n // 9),
        )
    analyse()
    try:
        answers = Answer.objects.filter(question__text__contains="ferries")
        expected = [str(a) for a in answers.order_by("-date_answered", "-id")[:41]]
        for page in (1, 2, 3, 4, 5):
            response = admin_client_.get(ANSWERS, {"q": "ferries", "p": page})
            cl = response.context["cl"]
            assert [str(a) for a in cl.result_list] == expected[(page - 1) * 10 : page * 10]
            assert (cl.result_count, cl.paginator.capped) == (41, True)
            # Deep pages only: the first is found walking, as soon (and the
            # second, of this small table, as cheaply).
            if page != 2:
                assert (cl.paginator.newest_keys is not None) == (page > 1)
    finally:
        forget_figures()
