"""Where time goes: median working days per stage, returns, answers on time.

Over a chosen period, for the whole department and by team (the answering
department) and by owner. The figures are counted by the database, grouped,
from what each move keeps as it is made (the working days spent in the stage
it ends, who held the question there, and the team; ``spell``) and from the
answer state and date each question stores: a quarter holds tens of
thousands of moves and answers across Whitehall, and none is read one by one.

Counting a quarter still reads every move and answer in it, so the counts
are kept, for each period, under the database snapshot they were read in
(``answers.page_cache.snapshot``), and read again only once anything has
been written since. The names are read each time.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, F, Q
from django.utils import timezone

from answers.columns import AnswerState, answer_date, answer_state
from answers.deadlines import working_days_between
from answers.forms import DATE_ERRORS, DATE_INPUT_FORMATS, DateInput
from answers.models import Department, Question
from answers.page_cache import kept
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


def spell(stage, start, end, owner_id, *, first):
    """``(working days, owner id)`` of a spell in ``stage`` from ``start`` to ``end``.

    ``(None, None)`` when the statistics do not measure it: a stage outside
    ``MEASURED``, or a first move that is not out of "new" (time as new runs
    from when the question was logged). Kept on the move that ends the spell.
    """
    if stage not in MEASURED or (first and stage != Stage.NEW):
        return None, None
    return (
        working_days_between(timezone.localdate(start), timezone.localdate(end)),
        owner_id,
    )


def median(counts):
    """The median of values given as ``{value: how many}``, as statistics.median; None for none."""
    total = sum(counts.values())
    if not total:
        return None
    # The values at the middle positions of the sorted values (one position
    # twice when there is an odd number of them).
    wanted = [(total - 1) // 2, total // 2]
    found = []
    seen = 0
    for value, n in sorted(counts.items()):
        seen += n
        while wanted and wanted[0] < seen:
            found.append(value)
            wanted.pop(0)
        if not wanted:
            break
    return found[0] if total % 2 else (found[0] + found[1]) / 2


@dataclass
class Row:
    label: str = ""
    # stage -> {working days: how many spells}
    days: dict = field(default_factory=lambda: defaultdict(Counter))
    submitted: int = 0
    returned: int = 0
    answered: int = 0
    on_time: int = 0

    def median(self, stage):
        return median(self.days.get(stage, {}))

    @property
    def medians(self):
        return [
            (stage, self.median(stage), sum(self.days.get(stage, {}).values()))
            for stage in MEASURED
        ]

    @property
    def share_returned(self):
        return self.returned / self.submitted if self.submitted else None

    @property
    def share_on_time(self):
        return self.on_time / self.answered if self.answered else None


def _name(user):
    return display_name(user) if user else "No owner"


def statistics_for(start, end):
    """The figures for ``start`` to ``end`` (dates, both included), overall, by team and owner.

    Every figure is counted by the database, grouped by ids, from what each
    move keeps (its spell, owner and team) and each question keeps (its
    answer's state and date, read from one index); the teams' and owners'
    names are read once at the end. Seven queries however many moves and
    answers the period holds, and on PostgreSQL one more for the snapshot;
    when nothing has been written since the period was last counted, only
    the snapshot and the names.
    """
    overall, teams, owners = _counts(start, end)
    names = Department.objects.in_bulk([pk for pk in teams if pk is not None])
    for pk, row in teams.items():
        row.label = names[pk].name if pk in names else "No department"
    people = get_user_model().objects.in_bulk([pk for pk in owners if pk is not None])
    for pk, row in owners.items():
        row.label = _name(people.get(pk))
    return {
        "overall": overall,
        "teams": sorted(teams.values(), key=lambda r: r.label),
        "owners": sorted(owners.values(), key=lambda r: r.label),
        "stages": [Stage(s).label for s in MEASURED],
        "chart": _chart(overall),
    }


def _counts(start, end):
    """``(overall, {team id: Row}, {owner id: Row})``, kept while the data is unchanged.

    No snapshot (SQLite, or a transaction that has written): counted afresh.
    """
    return kept("statistics", [start, end], lambda: _count(start, end))


def _count(start, end):
    first = datetime.datetime.combine(
        start, datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    last = datetime.datetime.combine(
        end + datetime.timedelta(days=1), datetime.time.min, tzinfo=timezone.get_current_timezone()
    )
    overall = Row("All questions")
    teams, owners = defaultdict(Row), defaultdict(Row)  # by department id, by user id

    def rows(team, owner):
        return [overall, teams[team], owners[owner]]

    moves = ProcessEvent.objects.filter(at__gte=first, at__lt=last)

    # Time in each stage: the spells that ended in the period, as a
    # histogram of working days for each stage, team and owner.
    spells = (
        moves.filter(stage_days__isnull=False)
        .values_list("from_stage", "department", "stage_owner", "stage_days")
        .annotate(n=Count("id"))
        .order_by()
    )
    for stage, team, owner, days, n in spells:
        for row in rows(team, owner):
            row.days[stage][days] += n

    # Drafts submitted and returned: each question once, however many rounds.
    drafts = moves.filter(move__in=["submit", "return"])
    tally = {
        "submitted": Count("process", distinct=True, filter=Q(move="submit")),
        "returned": Count("process", distinct=True, filter=Q(move="return")),
    }
    grouped = [(overall, drafts.aggregate(**tally))]
    grouped += [
        (teams[group["department"]], group)
        for group in drafts.values("department").annotate(**tally).order_by()
    ]
    grouped += [
        (owners[group["owner"]], group)
        for group in drafts.values("owner").annotate(**tally).order_by()
    ]
    for row, group in grouped:
        row.submitted += group["submitted"]
        row.returned += group["returned"]

    # Substantive answers given in the period, by the answer state and date
    # each question stores (answers.columns): one index range, no join of
    # the answers, counted by team and owner.
    answered = (
        Question.objects.alias(state=answer_state(), answered_on=answer_date())
        .filter(
            state=AnswerState.SUBSTANTIVE, answered_on__gte=start, answered_on__lte=end,
            due_date__isnull=False,
        )
        .values_list("department", "process__owner")
        .annotate(
            answered=Count("pk"), on_time=Count("pk", filter=Q(answered_on__lte=F("due_date")))
        )
        .order_by()
    )  # fmt: skip
    for team, owner, count, on_time in answered:
        for row in rows(team, owner):
            row.answered += count
            row.on_time += on_time
    return overall, dict(teams), dict(owners)


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
