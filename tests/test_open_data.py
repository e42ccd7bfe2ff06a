"""CSV, JSON and the feed: the same filters as the list, public fields only."""

import csv
import datetime
import io
import re

import pytest
from django.db import connection
from django.urls import reverse

from answers.models import Department

pytestmark = pytest.mark.django_db


@pytest.fixture
def questions(make_question):
    return [
        make_question(
            heading="Infant Mortality",
            house="Commons",
            asked_by="Andrew Rosindell",
            date_tabled=datetime.date(2025, 2, 12),
            date_answered=datetime.date(2025, 2, 25),
            answered_by="Karin Smyth",
            answer_text="The OHID has looked in detail.",
        ),
        make_question(heading="Lords Roads", house="Lords", date_tabled=datetime.date(2025, 3, 3)),
    ]


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


# Outside a test's transaction: the export reads through a server-side cursor.
@pytest.mark.django_db(transaction=True)
def test_csv_of_a_search_with_nothing_to_look_for_is_its_header_alone(anonymous, questions):
    """Only stop words ("the"), or only words to leave out, match nothing: the
    download is the header row, not a stream broken off by an error."""
    for words in ("the", "-roads"):
        response = anonymous.get(reverse("questions_csv"), {"q": words})
        assert response.status_code == 200
        assert csv_rows(response) == []


def test_csv_export_follows_the_filters_with_iso_dates(anonymous, questions):
    response = anonymous.get(reverse("questions_csv"), {"house": "Commons"})
    assert response["Content-Type"].startswith("text/csv")
    rows = csv_rows(response)
    assert [r["heading"] for r in rows] == ["Infant Mortality"]
    row = rows[0]
    assert row["date_tabled"] == "2025-02-12"
    assert row["date_answered"] == "2025-02-25"
    assert row["answered_by"] == "Karin Smyth"
    assert row["answer_text"] == "The OHID has looked in detail."
    assert row["status"] == "answered"


def test_csv_cells_cannot_become_spreadsheet_formulas(anonymous, make_question):
    make_question(heading='=HYPERLINK("http://example.org")')
    rows = csv_rows(anonymous.get(reverse("questions_csv")))
    assert rows[0]["heading"].startswith("'=")


def test_json_pages_with_links(anonymous, make_question):
    for day in range(1, 28):
        make_question(heading=f"Day {day}", date_tabled=datetime.date(2025, 1, day))
    data = anonymous.get(reverse("questions_json")).json()
    assert data["count"] == 27
    assert data["pages"] == 2
    assert len(data["results"]) == 25
    assert data["results"][0]["heading"] == "Day 27"
    assert data["next"].endswith("page=2")
    second = anonymous.get(data["next"]).json()
    assert [r["heading"] for r in second["results"]] == ["Day 2", "Day 1"]
    assert second["previous"]


def test_json_bad_parameters_are_a_400_with_messages(anonymous, questions):
    response = anonymous.get(reverse("questions_json"), {"tabled_from": "soon"})
    assert response.status_code == 400
    assert "Enter a real date" in response.json()["errors"]["tabled_from"][0]
    response = anonymous.get(reverse("questions_json"), {"page": "x"})
    assert response.status_code == 400


