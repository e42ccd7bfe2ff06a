"""Pages for staff: they need login and the right permission.

An anonymous visitor is sent to the sign-in page (and back afterwards); a
signed-in user without the permission gets a 403. Which group holds which
permission is set out in ``answers.groups``.

Writes go through ``answers.services``. Edit forms carry the version of the
record they showed; a save after someone else's is refused with who changed
it and when, and both versions side by side (``_refuse_stale``).
"""

import datetime
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from . import services
from .exports import csv_response, rows_from
from .importers.page_text import PageTextError, parse_page_text
from .models import ActionStatus, Department, FollowUpAction, Question
from .similar import similar_questions
from .staff_filters import DUE_SOON_DAYS, ActionFilter, Due, StaffQuestionFilter
from .staff_forms import (
    ActionForm,
    ActionStatusForm,
    AnswerForm,
    EditActionForm,
    EditQuestionForm,
    NewQuestionForm,
    NoteForm,
    PasteForm,
)
from .staff_history import question_history
from .views import page_links, paginate

# Rows per dashboard table; each table links to the full filtered list.
DASHBOARD_ROWS = 10
ACTIONS_PAGE_SIZE = 50


def staff_view(*perms):
    """Sign-in first (a redirect), then every permission in ``perms`` (else 403)."""

    def decorator(view):
        guarded = login_required(permission_required(perms, raise_exception=True)(view))
        return wraps(view)(guarded)

    return decorator


def _long_date(value):
    return f"{value.day} {value:%B %Y}" if value else ""


