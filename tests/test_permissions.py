"""Who may open which staff page: every staff URL × every persona.

The URL list is built from answers.staff.urls, so a new staff page is in the
matrix the day it is added (and fails here until it is guarded).
"""

import datetime
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from answers.groups import ADMIN_PERMISSIONS, ADMINS, STAFF, STAFF_PERMISSIONS
from answers.staff import urls as staff_urls

pytestmark = pytest.mark.django_db


def staff_url_names():
    return [pattern.name for pattern in staff_urls.urlpatterns]


@pytest.fixture
def records(make_question, make_action):
    question = make_question(date_answered=datetime.date(2025, 2, 20), answered_by="A Minister")
    action = make_action(question, organisation="OHID London")
    return {"question": question, "action": action}


def url_for(name, records):
    pattern = next(p for p in staff_urls.urlpatterns if p.name == name)
    route = str(pattern.pattern)
    if "<int:pk>" not in route:
        return reverse(f"staff:{name}")
    target = records["action"] if route.startswith("actions/") else records["question"]
    return reverse(f"staff:{name}", args=[target.pk])


@pytest.mark.parametrize("name", staff_url_names())
def test_anonymous_is_sent_to_sign_in_and_back(client, records, name):
    url = url_for(name, records)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(url)}"


@pytest.mark.parametrize("name", staff_url_names())
def test_signed_in_user_without_permission_gets_403(client, plain_user, records, name):
    client.force_login(plain_user)
    response = client.get(url_for(name, records))
    assert response.status_code == 403
    assert b"You do not have permission to see this page" in response.content


@pytest.mark.parametrize("name", staff_url_names())
def test_staff_can_open_every_staff_page(client, staff_user, records, name):
    client.force_login(staff_user)
    assert client.get(url_for(name, records)).status_code == 200


@pytest.mark.parametrize("name", staff_url_names())
def test_admins_can_open_every_staff_page(client, admins_member, records, name):
    client.force_login(admins_member)
    assert client.get(url_for(name, records)).status_code == 200


@pytest.mark.parametrize("name", staff_url_names())
def test_anonymous_post_is_refused_too(client, records, name):
    # Writes are guarded as well as reads: nothing is saved for a visitor.
    response = client.post(url_for(name, records), {"title": "x", "text": "x"})
    assert response.status_code in (302, 405)
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")


def test_matrix_covers_every_staff_url():
    # The parametrised tests above take their names from the URLconf; this
    # pins the count so that a page dropped from it is noticed too.
    assert len(staff_url_names()) == 12


# --- groups and the Django admin ----------------------------------------------


def test_migration_creates_both_groups_with_their_permissions():
    for name, wanted in [(STAFF, STAFF_PERMISSIONS), (ADMINS, ADMIN_PERMISSIONS)]:
        group = Group.objects.get(name=name)
        have = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert set(wanted) <= have, set(wanted) - have


def test_staff_cannot_delete_or_manage_users(staff_user):
    assert staff_user.has_perm("answers.change_question")
    assert staff_user.has_perm("answers.view_internalnote")
    assert staff_user.has_perm("answers.change_followupaction")
    assert not staff_user.has_perm("answers.delete_question")
    assert not staff_user.has_perm("answers.change_internalnote")
    assert not staff_user.has_perm("auth.change_user")
    assert not staff_user.is_staff


def test_admins_can_manage_users_and_unlock_accounts(admins_member):
    assert admins_member.has_perm("auth.change_user")
    assert admins_member.has_perm("answers.delete_followupaction")
    assert admins_member.has_perm("axes.delete_accessattempt")
    assert admins_member.is_staff


def test_staff_member_cannot_use_the_django_admin(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_admins_member_uses_the_django_admin_and_user_management(client, admins_member):
    client.force_login(admins_member)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 200
    assert client.get(reverse("admin:answers_followupaction_changelist")).status_code == 200


def test_joining_admins_grants_admin_access_and_leaving_removes_it(db):
    user = User.objects.create_user("jo", password="a-long-password-1")
    admins = Group.objects.get(name=ADMINS)
    user.groups.add(admins)
    user.refresh_from_db()
    assert user.is_staff
    user.groups.remove(admins)
    user.refresh_from_db()
    assert not user.is_staff


def test_admins_membership_from_the_group_side_counts_too(db):
    user = User.objects.create_user("kim", password="a-long-password-1")
    admins = Group.objects.get(name=ADMINS)
    admins.user_set.add(user)
    user.refresh_from_db()
    assert user.is_staff
    admins.user_set.clear()
    user.refresh_from_db()
    assert not user.is_staff


def test_staff_status_cannot_be_ticked_by_hand(db):
    # Only Admins membership (or superuser) opens the admin.
    user = User.objects.create_user("lee", password="a-long-password-1", is_staff=True)
    assert not User.objects.get(pk=user.pk).is_staff
    user.groups.add(Group.objects.get(name=STAFF))
    user.is_staff = True
    user.save()
    assert not User.objects.get(pk=user.pk).is_staff


def test_superuser_keeps_admin_access(admin_user):
    admin_user.groups.clear()
    admin_user.save()
    admin_user.refresh_from_db()
    assert admin_user.is_staff


def test_groups_come_back_with_every_permission_after_a_flush(db):
    # post_migrate (sent after migrate and after a test-database flush)
    # re-creates missing groups and adds missing permissions.
    from answers.groups import sync_groups

    Group.objects.filter(name=STAFF).delete()
    Group.objects.get(name=ADMINS).permissions.remove(
        Permission.objects.get(codename="change_user")
    )
    sync_groups()
    assert Group.objects.get(name=STAFF).permissions.count() == len(STAFF_PERMISSIONS)
    assert Group.objects.get(name=ADMINS).permissions.filter(codename="change_user").exists()
