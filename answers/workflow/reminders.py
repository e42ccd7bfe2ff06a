"""The daily reminder digest: what is due today, tomorrow, or overdue, per person.

Each person gets at most one email a run, listing every deadline of theirs in
one of three bands. What was sent is recorded (:class:`ReminderSent`), so a
deadline is reminded once per band however often the command runs: once the
working day before, once on the day, once when it is missed.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q

from answers.deadlines import add_working_days, is_working_day
from answers.groups import STAFF
from answers.models import Question
from answers.people import display_name

from .emails import absolute
from .models import AnswerProcess, ReminderSent, Stage
from .stages import stage_expression

OVERDUE, TODAY, TOMORROW = "overdue", "today", "tomorrow"
BANDS = [(OVERDUE, "Overdue"), (TODAY, "Due today"), (TOMORROW, "Due next working day")]
# The PQ team is reminded of questions nobody has taken on only this far
# back: an old backlog is on the board, not in everyone's inbox every day.
TEAM_LOOKBACK_DAYS = 14


@dataclass(frozen=True)
class Reminder:
    key: str
    band: str
    deadline: datetime.date
    what: str
    question: object

    @property
    def url(self):
        from django.urls import reverse

        return absolute(reverse("workflow:process", args=[self.question.pk]))


def _band(deadline, today, tomorrow):
    if deadline is None:
        return None
    if deadline < today:
        return OVERDUE
    if deadline == today:
        return TODAY
    if deadline == tomorrow:
        return TOMORROW
    return None


def collect(today):
    """{user: [Reminder]} of everything due by the next working day, or overdue."""
    tomorrow = add_working_days(today, 1)
    wanted = defaultdict(list)

    def add(users, kind, pk, deadline, what, question):
        band = _band(deadline, today, tomorrow)
        if band is None:
            return
        key = f"{kind}:{pk}:{deadline.isoformat()}:{band}"
        for user in users:
            if user is not None and user.is_active and user.email:
                wanted[user].append(Reminder(key, band, deadline, what, question))

    # Drafts, to their owners.
    for process in AnswerProcess.objects.for_list().filter(
        stage__in=[Stage.COMMISSIONED, Stage.DRAFTING, Stage.HOLDING],
        draft_due__lte=tomorrow,
        question__is_withdrawn=False,
    ):
        what = "Accept or reject it" if process.stage == Stage.COMMISSIONED else "Draft due"
        add([process.owner], "draft", process.pk, process.draft_due, what, process.question)

    # Clearance steps, to whoever may clear them.
    User = get_user_model()
    in_clearance = list(
        AnswerProcess.objects.for_list().filter(
            stage=Stage.IN_CLEARANCE,
            current_step__deadline__lte=tomorrow,
            question__is_withdrawn=False,
        )
    )
    group_ids = {p.current_step.group_id for p in in_clearance if p.current_step.group_id}
    members = defaultdict(list)
    for user in User.objects.filter(groups__in=group_ids).prefetch_related("groups"):
        for group in user.groups.all():
            members[group.pk].append(user)
    for process in in_clearance:
        step = process.current_step
        users = [step.user] if step.user_id else members[step.group_id]
        add(users, f"step{step.pk}", process.pk, step.deadline,
            f"Clear or return ({step.name})", process.question)  # fmt: skip

    # Questions waiting on the PQ team itself, against the Parliament deadline.
    team = list(User.objects.filter(groups__name=STAFF, is_active=True))
    waiting = (
        Question.objects.filter(is_withdrawn=False)
        .annotate(stage=stage_expression())
        .filter(
            Q(stage__in=[Stage.NEW, Stage.TRANSFERRED_IN, Stage.REJECTED, Stage.CLEARED]),
            due_date__lte=tomorrow,
            due_date__gte=today - datetime.timedelta(days=TEAM_LOOKBACK_DAYS),
        )
        .select_related("department")
    )
    labels = {
        Stage.NEW: "Commission it",
        Stage.TRANSFERRED_IN: "Transferred in: commission it",
        Stage.REJECTED: "Rejected: commission it to someone else",
        Stage.CLEARED: "Cleared: submit the answer",
    }
    for question in waiting:
        add(team, "question", question.pk, question.due_date, labels[question.stage], question)
    return wanted


def _body(person, reminders):
    name = display_name(person)
    lines = [f"Good morning {name},", "", "These written questions need you:"]
    for band, title in BANDS:
        mine = sorted((r for r in reminders if r.band == band),
                      key=lambda r: (r.deadline, r.question.pk))  # fmt: skip
        if not mine:
            continue
        lines += ["", f"{title} ({len(mine)})"]
        for r in mine:
            uin = f" (UIN {r.question.uin})" if r.question.uin else ""
            lines.append(f"- {r.question.heading}{uin}: {r.what}, by "
                         f"{r.deadline.day} {r.deadline:%B %Y}")  # fmt: skip
            lines.append(f"  {r.url}")
    lines += ["", "Everything waiting on you: " + absolute("/staff/my-work/"), "", "— PQ Tracker"]
    return "\n".join(lines) + "\n"


def send_reminders(today, *, dry_run=False):
    """Send each person one digest of what they have not been reminded of yet.

    Returns (people emailed, reminders in them). Each person's reminders are
    recorded and sent in one transaction: a failed send records nothing, so
    the next run tries again; a second run at the same time finds them
    recorded and sends nothing.
    """
    if not is_working_day(today):
        return 0, 0
    wanted = collect(today)
    sent_keys = defaultdict(set)
    for user_id, key in ReminderSent.objects.filter(user__in=list(wanted)).values_list(
        "user_id", "key"
    ):
        sent_keys[user_id].add(key)
    people = reminders = 0
    for person, items in sorted(wanted.items(), key=lambda pair: pair[0].pk):
        fresh = list({r.key: r for r in items if r.key not in sent_keys[person.pk]}.values())
        if not fresh:
            continue
        people += 1
        reminders += len(fresh)
        if dry_run:
            continue
        try:
            with transaction.atomic():
                ReminderSent.objects.bulk_create(
                    ReminderSent(user=person, key=r.key) for r in fresh
                )
                count = len(fresh)
                send_mail(
                    f"PQ reminders: {count} question{'s' if count != 1 else ''} need you",
                    _body(person, fresh),
                    None,
                    [person.email],
                )
        except IntegrityError:
            # Another run sent these a moment ago.
            people -= 1
            reminders -= len(fresh)
    return people, reminders
