from django.contrib import admin
from django.urls import include, path

from answers import exports, views

urlpatterns = [
    path("", views.home, name="home"),
    path("questions/", views.question_list, name="question_list"),
    path("questions/<int:pk>/", views.question_detail, name="question_detail"),
    path("questions.csv", exports.questions_csv, name="questions_csv"),
    path("questions.json", exports.questions_json, name="questions_json"),
    path("questions/feed/", exports.QuestionsFeed(), name="questions_feed"),
    path("staff/", include("answers.staff_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "PQ Tracker administration"
admin.site.site_title = "PQ Tracker admin"
admin.site.index_title = "Questions, answers and follow-up actions"
