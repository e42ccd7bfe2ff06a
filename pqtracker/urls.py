from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from answers import directory, exports, views

urlpatterns = [
    path("", views.home, name="home"),
    path("questions/", views.question_list, name="question_list"),
    path("questions/<int:pk>/", views.question_detail, name="question_detail"),
    path("departments/", directory.department_performance, name="department_performance"),
    path("departments/<slug:slug>/", directory.department_detail, name="department_detail"),
    path("members/search.json", directory.member_search, name="member_search"),
    path("members/<int:pk>/", directory.member_detail, name="member_detail"),
    path("questions.csv", exports.questions_csv, name="questions_csv"),
    path("questions.json", exports.questions_json, name="questions_json"),
    path("questions/feed/", exports.QuestionsFeed(), name="questions_feed"),
    path("staff/", include("answers.staff.urls")),
    path("staff/", include("answers.workflow.urls")),
    # Sign in, sign out and change password. No self-service password reset:
    # the service sends no email, so an admin resets passwords in the admin.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "PQ Tracker administration"
admin.site.site_title = "PQ Tracker admin"
admin.site.index_title = "Questions, answers and follow-up actions"
