"""The public list: one FilterSet, 25 a page, errors shown, never a 500."""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.db.models.functions import Length
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answers.models import Department, Member

from .planner import analyse, forget_figures, plan, planner_without

pytestmark = pytest.mark.django_db

LIST = reverse("question_list")
KEYS = 'SELECT "answers_question"."id" AS "pk" FROM "answers_question"'


def headings(response):
    return [q.heading for q in response.context["page"].object_list]


def test_anonymous_sees_questions_with_links_to_details(anonymous, make_question):
    question = make_question(heading="Infant Mortality")
    response = anonymous.get(LIST)
    assert response.status_code == 200
    assert headings(response) == ["Infant Mortality"]
    assert f'href="{question.get_absolute_url()}"'.encode() in response.content


def test_search_matches_heading_question_and_answer_words(anonymous, make_question):
    make_question(heading="Infant Mortality")
    make_question(heading="Roads", text="To ask about potholes in Kent.")
    make_question(
        heading="Schools", date_answered=datetime.date(2025, 3, 1), answer_text="Breakfast clubs."
    )
    assert headings(anonymous.get(LIST, {"q": "infant"})) == ["Infant Mortality"]
    assert headings(anonymous.get(LIST, {"q": "POTHOLES kent"})) == ["Roads"]
    assert headings(anonymous.get(LIST, {"q": "breakfast"})) == ["Schools"]
    assert headings(anonymous.get(LIST, {"q": "infant potholes"})) == []


def test_house_filter(anonymous, make_question):
    make_question(heading="Commons one", house="Commons")
    make_question(heading="Lords one", house="Lords")
    assert headings(anonymous.get(LIST, {"house": "Lords"})) == ["Lords one"]
    assert headings(anonymous.get(LIST, {"house": "Commons"})) == ["Commons one"]


def test_department_filter(anonymous, make_question):
    make_question(heading="Health", department="Department of Health and Social Care")
    make_question(heading="Education", department="Department for Education")
    health = Department.objects.get(name="Department of Health and Social Care")
    assert headings(anonymous.get(LIST, {"department": health.pk})) == ["Health"]


def test_status_filter(anonymous, make_question):
    make_question(heading="Waiting")
    make_question(heading="Done", date_answered=datetime.date(2025, 3, 1))
    make_question(heading="Held", date_answered=datetime.date(2025, 3, 1), is_holding=True)
    make_question(heading="Gone", is_withdrawn=True)
    assert headings(anonymous.get(LIST, {"status": "awaiting"})) == ["Waiting"]
    assert headings(anonymous.get(LIST, {"status": "answered"})) == ["Done"]
    assert headings(anonymous.get(LIST, {"status": "holding"})) == ["Held"]
    assert headings(anonymous.get(LIST, {"status": "withdrawn"})) == ["Gone"]


def test_tabled_and_answered_date_ranges(anonymous, make_question):
    make_question(heading="January", date_tabled=datetime.date(2025, 1, 10))
    make_question(
        heading="February",
        date_tabled=datetime.date(2025, 2, 10),
        date_answered=datetime.date(2025, 2, 20),
    )
    make_question(
        heading="March",
        date_tabled=datetime.date(2025, 3, 10),
        date_answered=datetime.date(2025, 4, 2),
    )
    window = {"tabled_from": "2025-02-01", "tabled_to": "2025-03-31"}
    assert headings(anonymous.get(LIST, window)) == ["March", "February"]
    assert headings(anonymous.get(LIST, {"tabled_to": "2025-01-31"})) == ["January"]
    answered = {"answered_from": "2025-04-01", "answered_to": "2025-04-30"}
    assert headings(anonymous.get(LIST, answered)) == ["March"]


@pytest.fixture
def analysed():
    """``planner.analyse``, and the planner's figures read afresh again after."""
    yield analyse
    forget_figures()


def _list_row_queries(queries, first="date_tabled"):
    """The SQL of the queries that read a list's rows, newest ``first`` first."""
    order = f'ORDER BY "answers_question"."{first}" DESC'
    return [query["sql"] for query in queries if order in query["sql"]]


