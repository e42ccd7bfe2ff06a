"""The staff dashboard: what is due, what is overdue, my open actions."""

import datetime

from django.db.models import Count, F, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from ...models import FollowUpAction, Question
from ..filters import DUE_SOON_DAYS, Due
from .common import staff_view

# Rows per dashboard table; each table links to the full filtered list.
DASHBOARD_ROWS = 10


@staff_view("answers.view_question", "answers.view_followupaction")
def dashboard(request):
    today = timezone.localdate()
    soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
    # One query for the three question counts, one for the two action counts.
    question_counts = Question.objects.unanswered().aggregate(
        overdue=Count("pk", filter=Q(due_date__lt=today)),
        due_today=Count("pk", filter=Q(due_date=today)),
        due_this_week=Count("pk", filter=Q(due_date__gt=today, due_date__lte=soon)),
    )
    action_counts = FollowUpAction.objects.open().aggregate(
        mine=Count("pk", filter=Q(owner=request.user)),
        overdue=Count("pk", filter=Q(due_date__lt=today)),
    )
    questions = Question.objects.for_list()
    actions = FollowUpAction.objects.for_list()
    by_due = [F("due_date").asc(nulls_last=True), "id"]
    questions_url = reverse("staff:question_list")
    actions_url = reverse("staff:action_list")
    context = {
        "today": today,
        "counts": [
            (
                "Overdue questions",
                question_counts["overdue"],
                f"{questions_url}?due={Due.OVERDUE}&sort=due_soonest",
                "overdue",
            ),
            (
                "Questions due today",
                question_counts["due_today"],
                f"{questions_url}?due={Due.DUE_TODAY}&sort=due_soonest",
                "due-today",
            ),
            (
                "Questions due this week",
                question_counts["due_this_week"],
                f"{questions_url}?due={Due.DUE_THIS_WEEK}&sort=due_soonest",
                "due-this-week",
            ),
            (
                "My open actions",
                action_counts["mine"],
                f"{actions_url}?status=unfinished&owner={request.user.pk}",
                "my-actions",
            ),
            (
                "Overdue actions",
                action_counts["overdue"],
                f"{actions_url}?overdue=yes",
                "overdue-actions",
            ),
        ],  # fmt: skip
        "overdue": list(questions.overdue(today).order_by(*by_due)[:DASHBOARD_ROWS]),
        "due_today": list(questions.due_on(today).order_by("id")[:DASHBOARD_ROWS]),
        "due_this_week": list(
            questions.due_soon(today, days=DUE_SOON_DAYS).order_by(*by_due)[:DASHBOARD_ROWS]
        ),
        "my_actions": list(
            actions.open().filter(owner=request.user).order_by(*by_due)[:DASHBOARD_ROWS]
        ),
        "overdue_actions": list(actions.overdue(today).order_by(*by_due)[:DASHBOARD_ROWS]),
        "recently_answered": list(
            questions.answered().order_by("-answer__date_answered", "-id")[:DASHBOARD_ROWS]
        ),
        "question_counts": question_counts,
        "action_counts": action_counts,
        "questions_url": questions_url,
        "actions_url": actions_url,
        "due": Due,
        "rows": DASHBOARD_ROWS,
    }
    return render(request, "staff/dashboard.html", context)
