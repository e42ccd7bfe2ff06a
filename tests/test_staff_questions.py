"""Logging, editing and answering questions on the staff pages."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from answers import services
from answers.importers.page_text import parse_page_text
from answers.models import Answer, Department, InternalNote, Member, Question
from answers.text import sanitise_html
from tests.forms import as_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def known(db):
    """The departments and members these tests choose from (staff never add them)."""
    for name in ("Department of Health and Social Care", "Department for Education"):
        Department.objects.get_or_create(name=name)
    for name, party, constituency in [
        ("Jane Smith", "Labour", "Romford"),
        ("Karin Smyth", "Labour", "Bristol South"),
        ("Stephen Morgan", "Labour", "Portsmouth North"),
        ("New Minister", "Labour", ""),
    ]:
        Member.objects.get_or_create(
            name=name, house="Commons", defaults={"party": party, "constituency": constituency}
        )


DATA = Path(__file__).parent / "data" / "pq-texts"
NEW = "/staff/questions/new/"


def page_text(number):
    return (DATA / f"{number}.txt").read_text(encoding="utf-8")


def typed_question(**overrides):
    data = {
        "action": "save",
        "house": "Commons",
        "uin": "12345",
        "date_tabled": "12/02/2025",
        "heading": "Dental Services",
        "text": "To ask the Secretary of State for Health and Social Care, how many dentists…",
        "department": "Department of Health and Social Care",
        "asking_member": "Jane Smith",
        "source_url": "",
        "answered_by": "",
        "minister_role": "",
        "date_answered": "",
        "answer_text": "",
        "date_holding_answer": "",
    }
    data.update(overrides)
    department = Department.objects.filter(name=data["department"]).first()
    if department is not None:
        data["department"] = str(department.pk)
    return {key: value for key, value in data.items() if value is not None}


# --- pasting --------------------------------------------------------------------


def test_pasting_the_page_text_fills_the_form_without_saving(staff_client):
    response = staff_client.post(NEW, {"action": "parse", "page_text": page_text("001")})
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound  # no errors shown for fields still to check
    assert form.initial["heading"] == "Primary Education: Free School Meals"
    assert form.initial["date_tabled"] == datetime.date(2024, 7, 24)
    assert form.initial["department"].name == "Department for Education"
    assert form.initial["answered_by"] == "Stephen Morgan"
    assert form.initial["date_answered"] == datetime.date(2024, 7, 29)
    content = response.content.decode()
    assert 'value="24/07/2024"' in content
    assert "The form has been filled in from the pasted text" in content
    assert "This government has not made a formal assessment" in content
    assert not Question.objects.exists()


def test_holding_answer_line_dates_the_holding_answer_not_the_answer_shown(staff_client):
    # parliament.uk shows "Holding answer received on 29 April 2020" above
    # the substantive answer of 5 June 2020.
    response = staff_client.post(NEW, {"action": "parse", "page_text": page_text("033")})
    initial = response.context["form"].initial
    assert initial["date_holding_answer"] == datetime.date(2020, 4, 29)
    assert initial["date_answered"] == datetime.date(2020, 6, 5)
    assert not initial.get("is_holding")


def test_paste_keeps_what_was_typed_where_the_page_is_silent(staff_client):
    response = staff_client.post(
        NEW,
        {"action": "parse", "page_text": page_text("001"), "uin": "HL999", "source_url": "x"},
    )
    assert response.context["form"].initial["uin"] == "HL999"
    assert response.context["form"].initial["source_url"] == "x"


def test_unreadable_paste_is_a_form_error_that_keeps_the_text(staff_client):
    garbage = "This is not a written question at all.\nJust some words."
    response = staff_client.post(
        NEW, {"action": "parse", "page_text": garbage, "heading": "Typed heading"}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "could not be read as a written question" in content
    assert 'href="#id_page_text"' in content
    assert garbage in content
    # What had been typed into the form is still there.
    assert 'value="Typed heading"' in content
    assert not Question.objects.exists()


def test_empty_paste_says_what_to_do(staff_client):
    response = staff_client.post(NEW, {"action": "parse", "page_text": "  "})
    assert "Paste the text of the question’s page first." in response.content.decode()


def test_paste_holding_two_questions_asks_for_one(staff_client):
    text = page_text("029") + "\n" + page_text("033")
    response = staff_client.post(NEW, {"action": "parse", "page_text": text})
    assert "Paste one question at a time." in response.content.decode()


# --- saving ---------------------------------------------------------------------


def test_logging_a_question_computes_its_due_date(staff_client, staff_user):
    response = staff_client.post(NEW, typed_question())
    question = Question.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("staff:question_detail", args=[question.pk])
    assert question.due_date == datetime.date(2025, 2, 19)
    assert question.logged_by == staff_user
    assert question.asking_member.name == "Jane Smith"
    assert question.asking_member.constituency == "Romford"
    assert question.department.name == "Department of Health and Social Care"
    assert question.get_answer() is None
    page = staff_client.get(response["Location"]).content.decode()
    assert "It is due on 19 February 2025." in page


def test_logging_with_the_answer_records_both(staff_client):
    staff_client.post(
        NEW,
        typed_question(
            answered_by="Karin Smyth",
            minister_role="Minister of State (Department of Health and Social Care)",
            date_answered="25/02/2025",
            answer_text="First paragraph.\n\nSecond <paragraph>.",
        ),
    )
    answer = Answer.objects.select_related("minister__member").get()
    assert answer.minister.member.name == "Karin Smyth"
    assert answer.date_answered == datetime.date(2025, 2, 25)
    assert answer.text == "<p>First paragraph.</p><p>Second &lt;paragraph&gt;.</p>"


def test_pasted_then_saved_question_matches_the_page(staff_client):
    filled = staff_client.post(NEW, {"action": "parse", "page_text": page_text("001")})
    data = typed_question(uin="", asking_member="")
    for name, value in filled.context["form"].initial.items():
        if isinstance(value, Department):
            value = str(value.pk)
        if isinstance(value, datetime.date):
            value = value.strftime("%d/%m/%Y")
        if value is not False:
            data[name] = "on" if value is True else value
    response = staff_client.post(NEW, data)
    assert response.status_code == 302
    question = Question.objects.get()
    assert question.heading == "Primary Education: Free School Meals"
    assert question.answer.minister.member.name == "Stephen Morgan"
    assert "breakfast clubs" in question.answer.text


@pytest.mark.parametrize(
    "overrides,field,message",
    [
        ({"heading": ""}, "heading", "Enter the question’s heading"),
        (
            {"date_tabled": "31/02/2025"},
            "date_tabled",
            "Enter a real date, for example 12/02/2025.",
        ),
        ({"date_tabled": ""}, "date_tabled", "Enter the date the question was tabled."),
        ({"date_tabled": "12/02/2099"}, "date_tabled", "must be today or in the past"),
        ({"house": "Senate"}, "house", "Select a valid choice"),
        ({"is_named_day": "on"}, "date_for_answer", "Enter the named day for the answer."),
        (
            {"is_named_day": "on", "date_for_answer": "10/02/2025"},
            "date_for_answer",
            "The named day must be on or after the date tabled.",
        ),
        (
            {"house": "Lords", "is_named_day": "on", "date_for_answer": "20/02/2025"},
            "is_named_day",
            "Only Commons questions can be named day questions.",
        ),
        (
            {"answer_text": "An answer"},
            "date_answered",
            "Enter the date the question was answered.",
        ),
        (
            {"date_answered": "10/02/2025", "answer_text": "Early"},
            "date_answered",
            "on or after the date tabled (12 February 2025)",
        ),
        ({"date_answered": "20/02/2025"}, "answer_text", "Enter the answer text."),
        ({"source_url": "not a url"}, "source_url", "Enter a web address"),
    ],
)
def test_bad_input_is_refused_and_what_was_typed_is_kept(staff_client, overrides, field, message):
    data = typed_question(**overrides)
    response = staff_client.post(NEW, data)
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert f'href="#id_{field}' in content
    assert message in content
    assert "govuk-form-group--error" in content
    # Everything typed is shown back, the wrong value included.
    for name in ("heading", "uin", "date_tabled", "asking_member"):
        if data.get(name):
            assert f'value="{data[name]}"' in content, name
    assert not Question.objects.exists()


def test_similar_questions_are_shown_before_saving(staff_client, make_question):
    existing = make_question(
        heading="Infant Mortality",
        text="To ask the Secretary of State for Health and Social Care, what steps he has "
        "taken to reduce instances of infant deaths in Romford.",
    )
    data = typed_question(
        heading="Infant Mortality: Romford",
        text="To ask the Secretary of State for Health and Social Care, what steps his "
        "Department is taking to reduce infant deaths in Romford.",
    )
    first = staff_client.post(NEW, data)
    assert first.status_code == 200
    content = first.content.decode()
    assert "Not saved yet" in content
    assert reverse("staff:question_detail", args=[existing.pk]) in content
    assert Question.objects.count() == 1
    # Having seen them, saving again logs it.
    data["similar_seen"] = [str(q.pk) for q in first.context["similar"]]
    second = staff_client.post(NEW, data)
    assert second.status_code == 302
    assert Question.objects.count() == 2


def test_pasted_page_shows_the_question_already_logged(staff_client):
    services.questions_import_pages(records=parse_page_text(page_text("001")))
    response = staff_client.post(NEW, {"action": "parse", "page_text": page_text("001")})
    similar = response.context["similar"]
    assert [q.heading for q in similar] == ["Primary Education: Free School Meals"]
    assert "1 similar question already logged" in response.content.decode()


# --- the staff question page ------------------------------------------------------


def test_staff_page_shows_everything_including_notes_and_internal_actions(
    staff_client, staff_user, make_question, make_action
):
    question = make_question(date_answered=datetime.date(2025, 2, 20), answered_by="Min")
    make_action(question, title="Public thing", is_public=True, detail="Internal detail")
    make_action(question, title="Internal thing", is_public=False, organisation="PQ team")
    services.note_create(question=question, author=staff_user, text="Chase the ICB")
    content = staff_client.get(reverse("staff:question_detail", args=[question.pk])).content
    content = content.decode()
    for expected in (
        "Public thing",
        "Internal detail",
        "Internal thing",
        "Chase the ICB",
        "Internal notes",
        "History",
        "Logged the question",
        "Recorded the answer",
        "Added the follow-up action “Internal thing”",
        "Added a note",
    ):
        assert expected in content, expected


def test_adding_a_note(staff_client, staff_user, make_question):
    question = make_question()
    url = reverse("staff:note_new", args=[question.pk])
    response = staff_client.post(url, {"text": "  Spoke to the private office.  "})
    assert response.status_code == 302
    assert response["Location"].endswith("#notes")
    note = InternalNote.objects.get()
    assert (note.text, note.author) == ("Spoke to the private office.", staff_user)


def test_empty_note_is_refused(staff_client, make_question):
    question = make_question()
    response = staff_client.post(reverse("staff:note_new", args=[question.pk]), {"text": "   "})
    assert response.status_code == 200
    assert "Enter the note." in response.content.decode()
    assert not InternalNote.objects.exists()


# --- editing ----------------------------------------------------------------------


def edit_data(question, **overrides):
    from answers.staff.forms import EditQuestionForm

    data = as_post(EditQuestionForm.initial_for(question))
    data.update(overrides)
    return data


def test_editing_a_question_recomputes_the_due_date_and_records_history(
    staff_client, make_question
):
    question = make_question(date_tabled=datetime.date(2025, 2, 12))
    url = reverse("staff:question_edit", args=[question.pk])
    response = staff_client.post(url, edit_data(question, house="Lords", heading="New heading"))
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.due_date == datetime.date(2025, 2, 26)
    assert question.version == 2
    page = staff_client.get(reverse("staff:question_detail", args=[question.pk])).content.decode()
    assert "Changed the question" in page
    assert "sam.staff" in page
    assert "House of Commons → House of Lords" in page
    assert "19 February 2025 → 26 February 2025" in page
    assert "→ New heading" in page


def test_tabling_date_cannot_move_after_the_answer(staff_client, make_question):
    question = make_question(
        date_tabled=datetime.date(2025, 2, 12), date_answered=datetime.date(2025, 2, 20)
    )
    url = reverse("staff:question_edit", args=[question.pk])
    response = staff_client.post(url, edit_data(question, date_tabled="21/02/2025"))
    assert response.status_code == 200
    assert "on or before the date it was answered (20 February 2025)" in response.content.decode()


def test_answer_recorded_and_edited(staff_client, make_question):
    question = make_question(date_tabled=datetime.date(2025, 2, 12))
    url = reverse("staff:answer_edit", args=[question.pk])
    data = {
        "answered_by": "Karin Smyth",
        "minister_role": "Minister of State",
        "date_answered": "19/02/2025",
        "answer_text": "The answer.",
        "version": "",
    }
    assert staff_client.post(url, data).status_code == 302
    answer = Answer.objects.get()
    assert answer.version == 1
    data.update(answer_text="The corrected answer.", version="1")
    assert staff_client.post(url, data).status_code == 302
    answer.refresh_from_db()
    assert (answer.text, answer.version) == ("<p>The corrected answer.</p>", 2)


def test_answer_recorded_meanwhile_by_someone_else_is_not_overwritten(
    client, staff_user, admins_member, make_question
):
    question = make_question(date_tabled=datetime.date(2025, 2, 12))
    url = reverse("staff:answer_edit", args=[question.pk])
    data = {"date_answered": "19/02/2025", "answer_text": "Mine.", "version": ""}
    client.force_login(admins_member)
    client.post(url, {**data, "answer_text": "Theirs."})
    client.force_login(staff_user)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Alex (alex.admin) changed this answer on" in response.content.decode()
    assert Answer.objects.get().text == "<p>Theirs.</p>"


def test_editing_only_the_minister_keeps_an_html_answer(staff_client, make_question):
    question = make_question(date_tabled=datetime.date(2025, 2, 12))
    html = "<p>Figures:</p><table><tr><td>2024</td><td>12</td></tr></table>"
    services.answer_record(
        question=question,
        expected_version=None,
        date_answered=datetime.date(2025, 2, 19),
        text=html,
    )
    url = reverse("staff:answer_edit", args=[question.pk])
    form = staff_client.get(url).context["form"]
    data = {
        "answered_by": "New Minister",
        "date_answered": "19/02/2025",
        "answer_text": form.initial["answer_text"],
        "version": "1",
    }
    assert staff_client.post(url, data).status_code == 302
    # Stored as sanitised HTML (nh3 adds the implied <tbody>), table intact.
    assert Answer.objects.get().text == sanitise_html(html)
    assert "<td>2024</td>" in Answer.objects.get().text


def test_the_staff_list_rows_link_staff_pages_show_the_due_day_and_escape_the_record(
    staff_client, make_question
):
    """A row of the staff list links the question's staff page, with its
    department, tabling date, due date (marked when a named day) and status;
    the record's words are shown as text, never as markup."""
    named = make_question(
        heading="Roads <script>x</script>",
        asked_by="Ann & Co",
        department="Roads & <Bridges>",
        is_named_day=True,
        date_for_answer=datetime.date(2025, 2, 17),
    )
    undated = make_question(heading="No dates", date_tabled=None)
    content = staff_client.get(reverse("staff:question_list")).content.decode()
    rows = content.split('<tr class="govuk-table__row">')[2:]
    by_heading = {("Roads" if "Roads &lt;" in row else "No dates"): row for row in rows}
    assert len(rows) == 2 and set(by_heading) == {"Roads", "No dates"}
    row = by_heading["Roads"]
    detail = reverse("staff:question_detail", args=[named.pk])
    assert f'<a class="govuk-link" href="{detail}">Roads &lt;script&gt;x&lt;/script&gt;</a>' in row
    assert "Ann &amp; Co</a>" in row and "Roads &amp; &lt;Bridges&gt;</a>" in row
    assert "12 February 2025" in row
    assert '17 February 2025<br><span class="govuk-body-s">named day</span>' in row
    assert "<script>" not in row
    assert by_heading["No dates"].count("Not known") == 2
    assert reverse("staff:question_detail", args=[undated.pk]) in by_heading["No dates"]
