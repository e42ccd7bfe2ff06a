"""Public pages about people and departments, and the member type-ahead.

- ``/members/<id>/``: who a member is, the questions they asked and, for a
  minister, the answers they gave and the posts they held;
- ``/departments/``: how each department answers, every figure a link to the
  questions it counts;
- ``/departments/<slug>/``: one department's figures month by month, its
  ministers and its latest questions;
- ``/members/search.json``: names for the "Asked by" and "Answered by"
  type-ahead fields.

Question lists go through the public list's FilterSet, so these pages agree
with ``/questions/`` and its CSV, JSON and feed. Department figures come from
``DepartmentMonth`` (``answers.summary``), never from counting questions.
"""

import datetime

from django.db.models import Exists, F, OuterRef, Subquery
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from . import summary
from .filters import QuestionFilter, Timeliness, members_matching
from .models import (
    Answer,
    Department,
    DepartmentMonth,
    DepartmentTotal,
    Member,
    Minister,
    Question,
)
from .summary_models import next_month
from .views import page_links, paginate

LATEST = 10
SEARCH_RESULTS = 10
ROLES = {"asker", "minister", ""}


def _list_url(name="question_list", **params):
    params = {key: value for key, value in params.items() if value not in (None, "")}
    return reverse(name) + ("?" + urlencode(params) if params else "")


def _latest(params, queryset=None, *, order=None):
    """The newest questions matching ``params``, through the list's FilterSet.

    The ten are chosen from the questions alone (an index or a short sort)
    and only they are joined to their answers, members and departments: the
    joins never run over a member's or a department's every question.
    """
    if queryset is None:
        queryset = Question.objects.all()
    chosen = QuestionFilter(params, queryset=queryset).qs
    if order is not None:
        chosen = chosen.order_by(*order)
    ten = chosen.values("pk")[:LATEST]
    return Question.objects.for_list().filter(pk__in=Subquery(ten)).order_by(*chosen.query.order_by)


def _with_answer_spans(posts):
    """Each post's first and latest answer dates, newest first.

    One query, reading two entries of the answer_minister_newest index per
    post (its first and its last answer), not every answer a minister gave.
    """
    by_date = Answer.objects.filter(minister=OuterRef("pk")).values("date_answered")
    spans = {
        row["pk"]: (row["first"], row["last"])
        for row in Minister.objects.filter(pk__in=[post.pk for post in posts])
        .annotate(
            first=Subquery(by_date.order_by("date_answered")[:1]),
            last=Subquery(by_date.order_by("-date_answered")[:1]),
        )
        .values("pk", "first", "last")
    }
    for post in posts:
        post.first_answer, post.last_answer = spans.get(post.pk, (None, None))
    never = datetime.date.min
    return sorted(posts, key=lambda post: post.last_answer or never, reverse=True)


# --- members ---------------------------------------------------------------------


def member_search(request):
    """``{"results": [{"id": pk, "label": name}]}`` for names containing every word typed.

    ``role=asker`` keeps members who asked something, ``role=minister`` those
    who answered something. Members known only by id are never offered.
    """
    text = " ".join(request.GET.get("q", "").split())[:100]
    role = request.GET.get("role", "")
    if role not in ROLES:
        return JsonResponse({"error": "role must be asker or minister.", "results": []}, status=400)
    if not text or text.isdigit():
        return JsonResponse({"results": []})
    members = Member.objects.filter(members_matching(text)).exclude(name="")
    if role == "asker":
        members = members.filter(Exists(Question.objects.filter(asking_member=OuterRef("pk"))))
    elif role == "minister":
        members = members.filter(Exists(Answer.objects.filter(minister__member=OuterRef("pk"))))
    results = [
        {"id": pk, "label": name}
        for pk, name in members.order_by("name", "pk").values_list("pk", "name")[:SEARCH_RESULTS]
    ]
    return JsonResponse({"results": results})


def member_detail(request, pk):
    member = get_object_or_404(Member, pk=pk)
    asked = _latest({"member": str(member.pk)})
    # The API gives no post dates: a post is dated by the first and last
    # answers given in it.
    posts = list(
        Minister.objects.filter(member=member).select_related("department").order_by("title", "pk")
    )
    if posts:
        posts = _with_answer_spans(posts)
    # Through the posts already in hand: each post's answers come newest
    # first from the answer_minister_newest index.
    answered = (
        _latest(
            {"sort": "newest_answered"},
            Question.objects.for_list().filter(answer__minister__in=[post.pk for post in posts]),
        )
        if posts
        else []
    )
    return render(
        request,
        "answers/member_detail.html",
        {
            "member": member,
            "asked": asked,
            "posts": posts,
            "answered": answered,
            "asked_query": urlencode({"member": member.pk}),
            "answered_query": urlencode({"minister": member.pk, "sort": "newest_answered"}),
            "today": timezone.localdate(),
        },
    )


