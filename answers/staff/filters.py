"""FilterSets for the staff lists.

The staff question list is the public list plus what only staff need (where a
question stands against its deadline). The follow-up action list has one
FilterSet for the HTML page and its CSV export alike, so the export is always
exactly the list on screen.
"""

import django_filters
from django import forms
from django.db.models import F, Q
from django.utils import timezone

from ..filters import QuestionFilter, date_filter, sort_filter
from ..models import ActionStatus, Department, FollowUpAction
from .forms import action_owners

# "Due this week" looks a week ahead from today, so that on a Friday it still
# shows next week's deadlines rather than an empty weekend.
DUE_SOON_DAYS = 7


class Due:
    OVERDUE = "overdue"
    DUE_TODAY = "due_today"
    DUE_THIS_WEEK = "due_this_week"
    AWAITING = "awaiting"

    choices = [
        (OVERDUE, "Overdue"),
        (DUE_TODAY, "Due today"),
        (DUE_THIS_WEEK, "Due this week (after today)"),
        (AWAITING, "Not yet answered"),
    ]


def due_filter(queryset, due, today):
    """Unanswered questions in one band of the due list; the bands do not overlap."""
    if due == Due.OVERDUE:
        return queryset.overdue(today)
    if due == Due.DUE_TODAY:
        return queryset.due_on(today)
    if due == Due.DUE_THIS_WEEK:
        return queryset.due_soon(today, days=DUE_SOON_DAYS)
    if due == Due.AWAITING:
        return queryset.unanswered()
    return queryset


class StaffQuestionFilter(QuestionFilter):
    SORTS = {
        **QuestionFilter.SORTS,
        "due_soonest": (
            "Due soonest",
            [F("due_date").asc(nulls_last=True), "id"],
        ),
    }

    due = django_filters.ChoiceFilter(
        label="Deadline",
        choices=Due.choices,
        method="filter_due",
        empty_label="Any",
        error_messages={"invalid_choice": "Choose a deadline from the list."},
    )
    sort = sort_filter(SORTS, "Choose how to sort from the list.")

    def __init__(self, *args, today=None, **kwargs):
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)
        # The deadline first: it is what staff come to this list for.
        self.form.order_fields(["due", "q"])

    def filter_due(self, queryset, name, value):
        return due_filter(queryset, value, self.today)

    def filter_words(self, queryset, name, value):
        # Staff also look questions up by UIN.
        words = value.split()
        if len(words) == 1 and any(c.isdigit() for c in words[0]):
            # UINs are stored as Parliament writes them ("HL1234"): an exact
            # match reads the uin index, where a case-blind one reads every row.
            uin = Q(uin=words[0]) | Q(uin=words[0].upper())
            if queryset.filter(uin).exists():
                return queryset.filter(uin)
        return super().filter_words(queryset, name, value)


# --- follow-up actions ---------------------------------------------------------


class ActionState:
    """The status filter: the stored statuses, plus "not finished"."""

    UNFINISHED = "unfinished"
    choices = [(UNFINISHED, "Open or in progress"), *ActionStatus.choices]


class ActionFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("due_from"), cleaned.get("due_to")
        if start and end and start > end:
            self.add_error(
                "due_to", "The due to date must be the same as or after the due from date."
            )
        return cleaned


def _organisations():
    values = (
        FollowUpAction.objects.exclude(organisation="")
        .order_by("organisation")
        .values_list("organisation", flat=True)
        .distinct()
    )
    return [(value, value) for value in values]


class ActionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=ActionState.choices,
        method="filter_status",
        empty_label="Any status",
        error_messages={"invalid_choice": "Choose a status from the list."},
    )
    owner = django_filters.ModelChoiceFilter(
        label="Owner",
        queryset=lambda request: action_owners(),
        empty_label="Anyone",
        null_label="No owner",
        error_messages={"invalid_choice": "Choose an owner from the list."},
    )
    organisation = django_filters.ChoiceFilter(
        label="Organisation",
        choices=_organisations,
        empty_label="Any organisation",
        error_messages={"invalid_choice": "Choose an organisation from the list."},
    )
    department = django_filters.ModelChoiceFilter(
        label="Department",
        field_name="question__department",
        # Every department: listing only those with actions would join every
        # action to its question on each view of the list.
        queryset=Department.objects.order_by("name"),
        empty_label="All departments",
        error_messages={"invalid_choice": "Choose a department from the list."},
    )
    overdue = django_filters.ChoiceFilter(
        label="Overdue",
        choices=[("yes", "Overdue"), ("no", "Not overdue")],
        method="filter_overdue",
        empty_label="Either",
        error_messages={"invalid_choice": "Choose overdue or not overdue."},
    )
    public = django_filters.ChoiceFilter(
        label="Shown to the public",
        field_name="is_public",
        choices=[("yes", "Public"), ("no", "Internal")],
        method="filter_public",
        empty_label="Public or internal",
        error_messages={"invalid_choice": "Choose public or internal."},
    )
    due_from = date_filter("due_date", "gte", "Due from")
    due_to = date_filter("due_date", "lte", "Due to")

    class Meta:
        model = FollowUpAction
        fields = []
        form = ActionFilterForm

    def __init__(self, *args, today=None, **kwargs):
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)

    def filter_status(self, queryset, name, value):
        if value == ActionState.UNFINISHED:
            return queryset.open()
        return queryset.filter(status=value)

    def filter_overdue(self, queryset, name, value):
        if value == "yes":
            return queryset.overdue(self.today)
        return queryset.not_overdue(self.today)

    def filter_public(self, queryset, name, value):
        return queryset.filter(is_public=value == "yes")
