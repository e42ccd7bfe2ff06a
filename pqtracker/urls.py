from django.contrib import admin
from django.urls import include, path

from answers import views

urlpatterns = [
    path("", views.home, name="home"),
    path("questions/", views.question_list, name="question_list"),
    path("questions/<int:pk>/", views.question_detail, name="question_detail"),
    path("staff/", include("answers.staff_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]

admin.site.site_header = "PQ Tracker administration"
admin.site.site_title = "PQ Tracker admin"
admin.site.index_title = "Questions, answers and follow-up actions"
