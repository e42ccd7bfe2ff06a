"""Recording or editing a question's answer."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render

from ... import services
from ...models import Question
from ..forms import AnswerForm
from .common import save_or_refuse, staff_view


@staff_view("answers.add_answer", "answers.change_answer")
def answer_edit(request, pk):
    question = get_object_or_404(Question.objects.for_list(), pk=pk)
    answer = question.get_answer()
    extra = {}
    if request.method == "POST":
        form = AnswerForm(request.POST, question=question)
        if form.is_valid():
            saved, form, extra = save_or_refuse(
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
