"""Each staff page costs a fixed number of queries, whatever the number of rows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


@pytest.fixture
def fill(make_question, make_action, staff_user):
    """``n`` questions in every dashboard band, each with an open overdue action of mine."""

    def fill(n):
        long_ago = datetime.date(2020, 1, 6)
        for i in range(n):
            overdue = make_question(date_tabled=long_ago, asked_by=f"Member {i}")
            make_question(is_named_day=True, date_tabled=long_ago, date_for_answer=TODAY)
            make_question(
                is_named_day=True,
                date_tabled=long_ago,
                date_for_answer=TODAY + datetime.timedelta(days=3),
            )
            make_question(
                date_tabled=long_ago,
                date_answered=long_ago + datetime.timedelta(days=3),
                answered_by=f"Minister {i}",
            )
            make_action(
                overdue,
                owner=staff_user,
                organisation=f"Organisation {i}",
                due_date=long_ago,
                is_public=i % 2 == 0,
            )

    return fill


def get_twice(client, url, django_assert_num_queries, queries):
    client.get(url)  # warm anything cached per process
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    return response


# Dashboard, 12 queries however many rows:
#   1. the session
#   2. the signed-in user
#   3. the user's own permissions
#   4. the user's groups' permissions
#   5. question counts: overdue, due today, due this week (one aggregate)
#   6. action counts: mine open, all overdue (one aggregate)
#   7. overdue questions (with department, member, answer, minister joined)
#   8. questions due today
#   9. questions due this week
#  10. my open actions (with question, department, owner joined)
#  11. overdue actions
#  12. recently answered questions
#  13. the latest sync with Parliament and the latest successful one
@pytest.mark.parametrize("rows", [1, 15])
def test_dashboard_query_count(staff_client, fill, django_assert_num_queries, rows):
    fill(rows)
    response = get_twice(staff_client, reverse("staff:dashboard"), django_assert_num_queries, 13)
    assert len(response.context["overdue"]) == min(rows, 10)
    assert len(response.context["due_today"]) == min(rows, 10)
    assert len(response.context["due_this_week"]) == min(rows, 10)
    assert len(response.context["my_actions"]) == min(rows, 10)
    assert len(response.context["recently_answered"]) == min(rows, 10)
    content = response.content.decode()
    if rows > 10:
        assert f"See all {rows} overdue questions" in content


# Staff question list, 7 queries however many rows:
#   1-4. session, user, user permissions, group permissions
#   5. the count of matching questions (for the paginator)
#   6. departments for the filter
#   7. the page of questions, with department, member, answer and minister
# ("Asked by" and "Answered by" are type-ahead text boxes: no member lists.)
@pytest.mark.parametrize("rows", [1, 30])
def test_staff_question_list_query_count(staff_client, fill, django_assert_num_queries, rows):
    fill(rows)
    get_twice(staff_client, reverse("staff:question_list"), django_assert_num_queries, 7)
    url = reverse("staff:question_list") + "?due=overdue&sort=due_soonest"
    response = get_twice(staff_client, url, django_assert_num_queries, 7)
    assert response.context["page"].paginator.count == rows


# Follow-up action list, 9 queries however many rows:
#   1-4. session, user, user permissions, group permissions
#   5. the count of matching actions (for the paginator)
#   6. people who can own an action, for the filter
#   7. organisations, for the filter
#   8. departments with actions, for the filter
#   9. the page of actions, with question, department and owner
@pytest.mark.parametrize("rows", [1, 60])
def test_action_list_query_count(staff_client, fill, django_assert_num_queries, rows):
    fill(rows)
    response = get_twice(staff_client, reverse("staff:action_list"), django_assert_num_queries, 9)
    assert response.context["page"].paginator.count == rows
    url = reverse("staff:action_list") + "?status=unfinished&overdue=yes"
    get_twice(staff_client, url, django_assert_num_queries, 9)


# CSV export, 5 queries however many rows: session, user, two permission
# queries, and the actions with question, department and owner.
@pytest.mark.parametrize("rows", [1, 60])
def test_action_export_query_count(staff_client, fill, django_assert_num_queries, rows):
    fill(rows)
    response = get_twice(staff_client, reverse("staff:action_export"), django_assert_num_queries, 5)
    assert response.content.decode().count("\n") == rows + 1


# Staff question page, 13 queries however many actions, notes and changes:
#   1-4. session, user, user permissions, group permissions
#   5. the question with department, member, answer, minister, logger
#   6. its grouped questions
#   7-10. history of the question, its answer, its actions, its notes
#  11. its follow-up actions with owners
#  12. its notes with authors
#  13. its answering process (none here; with one, its moves are a 14th:
#      tests/workflow/test_queries.py)
@pytest.mark.parametrize("rows", [1, 20])
def test_staff_question_page_query_count(
    staff_client, staff_user, make_question, make_action, django_assert_num_queries, rows
):
    from answers import services

    question = make_question(
        asked_by="A Member", date_answered=datetime.date(2025, 3, 1), answered_by="Min"
    )
    question.grouped_questions.add(make_question())
    for i in range(rows):
        action = make_action(question, owner=staff_user, title=f"Action {i}")
        services.action_set_status(
            action=action, status="done", outcome="Done", expected_version=action.version
        )
        services.note_create(question=question, author=staff_user, text=f"Note {i}")
    url = reverse("staff:question_detail", args=[question.pk])
    response = get_twice(staff_client, url, django_assert_num_queries, 13)
    # Logged, answered, and per row: an action added, then done, and a note.
    assert len(response.context["history"]) == 2 + 3 * rows
