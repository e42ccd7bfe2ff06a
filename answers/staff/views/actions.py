"""Follow-up actions: adding, editing, moving through their statuses, the list and its CSV."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ... import services
from ...exports import absolute_url_for, csv_response
from ...models import ActionStatus, FollowUpAction, Question
from ...people import display_name
from ...views import page_links, paginate
from ..filters import ActionFilter
from ..forms import ActionForm, ActionStatusForm, EditActionForm
from .common import edit_with_merge, next_url, staff_view

ACTIONS_PAGE_SIZE = 50


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
            try:
                action = services.action_create(question=question, **form.action_fields())
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


def _load_action(pk):
    return FollowUpAction.objects.for_list().get(pk=pk)


def _done_url(request, action):
    return next_url(
        request, reverse("staff:question_detail", args=[action.question_id]) + "#actions"
    )


@staff_view("answers.change_followupaction")
def action_edit(request, pk):
    action = get_object_or_404(FollowUpAction.objects.for_list(), pk=pk)
    saved, form, extra = edit_with_merge(
        request,
        EditActionForm,
        action,
        load_current=lambda: _load_action(pk),
        save=lambda form, values, version: services.action_update(
            action=_load_action(pk), expected_version=version, **form.action_fields(values)
        ),
    )
    if saved:
        messages.success(request, f"Follow-up action “{_load_action(pk).title}” saved.")
        return redirect(_done_url(request, action))
    return render(
        request,
        "staff/action_form.html",
        {
            "form": form,
            "question": action.question,
            "action": action,
            "organisations": _organisations(),
            "next": _done_url(request, action),
            **extra,
        },
    )


@staff_view("answers.change_followupaction")
def action_status(request, pk):
    action = get_object_or_404(FollowUpAction.objects.for_list(), pk=pk)
    saved, form, extra = edit_with_merge(
        request,
        ActionStatusForm,
        action,
        load_current=lambda: _load_action(pk),
        save=lambda form, values, version: services.action_set_status(
            action=_load_action(pk),
            status=values["status"],
            outcome=values["outcome"],
            expected_version=version,
        ),
    )
    if saved:
        action = _load_action(pk)
        label = ActionStatus(action.status).label.lower()
        messages.success(request, f"Follow-up action “{action.title}” is now {label}.")
        return redirect(_done_url(request, action))
    return render(
        request,
        "staff/action_status.html",
        {
            "form": form,
            "question": action.question,
            "action": action,
            "next": _done_url(request, action),
            **extra,
        },
    )


def _action_filter(request):
    return ActionFilter(
        request.GET or None,
        # Soonest due first; undated actions last, on every database.
        queryset=FollowUpAction.objects.for_list().order_by(
            F("due_date").asc(nulls_last=True), "id"
        ),
        today=timezone.localdate(),
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
    url_for = absolute_url_for(request, "staff:question_detail")

    def row(action):
        question = action.question
        return [
            action.pk,
            action.title,
            action.status,
            action.due_date.isoformat() if action.due_date else "",
            "yes" if action.is_overdue(today) else "no",
            action.completed_on.isoformat() if action.completed_on else "",
            display_name(action.owner),
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
            url_for(question.pk),
        ]

    # Streamed, and escaped by the one rule every export follows.
    return csv_response(
        CSV_COLUMNS,
        filterset.qs,
        filename=f"follow-up-actions-{today.isoformat()}.csv",
        row=row,
    )
