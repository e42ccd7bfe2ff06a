"""Follow-up actions: adding, changing status, the filtered list and its CSV export."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from answers.models import ActionStatus, FollowUpAction

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAST = TODAY - datetime.timedelta(days=10)
FUTURE = TODAY + datetime.timedelta(days=10)


def dmy(day):
    return day.strftime("%d/%m/%Y")


def test_adding_an_action_from_a_question(staff_client, staff_user, make_question):
    question = make_question()
    url = reverse("staff:action_new", args=[question.pk])
    response = staff_client.post(
        url,
        {
            "title": "Obtain the action plan",
            "detail": "Ask OHID London for it.",
            "owner": staff_user.pk,
            "organisation": "OHID London",
            "due_date": dmy(FUTURE),
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#actions")
    action = FollowUpAction.objects.get()
    assert (action.question, action.owner, action.status) == (question, staff_user, "open")
    assert action.due_date == FUTURE
    assert action.is_public


def test_action_needs_a_title_and_an_owner_or_organisation(staff_client, make_question):
    question = make_question()
    url = reverse("staff:action_new", args=[question.pk])
    response = staff_client.post(url, {"title": "", "detail": "Kept", "due_date": "99/99/2025"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Enter what the action is." in content
    assert "Choose an owner or enter the owning organisation." in content
    assert "Enter a real date, for example 12/02/2025." in content
    assert 'value="99/99/2025"' in content
    assert "Kept</textarea>" in content
    assert not FollowUpAction.objects.exists()


def test_owner_must_be_a_member_of_staff(staff_client, plain_user, make_question):
    question = make_question()
    response = staff_client.post(
        reverse("staff:action_new", args=[question.pk]), {"title": "T", "owner": plain_user.pk}
    )
    assert "Choose an owner from the list." in response.content.decode()


def status_data(action, status, outcome=""):
    return {"status": status, "outcome": outcome, "version": action.version}


def test_status_goes_open_in_progress_done_and_done_sets_the_completion_date(
    staff_client, make_question, make_action
):
    action = make_action(make_question(), organisation="OHID London")
    url = reverse("staff:action_status", args=[action.pk])
    assert staff_client.post(url, status_data(action, "in_progress")).status_code == 302
    action.refresh_from_db()
    assert (action.status, action.completed_on) == ("in_progress", None)
    response = staff_client.post(url, status_data(action, "done", "Plan received."))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.status, action.outcome, action.completed_on) == ("done", "Plan received.", TODAY)


def test_done_or_cancelled_needs_an_outcome(staff_client, make_question, make_action):
    action = make_action(make_question(), organisation="X")
    url = reverse("staff:action_status", args=[action.pk])
    for status in ("done", "cancelled"):
        response = staff_client.post(url, status_data(action, status))
        assert response.status_code == 200
        assert "Enter the outcome" in response.content.decode()
    action.refresh_from_db()
    assert action.status == "open"


def test_reopening_clears_the_completion_date(staff_client, make_question, make_action):
    action = make_action(make_question(), organisation="X", status="done", outcome="Sent")
    url = reverse("staff:action_status", args=[action.pk])
    staff_client.post(url, status_data(action, "open"))
    action.refresh_from_db()
    assert (action.status, action.completed_on) == ("open", None)


def test_status_change_returns_to_the_list_it_came_from(staff_client, make_question, make_action):
    action = make_action(make_question(), organisation="X")
    back = reverse("staff:action_list") + "?overdue=yes"
    url = reverse("staff:action_status", args=[action.pk])
    response = staff_client.post(url, {**status_data(action, "in_progress"), "next": back})
    assert response["Location"] == back
    # Only staff pages on this site: anything else goes back to the question.
    response = staff_client.post(
        url, {**status_data(action, "open"), "version": 2, "next": "https://evil.example/"}
    )
    assert response["Location"].startswith(
        reverse("staff:question_detail", args=[action.question_id])
    )


def test_second_status_change_is_refused_as_stale(
    client, staff_user, admins_member, make_question, make_action
):
    action = make_action(make_question(), organisation="X")
    url = reverse("staff:action_status", args=[action.pk])
    loaded = status_data(action, "done", "Letter sent")
    client.force_login(admins_member)
    client.post(url, {**loaded, "status": "cancelled", "outcome": "No longer needed"})
    client.force_login(staff_user)
    response = client.post(url, loaded)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Alex (alex.admin) changed this follow-up action on" in content
    assert "No longer needed" in content and "Letter sent" in content
    action.refresh_from_db()
    assert (action.status, action.outcome) == ("cancelled", "No longer needed")


def test_editing_an_action_is_versioned(
    client, staff_user, admins_member, make_question, make_action
):
    action = make_action(make_question(), organisation="OHID London", title="Original")
    url = reverse("staff:action_edit", args=[action.pk])
    loaded = {"title": "Original", "organisation": "OHID London", "version": 1}
    client.force_login(admins_member)
    assert client.post(url, {**loaded, "title": "First edit"}).status_code == 302
    client.force_login(staff_user)
    response = client.post(url, {**loaded, "title": "Second edit"})
    assert "changed this follow-up action" in response.content.decode()
    action.refresh_from_db()
    assert action.title == "First edit"


# --- the list -----------------------------------------------------------------


@pytest.fixture
def actions(make_question, make_action, staff_user, admins_member):
    health = make_question(department="Department of Health and Social Care", heading="Health Q")
    schools = make_question(department="Department for Education", heading="Schools Q")
    return {
        "mine_overdue": make_action(
            health, title="Mine overdue", owner=staff_user, due_date=PAST, is_public=False
        ),
        "mine_later": make_action(
            health, title="Mine later", owner=staff_user, due_date=FUTURE, status="in_progress"
        ),
        "theirs_done": make_action(
            schools,
            title="Theirs done",
            owner=admins_member,
            organisation="OHID London",
            due_date=PAST,
            status="done",
            outcome="Done it",
        ),
        "unowned": make_action(
            schools, title="Nobody's", organisation="Havering", due_date=None, status="cancelled"
        ),
    }


def titles(response):
    return [action.title for action in response.context["page"].object_list]


@pytest.mark.parametrize(
    "query,expected",
    [
        ("", ["Mine overdue", "Theirs done", "Mine later", "Nobody's"]),
        ("status=unfinished", ["Mine overdue", "Mine later"]),
        ("status=done", ["Theirs done"]),
        ("overdue=yes", ["Mine overdue"]),
        ("overdue=no", ["Theirs done", "Mine later", "Nobody's"]),
        ("organisation=OHID+London", ["Theirs done"]),
        ("owner=null", ["Nobody's"]),
        ("public=no", ["Mine overdue"]),
        (f"due_from={dmy(TODAY)}", ["Mine later"]),
        (f"due_to={dmy(TODAY)}", ["Mine overdue", "Theirs done"]),
    ],
)
def test_action_list_filters(staff_client, actions, query, expected):
    response = staff_client.get(f"{reverse('staff:action_list')}?{query}")
    assert response.status_code == 200
    assert titles(response) == expected


def test_action_list_filters_by_owner_and_department(staff_client, staff_user, actions):
    url = reverse("staff:action_list")
    assert titles(staff_client.get(f"{url}?owner={staff_user.pk}")) == [
        "Mine overdue",
        "Mine later",
    ]
    department = actions["theirs_done"].question.department
    assert titles(staff_client.get(f"{url}?department={department.pk}")) == [
        "Theirs done",
        "Nobody's",
    ]


def test_bad_filters_get_an_error_summary_and_keep_what_was_typed(staff_client, actions):
    response = staff_client.get(
        f"{reverse('staff:action_list')}?due_from=32/13/2025&due_to=01/01/2025&status=sideways"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in content
    assert "Enter a real date, for example 12/02/2025." in content
    assert "Choose a status from the list." in content
    assert 'value="32/13/2025"' in content
    # No export link for a list that is not valid.
    assert "Download these actions as CSV" not in content


def test_due_range_the_wrong_way_round_is_an_error(staff_client, actions):
    response = staff_client.get(
        f"{reverse('staff:action_list')}?due_from=01/02/2025&due_to=01/01/2025"
    )
    assert "The due to date must be the same as or after the due from date." in (
        response.content.decode()
    )


def read_csv(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_csv_export_is_the_filtered_list_with_iso_dates(staff_client, actions):
    page = staff_client.get(f"{reverse('staff:action_list')}?overdue=no")
    assert "export.csv?overdue=no" in page.content.decode()
    response = staff_client.get(f"{reverse('staff:action_export')}?overdue=no")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = read_csv(response)
    assert [row["title"] for row in rows] == ["Theirs done", "Mine later", "Nobody's"]
    done = rows[0]
    assert done["due_date"] == PAST.isoformat()
    assert done["completed_on"] == TODAY.isoformat()
    assert done["status"] == "done"
    assert done["owner"] == "Alex"
    assert done["organisation"] == "OHID London"
    assert done["outcome"] == "Done it"
    assert done["department"] == "Department for Education"
    assert done["public"] == "yes"
    assert done["created_at"].startswith(TODAY.isoformat())
    assert rows[2]["due_date"] == ""


def test_csv_export_refuses_bad_filters(staff_client, actions):
    response = staff_client.get(f"{reverse('staff:action_export')}?due_from=nonsense")
    assert response.status_code == 400
    assert "Due from: Enter a real date" in response.content.decode()


def test_csv_cells_cannot_run_as_spreadsheet_formulas(staff_client, make_question, make_action):
    make_action(make_question(), title='=HYPERLINK("http://evil.example")', organisation="+X")
    rows = read_csv(staff_client.get(reverse("staff:action_export")))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example")'
    assert rows[0]["organisation"] == "'+X"


def test_question_page_links_to_status_change(staff_client, make_question, make_action):
    action = make_action(make_question(), organisation="X", status=ActionStatus.OPEN)
    page = staff_client.get(reverse("staff:question_detail", args=[action.question_id]))
    assert reverse("staff:action_status", args=[action.pk]) in page.content.decode()
