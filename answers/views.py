"""Public pages: anonymous and read-only."""

from functools import partial

from django.core.paginator import Paginator
from django.db.models import F, Q
from django.db.models.constants import LOOKUP_SEP
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.functional import cached_property

from . import search
from .filters import QuestionFilter
from .lookups import one_of, only_keys
from .models import Question
from .similar import similar_questions

PAGE_SIZE = 25
# Rows counted at most. Counting every row of a million-row list (or every
# match of a common word) costs more than the rest of the page, and nobody
# pages through 80 pages: past this the page says "more than 2,000" and the
# pages stop there. A filter no index serves reads at most this many rows.
# A list ranked by relevance stops at the matches ranked (search.RANK_LIMIT).
COUNT_LIMIT = 2_000


def matching_keys(rows, limit):
    """The primary keys of at most ``limit`` rows of ``rows``, in no particular order.

    Unordered on purpose: all of them when there are fewer, and otherwise
    any ``limit`` of them tell that there are at least that many. The
    database then reads whichever index serves the filter and stops at the
    limit; asked for the newest, it would walk the primary key until it met
    enough matches, which for questions tabled in 2015 is most of the table.
    """
    return list(rows.order_by().values_list("pk", flat=True)[:limit])


class CappedPaginator(Paginator):
    """A paginator that counts up to ``COUNT_LIMIT`` rows and says when there are more.

    ``capped`` is true when the list holds more than the limit; ``count`` is
    then the limit, and the last page is the one that reaches it. Ranked
    search results stop at the number of matches ranked, and a search in
    another order at the ``limit`` given (``search.RANK_LIMIT``): a page
    deep among a middling word's matches, newest first, reads every question
    newer than it to find them (at a million questions, page 80 of a word in
    one question in fifty passed 100,000 questions, 100 to 190 ms).

    Counting reads the keys of at most ``limit + 1`` rows (``matching_keys``):
    a common word or status stops at the limit rather than reading every
    match, and a rare one's few matches are read directly. When they all
    fit, the keys themselves choose the page's rows, so no ordering index is
    walked in search of a handful of matches (a rare word, newest first,
    would otherwise read the whole table). A deep page of a search by date
    is given the list's first keys in order (``newest_keys``): they are
    both the count and the page's rows. ``counted``, where given, is what
    is counted instead: the same rows, said so that the database counts them
    sooner (``QuestionFilter.counted_rows``).
    """

    _keys = None
    # The first ``limit`` keys in the list's order, when they are known.
    _ordered = None

    def __init__(self, *args, limit=None, newest_keys=None, counted=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = limit or COUNT_LIMIT
        self.newest_keys = newest_keys
        self.counted = counted

    @cached_property
    def count(self):
        rows = self.object_list
        if isinstance(rows, search.Ranked):
            self.limit = rows.limit
        if self.newest_keys is not None:
            # The list's first keys in order, read for it (``QuestionFilter.
            # newest_keys``): one more than the limit says there are more.
            self._ordered = self.newest_keys[: self.limit]
            return self._capped_at_limit(len(self.newest_keys))
        if hasattr(rows, "values"):
            keys = matching_keys(rows if self.counted is None else self.counted, self.limit + 1)
            counted = len(keys)
            if counted <= self.limit:
                self._keys = keys
        else:
            counted = len(rows)
        return self._capped_at_limit(counted)

    def page(self, number):
        """A page whose rows are chosen by primary key first, then joined.

        OFFSET has to walk the rows before the page: walking only the
        ordering's index for their keys (no joins), then joining the page's
        25 rows, keeps a deep page as cheap as the first. On the first page
        too, a sort that no index serves (a search newest first, on SQLite)
        sorts narrow rows rather than every joined column of every match.
        """
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        rows = self.object_list
        if self._ordered is not None:
            return self._get_page(only_keys(rows, self._ordered[bottom:top]), number, self)
        if hasattr(rows, "values"):
            among = rows if self._keys is None else _keyed(rows, self._keys)
            return self._get_page(rows.filter(pk__in=among.values("pk")[bottom:top]), number, self)
        return self._get_page(rows[bottom:top], number, self)

    def known_count(self, count):
        """Take ``count`` as the number of rows instead of counting them."""
        self.__dict__["count"] = self._capped_at_limit(count)

    def _capped_at_limit(self, counted):
        self._capped = counted > self.limit
        return min(counted, self.limit)

    @property
    def capped(self):
        return self.count is not None and self._capped


def _keyed(rows, keys):
    """The rows of ``rows`` with these primary keys, in its order, to choose a page from.

    The keys are every row of the list (its count read them), so its filter
    is not applied again to order them: the page's rows are tested against it
    once they are chosen. Offered the filter with the keys, the database may
    run the filter whole and join the keys to it: at a million questions, a
    phrase asked by eleven members named Williams was read again from the
    text index (25 ms) rather than 449 questions looked up by key. A list
    ordered by what its query adds (an annotation) or shaped by it (chosen
    columns, DISTINCT, a union) keeps its filter.
    """
    query = rows.query
    added = set(query.annotations)
    if (
        any(_names(order) & added for order in query.order_by)
        or query.values_select
        or query.distinct
        or query.combinator
    ):
        return rows.filter(pk__in=one_of(keys))
    keyed = rows.model._base_manager.filter(pk__in=one_of(keys))
    if query.order_by:
        return keyed.order_by(*query.order_by)
    return keyed if query.default_ordering else keyed.order_by()


def _names(order):
    """The names an ordering (a field name, or an expression) refers to."""
    if isinstance(order, str):
        return {order.lstrip("-+").split(LOOKUP_SEP)[0]}
    if isinstance(order, F):
        return {order.name.split(LOOKUP_SEP)[0]}
    names = set()
    for source in getattr(order, "get_source_expressions", list)():
        if source is not None:
            names |= _names(source)
    return names


def paginate(
    request,
    queryset,
    per_page=PAGE_SIZE,
    count=None,
    limit=None,
    first_keys=None,
    counted=None,
):
    """A page of ``queryset`` and a message when the page asked for is not there.

    A page number that is not a number, or past the end, shows the nearest
    real page with an explanation instead of a 404 or a 500. ``count``, when
    the caller has counted the rows already, saves counting them again;
    ``limit``, when given, is the most rows counted instead of ``COUNT_LIMIT``;
    ``first_keys``, given the number of rows to the end of the page and
    ``limit + 1``, the keys of the list's first ``limit + 1`` rows in order, or None
    (``QuestionFilter.newest_keys``); ``counted``, the same rows said in a
    way the database counts sooner, if there is one
    (``QuestionFilter.counted_rows``).
    """
    raw = request.GET.get("page", "1")
    error = ""
    try:
        number = int(raw)
    except (TypeError, ValueError):
        number = 1
        error = f"“{raw}” is not a page number, so the first page is shown."
    if number < 1:
        number = 1
        error = "Page numbers start at 1, so the first page is shown."
    keys = None
    if first_keys is not None and count is None and number > 1:
        # A page past the limit shows the last, which ends at the limit. The
        # first page's rows are met soon, walking.
        most = limit or COUNT_LIMIT
        keys = first_keys(min(number * per_page, most), most + 1)
    paginator = CappedPaginator(queryset, per_page, limit=limit, newest_keys=keys, counted=counted)
    if count is not None:
        paginator.known_count(count)
    if not error and number > paginator.num_pages:
        error = (
            f"There is no page {number}: there "
            f"{'is' if paginator.num_pages == 1 else 'are'} {paginator.num_pages} "
            f"page{'' if paginator.num_pages == 1 else 's'}, so the last is shown."
        )
        number = paginator.num_pages
    page = paginator.page(number)
    return page, error


def paginate_list(request, filterset, rows):
    """A page of ``rows``, a question list filtered by ``filterset`` (public,
    staff or JSON): counted to its limit, deep pages of a search by date
    from the list's first keys."""
    return paginate(
        request,
        rows,
        limit=filterset.count_limit(),
        first_keys=partial(filterset.newest_keys, rows),
        counted=filterset.counted_rows(),
    )


def page_links(page, window=2):
    """GOV.UK pagination items: numbers near the current page, ellipses between."""
    last = page.paginator.num_pages
    current = page.number
    wanted = {1, last, *range(current - window, current + window + 1)}
    items = []
    previous = 0
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if number - previous > 1:
            items.append(None)
        items.append(number)
        previous = number
    return items


def home(request):
    latest = Question.objects.for_list()[:10]
    return render(request, "answers/home.html", {"latest": latest, "today": timezone.localdate()})


def question_list(request):
    filterset = QuestionFilter(request.GET or None, queryset=Question.objects.for_list())
    page, page_error = paginate_list(request, filterset, filterset.page_rows())
    filterset.with_snippets(page)
    return render(
        request,
        "answers/question_list.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page": page,
            "page_links": page_links(page),
            "page_errors": [page_error] if page_error else [],
            "today": timezone.localdate(),
        },
    )


def question_detail(request, pk):
    question = get_object_or_404(Question.objects.for_detail(), pk=pk)
    actions = question.follow_up_actions.public().order_by("due_date", "id")
    # Questions on the same subject to the same department: asked before,
    # answered before, or asked again. Grouped questions are listed already.
    grouped = {other.pk for other in question.grouped_questions.all()}
    related = [
        other
        for other in similar_questions(
            heading=question.heading,
            text=question.text,
            exclude_pk=question.pk,
            limit=5 + len(grouped),
            among=Q(department_id=question.department_id),
        )
        if other.pk not in grouped
    ][:5]
    return render(
        request,
        "answers/question_detail.html",
        {
            "question": question,
            "answer": question.get_answer(),
            "actions": actions,
            "related": related,
            "today": timezone.localdate(),
        },
    )
