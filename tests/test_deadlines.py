"""Answer deadlines: computed from House, tabling date and named day, never typed.

Dates were checked against the England-and-Wales bank holiday calendar
(gov.uk/bank-holidays) by hand.
"""

import datetime

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from answers import services
from answers.deadlines import (
    add_working_days,
    due_date_for,
    is_working_day,
    timeliness,
    working_days_between,
)
from answers.models import House, Question

D = datetime.date


@pytest.mark.parametrize(
    "house,tabled,due",
    [
        # A Wednesday: the Wednesday after.
        (House.COMMONS, D(2025, 2, 12), D(2025, 2, 19)),
        # A Friday: five working days is the next Friday, not the Wednesday.
        (House.COMMONS, D(2025, 2, 14), D(2025, 2, 21)),
        # Christmas 2025: 25 and 26 December and 1 January are skipped.
        (House.COMMONS, D(2025, 12, 23), D(2026, 1, 2)),
        # Christmas 2021 fell on a weekend: the substitute days (27 and 28
        # December, 3 January) are skipped as well.
        (House.COMMONS, D(2021, 12, 23), D(2022, 1, 4)),
        # Easter 2025: Good Friday 18 April and Easter Monday 21 April.
        (House.COMMONS, D(2025, 4, 16), D(2025, 4, 25)),
        # Lords: ten working days.
        (House.LORDS, D(2025, 2, 12), D(2025, 2, 26)),
        # Lords across Easter 2024 (Good Friday 29 March, Easter Monday 1 April).
        (House.LORDS, D(2024, 3, 27), D(2024, 4, 12)),
        # Lords tabled on a Friday before a bank holiday Monday (May Day 2025).
        (House.LORDS, D(2025, 5, 2), D(2025, 5, 19)),
        # One-off bank holidays come from the holidays package too (the state
        # funeral on 19 September 2022).
        (House.COMMONS, D(2022, 9, 16), D(2022, 9, 26)),
    ],
)
def test_due_date_counts_working_days(house, tabled, due):
    assert due_date_for(house=house, date_tabled=tabled) == due


def test_named_day_is_the_named_date():
    assert due_date_for(
        house=House.COMMONS,
        date_tabled=D(2025, 2, 12),
        is_named_day=True,
        date_for_answer=D(2025, 2, 14),
    ) == D(2025, 2, 14)


def test_no_tabling_date_means_no_due_date():
    assert due_date_for(house=House.COMMONS, date_tabled=None) is None


def test_weekends_and_bank_holidays_are_not_working_days():
    assert not is_working_day(D(2025, 2, 15))  # Saturday
    assert not is_working_day(D(2025, 12, 25))
    assert not is_working_day(D(2025, 8, 25))  # Summer bank holiday
    assert is_working_day(D(2025, 2, 14))
    # Scotland's 2 January is not a bank holiday in England and Wales.
    assert is_working_day(D(2025, 1, 2))


@settings(max_examples=200, deadline=None)
@given(
    tabled=st.dates(min_value=D(2015, 1, 1), max_value=D(2030, 12, 31)),
    house=st.sampled_from([House.COMMONS, House.LORDS]),
)
def test_due_date_is_a_working_day_exactly_n_working_days_on(tabled, house):
    due = due_date_for(house=house, date_tabled=tabled)
    days = 5 if house == House.COMMONS else 10
    assert is_working_day(due)
    assert working_days_between(tabled, due) == days
    assert due > tabled


# --- stored and recomputed ----------------------------------------------------


@pytest.mark.django_db
def test_due_date_is_stored_and_recomputed_when_its_inputs_change(make_question):
    question = make_question(date_tabled=D(2025, 2, 12))
    assert Question.objects.get(pk=question.pk).due_date == D(2025, 2, 19)
    question.house = House.LORDS
    services.question_update(question=question, expected_version=question.version)
    assert Question.objects.get(pk=question.pk).due_date == D(2025, 2, 26)
    question.house = House.COMMONS
    question.is_named_day = True
    question.date_for_answer = D(2025, 2, 17)
    services.question_update(question=question, expected_version=question.version)
    assert Question.objects.get(pk=question.pk).due_date == D(2025, 2, 17)
    question.date_tabled = D(2025, 2, 10)
    question.is_named_day = False
    services.question_update(question=question, expected_version=question.version)
    assert Question.objects.get(pk=question.pk).due_date == D(2025, 2, 17)


@pytest.mark.django_db
def test_staff_form_cannot_set_the_due_date(staff_client, make_question):
    question = make_question(date_tabled=D(2025, 2, 12))
    page = staff_client.get(reverse("staff:question_edit", args=[question.pk]))
    assert b'name="due_date"' not in page.content


# --- status ---------------------------------------------------------------------


@pytest.fixture
def status_of(make_question):
    def status(today, **kwargs):
        return timeliness(make_question(**kwargs), today)

    return status


@pytest.mark.django_db
def test_awaiting_before_the_due_date(status_of):
    status = status_of(D(2025, 2, 18), date_tabled=D(2025, 2, 12))
    assert (status.key, status.label, status.colour) == ("awaiting", "Awaiting answer", "blue")


