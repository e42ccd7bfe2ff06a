"""Departments, askers and ministers are chosen from the known lists on the staff pages."""

import datetime
from pathlib import Path

import pytest
from django.urls import reverse

from answers.models import Answer, Department, Member, Minister, Question

pytestmark = pytest.mark.django_db

NEW = "/staff/questions/new/"


@pytest.fixture
def dhsc(db):
    return Department.objects.create(name="Department of Health and Social Care")


@pytest.fixture
def dft(db):
    return Department.objects.create(name="Department for Transport")


def question_data(department, **overrides):
    data = {
        "action": "save",
        "house": "Commons",
        "uin": "",
        "date_tabled": "12/02/2025",
        "heading": "Dental Services",
        "text": "To ask the Secretary of State for Health and Social Care, about dentists.",
        "department": str(department.pk),
        "asking_member": "",
        "source_url": "",
        "date_answered": "",
        "answer_text": "",
    }
    data.update(overrides)
    return data


def test_department_is_a_list_of_the_known_departments(staff_client, dhsc, dft):
    content = staff_client.get(NEW).content.decode()
    assert '<select name="department"' in content
    assert f'<option value="{dhsc.pk}">Department of Health and Social Care</option>' in content
    assert f'<option value="{dft.pk}">Department for Transport</option>' in content


def test_a_typed_department_name_never_creates_a_department(staff_client, dhsc):
    data = {**question_data(dhsc), "department": "Dept for Transport"}
    response = staff_client.post(NEW, data)
    assert response.status_code == 200
    assert "Choose a department from the list." in response.content.decode()
    assert list(Department.objects.values_list("name", flat=True)) == [dhsc.name]
    assert not Question.objects.exists()


def test_member_inputs_carry_the_type_ahead_address(staff_client, dhsc):
    content = staff_client.get(NEW).content.decode()
    assert 'data-autocomplete-url="/members/search.json?role=asker"' in content
    assert 'data-autocomplete-url="/members/search.json?role=minister"' in content


def test_asker_must_be_one_known_member_and_the_typed_text_is_kept(staff_client, dhsc):
    response = staff_client.post(NEW, question_data(dhsc, asking_member="Jane Smyth"))
    content = response.content.decode()
    assert "“Jane Smyth” is not a known member." in content
    assert 'value="Jane Smyth"' in content
    assert not Member.objects.exists()
    assert not Question.objects.exists()


def test_an_ambiguous_name_lists_the_candidates_and_the_id_settles_it(staff_client, dhsc):
    Member.objects.create(name="John Smith", house="Commons", party="Labour", parliament_id=11)
    Member.objects.create(
        name="John Smith", house="Commons", party="Conservative", parliament_id=22
    )
    response = staff_client.post(NEW, question_data(dhsc, asking_member="john smith"))
    content = response.content.decode()
    assert (
        "“john smith” could be 2 members: John Smith (11), House of Commons, Labour; "
        "John Smith (22), House of Commons, Conservative." in content
    )
    response = staff_client.post(NEW, question_data(dhsc, asking_member="John Smith (22)"))
    assert response.status_code == 302
    assert Question.objects.get().asking_member.parliament_id == 22
    response = staff_client.post(
        NEW,
        question_data(
            dhsc,
            heading="Another",
            text="To ask the Chancellor of the Exchequer, about fiscal rules.",
            asking_member="Member of Parliament (id 11)",
        ),
    )
    assert response.status_code == 302
    assert Question.objects.get(heading="Another").asking_member.parliament_id == 11


def test_a_member_of_the_other_house_is_refused(staff_client, dhsc):
    Member.objects.create(name="Baroness Smith", house="Lords")
    response = staff_client.post(NEW, question_data(dhsc, asking_member="Baroness Smith"))
    assert "“Baroness Smith” is not a member of the House of Commons" in response.content.decode()


def test_a_known_minister_without_a_post_adds_no_second_minister(staff_client, dhsc, make_question):
    karin = Member.objects.create(name="Karin Smyth", house="Commons")
    post = Minister.objects.create(
        member=karin, title="Minister of State (Department of Health and Social Care)",
        department=dhsc,
    )  # fmt: skip
    question = make_question(department=dhsc.name, date_tabled=datetime.date(2025, 2, 12))
    response = staff_client.post(
        reverse("staff:answer_edit", args=[question.pk]),
        {"answered_by": "Karin Smyth", "date_answered": "19/02/2025", "answer_text": "Yes."},
    )
    assert response.status_code == 302
    assert list(Minister.objects.all()) == [post]
    assert Answer.objects.get().minister == post


def test_a_minister_posted_in_another_department_is_a_warning_not_a_refusal(
    staff_client, dhsc, dft, make_question
):
    member = Member.objects.create(name="Lilian Greenwood", house="Commons")
    Minister.objects.create(
        member=member, title="Parliamentary Under-Secretary (Department for Transport)",
        department=dft,
    )  # fmt: skip
    question = make_question(department=dhsc.name, date_tabled=datetime.date(2025, 2, 12))
    response = staff_client.post(
        reverse("staff:answer_edit", args=[question.pk]),
        {"answered_by": "Lilian Greenwood", "date_answered": "19/02/2025", "answer_text": "Yes."},
        follow=True,
    )
    content = response.content.decode()
    assert "Answer saved." in content
    assert (
        "Lilian Greenwood’s post (Parliamentary Under-Secretary (Department for Transport)) is "
        "in the Department for Transport, but the question is addressed to the Department of "
        "Health and Social Care." in content
    )
    assert Answer.objects.get().minister.member == member


def test_a_typed_post_naming_another_department_is_a_warning(
    staff_client, dhsc, dft, make_question
):
    Member.objects.create(name="Karin Smyth", house="Commons")
    question = make_question(department=dhsc.name, date_tabled=datetime.date(2025, 2, 12))
    response = staff_client.post(
        reverse("staff:answer_edit", args=[question.pk]),
        {
            "answered_by": "Karin Smyth",
            "minister_role": "Minister of State (Department for Transport)",
            "date_answered": "19/02/2025",
            "answer_text": "Yes.",
        },
        follow=True,
    )
    assert "is in the Department for Transport" in response.content.decode()


def test_a_pasted_page_naming_an_unknown_department_says_so(staff_client):
    text = (Path(__file__).parent / "data" / "pq-texts" / "001.txt").read_text(encoding="utf-8")
    response = staff_client.post(NEW, {"action": "parse", "page_text": text})
    assert "department" not in response.context["form"].initial
    assert (
        "The page names the department “Department for Education”, which is not in the list"
        in response.content.decode()
    )
    assert not Department.objects.exists()
