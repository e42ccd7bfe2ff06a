"""Search: the same behaviour on PostgreSQL (tsvector, GIN) and SQLite (FTS5).

These tests run unchanged on both databases; which backend answers depends
on DATABASE_URL.
"""

import contextlib
import csv
import datetime
import io
import json
import re

import pytest
from django.db import connection
from django.db.models import F
from django.urls import reverse

from answers import search, services, views
from answers.models import Answer, Member, Question
from answers.search.query import parse, to_fts5

from . import planner
from .planner import planner_without

pytestmark = pytest.mark.django_db

LIST = reverse("question_list")


def headings(response):
    return [q.heading for q in response.context["page"].object_list]


def found(client, q, **params):
    return sorted(headings(client.get(LIST, {"q": q, **params})))


# --- what a search matches ------------------------------------------------------


def test_whole_words_with_stemming(anonymous, make_question):
    make_question(heading="Vaccination", text="To ask how many vaccines were given.")
    make_question(heading="Government", text="To ask about government spending.")
    make_question(heading="Prisons", text="To ask about men in prison.")
    assert found(anonymous, "vaccine") == ["Vaccination"]
    assert found(anonymous, "men") == ["Prisons"]  # not "government"
    assert found(anonymous, "VACCINES") == ["Vaccination"]


def test_quoted_phrase_or_and_exclusion(anonymous, make_question):
    make_question(heading="A", text="To ask about mental health services for children.")
    make_question(heading="B", text="To ask about the health of mental patients.")
    make_question(heading="C", text="To ask about dentists in Kent.")
    make_question(heading="D", text="To ask about opticians in Kent.")
    assert found(anonymous, '"mental health"') == ["A"]
    assert found(anonymous, "mental health") == ["A", "B"]
    assert found(anonymous, "dentists OR opticians") == ["C", "D"]
    assert found(anonymous, "kent -opticians") == ["C"]
    assert found(anonymous, 'mental -"mental health"') == ["B"]


def test_words_in_heading_question_and_answer_all_match(anonymous, make_question):
    make_question(heading="Infant Mortality")
    make_question(heading="Roads", text="To ask about potholes in Kent.")
    make_question(
        heading="Schools", date_answered=datetime.date(2025, 3, 1), answer_text="Breakfast clubs."
    )
    assert found(anonymous, "infant") == ["Infant Mortality"]
    assert found(anonymous, "POTHOLES kent") == ["Roads"]
    assert found(anonymous, "breakfast") == ["Schools"]
    assert found(anonymous, "infant potholes") == []


def test_a_uin_finds_its_question(anonymous, make_question):
    make_question(heading="Lords question", house="Lords", uin="HL1234")
    make_question(heading="Commons question", uin="5242")
    assert found(anonymous, "HL1234") == ["Lords question"]
    assert found(anonymous, "5242") == ["Commons question"]


def test_a_members_name_finds_their_questions_even_after_a_rename(anonymous, make_question):
    make_question(heading="Asked by Abbott", asked_by="Diane Abbott")
    make_question(heading="Asked by someone else", asked_by="Bob Blackman")
    assert found(anonymous, "Diane Abbott") == ["Asked by Abbott"]
    member = Member.objects.get(name="Bob Blackman")
    member.name = "Robert Blackman"
    member.save()
    assert found(anonymous, "Robert") == ["Asked by someone else"]
    assert found(anonymous, "Bob") == []


def test_placeholder_member_names_are_not_searched(anonymous, make_question):
    make_question(heading="Placeholder", asked_by="Member 4321")
    assert found(anonymous, "member") == []
    assert found(anonymous, "4321") == []


def test_answers_recorded_edited_and_deleted_later_are_searched(anonymous, make_question):
    question = make_question(heading="Ferries")
    assert found(anonymous, "timetable") == []
    services.answer_record(
        question=question, expected_version=None, date_answered=datetime.date(2025, 3, 1),
        text="<p>The timetable is published.</p>",
    )  # fmt: skip
    assert found(anonymous, "timetable") == ["Ferries"]
    answer = Answer.objects.get(question=question)
    services.answer_update(
        answer=answer, expected_version=answer.version, text="<p>The fares are published.</p>"
    )
    assert found(anonymous, "timetable") == []
    assert found(anonymous, "fares") == ["Ferries"]
    Answer.objects.filter(pk=answer.pk).delete()
    assert found(anonymous, "fares") == []


def test_answer_markup_is_not_searched(anonymous, make_question):
    make_question(
        heading="Links", date_answered=datetime.date(2025, 3, 1),
        answer_text='See <a href="https://example.org/strong">the report</a>.',
    )  # fmt: skip
    assert found(anonymous, "report") == ["Links"]
    assert found(anonymous, "href") == []
    assert found(anonymous, "strong") == []


def test_edited_and_deleted_questions_leave_the_index(anonymous, make_question):
    question = make_question(heading="Badgers")
    services.question_update(question=question, expected_version=question.version, heading="Otters")
    assert found(anonymous, "badgers") == []
    assert found(anonymous, "otters") == ["Otters"]
    Question.objects.filter(pk=question.pk).delete()
    assert found(anonymous, "otters") == []


@pytest.mark.parametrize("q", ["the", "-kent", "!!!", '""', "OR"])
def test_a_search_with_nothing_to_look_for_finds_nothing_without_error(anonymous, make_question, q):
    make_question(heading="Kent", text="To ask about the roads in Kent.")
    response = anonymous.get(LIST, {"q": q})
    assert response.status_code == 200
    assert headings(response) == []


# --- ranking, snippets and sorting ------------------------------------------------


def test_ranked_heading_above_question_above_answer_above_member(anonymous, make_question):
    day = datetime.date(2025, 3, 1)
    make_question(heading="In the answer", date_answered=day, answer_text="About fluoride.")
    make_question(heading="By the member", asked_by="Alan Fluoride")
    make_question(heading="Fluoride", text="To ask about water.")
    make_question(heading="In the question", text="To ask about fluoride in water.")
    response = anonymous.get(LIST, {"q": "fluoride"})
    assert headings(response) == ["Fluoride", "In the question", "In the answer", "By the member"]
    assert response.context["form"]["sort"].value() == "relevance"


def test_newest_first_stays_available_as_a_sort(anonymous, make_question):
    make_question(heading="Fluoride", date_tabled=datetime.date(2024, 1, 1))
    make_question(heading="Old", text="On fluoride.", date_tabled=datetime.date(2024, 6, 1))
    make_question(heading="New", text="On fluoride.", date_tabled=datetime.date(2025, 1, 1))
    response = anonymous.get(LIST, {"q": "fluoride", "sort": "newest_tabled"})
    assert headings(response) == ["New", "Old", "Fluoride"]
    # Without a search, "best match" is newest first.
    response = anonymous.get(LIST, {"sort": "relevance"})
    assert headings(response) == ["New", "Old", "Fluoride"]


def test_matched_words_are_highlighted_in_an_escaped_snippet(anonymous, make_question):
    make_question(
        heading="Vaccination",
        text="To ask how many vaccines were given in Kent & Medway <script>alert(1)</script>.",
    )
    content = anonymous.get(LIST, {"q": "vaccine"}).content.decode()
    assert '<mark class="app-mark">vaccines</mark>' in content
    assert "Kent &amp; Medway" in content
    # Markup in the text is shown as text (SQLite) or left out (PostgreSQL's
    # headline parser drops tags), never run.
    assert "<script>alert" not in content


def test_staff_list_searches_and_finds_an_exact_uin(staff_client, make_question):
    make_question(heading="Dentists", text="To ask about dentists.", uin="1234")
    make_question(heading="Mentions it", text="To ask about question 1234 and dentists.")
    url = reverse("staff:question_list")
    assert headings(staff_client.get(url, {"q": "dentist"})) == ["Dentists", "Mentions it"]
    assert headings(staff_client.get(url, {"q": "1234"})) == ["Dentists"]
    assert '<mark class="app-mark">' in staff_client.get(url, {"q": "dentist"}).content.decode()


def test_open_data_uses_the_same_search(anonymous, make_question):
    make_question(heading="Vaccination", text="To ask about vaccines.")
    make_question(heading="Roads", text="To ask about roads.")
    data = json.loads(anonymous.get(reverse("questions_json"), {"q": "vaccine"}).content)
    assert [r["heading"] for r in data["results"]] == ["Vaccination"]
    csv = b"".join(anonymous.get(reverse("questions_csv"), {"q": "vaccine"}).streaming_content)
    assert b"Vaccination" in csv and b"Roads" not in csv
    feed = anonymous.get(reverse("questions_feed"), {"q": "vaccine"}).content
    assert b"Vaccination" in feed and b"Roads" not in feed


# --- the limits, said plainly ------------------------------------------------------


def test_a_long_list_is_counted_up_to_the_limit_and_says_so(anonymous, make_question, monkeypatch):
    monkeypatch.setattr(views, "COUNT_LIMIT", 3)
    for n in range(5):
        make_question(heading=f"Q{n}", date_tabled=datetime.date(2025, 1, 1 + n))
    response = anonymous.get(LIST)
    content = response.content.decode()
    assert "More than <strong>3</strong> questions" in content
    assert "Pages stop at the first 3." in content
    assert anonymous.get(LIST, {"page": "2"}).context["page"].number == 1


def test_ranking_a_very_common_word_says_what_it_ranked(anonymous, make_question, monkeypatch):
    monkeypatch.setattr(views, "COUNT_LIMIT", 4)
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    for n in range(4):
        make_question(heading=f"Other {n}", text="To ask about health.")
    make_question(heading="Health", text="To ask about the newest.")
    response = anonymous.get(LIST, {"q": "health"})
    content = response.content.decode()
    assert "More than <strong>3</strong> questions" in content
    assert "Ranked by relevance among the 3 most recent matches." in content
    # The newest three matches, best first: the heading match leads.
    assert headings(response) == ["Health", "Other 3", "Other 2"]
    # Not capped when the matches fit.
    assert "Ranked by relevance" not in anonymous.get(LIST, {"q": "newest"}).content.decode()
    # Newest first, the same search pages through as many matches.
    newest = anonymous.get(LIST, {"q": "health", "sort": "newest_tabled"}).content.decode()
    assert "More than <strong>3</strong> questions" in newest
    assert "Pages stop at the first 3." in newest


def test_exports_and_feed_give_every_match_newest_first(anonymous, make_question, monkeypatch):
    """The page ranks the newest matches; the CSV gives all of them, the feed the newest."""
    monkeypatch.setattr(views, "COUNT_LIMIT", 3)
    monkeypatch.setattr(search, "RANK_LIMIT", 3)
    for n in range(5):
        make_question(
            heading=f"Health {n}",
            text="To ask about health.",
            date_tabled=datetime.date(2025, 1, 1 + n),
        )
    make_question(heading="Roads", text="To ask about roads.")
    assert len(headings(anonymous.get(LIST, {"q": "health"}))) == 3
    response = anonymous.get(reverse("questions_csv"), {"q": "health"})
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert [row["heading"] for row in rows] == [f"Health {n}" for n in (4, 3, 2, 1, 0)]
    feed = anonymous.get(reverse("questions_feed"), {"q": "health"}).content.decode()
    # The feed's own title first, then one per entry.
    titles = [part.split("<")[0] for part in feed.split("<title>")[2:]]
    assert titles == [f"Health {n}" for n in (4, 3, 2, 1, 0)]


