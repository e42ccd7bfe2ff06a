"""The public question list's one FilterSet.

The same FilterSet serves the HTML list, and is meant to serve the CSV export,
the feeds and the JSON API, so that every view of the list agrees.
"""

import django_filters
from django import forms
from django.db.models import F

from . import search
from .forms import DATE_ERRORS, DATE_INPUT_FORMATS, DateInput
from .models import Department, House, Member, Question, QuestionStatus


def date_filter(field_name, lookup_expr, label):
    """A date bound typed as people write dates, with a GOV.UK error message."""
    return django_filters.DateFilter(
        field_name=field_name,
        lookup_expr=lookup_expr,
        label=label,
        widget=DateInput,
        input_formats=DATE_INPUT_FORMATS,
        error_messages=DATE_ERRORS,
    )


def sort_filter(sorts, invalid_message):
    """The "Sort by" select over a FilterSet's ``SORTS`` (key: (label, ordering))."""
    return django_filters.ChoiceFilter(
        label="Sort by",
        choices=[(key, label) for key, (label, _) in sorts.items()],
        method="filter_sort",
        empty_label=None,
        null_label=None,
        error_messages={"invalid_choice": invalid_message},
    )


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
        # Relevance needs words to rank by: without a search it is newest tabled.
        "relevance": ("Best match (when searching)", None),
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
        help_text=(
            'Words in the heading, the question or the answer, a UIN or a member. Use "quotes" '
            "for a phrase, OR for either word, and -word to leave a word out."
        ),
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
    tabled_from = date_filter("date_tabled", "gte", "Tabled from")
    tabled_to = date_filter("date_tabled", "lte", "Tabled to")
    answered_from = date_filter("answer__date_answered", "gte", "Answered from")
    answered_to = date_filter("answer__date_answered", "lte", "Answered to")
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
    sort = sort_filter(SORTS, "Choose best match, newest tabled or newest answered.")

    class Meta:
        model = Question
        fields = []
        form = QuestionFilterForm

    def __init__(self, data=None, *args, **kwargs):
        if data is not None and data.get("q", "").strip() and not data.get("sort"):
            # A search is ranked best first unless another sort is chosen,
            # and the sort select says so.
            data = data.copy()
            data["sort"] = "relevance"
        super().__init__(data, *args, **kwargs)
        # Set by filter_queryset: whether the rows are ranked by relevance.
        self.ranked = False

    def filter_words(self, queryset, name, value):
        return search.matching(queryset, value)

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value)

    def filter_sort(self, queryset, name, value):
        ordering = self.SORTS[value][1]
        return queryset.order_by(*ordering) if ordering else queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        words = self.form.cleaned_data.get("q")
        sort = self.form.cleaned_data.get("sort")
        self.ranked = bool(words) and sort == "relevance" and search.is_searchable(words)
        if self.ranked:
            queryset = search.ranked(queryset, words)
        elif not sort or sort == "relevance":
            queryset = queryset.order_by(*self.SORTS["newest_tabled"][1])
        if words:
            queryset = search.with_snippets(queryset, words)
        return queryset
