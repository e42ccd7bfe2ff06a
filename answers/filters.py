"""The public question list's one FilterSet.

The same FilterSet serves the HTML list, and is meant to serve the CSV export,
the feeds and the JSON API, so that every view of the list agrees.
"""

import django_filters
from django import forms
from django.db.models import F, Q

from .models import Department, House, Member, Question, QuestionStatus


class DateInput(forms.DateInput):
    """A plain text box, so that what was typed is shown back when it is wrong."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"class": "govuk-input--width-10", "inputmode": "numeric", **(attrs or {})},
            format="%d/%m/%Y",
        )


DATE_ERRORS = {"invalid": "Enter a real date, for example 12/02/2025."}


class QuestionFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        for start, end, label in (
            ("tabled_from", "tabled_to", "tabled"),
            ("answered_from", "answered_to", "answered"),
        ):
            if cleaned.get(start) and cleaned.get(end) and cleaned[start] > cleaned[end]:
                self.add_error(
                    end, f"The {label} to date must be the same as or after the {label} from date."
                )
        return cleaned


class QuestionFilter(django_filters.FilterSet):
    # Questions known only from a listing page have no tabling date, and
    # unanswered ones no answer date: they sort last, on every database.
    SORTS = {
        "newest_tabled": (
            "Newest tabled",
            [F("date_tabled").desc(nulls_last=True), "-id"],
        ),
        "newest_answered": (
            "Newest answered",
            [
                F("answer__date_answered").desc(nulls_last=True),
                F("date_tabled").desc(nulls_last=True),
                "-id",
            ],
        ),
    }

    q = django_filters.CharFilter(
        label="Search",
        method="filter_words",
        help_text="Words in the heading, the question or the answer.",
    )
    house = django_filters.ChoiceFilter(
        choices=House.choices,
        empty_label="Both Houses",
        error_messages={"invalid_choice": "Choose the House of Commons or the House of Lords."},
    )
    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(),
        empty_label="All departments",
        error_messages={"invalid_choice": "Choose a department from the list."},
    )
    status = django_filters.ChoiceFilter(
        label="Status",
        choices=QuestionStatus.choices,
        method="filter_status",
        empty_label="Any status",
        error_messages={"invalid_choice": "Choose a status from the list."},
    )
    tabled_from = django_filters.DateFilter(
        field_name="date_tabled",
        lookup_expr="gte",
        label="Tabled from",
        widget=DateInput,
        error_messages=DATE_ERRORS,
    )
    tabled_to = django_filters.DateFilter(
        field_name="date_tabled",
        lookup_expr="lte",
        label="Tabled to",
        widget=DateInput,
        error_messages=DATE_ERRORS,
    )
    answered_from = django_filters.DateFilter(
        field_name="answer__date_answered",
        lookup_expr="gte",
        label="Answered from",
        widget=DateInput,
        error_messages=DATE_ERRORS,
    )
    answered_to = django_filters.DateFilter(
        field_name="answer__date_answered",
        lookup_expr="lte",
        label="Answered to",
        widget=DateInput,
        error_messages=DATE_ERRORS,
    )
    member = django_filters.ModelChoiceFilter(
        field_name="asking_member",
        label="Asked by",
        # Only members who have asked something: a list of everyone who ever
        # answered too would be long and useless here.
        queryset=Member.objects.filter(questions_asked__isnull=False).distinct().order_by("name"),
        empty_label="Any member",
        error_messages={"invalid_choice": "Choose a member from the list."},
    )
    minister = django_filters.ModelChoiceFilter(
        field_name="answer__minister__member",
        label="Answered by",
        queryset=Member.objects.filter(posts__answers__isnull=False).distinct().order_by("name"),
        empty_label="Any minister",
        error_messages={"invalid_choice": "Choose a minister from the list."},
    )
    sort = django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _) in SORTS.items()],
        method="filter_sort",
        empty_label=None,
        null_label=None,
        error_messages={"invalid_choice": "Choose newest tabled or newest answered."},
    )

    class Meta:
        model = Question
        fields = []
        form = QuestionFilterForm

    def filter_words(self, queryset, name, value):
        for word in value.split()[:12]:
            queryset = queryset.filter(
                Q(heading__icontains=word)
                | Q(text__icontains=word)
                | Q(answer__text__icontains=word)
            )
        return queryset

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value)

    def filter_sort(self, queryset, name, value):
        return queryset.order_by(*self.SORTS[value][1])

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("sort"):
            queryset = queryset.order_by(*self.SORTS["newest_tabled"][1])
        return queryset