# --- the newest matches first (PostgreSQL) -------------------------------------------

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'",
    reason="SQLite's search reads every match; PostgreSQL's looks at the newest ids first",
)


@pytest.fixture
def analyse(monkeypatch):
    """ANALYZE the questions, and have the next search read the words' shares afresh.

    A few hundred questions stand for a million: any word may be looked for
    among the newest ids first, not only those in under one question in
    thirty (``postgres.COMMON``), as at a million.
    """
    from answers.search import postgres

    monkeypatch.setattr(postgres, "COMMON", float("inf"))
    yield planner.analyse
    planner.forget_figures()


def newest_matching(questions, word, limit):
    return [q.heading for q in sorted(questions, key=lambda q: -q.pk) if word in q.text][:limit]


@postgres_only
def test_a_common_word_is_looked_for_among_the_newest_ids_first(
    anonymous, make_question, monkeypatch, analyse
):
    from answers.search import postgres
    from answers.search.postgres import first_range

    monkeypatch.setattr(views, "COUNT_LIMIT", 5)
    monkeypatch.setattr(search, "RANK_LIMIT", 5)
    questions = [
        make_question(heading=f"Q{n}", text="To ask about vaccines." if n % 2 else "To ask.")
        for n in range(120)
    ]
    analyse()
    low, top, share, _ = first_range("vaccines", 6)
    # About twice as many ids as the six matches wanted, not all 120,
    # gathered through the indexes.
    assert low is not None and 0 < top - low < 40
    assert share < postgres.COMMON
    assert headings(anonymous.get(LIST, {"q": "vaccines"})) == newest_matching(
        questions, "vaccines", 5
    )


@postgres_only
def test_a_word_common_only_long_ago_is_found_in_older_ranges(
    anonymous, make_question, monkeypatch, analyse
):
    """The shares say the newest ids hold enough matches; they do not, so older ids are read."""
    from answers.search.postgres import first_range

    monkeypatch.setattr(views, "COUNT_LIMIT", 5)
    monkeypatch.setattr(search, "RANK_LIMIT", 5)
    questions = [
        make_question(
            heading=f"Q{n}",
            text="To ask about prisons." if n < 100 or n in (150, 195) else "To ask.",
            department="Ministry of Justice" if n < 100 else "Department for Education",
        )
        for n in range(200)
    ]
    analyse()
    low, *_ = first_range("prisons", 6)
    assert low is not None and low > questions[150].pk  # the first range holds one match
    expected = newest_matching(questions, "prisons", 5)
    assert headings(anonymous.get(LIST, {"q": "prisons"})) == expected
    # With a filter that leaves no match among the newest ids at all.
    justice = questions[0].department.pk
    assert headings(anonymous.get(LIST, {"q": "prisons", "department": justice})) == (
        newest_matching(questions[:100], "prisons", 5)
    )


@pytest.fixture
def few_ranked(monkeypatch, analyse):
    """Five matches ranked and counted, and a word in three questions in ten or
    more common (after ``analyse``, which sets its own): a few hundred
    questions searched as a million are. Gives ``answers.search.postgres``,
    for the tests' own settings."""
    from answers.search import postgres

    monkeypatch.setattr(views, "COUNT_LIMIT", 5)
    monkeypatch.setattr(search, "RANK_LIMIT", 5)
    monkeypatch.setattr(postgres, "COMMON", 0.3)
    return postgres


@pytest.fixture
def walked(monkeypatch):
    """Whether each range a search reads is walked (True) or gathered (False)."""
    from answers.search import postgres

    class Ways(list):
        lows = []  # each range's lowest id, not included (None: no bound)
        through = []  # whether each was read through a filter's own index

    ways = Ways()
    newest = postgres._newest

    def spy(queryset, text, limit, low, *args, walk, **kwargs):
        ways.append(walk)
        ways.lows.append(low)
        ways.through.append(kwargs.get("through", False))
        return newest(queryset, text, limit, low, *args, walk=walk, **kwargs)

    monkeypatch.setattr(postgres, "_newest", spy)
    return ways


def _schools_in_education_one_in_ten(make_question):
    """200 questions about schools, every tenth (and the fifth newest) to the
    Department for Education, the rest to the Ministry of Justice."""
    return [
        make_question(
            heading=f"Q{n}",
            text="To ask about schools.",
            department=(
                "Department for Education" if n % 10 == 0 or n == 195 else "Ministry of Justice"
            ),
        )
        for n in range(200)
    ]


@postgres_only
@pytest.mark.parametrize("narrow", [False, True])
def test_a_common_word_thinned_by_a_filter_is_gathered_beyond_its_first_range(
    anonymous, make_question, monkeypatch, few_ranked, analyse, walked, narrow
):
    """The first range of a common word is walked; where the filter left it short, the
    rest is gathered (or walked, when narrow), with the same result either way."""
    postgres = few_ranked
    if not narrow:
        # A walk of any length costs more than gathering.
        monkeypatch.setattr(postgres, "WALK_IDS", 0)
        monkeypatch.setattr(postgres, "WALK_PER_ENTRY", 0)
        monkeypatch.setattr(postgres, "VISIT_ROWS", 0)
    questions = _schools_in_education_one_in_ten(make_question)
    analyse()
    education = questions[0].department
    expected = newest_matching([q for q in questions if q.department == education], "schools", 5)
    assert headings(anonymous.get(LIST, {"q": "schools", "department": education.pk})) == expected
    # Walked first (the word is in every question); its newest few ids held
    # one match, so the next range was walked only where it was narrow enough.
    assert walked[:2] == [True, narrow]
    # Without the filter the first range is enough.
    walked.clear()
    assert headings(anonymous.get(LIST, {"q": "schools"})) == newest_matching(
        questions, "schools", 5
    )
    assert walked == [True]


@postgres_only
def test_a_common_word_under_a_filter_no_index_serves_is_walked_not_gathered(
    anonymous, make_question, monkeypatch, few_ranked, analyse, walked
):
    """Answered late: the newest questions are not answered yet, so the first range
    holds few matches, but gathering the rest would read every match of the word
    from the table, one to a page, to test the filter: the rest is walked."""
    postgres = few_ranked
    # Only the cost of reading the table decides.
    monkeypatch.setattr(postgres, "WALK_IDS", 0)
    monkeypatch.setattr(postgres, "WALK_PER_ENTRY", 0)
    tabled = datetime.date(2025, 2, 12)

    def late(n):
        return (n < 180 and n % 3) or n == 195

    questions = [
        make_question(
            heading=f"Q{n}",
            text="To ask about schools.",
            date_tabled=tabled,
            # Answered late, but for the newest (awaiting, all but one) and every third.
            date_answered=tabled + datetime.timedelta(days=30) if late(n) else None,
        )
        for n in range(200)
    ]
    # As at scale: the matches are gathered through a bitmap of the text
    # index's, not by reading the whole (small) table.
    with planner_without("seqscan", "indexscan"):
        analyse()
        answered = [q for n, q in enumerate(questions) if late(n)]
        assert all(q.due_date < tabled + datetime.timedelta(days=30) for q in answered)
        expected = newest_matching(answered, "schools", 5)
        got = headings(anonymous.get(LIST, {"q": "schools", "timeliness": "late"}))
        assert got == expected and len(got) == 5
        assert walked[:2] == [True, True]
        # Costed as the same rows walked, gathering wins.
        walked.clear()
        monkeypatch.setattr(postgres, "VISIT_ROWS", 0)
        assert headings(anonymous.get(LIST, {"q": "schools", "timeliness": "late"})) == expected
        assert walked[:2] == [True, False]


@postgres_only
@pytest.mark.parametrize("visit_rows", [10, 0.1])
def test_gathering_costs_at_least_the_matches_the_ids_searched_so_far_promise(
    anonymous, make_question, monkeypatch, few_ranked, analyse, walked, visit_rows
):
    """The planner takes a word and a filter as unrelated, and where the word is
    the filter's subject ("energy" in the energy department's questions) it
    expects a few of the rows gathering reads. Every match is read, and the
    ids searched so far promise how many the rest holds: gathering is costed
    at least at those, so the rest is walked where they cost more than the
    walk (each read as ``VISIT_ROWS`` rows walked), and gathered where less.
    The same rows either way."""
    postgres = few_ranked
    monkeypatch.setattr(postgres, "WALK_IDS", 0)
    monkeypatch.setattr(postgres, "WALK_PER_ENTRY", 0)
    monkeypatch.setattr(postgres, "VISIT_ROWS", visit_rows)
    # The planner expects one row read, however many there are.
    rows_visited = postgres._rows_visited
    monkeypatch.setattr(
        postgres, "_rows_visited", lambda plan: None if rows_visited(plan) is None else 1
    )
    questions = _schools_in_education_one_in_ten(make_question)
    with planner_without("seqscan", "indexscan"):
        analyse()
        education = questions[0].department
        expected = newest_matching(
            [q for q in questions if q.department == education], "schools", 5
        )
        got = headings(anonymous.get(LIST, {"q": "schools", "department": education.pk}))
    assert got == expected and len(got) == 5
    # The newest five ids held one match, and promise 39 in the 195 below:
    # 390 rows' worth gathered against a walk of 30, or 3.9.
    assert walked[:2] == [True, visit_rows > 1]


def _answered_but_the_newest(make_question, tabled, days_apart=0, answered_by=None):
    """200 questions about schools, tabled ``days_apart`` from ``tabled`` on, each
    answered three days after (by ``answered_by``) but the newest twenty, save
    the very newest. Gives the answered ones."""
    answered = []
    for n in range(200):
        day = tabled + datetime.timedelta(days=n * days_apart)
        is_answered = n < 180 or n == 199
        question = make_question(
            heading=f"Q{n}",
            text="To ask about schools.",
            date_tabled=day,
            answered_by=answered_by if is_answered else None,
            date_answered=day + datetime.timedelta(days=3) if is_answered else None,
        )
        if is_answered:
            answered.append(question)
    return answered


@postgres_only
def test_the_rest_read_through_a_dates_index_rather_than_bitmaps_is_walked_where_that_costs_less(
    anonymous, make_question, monkeypatch, few_ranked, analyse, walked
):
    """Where the planner would gather the rest of a common word's matches by
    reading a date's index, every row it keeps tested (at a million
    questions, "housing" answered on time since 2016: 820,000 rows, 510 ms),
    rather than through the indexes' bitmaps, the rest is walked if the
    planner costs that walk less: the same rows."""
    postgres = few_ranked
    # Walks of any length are costed above gathering by rows (``VISIT_ROWS``).
    monkeypatch.setattr(postgres, "WALK_IDS", 0)
    monkeypatch.setattr(postgres, "WALK_PER_ENTRY", 0)
    monkeypatch.setattr(postgres, "VISIT_ROWS", 0)
    answered = _answered_but_the_newest(make_question, datetime.date(2024, 1, 1), days_apart=1)
    filters = {"q": "schools", "status": "answered", "tabled_from": "2024-01-02"}
    expected = newest_matching(answered[1:], "schools", 5)
    with planner_without("seqscan", "bitmapscan"):
        analyse()
        assert headings(anonymous.get(LIST, filters)) == expected
        assert walked[:2] == [True, True] and len(walked) == 2
    # Through the bitmaps, gathered as before.
    walked.clear()
    with planner_without("seqscan", "indexscan"):
        assert headings(anonymous.get(LIST, filters)) == expected
        assert walked[:2] == [True, False]


