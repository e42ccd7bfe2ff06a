"""Sign-in lockout behind a reverse proxy: per client address and per username."""

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from pqtracker.proxies import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-password-1"
PROXY = "10.0.0.2"


def behind_proxy(client_address):
    """A browser at ``client_address``, reaching us through our one proxy."""
    return Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=client_address)


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_two_clients_behind_the_same_proxy_are_locked_separately(staff_user):
    mallory = behind_proxy("203.0.113.9")
    sam = behind_proxy("198.51.100.7")
    # Mallory guesses at five different usernames: her address is locked out.
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(mallory, f"guess-{n}", "wrong")
    assert sign_in(mallory, staff_user.username, PASSWORD).status_code == 429
    # Sam, behind the same proxy, signs in as usual.
    assert sign_in(sam, staff_user.username, PASSWORD).status_code == 302


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_username_is_locked_whatever_address_the_guesses_come_from(staff_user):
    for n in range(settings.AXES_FAILURE_LIMIT):
        sign_in(behind_proxy(f"203.0.113.{n + 1}"), staff_user.username, "wrong")
    response = sign_in(behind_proxy("198.51.100.7"), staff_user.username, PASSWORD)
    assert response.status_code == 429
    # Other people are not affected.
    User.objects.create_user("other", "other@example.org", PASSWORD)
    assert sign_in(behind_proxy("198.51.100.7"), "other", PASSWORD).status_code == 302


def _ip(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


@override_settings(TRUSTED_PROXY_COUNT=0)
def test_without_a_proxy_the_forwarded_header_is_ignored():
    assert _ip("192.0.2.1", "203.0.113.9") == "192.0.2.1"


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_one_proxy_trusts_only_the_address_it_appended():
    # The client sent its own X-Forwarded-For to look like someone else.
    assert _ip(PROXY, "1.2.3.4, 203.0.113.9") == "203.0.113.9"
    assert _ip(PROXY, "203.0.113.9") == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_two_proxies_trust_two_entries_from_the_right():
    assert _ip(PROXY, "1.2.3.4, 203.0.113.9, 10.0.0.1") == "203.0.113.9"


@override_settings(TRUSTED_PROXY_COUNT=2)
def test_a_short_or_garbled_header_falls_back_to_the_connecting_address():
    assert _ip(PROXY, "203.0.113.9") == PROXY
    assert _ip(PROXY, "") == PROXY
    assert _ip(PROXY, "not-an-address, 10.0.0.1") == PROXY
