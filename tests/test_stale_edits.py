"""Two people editing one record: a stale save merges, and never erases the other's work.

Fields only the other person changed keep their change; fields only you
changed take yours; a field you both changed is shown side by side and saved
only once you choose. Covers questions, answers, follow-up actions (edit and
status), notes and the admin.
"""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from answers import services
from answers.models import Answer, FollowUpAction, InternalNote, Member, Question
from answers.staff.forms import ActionStatusForm, AnswerForm, EditActionForm, EditQuestionForm
from tests.forms import as_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def alex(admins_member):
    """A (Alex): saves first."""
    client = Client()
    client.force_login(admins_member)
    return client


@pytest.fixture
def sam(staff_user):
    """B (Sam): opened the record at the same time, saves second."""
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.fixture
def asker(db):
    return Member.objects.create(name="Andrew Rosindell", house="Commons", party="Conservative")


# --- questions ------------------------------------------------------------------


def test_stale_save_of_another_field_keeps_the_uin_and_asker_set_meanwhile(
    alex, sam, asker, make_question
):
    # The reported case: A sets the UIN and the asking member and saves; B,
    # who opened the question before, changes only the heading.
    question = make_question(heading="Infant Mortality", uin="")
    url = reverse("staff:question_edit", args=[question.pk])
    loaded = as_post(EditQuestionForm.initial_for(question))
    assert (
        alex.post(url, {**loaded, "uin": "29000", "asking_member": asker.name}).status_code == 302
    )
    response = sam.post(url, {**loaded, "heading": "Infant Mortality: Romford"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("staff:question_detail", args=[question.pk])
    question.refresh_from_db()
    assert (question.heading, question.uin, question.asking_member) == (
        "Infant Mortality: Romford",
        "29000",
        asker,
    )
    assert question.version == 3
    assert "Alex changed UIN and Asked by after you opened this" in response.content.decode()


def test_a_field_both_changed_is_shown_side_by_side_and_saved_only_as_chosen(
    alex, sam, make_question
):
    question = make_question(heading="Original heading", uin="100")
    url = reverse("staff:question_edit", args=[question.pk])
    loaded = as_post(EditQuestionForm.initial_for(question))
    alex.post(url, {**loaded, "heading": "Alex's heading", "uin": "200"})
    response = sam.post(url, {**loaded, "heading": "Sam's heading"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "Alex (alex.admin) changed this question on" in content
    assert "Fields you both changed" in content
    # Yours is marked; theirs is named.
    assert '<strong class="govuk-tag govuk-tag--blue">Yours</strong> Sam&#x27;s heading' in content
    assert "Theirs (saved by Alex)" in content and "Alex&#x27;s heading" in content
    assert (
        '<a href="#id_keep_heading_0">Heading: which to keep: '
        "You both changed this field: choose yours or theirs.</a>" in content
    )
    question.refresh_from_db()
    assert (question.heading, question.uin, question.version) == ("Alex's heading", "200", 2)
    # The form holds their UIN (only they changed it) and your heading.
    form = response.context["form"]
    assert form["uin"].value() == "200"
    assert form["heading"].value() == "Sam's heading"
    assert form["version"].value() == "2"

    # Saving without choosing is refused again, nothing saved.
    again = sam.post(url, {**form.data.dict(), "heading": "Sam's heading"})
    assert again.status_code == 200
    assert Question.objects.get().heading == "Alex's heading"

    # Choosing "yours" saves the heading, and their UIN stays.
    chosen = sam.post(url, {**form.data.dict(), "keep_heading": "yours"})
    assert chosen.status_code == 302
    question.refresh_from_db()
    assert (question.heading, question.uin, question.version) == ("Sam's heading", "200", 3)


def test_choosing_theirs_keeps_their_value(alex, sam, make_question):
    question = make_question(heading="Original heading")
    url = reverse("staff:question_edit", args=[question.pk])
    loaded = as_post(EditQuestionForm.initial_for(question))
    alex.post(url, {**loaded, "heading": "Alex's heading"})
    form = sam.post(url, {**loaded, "heading": "Sam's heading"}).context["form"]
    assert sam.post(url, {**form.data.dict(), "keep_heading": "theirs"}).status_code == 302
    assert Question.objects.get().heading == "Alex's heading"


def test_both_making_the_same_change_is_no_conflict(alex, sam, make_question):
    question = make_question(heading="Original heading")
    url = reverse("staff:question_edit", args=[question.pk])
    loaded = as_post(EditQuestionForm.initial_for(question))
    alex.post(url, {**loaded, "heading": "Same heading"})
    assert sam.post(url, {**loaded, "heading": "Same heading"}).status_code == 302
    assert Question.objects.get().heading == "Same heading"


def test_a_form_without_its_base_treats_every_difference_as_a_conflict(alex, sam, make_question):
    question = make_question(heading="Original heading", uin="1")
    url = reverse("staff:question_edit", args=[question.pk])
    loaded = as_post(EditQuestionForm.initial_for(question))
    alex.post(url, {**loaded, "uin": "2"})
    response = sam.post(url, {**loaded, "base": "forged", "heading": "Sam's heading"})
    assert response.status_code == 200
    assert [row[0] for row in response.context["conflict_rows"]] == ["UIN", "Heading"]
    assert Question.objects.get().uin == "2"


# --- answers --------------------------------------------------------------------


@pytest.fixture
def minister(db):
    return Member.objects.create(name="Karin Smyth", house="Commons")


def test_stale_answer_edit_keeps_the_minister_set_meanwhile(alex, sam, minister, make_question):
    question = make_question(date_tabled=datetime.date(2025, 2, 12))
    services.answer_record(
        question=question,
        expected_version=None,
        date_answered=datetime.date(2025, 2, 19),
        text="<p>First text.</p>",
    )
    url = reverse("staff:answer_edit", args=[question.pk])
    loaded = as_post(AnswerForm.initial_for(question.get_answer()))
    assert alex.post(url, {**loaded, "answered_by": minister.name}).status_code == 302
    assert sam.post(url, {**loaded, "answer_text": "Corrected text."}).status_code == 302
    answer = Answer.objects.select_related("minister__member").get()
    assert (answer.minister.member, answer.text, answer.version) == (
        minister,
        "<p>Corrected text.</p>",
        3,
    )


def test_an_answer_recorded_meanwhile_is_a_conflict_only_where_both_wrote(alex, sam, make_question):
    question = make_question(date_tabled=datetime.date(2025, 2, 12))
    url = reverse("staff:answer_edit", args=[question.pk])
    loaded = as_post(AnswerForm.initial_for(None))
    alex.post(url, {**loaded, "date_answered": "19/02/2025", "answer_text": "Theirs."})
    response = sam.post(url, {**loaded, "date_answered": "19/02/2025", "answer_text": "Mine."})
    assert response.status_code == 200
    assert [row[0] for row in response.context["conflict_rows"]] == ["Answer"]
    assert Answer.objects.get().text == "<p>Theirs.</p>"


# --- follow-up actions ----------------------------------------------------------


def test_stale_action_edit_and_status_change_merge(alex, sam, make_question, make_action):
    action = make_action(make_question(), title="Ask Havering", organisation="Havering")
    edit_url = reverse("staff:action_edit", args=[action.pk])
    status_url = reverse("staff:action_status", args=[action.pk])
    loaded_edit = as_post(EditActionForm.initial_for(action))
    loaded_status = as_post(ActionStatusForm.initial_for(action))
    # A changes the status; B, with the edit page open since before, changes the due date.
    assert alex.post(status_url, {**loaded_status, "status": "in_progress"}).status_code == 302
    assert sam.post(edit_url, {**loaded_edit, "due_date": "30/04/2025"}).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.due_date, action.version) == (
        "in_progress",
        datetime.date(2025, 4, 30),
        3,
    )
    # And the other way round: A renames it; B, loaded before, marks it done.
    loaded_status = as_post(ActionStatusForm.initial_for(action))
    alex.post(edit_url, {**as_post(EditActionForm.initial_for(action)), "title": "Ask Havering"})
    response = sam.post(status_url, {**loaded_status, "status": "done", "outcome": "Replied."})
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.outcome) == ("done", "Replied.")


def test_closing_an_action_without_an_outcome_is_refused_by_the_service(make_question, make_action):
    action = make_action(make_question())
    with pytest.raises(services.ValidationError) as caught:
        services.action_set_status(action=action, status="done", expected_version=action.version)
    assert caught.value.message_dict == {
        "outcome": ["Enter the outcome: what was done, or why the action was cancelled."]
    }
    assert FollowUpAction.objects.get().status == "open"


# --- the admin ------------------------------------------------------------------


def admin_question_data(question, **changes):
    data = {
        "house": question.house,
        "uin": question.uin,
        "date_tabled": question.date_tabled.isoformat(),
        "heading": question.heading,
        "text": question.text,
        "department": question.department_id,
        "source_url": question.source_url,
        "answer-TOTAL_FORMS": "0",
        "answer-INITIAL_FORMS": "0",
        "follow_up_actions-TOTAL_FORMS": "0",
        "follow_up_actions-INITIAL_FORMS": "0",
        "notes-TOTAL_FORMS": "0",
        "notes-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_admin_stale_save_merges_with_a_staff_edit(alex, sam, asker, make_question):
    question = make_question(heading="Infant Mortality", uin="")
    change_url = reverse("admin:answers_question_change", args=[question.pk])
    form = alex.get(change_url).context["adminform"].form
    loaded = {
        "loaded_version": form["loaded_version"].value(),
        "loaded_base": form["loaded_base"].value(),
    }
    # Meanwhile Sam sets the UIN and asker on the staff pages.
    staff_url = reverse("staff:question_edit", args=[question.pk])
    staff_loaded = as_post(EditQuestionForm.initial_for(question))
    sam.post(staff_url, {**staff_loaded, "uin": "29000", "asking_member": asker.name})
    response = alex.post(change_url, admin_question_data(question, heading="New heading", **loaded))
    assert response.status_code == 302, response.context["adminform"].form.errors
    question.refresh_from_db()
    assert (question.heading, question.uin, question.asking_member) == (
        "New heading",
        "29000",
        asker,
    )


def test_admin_conflict_lists_both_values_and_saves_nothing(alex, sam, make_question):
    question = make_question(heading="Infant Mortality")
    change_url = reverse("admin:answers_question_change", args=[question.pk])
    form = alex.get(change_url).context["adminform"].form
    loaded = {
        "loaded_version": form["loaded_version"].value(),
        "loaded_base": form["loaded_base"].value(),
    }
    staff_url = reverse("staff:question_edit", args=[question.pk])
    sam.post(staff_url, {**as_post(EditQuestionForm.initial_for(question)), "heading": "Sam's"})
    response = alex.post(change_url, admin_question_data(question, heading="Alex's", **loaded))
    assert response.status_code == 200
    content = response.content.decode()
    assert "You both changed Heading: yours “Alex&#x27;s”, theirs “Sam&#x27;s”" in content
    assert Question.objects.get().heading == "Sam's"
    # The form shown again carries the current version: saving it is the choice.
    again = response.context["adminform"].form
    assert again["loaded_version"].value() == "2"
    choice = admin_question_data(
        question,
        heading="Alex's",
        loaded_version="2",
        loaded_base=again["loaded_base"].value(),
    )
    assert alex.post(change_url, choice).status_code == 302
    assert Question.objects.get().heading == "Alex's"


def test_admin_note_edit_goes_through_the_service_and_merges(
    alex, admins_member, staff_user, make_question
):
    question = make_question()
    note = services.note_create(question=question, author=staff_user, text="First.")
    change_url = reverse("admin:answers_internalnote_change", args=[note.pk])
    form = alex.get(change_url).context["adminform"].form
    data = {
        "question": question.pk,
        "text": "Alex's text.",
        "loaded_version": form["loaded_version"].value(),
        "loaded_base": form["loaded_base"].value(),
    }
    services.note_update(note=note, expected_version=1, text="Sam's text.")
    response = alex.post(change_url, data)
    assert response.status_code == 200
    assert "You both changed Text" in response.content.decode()
    assert InternalNote.objects.get().text == "Sam's text."
    # Unchanged text, a changed question link: no conflict, their text kept.
    other = make_question()
    form = alex.get(change_url).context["adminform"].form
    services.note_update(note=InternalNote.objects.get(), expected_version=2, text="Later.")
    data.update(
        text="Sam's text.",
        question=other.pk,
        loaded_version=form["loaded_version"].value(),
        loaded_base=form["loaded_base"].value(),
    )
    assert alex.post(change_url, data).status_code == 302
    note = InternalNote.objects.get()
    assert (note.text, note.question, note.version) == ("Later.", other, 4)
    assert note.author == staff_user
