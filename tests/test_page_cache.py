"""Public pages kept for anonymous visitors until the data changes (answers.page_cache).

The store keys pages on PostgreSQL's snapshot, so these tests commit their
writes (``transaction=True``): inside the usual test transaction, which has
written, nothing is stored.
"""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answers import services

from .snapshots import counted_then_kept

LIST = reverse("question_list")

postgres_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="the store keys on PostgreSQL's snapshot"
)


@pytest.fixture(autouse=True)
def empty_store(settings):
    settings.PAGE_CACHE_SECONDS = 300
    caches["pages"].clear()
    yield
    caches["pages"].clear()


def queries_for(client, url, **extra):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **extra)
        if response.streaming:
            b"".join(response.streaming_content)
    return response, len(captured.captured_queries)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_stored_page_is_served_until_the_data_changes(client, make_question):
    question = make_question(heading="Infant Mortality")
    # A write anywhere on the server (another test worker's) takes a new
    # snapshot in between, and then the page is read again: tried again.
    (first, first_queries), (second, second_queries) = counted_then_kept(
        lambda: queries_for(client, LIST)
    )
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert first_queries > 1
    # The snapshot, and nothing else.
    assert second_queries == 1

    services.question_update(
        question=question, expected_version=question.version, heading="Infant Deaths"
    )
    third, third_queries = queries_for(client, LIST)
    assert "Infant Deaths" in third.content.decode()
    assert "Infant Mortality" not in third.content.decode()
    assert third_queries > 1

    # A question page, and an answer recorded after it was stored.
    url = question.get_absolute_url()
    before = client.get(url).content.decode()
    question.refresh_from_db()
    services.answer_record(
        question=question,
        expected_version=None,
        minister=None,
        date_answered=datetime.date(2025, 2, 20),
        text="<p>The answer arrived.</p>",
        is_holding=False,
    )
    after = client.get(url).content.decode()
    assert "The answer arrived." in after
    assert "The answer arrived." not in before


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_signed_in_visitors_never_get_a_stored_page(client, make_question, staff_user):
    make_question(heading="Infant Mortality")
    client.get(LIST)  # stored for anonymous visitors
    client.force_login(staff_user)
    page = client.get(LIST).content.decode()
    assert "Sign out" in page
    client.logout()
    assert "Sign out" not in client.get(LIST).content.decode()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_streamed_exports_are_never_stored(client, make_question):
    make_question(heading="Infant Mortality")
    _, first = queries_for(client, reverse("questions_csv"))
    _, second = queries_for(client, reverse("questions_csv"))
    # Each download reads the questions again.
    assert second == first >= 1


@pytest.mark.django_db
def test_nothing_is_stored_inside_a_transaction_that_wrote(client, make_question):
    """The usual test transaction has written: each request reads the database afresh."""
    make_question(heading="Infant Mortality")
    _, first = queries_for(client, LIST)
    _, second = queries_for(client, LIST)
    assert second == first


@pytest.mark.django_db
def test_the_store_can_be_turned_off(client, make_question, settings):
    settings.PAGE_CACHE_SECONDS = 0
    make_question(heading="Infant Mortality")
    _, first = queries_for(client, LIST)
    _, second = queries_for(client, LIST)
    assert second == first
