"""Where time goes: median working days per stage, returns, answers on time.

Over a chosen period, for the whole department and by team (the answering
department) and by owner. Two queries: the moves of every process that moved
in the period, and the answers given in it, counted by the database per team
and owner (a quarter's answers are tens of thousands across Whitehall).
"""

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q
from django.utils import timezone

from answers.columns import AnswerState, answer_date, answer_state
from answers.deadlines import working_days_between
from answers.forms import DATE_ERRORS, DATE_INPUT_FORMATS, DateInput
from answers.models import Question
from answers.people import display_name

from .models import ProcessEvent, Stage

# The stages whose length the PQ team manages; new and answered are ends.
MEASURED = [Stage.NEW, Stage.COMMISSIONED, Stage.DRAFTING, Stage.IN_CLEARANCE, Stage.CLEARED]
DEFAULT_DAYS = 90


class StatsForm(forms.Form):
    show_optional = True
    start = forms.DateField(
        label="From", required=False, widget=DateInput, input_formats=DATE_INPUT_FORMATS,
        error_messages=DATE_ERRORS, help_text="For example, 01/01/2025.",
    )  # fmt: skip
    end = forms.DateField(
        label="To", required=False, widget=DateInput, input_formats=DATE_INPUT_FORMATS,
        error_messages=DATE_ERRORS, help_text="For example, 31/03/2025.",
    )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "The end of the period must be on or after its start.")
        return cleaned

    def period(self):
        today = timezone.localdate()
        default = (today - datetime.timedelta(days=DEFAULT_DAYS), today)
        if not self.is_bound or not self.is_valid():
            return default
        return (self.cleaned_data["start"] or default[0], self.cleaned_data["end"] or today)


@dataclass
class Row:
    label: str
    days: dict = field(default_factory=lambda: defaultdict(list))
    submitted: set = field(default_factory=set)
    returned: set = field(default_factory=set)
    answered: int = 0
    on_time: int = 0

    def median(self, stage):
        values = self.days.get(stage)
        return statistics.median(values) if values else None

    @property
    def medians(self):
        return [(stage, self.median(stage), len(self.days.get(stage, []))) for stage in MEASURED]

    @property
    def share_returned(self):
        return len(self.returned) / len(self.submitted) if self.submitted else None

    @property
    def share_on_time(self):
        return self.on_time / self.answered if self.answered else None


@dataclass
class _Named:
    name: str


def _name(user):
    return display_name(user) if user else "No owner"


def statistics_for(start, end):
    first = datetime.datetime.combine(
        start, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    last = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    overall = Row("All questions")
    teams, owners = {}, {}

    def rows_for(department, owner):
        team = department.name if department else "No department"
        return [
            overall,
            teams.setdefault(team, Row(team)),
            owners.setdefault(_name(owner), Row(_name(owner))),
        ]

    events = ProcessEvent.objects.filter(process__events__at__gte=first,
                                         process__events__at__lt=last).distinct()  # fmt: skip
    events = events.select_related(
        "owner", "process__question__department", "process__owner"
    ).order_by("process_id", "at", "id")
    by_process = defaultdict(list)
    for event in events:
        by_process[event.process_id].append(event)
    for moves in by_process.values():
        question = moves[0].process.question
        department = question.department
        opening = moves[0]
        if opening.from_stage == Stage.NEW and first <= opening.at < last:
            # Time as new runs from when the question was logged.
            days = working_days_between(
                timezone.localdate(question.created_at), timezone.localdate(opening.at)
            )
            for row in rows_for(department, opening.owner):
                row.days[Stage.NEW].append(days)
        for before, after in zip(moves, moves[1:], strict=False):
            if not (first <= after.at < last) or before.to_stage not in MEASURED:
                continue
            days = working_days_between(timezone.localdate(before.at), timezone.localdate(after.at))
            for row in rows_for(department, before.owner or moves[-1].process.owner):
                row.days[before.to_stage].append(days)
        for event in moves:
            if not (first <= event.at < last):
                continue
            owner = event.owner or event.process.owner
            for row in rows_for(department, owner):
                if event.move == "submit":
                    row.submitted.add(event.process_id)
                elif event.move == "return":
                    row.returned.add(event.process_id)
    # Substantive answers given in the period, by the answer state and date
    # each question stores (answers.columns): one index range, no join of
    # the answers, counted by team and owner in the database.
    User = get_user_model()
    owner = "process__owner__"
    answered = (
        Question.objects.alias(state=answer_state(), answered_on=answer_date())
        .filter(
            state=AnswerState.SUBSTANTIVE, answered_on__gte=start, answered_on__lte=end,
            due_date__isnull=False,
        )
        .values("department__name", f"{owner}id", f"{owner}username", f"{owner}first_name",
                f"{owner}last_name")
        .annotate(
            answered=Count("pk"), on_time=Count("pk", filter=Q(answered_on__lte=F("due_date")))
        )
        .order_by()
    )  # fmt: skip
    for group in answered:
        department = _Named(group["department__name"]) if group["department__name"] else None
        user = None
        if group[f"{owner}id"] is not None:
            user = User(
                pk=group[f"{owner}id"], username=group[f"{owner}username"],
                first_name=group[f"{owner}first_name"], last_name=group[f"{owner}last_name"],
            )  # fmt: skip
        for row in rows_for(department, user):
            row.answered += group["answered"]
            row.on_time += group["on_time"]
    return {
        "overall": overall,
        "teams": sorted(teams.values(), key=lambda r: r.label),
        "owners": sorted(owners.values(), key=lambda r: r.label),
        "stages": [Stage(s).label for s in MEASURED],
        "chart": _chart(overall),
    }


BAR = 28  # px per bar, gap included
LABEL_WIDTH = 170
BAR_AREA = 340


def _chart(row):
    """Bars for the median working days per stage, laid out for an SVG."""
    values = [(Stage(stage).label, median) for stage, median, _ in row.medians]
    top = max((m for _, m in values if m), default=0)
    bars = []
    for n, (label, median) in enumerate(values):
        width = round(BAR_AREA * (median or 0) / top) if top else 0
        bars.append({
            "label": label, "value": median, "y": n * BAR, "text_y": n * BAR + 14,
            "width": width, "value_x": LABEL_WIDTH + width + 6,
        })  # fmt: skip
    return {"bars": bars, "height": len(values) * BAR, "label_width": LABEL_WIDTH,
            "width": LABEL_WIDTH + BAR_AREA + 60}  # fmt: skip