def test_answers_given_by_a_day_are_read_from_that_tabling_date_down(anonymous, make_question):
    """No question is answered before it was tabled, so the list, newest tabled
    first, looks for answers given by a day among the questions tabled by then:
    it read every question tabled since, 450 ms for 2016 at a million."""
    day = datetime.date
    make_question(heading="Spring", date_tabled=day(2016, 3, 1), date_answered=day(2016, 3, 20))
    make_question(heading="Winter", date_tabled=day(2016, 1, 5), date_answered=day(2016, 2, 1))
    make_question(heading="Next year", date_tabled=day(2016, 12, 1), date_answered=day(2017, 1, 9))
    make_question(heading="Recent", date_tabled=day(2025, 3, 1), date_answered=day(2025, 3, 5))
    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get(LIST, {"answered_to": "2016-12-31"})
    assert headings(response) == ["Spring", "Winter"]
    rows = _list_row_queries(queries)
    assert rows and all('"answers_question"."date_tabled" <=' in sql for sql in rows)
    # Newest answered first, the answer date's own index serves.
    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get(LIST, {"answered_to": "2016-12-31", "sort": "newest_answered"})
    assert headings(response) == ["Spring", "Winter"]
    assert not any('"answers_question"."date_tabled" <=' in query["sql"] for query in queries)


def test_answers_given_between_days_are_counted_without_the_tabling_bound(anonymous, make_question):
    """Answered since a day too, the answers wanted are all among the newest
    questions tabled by the last day: counting along the tabling date's index
    from the oldest question (at a million, 240,000 passed in 110 ms) is not
    offered. The rows are still read newest tabled first from that day."""
    day = datetime.date
    make_question(heading="Spring", date_tabled=day(2017, 3, 1), date_answered=day(2017, 3, 20))
    make_question(heading="Winter", date_tabled=day(2016, 12, 5), date_answered=day(2017, 1, 9))
    make_question(heading="Too early", date_tabled=day(2016, 1, 5), date_answered=day(2016, 2, 1))
    make_question(heading="Too late", date_tabled=day(2017, 12, 1), date_answered=day(2018, 1, 9))
    wanted = {"answered_from": "2017-01-01", "answered_to": "2017-12-31"}
    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get(LIST, wanted)
    assert headings(response) == ["Spring", "Winter"]
    assert response.context["page"].paginator.count == 2
    counts = [q["sql"] for q in queries if "LIMIT 2001" in q["sql"] and "ORDER BY" not in q["sql"]]
    assert len(counts) == 1 and '"date_tabled" <=' not in counts[0]
    rows = _list_row_queries(queries)
    assert rows and all('"answers_question"."date_tabled" <=' in sql for sql in rows)


def test_answers_given_by_a_day_include_questions_with_no_tabling_date(anonymous, make_question):
    """A question whose tabling date is not known sorts last, and is still listed
    among the answers given by a day: no bound on the tabling date is said."""
    day = datetime.date
    make_question(heading="Dated", date_tabled=day(2016, 3, 1), date_answered=day(2016, 3, 20))
    make_question(heading="Undated", date_tabled=None, date_answered=day(2016, 5, 1))
    make_question(heading="Undated, later", date_tabled=None, date_answered=day(2017, 5, 1))
    make_question(heading="Recent", date_tabled=day(2025, 3, 1), date_answered=day(2025, 3, 5))
    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get(LIST, {"answered_to": "2016-12-31"})
    assert headings(response) == ["Dated", "Undated"]
    assert not any(
        '"answers_question"."date_tabled" <=' in sql for sql in _list_row_queries(queries)
    )
    # Every match of a search, in the CSV, the same way.
    body = (
        anonymous.get(reverse("questions_csv"), {"q": "Secretary", "answered_to": "2016-12-31"})
        .getvalue()
        .decode()
    )
    assert "Dated" in body and "Undated" in body and "Recent" not in body
    assert "Undated, later" not in body


