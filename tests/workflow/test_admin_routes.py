"""Admins edit each department's clearance route in the Django admin; staff cannot."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from answers.models import ClearanceRoute
from answers.services import department_get_or_create

pytestmark = pytest.mark.django_db


def test_an_admin_sets_up_a_route_with_ordered_steps(client, admins_member, deputy):
    department = department_get_or_create(name="Ministry of Justice")
    office = Group.objects.create(name="MoJ private office")
    client.force_login(admins_member)
    assert client.get(reverse("admin:answers_clearanceroute_add")).status_code == 200
    data = {
        "department": department.pk,
        "draft_working_days": 3,
        "steps-TOTAL_FORMS": 2, "steps-INITIAL_FORMS": 0,
        "steps-MIN_NUM_FORMS": 0, "steps-MAX_NUM_FORMS": 1000,
        "steps-0-position": 1, "steps-0-name": "Deputy director", "steps-0-user": deputy.pk,
        "steps-1-position": 2, "steps-1-name": "Private office", "steps-1-group": office.pk,
    }  # fmt: skip
    response = client.post(reverse("admin:answers_clearanceroute_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    route = ClearanceRoute.objects.get(department=department)
    assert route.draft_working_days == 3
    assert [(s.name, s.user, s.group) for s in route.steps.all()] == [
        ("Deputy director", deputy, None),
        ("Private office", None, office),
    ]
    listing = client.get(reverse("admin:answers_clearanceroute_changelist")).content.decode()
    assert "Deputy director → Private office" in listing


def test_a_step_with_both_a_person_and_a_group_is_refused(client, admins_member, deputy):
    department = department_get_or_create(name="Ministry of Justice")
    office = Group.objects.create(name="MoJ private office")
    client.force_login(admins_member)
    data = {
        "department": department.pk, "draft_working_days": 2,
        "steps-TOTAL_FORMS": 1, "steps-INITIAL_FORMS": 0,
        "steps-MIN_NUM_FORMS": 0, "steps-MAX_NUM_FORMS": 1000,
        "steps-0-position": 1, "steps-0-name": "Both", "steps-0-user": deputy.pk,
        "steps-0-group": office.pk,
    }  # fmt: skip
    response = client.post(reverse("admin:answers_clearanceroute_add"), data)
    assert response.status_code == 200
    assert "Choose either a person or a group" in response.content.decode()
    assert not ClearanceRoute.objects.exists()


def test_staff_cannot_edit_routes(staff_user):
    assert not staff_user.has_perm("answers.change_clearanceroute")
    assert not staff_user.is_staff
