"""Text PostgreSQL refuses (a NUL byte) gets a form's error or a 400, never a 500."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from answers.filters import QuestionFilter
from answers.staff.forms import NewQuestionForm

pytestmark = pytest.mark.django_db

NUL = "Dental\x00Services"


@pytest.fixture
def client_(admin_user):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    return client


def test_a_new_question_with_a_nul_byte_gets_the_forms_error(client_, make_question):
    make_question(heading="Dental Services: Carers")
    fields = dict.fromkeys(NewQuestionForm(today=None).fields, NUL)
    response = client_.post(reverse("staff:question_new"), {**fields, "action": "save"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "There is a problem" in body
    assert "Null characters are not allowed." in body


def test_a_pasted_page_with_a_nul_byte_gets_the_forms_error(client_):
    response = client_.post(reverse("staff:question_new"), {"page_text": NUL, "action": "parse"})
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()


def test_filters_and_searches_with_a_nul_byte_never_fail(client_, make_question):
    make_question(heading="Dental Services: Carers")
    public = dict.fromkeys(QuestionFilter().form.fields, NUL)
    for url in ("/questions/", "/questions/feed/", "/staff/questions/", "/staff/actions/"):
        assert client_.get(url, public).status_code == 200, url
    for url in ("/questions.json", "/questions.csv"):
        response = client_.get(url, public)
        assert response.status_code == 400, url
        assert "Null characters are not allowed." in response.json()["errors"]["q"]
    for model in admin.site._registry:
        meta = model._meta
        url = reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")
        assert client_.get(url, {"q": NUL}).status_code == 200, url


def test_signing_in_with_a_nul_byte_is_a_form_error():
    response = Client(raise_request_exception=False).post(
        reverse("login"), {"username": NUL, "password": NUL}
    )
    assert response.status_code == 200
    assert "Null characters are not allowed." in response.content.decode()