def test_asking_member_and_answering_minister_filters(anonymous, make_question):
    asked = make_question(heading="Asked by Smith", asked_by="Jane Smith")
    make_question(heading="Asked by Jones", asked_by="Tom Jones")
    make_question(
        heading="Answered by Smyth",
        date_answered=datetime.date(2025, 3, 1),
        answered_by="Karin Smyth",
    )
    # By id, as member pages link; the box then shows the name.
    response = anonymous.get(LIST, {"member": asked.asking_member_id})
    assert headings(response) == ["Asked by Smith"]
    assert b'value="Jane Smith"' in response.content
    # By name, as typed without JavaScript: any part of it, any case.
    assert headings(anonymous.get(LIST, {"member": "jane smith"})) == ["Asked by Smith"]
    assert headings(anonymous.get(LIST, {"member": "SMITH"})) == ["Asked by Smith"]
    assert headings(anonymous.get(LIST, {"minister": "Karin"})) == ["Answered by Smyth"]
    assert headings(anonymous.get(LIST, {"minister": "Jane Smith"})) == []
    minister = Member.objects.get(name="Karin Smyth")
    assert headings(anonymous.get(LIST, {"minister": minister.pk})) == ["Answered by Smyth"]
    # Both are type-ahead boxes over the member search, not drop-downs.
    assert b'data-autocomplete-url="/members/search.json?role=asker"' in response.content
    assert b'data-autocomplete-url="/members/search.json?role=minister"' in response.content
    assert b'<select name="member"' not in response.content
    assert b'<select name="minister"' not in response.content


def test_sort_newest_answered_puts_unanswered_last(anonymous, make_question):
    make_question(heading="Unanswered", date_tabled=datetime.date(2025, 3, 1))
    make_question(
        heading="Answered early",
        date_tabled=datetime.date(2025, 1, 1),
        date_answered=datetime.date(2025, 1, 20),
    )
    make_question(
        heading="Answered late",
        date_tabled=datetime.date(2025, 1, 2),
        date_answered=datetime.date(2025, 2, 20),
    )
    assert headings(anonymous.get(LIST, {"sort": "newest_answered"})) == [
        "Answered late",
        "Answered early",
        "Unanswered",
    ]
    assert headings(anonymous.get(LIST, {"sort": "newest_tabled"})) == [
        "Unanswered",
        "Answered late",
        "Answered early",
    ]


@pytest.mark.parametrize(
    "status, expected, index",
    [
        ("awaiting", ["Waiting", "Waiting longer"], "question_awaiting_answered"),
        ("withdrawn", ["Gone", "Gone before"], "question_withdrawn_answered"),
    ],
)
def test_questions_with_no_answer_newest_answered_read_an_index_of_their_own(
    anonymous, make_question, status, expected, index
):
    """Questions awaiting an answer, and those withdrawn, have no answer date,
    and newest answered puts those last: read through the index of every
    question in that order, the list passed every answered question first
    (800 ms at a million). Each has an index of its own in that order
    (migration 0021), and within it they come newest tabled first."""
    day = datetime.date
    for n in range(20):
        make_question(
            heading=f"Answered {n}",
            date_tabled=day(2025, 1, 1) + datetime.timedelta(days=n),
            date_answered=day(2025, 3, 1) + datetime.timedelta(days=n),
        )
    make_question(heading="Waiting longer", date_tabled=day(2025, 2, 1))
    make_question(heading="Waiting", date_tabled=day(2025, 3, 1))
    make_question(heading="Gone before", date_tabled=day(2025, 2, 2), is_withdrawn=True)
    make_question(heading="Gone", date_tabled=day(2025, 3, 2), is_withdrawn=True)
    wanted = {"status": status, "sort": "newest_answered"}
    assert headings(anonymous.get(LIST, wanted)) == expected
    if connection.vendor != "postgresql":
        return
    # As at scale: sorting every answered question costs more than reading an
    # index in order.
    with (
        planner_without("seqscan", "bitmapscan", "sort"),
        CaptureQueriesContext(connection) as queries,
    ):
        assert headings(anonymous.get(LIST, wanted)) == expected
        rows = _list_row_queries(queries, first="answer_date")
        assert rows and all(index in plan(sql) for sql in rows)


