"""The public question list's one FilterSet.

The same FilterSet serves the HTML list, and is meant to serve the CSV export,
the feeds and the JSON API, so that every view of the list agrees.
"""

import re

import django_filters
from django import forms
from django.db.models import BigIntegerField, F, Q, Value
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import timezone

from . import search
from .columns import answer_date, answer_minister
from .forms import DATE_ERRORS, DATE_INPUT_FORMATS, DateInput
from .models import Department, House, Member, Minister, Question, QuestionStatus

# What Member.display_name shows for a member known only by id.
_ID_ONLY = re.compile(r"\(id (\d+)\)\s*$")
# A list without words is counted with these dates' wide bounds unindexed
# only where they end the span ("on or before" a day): the rows they keep
# are the oldest, which the table's own order reaches first
# (``QuestionFilter.counted_rows``).
COUNT_ENDING = ("answer_date",)


class Timeliness:
    """The "Timeliness" filter: the departments pages' figures, clickable."""

    ON_TIME = "on_time"
    LATE = "late"
    OWED = "owed"
    OVERDUE = "overdue"

    choices = [
        (ON_TIME, "Answered on time"),
        (LATE, "Answered late"),
        (OWED, "Still owed an answer"),
        (OVERDUE, "Overdue"),
    ]


def timeliness_filter(queryset, value, today):
    """Questions counted by one of the departments pages' figures (``answers.summary``)."""
    # The answer's date as stored on the question: no join of every answer.
    answered = queryset.answered().alias(answer_date=answer_date())
    if value == Timeliness.ON_TIME:
        return answered.filter(answer_date__lte=F("due_date"))
    if value == Timeliness.LATE:
        return answered.filter(answer_date__gt=F("due_date"))
    if value == Timeliness.OWED:
        return queryset.unanswered()
    if value == Timeliness.OVERDUE:
        return queryset.overdue(today)
    return queryset


def tabled_by(answered_by, day):
    """``answered_by`` (questions answered by ``day``) said to be tabled by ``day`` too.

    A question is not answered before it was tabled (the answer's check
    constraint), so the bound changes no result; but a list newest tabled
    first then reads the tabling date's index from ``day`` down. Without it
    the database walks that index from the newest question, passing every
    one tabled since: at a million questions, the answers of 2016 took
    450 ms. A question with no tabling date is the exception, and a bound on
    the date would leave it out: where one was answered by ``day``, the
    bound is not said (one query, on the index that holds them last).
    """
    undated = Question.objects.filter(date_tabled__isnull=True).alias(answer_date=answer_date())
    if undated.filter(answer_date__lte=day).exists():
        return answered_by
    return answered_by.filter(date_tabled__lte=day)


class MemberInput(forms.TextInput):
    """A text box that type-ahead enhances (``static/js/autocomplete.js``).

    A member's id in the query string (``?member=12``, as member pages link)
    is shown as their name.
    """

    def __init__(self, role):
        self.role = role
        super().__init__(attrs={"autocomplete": "off", "spellcheck": "false"})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-autocomplete-url"] = (
            f"{reverse('member_search')}?role={self.role}"
        )
        return context

    def format_value(self, value):
        value = super().format_value(value)
        if value and str(value).strip().isdigit():
            member = Member.objects.filter(pk=int(value)).first()
            if member is not None:
                return member.display_name
        return value


def member_filter(field_name, label, role, help_text):
    return django_filters.CharFilter(
        field_name=field_name,
        label=label,
        method="filter_member",
        widget=MemberInput(role),
        help_text=help_text,
    )


def members_matching(text):
    """Members a typed name means: an id, "… (id 4519)", or every word of the name."""
    text = " ".join(text.split())
    if text.isdigit():
        return Q(pk=int(text))
    only_id = _ID_ONLY.search(text)
    if only_id:
        return Q(parliament_id=int(only_id.group(1)), name="")
    words = text.split()[:8]
    condition = ~Q(name="")
    for word in words:
        condition &= Q(name__icontains=word)
    return condition


