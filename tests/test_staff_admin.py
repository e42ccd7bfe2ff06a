"""The Django admin as the Admins group uses it: actions, history, versions, users."""

import datetime

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone

from answers.models import FollowUpAction

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAST = TODAY - datetime.timedelta(days=3)
FUTURE = TODAY + datetime.timedelta(days=3)
CHANGELIST = "admin:answers_followupaction_changelist"


@pytest.fixture
def admin_client(client, admins_member):
    client.force_login(admins_member)
    return client


@pytest.fixture
def three_actions(make_question, make_action, staff_user):
    question = make_question()
    return [
        make_action(question, title="Late", due_date=PAST, owner=staff_user),
        make_action(question, title="Later", due_date=FUTURE, status="in_progress"),
        make_action(question, title="Finished", due_date=PAST, status="done", outcome="Sent"),
    ]


def shown(response):
    return sorted(action.title for action in response.context["cl"].result_list)


@pytest.mark.parametrize(
    "query,expected",
    [
        ("", ["Finished", "Late", "Later"]),
        ("overdue=yes", ["Late"]),
        ("overdue=no", ["Finished", "Later"]),
        ("status__exact=in_progress", ["Later"]),
    ],
)
def test_action_admin_filters(admin_client, three_actions, query, expected):
    response = admin_client.get(f"{reverse(CHANGELIST)}?{query}")
    assert response.status_code == 200
    assert shown(response) == expected


def test_action_admin_filters_by_owner(admin_client, three_actions, staff_user):
    response = admin_client.get(f"{reverse(CHANGELIST)}?owner__id__exact={staff_user.pk}")
    assert shown(response) == ["Late"]


def test_action_admin_has_a_due_date_hierarchy(admin_client, three_actions):
    response = admin_client.get(reverse(CHANGELIST))
    assert response.context["cl"].date_hierarchy == "due_date"
    year = PAST.year
    drilled = admin_client.get(f"{reverse(CHANGELIST)}?due_date__year={year}")
    assert drilled.status_code == 200


def test_bulk_mark_done_asks_for_the_outcome_then_sets_completion_dates(
    admin_client, three_actions
):
    late, later, finished = three_actions
    selected = {"action": "mark_done", "_selected_action": [a.pk for a in three_actions]}
    asked = admin_client.post(reverse(CHANGELIST), selected)
    assert asked.status_code == 200
    assert "2 of the 3 selected actions are open" in asked.content.decode()
    refused = admin_client.post(reverse(CHANGELIST), {**selected, "apply": "1", "outcome": " "})
    assert "Enter the outcome: what was done." in refused.content.decode()
    assert FollowUpAction.objects.filter(status="done").count() == 1  # only the finished one
    response = admin_client.post(
        reverse(CHANGELIST),
        {**selected, "apply": "1", "outcome": "Letter sent."},
        follow=True,
    )
    assert "2 actions marked as done." in response.content.decode()
    for action in (late, later):
        action.refresh_from_db()
        assert (action.status, action.completed_on, action.outcome) == (
            "done",
            TODAY,
            "Letter sent.",
        )
    finished.refresh_from_db()
    assert finished.version == 1  # already done: left alone


def test_admin_history_shows_who_changed_an_action(admin_client, three_actions, admins_member):
    late = three_actions[0]
    change_url = reverse("admin:answers_followupaction_change", args=[late.pk])
    page = admin_client.get(change_url)
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in {
            "question": late.question_id,
            "title": "Late, renamed",
            "detail": "",
            "owner": late.owner_id,
            "organisation": "",
            "due_date": PAST.isoformat(),
            "status": "open",
            "outcome": "",
            "loaded_version": form["loaded_version"].value(),
        }.items()
        if value is not None
    }
    response = admin_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    history = admin_client.get(
        reverse("admin:answers_followupaction_history", args=[late.pk])
    ).content.decode()
    assert "alex.admin" in history


def test_admin_refuses_a_stale_save(admin_client, three_actions, staff_client_for):
    late = three_actions[0]
    change_url = reverse("admin:answers_followupaction_change", args=[late.pk])
    loaded_version = late.version
    # Meanwhile a staff member changes its status on the staff pages.
    staff_client_for().post(
        reverse("staff:action_status", args=[late.pk]),
        {"status": "in_progress", "outcome": "", "version": late.version},
    )
    response = admin_client.post(
        change_url,
        {
            "question": late.question_id,
            "title": "Admin's title",
            "due_date": PAST.isoformat(),
            "status": "open",
            "loaded_version": loaded_version,
        },
    )
    assert response.status_code == 200
    assert "sam.staff changed this follow-up action" in response.content.decode()
    late.refresh_from_db()
    assert (late.title, late.status) == ("Late", "in_progress")


@pytest.fixture
def staff_client_for(staff_user):
    from django.test import Client

    def make():
        client = Client()
        client.force_login(staff_user)
        return client

    return make


def test_user_admin_shows_staff_status_as_following_admins(admin_client, staff_user):
    page = admin_client.get(reverse("admin:auth_user_change", args=[staff_user.pk]))
    content = page.content.decode()
    assert page.status_code == 200
    assert "Staff status (admin access) follows Admins membership" in content
    form = page.context["adminform"].form
    assert "is_staff" not in form.fields
    assert "is_superuser" not in form.fields  # an Admins member cannot grant it


def test_admins_member_cannot_edit_a_superuser(admin_client, admin_user):
    response = admin_client.get(reverse("admin:auth_user_change", args=[admin_user.pk]))
    # View-only: the form has no editable fields and no save button.
    assert "_save" not in response.content.decode()


def test_adding_someone_to_admins_in_the_admin_gives_them_admin_access(admin_client, staff_user):
    admins = Group.objects.get(name="Admins")
    change_url = reverse("admin:auth_user_change", args=[staff_user.pk])
    form = admin_client.get(change_url).context["adminform"].form
    data = {
        "username": staff_user.username,
        "first_name": "",
        "last_name": "",
        "email": staff_user.email,
        "is_active": "on",
        "groups": [g.pk for g in staff_user.groups.all()] + [admins.pk],
        "date_joined_0": form["date_joined"].value().strftime("%Y-%m-%d"),
        "date_joined_1": form["date_joined"].value().strftime("%H:%M:%S"),
    }
    response = admin_client.post(change_url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert User.objects.get(pk=staff_user.pk).is_staff
