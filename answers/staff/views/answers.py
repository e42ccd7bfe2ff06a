"""Recording or editing a question's answer."""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render

from ... import services
from ...models import Question
from ...text import plain_to_html
from ..forms import AnswerForm
from .common import edit_with_merge, staff_view


def record_answer(*, question, values, expected_version):
    """Record the answer a staff form gives; returns ``(answer, warning)``.

    The minister is a known member (``answered_by``); their post is found or
    added, and a post in another department than the question's is a
    warning, not a refusal.
    """
    with transaction.atomic():
        minister = None
        if values.get("answered_by") is not None:
            minister = services.minister_post(
                member=values["answered_by"],
                title=values.get("minister_role") or "",
                department=question.department,
            )
        stored = question.get_answer()
        answer = services.answer_record(
            question=question,
            expected_version=expected_version,
            minister=minister,
            date_answered=values["date_answered"],
            text=plain_to_html(values["answer_text"], stored_html=stored.text if stored else ""),
            is_holding=values["is_holding"],
            date_holding_answer=values["date_holding_answer"],
        )
    warning = services.minister_department_warning(
        minister=minister, department=question.department
    )
    return answer, warning


@staff_view("answers.add_answer", "answers.change_answer")
def answer_edit(request, pk):
    question = get_object_or_404(Question.objects.for_list(), pk=pk)
    answer = question.get_answer()
    warnings = []

    def save(form, values, version):
        _, warning = record_answer(
            question=Question.objects.get(pk=pk), values=values, expected_version=version
        )
        warnings.append(warning)

    saved, form, extra = edit_with_merge(
        request,
        AnswerForm,
        answer,
        load_current=lambda: Question.objects.for_list().get(pk=pk).get_answer(),
        save=save,
        form_kwargs={"question": question},
    )
    if saved:
        messages.success(request, "Answer saved.")
        for warning in filter(None, warnings):
            messages.warning(request, warning)
        return redirect("staff:question_detail", pk=question.pk)
    return render(
        request,
        "staff/answer_form.html",
        {"form": form, "question": question, "answer": answer, **extra},
    )
