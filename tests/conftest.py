"""Personas and small factories shared by the suite."""

import datetime
import itertools

import pytest
from django.contrib.auth.models import User
from django.db import connection

from answers import services

_counter = itertools.count(1)


def pytest_report_header(config):
    from django.conf import settings

    db = settings.DATABASES["default"]
    where = db["NAME"] if db["ENGINE"].endswith("sqlite3") else f"{db.get('HOST')}:{db.get('PORT')}"
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} ({where}; tests use a throwaway copy)"


@pytest.fixture
def is_postgres():
    return connection.vendor == "postgresql"


# --- personas ----------------------------------------------------------------


@pytest.fixture
def anonymous(client):
    """A member of the public: not signed in."""
    return client


@pytest.fixture
def plain_user(db):
    """Signed up, but in no group: no staff permissions."""
    return User.objects.create_user("reader", "reader@example.org", "a-long-password-1")


@pytest.fixture
def staff_user(db):
    """A PQ team member: the Staff group (made by the migrations; an error if missing)."""
    from django.contrib.auth.models import Group

    user = User.objects.create_user("sam.staff", "sam@example.org", "a-long-password-1")
    user.groups.add(Group.objects.get(name="Staff"))
    return user


@pytest.fixture
def admin_user(db):
    """A superuser: the Django admin and user management."""
    return User.objects.create_superuser("ada.admin", "ada@example.org", "a-long-password-1")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def admin_client_(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def admins_member(db):
    """An administrator as the service runs them: in the Admins group, not a superuser."""
    from django.contrib.auth.models import Group

    user = User.objects.create_user(
        "alex.admin", "alex@example.org", "a-long-password-1", first_name="Alex"
    )
    user.groups.add(Group.objects.get(name="Admins"))
    user.refresh_from_db()
    return user


# --- factories ---------------------------------------------------------------


@pytest.fixture
def make_question(db):
    """Create a question (and optionally its answer) through the services."""

    def make(
        *,
        heading=None,
        text=None,
        house="Commons",
        department="Department for Education",
        date_tabled=datetime.date(2025, 2, 12),
        asked_by=None,
        answered_by=None,
        date_answered=None,
        answer_text="",
        is_holding=False,
        is_withdrawn=False,
        is_named_day=False,
        date_for_answer=None,
        uin="",
    ):
        n = next(_counter)
        question = services.question_create(
            heading=heading or f"Question heading {n}",
            text=text or f"To ask the Secretary of State, question number {n}.",
            house=house,
            department=(services.department_get_or_create(name=department) if department else None),
            date_tabled=date_tabled,
            asking_member=(
                services.member_get_or_create(name=asked_by, house=house) if asked_by else None
            ),
            is_withdrawn=is_withdrawn,
            is_named_day=is_named_day,
            date_for_answer=date_for_answer,
            uin=uin,
        )
        if date_answered:
            minister = None
            if answered_by:
                member = services.member_get_or_create(name=answered_by, house=house)
                minister = services.minister_post(member=member, title="Minister of State")
            services.answer_record(
                question=question,
                expected_version=None,
                minister=minister,
                date_answered=date_answered,
                text=f"<p>{answer_text or 'An answer.'}</p>",
                is_holding=is_holding,
            )
        return question

    return make


@pytest.fixture
def make_action(db):
    def make(question, *, title=None, is_public=True, status="open", due_date=None, **extra):
        if status in ("done", "cancelled"):
            extra.setdefault("outcome", "Done as planned.")
        return services.action_create(
            question=question,
            title=title or f"Action {next(_counter)}",
            is_public=is_public,
            status=status,
            due_date=due_date,
            **extra,
        )

    return make