def test_feed_lists_filtered_questions(anonymous, questions):
    response = anonymous.get(reverse("questions_feed"), {"q": "infant"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<title>Infant Mortality</title>" in body
    assert "Lords Roads" not in body
    assert "Answered by Karin Smyth on 25 February 2025" in body


def test_feed_reads_its_newest_in_order_or_a_few_by_their_keys(
    anonymous, make_question, monkeypatch
):
    """The feed reads its newest matches' keys in the list's order (newest
    answered first, as asked), soon done where there are many; if not in
    time, walking the list's own index in that order (the database's own
    way may read every match of a bound and sort them). Where that takes
    too long too (few matches, far down the order), it counts them first
    and reads a few by their keys, rather than walking the ordering's index
    through the whole table; where they are more than are counted, or
    counting them takes too long too, the newest are read in order after
    all. The entries are the same every way."""
    from django.test.utils import CaptureQueriesContext

    from answers import exports, search

    for n in range(12):
        make_question(
            heading=f"Q{n}",
            department="Home Office" if n % 4 == 0 else "Department for Education",
            date_tabled=datetime.date(2025, 1, 1) + datetime.timedelta(days=n),
            answered_by="Min",
            date_answered=datetime.date(2025, 3, 1) - datetime.timedelta(days=n),
        )
    wanted = {
        "department": Department.objects.get(name="Home Office").pk,
        "sort": "newest_answered",
    }
    keys_in_time = search.keys_in_time
    # Whether the newest are read in time, or walked in time, whether the
    # count is, the count's limit, and how the entries are read at last: by
    # their keys or in order.
    cases = [
        (True, False, True, 2000, "keys"),
        (False, True, True, 2000, "keys"),
        (False, False, True, 2000, "keys"),
        (False, False, True, 2, "order"),
        (False, False, False, 2000, "order"),
    ]
    for newest, walked, counted, limit, read in cases:
        reads = []

        def timed(rows, wanted_rows, ms, walked=False, case=(newest, walked, counted), reads=reads):
            reads.append("walked" if walked else wanted_rows)
            if wanted_rows != exports.FEED_ENTRIES:
                in_time = case[2]
            else:
                in_time = case[1] if walked else case[0]
            return keys_in_time(rows, wanted_rows, ms, walked) if in_time else None

        monkeypatch.setattr(exports, "COUNT_LIMIT", limit)
        monkeypatch.setattr(search, "keys_in_time", timed)
        with CaptureQueriesContext(connection) as queries:
            body = anonymous.get(reverse("questions_feed"), wanted).content.decode()
        titles = [part.split("<")[0] for part in body.split("<title>")[2:]]
        case = (newest, walked, counted, limit)
        assert titles == ["Q0", "Q4", "Q8"], case
        keyed = re.search(r"= ANY\(|IN \(\d", queries[-1]["sql"])
        assert ("keys" if keyed else "order") == read, case
        # Walked only when the first read ran out of time; counted only after.
        expected = [exports.FEED_ENTRIES]
        if not newest:
            expected.append("walked")
            if not walked:
                expected.append(limit + 1)
        assert reads == expected, case


def test_list_page_links_to_open_data_with_its_filters(anonymous, questions):
    body = anonymous.get(reverse("question_list"), {"house": "Lords"}).content.decode()
    assert f"{reverse('questions_csv')}?house=Lords" in body
    assert f"{reverse('questions_feed')}?house=Lords" in body


# CSV: 1. the keys of up to 2,001 matches (fewer are read by their keys;
# on PostgreSQL within a time: a savepoint, the statement's timeout set,
# then put back, and released, 4 statements more in a test's transaction), 2. on PostgreSQL only, the first
# question, read before answering (the export's transaction starts with the
# body), 3. the questions, streamed. JSON: 1. COUNT(*), 2. the page of
# questions. Feed: 1. the keys of its 50 newest, within a time (4 more, as
# the CSV's count), 2. those 50 questions.
@pytest.mark.parametrize("rows", [1, 60])
def test_open_data_query_counts_are_fixed(
    anonymous, make_question, django_assert_num_queries, rows
):
    for n in range(rows):
        make_question(
            heading=f"Q{n}",
            asked_by=f"M{n % 4}",
            date_answered=datetime.date(2025, 3, 1),
            answered_by="Min",
        )
    timed = 4 if connection.vendor == "postgresql" else 0  # the count's time limit
    with django_assert_num_queries(3 + timed if connection.vendor == "postgresql" else 2):
        assert len(csv_rows(anonymous.get(reverse("questions_csv")))) == rows
    with django_assert_num_queries(2):
        assert anonymous.get(reverse("questions_json")).json()["count"] == rows
    with django_assert_num_queries(2 + timed):
        assert anonymous.get(reverse("questions_feed")).status_code == 200
