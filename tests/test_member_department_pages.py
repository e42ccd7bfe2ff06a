"""Member and department pages, the member type-ahead endpoint, and names as links."""

import datetime

import pytest
from django.urls import reverse

from answers import services
from answers.models import Department, Member, Minister

pytestmark = pytest.mark.django_db

SEARCH = reverse("member_search")


def test_member_page_says_who_they_are_and_links_to_their_parliament_profile(
    anonymous, make_question
):
    member = services.member_get_or_create(
        name="Ms Diane Abbott",
        house="Commons",
        party="Independent",
        constituency="Hackney North and Stoke Newington",
        parliament_id=172,
    )
    question = make_question(heading="Asked by Abbott")
    services.question_update(
        question=question, expected_version=question.version, asking_member=member
    )
    response = anonymous.get(member.get_absolute_url())
    body = response.content.decode()
    assert "<h1" in body and "Ms Diane Abbott</h1>" in body
    assert "Independent" in body and "Hackney North and Stoke Newington" in body
    assert 'href="https://members.parliament.uk/member/172/career"' in body
    assert "/contact" not in body
    assert "Asked by Abbott" in body
    # The list, the CSV, the JSON and the feed of their questions.
    for name in ("question_list", "questions_csv", "questions_json", "questions_feed"):
        assert f'{reverse(name)}?member={member.pk}"' in body


def test_a_member_known_only_by_id_is_not_given_a_name(anonymous):
    mp = Member.objects.create(name="", parliament_id=4519, house="Commons")
    peer = Member.objects.create(name="", parliament_id=3001, house="Lords")
    assert (
        "Member of Parliament (id 4519)</h1>"
        in anonymous.get(mp.get_absolute_url()).content.decode()
    )
    assert "Member of the House of Lords (id 3001)</h1>" in (
        anonymous.get(peer.get_absolute_url()).content.decode()
    )


def test_minister_page_lists_posts_with_dates_and_the_answers_given(anonymous, make_question):
    make_question(
        heading="Answered by Smyth",
        department="Department of Health and Social Care",
        date_answered=datetime.date(2025, 3, 1),
        answered_by="Karin Smyth",
    )
    member = Member.objects.get(name="Karin Smyth")
    Minister.objects.filter(member=member).update(department=Department.objects.get())
    body = anonymous.get(member.get_absolute_url()).content.decode()
    assert "Minister of State" in body
    # The post is dated by the answers given in it.
    assert "1 March 2025" in body
    assert "Answered by Smyth" in body
    assert f'?minister={member.pk}&amp;sort=newest_answered"' in body
    department = Department.objects.get()
    assert f'href="{department.get_absolute_url()}"' in body


def test_names_on_lists_and_question_pages_link_to_member_and_department_pages(
    anonymous, make_question
):
    question = make_question(
        asked_by="Jane Smith",
        date_answered=datetime.date(2025, 3, 1),
        answered_by="Karin Smyth",
        department="Home Office",
    )
    asker = Member.objects.get(name="Jane Smith")
    minister = Member.objects.get(name="Karin Smyth")
    department = Department.objects.get(name="Home Office")
    for url in (reverse("home"), reverse("question_list"), question.get_absolute_url()):
        body = anonymous.get(url).content.decode()
        for page in (asker, minister, department):
            assert f'href="{page.get_absolute_url()}"' in body, (url, page)


def test_department_page_figures_chart_table_and_ministers(anonymous, make_question):
    tabled = datetime.date(2025, 3, 3)  # due Monday 10 March
    make_question(
        department="Home Office",
        date_tabled=tabled,
        date_answered=datetime.date(2025, 3, 10),
        answered_by="Dame Diana Johnson",
    )
    make_question(
        department="Home Office", date_tabled=tabled, date_answered=datetime.date(2025, 3, 12)
    )
    make_question(department="Home Office", date_tabled=datetime.date(2025, 2, 3))
    department = Department.objects.get()
    response = anonymous.get(department.get_absolute_url())
    totals = response.context["totals"]
    assert (totals["questions"], totals["on_time"], totals["late"], totals["owed"]) == (3, 1, 1, 1)
    assert totals["overdue"] == 1
    assert totals["median_days"] == 6  # 5 and 7 working days
    months = response.context["months"]
    assert [(m["month"], m["questions"]) for m in months] == [
        (datetime.date(2025, 3, 1), 2),
        (datetime.date(2025, 2, 1), 1),
    ]
    # Each month's figures click through to that month's questions.
    march = months[0]["links"]["late"]
    assert "tabled_from=2025-03-01" in march and "tabled_to=2025-03-31" in march
    assert anonymous.get(march).context["page"].paginator.count == 1
    body = response.content.decode()
    assert 'role="img"' in body and 'aria-labelledby="chart-title chart-desc"' in body
    assert "March 2025: 1 on time, 1 late, 0 still owed, of 2 questions." in body
    assert "questions by month tabled</caption>" in body
    assert "Dame Diana Johnson" in body