@postgres_only
@pytest.mark.parametrize("promised", ["near", "far"])
def test_a_filter_the_newest_questions_lack_has_the_next_ids_walked_before_every_id_is_gathered(
    anonymous, make_question, monkeypatch, few_ranked, analyse, walked, promised
):
    """Answered by a minister: the newest questions are not answered yet, so the
    first range holds one match, and the walk it promises costs more than
    gathering the rest. Where that walk costs at most a few times the gathering
    (``PROBE_MISS``), the next ids are walked first, and they hold the rest;
    where many times, the rest is gathered. The same rows either way."""
    postgres = few_ranked
    # At a hundredth of the scale: a walk of the next 20 ids, and gathering
    # costed by the rows the bitmap reads alone, each as a tenth of a row walked.
    monkeypatch.setattr(postgres, "WALK_IDS", 20)
    monkeypatch.setattr(postgres, "WALK_PER_ENTRY", 0)
    monkeypatch.setattr(postgres, "VISIT_ROWS", 0.1)
    monkeypatch.setattr(postgres, "PROBE_WALKS", 0.1)
    monkeypatch.setattr(postgres, "PROBE_MISS", 100 if promised == "near" else 0.01)
    answered = _answered_but_the_newest(
        make_question, datetime.date(2025, 2, 12), answered_by="Karin Smyth"
    )
    with planner_without("seqscan", "indexscan"):
        analyse()
        expected = newest_matching(answered, "schools", 5)
        got = headings(anonymous.get(LIST, {"q": "schools", "minister": "Karin Smyth"}))
        assert got == expected and len(got) == 5
    assert walked[0] is True
    if promised == "near":
        # The next 20 ids, walked, hold the four matches still wanted.
        assert walked[:2] == [True, True]
        assert walked.lows[1] == walked.lows[0] - 20
        assert len(walked) == 2
    else:
        assert walked[:2] == [True, False] and walked.lows[1] is None


@postgres_only
@pytest.mark.parametrize("entry_rows", [0, 10])
def test_a_walked_range_of_a_members_questions_is_read_through_their_own_index(
    anonymous, make_question, monkeypatch, few_ranked, analyse, walked, entry_rows
):
    """The members named Jenkins ask one question in ten, nearly all about schools:
    walked, a range of ids reads ten rows for each of theirs. Read through the
    askers' own index, their rows in the range are read from the table, each
    costed as ``VISIT_ROWS`` walked, after the index's every entry for them
    (``FILTER_ENTRY_ROWS`` each): chosen where that costs less than the walk,
    and walked otherwise. The same rows either way."""
    postgres = few_ranked
    # At a fiftieth of the scale: a range read through the index from 20 ids.
    monkeypatch.setattr(postgres, "WALK_IDS", 20)
    monkeypatch.setattr(postgres, "WALK_PER_ENTRY", 0)
    monkeypatch.setattr(postgres, "FILTER_ENTRY_ROWS", entry_rows)
    questions = [
        make_question(
            heading=f"Q{n}",
            text="To ask about schools.",
            # Every tenth, but none among the newest twenty save the very newest.
            asked_by=(
                ("Sue Jenkins" if n % 20 else "Tom Jenkins")
                if (n % 10 == 0 and n < 380) or n == 399
                else None
            ),
        )
        for n in range(400)
    ]
    with planner_without("seqscan"):
        analyse()
        theirs = [q for q in questions if q.asking_member_id]
        expected = newest_matching(theirs, "schools", 5)
        got = headings(anonymous.get(LIST, {"q": "schools", "member": "Jenkins"}))
    assert got == expected and len(got) == 5
    # The newest ids held one of theirs: the rest of the ranges read their
    # index where its 39 entries cost nothing, and are walked where each
    # costs ten rows.
    assert walked.through[0] is False
    assert walked.through[1:] and all(walked.through[1:]) is (entry_rows == 0)
    # Bounded by the tabling date, which their index holds too, they are
    # walked: the rows of a date lie among the ids of their day, and the
    # index's share of every id says nothing of a range's.
    walked.through.clear()
    with planner_without("seqscan"):
        got = headings(
            anonymous.get(LIST, {"q": "schools", "member": "Jenkins", "tabled_from": "2025-01-01"})
        )
    assert got == expected
    assert walked.through and not any(walked.through)


@postgres_only
def test_a_word_a_filter_thins_well_short_is_gathered_from_every_id_at_once(
    anonymous, make_question, monkeypatch, analyse, walked
):
    """Looked for among the newest ids first, then among the rest, a filter's index
    would be read twice; where the planner expects the filter to leave the first
    range well short, and its index rules out most of the word's matches, every
    id is gathered at once."""
    monkeypatch.setattr(views, "COUNT_LIMIT", 5)
    monkeypatch.setattr(search, "RANK_LIMIT", 5)
    questions = [
        make_question(
            heading=f"Q{n}",
            text="To ask about schools." if n % 2 else "To ask.",
            department="Ministry of Justice" if n % 20 == 1 else "Department for Education",
        )
        for n in range(400)
    ]
    justice = questions[1].department
    # As at scale: the matches are gathered through the indexes.
    with planner_without("seqscan", "indexscan"):
        analyse()
        expected = newest_matching([q for q in questions if q.department == justice], "schools", 5)
        assert headings(anonymous.get(LIST, {"q": "schools", "department": justice.pk})) == expected
        assert walked == [False] and walked.lows == [None]
        # Without the filter, the newest ids first.
        walked.clear()
        walked.lows.clear()
        assert headings(anonymous.get(LIST, {"q": "schools"})) == newest_matching(
            questions, "schools", 5
        )
        assert walked == [False] and walked.lows[0] > questions[300].pk


@postgres_only
@pytest.mark.parametrize(
    "filters, index, column",
    [
        (lambda q: {"department": q.department.pk}, "question_search", "department_id"),
        (lambda q: {"member": q.asking_member.name}, "question_search", "asking_member_id"),
        (lambda q: {"member": q.asking_member.pk}, "question_search", "asking_member_id"),
        (lambda q: {"minister": "Karin Smyth"}, "question_search", "answer_minister_id"),
        (lambda q: {"status": "withdrawn"}, "question_search_open", None),
        (lambda q: {"status": "awaiting"}, "question_search_open", None),
        (lambda q: {"timeliness": "owed"}, "question_search_open", None),
    ],
)
def test_a_search_within_a_filter_reads_one_text_index(
    make_question, analyse, filters, index, column
):
    """The text index holds the department, the asker and the answering post too
    (migration 0019): the filter is a condition on that index, not a second index
    whose every entry for the department is read and intersected. The questions
    withdrawn or not yet answered have a text index of their own (migration 0020)."""
    from answers.filters import QuestionFilter
    from answers.search import postgres

    departments = ["Department for Education", "Ministry of Justice", "Home Office", "Treasury"]
    searched = []
    for n in range(240):
        answered = n % 5 and n % 7
        made = make_question(
            text="To ask about schools." if n % 3 == 0 else f"To ask about prisons {n}.",
            department=departments[n % 4],
            asked_by=f"Member {n % 6}",
            answered_by="Karin Smyth" if n % 8 == 0 else "Lord Hanson",
            date_answered=datetime.date(2025, 2, 20) if answered else None,
            is_withdrawn=n % 5 == 0,
        )
        if n % 3 == 0:
            searched.append(made)
    question = searched[-1]
    analyse()
    filterset = QuestionFilter({"q": "schools", **filters(question)}, queryset=Question.objects)
    assert filterset.is_valid(), filterset.errors
    filterset.qs  # noqa: B018 - filters and ranks
    queryset = filterset.every_match()
    with connection.cursor() as cursor:
        # As at scale: the matches are gathered through the text indexes, not
        # through the filter's other indexes (each every question of the
        # department, say). Dropped in the test's transaction.
        for other in (
            "question_heading_nearest",
            "question_department_newest",
            "question_asker_newest",
            "question_minister_newest",
            "question_withdrawn_newest",
            "question_withdrawn_department",
            "question_withdrawn_answered",
            "question_awaiting_newest",
            "question_awaiting_answered",
            "question_open_due",
            "question_owed_due",
        ):
            cursor.execute(f"DROP INDEX {other}")
    with planner_without("seqscan", "indexscan"):
        plan = postgres._plan(
            queryset.order_by(), "schools", 5, None, None, question.pk, blocks=False
        )
    conditions = {
        node["Index Name"]: node.get("Index Cond", "")
        for node in postgres._nodes(plan)
        if "Index Name" in node
    }
    assert list(conditions) == [index]
    assert "search_vector @@" in conditions[index]
    assert column is None or column in conditions[index]


# Questions tabled long ago, and newer ones (``_older_and_newer``).
OLD, NEWER = datetime.date(2024, 3, 4), datetime.date(2025, 2, 12)


def _one_tabled_last(n):
    """The first 120 added in order of tabling, as imports are, but for one
    (Q40) tabled last and added early; the rest tabled on ``NEWER``."""
    if n >= 120:
        return NEWER
    return OLD + datetime.timedelta(days=120 if n == 40 else n)


def _older_and_newer(make_question, word, tabled_on=_one_tabled_last, answered=True):
    """240 questions of ``word``, Q0 to Q239, tabled on ``tabled_on(n)``: the
    older ones answered late where ``answered``, the newer ones not yet."""
    questions = []
    for n in range(240):
        tabled = tabled_on(n)
        late = answered and tabled < NEWER
        questions.append(
            make_question(
                heading=f"Q{n}",
                text=f"To ask about {word}.",
                date_tabled=tabled,
                date_answered=tabled + datetime.timedelta(days=60) if late else None,
            )
        )
    return questions


def _most_recently_tabled(questions):
    """The headings of the five most recently tabled of the older questions."""
    older = [q for q in questions if q.date_tabled < NEWER]
    ordered = sorted(older, key=lambda q: (q.date_tabled, q.pk), reverse=True)
    return [q.heading for q in ordered][:5]


def _spy_newest_tabled(monkeypatch):
    """Each call of ``postgres._newest_tabled``, as ``(its rows' SQL, whether it
    read them)``, in a list that grows as the test runs."""
    from answers.search import postgres

    calls = []
    newest_tabled = postgres._newest_tabled

    def spy(queryset, *args, **kwargs):
        rows = newest_tabled(queryset, *args, **kwargs)
        calls.append((str(queryset.query), rows is not None))
        return rows

    monkeypatch.setattr(postgres, "_newest_tabled", spy)
    return calls


