"""Answer deadlines in working days.

Working days skip weekends and England-and-Wales bank holidays, taken from
the ``holidays`` package so that new years need no hand-typed list.
"""

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays

from .models import House

# Days allowed after tabling, by House: the Commons' on-time measure is five
# working days; the Lords expects an answer within ten.
WORKING_DAYS_TO_ANSWER = {House.COMMONS: 5, House.LORDS: 10}


@lru_cache(maxsize=64)
def _bank_holidays(year):
    # England's calendar is the England-and-Wales one for bank holidays.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day):
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start, days):
    """The date ``days`` working days after ``start`` (``start`` itself not counted)."""
    day = start
    remaining = days
    while remaining > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start, end):
    """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
    if end <= start:
        return 0
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def due_date_for(*, house, date_tabled, is_named_day=False, date_for_answer=None):
    """When the answer is due; None when the tabling date is not known."""
    if is_named_day and date_for_answer:
        return date_for_answer
    if date_tabled is None:
        return None
    return add_working_days(date_tabled, WORKING_DAYS_TO_ANSWER[House(house)])


@dataclass(frozen=True)
class Timeliness:
    """How a question stands against its deadline, for a GOV.UK status tag."""

    key: str
    label: str
    colour: str  # a govuk-tag modifier: "blue", "red", "green", …
    working_days_late: int = 0

    @property
    def css_class(self):
        return f"govuk-tag govuk-tag--{self.colour}"


def timeliness(question, today):
    """Awaiting, due today, overdue, holding, answered on time or late, withdrawn."""
    if question.is_withdrawn:
        return Timeliness("withdrawn", "Withdrawn", "grey")
    answer = question.get_answer()
    due = question.due_date
    if answer is not None and not answer.is_holding:
        if due is None:
            return Timeliness("answered", "Answered", "green")
        if answer.date_answered <= due:
            return Timeliness("answered_on_time", "Answered on time", "green")
        late = working_days_between(due, answer.date_answered)
        return Timeliness("answered_late", "Answered late", "orange", late)
    if due is not None and today > due:
        late = working_days_between(due, today)
        days = "working day" if late == 1 else "working days"
        label = f"Overdue ({late} {days} late)"
        if answer is not None:
            label = f"Holding answer, overdue ({late} {days} late)"
        return Timeliness("overdue", label, "red", late)
    if answer is not None:
        return Timeliness("holding", "Holding answer", "yellow")
    if due is not None and today == due:
        return Timeliness("due_today", "Due today", "yellow")
    return Timeliness("awaiting", "Awaiting answer", "blue")
