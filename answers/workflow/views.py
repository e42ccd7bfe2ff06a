"""Pages of the answering process, under /staff/.

The PQ team (permission ``answers.manage_process``) sees every question;
drafters (``answers.work_on_process``) see only the questions commissioned
to them or waiting on a clearance step that names them, and nothing else of
the staff area. Moves go through ``answers.workflow.services``; a refused
move is shown on the form with what was typed kept.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from answers.models import Question
from answers.page_cache import kept
from answers.people import display_name

from . import services
from .forms import BulkCommissionForm, DraftForm, MoveForm, StepForm, SubmitAnswerForm
from .models import AnswerProcess, QuestionStep, Stage
from .stages import (
    MOVES,
    SYSTEM,
    MoveError,
    initial_stage,
    is_team,
    is_worker,
    may_act,
    moves_for,
)
from .timeline import answer_difference, timeline


def workflow_view(*, team_only=False):
    """Sign-in first (a redirect); then the PQ team, or also drafters (else 403)."""

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            user = request.user
            if not (is_team(user) or (not team_only and is_worker(user))):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(guarded)

    return decorator


@login_required
def start(request):
    """Where signing in leads: the dashboard for the PQ team, "My work" for drafters."""
    if request.user.has_perm("answers.view_question"):
        return redirect("staff:dashboard")
    return redirect("workflow:my_work")


def _load(request, pk):
    """The question and its process (unsaved when nobody has acted on it yet).

    A drafter may open only a question commissioned to them or with a
    clearance step they may clear; anything else is a 403.
    """
    question = get_object_or_404(
        Question.objects.for_list().select_related(
            "process", "process__owner", "process__current_step", "process__minister__member"
        ),
        pk=pk,
    )
    process = getattr(question, "process", None) if hasattr(question, "process") else None
    if process is None:
        process = AnswerProcess(question=question, stage=initial_stage(question))
    process.question = question
    steps = list(
        QuestionStep.objects.filter(process=process).select_related("user", "group", "cleared_by")
        if process.pk
        else []
    )
    user = request.user
    if not is_team(user):
        involved = process.owner_id == user.pk or any(step.can_clear(user) for step in steps)
        if not involved:
            raise PermissionDenied
    return question, process, steps


@workflow_view()
def process_page(request, pk):
    question, process, steps = _load(request, pk)
    drafts = list(process.drafts.select_related("author")) if process.pk else []
    events = list(process.events.select_related("actor", "owner", "to_step")) if process.pk else []
    answer = question.get_answer()
    difference = []
    if answer is not None and process.cleared_draft_id:
        cleared = next((d for d in drafts if d.pk == process.cleared_draft_id), None)
        if cleared is not None:
            difference = answer_difference(cleared.answer_text, answer.text)
    return render(
        request,
        "workflow/process.html",
        {
            "question": question,
            "process": process,
            "steps": steps,
            "drafts": drafts,
            "latest": drafts[0] if drafts else None,
            "timeline": timeline(events),
            "moves": moves_for(process, request.user),
            "can_draft": process.pk
            and process.stage in (Stage.COMMISSIONED, Stage.DRAFTING, Stage.HOLDING)
            and (is_team(request.user) or process.owner_id == request.user.pk),
            "is_team": is_team(request.user),
            "answer": answer,
            "difference": difference,
            "today": timezone.localdate(),
        },
    )


@workflow_view()
@require_http_methods(["GET", "POST"])
def move(request, pk, name):
    chosen = MOVES.get(name)
    if chosen is None or chosen.actor == SYSTEM:
        raise Http404("No such step in the answering process.")
    question, process, steps = _load(request, pk)
    if not may_act(chosen, process, request.user):
        raise PermissionDenied
    form_class = SubmitAnswerForm if name == "submit_answer" else MoveForm
    kwargs = {"question": question} if name == "submit_answer" else {
        "move": chosen, "question": question,
    }  # fmt: skip
    if request.method == "POST":
        form = form_class(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if name == "submit_answer":
                    services.submit_as_answer(question=question, actor=request.user, **data)
                else:
                    services.process_move(
                        question=question,
                        move=name,
                        actor=request.user,
                        owner=data.get("owner"),
                        minister=data.get("minister"),
                        comment=data.get("comment", ""),
                        department=data.get("department", ""),
                    )
            except MoveError as exc:
                form.add_error(None, str(exc))
            else:
                done = Stage(AnswerProcess.objects.get(question=question).stage).label.lower()
                messages.success(request, f"Done: “{question.heading}” is now {done}.")
                if name == "reject" or (not is_team(request.user) and name in ("clear", "return")):
                    return redirect("workflow:my_work")
                return redirect("workflow:process", pk=question.pk)
    else:
        initial = SubmitAnswerForm.initial_for(process) if name == "submit_answer" else {}
        if name in ("commission", "reassign") and process.minister_id:
            initial["minister"] = process.minister_id
        form = form_class(initial=initial, **kwargs)
    allowed = process.stage in chosen.sources
    return render(
        request,
        "workflow/move.html",
        {
            "question": question,
            "process": process,
            "steps": steps,
            "move": chosen,
            "form": form,
            "allowed": allowed,
            "latest": process.drafts.order_by("-number").first() if process.pk else None,
        },
    )


@workflow_view()
@require_http_methods(["GET", "POST"])
def draft(request, pk):
    question, process, steps = _load(request, pk)
    latest = (
        process.drafts.select_related("author").order_by("-number").first() if process.pk else None
    )
    conflict = None
    if request.method == "POST":
        form = DraftForm(request.POST)
        if form.is_valid():
            if not (is_team(request.user) or process.owner_id == request.user.pk):
                raise PermissionDenied
            try:
                saved = services.draft_save(
                    process=process,
                    author=request.user,
                    answer_text=form.cleaned_data["answer_text"],
                    background_note=form.cleaned_data["background_note"],
                    based_on=form.cleaned_data["based_on"],
                )
            except services.DraftConflict as exc:
                conflict = exc.current
                # Saving again is then a deliberate choice, with theirs in view.
                data = request.POST.copy()
                data["based_on"] = str(conflict.number)
                form = DraftForm(data)
                form.is_valid()
                form.add_error(None, str(exc))
                latest = conflict
            except MoveError as exc:
                form.add_error(None, str(exc))
            else:
                note = ""
                if saved.kept_theirs:
                    other = saved.merged_with.author
                    who = display_name(other) if other else "Someone"
                    note = (
                        f" {who} had saved version {saved.merged_with.number} meanwhile: their "
                        f"{' and '.join(saved.kept_theirs)} {'was' if len(saved.kept_theirs) == 1 else 'were'} "
                        "kept with your changes."
                    )
                messages.success(
                    request, f"Draft saved as version {saved.number}. Every version is kept.{note}"
                )
                return redirect("workflow:process", pk=question.pk)
    else:
        form = DraftForm(
            initial={
                "answer_text": latest.answer_text if latest else "",
                "background_note": latest.background_note if latest else "",
                "based_on": latest.number if latest else 0,
            }
        )
    return render(
        request,
        "workflow/draft.html",
        {"question": question, "process": process, "form": form, "conflict": conflict,
         "latest": latest},
    )  # fmt: skip


@workflow_view(team_only=True)
@require_http_methods(["GET", "POST"])
def steps_page(request, pk):
    question, process, steps = _load(request, pk)
    form = StepForm()
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                step = next((s for s in steps if str(s.pk) == request.POST["remove"]), None)
                if step is None:
                    raise MoveError("That step is not on this question any more.")
                services.step_remove(process=process, step=step)
                messages.success(request, f"Step “{step.name}” removed.")
                return redirect("workflow:steps", pk=question.pk)
            form = StepForm(request.POST)
            if form.is_valid():
                if not process.pk:
                    process = services.process_for(question)
                services.step_add(process=process, **form.cleaned_data)
                messages.success(request, f"Step “{form.cleaned_data['name']}” added.")
                return redirect("workflow:steps", pk=question.pk)
        except MoveError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "workflow/steps.html",
        {"question": question, "process": process, "steps": steps, "form": form},
    )


def _commissionable():
    return (
        Question.objects.filter(is_withdrawn=False, answer__isnull=True)
        .exclude(process__stage__in=[s for s in Stage if s not in
                                     (Stage.NEW, Stage.TRANSFERRED_IN, Stage.REJECTED)])
        .select_related("department")
        .order_by("due_date", "id")
    )  # fmt: skip


@workflow_view(team_only=True)
@require_http_methods(["GET", "POST"])
def bulk_commission(request):
    questions = _commissionable()
    if request.method == "POST":
        form = BulkCommissionForm(request.POST, questions=questions)
        if form.is_valid():
            chosen = list(form.cleaned_data["questions"])
            try:
                services.bulk_commission(
                    questions=chosen, owner=form.cleaned_data["owner"], actor=request.user
                )
            except MoveError as exc:
                form.add_error(None, str(exc))
            else:
                owner = form.cleaned_data["owner"]
                messages.success(
                    request,
                    f"{len(chosen)} question{'s' if len(chosen) != 1 else ''} commissioned to "
                    f"{display_name(owner)}.",
                )
                return redirect(reverse("workflow:board"))
    else:
        form = BulkCommissionForm(
            questions=questions, initial={"questions": request.GET.getlist("question")}
        )
    return render(request, "workflow/bulk_commission.html", {"form": form})


# --- the board, "My work" -----------------------------------------------------------


def _board_queryset():
    from .stages import stage_expression

    return (
        Question.objects.filter(is_withdrawn=False)
        .annotate(stage=stage_expression())
        .select_related(
            "department",
            "process",
            "process__owner",
            "process__current_step",
            "process__minister__member",
        )
    )


def _board_filter(request, today):
    from .filters import BoardFilter

    return BoardFilter(request.GET or None, queryset=_board_queryset(), today=today)


@workflow_view(team_only=True)
def board(request):
    from django.db.models import Count, Q

    from answers.views import page_links, paginate

    from .filters import LATE, LATE_INTERNAL, late_internal, late_parliament
    from .models import OPEN_STAGES

    today = timezone.localdate()
    filterset = _board_filter(request, today)

    def count():
        # The open stages from the questions still owed an answer (a few
        # thousand, from their index); transferred out and the internal
        # deadlines from the processes.
        counts = (
            _board_queryset()
            .unanswered()
            .aggregate(
                **{stage.value: Count("pk", filter=Q(stage=stage)) for stage in OPEN_STAGES},
                late=Count("pk", filter=late_parliament(today)),
            )
        )
        processes = AnswerProcess.objects.filter(question__is_withdrawn=False)
        counted = [Stage.TRANSFERRED_OUT, Stage.COMMISSIONED, Stage.DRAFTING, Stage.IN_CLEARANCE]
        # Only the stages counted here, from the stage index: not every
        # process of the department's years of answered questions.
        counts |= processes.filter(stage__in=counted).aggregate(
            **{Stage.TRANSFERRED_OUT.value: Count("pk", filter=Q(stage=Stage.TRANSFERRED_OUT))},
            late_internal=Count("pk", filter=late_internal(today, via="")),
        )
        by_step = list(
            processes.filter(stage=Stage.IN_CLEARANCE)
            .values("current_step__name")
            .annotate(n=Count("pk"))
            .order_by("current_step__name")
        )
        return counts, by_step

    # Every question owed an answer is read to count the tiles (at a million
    # questions, 6,000 and 14 ms): they are kept until anything is written.
    counts, by_step = kept("board", [today], count)
    open_total = sum(counts[s] for s in OPEN_STAGES)
    # The list as it first opens (every open stage) is what the tiles have
    # just counted.
    unfiltered = not any(key != "page" for key in request.GET)
    page, page_error = paginate(request, filterset.qs, count=open_total if unfiltered else None)
    query = request.GET.copy()
    query.pop("page", None)
    url = reverse("workflow:board")
    labels = dict(Stage.choices)
    tiles = [
        (labels[Stage.NEW], counts[Stage.NEW], f"{url}?stage=new"),
        (labels[Stage.TRANSFERRED_IN], counts[Stage.TRANSFERRED_IN], f"{url}?stage=transferred_in"),
        (labels[Stage.REJECTED], counts[Stage.REJECTED], f"{url}?stage=rejected"),
        (labels[Stage.COMMISSIONED], counts[Stage.COMMISSIONED], f"{url}?stage=commissioned"),
        (labels[Stage.DRAFTING], counts[Stage.DRAFTING], f"{url}?stage=drafting"),
        (labels[Stage.IN_CLEARANCE], counts[Stage.IN_CLEARANCE], f"{url}?stage=in_clearance"),
        (labels[Stage.CLEARED], counts[Stage.CLEARED], f"{url}?stage=cleared"),
        (labels[Stage.HOLDING], counts[Stage.HOLDING], f"{url}?stage=holding"),
        ("Past the internal deadline", counts["late_internal"], f"{url}?stage={LATE_INTERNAL}"),
        ("Past the Parliament deadline", counts["late"], f"{url}?stage={LATE}"),
        (labels[Stage.TRANSFERRED_OUT], counts[Stage.TRANSFERRED_OUT], f"{url}?stage=transferred_out"),
    ]  # fmt: skip
    return render(
        request,
        "workflow/board.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "tiles": tiles,
            "by_step": by_step,
            "open_total": open_total,
            "page": page,
            "page_links": page_links(page),
            "page_errors": [page_error] if page_error else [],
            "export_query": query.urlencode(),
            "today": today,
        },
    )


BOARD_CSV_COLUMNS = [
    "question_id", "house", "uin", "heading", "department", "date_tabled", "due_date",
    "stage", "owner", "minister", "draft_due", "current_step", "step_deadline",
    "transfer_department", "url",
]  # fmt: skip


@require_http_methods(["GET", "HEAD"])
@workflow_view(team_only=True)
def board_export(request):
    """The board's rows as CSV: the same FilterSet, ISO 8601 dates."""
    from django.http import HttpResponseBadRequest

    from answers.exports import csv_response

    today = timezone.localdate()
    filterset = _board_filter(request, today)
    if filterset.is_bound and not filterset.is_valid():
        problems = "; ".join(" ".join(errors) for errors in filterset.form.errors.values())
        return HttpResponseBadRequest(
            f"The filters are not valid, so nothing was exported. {problems}",
            content_type="text/plain; charset=utf-8",
        )

    def row(q):
        p = getattr(q, "process", None)
        step = p.current_step if p else None
        return [
            q.pk, q.house, q.uin, q.heading,
            q.department.name if q.department else "",
            q.date_tabled.isoformat() if q.date_tabled else "",
            q.due_date.isoformat() if q.due_date else "",
            q.stage,
            display_name(p.owner) if p and p.owner else "",
            str(p.minister) if p and p.minister else "",
            p.draft_due.isoformat() if p and p.draft_due else "",
            step.name if step else "",
            step.deadline.isoformat() if step and step.deadline else "",
            p.transfer_department if p else "",
            request.build_absolute_uri(reverse("workflow:process", args=[q.pk])),
        ]  # fmt: skip

    # Escaped, and started with a byte-order mark, by the one CSV writer.
    return csv_response(
        BOARD_CSV_COLUMNS,
        filterset.qs,
        filename=f"pq-board-{today.isoformat()}.csv",
        row=row,
    )


@workflow_view()
def my_work(request):
    """What waits on me, soonest deadline first: to accept, to draft, to clear."""
    from .work import work_for

    return render(
        request,
        "workflow/my_work.html",
        {"items": work_for(request.user), "today": timezone.localdate()},
    )


@workflow_view(team_only=True)
def statistics(request):
    from .stats import StatsForm, statistics_for

    form = StatsForm(request.GET or None)
    start, end = form.period()
    return render(
        request,
        "workflow/stats.html",
        {"form": form, "stats": statistics_for(start, end), "start": start, "end": end},
    )