def _next_url(request, default):
    """Where to go after a save: a ``next`` staff page if given and safe, else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/staff/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _refuse_stale(request, form_class, exc, current_initial, **form_kwargs):
    """The form again, as typed, with the refusal and a comparison of both versions.

    The hidden version becomes the current one: saving again is then a
    deliberate choice, made with the other person's changes in view.
    """
    first = form_class(request.POST, **form_kwargs)
    first.is_valid()
    differences = first.differences(current_initial)
    data = request.POST.copy()
    data["version"] = str(exc.current.version)
    form = form_class(data, **form_kwargs)
    form.is_valid()
    form.add_error(None, str(exc))
    return form, {"stale": exc, "differences": differences}


def _save_or_refuse(
    request, form, save, load_current, *, catch=(ValidationError,), error=lambda exc: exc,
    **form_kwargs,
):  # fmt: skip
    """Run ``save()`` for a valid versioned form, or explain why it did not save.

    Otherwise returns the form to show again, with the error: a stale edit
    gets the refusal and both versions (``load_current`` gives the record as
    stored now); an exception in ``catch`` from the service is shown on the
    form as ``error(exc)``. Returns ``(saved, form, extra_context)``.
    """
    try:
        save()
    except services.StaleEditError as exc:
        form_class = type(form)
        form, extra = _refuse_stale(
            request, form_class, exc, form_class.initial_for(load_current()), **form_kwargs
        )
        return False, form, extra
    except catch as exc:
        form.add_error(None, error(exc))
        return False, form, {}
    return True, form, {}


# --- dashboard -----------------------------------------------------------------


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


# --- questions -----------------------------------------------------------------


@staff_view("answers.view_question")
def question_list(request):
    today = timezone.localdate()
    filterset = StaffQuestionFilter(
        request.GET or None, queryset=Question.objects.for_list(), today=today
    )
    page, page_error = paginate(request, filterset.qs)
    return render(
        request,
        "staff/question_list.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page": page,
            "page_links": page_links(page),
            "page_errors": [page_error] if page_error else [],
            "today": today,
        },
    )


def _question_form_context(**extra):
    return {"departments": Department.objects.values_list("name", flat=True), **extra}


def _seen_ids(request):
    return {int(value) for value in request.POST.getlist("similar_seen") if value.isdigit()}


def _typed_values(request, form_class):
    """What was typed into the question form, as initial values.

    Used when the paste box is submitted: the form is shown again, unbound
    (no errors for fields not yet filled in), without losing anything.
    """
    values = {}
    for name in form_class.base_fields:
        if name in request.POST:
            values[name] = request.POST[name]
    return values


@staff_view("answers.add_question", "answers.add_answer")
def question_new(request):
    today = timezone.localdate()
    paste = PasteForm(request.POST or None)
    similar = []
    seen = set()
    context = {"paste": paste, "today": today}
    if request.method != "POST":
        form = NewQuestionForm(today=today)
        return render(
            request, "staff/question_new.html", _question_form_context(form=form, **context)
        )

    seen = _seen_ids(request)
    if request.POST.get("action") == "parse":
        typed = _typed_values(request, NewQuestionForm)
        form = NewQuestionForm(initial=typed, today=today)
        paste.is_valid()
        text = paste.cleaned_data.get("page_text", "")
        if not text.strip():
            paste.add_error("page_text", "Paste the text of the question’s page first.")
        else:
            try:
                records = parse_page_text(text)
            except PageTextError as exc:
                paste.add_error(
                    "page_text",
                    f"The pasted text could not be read as a written question ({exc}). "
                    "Check you copied the whole page, or fill in the form yourself.",
                )
            else:
                if len(records) != 1:
                    paste.add_error(
                        "page_text",
                        f"The pasted text holds {len(records)} questions. "
                        "Paste one question at a time.",
                    )
                else:
                    record = records[0]
                    parsed = {
                        name: value
                        for name, value in NewQuestionForm.initial_from_record(record).items()
                        if value not in (None, "", False)
                    }
                    form = NewQuestionForm(initial={**typed, **parsed}, today=today)
                    similar = similar_questions(heading=record.heading, text=record.question_text)
                    seen = {question.pk for question in similar}
                    context["filled"] = True
        return render(
            request,
            "staff/question_new.html",
            _question_form_context(form=form, similar=similar, seen=seen, **context),
        )

    form = NewQuestionForm(request.POST, today=today)
    if form.is_valid():
        similar = similar_questions(
            heading=form.cleaned_data["heading"], text=form.cleaned_data["text"]
        )
        unseen = [question for question in similar if question.pk not in seen]
        if unseen:
            # Not saved yet: the similar questions are shown first, once.
            seen |= {question.pk for question in similar}
            context["check_similar"] = True
        else:
            try:
                question = services.question_log(
                    user=request.user,
                    question_fields=form.question_fields(),
                    answer_fields=form.answer_fields() if form.has_answer() else None,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                due = (
                    f" It is due on {_long_date(question.due_date)}."
                    if question.due_date and not form.has_answer()
                    else ""
                )
                messages.success(request, f"Question “{question.heading}” logged.{due}")
                return redirect("staff:question_detail", pk=question.pk)
    else:
        # Only what passed the form's checks reaches the database: a heading
        # with a NUL byte gets the form's error, not a database error.
        similar = similar_questions(
            heading=form.cleaned_data.get("heading", ""), text=form.cleaned_data.get("text", "")
        )
        seen |= {question.pk for question in similar}
    return render(
        request,
        "staff/question_new.html",
        _question_form_context(form=form, similar=similar, seen=seen, **context),
    )


@staff_view("answers.view_question", "answers.view_internalnote", "answers.view_followupaction")
def question_detail(request, pk):
    question = get_object_or_404(Question.objects.for_detail().select_related("logged_by"), pk=pk)
    return render(
        request,
        "staff/question_detail.html",
        {
            "question": question,
            "answer": question.get_answer(),
            "actions": question.follow_up_actions.select_related("owner").order_by(
                F("due_date").asc(nulls_last=True), "id"
            ),
            "notes": question.notes.select_related("author"),
            "history": question_history(question),
            "note_form": NoteForm(auto_id="note_%s"),
            "today": timezone.localdate(),
        },
    )


@staff_view("answers.change_question")
def question_edit(request, pk):
    question = get_object_or_404(Question.objects.for_list(), pk=pk)
    answer = question.get_answer()
    today = timezone.localdate()
    form_kwargs = {"today": today, "answer_date": answer.date_answered if answer else None}
    extra = {}
    if request.method == "POST":
        form = EditQuestionForm(request.POST, **form_kwargs)
        if form.is_valid():
            saved, form, extra = _save_or_refuse(
                request,
                form,
                lambda: services.question_write(
                    question=question,
                    user=request.user,
                    expected_version=form.cleaned_data["version"],
                    **form.question_fields(),
                ),
                lambda: Question.objects.for_list().get(pk=pk),
                **form_kwargs,
            )
            if saved:
                messages.success(request, "Question saved.")
                return redirect("staff:question_detail", pk=question.pk)
    else:
        form = EditQuestionForm(initial=EditQuestionForm.initial_for(question), **form_kwargs)
    return render(
        request,
        "staff/question_edit.html",
        _question_form_context(form=form, question=question, **extra),
    )


@staff_view("answers.add_answer", "answers.change_answer")
def answer_edit(request, pk):
    question = get_object_or_404(Question.objects.for_list(), pk=pk)
    answer = question.get_answer()
    extra = {}
    if request.method == "POST":
        form = AnswerForm(request.POST, question=question)
        if form.is_valid():
            saved, form, extra = _save_or_refuse(
                request,
                form,
                lambda: services.answer_write(
                    question=question,
                    expected_version=form.cleaned_data["version"],
                    **form.answer_fields(),
                ),
                lambda: Question.objects.for_list().get(pk=pk).get_answer(),
                catch=(ValidationError, ValueError),
                error=lambda exc: exc.messages if hasattr(exc, "messages") else str(exc),
                question=question,
            )
            if saved:
                messages.success(request, "Answer saved.")
                return redirect("staff:question_detail", pk=question.pk)
    else:
        form = AnswerForm(initial=AnswerForm.initial_for(answer), question=question)
    return render(
        request,
        "staff/answer_form.html",
        {"form": form, "question": question, "answer": answer, **extra},
    )


@staff_view("answers.add_internalnote", "answers.view_question")
def note_new(request, pk):
    question = get_object_or_404(Question, pk=pk)
    if request.method == "POST":
        form = NoteForm(request.POST, auto_id="note_%s")
        if form.is_valid():
            services.note_add(
                question=question, author=request.user, text=form.cleaned_data["text"]
            )
            messages.success(request, "Note added.")
            return redirect(reverse("staff:question_detail", args=[question.pk]) + "#notes")
    else:
        form = NoteForm(auto_id="note_%s")
    return render(request, "staff/note_form.html", {"form": form, "question": question})


# --- follow-up actions ---------------------------------------------------------


def _organisations():
    return (
        FollowUpAction.objects.exclude(organisation="")
        .order_by("organisation")
        .values_list("organisation", flat=True)
        .distinct()
    )


@staff_view("answers.add_followupaction", "answers.view_question")
def action_new(request, pk):
    question = get_object_or_404(Question, pk=pk)
    if request.method == "POST":
        form = ActionForm(request.POST)
        if form.is_valid():
            action = form.apply_to(FollowUpAction(question=question))
            try:
                services.action_save(action=action)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"Follow-up action “{action.title}” added.")
                return redirect(reverse("staff:question_detail", args=[question.pk]) + "#actions")
    else:
        form = ActionForm()
    return render(
        request,
        "staff/action_form.html",
        {"form": form, "question": question, "organisations": _organisations()},
    )


@staff_view("answers.change_followupaction")
def action_edit(request, pk):
    action = get_object_or_404(FollowUpAction.objects.for_list(), pk=pk)
    question = action.question
    done_url = _next_url(request, reverse("staff:question_detail", args=[question.pk]) + "#actions")
    extra = {}
    if request.method == "POST":
        form = EditActionForm(request.POST)
        if form.is_valid():
            saved, form, extra = _save_or_refuse(
                request,
                form,
                lambda: services.action_save(
                    action=form.apply_to(action), expected_version=form.cleaned_data["version"]
                ),
                lambda: FollowUpAction.objects.for_list().get(pk=pk),
            )
            if saved:
                messages.success(request, f"Follow-up action “{action.title}” saved.")
                return redirect(done_url)
    else:
        form = EditActionForm(initial=EditActionForm.initial_for(action))
    return render(
        request,
        "staff/action_form.html",
        {
            "form": form,
            "question": question,
            "action": action,
            "organisations": _organisations(),
            "next": done_url,
            **extra,
        },
    )


@staff_view("answers.change_followupaction")
def action_status(request, pk):
    action = get_object_or_404(FollowUpAction.objects.for_list(), pk=pk)
    question = action.question
    done_url = _next_url(request, reverse("staff:question_detail", args=[question.pk]) + "#actions")
    extra = {}
    if request.method == "POST":
        form = ActionStatusForm(request.POST)
        if form.is_valid():
            saved, form, extra = _save_or_refuse(
                request,
                form,
                lambda: services.action_set_status(
                    action=action,
                    status=form.cleaned_data["status"],
                    outcome=form.cleaned_data["outcome"],
                    expected_version=form.cleaned_data["version"],
                ),
                lambda: FollowUpAction.objects.for_list().get(pk=pk),
            )
            if saved:
                label = ActionStatus(action.status).label.lower()
                messages.success(request, f"Follow-up action “{action.title}” is now {label}.")
                return redirect(done_url)
    else:
        form = ActionStatusForm(initial=ActionStatusForm.initial_for(action))
    return render(
        request,
        "staff/action_status.html",
        {"form": form, "question": question, "action": action, "next": done_url, **extra},
    )


def _action_filter(request):
    return ActionFilter(
        request.GET or None,
        # Soonest due first; undated actions last, on every database.
        queryset=FollowUpAction.objects.for_list().order_by(
            F("due_date").asc(nulls_last=True), "id"
        ),
        today=timezone.localdate(),
        user=request.user,
    )


@staff_view("answers.view_followupaction")
def action_list(request):
    filterset = _action_filter(request)
    page, page_error = paginate(request, filterset.qs, per_page=ACTIONS_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "staff/action_list.html",
        {
            "filter": filterset,
            "form": filterset.form,
            "page": page,
            "page_links": page_links(page),
            "page_errors": [page_error] if page_error else [],
            "export_query": query.urlencode(),
            "today": timezone.localdate(),
        },
    )


CSV_COLUMNS = [
    "id",
    "title",
    "status",
    "due_date",
    "overdue",
    "completed_on",
    "owner",
    "organisation",
    "public",
    "detail",
    "outcome",
    "question_id",
    "question_heading",
    "question_house",
    "question_uin",
    "department",
    "created_at",
    "url",
]


@require_http_methods(["GET", "HEAD"])
@staff_view("answers.view_followupaction")
def action_export(request):
    """The filtered action list as CSV: the same FilterSet, ISO 8601 dates."""
    filterset = _action_filter(request)
    if filterset.is_bound and not filterset.is_valid():
        problems = "; ".join(
            f"{filterset.form.fields[name].label}: {' '.join(errors)}"
            if name in filterset.form.fields
            else " ".join(errors)
            for name, errors in filterset.form.errors.items()
        )
        return HttpResponseBadRequest(
            f"The filters are not valid, so nothing was exported. {problems}",
            content_type="text/plain; charset=utf-8",
        )
    today = timezone.localdate()

    def row(action):
        question = action.question
        return [
            action.pk,
            action.title,
            action.status,
            action.due_date.isoformat() if action.due_date else "",
            "yes" if action.is_overdue(today) else "no",
            action.completed_on.isoformat() if action.completed_on else "",
            (action.owner.get_full_name() or action.owner.get_username()) if action.owner else "",
            action.organisation,
            "yes" if action.is_public else "no",
            action.detail,
            action.outcome,
            question.pk,
            question.heading,
            question.house,
            question.uin,
            question.department.name if question.department else "",
            timezone.localtime(action.created_at).isoformat(timespec="seconds"),
            request.build_absolute_uri(reverse("staff:question_detail", args=[question.pk])),
        ]

    rows = rows_from(filterset.qs.iterator(chunk_size=2000), row)
    return csv_response(CSV_COLUMNS, rows, filename=f"follow-up-actions-{today.isoformat()}.csv")