@postgres_only
def test_a_common_word_under_a_filter_of_older_questions_ranks_the_most_recently_tabled(
    anonymous, make_question, monkeypatch, few_ranked, analyse, walked
):
    """Not one match among the newest ids (tabled before 2025): rather than read every
    match of the word below them, the most recently tabled matches are read newest
    tabled first, through the tabling date's index (answered before a date: newest
    answered first). A filter that bounds neither date ("answered late") would have
    every newer question passed in that order, so there the older ids are gathered
    as before."""
    questions = _older_and_newer(make_question, "schools")
    calls = _spy_newest_tabled(monkeypatch)
    # As at scale: read in the order asked for, through an index.
    with planner_without("seqscan", "bitmapscan", "sort"):
        analyse()
        expected = _most_recently_tabled(questions)
        assert expected[0] == "Q40"  # tabled last, added early
        for filters in ({"tabled_to": "2024-12-31"}, {"answered_to": "2025-01-31"}):
            walked.clear()
            calls.clear()
            assert headings(anonymous.get(LIST, {"q": "schools", **filters})) == expected
            assert walked == [True] and [read for _, read in calls] == [True]
        # Answered late: neither date's index has a date to start from.
        walked.clear()
        calls.clear()
        got = headings(anonymous.get(LIST, {"q": "schools", "timeliness": "late"}))
        older = [q for q in questions if q.date_tabled < NEWER]
        assert got == newest_matching(older, "schools", 5)
        assert walked[0] and [read for _, read in calls] == [False] and len(walked) > 1


@postgres_only
def test_a_rarer_word_answered_by_a_day_ranks_the_most_recently_tabled(
    anonymous, make_question, monkeypatch, analyse
):
    """A word too rare to walk for, in answers given by a day, with not one
    match among the newest ids: the most recently tabled matches are read
    from that day down the tabling date's index (the filter says "answered
    by", and so "tabled by" too), not every match below the newest ids."""
    from django.test.utils import CaptureQueriesContext

    from answers.search import postgres

    monkeypatch.setattr(views, "COUNT_LIMIT", 5)
    monkeypatch.setattr(search, "RANK_LIMIT", 5)
    monkeypatch.setattr(postgres, "COMMON", float("inf"))  # never walked
    questions = _older_and_newer(make_question, "ferries")
    calls = _spy_newest_tabled(monkeypatch)
    with planner_without("seqscan", "bitmapscan", "sort"):
        analyse()
        expected = _most_recently_tabled(questions)
        assert expected[0] == "Q40"  # tabled last, added early
        older = [q for q in questions if q.date_tabled < NEWER]
        got = headings(anonymous.get(LIST, {"q": "ferries", "answered_to": "2025-01-31"}))
        assert got == expected
        assert len(calls) == 1 and '"date_tabled" <= 2025-01-31' in calls[0][0]
        # A walk that runs out of time (``WALK_MS``): the same rows gathered.
        with monkeypatch.context() as patch:
            patch.setattr(postgres, "_in_time", lambda sql, params, ms: None)
            with CaptureQueriesContext(connection) as queries:
                got = headings(anonymous.get(LIST, {"q": "ferries", "answered_to": "2025-01-31"}))
            assert got == expected
            assert any('"date_tabled" + 0) DESC' in q["sql"] for q in queries)
        # Answered between two days: walked from the later day, the tabling
        # date's index would pass every question tabled before the earlier
        # one where there are fewer matches than the list ranks. The
        # matches are gathered, the most recently added first, as before.
        calls.clear()
        between = {"answered_from": "2024-07-01", "answered_to": "2025-01-31"}
        got = headings(anonymous.get(LIST, {"q": "ferries", **between}))
        start = datetime.date(2024, 7, 1)
        answered = [q for q in older if q.get_answer().date_answered >= start]
        assert got == [q.heading for q in sorted(answered, key=lambda q: q.pk, reverse=True)][:5]
        assert calls == []
        # Tabled by a day: the same, read from the rows as they are.
        calls.clear()
        got = headings(anonymous.get(LIST, {"q": "ferries", "tabled_to": "2025-01-31"}))
        assert got == expected
        assert len(calls) == 1 and '"date_tabled" <= 2025-01-31' in calls[0][0]


@postgres_only
def test_a_rarer_word_tabled_by_a_day_reads_the_rest_from_that_day(
    anonymous, make_question, monkeypatch, analyse
):
    """The newest ids hold a match or two of a rarer word tabled by a day, too
    few for the page, and the rest would be read at once, every match from
    the table: the most recently tabled of the rest are read from the day
    down instead."""
    from answers.search import postgres

    monkeypatch.setattr(views, "COUNT_LIMIT", 5)
    monkeypatch.setattr(search, "RANK_LIMIT", 5)
    monkeypatch.setattr(postgres, "COMMON", float("inf"))  # never walked
    monkeypatch.setattr(postgres, "NARROW", 0.0)  # the rest read at once

    def tabled_on(n):
        # As ``_one_tabled_last``, but the newest, added last, tabled long ago.
        return OLD + datetime.timedelta(days=121) if n == 239 else _one_tabled_last(n)

    questions = _older_and_newer(make_question, "ferries", tabled_on, answered=False)
    calls = _spy_newest_tabled(monkeypatch)
    with planner_without("seqscan", "bitmapscan", "sort"):
        analyse()
        expected = _most_recently_tabled(questions)
        assert expected[:2] == ["Q239", "Q40"]
        got = headings(anonymous.get(LIST, {"q": "ferries", "tabled_to": "2025-01-31"}))
        assert got == expected
        assert len(calls) == 1


def _walked_first_either_way(anonymous, monkeypatch, params, expected, first_walks, walk, column):
    """The list of ``params`` read through a first walk from a day (``_tabled_from``
    on ``column``; ``first_walks`` each time ``[walk]``), whatever the rows it
    passed promise and however the rest is then read: always ``expected``.
    Gathered, the rest is read sorted by ``column + 0``."""
    from django.test.utils import CaptureQueriesContext

    from answers.search import postgres

    cases = [
        # The newest rows by the day hold the page.
        (50, 60_000, 0, None, False),
        # They hold fewer: the rest walked below them...
        (1, 60_000, 0, None, False),
        # ...or, too thin to walk for, gathered...
        (1, 0, 0, None, True),
        # ...unless gathering is planned to read more from the table (the
        # rows the planner expects it to read; without bitmaps, it would not
        # say).
        (1, 0, 10**6, None, False),
        # A walk of the rest out of time: gathered.
        (1, 60_000, 0, lambda *args, **settings: None, True),
    ]
    for probe, walk_rows, visits, in_time, gathered in cases:
        with monkeypatch.context() as patch:
            patch.setattr(postgres, "PROBE_ROWS", probe)
            patch.setattr(postgres, "REST_WALK_ROWS", walk_rows)
            patch.setattr(postgres, "_rows_visited", lambda plan, visits=visits: visits)
            if in_time:
                patch.setattr(postgres, "_in_time", in_time)
            first_walks.clear()
            with CaptureQueriesContext(connection) as queries:
                got = headings(anonymous.get(LIST, params))
        assert got == expected, (probe, walk_rows)
        assert first_walks == [walk]
        read = [q["sql"] for q in queries if not q["sql"].startswith("EXPLAIN")]
        assert any(f'"{column}" + 0) DESC' in q for q in read) == gathered, visits


@postgres_only
def test_a_walk_from_a_day_tries_the_newest_rows_first_and_reads_the_rest_either_way(
    anonymous, make_question, monkeypatch, analyse
):
    """Where the planner would walk the tabling date's index from a filter's day,
    the newest rows tabled by then are walked first (``_tabled_from``); what
    they hold says whether the rest is walked on below them or gathered and
    sorted. Whichever way, the list is the most recently tabled matches."""
    from django.test.utils import CaptureQueriesContext

    from answers.search import postgres

    monkeypatch.setattr(views, "COUNT_LIMIT", 5)
    monkeypatch.setattr(search, "RANK_LIMIT", 5)
    monkeypatch.setattr(postgres, "COMMON", float("inf"))
    questions = _older_and_newer(make_question, "ferries")
    first_walks = []
    tabled_from = postgres._tabled_from

    def spy(*args):
        rows = tabled_from(*args)
        first_walks.append(rows is not None)
        return rows

    monkeypatch.setattr(postgres, "_tabled_from", spy)
    answered_by = {"q": "ferries", "answered_to": "2025-01-31"}
    with planner_without("seqscan", "bitmapscan", "sort"):
        analyse()
        expected = _most_recently_tabled(questions)
        assert expected[0] == "Q40"  # tabled last, added early
        _walked_first_either_way(
            anonymous, monkeypatch, answered_by, expected, first_walks, True, "date_tabled"
        )
        # Gathered, the filter's own day (which the walked rows' day implies)
        # is read through no index where it keeps most questions (``WIDE``),
        # and may be intersected with the date's index where it keeps few.
        for wide, plain in ((0.0, True), (2.0, False)):
            with monkeypatch.context() as patch:
                patch.setattr(postgres, "PROBE_ROWS", 1)
                patch.setattr(postgres, "REST_WALK_ROWS", 0)
                patch.setattr(postgres, "_rows_visited", lambda plan: 0)
                patch.setattr(postgres, "WIDE", wide)
                with CaptureQueriesContext(connection) as queries:
                    got = headings(anonymous.get(LIST, answered_by))
            assert got == expected
            read = [q["sql"] for q in queries if not q["sql"].startswith("EXPLAIN")]
            gathered = [q for q in read if '"date_tabled" + 0) DESC' in q]
            assert len(gathered) == 1, wide
            day = "'2025-01-31'::date"
            assert (f'"answers_question"."date_tabled" + 0) <= {day}' in gathered[0]) == plain
            assert (f'"answers_question"."date_tabled" <= {day}' in gathered[0]) != plain
        # Fewer rows tabled by the day than a first walk: walked as before.
        first_walks.clear()
        assert headings(anonymous.get(LIST, answered_by)) == expected
        assert first_walks == [False]


