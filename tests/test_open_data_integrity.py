"""Open data that never lies: bad filters refused, failures visible, cells safe, feed text."""

import csv
import datetime
import io
import xml.etree.ElementTree as ET

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from answers import exports
from answers.models import Question

pytestmark = pytest.mark.django_db

BOM = b"\xef\xbb\xbf"
ATOM = "{http://www.w3.org/2005/Atom}"


def body_of(response):
    return b"".join(response.streaming_content)


def atom(response):
    # The feed is our own output, parsed to read its structure.
    return ET.fromstring(response.content)  # noqa: S314


def rows_of(body):
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


# --- refusing bad input ------------------------------------------------------


def test_csv_with_an_invalid_filter_is_a_400_with_the_errors(anonymous, make_question):
    make_question(heading="Anything")
    response = anonymous.get(reverse("questions_csv"), {"tabled_from": "soon", "house": "Mars"})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "Enter a real date" in errors["tabled_from"][0]
    assert errors["house"] == ["Choose the House of Commons or the House of Lords."]
    # The same answer as the JSON endpoint gives.
    same = anonymous.get(reverse("questions_json"), {"tabled_from": "soon", "house": "Mars"})
    assert same.json() == response.json()


# --- failures are never a quiet 200 ------------------------------------------


def _refuse_selects(execute, sql, params, many, context):
    if sql.lstrip().upper().startswith(("SELECT", "DECLARE")):
        raise OperationalError("the database went away")
    return execute(sql, params, many, context)


def test_a_database_failure_before_the_first_row_is_a_500(make_question):
    make_question(heading="Anything")
    client = Client(raise_request_exception=False)
    with connection.execute_wrapper(_refuse_selects):
        response = client.get(reverse("questions_csv"))
    assert response.status_code == 500
    assert not response.streaming


def test_a_failure_mid_stream_ends_the_body_visibly(anonymous, make_question, monkeypatch):
    for n in range(4):
        make_question(heading=f"Question {n}", date_tabled=datetime.date(2025, 1, 10 - n))
    # Chunks of one row: the first two rows are read before the response
    # starts, the third fails after the first bytes have gone.
    monkeypatch.setattr(exports, "CSV_CHUNK_ROWS", 1)
    real = exports.public_row

    def breaks_on_the_third(row, url_for):
        if "Question 2" in row:
            raise OperationalError("connection lost")
        return real(row, url_for)

    monkeypatch.setattr(exports, "public_row", breaks_on_the_third)
    response = anonymous.get(reverse("questions_csv"))
    assert response.status_code == 200
    received = []
    with pytest.raises(OperationalError):
        for chunk in response.streaming_content:
            received.append(chunk)
    rows = rows_of(b"".join(received))
    assert [row[4] for row in rows[1:3]] == ["Question 0", "Question 1"]
    assert rows[-1] == [exports.CSV_INCOMPLETE]
    assert len(rows) == 4


def test_a_failure_in_the_first_chunk_is_a_500(make_question, monkeypatch):
    for n in range(3):
        make_question(heading=f"Question {n}", date_tabled=datetime.date(2025, 1, 10 - n))

    def breaks(row, url_for):
        raise OperationalError("connection lost")

    monkeypatch.setattr(exports, "public_row", breaks)
    response = Client(raise_request_exception=False).get(reverse("questions_csv"))
    assert response.status_code == 500


# --- one escaping rule, a byte-order mark ------------------------------------

DANGEROUS = ["=1+1", "+44 20", "-2+3", "@SUM(A1)", "\tTabbed", "\rReturn"]


@pytest.mark.parametrize("value", DANGEROUS)
def test_every_formula_start_is_neutralised(value):
    assert exports.csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Plain", "", "Café £5", "a=b", 12, None])
def test_safe_cells_are_left_alone(value):
    assert exports.csv_cell(value) == ("" if value is None else value)


def test_public_csv_escapes_every_formula_start_and_has_a_bom(anonymous, make_question):
    for n, heading in enumerate(DANGEROUS):
        make_question(heading=heading, date_tabled=datetime.date(2025, 1, 20 - n))
    body = body_of(anonymous.get(reverse("questions_csv")))
    assert body.startswith(BOM)
    headings = [row[4] for row in rows_of(body)[1:]]
    assert headings == ["'" + value for value in DANGEROUS]


def test_public_csv_keeps_accents_and_pound_signs(anonymous, make_question):
    make_question(heading="Café prices: £5 a cup")
    body = body_of(anonymous.get(reverse("questions_csv")))
    assert body.startswith(BOM + b"id,url,")
    assert rows_of(body)[1][4] == "Café prices: £5 a cup"


def test_staff_actions_csv_streams_with_the_same_rule_and_a_bom(
    staff_client, make_question, make_action
):
    question = make_question(heading="-Heading")
    make_action(question, title="@Action", organisation="+Org", detail="\tDetail", is_public=False)
    response = staff_client.get(reverse("staff:action_export"))
    assert response.status_code == 200
    assert response.streaming
    body = body_of(response)
    assert body.startswith(BOM + b"id,title,")
    header, row = rows_of(body)
    record = dict(zip(header, row, strict=True))
    assert record["title"] == "'@Action"
    assert record["organisation"] == "'+Org"
    assert record["detail"] == "'\tDetail"
    assert record["question_heading"] == "'-Heading"


