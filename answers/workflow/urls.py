"""Pages of the answering process, under /staff/ (namespace "workflow")."""

from django.urls import path

from . import views

app_name = "workflow"

urlpatterns = [
    path("start/", views.start, name="start"),
]