@postgres_only
def test_answers_between_two_days_are_walked_from_the_later_day_newest_answered_first(
    anonymous, make_question, monkeypatch, analyse
):
    """A common word in answers given between two days, with not one match among
    the newest ids: where the planner would read the answers' index, the
    newest answered by the later day are walked first (``_tabled_from`` on
    the answer date), and what they hold says whether the rest is walked or
    gathered. Whichever way, the list is the most recently answered matches
    in the span; and where the planner gathers through bitmaps, no walk."""

    from answers.search import postgres

    monkeypatch.setattr(views, "COUNT_LIMIT", 5)
    monkeypatch.setattr(search, "RANK_LIMIT", 5)
    monkeypatch.setattr(postgres, "COMMON", 0.0)  # walked for
    questions = _older_and_newer(make_question, "ferries")
    first_walks = []
    tabled_from = postgres._tabled_from

    def spy(rows, text, limit, day, column="date_tabled"):
        found = tabled_from(rows, text, limit, day, column)
        first_walks.append((column, day, found is not None))
        return found

    monkeypatch.setattr(postgres, "_tabled_from", spy)
    between = {"q": "ferries", "answered_from": "2024-05-01", "answered_to": "2024-06-30"}
    start, end = datetime.date(2024, 5, 1), datetime.date(2024, 6, 30)
    answered = [
        q for q in questions if q.get_answer() and start <= q.get_answer().date_answered <= end
    ]
    newest = sorted(
        answered, key=lambda q: (q.get_answer().date_answered, q.date_tabled, q.pk), reverse=True
    )
    expected = [q.heading for q in newest][:5]
    # Neither the newest added (Q239 and down: not answered) nor Q40 (tabled
    # last of the older ones, answered after the span).
    assert expected[0] == "Q58" and "Q40" not in expected
    walk = ("answer_date", end, True)
    with planner_without("seqscan", "bitmapscan", "sort"):
        analyse()
        _walked_first_either_way(
            anonymous, monkeypatch, between, expected, first_walks, walk, "answer_date"
        )
        # Fewer rows answered by the day than a first walk: read as before.
        first_walks.clear()
        assert headings(anonymous.get(LIST, between)) == expected
        assert first_walks == [("answer_date", end, False)]
        # Tabled by a later day as well: every one was tabled by the last day
        # of the answers (none is answered before it is tabled), and the
        # tabling date is walked from that day, not the later one.
        with monkeypatch.context() as patch:
            patch.setattr(postgres, "PROBE_ROWS", 1)
            first_walks.clear()
            tabled = {**between, "tabled_to": "2025-12-31"}
            assert headings(anonymous.get(LIST, tabled)) == expected
            assert first_walks == [("date_tabled", end, True)]

    # Read along another filter's index (the few questions of one House) and
    # sorted: no first walk of the answers either.
    def read_along(index_cond):
        scan = {"Node Type": "Index Scan", "Index Cond": index_cond}
        return {"Node Type": "Limit", "Plans": [{"Node Type": "Sort", "Plans": [scan]}]}

    assert postgres._reads_along(read_along("(answer_date <= '2024-06-30'::date)"), "answer_date")
    assert not postgres._reads_along(read_along("((house)::text = 'Lords'::text)"), "answer_date")
    # Gathered through the indexes' bitmaps, the planner reads no index in
    # order: nothing to walk, and the matches are read as before.
    with monkeypatch.context() as patch, planner_without("seqscan", "indexscan"):
        patch.setattr(postgres, "PROBE_ROWS", 1)
        first_walks.clear()
        assert headings(anonymous.get(LIST, between)) == expected
        assert first_walks == []


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_read_out_of_time_is_cancelled_and_the_transaction_goes_on():
    """``_in_time``: None for a query past its time, its rows otherwise, and the
    timeout only for that query, inside a transaction or not."""
    from django.db import transaction

    from answers.search import postgres

    def timeout():
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('statement_timeout')")
            return cursor.fetchone()[0]

    before = timeout()
    for outer in (False, True):
        with transaction.atomic() if outer else contextlib.nullcontext():
            assert postgres._in_time("SELECT pg_sleep(0.5)", [], 50) is None
            assert postgres._in_time("SELECT %s", [7], 5000) == [(7,)]
            assert timeout() == before
            with connection.cursor() as cursor:  # the transaction is still usable
                cursor.execute("SELECT 1")


def test_an_index_read_and_then_sorted_does_not_seek():
    """``_seeks``: the tabling date's index read from the oldest question to a
    bound, and the rows sorted, is the whole range read."""
    from answers.search.postgres import _seeks

    def index(cond):
        return {"Node Type": "Index Scan", "Index Cond": cond}

    walked = {"Node Type": "Limit", "Plans": [index("(date_tabled <= '2016-12-31'::date)")]}
    assert _seeks(walked, "date_tabled")
    assert not _seeks(walked, "answer_date")
    read_whole = {"Node Type": "Sort", "Plans": [index("(date_tabled <= '2016-12-31'::date)")]}
    assert not _seeks({"Node Type": "Limit", "Plans": [read_whole]}, "date_tabled")
    gathered = {"Node Type": "Sort", "Plans": [{"Node Type": "Bitmap Heap Scan", "Plans": []}]}
    assert _seeks({"Node Type": "Limit", "Plans": [gathered]}, "date_tabled")


@postgres_only
def test_a_rare_word_or_an_unanalysed_table_are_searched_at_once(
    make_question, analyse, monkeypatch
):
    from answers.search import postgres
    from answers.search.postgres import first_range

    questions = [
        make_question(heading=f"Q{n}", text="To ask about Auchtermuchty." if n == 3 else "To ask.")
        for n in range(60)
    ]
    analyse()
    low, *_ = first_range("Auchtermuchty", 6)
    assert low is None or low < questions[0].pk
    low, _, share, _ = first_range("ask", 6)
    assert low > questions[0].pk and share > 0.9  # in every question: the newest few
    # Without statistics (a table never analysed) nothing can be said of any word.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM pg_statistic WHERE starelid = 'answers_question'::regclass")
    postgres._shares["read"] = None
    assert first_range("ask", 6) == (None, questions[-1].pk, None, questions[0].pk)


# --- query counts ------------------------------------------------------------------


# A search costs what the list costs (see test_question_list.LIST_QUERIES):
#   1. departments for the department select
#   2. the newest 1,001 matches with their rank (ordered in Python; their
#      number is the count); on PostgreSQL, before it, the searched words'
#      lexemes and the highest and lowest ids, to choose the ids to look
#      among first (with another filter besides, older ranges and the
#      planner's estimates of them may follow: as many as the data needs,
#      whatever the number of rows shown)
#   3. the page's 25 questions by primary key, with snippets and everything
#      joined in
# ("Asked by" and "Answered by" are type-ahead text boxes: no member lists.)
@pytest.mark.parametrize("rows", [1, 60])
def test_search_query_count_is_fixed(anonymous, make_question, django_assert_num_queries, rows):
    for n in range(rows):
        make_question(
            heading=f"Vaccines {n}",
            text=f"To ask about vaccines, number {n}.",
            asked_by=f"Member {n % 7}",
            date_answered=datetime.date(2025, 3, 1) if n % 2 else None,
            answered_by=f"Minister {n % 3}",
        )
    anonymous.get(LIST, {"q": "vaccine"})  # a process reads the words' shares now and then
    with django_assert_num_queries(4 if connection.vendor == "postgresql" else 3):
        response = anonymous.get(LIST, {"q": "vaccine"})
    assert len(headings(response)) == min(rows, 25)
    # Newest first: the matches' keys (their number is the count), the page's
    # questions, their snippets, and the departments.
    with django_assert_num_queries(4):
        response = anonymous.get(LIST, {"q": "vaccine", "sort": "newest_tabled"})
    assert len(headings(response)) == min(rows, 25)
    assert response.content.decode().count('<mark class="app-mark">') == min(rows, 25)


@pytest.fixture
def dated_matches(make_question, monkeypatch, analyse):
    """200 questions a day apart, a word in every third, answered a varying
    time after tabling (the newest not yet); a search pages through 40
    matches (``RANK_LIMIT``), so that a window of a few hundred rows pays, as
    one of 70,000 does at a million questions."""
    questions = _daily_ferries(make_question, monkeypatch, 200, answered_below=190)
    analyse()
    return questions


def _daily_ferries(make_question, monkeypatch, count, answered_below):
    """``count`` questions a day apart from 1 January 2024, "ferries" in every
    third, each answered a varying time after it was tabled (those from
    ``answered_below`` on, not yet); a search pages through 40 matches
    (``RANK_LIMIT``), and a window may span every row."""
    from answers.search import postgres

    monkeypatch.setattr(search, "RANK_LIMIT", 40)
    monkeypatch.setattr(postgres, "WINDOW_WIDEST", 1.0)
    first = datetime.date(2024, 1, 1)
    questions = []
    for n in range(count):
        tabled = first + datetime.timedelta(days=n)
        answered = tabled + datetime.timedelta(days=(n * 7) % 45)
        questions.append(
            make_question(
                heading=f"Q{n}",
                text="To ask about ferries." if n % 3 == 1 else "To ask about buses.",
                date_tabled=tabled,
                date_answered=answered if n < answered_below else None,
            )
        )
    return questions


def _in_list_order(questions, sort):
    def key(question):
        answer = question.get_answer()
        answered = answer.date_answered if answer else None
        tabled = question.date_tabled.toordinal()
        if sort == "newest_tabled":
            return (-tabled, -question.pk)
        return (
            answered is None,
            -(answered or datetime.date.min).toordinal(),
            -tabled,
            -question.pk,
        )

    return [q.heading for q in sorted(questions, key=key) if "ferries" in q.text]


@postgres_only
def test_a_deep_page_of_a_search_by_date_reads_a_window_of_the_newest_dates(
    anonymous, dated_matches, monkeypatch
):
    """Page 2 of a word's matches newest first is read from the newest dates that
    should hold the list's 40, not by walking the date's index past every
    question since; the same rows as the whole list gives, on every page."""
    from django.test.utils import CaptureQueriesContext

    from answers.search import postgres

    for sort, column in (("newest_tabled", "date_tabled"), ("newest_answered", "answer_date")):
        expected = _in_list_order(dated_matches, sort)[:40]
        for page in (1, 2):
            with CaptureQueriesContext(connection) as queries:
                response = anonymous.get(LIST, {"q": "ferries", "sort": sort, "page": page})
            assert headings(response) == expected[(page - 1) * 25 : page * 25]
            paginator = response.context["page"].paginator
            assert (paginator.count, paginator.capped) == (40, True)
            windowed = [
                q["sql"]
                for q in queries
                if f'"{column}" >=' in q["sql"] and not q["sql"].startswith("EXPLAIN")
            ]
            # The first page is found walking, as soon; the second reads a window.
            assert len(windowed) == page - 1, sort
        json = anonymous.get(reverse("questions_json"), {"q": "ferries", "sort": sort, "page": 2})
        assert [row["heading"] for row in json.json()["results"]] == expected[25:]
        # A filter that leaves nothing has no window to look in.
        nothing = {"status": "withdrawn", "timeliness": "late", "page": 2}
        response = anonymous.get(LIST, {"q": "ferries", "sort": sort, **nothing})
        assert response.status_code == 200 and headings(response) == []

    # Where a filter keeps only older questions, no window of the newest
    # dates holds their matches: the few there are are read and sorted.
    older = [q for q in dated_matches if q.date_tabled <= datetime.date(2024, 5, 30)]
    expected = _in_list_order(older, "newest_tabled")
    assert 40 < len(expected) < 67
    wanted = {"q": "ferries", "sort": "newest_tabled", "tabled_to": "2024-05-30", "page": 2}
    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get(LIST, wanted)
    assert headings(response) == expected[25:40]
    assert any(" + 0) DESC" in q["sql"] for q in queries)

    # The window is an estimate: where it holds fewer matches than the list
    # shows (here, spanning a tenth of the rows it should), they say how
    # many the list holds, and the list is read another way.
    monkeypatch.setattr(postgres, "WINDOW_MARGIN", 0.1)
    for sort in ("newest_tabled", "newest_answered"):
        response = anonymous.get(LIST, {"q": "ferries", "sort": sort, "page": 2})
        assert headings(response) == _in_list_order(dated_matches, sort)[25:40]
        assert response.context["page"].paginator.capped


