"""Writes of the answering process, each in one transaction.

Stage changes go through :func:`answers.workflow.stages.apply_move`; these
functions add what a move does besides (copying the department's route,
moving along the clearance steps, creating the answer) and send the emails
once the transaction has committed.
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from answers.deadlines import is_working_day
from answers.people import display_name

from . import emails
from .models import (
    OPEN_STAGES,
    AnswerProcess,
    ClearanceRoute,
    Draft,
    QuestionStep,
    Stage,
)
from .stages import MoveError, apply_move, initial_stage

DEFAULT_DRAFT_WORKING_DAYS = 2


class DraftConflict(Exception):
    """Someone saved a newer version of the draft after the editor opened it."""

    def __init__(self, current):
        self.current = current
        who = "Someone else"
        if current.author:
            who = display_name(current.author)
        when = timezone.localtime(current.created_at)
        super().__init__(
            f"{who} saved version {current.number} of this draft on "
            f"{when.day} {when:%B %Y at %H:%M} after you opened it, changing the same text "
            "as you. Your text has not been saved: it is kept below, next to theirs, so you "
            "can combine the two."
        )


# --- deadlines -------------------------------------------------------------------


def working_days_before(day, days):
    """The working day ``days`` working days before ``day`` (``day`` itself when 0)."""
    remaining = days
    while remaining > 0:
        day -= datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def draft_working_days(department):
    if department is None:
        return DEFAULT_DRAFT_WORKING_DAYS
    route = ClearanceRoute.objects.filter(department=department).first()
    return route.draft_working_days if route else DEFAULT_DRAFT_WORKING_DAYS


def internal_deadlines(due, lead, step_count):
    """(draft due, [deadline of each step]) for a question due on ``due``.

    The draft is due ``lead`` working days before the answer; the clearance
    steps share those days, in order, the last one ending on the due date
    (step i of k is due ceil((k - i) * lead / k) working days before it).
    """
    if due is None:
        return None, [None] * step_count
    draft_due = working_days_before(due, lead)
    steps = [
        working_days_before(due, -(-(step_count - i) * lead // step_count))
        for i in range(1, step_count + 1)
    ]
    return draft_due, steps


def deadlines_recompute(process, *, lead=None):
    """Recompute the draft and step deadlines from the question's due date."""
    question = process.question
    if lead is None:
        lead = draft_working_days(question.department)
    steps = list(process.steps.order_by("position", "id"))
    draft_due, step_deadlines = internal_deadlines(question.due_date, lead, len(steps))
    changed = [step for step, deadline in zip(steps, step_deadlines, strict=True)
               if step.deadline != deadline]  # fmt: skip
    for step, deadline in zip(steps, step_deadlines, strict=True):
        step.deadline = deadline
    if changed:
        QuestionStep.objects.bulk_update(changed, ["deadline"])
    if process.draft_due != draft_due:
        process.draft_due = draft_due
        AnswerProcess.objects.filter(pk=process.pk).update(draft_due=draft_due)
    return process


# --- the process ----------------------------------------------------------------


def process_for(question):
    """The question's process, created (in the stage its answer implies) if it has none."""
    process = AnswerProcess.objects.filter(question=question).first()
    if process is None:
        process = AnswerProcess.objects.create(
            question=question, stage=initial_stage(question), stage_since=timezone.now()
        )
        process.question = question
        deadlines_recompute(process)
    return process


def _copy_route(process):
    """Give the question its department's route, unless it has steps already."""
    if process.steps.exists():
        return
    department = process.question.department
    route = ClearanceRoute.objects.filter(department=department).first() if department else None
    if route is not None:
        QuestionStep.objects.bulk_create(
            QuestionStep(
                process=process, position=n, name=step.name, user=step.user, group=step.group
            )
            for n, step in enumerate(route.steps.order_by("position", "id"), start=1)
        )


def _after(fn, *args, **kwargs):
    transaction.on_commit(lambda: fn(*args, **kwargs))


