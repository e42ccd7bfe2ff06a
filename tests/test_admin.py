"""The Django admin: login required; a question, its answer and actions in one go."""

import datetime

import pytest
from django.urls import reverse

from answers.models import ActionStatus, Department, FollowUpAction, Question

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    ["admin:index", "admin:answers_question_changelist", "admin:answers_followupaction_changelist"],
)
def test_admin_needs_login(anonymous, url):
    response = anonymous.get(reverse(url))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admin_lists_load_for_every_model(admin_client_, make_question, make_action):
    question = make_question(
        asked_by="Jane Smith", date_answered=datetime.date(2025, 3, 1), answered_by="Min"
    )
    make_action(question)
    for model in [
        "department",
        "member",
        "minister",
        "question",
        "answer",
        "followupaction",
        "internalnote",
    ]:
        response = admin_client_.get(reverse(f"admin:answers_{model}_changelist"))
        assert response.status_code == 200, model
        response = admin_client_.get(reverse(f"admin:answers_{model}_add"))
        assert response.status_code == 200, model


def inline_management(prefix, total=1):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_admin_logs_a_question_with_answer_and_actions(admin_client_):
    department = Department.objects.create(name="Department of Health and Social Care", slug="dhsc")
    data = {
        "house": "Commons",
        "uin": "29000",
        "date_tabled": "2025-02-12",
        "heading": "Infant Mortality",
        "text": "To ask the Secretary of State for Health and Social Care, what steps…",
        "department": department.pk,
        "source_url": "",
        **inline_management("answer"),
        "answer-0-date_answered": "2025-02-25",
        "answer-0-text": "<p>The Office of Health Improvement and Disparities has looked in detail…</p>",
        **inline_management("follow_up_actions", 2),
        "follow_up_actions-0-title": "Obtain the OHID London action plan",
        "follow_up_actions-0-organisation": "OHID London",
        "follow_up_actions-0-due_date": "2025-03-14",
        "follow_up_actions-0-status": "done",
        "follow_up_actions-0-outcome": "Plan received.",
        "follow_up_actions-0-is_public": "on",
        "follow_up_actions-1-title": "Ask Havering for local progress",
        "follow_up_actions-1-organisation": "London Borough of Havering",
        "follow_up_actions-1-due_date": "2025-04-30",
        "follow_up_actions-1-status": "open",
        **inline_management("notes", 1),
        "notes-0-text": "  Check with the private office.  ",
    }
    response = admin_client_.post(reverse("admin:answers_question_add"), data)
    assert response.status_code == 302, (
        response.context["adminform"].form.errors if response.context else response
    )
    question = Question.objects.get(uin="29000")
    assert question.heading == "Infant Mortality"
    # The due date is computed, never typed: five working days after tabling.
    assert question.due_date == datetime.date(2025, 2, 19)
    assert question.logged_by.username == "ada.admin"
    assert question.answer.date_answered == datetime.date(2025, 2, 25)
    actions = {a.title: a for a in question.follow_up_actions.all()}
    assert set(actions) == {"Obtain the OHID London action plan", "Ask Havering for local progress"}
    done = actions["Obtain the OHID London action plan"]
    assert done.status == ActionStatus.DONE
    assert done.completed_on is not None
    # The note is saved through its service: trimmed, written by whoever added it.
    note = question.notes.get()
    assert (note.text, note.author.username, note.version) == (
        "Check with the private office.",
        "ada.admin",
        1,
    )
    # And the public page shows it.
    page = admin_client_.get(question.get_absolute_url()).content.decode()
    assert "Obtain the OHID London action plan" in page
    assert "Ask Havering for local progress" not in page


def test_admin_refuses_an_answer_dated_before_tabling(admin_client_):
    department = Department.objects.create(name="Home Office", slug="home-office")
    data = {
        "house": "Commons",
        "date_tabled": "2025-02-12",
        "heading": "Policing",
        "text": "To ask…",
        "department": department.pk,
        **inline_management("answer"),
        "answer-0-date_answered": "2025-02-01",
        "answer-0-text": "<p>Too early.</p>",
        **inline_management("follow_up_actions", 0),
        **inline_management("notes", 0),
    }
    response = admin_client_.post(reverse("admin:answers_question_add"), data)
    assert response.status_code == 200
    assert not Question.objects.exists()


def test_admin_bulk_mark_done(admin_client_, make_question, make_action):
    question = make_question()
    first = make_action(question, title="One")
    second = make_action(question, title="Two", status="in_progress")
    response = admin_client_.post(
        reverse("admin:answers_followupaction_changelist"),
        {
            "action": "mark_done",
            "_selected_action": [first.pk, second.pk],
            "apply": "1",
            "outcome": "Both done.",
        },
    )
    assert response.status_code == 302
    assert set(FollowUpAction.objects.values_list("status", flat=True)) == {"done"}
    assert all(a.completed_on for a in FollowUpAction.objects.all())


def test_answer_html_typed_in_the_admin_is_sanitised_before_it_reaches_the_public(
    admin_client_, make_question
):
    question = make_question(date_answered=datetime.date(2025, 3, 1))
    answer = question.answer
    answer.text = (
        '<p onclick="steal()">Fine.<script>alert(1)</script></p><a href="javascript:x()">link</a>'
    )
    answer.save()
    answer.refresh_from_db()
    assert "script" not in answer.text
    assert "onclick" not in answer.text
    assert "javascript:" not in answer.text
    assert "Fine." in admin_client_.get(question.get_absolute_url()).content.decode()


def test_an_answer_corrected_in_the_admin_keeps_its_original_as_imports_do(make_question):
    from answers import services

    question = make_question(date_answered=datetime.date(2025, 3, 1), answer_text="First.")
    answer = question.answer
    answer.text = "<p>Corrected.</p>"
    answer.is_correction = True
    answer.date_corrected = datetime.date(2025, 3, 5)
    services.answer_update(answer=answer, expected_version=answer.version)
    answer.refresh_from_db()
    assert (answer.text, answer.original_text, answer.original_date_answered) == (
        "<p>Corrected.</p>",
        "<p>First.</p>",
        datetime.date(2025, 3, 1),
    )
    assert answer.version == 2


def test_a_filtered_lists_row_links_keep_its_filters(admin_client_, make_question):
    """Each row's link carries the list's filters, and its page keeps them for the way back."""
    held = make_question(date_answered=datetime.date(2025, 3, 1), is_holding=True).answer
    make_question(date_answered=datetime.date(2025, 3, 2))
    changelist = reverse("admin:answers_answer_changelist")
    change = reverse("admin:answers_answer_change", args=[held.pk])

    response = admin_client_.get(changelist, {"is_holding__exact": "1"})
    kept = "_changelist_filters=is_holding__exact%3D1"
    assert f'href="{change}?{kept}"' in response.content.decode()
    assert response.content.decode().count("/change/?_changelist_filters=") == 1  # one row

    page = admin_client_.get(f"{change}?{kept}").content.decode()
    history = reverse("admin:answers_answer_history", args=[held.pk])
    assert f'href="{history}?{kept}"' in page

    unfiltered = admin_client_.get(changelist).content.decode()
    assert f'href="{change}"' in unfiltered
    assert "_changelist_filters" not in unfiltered