@postgres_only
def test_a_search_is_counted_without_the_index_of_dates_that_keep_most_questions(
    anonymous, dated_matches
):
    """A search by date is counted (up to its limit, in any order) with its
    bounds on a date written so that no index is read for them where
    together they keep most of the questions; the count and the rows are
    those of the list either way."""
    from django.test.utils import CaptureQueriesContext

    unindexed = '("answers_question"."answer_date" + 0)'
    cases = [
        ({"answered_to": "2024-12-31"}, True),  # nearly every question
        ({"answered_to": "2024-02-15"}, False),  # a few weeks'
        # From early on, alone, would keep most; with "to", a few weeks.
        ({"answered_from": "2024-01-10", "answered_to": "2024-02-15"}, False),
    ]
    for filters, wide in cases:
        start = datetime.date.fromisoformat(filters.get("answered_from", "2000-01-01"))
        end = datetime.date.fromisoformat(filters["answered_to"])
        answered = [
            q
            for q in dated_matches
            if q.get_answer() and start <= q.get_answer().date_answered <= end
        ]
        expected = _in_list_order(answered, "newest_answered")
        with CaptureQueriesContext(connection) as queries:
            response = anonymous.get(LIST, {"q": "ferries", "sort": "newest_answered", **filters})
        assert headings(response) == expected[:25], filters
        paginator = response.context["page"].paginator
        assert (paginator.count, paginator.capped) == (min(len(expected), 40), len(expected) > 40)
        assert any(unindexed in q["sql"] for q in queries) == wide, filters


def _within_dates(question, filters):
    """Whether ``question`` is within the "from" and "to" days of ``filters``
    (tabled from a day; answered from and to days)."""

    def day(name, default):
        return datetime.date.fromisoformat(filters.get(name, default))

    if question.date_tabled < day("tabled_from", "2000-01-01"):
        return False
    if "answered_from" not in filters and "answered_to" not in filters:
        return True
    answer = question.get_answer()
    return bool(answer) and (
        day("answered_from", "2000-01-01")
        <= answer.date_answered
        <= day("answered_to", "2100-01-01")
    )


@postgres_only
def test_a_list_without_words_is_counted_without_the_index_of_dates_that_keep_most_questions(
    anonymous, dated_matches
):
    """So is a list without words bounded by the answers' dates, for its tabling
    date: counted along the tabling date's index from its "from" day up, the
    planner expects the other filters' matches spread evenly, and answers
    given since a recent day are all at the far end (at a million questions,
    a name's questions tabled since 2015 and answered since 2023: 636,000 rows
    passed, 320 ms). The answer's date keeps its index where its span has a
    start; answered by a day, and no other, the rows it keeps are the oldest,
    and it has none (a department's answers by 2022 that came on time, read
    along the answers' dates from the oldest: 116,000 rows passed, 90 ms).
    The count and the rows are those of the list either way."""
    from django.test.utils import CaptureQueriesContext

    tabled, answered = (
        '("answers_question"."date_tabled" + 0)',
        '("answers_question"."answer_date" + 0)',
    )
    cases = [
        # filters, whether the tabling date and the answer's are unindexed
        # From early on, the tabling date keeps nearly every question.
        ({"tabled_from": "2024-01-05", "answered_from": "2024-06-01"}, True, False),
        ({"tabled_from": "2024-07-01", "answered_from": "2024-06-01"}, False, False),  # weeks'
        ({"tabled_from": "2024-01-05"}, False, False),  # no answer's date
        ({"answered_from": "2024-01-05"}, False, False),
        # Answered by a day (so tabled by it too) that keeps nearly every question.
        ({"answered_to": "2024-12-31"}, True, True),
        ({"answered_to": "2024-02-15"}, False, False),  # a few weeks'
        ({"answered_from": "2024-01-05", "answered_to": "2024-12-31"}, False, False),
    ]
    for filters, tabled_wide, answered_wide in cases:
        rows = [q for q in Question.objects.all() if _within_dates(q, filters)]
        expected = [q.heading for q in sorted(rows, key=lambda q: (q.date_tabled, q.pk))][::-1]
        with CaptureQueriesContext(connection) as queries:
            response = anonymous.get(LIST, filters)
        assert headings(response) == expected[:25], filters
        assert response.context["page"].paginator.count == len(expected), filters
        counts = [q["sql"] for q in queries if "LIMIT 2001" in q["sql"]]
        assert len(counts) == 1, filters
        assert (tabled in counts[0], answered in counts[0]) == (tabled_wide, answered_wide), filters
        # The CSV counts its matches the same way before it reads them.
        with CaptureQueriesContext(connection) as queries:
            exported = anonymous.get(reverse("questions_csv"), filters)
            assert len(list(csv.DictReader(io.StringIO(b"".join(exported).decode())))) == len(rows)
        counts = [q["sql"] for q in queries if "LIMIT 2001" in q["sql"]]
        assert len(counts) == 1 and (answered in counts[0]) == answered_wide, filters


@postgres_only
def test_a_deep_page_between_dates_gives_the_lists_own_rows(anonymous, dated_matches, monkeypatch):
    """A filter's "from" and "to" dates of the list's own date bound its window
    and the density of its matches (``after`` and ``before``): whichever way
    the keys are read, each page holds the rows the whole list has there."""
    from answers.search import postgres

    spans = []
    newest_keys = postgres.newest_keys

    def spy(
        queryset, text, column, wanted, upto, before=None, after=None, implied=False, tabled=None
    ):
        spans.append((column, after, before, implied, tabled))
        return newest_keys(queryset, text, column, wanted, upto, before, after, implied, tabled)

    monkeypatch.setattr(postgres, "newest_keys", spy)
    start, day = datetime.date(2024, 1, 10), datetime.date(2024, 6, 29)

    def answered(question):
        answer = question.get_answer()
        return answer.date_answered if answer else None

    def within(date):
        return date is not None and start <= date <= day

    def tabled(question):
        return question.date_tabled

    cases = [
        # sort, filter, the date it filters by, the span newest_keys is given
        ("newest_tabled", "tabled", tabled, (start, day, False, None)),
        ("newest_answered", "answered", answered, (start, day, False, None)),
        # Answered by a day, tabled by then too; answered since a day says
        # nothing of when the question was tabled.
        ("newest_tabled", "answered", answered, (None, day, True, None)),
        # Tabled by a day, answered that day or later: the answers' span is
        # open, and the day the questions were tabled by is given.
        ("newest_answered", "tabled", tabled, (None, None, False, day)),
    ]
    for sort, field, date, span in cases:
        expected = _in_list_order([q for q in dated_matches if within(date(q))], sort)[:40]
        assert len(expected) == 40
        spans.clear()
        wanted = {"q": "ferries", "sort": sort, f"{field}_from": start, f"{field}_to": day}
        response = anonymous.get(LIST, {**wanted, "page": 2})
        assert headings(response) == expected[25:40], (sort, field)
        column = "date_tabled" if sort == "newest_tabled" else "answer_date"
        assert spans == [(column, *span)], (sort, field)


@postgres_only
def test_a_window_of_answers_is_read_through_its_dates_rather_than_a_tabling_bound(
    make_question, monkeypatch, analyse
):
    """``_window_read``: newest answered first and tabled by a day, a window of
    the answers' dates is read through their index. Where the planner would
    read the tabling bound's own index instead (it does not intersect both),
    a bound that keeps most questions is offered to no index; where it reads
    the window's dates already, or the bound keeps few, nothing changes.
    The rows are the same every way."""
    from answers.search import postgres

    for n in range(40):
        tabled = datetime.date(2024, 1, 1) + datetime.timedelta(days=5 * n)
        make_question(
            heading=f"Q{n}",
            text="To ask about ferries.",
            date_tabled=tabled,
            date_answered=tabled + datetime.timedelta(days=10),
        )
    analyse()
    day = datetime.date(2024, 6, 30)
    since = datetime.date(2024, 5, 1)
    window = postgres._from_day(Question.objects.filter(date_tabled__lte=day), "answer_date", since)
    expected = sorted(window.values_list("pk", flat=True))
    assert expected
    plain = '"date_tabled" + 0) <='

    def read(*, plan_reads, wide, tabled=day):
        node = {"Node Type": "Bitmap Index Scan", "Index Cond": "(answer_date >= x)"}
        plan = {"Node Type": "Bitmap Heap Scan", "Plans": [node if plan_reads else {}]}
        with monkeypatch.context() as patch:
            patch.setattr(postgres, "WIDE", 0.0 if wide else 2.0)
            rows = postgres._window_read(window, "answer_date", tabled, plan)
            sql = str(rows.query)
            assert sorted(rows.values_list("pk", flat=True)) == expected
        return plain in sql

    assert read(plan_reads=False, wide=True)
    assert not read(plan_reads=True, wide=True)
    assert not read(plan_reads=False, wide=False)
    assert not read(plan_reads=False, wide=True, tabled=None)


def test_a_window_of_dates_ends_at_a_to_date():
    """From ANALYZE's histogram: ten bins of 100 rows, one a day."""
    from answers.search.postgres import _between, _since

    day = [datetime.date(2024, 1, n) for n in range(1, 12)]
    stats = (1000.0, 0.0, None, None, day)
    # The newest 250 rows are in the bins from the 8th.
    assert _since(stats, 250) == (day[7], pytest.approx(300))
    # Up to the 6th: the bins from the 3rd to the 6th, not those after it;
    # and counted, the rows of the 6th itself (its bin, one day, to the next).
    assert _since(stats, 250, day[5]) == (day[2], pytest.approx(400))
    assert _since(stats, 2000, day[5]) == (None, 0)
    # Rows between two days: every bin that reaches into the span.
    assert _between(stats, None, day[5]) == pytest.approx(600)
    assert _between(stats, day[2], day[5]) == pytest.approx(500)
    assert _between(stats, day[9], None) == pytest.approx(200)
    # A common value counts on its own day.
    common = (1000.0, 0.0, [day[4]], [0.5], day)
    assert _since(common, 500, day[5]) == (day[4], pytest.approx(500 + 50 + 50))
    # A day within a bin of ten days: its rows to that day, by their days.
    tens = [datetime.date(2024, 1, 1) + datetime.timedelta(days=10 * n) for n in range(11)]
    decades = (1000.0, 0.0, None, None, tens)
    assert _since(decades, 150, datetime.date(2024, 1, 25)) == (tens[0], pytest.approx(250))
    assert _since(decades, 150, tens[-1]) == (tens[8], pytest.approx(200))
    assert _between(common, None, day[3]) == pytest.approx(50 * 4)
    assert _between(common, day[4], day[4]) == pytest.approx(50 * 2 + 500)


# --- the parser ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fts5"),
    [
        ("vaccines", '"vaccines"'),
        ("mental health", '"mental" AND "health"'),
        ('"mental health" kent', '"mental health" AND "kent"'),
        ("dentists OR opticians kent", '("dentists" OR "opticians") AND "kent"'),
        ("kent -opticians", '("kent") NOT "opticians"'),
        ('kent -"fish farms"', '("kent") NOT "fish farms"'),
        ("the schools", '"schools"'),
        ("covid-19", '"covid 19"'),
        ('say "hello', '"say" AND "hello"'),
        ("-kent", None),
        ("", None),
    ],
)
def test_searches_are_read_as_websearch_syntax(text, fts5):
    assert to_fts5(parse(text)) == fts5


