"""The board's one FilterSet: the HTML board and its CSV export alike."""

import django_filters
from django.db.models import F, Q

from answers.filters import date_filter
from answers.models import Department, Minister

from .forms import PersonChoiceField, people_who_draft
from .models import OPEN_STAGES, Stage

LATE = "late"
LATE_INTERNAL = "late_internal"

STAGE_CHOICES = [
    ("open", "Still to answer (every open stage)"),
    *Stage.choices,
    (LATE_INTERNAL, "Past the internal deadline"),
    (LATE, "Past the Parliament deadline"),
]


def late_internal(today, via="process__"):
    """Past its internal deadline: the draft's while drafting, the step's in clearance.

    Asked of questions, of their processes' stages and deadlines (a question
    with a process is at its process's stage); ``via=""`` asks it of
    processes. Not of the questions' stage as annotated, which is worked
    out for each question: every process's question was read (58 ms at a
    million) rather than the few processes past a deadline.
    """
    drafting = {f"{via}stage__in": [Stage.COMMISSIONED, Stage.DRAFTING]}
    clearing = {f"{via}stage": Stage.IN_CLEARANCE}
    return Q(**drafting, **{f"{via}draft_due__lt": today}) | Q(
        **clearing, **{f"{via}current_step__deadline__lt": today}
    )


def late_parliament(today):
    return Q(stage__in=OPEN_STAGES, due_date__lt=today)


class OwnerFilter(django_filters.ModelChoiceFilter):
    field_class = PersonChoiceField


class BoardFilter(django_filters.FilterSet):
    # Every open stage is one of a question still owed an answer (recording or
    # importing an answer closes the process), so the open stages are asked of
    # ``unanswered()``: the database then reads the few thousand owed
    # questions from their index, not the stage of every question answered.
    stage = django_filters.ChoiceFilter(
        label="Stage", choices=STAGE_CHOICES, method="filter_stage", empty_label="Any stage"
    )
    owner = OwnerFilter(
        label="Owner",
        field_name="process__owner",
        queryset=lambda request: people_who_draft(),
        empty_label="Anyone",
    )
    minister = django_filters.ModelChoiceFilter(
        label="Minister",
        field_name="process__minister",
        queryset=Minister.objects.select_related("member"),
        empty_label="Any minister",
    )
    department = django_filters.ModelChoiceFilter(
        label="Department", queryset=Department.objects.all(), empty_label="Any department"
    )
    due_from = date_filter("due_date", "gte", "Due from")
    due_to = date_filter("due_date", "lte", "Due to")

    def __init__(self, *args, today, **kwargs):
        self.today = today
        super().__init__(*args, **kwargs)
        for name, label in [
            ("owner", "Choose an owner from the list."),
            ("minister", "Choose a minister from the list."),
            ("department", "Choose a department from the list."),
            ("stage", "Choose a stage from the list."),
        ]:
            self.form.fields[name].error_messages["invalid_choice"] = label

    def filter_stage(self, queryset, name, value):
        if value == "open":
            return queryset.unanswered().filter(stage__in=OPEN_STAGES)
        if value == LATE_INTERNAL:
            return queryset.filter(late_internal(self.today), process__isnull=False)
        if value == LATE:
            return queryset.unanswered().filter(late_parliament(self.today))
        if value in OPEN_STAGES:
            return queryset.unanswered().filter(stage=value)
        if value == Stage.TRANSFERRED_OUT:
            # Only a process records it: the few processes are read, rather
            # than every question's stage worked out (0.55 s at a million).
            return queryset.filter(process__stage=value)
        return queryset.filter(stage=value)

    @property
    def qs(self):
        queryset = super().qs
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("stage")):
            # By default the board shows what is still to answer.
            queryset = queryset.unanswered().filter(stage__in=OPEN_STAGES)
        return queryset.order_by(F("due_date").asc(nulls_last=True), "id")
