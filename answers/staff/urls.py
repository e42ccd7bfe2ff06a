"""Staff pages, under /staff/. Every view here needs sign-in and a permission."""

from django.urls import path

from .views import actions, answers, dashboard, notes, questions

app_name = "staff"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("questions/", questions.question_list, name="question_list"),
    path("questions/new/", questions.question_new, name="question_new"),
    path("questions/<int:pk>/", questions.question_detail, name="question_detail"),
    path("questions/<int:pk>/edit/", questions.question_edit, name="question_edit"),
    path("questions/<int:pk>/answer/", answers.answer_edit, name="answer_edit"),
    path("questions/<int:pk>/notes/new/", notes.note_new, name="note_new"),
    path("questions/<int:pk>/actions/new/", actions.action_new, name="action_new"),
    path("actions/", actions.action_list, name="action_list"),
    path("actions/export.csv", actions.action_export, name="action_export"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action_edit"),
    path("actions/<int:pk>/status/", actions.action_status, name="action_status"),
]