@postgres_only
def test_a_deep_page_answered_by_a_day_is_walked_from_that_day(
    anonymous, dated_matches, monkeypatch
):
    """Answered by a day, newest tabled: the planner thinks the matches few
    (it counts "answered by" and "tabled by" as unrelated) and would read
    every row up to the day to sort them. A deep page's keys are instead
    walked newest first from the day, at most ``WALK_ROWS`` rows down, and
    gathered where that falls short: either way the page holds the list's
    own rows."""
    from django.test.utils import CaptureQueriesContext

    from answers.search import postgres

    day = datetime.date(2024, 6, 10)

    def answered(question):
        answer = question.get_answer()
        return answer is not None and answer.date_answered <= day

    expected = _in_list_order([q for q in dated_matches if answered(q)], "newest_tabled")
    assert len(expected) > 41  # more than the list ranks (``RANK_LIMIT``)
    wanted = {"q": "ferries", "sort": "newest_tabled", "answered_to": day, "page": 2}

    def fetched():
        with CaptureQueriesContext(connection) as queries:
            response = anonymous.get(LIST, wanted)
        assert headings(response) == expected[25:40]
        sql = [q["sql"] for q in queries]
        walked = any("'enable_sort'" in q for q in sql)
        gathered = any(" + 0) DESC" in q for q in sql)
        return walked, gathered

    # As at a million questions, where reading every match costs more than
    # the walk.
    monkeypatch.setattr(postgres, "WINDOW_ROW_US", 1000.0)
    assert fetched() == (True, False)
    # The walk stops (at the rows of the 20 days before the day) short of
    # the 41st match: every match is gathered.
    since = day - datetime.timedelta(days=20)
    monkeypatch.setattr(postgres, "_since", lambda stats, rows, before=None: (since, rows))
    assert fetched() == (True, True)
    # The estimate says a walk would not find them within its rows.
    monkeypatch.setattr(postgres, "WALK_ROWS", 1)
    assert fetched() == (False, True)


@postgres_only
def test_a_deep_page_newest_answered_tabled_by_a_day_reads_answers_from_its_tabling(
    anonymous, make_question, monkeypatch, analyse
):
    """Newest answered first, tabled by a day: each question was answered
    after it was tabled, so the list's newest answers are those of the
    questions tabled last by the day, and the answers given after it are
    nearly all to later questions. The window of answers starts where the
    newest of the list's questions were tabled, and holds the page's rows;
    reckoned from the answers' dates alone, it started after the day and
    held a few of them."""
    from django.test.utils import CaptureQueriesContext

    questions = _daily_ferries(make_question, monkeypatch, 480, answered_below=480)
    analyse()
    day = questions[0].date_tabled + datetime.timedelta(days=300)
    expected = _in_list_order([q for q in questions if q.date_tabled <= day], "newest_answered")
    wanted = {"q": "ferries", "sort": "newest_answered", "tabled_to": day, "page": 2}
    with CaptureQueriesContext(connection) as queries:
        response = anonymous.get(LIST, wanted)
    assert headings(response) == expected[25:40]
    sql = [q["sql"] for q in queries if not q["sql"].startswith("EXPLAIN")]
    windows = [
        datetime.date.fromisoformat(found)
        for q in sql
        for found in re.findall(r'"answer_date" >= \'(\d{4}-\d\d-\d\d)', q)
    ]
    assert len(windows) == 1 and windows[0] <= day, windows
    assert not any(" + 0) DESC" in q for q in sql)  # not every match gathered


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_planners_settings_are_put_back_after_a_read():
    """Set for a read's transaction, and put back where that transaction is
    part of a longer one (a view in ``ATOMIC_REQUESTS``, a test)."""
    from django.db import transaction

    from answers.search import postgres

    def settings():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('enable_sort'), current_setting('enable_bitmapscan'), "
                "current_setting('enable_indexscan')"
            )
            return cursor.fetchone()

    for outer in (False, True):
        with transaction.atomic() if outer else contextlib.nullcontext():
            with postgres._in_order():
                assert settings() == ("off", "off", "on")
            with postgres._bitmaps():
                assert settings() == ("on", "on", "off")
            assert settings() == ("on", "on", "on")


@postgres_only
@pytest.mark.parametrize("field, name", [("member", "Williams"), ("minister", "Williams")])
def test_a_search_by_a_name_that_several_share_reads_the_text_index_once_for_all(
    make_question, analyse, anonymous, field, name
):
    """Everyone of a name is one key of the text index (migration 0023): the
    index reads the words' entries once, not once for each member or post.
    Without words, the list is read from the member's or post's own index."""
    from answers.filters import QuestionFilter
    from answers.search import postgres

    people = ["Ann Williams", "Bob Williams", "Cat Jones"]
    made = []
    for n in range(120):
        person = people[n % 3]
        made.append(
            make_question(
                text="To ask about schools." if n % 2 == 0 else f"To ask about prisons {n}.",
                asked_by=person,
                answered_by=person,
                date_answered=datetime.date(2025, 2, 20),
            )
        )
    analyse()
    williams = [
        q for q in made if q.asking_member.name.endswith("Williams") and "schools" in q.text
    ]
    response = anonymous.get(LIST, {"q": "schools", field: name, "sort": "newest_tabled"})
    assert response.context["page"].paginator.count == len(williams) == 40

    filterset = QuestionFilter({"q": "schools", field: name}, queryset=Question.objects)
    assert filterset.is_valid(), filterset.errors
    filterset.qs  # noqa: B018 - filters and ranks
    queryset = filterset.every_match()
    with planner_without("seqscan", "indexscan"):
        plan = postgres._plan(
            queryset.order_by(), "schools", 5, None, None, made[-1].pk, blocks=False
        )
    conditions = [
        node.get("Index Cond", "") for node in postgres._nodes(plan) if "Index Name" in node
    ]
    column = "asking_member_id" if field == "member" else "answer_minister_id"
    assert len(conditions) == 1
    assert f"ARRAY[{column}] && " in conditions[0] and "search_vector @@" in conditions[0]

    listed = QuestionFilter({field: name}, queryset=Question.objects)
    assert listed.is_valid(), listed.errors
    with planner_without("seqscan", "bitmapscan"):
        plan = postgres._explain(*listed.qs.order_by().query.sql_with_params())
    assert {node.get("Index Name") for node in postgres._nodes(plan)} & {
        "question_asker_newest",
        "question_minister_newest",
    }


@postgres_only
def test_a_list_by_askers_and_a_minister_reads_both_from_one_index(
    make_question, analyse, anonymous
):
    """Asked by some and answered by others, without words: the text index
    holds both as keys and intersects them before any question is read,
    rather than every answer of the minister being read to find the few
    asked by the members (at a million questions, 18,000 read to keep 577).
    The list holds the questions both filters keep, newest tabled first."""
    from answers.filters import QuestionFilter
    from answers.search import postgres

    askers, ministers = ["Ann Williams", "Bob Williams", "Cat Jones"], ["Dan Smith", "Eve Brown"]
    made = [
        make_question(
            heading=f"Q{n}",
            date_tabled=datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
            asked_by=askers[n % 3],
            answered_by=ministers[n % 2],
            date_answered=datetime.date(2025, 6, 1),
        )
        for n in range(60)
    ]
    analyse()
    wanted = {"member": "Williams", "minister": "Smith"}
    expected = [
        q.heading
        for q in sorted(made, key=lambda q: q.date_tabled, reverse=True)
        if q.asking_member.name.endswith("Williams")
        and q.get_answer().minister.member.name == "Dan Smith"
    ]
    response = anonymous.get(LIST, wanted)
    assert headings(response) == expected == [f"Q{n}" for n in range(58, -1, -2) if n % 3 != 2]

    for filters, together in ((wanted, True), ({"member": "Williams"}, False)):
        listed = QuestionFilter(filters, queryset=Question.objects)
        assert listed.is_valid(), listed.errors
        with planner_without("seqscan"):
            plan = postgres._explain(*listed.qs.order_by().query.sql_with_params())
        conditions = [node.get("Index Cond", "") for node in postgres._nodes(plan)]
        both = [c for c in conditions if "ARRAY[asking_member_id] &&" in c]
        assert bool(both) == together, filters
        assert not together or "ARRAY[answer_minister_id] &&" in both[0]


def _waited(questions, tabled_to, answered_from):
    """``questions`` tabled by ``tabled_to`` and answered from ``answered_from``."""
    return [
        q
        for q in questions
        if q.date_tabled <= tabled_to
        and q.get_answer() is not None
        and q.get_answer().date_answered >= answered_from
    ]


@pytest.mark.parametrize("keys", ["few", "too many"])
def test_a_list_tabled_by_a_day_and_answered_from_a_later_one_reads_those_that_waited_first(
    anonymous, make_question, monkeypatch, analyse, keys
):
    """Tabled by a day and answered from a later one, a list holds the questions
    that waited at least the days between: few, though the planner takes
    the two dates as unrelated and plans thousands (at a million questions,
    "health" tabled by mid-2019 and answered since September: one question,
    found by walking 230,000 rows, 160 ms). On PostgreSQL they are read
    first from the answers' index, which holds both dates, and the list,
    its count, each sort and every export read only them; where they are
    more than ``WAITED_KEYS``, the list reads its rows its own way. Either
    way, and on both databases, every view gives the same questions."""
    from django.test.utils import CaptureQueriesContext

    from answers.search import postgres

    if keys == "too many":
        monkeypatch.setattr(postgres, "WAITED_KEYS", 3)
    questions = _daily_ferries(make_question, monkeypatch, 200, answered_below=190)
    analyse()
    tabled_to, answered_from = datetime.date(2024, 5, 31), datetime.date(2024, 6, 10)
    waited = _waited(questions, tabled_to, answered_from)
    ferries = [q for q in waited if "ferries" in q.text]
    assert 3 < len(ferries) < len(waited) < 25
    dates = {"tabled_to": tabled_to.isoformat(), "answered_from": answered_from.isoformat()}
    read_first = 'ORDER BY "answers_question"."answer_date" ASC NULLS FIRST'
    for words, rows in (({}, waited), ({"q": "ferries"}, ferries)):
        for sort in ("newest_tabled", "newest_answered", "relevance"):
            filters = {**dates, **words, "sort": sort}
            expected = [
                q.heading
                for q in sorted(
                    rows,
                    key=lambda q: (
                        (
                            (-q.get_answer().date_answered.toordinal(), -q.date_tabled.toordinal())
                            if sort == "newest_answered"
                            else (-q.date_tabled.toordinal(),)
                        )
                        + (-q.pk,)
                    ),
                )
            ]
            with CaptureQueriesContext(connection) as queries:
                response = anonymous.get(LIST, filters)
            listed = headings(response)
            if words and sort == "relevance":
                # Ranked: the same questions, best first (all rank alike here).
                assert sorted(listed) == sorted(expected), filters
            else:
                assert listed == expected, filters
            assert response.context["page"].paginator.count == len(expected), filters
            with CaptureQueriesContext(connection) as exports:
                exported = anonymous.get(reverse("questions_csv"), filters)
                body = b"".join(exported.streaming_content).decode()
                data = anonymous.get(reverse("questions_json"), filters).json()
                feed = anonymous.get(reverse("questions_feed"), filters).content.decode()
            in_csv = [row["heading"] for row in csv.DictReader(io.StringIO(body))]
            assert in_csv == expected, filters  # ranked or not, newest first
            assert sorted(row["heading"] for row in data["results"]) == sorted(expected), filters
            titles = re.findall(r"<entry><title>([^<]*)</title>", feed)
            assert sorted(titles) == sorted(expected), filters
            if connection.vendor == "postgresql":
                for captured, reads in ((queries, 1), (exports, 3)):
                    first = [q["sql"] for q in captured if read_first in q["sql"]]
                    assert len(first) == reads, filters
                    by_keys = '"answers_question"."id" = ANY('
                    bounded = [q["sql"] for q in captured if by_keys in q["sql"]]
                    # (An export reads a few matches by their keys either way.)
                    assert bool(bounded) == (keys == "few") or captured is exports, filters
                    assert bounded or keys != "few", filters
                    # Narrowed by keys again (a page's, a count's): one list, not
                    # two, at each level of a query.
                    twice = [sql for sql in bounded if sql.count("= ANY(") > sql.count("SELECT")]
                    assert twice == [], filters


