"""The staff dashboard: what is due, what is overdue, my open actions.

Each panel is described once (``Panel``): its count, the filtered list it
links to, and its first rows. The template draws the counts and the tables
from the same list, so a link is written in one place.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from ...importers.sync import sync_status
from ...models import (
    FollowUpAction,
    Question,
    due_on_q,
    due_soon_q,
    overdue_action_q,
    overdue_q,
)
from ..filters import DUE_SOON_DAYS, Due, StaffQuestionFilter
from .common import staff_view

# Rows per dashboard table; each table links to the full filtered list.
DASHBOARD_ROWS = 10


@dataclass
class Panel:
    key: str  # the section's id, and the count's "count-<key>"
    heading: str
    count_label: str  # "" for a panel not in the counts at the top
    count: int | None
    url: str  # the full filtered list
    rows: list
    more: str  # the "see all" link text; "{count}" is filled in
    empty: str
    caption: str
    kind: str = "questions"  # or "actions"
    hint: str = ""
    alert: bool = False  # a non-zero count is shown as a warning
    answered_column: bool = False

    @property
    def more_label(self):
        return self.more.format(count=self.count)

    @property
    def has_more(self):
        return self.count is None or self.count > len(self.rows)


def _url(name, **query):
    return f"{reverse(name)}?{urlencode(query)}"


@staff_view("answers.view_question", "answers.view_followupaction")
def dashboard(request):
    today = timezone.localdate()
    # One query for the three question counts, one for the two action counts.
    # Counting due dates, not ids: the due date of every question still owed
    # an answer is in one partial index, which then answers alone (every
    # question these count has a due date).
    question_counts = Question.objects.unanswered().aggregate(
        overdue=Count("due_date", filter=overdue_q(today)),
        due_today=Count("due_date", filter=due_on_q(today)),
        due_this_week=Count("due_date", filter=due_soon_q(today, days=DUE_SOON_DAYS)),
    )
    action_counts = FollowUpAction.objects.open().aggregate(
        mine=Count("pk", filter=Q(owner=request.user)),
        overdue=Count("pk", filter=overdue_action_q(today)),
    )
    questions = Question.objects.for_list()
    actions = FollowUpAction.objects.for_list()
    by_due = [F("due_date").asc(nulls_last=True), "id"]
    rows = DASHBOARD_ROWS
    panels = [
        Panel(
            key="overdue",
            heading="Overdue questions",
            count_label="Overdue questions",
            count=question_counts["overdue"],
            url=_url("staff:question_list", due=Due.OVERDUE, sort="due_soonest"),
            rows=list(questions.overdue(today).order_by(*by_due)[:rows]),
            more="See all {count} overdue questions",
            empty="No questions are overdue.",
            caption="Overdue questions, longest overdue first",
            alert=True,
        ),
        Panel(
            key="due-today",
            heading="Due today",
            count_label="Questions due today",
            count=question_counts["due_today"],
            url=_url("staff:question_list", due=Due.DUE_TODAY),
            rows=list(questions.due_on(today).order_by("id")[:rows]),
            more="See all {count} questions due today",
            empty="No questions are due today.",
            caption="Questions due today",
        ),
        Panel(
            key="due-this-week",
            heading="Due this week",
            count_label="Questions due this week",
            count=question_counts["due_this_week"],
            url=_url("staff:question_list", due=Due.DUE_THIS_WEEK, sort="due_soonest"),
            rows=list(questions.due_soon(today, days=DUE_SOON_DAYS).order_by(*by_due)[:rows]),
            more="See all {count} questions due this week",
            empty=f"No other questions are due in the next {DUE_SOON_DAYS} days.",
            caption=f"Questions due in the next {DUE_SOON_DAYS} days",
            hint=f"Due in the next {DUE_SOON_DAYS} days, after today.",
        ),
        Panel(
            key="my-actions",
            heading="My open follow-up actions",
            count_label="My open actions",
            count=action_counts["mine"],
            url=_url("staff:action_list", status="unfinished", owner=request.user.pk),
            rows=list(actions.open().filter(owner=request.user).order_by(*by_due)[:rows]),
            more="See all {count} of your open actions",
            empty="You have no open follow-up actions.",
            caption="Follow-up actions you own that are open or in progress",
            kind="actions",
        ),
        Panel(
            key="overdue-actions",
            heading="Overdue follow-up actions",
            count_label="Overdue actions",
            count=action_counts["overdue"],
            url=_url("staff:action_list", overdue="yes"),
            rows=list(actions.overdue(today).order_by(*by_due)[:rows]),
            more="See all {count} overdue actions",
            empty="No follow-up actions are overdue.",
            caption="Overdue follow-up actions, everyone’s",
            kind="actions",
            alert=True,
        ),
        Panel(
            key="recently-answered",
            heading="Recently answered",
            count_label="",
            count=None,
            url=_url("staff:question_list", status="answered", sort="newest_answered"),
            # The list's own "newest answered" order, which an index serves.
            rows=list(
                questions.answered().order_by(*StaffQuestionFilter.SORTS["newest_answered"][1])[
                    :rows
                ]
            ),
            more="See all answered questions",
            empty="No questions have been answered yet.",
            caption="Questions answered most recently",
            answered_column=True,
        ),
    ]
    by_key = {panel.key: panel.rows for panel in panels}
    context = {
        "today": today,
        "panels": panels,
        "questions_url": reverse("staff:question_list"),
        "actions_url": reverse("staff:action_list"),
        # The tables by name, for anything that wants one panel's rows.
        "overdue": by_key["overdue"],
        "due_today": by_key["due-today"],
        "due_this_week": by_key["due-this-week"],
        "my_actions": by_key["my-actions"],
        "overdue_actions": by_key["overdue-actions"],
        "recently_answered": by_key["recently-answered"],
        "sync": sync_status(),
    }
    return render(request, "staff/dashboard.html", context)
