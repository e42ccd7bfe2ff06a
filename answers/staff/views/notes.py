"""Internal notes on a question."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from ... import services
from ...models import Question
from ..forms import NoteForm
from .common import staff_view


@staff_view("answers.add_internalnote", "answers.view_question")
def note_new(request, pk):
    question = get_object_or_404(Question, pk=pk)
    if request.method == "POST":
        form = NoteForm(request.POST, auto_id="note_%s")
        if form.is_valid():
            services.note_create(
                question=question, author=request.user, text=form.cleaned_data["text"]
            )
            messages.success(request, "Note added.")
            return redirect(reverse("staff:question_detail", args=[question.pk]) + "#notes")
    else:
        form = NoteForm(auto_id="note_%s")
    return render(request, "staff/note_form.html", {"form": form, "question": question})
