"""Staff question pages: the list, logging a question, the question page, editing."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from ... import services
from ...importers.page_text import PageTextError, parse_page_text
from ...models import Question
from ...people import long_date
from ...similar import similar_questions
from ...views import page_links, paginate_list
from ..filters import StaffQuestionFilter
from ..forms import EditQuestionForm, NewQuestionForm, NoteForm, PasteForm
from ..history import question_history
from .answers import record_answer
from .common import edit_with_merge, staff_view


@staff_view("answers.view_question")
def question_list(request):
    today = timezone.localdate()
    filterset = StaffQuestionFilter(
        request.GET or None, queryset=Question.objects.for_list(), today=today
    )
    page, page_error = paginate_list(request, filterset, filterset.page_rows())
    filterset.with_snippets(page)
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
    return extra


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


def _render_new(request, form, paste, *, similar=(), seen=frozenset(), **extra):
    return render(
        request,
        "staff/question_new.html",
        _question_form_context(
            form=form,
            paste=paste,
            similar=similar,
            seen=seen,
            today=timezone.localdate(),
            **extra,
        ),
    )


@staff_view("answers.add_question", "answers.add_answer")
def question_new(request):
    """Log a question: a blank form, a paste that fills it, or the save itself."""
    if request.method != "POST":
        return _render_new(request, NewQuestionForm(today=timezone.localdate()), PasteForm())
    if request.POST.get("action") == "parse":
        return _fill_from_paste(request)
    return _log_question(request)


def _fill_from_paste(request):
    """Read the pasted page text into the form, for checking before saving.

    Nothing typed is lost: the paste stays in its box on a parser error, and
    the values typed into the form are kept where the paste has none.
    """
    today = timezone.localdate()
    paste = PasteForm(request.POST)
    paste.is_valid()
    typed = _typed_values(request, NewQuestionForm)
    form = NewQuestionForm(initial=typed, today=today)
    seen = _seen_ids(request)
    text = paste.cleaned_data.get("page_text", "")
    if not text.strip():
        paste.add_error("page_text", "Paste the text of the question’s page first.")
        return _render_new(request, form, paste, seen=seen)
    try:
        records = parse_page_text(text)
    except PageTextError as exc:
        paste.add_error(
            "page_text",
            f"The pasted text could not be read as a written question ({exc}). "
            "Check you copied the whole page, or fill in the form yourself.",
        )
        return _render_new(request, form, paste, seen=seen)
    if len(records) != 1:
        paste.add_error(
            "page_text",
            f"The pasted text holds {len(records)} questions. Paste one question at a time.",
        )
        return _render_new(request, form, paste, seen=seen)
    record = records[0]
    parsed = {
        name: value
        for name, value in NewQuestionForm.initial_from_record(record).items()
        if value not in (None, "", False)
    }
    form = NewQuestionForm(initial={**typed, **parsed}, today=today)
    similar = similar_questions(heading=record.heading, text=record.question_text)
    seen = {question.pk for question in similar}
    unknown = []
    if record.department and "department" not in parsed:
        unknown.append(
            f"The page names the department “{record.department}”, which is not in the "
            "list: choose the department, or ask an admin to add it."
        )
    return _render_new(
        request, form, paste, similar=similar, seen=seen, filled=True, unknown_names=unknown
    )


def _log_question(request):
    """Save a new question, after showing any similar questions not yet seen."""
    today = timezone.localdate()
    paste = PasteForm(request.POST)
    seen = _seen_ids(request)
    form = NewQuestionForm(request.POST, today=today)
    if not form.is_valid():
        # Only what passed the form's checks reaches the database: a heading
        # with a NUL byte gets the form's error, not a database error.
        similar = similar_questions(
            heading=form.cleaned_data.get("heading", ""), text=form.cleaned_data.get("text", "")
        )
        seen |= {question.pk for question in similar}
        return _render_new(request, form, paste, similar=similar, seen=seen)
    similar = similar_questions(
        heading=form.cleaned_data["heading"], text=form.cleaned_data["text"]
    )
    if any(question.pk not in seen for question in similar):
        # Not saved yet: the similar questions are shown first, once.
        seen |= {question.pk for question in similar}
        return _render_new(request, form, paste, similar=similar, seen=seen, check_similar=True)
    try:
        with transaction.atomic():
            question = services.question_create(user=request.user, **form.question_fields())
            warning = ""
            if form.has_answer():
                _, warning = record_answer(
                    question=question, values=form.cleaned_data, expected_version=None
                )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _render_new(request, form, paste, similar=similar, seen=seen)
    if warning:
        messages.warning(request, warning)
    due = (
        f" It is due on {long_date(question.due_date)}."
        if question.due_date and not form.has_answer()
        else ""
    )
    messages.success(request, f"Question “{question.heading}” logged.{due}")
    return redirect("staff:question_detail", pk=question.pk)


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
    saved, form, extra = edit_with_merge(
        request,
        EditQuestionForm,
        question,
        load_current=lambda: Question.objects.for_list().get(pk=pk),
        save=lambda form, values, version: services.question_update(
            question=Question.objects.get(pk=pk),
            expected_version=version,
            user=request.user,
            **form.question_fields(values),
        ),
        form_kwargs={
            "today": timezone.localdate(),
            "answer_date": answer.date_answered if answer else None,
        },
    )
    if saved:
        messages.success(request, "Question saved.")
        return redirect("staff:question_detail", pk=question.pk)
    return render(
        request,
        "staff/question_edit.html",
        _question_form_context(form=form, question=question, **extra),
    )