@pytest.mark.parametrize(
    "tabled_to, answered_from, bounded",
    [
        # Tabled by a day that keeps fewer than half the questions: counted
        # along the tabling date's index, from the first day tabled.
        (datetime.date(2024, 3, 31), datetime.date(2024, 3, 15), True),
        # Most questions, and nearly as many as the planner expects: as it is.
        (datetime.date(2024, 6, 30), datetime.date(2024, 1, 15), False),
    ],
)
def test_a_list_answered_from_a_day_before_the_last_tabled_is_read_from_the_first_day_tabled(
    anonymous, make_question, monkeypatch, analyse, tabled_to, answered_from, bounded
):
    """Tabled by a day and answered from an earlier one, a list holds the
    questions tabled between the two and those tabled before that waited
    into the span. The planner takes the two dates as unrelated and counted
    such a list along the tabling date's index from the oldest question (at
    a million questions, a department's tabled by 2019 and answered since
    2017: 250,000 rows passed, 209 ms). On PostgreSQL the list is bounded by
    the day the earliest question waiting on the earlier day was tabled,
    found in the index of the days each answered question waited
    (``question_pending``), where the planner would read far: a question
    that waited most of a year moves the bound back with it, and stays
    listed. Every sort, the count and the exports give the same questions
    on both databases, bounded or not."""
    from django.test.utils import CaptureQueriesContext

    questions = _daily_ferries(make_question, monkeypatch, 200, answered_below=190)
    dates = {"tabled_to": tabled_to.isoformat(), "answered_from": answered_from.isoformat()}
    for long_wait in (False, True):
        if long_wait:
            questions.append(
                make_question(
                    heading="Long wait",
                    text="To ask about ferries.",
                    date_tabled=datetime.date(2023, 6, 1),
                    date_answered=answered_from + datetime.timedelta(days=5),
                )
            )
        analyse()
        rows = _waited(questions, tabled_to, answered_from)
        first = min(q.date_tabled for q in rows)
        assert first < answered_from
        # Before the first, some are left out; or the longest wait is the first.
        assert [q for q in questions if q.date_tabled < first] != [] or long_wait
        assert ("Long wait" in [q.heading for q in rows]) == long_wait
        for sort in ("newest_tabled", "newest_answered"):
            filters = {**dates, "sort": sort}
            expected = [q.heading for q in sorted(rows, key=_list_key(sort))]
            with CaptureQueriesContext(connection) as queries:
                response = anonymous.get(LIST, filters)
            read = [q["sql"] for q in queries]  # before the next request clears the log
            assert headings(response) == expected[:25], filters
            assert response.context["page"].paginator.count == len(expected), filters
            exported = anonymous.get(reverse("questions_csv"), filters)
            body = b"".join(exported.streaming_content).decode()
            assert [row["heading"] for row in csv.DictReader(io.StringIO(body))] == expected
            data = anonymous.get(reverse("questions_json"), filters).json()
            assert data["count"] == len(expected), filters
            if connection.vendor == "postgresql":
                bound = f"\"date_tabled\" >= '{first.isoformat()}'::date"
                assert bool([sql for sql in read if bound in sql]) == bounded, filters


def _list_key(sort):
    """The order of a list of answered questions sorted ``sort``."""

    def key(q):
        if sort == "newest_answered":
            return (-q.get_answer().date_answered.toordinal(), -q.date_tabled.toordinal(), -q.pk)
        return (-q.date_tabled.toordinal(), -q.pk)

    return key


def _newest_tabled_first(questions):
    """``questions`` as a list shows them by default: newest tabled first."""
    return sorted(questions, key=lambda q: (q.date_tabled, q.pk), reverse=True)


@pytest.mark.parametrize("gathered", [True, False])
def test_a_deep_page_of_a_list_without_words_past_its_count_gathers_its_few_matches(
    anonymous, make_question, monkeypatch, analyse, gathered
):
    """Past the rows a list counts, a deep page of a list without words walks
    the ordering's index and tests every row; where its matches are few in
    the record, that is most of the table (at a million questions, page 20
    of the questions asked by the members named Williams and answered by
    Marsha Lewis: 238,000 rows for 475 of their 2,213, 160 ms). On
    PostgreSQL they are gathered through the indexes and sorted instead
    where the planner expects that to read fewer rows than the walk
    (``VISIT_ROWS`` each); either way, and on both databases, each page holds
    the rows the whole list has there, and the count says there are more."""
    from django.test.utils import CaptureQueriesContext

    from answers.search import postgres

    monkeypatch.setattr(views, "COUNT_LIMIT", 40)
    monkeypatch.setattr(postgres, "VISIT_ROWS", 0 if gathered else float("inf"))
    postgres_db = connection.vendor == "postgresql"
    made = [
        make_question(
            heading=f"Q{n}",
            date_tabled=datetime.date(2024, 1, 1) + datetime.timedelta(days=n % 97),
            asked_by="Ann Williams" if n % 3 == 0 else "Cat Jones",
            answered_by="Dan Smith" if n % 2 == 0 else "Eve Brown",
            date_answered=datetime.date(2024, 6, 1),
        )
        for n in range(300)
    ]
    withdrawn = [
        make_question(
            heading=f"W{n}",
            date_tabled=datetime.date(2024, 1, 1) + datetime.timedelta(days=n),
            is_withdrawn=True,
        )
        for n in range(45)
    ]
    analyse()
    listed = _newest_tabled_first(q for q in made if q.asking_member.name == "Ann Williams")
    for filters, rows, few in (
        (
            {"member": "Williams", "minister": "Smith"},
            [q for q in listed if int(q.heading[1:]) % 2 == 0],
            True,
        ),
        ({"member": "Williams"}, listed, True),
        # Walked through an index that holds the withdrawn alone, no row is
        # passed: nothing to gather.
        ({"status": "withdrawn"}, withdrawn[::-1], False),
    ):
        assert len(rows) > 41
        expected = [q.heading for q in rows]
        for sort in ("", "newest_tabled"):
            wanted = {**filters, "sort": sort, "page": 2} if sort else {**filters, "page": 2}
            # A few hundred questions read as a million would be, where the
            # planner's own way to the page walks the list's index in order.
            steered = (
                planner_without("seqscan", "sort") if postgres_db else contextlib.nullcontext()
            )
            with steered, CaptureQueriesContext(connection) as queries:
                response = anonymous.get(LIST, wanted)
            assert headings(response) == expected[25:40], wanted
            paginator = response.context["page"].paginator
            assert (paginator.count, paginator.capped) == (40, True), wanted
            gather = '("answers_question"."date_tabled" + 0) DESC'
            read = [q["sql"] for q in queries if gather in q["sql"] and "EXPLAIN" not in q["sql"]]
            assert bool(read) == (gathered and few and postgres_db), wanted
    # A filter that leaves nothing has nothing to gather.
    nothing = {"member": "Williams", "status": "withdrawn", "timeliness": "late", "page": 2}
    response = anonymous.get(LIST, nothing)
    assert response.status_code == 200 and headings(response) == []


@postgres_only
def test_a_deep_page_the_planner_would_gather_anyway_reads_its_matches_once(
    anonymous, make_question, monkeypatch, analyse
):
    """Where the planner's own way to a deep page of a list without words reads
    every match through the indexes' bitmaps and sorts them, the list's first
    keys are read that way once: they are its count and its page. Counted
    first, the matches were read twice (at a million questions, a
    department's questions asked by the members named Gill and answered
    late: 32 ms, then 39)."""
    from django.test.utils import CaptureQueriesContext

    from answers.search import postgres

    monkeypatch.setattr(views, "COUNT_LIMIT", 40)
    # Costed, gathering never wins against a walk: only the planner's own way decides.
    monkeypatch.setattr(postgres, "VISIT_ROWS", float("inf"))
    made = [
        make_question(
            heading=f"Q{n}",
            date_tabled=datetime.date(2024, 1, 1) + datetime.timedelta(days=n % 97),
            asked_by="Ann Williams" if n % 3 == 0 else "Cat Jones",
        )
        for n in range(300)
    ]
    analyse()
    listed = _newest_tabled_first(q for q in made if q.asking_member.name == "Ann Williams")
    for steered, once in ((("seqscan",), True), (("seqscan", "sort"), False)):
        with planner_without(*steered), CaptureQueriesContext(connection) as queries:
            response = anonymous.get(LIST, {"member": "Williams", "page": 2})
        assert headings(response) == [q.heading for q in listed[25:40]], steered
        paginator = response.context["page"].paginator
        assert (paginator.count, paginator.capped) == (40, True), steered
        run = [q["sql"] for q in queries if "EXPLAIN" not in q["sql"]]
        # Counted: the keys of any 41 rows, in no order.
        counted = [sql for sql in run if "LIMIT 41" in sql and "ORDER BY" not in sql]
        read = [sql for sql in run if "LIMIT 41" in sql and "ORDER BY" in sql]
        assert (len(read), len(counted)) == ((1, 0) if once else (0, 1)), steered


@postgres_only
def test_keys_walked_in_order_only_where_the_planner_would_sort_them(make_question, analyse):
    """``keys_in_time(..., walked=True)`` reads the first keys along an index in
    the rows' order where the database's own way reads them whole and sorts
    them (at a million questions, the feed of "schools" answered by 2014 read
    71,000 answers and sorted them, 58 ms, where the tabling date's index,
    walked from the end of 2014, meets 50 in 1,000 rows); where its own way
    is that walk, which has run out of time already, None at once."""
    from django.test.utils import CaptureQueriesContext

    for n in range(30):
        make_question(
            heading=f"Q{n}", date_tabled=datetime.date(2024, 1, 1) + datetime.timedelta(n)
        )
    analyse()
    rows = Question.objects.order_by(F("date_tabled").desc(nulls_last=True), "-id")
    expected = list(rows.values_list("pk", flat=True)[:5])
    # The planner's own way: read them all and sort.
    with planner_without("indexscan"), CaptureQueriesContext(connection) as queries:
        assert search.keys_in_time(rows, 5, 1000, walked=True) == expected
    assert any("set_config('enable_sort', 'off'" in q["sql"] for q in queries)
    with planner_without("sort"):  # its own way is the walk
        assert search.keys_in_time(rows, 5, 1000, walked=True) is None
    assert search.keys_in_time(rows, 5, 1000) == expected
