"""Open data: the public question list as CSV, JSON and an Atom/RSS feed.

Every format is the same FilterSet over the same public queryset as the HTML
list, so a link copied from a filtered page gives the same questions in any
format. Only public fields leave: no internal notes, no non-public actions.
"""

import csv

from django.contrib.syndication.views import Feed
from django.http import JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from .filters import QuestionFilter
from .models import Question
from .people import long_date
from .text import html_to_text
from .views import paginate

CSV_COLUMNS = [
    "id",
    "url",
    "house",
    "uin",
    "heading",
    "date_tabled",
    "due_date",
    "department",
    "asking_member",
    "asking_member_party",
    "asking_member_constituency",
    "question_text",
    "status",
    "answered_by",
    "minister_role",
    "date_answered",
    "answer_text",
]


def _filtered(request):
    return QuestionFilter(request.GET or None, queryset=Question.objects.for_list())


def _iso(value):
    return value.isoformat() if value else None


def question_record(question, request):
    """One question as open data: ISO dates, plain-text answer, public fields only."""
    answer = question.get_answer()
    minister = answer.minister if answer else None
    member = question.asking_member
    return {
        "id": question.pk,
        "url": request.build_absolute_uri(question.get_absolute_url()),
        "house": question.house,
        "uin": question.uin or None,
        "heading": question.heading,
        "date_tabled": _iso(question.date_tabled),
        "due_date": _iso(question.due_date),
        "department": question.department.name if question.department else None,
        "asking_member": member.name if member else None,
        "asking_member_party": (member.party or None) if member else None,
        "asking_member_constituency": (member.constituency or None) if member else None,
        "question_text": question.text,
        "status": question.status.value,
        "answered_by": minister.member.name if minister else None,
        "minister_role": (minister.title or None) if minister else None,
        "date_answered": _iso(answer.date_answered) if answer else None,
        "answer_text": html_to_text(answer.text) if answer else None,
    }


def _cell(value):
    """A CSV cell that a spreadsheet will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "@", "\t", "\r"):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def questions_csv(request):
    """Every question matching the filters, streamed so a large export costs little memory."""
    filterset = _filtered(request)
    writer = csv.writer(_Echo())

    def rows():
        yield writer.writerow(CSV_COLUMNS)
        for question in filterset.qs.iterator(chunk_size=500):
            record = question_record(question, request)
            yield writer.writerow([_cell(record[c]) for c in CSV_COLUMNS])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="questions.csv"'
    return response


def questions_json(request):
    """A page of questions matching the filters, with links to the next and previous pages."""
    filterset = _filtered(request)
    if filterset.is_bound and not filterset.form.is_valid():
        return JsonResponse(
            {"errors": {k: [str(e) for e in v] for k, v in filterset.form.errors.items()}},
            status=400,
        )
    page, page_error = paginate(request, filterset.qs)
    if page_error:
        return JsonResponse({"errors": {"page": [page_error]}}, status=400)

    def link(number):
        params = request.GET.copy()
        params["page"] = number
        return request.build_absolute_uri(f"{reverse('questions_json')}?{params.urlencode()}")

    return JsonResponse(
        {
            "count": page.paginator.count,
            "page": page.number,
            "pages": page.paginator.num_pages,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "results": [question_record(q, request) for q in page.object_list],
        },
        json_dumps_params={"ensure_ascii": False},
    )


class QuestionsFeed(Feed):
    """The 50 newest questions matching the filters, as Atom."""

    feed_type = Atom1Feed
    title = "PQ Tracker: written questions"
    subtitle = "New UK parliamentary written questions and their answers."

    def get_object(self, request):
        self.request = request
        return _filtered(request)

    def link(self, obj):
        query = self.request.GET.urlencode()
        return reverse("question_list") + (f"?{query}" if query else "")

    def feed_url(self, obj):
        query = self.request.GET.urlencode()
        return reverse("questions_feed") + (f"?{query}" if query else "")

    def items(self, obj):
        return obj.qs[:50]

    def item_title(self, item):
        return item.heading

    def item_description(self, item):
        answer = item.get_answer()
        parts = [item.text]
        if answer:
            who = answer.minister.member.name if answer.minister else "The department"
            parts.append(
                f"Answered by {who} on {long_date(answer.date_answered)}: {html_to_text(answer.text)}"
            )
        else:
            parts.append("Not answered yet.")
        return "\n\n".join(parts)

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_author_name(self, item):
        return item.asking_member.name if item.asking_member else None

    def item_categories(self, item):
        return [item.department.name] if item.department else []