# --- the feed is text, dated by Parliament -----------------------------------


def test_feed_summaries_are_text_and_markup_stays_text(anonymous, make_question):
    make_question(
        heading="<b>Bold</b> heading",
        text='To ask <script>alert("x")</script> about <a href="http://evil">links</a>.',
        date_answered=datetime.date(2025, 2, 25),
        answer_text="Use &lt;img src=x onerror=alert(1)&gt; wisely.",
    )
    root = atom(anonymous.get(reverse("questions_feed")))
    entry = root.find(f"{ATOM}entry")
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type", "text") == "text"
    assert '<script>alert("x")</script>' in summary.text
    assert "<img src=x onerror=alert(1)>" in summary.text
    assert entry.find(f"{ATOM}title").get("type", "text") == "text"


def test_feed_entries_are_dated_by_tabling_and_answer(anonymous, make_question):
    make_question(
        heading="Answered",
        date_tabled=datetime.date(2025, 2, 12),
        date_answered=datetime.date(2025, 2, 25),
    )
    make_question(heading="Awaiting", date_tabled=datetime.date(2025, 3, 3))
    root = atom(anonymous.get(reverse("questions_feed")))
    dates = {
        entry.find(f"{ATOM}title").text: (
            entry.find(f"{ATOM}published").text[:10],
            entry.find(f"{ATOM}updated").text[:10],
        )
        for entry in root.findall(f"{ATOM}entry")
    }
    assert dates == {
        "Answered": ("2025-02-12", "2025-02-25"),
        "Awaiting": ("2025-03-03", "2025-03-03"),
    }
    assert root.find(f"{ATOM}updated").text[:10] == "2025-03-03"


# --- public follow-up actions ------------------------------------------------


def test_a_public_action_past_its_due_date_shows_as_overdue(anonymous, make_question, make_action):
    question = make_question(heading="Overdue action")
    make_action(question, title="Late letter", due_date=datetime.date(2020, 1, 1))
    make_action(question, title="Future letter", due_date=datetime.date(2999, 1, 1))
    make_action(
        question,
        title="Done letter",
        due_date=datetime.date(2020, 1, 1),
        status="done",
        completed_on=datetime.date(2020, 2, 1),
    )
    body = anonymous.get(question.get_absolute_url()).content.decode()
    rows = {
        title: body.split(title, 1)[1].split("</tr>", 1)[0]
        for title in ("Late letter", "Future letter", "Done letter")
    }
    assert "Overdue" in rows["Late letter"]
    assert "Overdue" not in rows["Future letter"]
    assert "Overdue" not in rows["Done letter"]


@given(
    st.lists(
        st.one_of(
            st.none(),
            st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40),
            st.integers(min_value=0),
            st.dates(),
        ),
        min_size=2,
        max_size=8,
    )
)
def test_a_csv_line_is_what_the_csv_module_writes(values):
    """The export's own writer agrees with csv.writer, formula starts neutralised."""
    buffer = io.StringIO()
    csv.writer(buffer).writerow([exports.csv_cell(value) for value in values])
    assert exports.csv_line(values) == buffer.getvalue()


def test_streamed_rows_are_the_rows_the_orm_reads(make_question):
    """The CSV's rows, read a chunk at a time, are the rows the ORM reads."""
    for n in range(5):
        make_question(
            heading=f"Question {n}",
            asked_by="A Member",
            date_answered=datetime.date(2025, 3, 1) if n % 2 else None,
            answered_by="A Minister",
            is_holding=n == 3,
        )
    rows = Question.objects.for_list().order_by("-pk").values_list(*exports.ROW_FIELDS)
    assert list(exports.stream(rows, chunk_size=2)) == list(rows)
    # Read part-way and left: the connection is ready for the next query.
    partial = exports.stream(rows, chunk_size=2)
    next(partial)
    partial.close()
    assert Question.objects.count() == 5


@pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="a server-side cursor, outside a transaction"
)
@pytest.mark.django_db(transaction=True)
def test_an_export_reads_a_few_rows_first_then_bigger_pieces(make_question):
    """The download starts as soon as its first few rows are found (a sparse
    filter's first hundred matches may lie far down the list's order), then
    reads bigger pieces, fewer round trips; every row either way."""
    made = [make_question(heading=f"Question {n}").pk for n in range(30)]
    sizes = []
    chunked_cursor = connection.chunked_cursor

    def spied():
        cursor = chunked_cursor()
        fetchmany = cursor.fetchmany

        def fetch(size):
            sizes.append(size)
            return fetchmany(size)

        cursor.fetchmany = fetch
        return cursor

    connection.chunked_cursor = spied
    try:
        rows = Question.objects.order_by("pk").values_list("pk")
        assert [pk for (pk,) in exports.stream(rows, chunk_size=100)] == made
    finally:
        del connection.chunked_cursor
    assert sizes[:2] == [10, 2000]
