"""The stages of the answering process and the one table of allowed moves.

Every change of stage goes through :func:`apply_move`: it checks that the
move is allowed from the current stage and by this person, applies it,
and records who made it and when (a :class:`ProcessEvent`). A move that is
not allowed raises :class:`MoveError` with a message for the person and
changes nothing.

Stage diagram (who: T the PQ team, O the owner, C the current step's clearer)::

    new ──commission T──▶ commissioned ──accept O──▶ drafting ──submit O──▶ in clearance
     │                     │  ▲   ▲                    ▲                     │   │
     │                     │  │   └──reassign T────────┤                     │   ├─clear C (more steps): next step
     │                     │  └──commission T──┐       └──return C (comments)┘   │
     │                     └──reject O (reason)──▶ rejected                      └─clear C (last step)──▶ cleared
     ├──transfer_in T (from where)──▶ transferred in ──commission T──▶ commissioned            │
     └──transfer_out T (to where)──▶ transferred out                           submit_answer T │
        (also from transferred in, rejected, commissioned, drafting,                           ▼
         in clearance, holding)                                                            answered

    holding T: commissioned, drafting, in clearance, cleared ──▶ holding ──resume T──▶ drafting
                                                                  └──commission T──▶ commissioned

A resubmitted draft goes back to the step that returned it (earlier steps
stay cleared). An answer recorded or imported from Parliament moves any open stage to
answered (a holding answer to holding).
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, CharField, F, Value, When
from django.db.models.lookups import Exact
from django.utils import timezone

from answers.columns import AnswerState, answer_state
from answers.people import display_name

from .models import OPEN_STAGES, AnswerProcess, ProcessEvent, Stage
from .stats import spell

TEAM = "team"  # the PQ team (Staff): permission answers.manage_process
OWNER = "owner"  # the policy lead the question is commissioned to (or the team)
CLEARER = "clearer"  # whoever may clear the current step (or the team)
SYSTEM = "system"  # the answer-recording path and importers, never offered on a page


class MoveError(Exception):
    """A move the process does not allow now; nothing was changed."""


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: tuple
    target: str | None  # None: worked out by the move (clear, submit)
    actor: str
    needs: tuple = ()  # "owner", "comment", "department"
    button_class: str = ""


_BEFORE_CLEARED = (Stage.COMMISSIONED, Stage.DRAFTING, Stage.IN_CLEARANCE)
_NOT_STARTED = (Stage.NEW, Stage.TRANSFERRED_IN, Stage.REJECTED)

# The one table: which move is allowed from which stage, to which, by whom.
MOVES = {
    move.name: move
    for move in [
        Move("commission", "Commission", (*_NOT_STARTED, Stage.HOLDING), Stage.COMMISSIONED,
             TEAM, ("owner",)),
        Move("reassign", "Reassign", (Stage.COMMISSIONED, Stage.DRAFTING), Stage.COMMISSIONED,
             TEAM, ("owner",), "govuk-button--secondary"),
        Move("accept", "Accept", (Stage.COMMISSIONED,), Stage.DRAFTING, OWNER),
        Move("reject", "Reject", (Stage.COMMISSIONED,), Stage.REJECTED, OWNER, ("comment",),
             "govuk-button--warning"),
        Move("submit", "Submit for clearance", (Stage.DRAFTING,), None, OWNER),
        Move("clear", "Clear", (Stage.IN_CLEARANCE,), None, CLEARER),
        Move("return", "Return to the drafter", (Stage.IN_CLEARANCE,), Stage.DRAFTING, CLEARER,
             ("comment",), "govuk-button--warning"),
        Move("holding", "Record a holding answer sent", (*_BEFORE_CLEARED, Stage.CLEARED),
             Stage.HOLDING, TEAM, (), "govuk-button--secondary"),
        Move("resume", "Resume drafting", (Stage.HOLDING,), Stage.DRAFTING, TEAM),
        Move("submit_answer", "Submit as answer", (Stage.CLEARED,), Stage.ANSWERED, TEAM),
        Move("transfer_out", "Transfer out", (*_NOT_STARTED, *_BEFORE_CLEARED, Stage.HOLDING),
             Stage.TRANSFERRED_OUT, TEAM, ("department",), "govuk-button--secondary"),
        Move("transfer_in", "Record as transferred in", (Stage.NEW,), Stage.TRANSFERRED_IN, TEAM,
             ("department",), "govuk-button--secondary"),
        Move("answer_recorded", "Answer recorded", tuple(OPEN_STAGES), Stage.ANSWERED, SYSTEM),
        Move("holding_recorded", "Holding answer recorded",
             tuple(s for s in OPEN_STAGES if s != Stage.HOLDING), Stage.HOLDING, SYSTEM),
    ]
}  # fmt: skip


def is_team(user):
    return bool(user and user.is_authenticated and user.has_perm("answers.manage_process"))


def is_worker(user):
    return bool(user and user.is_authenticated and user.has_perm("answers.work_on_process"))


def may_act(move, process, user):
    """Whether ``user`` may make ``move`` on ``process`` (ignoring the stage)."""
    if move.actor == SYSTEM:
        return False
    if is_team(user):
        return True
    if not is_worker(user):
        return False
    if move.actor == OWNER:
        return process.owner_id == user.pk
    if move.actor == CLEARER:
        step = process.current_step
        return step is not None and step.can_clear(user)
    return False


def moves_for(process, user):
    """The moves ``user`` may make on ``process`` now, in table order."""
    return [
        move
        for move in MOVES.values()
        if process.stage in move.sources and may_act(move, process, user)
    ]


def initial_stage(question):
    answer = question.get_answer()
    if answer is None:
        return Stage.NEW
    return Stage.HOLDING if answer.is_holding else Stage.ANSWERED


def stage_expression():
    """The stage of each question in a queryset, with or without a process row.

    Without a process it follows the answer state the question stores
    (``answers.columns``), so no answer is joined.
    """
    return Case(
        When(process__isnull=False, then=F("process__stage")),
        When(Exact(answer_state(), AnswerState.SUBSTANTIVE), then=Value(Stage.ANSWERED.value)),
        When(Exact(answer_state(), AnswerState.HOLDING), then=Value(Stage.HOLDING.value)),
        default=Value(Stage.NEW.value),
        output_field=CharField(),
    )


def _spell(process, stage, when, *, holder, opening_owner):
    """``(working days, owner id)`` the process spent in ``stage`` up to ``when``.

    ``(None, None)`` when the statistics do not measure that stage. Worked
    out as the move is made and kept on its event (``ProcessEvent.stage_days``):
    from the previous move, held by its owner (else ``holder``, the process's
    owner); for the first move, from when the question was logged, held by
    whoever this move names.
    """
    previous = process.events.order_by("-at", "-id").first() if process.pk else None
    if previous is None:
        return spell(stage, process.question.created_at, when, opening_owner, first=True)
    return spell(stage, previous.at, when, previous.owner_id or holder, first=False)


def apply_move(process, name, *, actor=None, owner=None, comment="", department="", when=None,
               effect=None):  # fmt: skip
    """Validate and apply one move; returns the recorded :class:`ProcessEvent`.

    ``effect(process, move)`` runs after the checks and before the new stage
    is saved: the services use it for what a move does besides changing the
    stage (copy the route, move along the clearance steps). It may return the
    target stage when the table leaves it open. Raises :class:`MoveError`.
    """
    move = MOVES.get(name)
    if move is None:
        raise MoveError(f"There is no such step in the answering process: {name!r}.")
    when = when or timezone.now()
    with transaction.atomic():
        if process.pk:
            # Two people acting at once: the second sees the first's result.
            locked = AnswerProcess.objects.select_for_update().get(pk=process.pk)
            process.stage = locked.stage
            process.owner_id = locked.owner_id
            process.current_step_id = locked.current_step_id
        current = Stage(process.stage)
        if current not in move.sources:
            raise MoveError(
                f"“{move.label}” is not possible now: this question is {current.label.lower()}."
            )
        if move.actor != SYSTEM and not may_act(move, process, actor):
            raise MoveError(f"You cannot “{move.label.lower()}” this question.")
        comment = (comment or "").strip()
        department = " ".join((department or "").split())
        if "owner" in move.needs:
            if owner is None:
                raise MoveError("Choose who the question is commissioned to.")
            if not (owner.has_perm("answers.work_on_process") or is_team(owner)):
                raise MoveError(
                    f"{display_name(owner)} is not a drafter: add them to the Drafters group first."
                )
        if "comment" in move.needs and not comment:
            raise MoveError(
                "Give a reason for rejecting it."
                if name == "reject"
                else "Say what needs changing before it is returned."
            )
        if "department" in move.needs and not department:
            raise MoveError("Name the department.")
        step_before = process.current_step
        holder = process.owner_id
        target = move.target
        if effect is not None:
            target = effect(process, move) or target
        if target is None:
            raise MoveError(f"“{move.label}” is not possible now.")
        event = ProcessEvent(
            move=name,
            from_stage=current,
            to_stage=target,
            actor=actor if actor is not None and actor.is_authenticated else None,
            at=when,
            comment=comment,
        )
        step = step_before if name in ("clear", "return") else process.current_step
        event.step_name = step.name if step is not None else ""
        if name in ("submit", "clear") and target == Stage.IN_CLEARANCE:
            event.to_step = process.current_step
        if "owner" in move.needs:
            process.owner = owner
            event.owner = owner
        elif name == "reject":
            # Back to the PQ team; the event keeps who rejected it.
            event.owner_id = process.owner_id
            process.owner = None
        else:
            event.owner_id = process.owner_id
        event.stage_days, event.stage_owner_id = _spell(
            process, current, when, holder=holder, opening_owner=event.owner_id
        )
        event.department_id = process.question.department_id
        if "department" in move.needs:
            process.transfer_department = department
            process.transfer_date = timezone.localdate(when)
        process.stage = target
        process.stage_since = when
        process.save()
        event.process = process
        event.save()
    return event