# --- departments -----------------------------------------------------------------


def _figures(department_pk, totals, **bounds):
    """Each figure with the list URL of the questions it counts."""
    base = {"department": department_pk, **bounds}
    links = {
        "questions": _list_url(**base),
        "answered": _list_url(**base, status="answered"),
        "on_time": _list_url(**base, timeliness=Timeliness.ON_TIME),
        "late": _list_url(**base, timeliness=Timeliness.LATE),
        "owed": _list_url(**base, timeliness=Timeliness.OWED),
        "overdue": _list_url(**base, timeliness=Timeliness.OVERDUE),
        "median_days": _list_url(**base, status="answered"),
    }
    return {**totals, "links": links}


def department_performance(request):
    """How each department answers: on time, late, still owed, overdue, median days.

    On time means a substantive answer on or before the computed due date
    (the named day, or 5 or 10 working days after tabling), the measure the
    Procedure Committee uses for the Commons.
    """
    today = timezone.localdate()
    rows = []
    for total in (
        DepartmentTotal.objects.filter(questions__gt=0)
        .values("department_id", "department__name", "department__slug", *summary.CELL_FIELDS)
        .order_by("department__name", "department_id")
    ):
        department = Department(
            pk=total["department_id"],
            name=total["department__name"],
            slug=total["department__slug"],
        )
        figures = _figures(department.pk, summary.merge([total], today))
        rows.append({"department": department, **figures})
    return render(request, "answers/department_performance.html", {"departments": rows})


MONTHS_PER_PAGE = 24


def department_detail(request, slug):
    department = get_object_or_404(Department, slug=slug)
    today = timezone.localdate()
    total = DepartmentTotal.objects.filter(department=department).values(*summary.CELL_FIELDS)
    totals = _figures(department.pk, summary.merge(list(total), today))
    # Two years of months a page, newest first; the chart shows the same months.
    cells = (
        DepartmentMonth.objects.filter(department=department)
        .values("month", *summary.CELL_FIELDS)
        .order_by(F("month").desc(nulls_last=True))
    )
    page, page_error = paginate(request, cells, per_page=MONTHS_PER_PAGE)
    months = []
    for cell in page.object_list:
        bounds = {}
        month = cell["month"]
        if month is not None:
            last = next_month(month) - datetime.timedelta(days=1)
            bounds = {"tabled_from": month.isoformat(), "tabled_to": last.isoformat()}
        figures = _figures(department.pk, summary.merge([cell], today), **bounds)
        figures["month"] = month
        figures["month_label"] = f"{month:%B %Y}" if month else "an unknown month"
        months.append(figures)
    chart = _chart([month for month in months if month["month"] is not None])
    ministers = list(
        Minister.objects.filter(department=department)
        .select_related("member")
        .order_by("member__name", "pk")
    )
    if ministers:
        ministers = _with_answer_spans(ministers)
    latest = _latest({}, Question.objects.filter(department=department))
    return render(
        request,
        "answers/department_detail.html",
        {
            "department": department,
            "totals": totals,
            "months": months,
            "page": page,
            "page_links": page_links(page),
            "page_errors": [page_error] if page_error else [],
            "chart": chart,
            "ministers": ministers,
            "latest": latest,
            "department_query": urlencode({"department": department.pk}),
            "today": today,
        },
    )


CHART_BAR = 22  # px per month
CHART_WIDTH = 600


def _chart(months):
    """Bars for an SVG chart, oldest month first: on time, late, still owed, as widths."""
    months = list(reversed(months))
    biggest = max((m["questions"] for m in months), default=0)
    bars = []
    for index, month in enumerate(months):
        scale = CHART_WIDTH / biggest if biggest else 0
        on_time = month["on_time"] * scale
        late = month["late"] * scale
        owed = month["owed"] * scale
        other = max(0.0, month["questions"] * scale - on_time - late - owed)
        bars.append(
            {
                "month": month["month"],
                "y": index * CHART_BAR,
                "on_time": round(on_time, 1),
                "late": round(late, 1),
                "late_x": round(on_time, 1),
                "owed": round(owed, 1),
                "owed_x": round(on_time + late, 1),
                "other": round(other, 1),
                "other_x": round(on_time + late + owed, 1),
                "figures": month,
            }
        )
    return {
        "bars": bars,
        "height": len(bars) * CHART_BAR,
        "width": CHART_WIDTH,
        "label_width": 80,
    }
