"""Staff pages, under /staff/. Every view here needs sign-in and a permission."""

from django.urls import path

from . import staff_views

app_name = "staff"

urlpatterns = [
    path("", staff_views.dashboard, name="dashboard"),
    path("questions/", staff_views.question_list, name="question_list"),
    path("questions/new/", staff_views.question_new, name="question_new"),
    path("questions/<int:pk>/", staff_views.question_detail, name="question_detail"),
    path("questions/<int:pk>/edit/", staff_views.question_edit, name="question_edit"),
    path("questions/<int:pk>/answer/", staff_views.answer_edit, name="answer_edit"),
    path("questions/<int:pk>/notes/new/", staff_views.note_new, name="note_new"),
    path("questions/<int:pk>/actions/new/", staff_views.action_new, name="action_new"),
    path("actions/", staff_views.action_list, name="action_list"),
    path("actions/export.csv", staff_views.action_export, name="action_export"),
    path("actions/<int:pk>/edit/", staff_views.action_edit, name="action_edit"),
    path("actions/<int:pk>/status/", staff_views.action_status, name="action_status"),
]