def process_move(*, question, move, actor, owner=None, comment="", department="", minister=None,
                 when=None):  # fmt: skip
    """Make one move on ``question``'s process (created if needed). Raises MoveError."""
    with transaction.atomic():
        process = process_for(question)
        process.question = question

        def effect(process, move_):
            if move_.name in ("commission", "reassign"):
                if minister is not None:
                    process.minister = minister
                _copy_route(process)
                deadlines_recompute(process)
            elif move_.name == "submit":
                if not process.drafts.exists():
                    raise MoveError("Write and save a draft before submitting it for clearance.")
                return _next_step(process)
            elif move_.name == "clear":
                step = process.current_step
                step.cleared_at = when or timezone.now()
                step.cleared_by = actor
                step.save(update_fields=["cleared_at", "cleared_by"])
                return _next_step(process)
            elif move_.name == "return":
                process.current_step = None
            return None

        event = apply_move(
            process, move, actor=actor, owner=owner, comment=comment, department=department,
            when=when, effect=effect,
        )  # fmt: skip
    _after(emails.on_event, event.pk)
    return event


def _next_step(process):
    """Point the process at its first step not yet cleared; cleared when there is none."""
    step = process.steps.filter(cleared_at__isnull=True).order_by("position", "id").first()
    process.current_step = step
    if step is None:
        process.cleared_draft = process.drafts.order_by("-number").first()
        return Stage.CLEARED
    return Stage.IN_CLEARANCE


def bulk_commission(*, questions, owner, actor, minister=None):
    """Commission several questions to one owner, all or none."""
    with transaction.atomic():
        return [
            process_move(question=q, move="commission", actor=actor, owner=owner,
                         minister=minister)
            for q in questions
        ]  # fmt: skip


# --- drafts ---------------------------------------------------------------------


DRAFT_FIELDS = {"answer_text": "draft answer", "background_note": "background note"}


def draft_save(*, process, author, answer_text, background_note="", based_on=0):
    """Keep a new version of the draft; never silently over someone else's.

    ``based_on`` is the number of the version the editor opened (0 for none).
    When someone has saved since, the two are merged field by field against
    that version (``answers.merge.three_way``): a field only they changed keeps
    theirs, one only you changed takes yours, and the merged text is saved as a
    new version (``kept_theirs`` on it names the fields kept from theirs). A
    field you both changed differently raises :class:`DraftConflict` and
    saves nothing.
    """
    from answers.merge import comparable, three_way

    answer_text = (answer_text or "").replace("\r\n", "\n").strip()
    background_note = (background_note or "").replace("\r\n", "\n").strip()
    if not answer_text:
        raise MoveError("Write the draft answer before saving it.")
    based_on = int(based_on or 0)
    kept_theirs = []
    with transaction.atomic():
        AnswerProcess.objects.select_for_update().get(pk=process.pk)
        if process.stage not in (Stage.COMMISSIONED, Stage.DRAFTING, Stage.HOLDING):
            raise MoveError(
                f"The draft cannot be changed now: this question is "
                f"{Stage(process.stage).label.lower()}."
            )
        latest = process.drafts.select_related("author").order_by("-number").first()
        if latest is None and based_on != 0:
            raise MoveError("The draft you were editing no longer exists.")
        if latest is not None and latest.number != based_on:
            base = process.drafts.filter(number=based_on).first()
            merge = three_way(
                base={n: comparable(getattr(base, n)) for n in DRAFT_FIELDS} if base else None,
                theirs={n: getattr(latest, n) for n in DRAFT_FIELDS},
                yours={"answer_text": answer_text, "background_note": background_note},
                names=list(DRAFT_FIELDS),
            )
            if merge.conflicts:
                raise DraftConflict(latest)
            answer_text = merge.values["answer_text"]
            background_note = merge.values["background_note"]
            kept_theirs = [DRAFT_FIELDS[n] for n in merge.kept_theirs]
        number = (process.drafts.aggregate(n=Max("number"))["n"] or 0) + 1
        draft = Draft.objects.create(
            process=process,
            number=number,
            answer_text=answer_text,
            background_note=background_note,
            author=author,
        )
    draft.kept_theirs = kept_theirs
    draft.merged_with = latest if kept_theirs else None
    return draft


