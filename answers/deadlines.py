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


@lru_cache(maxsize=256)
def _working_days_by_day(year):
    """``counts[n]``: working days from 1 January of ``year`` to its day ``n`` (0-based), inclusive."""
    counts = []
    total = 0
    day = datetime.date(year, 1, 1)
    while day.year == year:
        total += is_working_day(day)
        counts.append(total)
        day += datetime.timedelta(days=1)
    return counts


@lru_cache(maxsize=256)
def _working_days_before(year):
    """Working days from 1 January of ``_EPOCH_YEAR`` up to the start of ``year``."""
    if year == _EPOCH_YEAR:
        return 0
    if year > _EPOCH_YEAR:
        return _working_days_before(year - 1) + _working_days_by_day(year - 1)[-1]
    return _working_days_before(year + 1) - _working_days_by_day(year)[-1]


_EPOCH_YEAR = 2000


def _working_day_number(day):
    """Working days from the epoch to ``day`` inclusive: differences count working days."""
    return (
        _working_days_before(day.year) + _working_days_by_day(day.year)[day.timetuple().tm_yday - 1]
    )


def working_days_between(start, end):
    """Working days after ``start`` up to and including ``end`` (0 if end <= start).

    Read from per-year running totals, not counted day by day: a question
    overdue for years costs the same as one a day late.
    """
    if end <= start:
        return 0
    return _working_day_number(end) - _working_day_number(start)


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