@pytest.mark.parametrize(
    "who, index",
    [
        ("department", "question_department_answered"),
        ("member", "question_asker_answered"),
        ("minister", "question_minister_answered"),
    ],
)
@pytest.mark.parametrize(
    "extra, expected",
    [
        ({}, ["Late in June", "On time in May", "Holding in April"]),
        ({"status": "answered"}, ["Late in June", "On time in May"]),
        ({"timeliness": "on_time"}, ["On time in May"]),
        ({"timeliness": "late"}, ["Late in June"]),
    ],
)
def test_answers_between_two_days_by_department_asker_or_minister_read_their_own_index(
    anonymous, make_question, analysed, who, index, extra, expected
):
    """A department's questions answered between two days, or a member's, or a
    minister's, were read from the index of every answer by date, each row
    fetched to test who asked or answered it (at a million questions, a
    department's on time in 2021 and 2022: 150,000 read to keep 3,100, 220
    ms). Each has an index of its own (migration 0025), newest
    answered first, holding what the status and timeliness filters test:
    the list is counted and read from their span of it."""
    day = datetime.date
    theirs = {
        "department": "Department of Health and Social Care",
        "asked_by": "Andrea Jenkyns",
        "answered_by": "Karin Smyth",
    }
    make_question(  # tabled on a Monday, due ten working days later
        heading="On time in May",
        date_tabled=day(2025, 5, 5),
        date_answered=day(2025, 5, 12),
        **theirs,
    )
    make_question(
        heading="Late in June",
        date_tabled=day(2025, 4, 7),
        date_answered=day(2025, 6, 2),
        **theirs,
    )
    make_question(
        heading="Holding in April",
        date_tabled=day(2025, 4, 1),
        date_answered=day(2025, 4, 3),
        is_holding=True,
        **theirs,
    )
    make_question(heading="Before", date_answered=day(2025, 3, 3), **theirs)
    make_question(heading="After", date_answered=day(2025, 7, 1), **theirs)
    make_question(heading="Awaiting", date_tabled=day(2025, 5, 1), **theirs)
    make_question(heading="Gone", date_tabled=day(2025, 5, 2), is_withdrawn=True, **theirs)
    make_question(
        heading="Others'",
        asked_by="Peter Bottomley",
        answered_by="Stephen Kinnock",
        date_tabled=day(2025, 5, 5),
        date_answered=day(2025, 5, 6),
    )
    chosen = {
        "department": Department.objects.get(name=theirs["department"]).pk,
        "member": "Jenkyns",
        "minister": "Smyth",
    }
    wanted = {
        who: chosen[who],
        "answered_from": "2025-04-01",
        "answered_to": "2025-06-30",
        "sort": "newest_answered",
        **extra,
    }
    assert headings(anonymous.get(LIST, wanted)) == expected
    by_tabling = anonymous.get(LIST, {**wanted, "sort": "newest_tabled"})
    assert headings(by_tabling) == sorted(
        expected, key=["On time in May", "Late in June", "Holding in April"].index
    )
    assert by_tabling.context["page"].paginator.count == len(expected)
    if connection.vendor != "postgresql":
        return
    # As at scale: the span's answers are mostly others', and theirs mostly
    # outside it, so that reading either to test each row costs more than
    # reading their answers in the span alone.
    for n in range(30):
        make_question(
            heading=f"Others' {n}",
            department="Ministry of Justice",
            asked_by="Peter Bottomley",
            answered_by="Stephen Kinnock",
            date_tabled=day(2025, 4, 1) + datetime.timedelta(days=n),
            date_answered=day(2025, 4, 3) + datetime.timedelta(days=n),
        )
        make_question(
            heading=f"Theirs a year before {n}",
            date_tabled=day(2024, 4, 1) + datetime.timedelta(days=n),
            date_answered=day(2024, 4, 3) + datetime.timedelta(days=n),
            **theirs,
        )
    analysed()
    with planner_without("seqscan", "bitmapscan"):
        with CaptureQueriesContext(connection) as queries:
            response = anonymous.get(LIST, wanted)
        assert headings(response) == expected
        # The list's keys (its count's, or its first in order).
        keys = [query["sql"] for query in queries if query["sql"].startswith(KEYS)]
        assert keys and all(index in plan(sql) for sql in keys)


def test_a_deep_page_of_a_departments_answers_reads_its_first_keys_in_order(
    anonymous, make_question
):
    """Past the first page, a list that its index holds whole (a department's
    answers since a day, newest answered) reads its first keys in order from
    the index, once: they are the count and the page's rows. Counted, then
    chosen by key, the page sorted every row the count found (at a million
    questions, 1,846 rows for page 20: 11 ms)."""
    day = datetime.date
    health = "Department of Health and Social Care"
    start = day(2025, 1, 6)
    for n in range(30):
        make_question(
            heading=f"Answer {n:02}",
            department=health,
            date_tabled=start + datetime.timedelta(days=n),
            date_answered=start + datetime.timedelta(days=n + 2),
        )
    make_question(
        heading="Earlier",
        department=health,
        date_tabled=day(2024, 6, 3),
        date_answered=day(2024, 6, 5),
    )
    make_question(heading="Elsewhere", date_tabled=start, date_answered=day(2025, 1, 20))
    department = Department.objects.get(name=health)
    wanted = {
        "department": department.pk,
        "answered_from": "2025-01-01",
        "sort": "newest_answered",
        "page": 2,
    }
    expected = [f"Answer {n:02}" for n in reversed(range(5))]
    response = anonymous.get(LIST, wanted)
    assert headings(response) == expected
    assert response.context["page"].paginator.count == 30
    if connection.vendor != "postgresql":
        return
    with (
        planner_without("seqscan", "bitmapscan"),
        CaptureQueriesContext(connection) as queries,
    ):
        response = anonymous.get(LIST, wanted)
    assert headings(response) == expected
    assert response.context["page"].paginator.count == 30
    read = [
        query["sql"]
        for query in queries
        if query["sql"].startswith('SELECT "answers_question"."id" AS "pk"')
    ]
    # One read of the keys, in the list's order; no count of them apart.
    assert len(read) == 1
    assert 'ORDER BY "answers_question"."answer_date" DESC' in read[0]