def submit_as_answer(*, question, actor, date_answered, member=None, minister_role=""):
    """Turn the cleared draft into the question's answer, and close the process.

    ``member`` is the answering minister (a known member) and ``minister_role``
    their post; without them the minister expected at commissioning answers.
    """
    from answers import services
    from answers.text import paragraphs_to_html

    with transaction.atomic():
        process = process_for(question)
        draft = process.cleared_draft
        if process.stage == Stage.CLEARED and draft is None:
            raise MoveError("There is no cleared draft to submit.")
        event = process_move(question=question, move="submit_answer", actor=actor)
        minister = process.minister
        if member is not None:
            minister = services.minister_post(
                member=member, title=minister_role or "", department=question.department
            )
        services.answer_record(
            question=question,
            expected_version=None,
            date_answered=date_answered,
            text=paragraphs_to_html(draft.answer_text),
            minister=minister,
        )
    return event


# --- steps on one question ----------------------------------------------------------


def step_add(*, process, name, user=None, group=None, position=None):
    name = " ".join((name or "").split())
    if not name:
        raise MoveError("Name the step, for example “Press office”.")
    if (user is None) == (group is None):
        raise MoveError("Choose either a person or a group to clear this step, not both.")
    if process.stage not in OPEN_STAGES:
        raise MoveError("Steps cannot be changed on a question that is no longer open.")
    with transaction.atomic():
        steps = list(process.steps.order_by("position", "id"))
        position = len(steps) + 1 if position is None else max(1, min(position, len(steps) + 1))
        if process.current_step_id and any(
            s.pk == process.current_step_id and s.position >= position for s in steps
        ):
            raise MoveError("A new step must come after the step now clearing the draft.")
        for step in steps:
            if step.position >= position:
                step.position += 1
        QuestionStep.objects.bulk_update(steps, ["position"])
        step = QuestionStep.objects.create(
            process=process, position=position, name=name, user=user, group=group
        )
        deadlines_recompute(process)
    return step


def step_remove(*, process, step):
    if step.process_id != process.pk:
        raise MoveError("That step belongs to another question.")
    if step.cleared_at is not None:
        raise MoveError(f"“{step.name}” has been cleared already and stays on the record.")
    if process.current_step_id == step.pk:
        raise MoveError(f"“{step.name}” is clearing the draft now; it cannot be removed.")
    with transaction.atomic():
        step.delete()
        for n, remaining in enumerate(process.steps.order_by("position", "id"), start=1):
            if remaining.position != n:
                remaining.position = n
                remaining.save(update_fields=["position"])
        deadlines_recompute(process)


# --- keeping processes in step with their questions ---------------------------------


def questions_changed(question_ids, *, actor=None):
    """Bring the processes of these questions in step with them.

    Called after any write of questions or answers (the services and the bulk
    importer): an answer closes the process (a holding answer moves it to
    holding), and a changed due date moves the internal deadlines. Costs one
    query when none of the questions has a process.
    """
    question_ids = list(question_ids)
    if not question_ids:
        return
    processes = AnswerProcess.objects.filter(
        question_id__in=question_ids, stage__in=OPEN_STAGES
    ).select_related("question", "question__answer", "question__department")
    for process in processes:
        answer = process.question.get_answer()
        if answer is not None and not answer.is_holding:
            event = apply_move(process, "answer_recorded", actor=actor)
            _after(emails.on_event, event.pk)
        elif answer is not None and process.stage != Stage.HOLDING:
            apply_move(process, "holding_recorded", actor=actor)
        deadlines_recompute(process)
