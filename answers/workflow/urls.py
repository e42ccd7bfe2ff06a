"""Pages of the answering process, under /staff/ (namespace "workflow")."""

from django.urls import path

from . import views

app_name = "workflow"

urlpatterns = [
    path("start/", views.start, name="start"),
    path("board/", views.board, name="board"),
    path("board/export.csv", views.board_export, name="board_export"),
    path("my-work/", views.my_work, name="my_work"),
    path("statistics/", views.statistics, name="stats"),
    path("board/commission/", views.bulk_commission, name="bulk_commission"),
    path("questions/<int:pk>/process/", views.process_page, name="process"),
    path("questions/<int:pk>/process/draft/", views.draft, name="draft"),
    path("questions/<int:pk>/process/steps/", views.steps_page, name="steps"),
    path("questions/<int:pk>/process/<slug:name>/", views.move, name="move"),
]
