"""Signing in and out, changing a password, rate limiting and CSRF."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-1"


def test_sign_in_takes_staff_back_to_the_page_they_asked_for(client, staff_user):
    wanted = reverse("staff:action_list")
    page = client.get(f"{reverse('login')}?next={wanted}")
    assert page.status_code == 200
    assert b'class="govuk-input' in page.content
    response = client.post(
        reverse("login"), {"username": staff_user.username, "password": PASSWORD, "next": wanted}
    )
    assert response.status_code == 302
    assert response["Location"] == wanted


def test_sign_in_with_no_next_goes_to_the_dashboard(client, staff_user):
    response = client.post(
        reverse("login"), {"username": staff_user.username, "password": PASSWORD}, follow=True
    )
    # Through the start page, which sends drafters to "My work" instead.
    assert response.redirect_chain[-1][0] == reverse("staff:dashboard")
    assert response.status_code == 200


def test_wrong_password_shows_a_govuk_error_summary(client, staff_user):
    response = client.post(reverse("login"), {"username": staff_user.username, "password": "nope"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content
    assert "<title>Error: Sign in" in content


def test_sixth_attempt_is_locked_out_even_with_the_right_password(client, staff_user):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": staff_user.username, "password": "guess"})
    response = client.post(
        reverse("login"), {"username": staff_user.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert b"Too many attempts to sign in" in response.content
    # Still not signed in.
    assert client.get(reverse("staff:dashboard")).status_code == 302


def test_four_wrong_attempts_do_not_lock_the_account(client, staff_user):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("login"), {"username": staff_user.username, "password": "guess"})
    response = client.post(
        reverse("login"), {"username": staff_user.username, "password": PASSWORD}
    )
    assert response.status_code == 302


def test_sign_out_is_a_post_and_ends_the_session(staff_client):
    assert staff_client.get(reverse("staff:dashboard")).status_code == 200
    response = staff_client.post(reverse("logout"))
    assert response.status_code == 302
    assert staff_client.get(reverse("staff:dashboard")).status_code == 302


def test_password_change_uses_govuk_pages(staff_client, staff_user):
    page = staff_client.get(reverse("password_change"))
    assert page.status_code == 200
    content = page.content.decode()
    assert "Change your password" in content
    assert "govuk-input" in content
    wrong = staff_client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "x", "new_password2": "y"},
    )
    assert wrong.status_code == 200
    assert "There is a problem" in wrong.content.decode()
    done = staff_client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "another-long-password-2",
            "new_password2": "another-long-password-2",
        },
        follow=True,
    )
    assert "Password changed" in done.content.decode()
    staff_user.refresh_from_db()
    assert staff_user.check_password("another-long-password-2")


def test_password_change_needs_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "name,args",
    [
        ("staff:question_new", []),
        ("staff:question_edit", ["question"]),
        ("staff:answer_edit", ["question"]),
        ("staff:note_new", ["question"]),
        ("staff:action_new", ["question"]),
        ("staff:action_edit", ["action"]),
        ("staff:action_status", ["action"]),
    ],
)
def test_every_staff_form_needs_its_csrf_token(staff_user, make_question, make_action, name, args):
    question = make_question()
    objects = {"question": question, "action": make_action(question, organisation="X")}
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    url = reverse(name, args=[objects[a].pk for a in args])
    page = client.get(url)
    assert b'name="csrfmiddlewaretoken"' in page.content
    response = client.post(url, {"text": "A note", "title": "An action", "organisation": "X"})
    assert response.status_code == 403


def test_sign_in_form_needs_its_csrf_token(staff_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("login"), {"username": staff_user.username, "password": PASSWORD}
    )
    assert response.status_code == 403