@pytest.mark.parametrize("timeliness", ["on_time", "late", "owed", "overdue"])
def test_withdrawn_questions_are_in_no_timeliness_figure(anonymous, make_question, timeliness):
    """Every timeliness figure counts questions not withdrawn, so withdrawn and
    any of them is nothing, at once (the database read every withdrawn
    question to find none), searched or not, on the page and in the exports."""
    day = datetime.date
    make_question(heading="Gone", date_tabled=day(2025, 1, 6), is_withdrawn=True)
    make_question(heading="On time", date_tabled=day(2025, 1, 6), date_answered=day(2025, 1, 8))
    make_question(heading="Late", date_tabled=day(2025, 1, 6), date_answered=day(2025, 3, 3))
    make_question(heading="Owed", date_tabled=day(2025, 1, 6))
    assert headings(anonymous.get(LIST, {"timeliness": timeliness}))
    for words in ("", "Secretary"):
        wanted = {"status": "withdrawn", "timeliness": timeliness, "q": words}
        assert headings(anonymous.get(LIST, wanted)) == []
        for export in ("questions_csv", "questions_json", "questions_feed"):
            response = anonymous.get(reverse(export), wanted)
            assert response.status_code == 200
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert b"Gone" not in body


def test_a_search_in_any_order_lists_as_many_matches_as_it_ranks(
    anonymous, make_question, monkeypatch
):
    """Newest first, a page deep among a middling word's matches read every
    question newer than it (page 80 at a million: 100 to 190 ms), so a search
    pages through as many matches as relevance ranks; other lists count on."""
    from answers import search, views

    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    monkeypatch.setattr(views, "COUNT_LIMIT", 5)
    for n in range(7):
        make_question(heading=f"Ferries {n}", date_tabled=datetime.date(2025, 3, 1 + n))
    for wanted, limit, note in (
        ({"q": "ferries", "sort": "newest_tabled"}, 3, "Pages stop at the first 3."),
        ({"q": "ferries", "sort": "newest_answered"}, 3, "Pages stop at the first 3."),
        ({"q": "ferries"}, 3, "Ranked by relevance among the 3 most recent matches."),
        ({"sort": "newest_tabled"}, 5, "Pages stop at the first 5."),
    ):
        response = anonymous.get(LIST, wanted)
        paginator = response.context["page"].paginator
        assert (paginator.count, paginator.capped) == (limit, True), wanted
        assert note in response.content.decode()
        assert anonymous.get(reverse("questions_json"), wanted).json()["count"] == limit


def test_twenty_five_a_page_with_govuk_pagination(anonymous, make_question):
    for day in range(1, 31):
        make_question(heading=f"Day {day}", date_tabled=datetime.date(2025, 1, day))
    first = anonymous.get(LIST)
    assert len(headings(first)) == 25
    assert b"govuk-pagination" in first.content
    second = anonymous.get(LIST, {"page": 2})
    assert headings(second) == [f"Day {day}" for day in range(5, 0, -1)]