def date_filter(field_name, lookup_expr, label, method=None):
    """A date bound typed as people write dates, with a GOV.UK error message."""
    return django_filters.DateFilter(
        field_name=field_name,
        lookup_expr=lookup_expr,
        label=label,
        widget=DateInput,
        input_formats=DATE_INPUT_FORMATS,
        error_messages=DATE_ERRORS,
        method=method,
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


def as_key(pk):
    """``pk`` as a ``bigint``, the key columns' own type.

    PostgreSQL's text index holds the department beside the words (migration
    0019), and its operators compare equal types: compared as a smaller
    integer, the column is read from another index, all of that department's
    questions, not only those with the words. (Lists of members or posts go
    as ``bigint[]``, and searched, as arrays the text index holds:
    ``answers.lookups``.)
    """
    return Cast(Value(pk), BigIntegerField())


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
                # The answer's date as stored on the question (answers.columns),
                # so the sort reads one index instead of joining every answer.
                answer_date().desc(nulls_last=True),
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
        method="filter_department",
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
    # The answer's date as stored on the question (answers.columns): a range
    # of answer dates reads one index, not a join of every answer.
    answered_from = date_filter("answer_date__gte", "gte", "Answered from", "filter_answer_date")
    answered_to = date_filter("answer_date__lte", "lte", "Answered to", "filter_answer_date")
    member = member_filter(
        "asking_member",
        "Asked by",
        "asker",
        "A member's name, or part of it.",
    )
    minister = member_filter(
        "answer_minister",
        "Answered by",
        "minister",
        "A minister's name, or part of it.",
    )
    timeliness = django_filters.ChoiceFilter(
        label="Timeliness",
        choices=Timeliness.choices,
        method="filter_timeliness",
        empty_label="Any",
        error_messages={"invalid_choice": "Choose on time, late, still owed or overdue."},
    )
    sort = sort_filter(SORTS, "Choose best match, newest tabled or newest answered.")
    # The date each "newest" sort lists by, newest first.
    WINDOWS = {"newest_tabled": "date_tabled", "newest_answered": "answer_date"}
    # The list's rows before ``tabled_by`` bounded them, when it did and they
    # are counted without (``counted_rows``).
    _unbounded = None
    # The day ``tabled_by`` bounded the tabling date by, when it did.
    _tabled_by = None
    # Whether the list is bounded by the few questions that waited
    # (``search.waited_keys``): read at once, however it is sorted.
    _waited = False

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

    def filter_answer_date(self, queryset, name, value):
        # ``name`` is the lookup: answer_date__gte or answer_date__lte.
        tabled_from = self.form.cleaned_data.get("tabled_from")
        if name == "answer_date__lte" and tabled_from and value < tabled_from:
            # Answered by a day before the first it was tabled: none is (an
            # answer is not given before its question is tabled, the
            # answer's check constraint). Said to the database, it read every
            # match of the words answered by then to find none (`schools`
            # tabled since 2019 and answered from 2014 to 2017: 240 ms at a
            # million questions).
            return queryset.none()
        return queryset.alias(answer_date=answer_date()).filter(**{name: value})

    def filter_department(self, queryset, name, value):
        return queryset.filter(department_id=as_key(value.pk))

    def filter_status(self, queryset, name, value):
        return queryset.with_status(value)

    def filter_member(self, queryset, name, value):
        text = " ".join(value.split())
        if not text:
            return queryset
        # Searched, the members or posts are one key of the text index
        # (``__among``, migration 0023); so they are where the list asks for
        # both the asking members and the answering ministers, whose entries
        # that index intersects before any question is read (a name's
        # questions answered by a minister: read through the minister's
        # index, 18,000 of the minister's answers to keep 577, 100 ms at a
        # million questions). Otherwise, listed without words, the column's
        # own index reads them.
        cleaned = self.form.cleaned_data
        words = cleaned.get("q")
        together = bool(cleaned.get("member", "").strip() and cleaned.get("minister", "").strip())
        lookup = "among" if (words and search.is_searchable(words)) or together else "any"
        if text.isdigit() and name == "asking_member":
            # A member page's link: the id, straight on the indexed column.
            if lookup == "among":
                return queryset.filter(asking_member_id__among=[int(text)])
            return queryset.filter(asking_member_id=as_key(int(text)))
        members = Member.objects.filter(members_matching(text))
        # The matching people are looked up first and the list filtered by
        # their ids as values: the database then knows how many questions
        # each has asked or answered (one minister answers a tenth of a
        # department's questions, another a few hundred) and chooses how to
        # read them, rather than guessing from a name.
        if name == "asking_member":
            ids = list(members.values_list("pk", flat=True))
            return queryset.filter(**{f"asking_member_id__{lookup}": ids})
        # The answering post as the question keeps it (answers.columns): one
        # index of questions, not a join of every answer.
        posts = list(Minister.objects.filter(member__in=members).values_list("pk", flat=True))
        return queryset.alias(answer_minister=answer_minister()).filter(
            **{f"answer_minister__{lookup}": posts}
        )

    def filter_timeliness(self, queryset, name, value):
        if self.form.cleaned_data.get("status") == QuestionStatus.WITHDRAWN:
            # Every timeliness figure counts questions not withdrawn. Said
            # as both, the database reads every withdrawn question to find
            # none (55 ms at a million).
            return queryset.none()
        return timeliness_filter(queryset, value, timezone.localdate())

    def filter_sort(self, queryset, name, value):
        ordering = self.SORTS[value][1]
        return queryset.order_by(*ordering) if ordering else queryset

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        words = self.form.cleaned_data.get("q")
        tabled_to = self.form.cleaned_data.get("tabled_to")
        answered_from = self.form.cleaned_data.get("answered_from")
        if tabled_to and answered_from:
            searched = words if words and search.is_searchable(words) else None
            if answered_from > tabled_to:
                # Tabled by a day and answered from a later one: the questions
                # that waited, few, are found first (``search.waited_keys``).
                waited = search.waited_keys(
                    Question.objects.all(), tabled_to, answered_from, searched
                )
                if waited is not None:
                    queryset = queryset.filter(pk__any=waited)
                    self._waited = True
            elif not searched:
                # Answered from a day before the last tabled: tabled from
                # the first day any answer since was (``search.tabled_since``).
                since = search.tabled_since(answered_from, tabled_to)
                tabled_from = self.form.cleaned_data.get("tabled_from")
                if since is not None and (tabled_from is None or since > tabled_from):
                    queryset = queryset.filter(date_tabled__gte=since)
        sort = self.form.cleaned_data.get("sort")
        self.ranked = bool(words) and sort == "relevance" and search.is_searchable(words)
        if not sort or sort == "relevance":
            queryset = queryset.order_by(*self.SORTS["newest_tabled"][1])
        # Newest tabled first, answers given by a day are read from that day
        # down (``tabled_by``).
        answered_by = self.form.cleaned_data.get("answered_to")
        bound = answered_by if sort in ("", None, "relevance", "newest_tabled") else None
        if self.ranked:
            # Ranking reads the newest matches its own way (answers.search);
            # every match, for an export or a feed, is newest tabled.
            self._every_match = (queryset, bound)
            # Answered by a day, the most recently tabled can be read from
            # that day down; answered between two days, the most recently
            # answered are, from the later day to the earlier.
            dated, day = None, None
            if bound and not self.form.cleaned_data.get("answered_from"):
                bounded = tabled_by(queryset, bound)
                self._every_match = (bounded, None)
                if bounded is not queryset:
                    dated, day = bounded, bound
            tabled_to = self.form.cleaned_data.get("tabled_to")
            if tabled_to:
                # Tabled by a day already; by the earlier day where both say.
                dated = queryset if dated is None else dated
                day = tabled_to if day is None else min(day, tabled_to)
                if bound:
                    # Answered by a day too (and from another), every one was
                    # tabled by it (none is answered before it is tabled),
                    # which may be earlier still: `energy` tabled by mid-2022
                    # and answered from 2014 to 2017 was read from 2022 down
                    # (at a million questions, 180 ms for the page).
                    day = min(day, bound)
            return search.ranked(queryset, words, dated=dated, day=day)
        if bound:
            if self.form.cleaned_data.get("answered_from"):
                self._unbounded = queryset
            bounded = tabled_by(queryset, bound)
            if bounded is not queryset:
                self._tabled_by = bound
            queryset = bounded
        self._every_match = (queryset, None)
        return queryset

    def counted_rows(self):
        """The list's rows without the tabling bound that ``tabled_by`` gives
        answers by a day, to count them (``views.CappedPaginator``); or None.

        The bound is for walking the list newest tabled first. Counted, any
        rows will do, and with it the database walks the tabling date's
        index from the oldest question, expecting the matches spread evenly
        along it; answered since a day too, they are all at the far end. At a
        million questions, the answers of 2017 and 2018 from one department
        were counted in 110 ms, past 240,000 others; without it, in 12 ms.

        A search is counted with the bounds on its dates that keep most
        questions written so that no index is read for them
        (``search.unindexed_wide_bounds``). So is a list without words
        bounded by the answers' dates, for its tabling date: counted along
        the tabling date's index from its "from" day up, a name's questions
        tabled since 2015 and answered since 2023 passed 636,000 others (320
        ms at a million questions; 32 ms through the names' index instead).
        The answer's date keeps its index: a department's answers since 2019
        are counted along it in 20 ms, and without it, read from the oldest
        of the department's questions up, in 98.
        """
        rows = self._unbounded
        if self.ranked or self._counted_dates() is None:
            return rows
        return self.countable(self.qs if rows is None else rows)

    def countable(self, rows):
        """``rows`` (the list's, or every match of it, for an export) with the bounds
        on their dates written as ``counted_rows`` says: the same rows, to
        count up to a limit in any order."""
        dates = self._counted_dates()
        return rows if dates is None else search.unindexed_wide_bounds(rows, *dates)

    def _counted_dates(self):
        """``(columns, ending)`` whose wide bounds a count reads no index for
        (``search.unindexed_wide_bounds``), or None."""
        cleaned = getattr(self.form, "cleaned_data", {})
        if cleaned.get("q"):
            return None, ()  # both dates
        if cleaned.get("answered_from") or cleaned.get("answered_to"):
            return ["date_tabled"], COUNT_ENDING
        return None

    def count_limit(self):
        """The most rows a page list counts (``views.CappedPaginator``): a search
        lists as many matches, in any order, as it ranks by relevance."""
        words = getattr(self.form, "cleaned_data", {}).get("q")
        return search.RANK_LIMIT if words and search.is_searchable(words) else None

    def newest_keys(self, rows, upto, wanted):
        """The keys of the list's first ``wanted`` rows in order, for a deep page
        ending at row ``upto``, or None: the paginator then counts the list
        itself (``views.CappedPaginator``). A search newest first by a date
        reads them its own way (``search.newest_keys``); a list without words,
        where it has few matches, gathers them (``search.gathered_keys``).
        """
        cleaned = getattr(self.form, "cleaned_data", {})
        words, sort = cleaned.get("q"), cleaned.get("sort")
        if self.ranked or self._waited:
            return None
        if not words:
            return search.gathered_keys(rows, wanted, upto)
        if sort not in self.WINDOWS or not search.is_searchable(words):
            return None
        column = self.WINDOWS[sort]
        # The list's dates are within its own column's "from" and "to", and
        # answered by a day, tabled by then too (``tabled_by``) where that
        # is the nearer bound.
        prefix = "tabled" if column == "date_tabled" else "answered"
        after, before = cleaned.get(f"{prefix}_from"), cleaned.get(f"{prefix}_to")
        implied = column == "date_tabled" and self._tabled_by is not None
        implied = implied and (before is None or before >= self._tabled_by)
        if implied:
            before = self._tabled_by
        # Answered newest first, tabled by a day: answered that day or later.
        tabled_before = cleaned.get("tabled_to") if column == "answer_date" else None
        return search.newest_keys(
            rows, words, column, wanted, upto, before, after, implied, tabled_before
        )

    def every_match(self):
        """Every matching question, in the chosen order or else newest tabled first.

        A page of search results ranks the most recently added matches
        (``qs``); an export or a feed wants all of them, or the newest.
        """
        qs = self.qs
        # Unbound (no query string), nothing was filtered or ranked.
        rows, bound = getattr(self, "_every_match", (qs, None))
        return tabled_by(rows, bound) if bound else rows

    def page_rows(self):
        """``qs`` for an HTML page: ranked search results carry their snippets."""
        rows = self.qs
        if isinstance(rows, search.Ranked):
            return rows.with_snippets()
        return rows

    def with_snippets(self, page):
        """``page`` with highlighted snippets on its questions when searching.

        Ranked rows already have them (``page_rows``); a search in another
        order gets them here, for the page's rows only: asked of the whole
        query, a database would make a snippet for every match before sorting.
        """
        words = getattr(self.form, "cleaned_data", {}).get("q")
        if words and not self.ranked and search.is_searchable(words):
            page.object_list = search.attach_snippets(list(page.object_list), words)
        return page