@pytest.mark.django_db
def test_due_today(status_of):
    status = status_of(D(2025, 2, 19), date_tabled=D(2025, 2, 12))
    assert (status.key, status.label) == ("due_today", "Due today")


@pytest.mark.django_db
def test_overdue_counts_working_days_late(status_of):
    # Due Friday 21 February; on Monday 24th it is one working day late.
    status = status_of(D(2025, 2, 24), date_tabled=D(2025, 2, 14))
    assert status.key == "overdue"
    assert status.working_days_late == 1
    assert status.label == "Overdue (1 working day late)"
    assert status.colour == "red"
    later = status_of(D(2025, 2, 27), date_tabled=D(2025, 2, 14))
    assert later.label == "Overdue (4 working days late)"


@pytest.mark.django_db
def test_overdue_over_christmas_does_not_count_bank_holidays(status_of):
    # Due 2 January 2026 (tabled 23 December); 5 January is 1 day late.
    status = status_of(D(2026, 1, 5), date_tabled=D(2025, 12, 23))
    assert status.working_days_late == 1


@pytest.mark.django_db
def test_holding_answer(status_of):
    status = status_of(
        D(2025, 2, 18),
        date_tabled=D(2025, 2, 12),
        date_answered=D(2025, 2, 17),
        is_holding=True,
    )
    assert (status.key, status.label) == ("holding", "Holding answer")


@pytest.mark.django_db
def test_holding_answer_past_the_deadline_is_still_overdue(status_of):
    status = status_of(
        D(2025, 2, 21), date_tabled=D(2025, 2, 12), date_answered=D(2025, 2, 17), is_holding=True
    )
    assert status.key == "overdue"
    assert status.label.startswith("Holding answer, overdue")


@pytest.mark.django_db
def test_answered_on_time(status_of):
    status = status_of(D(2025, 3, 1), date_tabled=D(2025, 2, 12), date_answered=D(2025, 2, 19))
    assert (status.key, status.label, status.colour) == (
        "answered_on_time",
        "Answered on time",
        "green",
    )


@pytest.mark.django_db
def test_answered_late_with_working_days(status_of):
    status = status_of(D(2025, 3, 1), date_tabled=D(2025, 2, 12), date_answered=D(2025, 2, 25))
    assert (status.key, status.working_days_late) == ("answered_late", 4)
    assert status.label == "Answered late"


@pytest.mark.django_db
def test_named_day_answered_after_the_named_day_is_late(status_of):
    status = status_of(
        D(2025, 3, 1),
        date_tabled=D(2025, 2, 12),
        is_named_day=True,
        date_for_answer=D(2025, 2, 14),
        date_answered=D(2025, 2, 17),
    )
    assert (status.key, status.working_days_late) == ("answered_late", 1)


@pytest.mark.django_db
def test_lords_question_is_not_overdue_after_five_days(status_of):
    status = status_of(D(2025, 2, 20), house="Lords", date_tabled=D(2025, 2, 12))
    assert status.key == "awaiting"


@pytest.mark.django_db
def test_withdrawn(status_of):
    status = status_of(D(2025, 3, 1), date_tabled=D(2025, 2, 12), is_withdrawn=True)
    assert (status.key, status.label) == ("withdrawn", "Withdrawn")


def test_add_working_days_from_a_weekend():
    # A Lords question can be tabled on a day the Commons does not sit.
    assert add_working_days(D(2025, 2, 15), 1) == D(2025, 2, 17)


@pytest.mark.django_db
def test_status_tag_appears_on_staff_and_public_pages(staff_client, client, make_question):
    question = make_question(date_tabled=D(2020, 1, 6))  # long overdue
    for page in (
        staff_client.get(reverse("staff:question_detail", args=[question.pk])),
        staff_client.get(reverse("staff:question_list")),
        staff_client.get(reverse("staff:dashboard")),
        client.get(question.get_absolute_url()),
    ):
        content = page.content.decode()
        assert "govuk-tag govuk-tag--red" in content
        assert "working days late)" in content


def test_the_tabling_date_service_keeps_the_answers_copy_and_save_alone_writes_no_answer(
    make_question,
):
    from answers.models import Answer

    question = make_question(date_tabled=D(2025, 2, 12), date_answered=D(2025, 2, 20))
    services.question_update(
        question=question, expected_version=question.version, date_tabled=D(2025, 2, 14)
    )
    assert Answer.objects.get().question_date_tabled == D(2025, 2, 14)
    # Question.save() itself touches no other table.
    question.date_tabled = D(2025, 2, 13)
    question.save()
    assert Answer.objects.get().question_date_tabled == D(2025, 2, 14)


@given(
    start=st.dates(min_value=datetime.date(1990, 1, 1), max_value=datetime.date(2040, 12, 31)),
    span=st.integers(min_value=-40, max_value=6000),
)
def test_working_days_between_counts_each_working_day_once(start, span):
    """The running-total count agrees with counting the days one by one."""
    end = start + datetime.timedelta(days=span)
    expected = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        expected += is_working_day(day)
    assert working_days_between(start, end) == expected