def test_pagination_keeps_the_filters(anonymous, make_question):
    for day in range(1, 28):
        make_question(
            heading=f"Lords {day}", house="Lords", date_tabled=datetime.date(2025, 1, day)
        )
    response = anonymous.get(LIST, {"house": "Lords"})
    assert b"house=Lords&amp;page=2" in response.content


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"tabled_from": "not-a-date"}, "Enter a real date"),
        ({"answered_to": "2025-13-45"}, "Enter a real date"),
        ({"page": "abc"}, "is not a page number"),
        ({"page": "-3"}, "Page numbers start at 1"),
        ({"page": "999"}, "There is no page 999"),
        ({"department": "99999"}, "Choose a department from the list"),
        ({"department": "health"}, "Choose a department from the list"),
        ({"house": "Senate"}, "Choose the House of Commons or the House of Lords"),
        ({"status": "lost"}, "Choose a status from the list"),
        ({"timeliness": "soon"}, "Choose on time, late, still owed or overdue"),
        ({"sort": "oldest"}, "Choose best match, newest tabled or newest answered"),
        ({"tabled_from": "2025-02-01", "tabled_to": "2025-01-01"}, "must be the same as or after"),
    ],
)
def test_garbage_parameters_give_the_page_with_a_clear_error(
    anonymous, make_question, params, message
):
    make_question(heading="Still listed")
    response = anonymous.get(LIST, params)
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert message.encode() in response.content
    assert response.context["page"].paginator.count == 1


def test_a_bad_parameter_does_not_drop_the_good_ones(anonymous, make_question):
    make_question(heading="Lords one", house="Lords")
    make_question(heading="Commons one", house="Commons")
    response = anonymous.get(LIST, {"house": "Lords", "tabled_from": "nonsense"})
    assert headings(response) == ["Lords one"]
    # What was typed is kept in the form.
    assert b'value="nonsense"' in response.content


@pytest.mark.parametrize("words", ["", "ferries"])
def test_answered_before_the_first_day_tabled_lists_none_without_reading_them(
    anonymous, make_question, words
):
    """An answer is not given before its question is tabled: answered by a day
    before the "tabled from" one, the list is empty, and says so, without
    the database reading the questions answered by then."""
    make_question(
        heading="Tabled in March",
        text="To ask about ferries.",
        date_tabled=datetime.date(2024, 3, 4),
        answered_by="Karin Smyth",
        date_answered=datetime.date(2024, 5, 2),
    )
    span = {"q": words, "answered_from": "2024-01-01"}
    both = {**span, "tabled_from": "2024-03-01", "answered_to": "2024-05-31"}
    assert headings(anonymous.get(LIST, both)) == ["Tabled in March"]
    none = {**span, "tabled_from": "2024-06-01", "answered_to": "2024-05-31"}
    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get(LIST, none)
    assert headings(response) == []
    assert b"No questions match these filters" in response.content
    assert b"There is a problem" not in response.content
    # No query reads the list's rows (one with both days).
    assert not any("2024-06-01" in q["sql"] and "2024-05-31" in q["sql"] for q in queries)


def test_empty_result_says_so(anonymous, make_question):
    make_question(heading="Something")
    response = anonymous.get(LIST, {"q": "zebra"})
    assert b"No questions match these filters" in response.content


# Queries on the list page, whatever the number of rows:
#   1. departments for the department select
#   2. COUNT(*) for the paginator
#   3. the page of questions, with department, asking member, answer and
#      minister joined in (Question.objects.for_list)
# ("Asked by" and "Answered by" are type-ahead text boxes: no member lists.)
LIST_QUERIES = 3


@pytest.mark.parametrize("rows", [1, 60])
def test_list_query_count_is_fixed(anonymous, make_question, django_assert_num_queries, rows):
    for n in range(rows):
        make_question(
            heading=f"Q{n}",
            asked_by=f"Member {n % 7}",
            date_answered=datetime.date(2025, 3, 1) if n % 2 else None,
            answered_by=f"Minister {n % 3}",
            department=f"Department {n % 5}",
        )
    with django_assert_num_queries(LIST_QUERIES):
        response = anonymous.get(LIST, {"sort": "newest_answered"})
    assert len(headings(response)) == min(rows, 25)


# The home page: 1. the ten latest questions, everything joined in.
@pytest.mark.parametrize("rows", [1, 60])
def test_home_query_count_is_fixed(anonymous, make_question, django_assert_num_queries, rows):
    for n in range(rows):
        make_question(heading=f"Q{n}", date_answered=datetime.date(2025, 3, 1), answered_by="Min")
    with django_assert_num_queries(1):
        response = anonymous.get(reverse("home"))
    assert response.status_code == 200
    assert len(response.context["latest"]) == min(rows, 10)