def test_department_months_come_two_years_a_page(anonymous, make_question):
    for n in range(30):
        make_question(
            department="Home Office", date_tabled=datetime.date(2020 + n // 12, 1 + n % 12, 6)
        )
    department = Department.objects.get()
    first = anonymous.get(department.get_absolute_url())
    assert [m["month"] for m in first.context["months"]][:2] == [
        datetime.date(2022, 6, 1),
        datetime.date(2022, 5, 1),
    ]
    assert len(first.context["months"]) == 24
    assert len(first.context["chart"]["bars"]) == 24
    assert first.context["totals"]["questions"] == 30
    second = anonymous.get(department.get_absolute_url(), {"page": "2"})
    assert len(second.context["months"]) == 6
    assert second.context["months"][-1]["month"] == datetime.date(2020, 1, 1)


def test_unknown_member_or_department_is_a_404(anonymous):
    assert anonymous.get(reverse("member_detail", args=[999])).status_code == 404
    assert anonymous.get(reverse("department_detail", args=["nowhere"])).status_code == 404


# --- the type-ahead endpoint -------------------------------------------------------


def test_member_search_finds_askers_and_ministers_by_any_part_of_the_name(anonymous, make_question):
    make_question(asked_by="Jane Smith")
    make_question(
        asked_by="Tom Jones", date_answered=datetime.date(2025, 3, 1), answered_by="Karin Smyth"
    )
    Member.objects.create(name="", parliament_id=4519, house="Commons")
    Member.objects.create(name="Sam Smith", house="Commons")  # asked nothing

    def labels(**params):
        response = anonymous.get(SEARCH, params)
        assert response.status_code == 200
        return [(r["label"], r["id"]) for r in response.json()["results"]]

    jane = Member.objects.get(name="Jane Smith")
    assert labels(q="smi", role="asker") == [("Jane Smith", jane.pk)]
    assert labels(q="SMITH", role="") == [
        ("Jane Smith", jane.pk),
        ("Sam Smith", Member.objects.get(name="Sam Smith").pk),
    ]
    assert [label for label, _ in labels(q="sm", role="minister")] == ["Karin Smyth"]
    assert labels(q="", role="asker") == []
    # A member known only by id is never offered as if it were a name.
    assert labels(q="4519", role="") == []
    assert labels(q="Member", role="") == []
    response = anonymous.get(SEARCH, {"q": "x", "role": "owner"})
    assert response.status_code == 400


# --- query counts ----------------------------------------------------------------


def _fill(make_question, rows):
    for n in range(rows):
        make_question(
            heading=f"Q{n}",
            asked_by="Jane Smith",
            department="Home Office",
            date_tabled=datetime.date(2025, 1 + n % 3, 3),
            date_answered=datetime.date(2025, 3, 28) if n % 2 == 0 else None,
            answered_by="Karin Smyth",
        )


# A member who asked questions, whatever their number:
#   1. the member
#   2. their posts (none: so no answers are looked for)
#   3. their latest questions, through the list's FilterSet: the ten chosen
#      from the questions alone, then joined to answers, members, departments
# A minister, whatever their number of answers: those three, and
#   4. their latest answers, through the list's FilterSet
@pytest.mark.parametrize("rows", [1, 40])
def test_member_page_query_count_is_fixed(
    anonymous, make_question, django_assert_num_queries, rows
):
    _fill(make_question, rows)
    asker = Member.objects.get(name="Jane Smith")
    minister = Member.objects.get(name="Karin Smyth")
    with django_assert_num_queries(3):
        anonymous.get(asker.get_absolute_url())
    with django_assert_num_queries(4):
        response = anonymous.get(minister.get_absolute_url())
    assert len(response.context["answered"]) == min((rows + 1) // 2, 10)


# A department page, whatever its number of questions and months:
#   1. the department
#   2. its totals (one summary row; never the questions themselves)
#   3. how many months it has (for the month pages)
#   4. this page of months, newest first (summary rows)
#   5. its ministers, with their members and the span of their answers
#   6. its latest questions, the ten chosen from the questions alone, then joined
@pytest.mark.parametrize("rows", [1, 40])
def test_department_page_query_count_is_fixed(
    anonymous, make_question, django_assert_num_queries, rows
):
    _fill(make_question, rows)
    department = Department.objects.get()
    with django_assert_num_queries(6):
        response = anonymous.get(department.get_absolute_url())
    assert response.context["totals"]["questions"] == rows


# The member search: 1. the matching members, at most ten.
@pytest.mark.parametrize("rows", [1, 40])
def test_member_search_query_count_is_fixed(anonymous, django_assert_num_queries, rows):
    for n in range(rows):
        Member.objects.create(name=f"Jane Smith {n}", house="Commons")
    with django_assert_num_queries(1):
        response = anonymous.get(SEARCH, {"q": "smith", "role": ""})
    assert len(response.json()["results"]) == min(rows, 10)
