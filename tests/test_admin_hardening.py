"""The admin cannot be made to skip the stale-edit check, and deletes what it shows."""

import pytest
from django.urls import reverse

from answers.models import GroupedQuestionRef, Question
from tests.test_admin import inline_management

pytestmark = pytest.mark.django_db


@pytest.fixture
def admins_client(client, admins_member):
    client.force_login(admins_member)
    return client


def question_post(question, **extra):
    return {
        "house": question.house,
        "date_tabled": question.date_tabled.isoformat(),
        "heading": "Changed by hand",
        "text": question.text,
        "department": question.department_id,
        "source_url": "",
        **inline_management("answer", 0),
        **inline_management("follow_up_actions", 0),
        **inline_management("notes", 0),
        **extra,
    }


def test_a_question_change_without_its_version_is_refused(admins_client, make_question):
    question = make_question(heading="Original")
    url = reverse("admin:answers_question_change", args=[question.pk])
    response = admins_client.post(url, question_post(question))
    assert response.status_code == 200
    assert "did not say which version of the record" in response.content.decode()
    question.refresh_from_db()
    assert question.heading == "Original"
    # With the version it was loaded at, the same change is saved.
    response = admins_client.post(url, question_post(question, loaded_version=question.version))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.heading == "Changed by hand"


def test_admins_can_delete_a_question_with_pending_grouped_references(admins_client, make_question):
    question = make_question(heading="Grouped with one we do not hold")
    GroupedQuestionRef.objects.create(question=question, house="Commons", uin="12345")
    url = reverse("admin:answers_question_delete", args=[question.pk])
    page = admins_client.get(url)
    assert page.status_code == 200
    assert "would require deleting the following protected" not in page.content.decode()
    response = admins_client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Question.objects.filter(pk=question.pk).exists()
    assert not GroupedQuestionRef.objects.exists()


def test_admins_can_bulk_delete_questions_with_pending_grouped_references(
    admins_client, make_question
):
    question = make_question(heading="Grouped")
    GroupedQuestionRef.objects.create(question=question, house="Commons", uin="12345")
    response = admins_client.post(
        reverse("admin:answers_question_changelist"),
        {"action": "delete_selected", "_selected_action": [question.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Question.objects.exists()