def test_home_has_a_search_box_that_searches_the_list(anonymous, make_question):
    make_question(heading="Infant Mortality")
    response = anonymous.get(reverse("home"))
    content = response.content.decode()
    assert 'role="search"' in content
    assert f'action="{LIST}"' in content
    assert 'name="q"' in content
    assert "Infant Mortality" in content


def test_a_page_among_few_matches_is_chosen_by_their_keys(anonymous, make_question):
    """Fewer matches than the count's limit have every key read to count them,
    and the page's rows are chosen among those keys in the list's order,
    the search not run again to choose them: at a million questions, a
    phrase asked by eleven members named Williams was read again from the
    text index (25 ms) to choose 25 of its 449 matches. The rows chosen are
    still tested against the filters."""
    first = datetime.date(2025, 1, 1)
    for n in range(30):
        make_question(heading=f"School meals {n}", date_tabled=first + datetime.timedelta(days=n))
    make_question(heading="Hospital beds", date_tabled=first + datetime.timedelta(days=40))
    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get(LIST, {"q": "school", "sort": "newest_tabled", "page": "2"})
    assert headings(response) == [f"School meals {n}" for n in range(4, -1, -1)]
    assert response.context["page"].paginator.count == 30
    [page] = [sql for sql in _list_row_queries(queries) if " IN (SELECT " in sql]
    # The words' condition (FTS5's MATCH, PostgreSQL's @@): the rows chosen
    # are tested once, and choosing them does not run it.
    condition = " @@ " if connection.vendor == "postgresql" else " MATCH "
    chosen = page.split(' IN (SELECT U0."id"', 1)[1]
    assert page.count(condition) == 1 and condition not in chosen


@pytest.mark.parametrize("order", ["-length", F("length").desc()], ids=["name", "expression"])
def test_a_list_ordered_by_what_its_query_adds_keeps_it_to_choose_a_page(make_question, order):
    """Chosen by key (``views._keyed``), a list ordered by an annotation of its
    own query keeps the query, annotation and filter: the rows it keeps, in
    its order."""
    from answers.models import Question
    from answers.views import _keyed

    for heading in ("Bus", "Railways", "Cycle lanes", "Roads"):
        make_question(heading=heading)
    rows = (
        Question.objects.exclude(heading="Roads")
        .annotate(length=Length("heading"))
        .order_by(order, "pk")
    )
    keys = list(Question.objects.values_list("pk", flat=True))
    chosen = _keyed(rows, keys)
    assert list(chosen.values_list("heading", flat=True)) == ["Cycle lanes", "Railways", "Bus"]


def test_a_row_names_the_question_its_people_and_status_and_escapes_what_it_shows(
    anonymous, make_question
):
    """Each row of the list links the question, its asker, the answering minister
    and the department, with its house, UIN, tabling date and status; whatever
    the record holds is shown as text, never as markup."""
    question = make_question(
        heading='Fish & <b>"Chips"</b>',
        uin="12<3",
        asked_by="Ann <i>O'Brien</i>",
        answered_by="Karin & Smyth",
        department="Food <Standards> Agency",
        date_answered=datetime.date(2025, 2, 13),
    )
    unanswered = make_question(heading="Still waiting", date_tabled=None)
    content = anonymous.get(LIST).content.decode()
    rows = content.split('<tr class="govuk-table__row">')[2:]
    assert len(rows) == 2
    answered, waiting = rows
    asker, minister = question.asking_member, question.answer.minister.member
    for shown in [
        f'<a class="govuk-link" href="{question.get_absolute_url()}">'
        "Fish &amp; &lt;b&gt;&quot;Chips&quot;&lt;/b&gt;</a>",
        "Commons, UIN 12&lt;3",
        f'asked by <a class="govuk-link" href="{asker.get_absolute_url()}">'
        "Ann &lt;i&gt;O&#x27;Brien&lt;/i&gt;</a>",
        f'answered by <a class="govuk-link" href="{minister.get_absolute_url()}">'
        "Karin &amp; Smyth</a>",
        "12 February 2025",
        f'<a class="govuk-link" href="{question.department.get_absolute_url()}">'
        "Food &lt;Standards&gt; Agency</a>",
        "Answered on time",
    ]:
        assert shown in answered
    assert "<b>" not in answered and "<i>" not in answered
    assert f'href="{unanswered.get_absolute_url()}">Still waiting</a>' in waiting
    assert "Not known" in waiting and "Awaiting answer" in waiting
    assert "asked by" not in waiting and "answered by" not in waiting
