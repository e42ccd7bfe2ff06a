"""Emails of the answering process, through Django's email framework.

Each tells one person what happened and links to the page where they act.
The backend comes from settings: the console in development, SMTP in
production, locmem in the tests. Sent after the move has committed, so a
refused move sends nothing.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.urls import reverse

from answers.groups import STAFF
from answers.people import display_name

from .models import ProcessEvent, Stage


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def process_url(process):
    return absolute(reverse("workflow:process", args=[process.question_id]))


def display(user):
    return display_name(user)


def _send(recipients, subject, lines):
    addresses = sorted({user.email for user in recipients if user and user.email})
    if not addresses:
        return 0
    body = "\n".join(lines) + "\n\n— PQ Tracker\n"
    return send_mail(subject, body, None, addresses)


def clearers_of(step):
    if step is None:
        return []
    if step.user_id:
        return [step.user]
    return list(get_user_model().objects.filter(groups=step.group_id, is_active=True))


def pq_team():
    return list(get_user_model().objects.filter(groups__name=STAFF, is_active=True))


def on_event(event_pk):
    """The email a move calls for, if any."""
    event = (
        ProcessEvent.objects.select_related(
            "process",
            "process__question",
            "process__owner",
            "actor",
            "owner",
            "process__current_step",
            "process__current_step__user",
        )  # fmt: skip
        .filter(pk=event_pk)
        .first()
    )
    if event is None:
        return 0
    process = event.process
    question = process.question
    url = process_url(process)
    heading = f"“{question.heading}”"
    due = f"{question.due_date.day} {question.due_date:%B %Y}" if question.due_date else "not known"
    actor = display(event.actor) if event.actor else "PQ Tracker"
    if event.move in ("commission", "reassign"):
        draft_due = (
            f"{process.draft_due.day} {process.draft_due:%B %Y}" if process.draft_due else "not set"
        )
        return _send(
            [event.owner],
            f"PQ commissioned to you: {question.heading}",
            [
                f"{actor} has commissioned {heading} to you.",
                f"Your draft is due on {draft_due}; the answer is due in Parliament on {due}.",
                "Accept or reject it, then write the draft:",
                url,
            ],
        )
    if event.move == "reject":
        return _send(
            pq_team(),
            f"PQ rejected: {question.heading}",
            [
                f"{actor} has rejected {heading}.",
                f"Their reason: {event.comment}",
                "Commission it to someone else:",
                url,
            ],
        )
    if event.move in ("submit", "clear") and event.to_step is not None:
        step = event.to_step
        return _send(
            clearers_of(step),
            f"PQ for clearance ({step.name}): {question.heading}",
            [
                f"The draft answer to {heading} is ready for clearance at step “{step.name}”.",
                f"Please clear it or return it by {step.deadline.day} {step.deadline:%B %Y}."
                if step.deadline
                else "",
                url,
            ],
        )
    if event.move == "clear" and event.to_stage == Stage.CLEARED:
        return _send(
            pq_team(),
            f"PQ cleared: {question.heading}",
            [f"The answer to {heading} has cleared every step. Submit it as the answer:", url],
        )
    if event.move == "return":
        return _send(
            [event.owner],
            f"PQ returned ({event.step_name}): {question.heading}",
            [
                f"{actor} has returned the draft answer to {heading} at step “{event.step_name}”.",
                f"Their comments: {event.comment}",
                "Change the draft and submit it again:",
                url,
            ],
        )
    if event.to_stage == Stage.ANSWERED:
        people = [process.owner, *[s.cleared_by for s in process.steps.select_related(
            "cleared_by")]]  # fmt: skip
        return _send(
            [p for p in people if p is not None],
            f"PQ answered: {question.heading}",
            [
                f"{heading} has been answered. Thank you for your part in it.",
                url,
            ],
        )
    return 0
