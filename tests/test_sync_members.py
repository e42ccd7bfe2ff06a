"""sync_members, and naming members after imports, against a local Members API stand-in."""

import datetime
import io
import json
import re
import socket

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from answers.models import Member, Question
from tests.members_standin import generated_name, members_standin

SAMPLE = "tests/data/samples/commons-2024-09-list.json"
SERVICE_UNAVAILABLE = (503, {}, "Service Unavailable")


@pytest.fixture
def members_api(settings):
    with members_standin(settings) as api:
        yield api


def unnamed(*pairs):
    for parliament_id, house in pairs:
        Member.objects.create(name="", parliament_id=parliament_id, house=house)


def sync(api, *extra):
    out, err = io.StringIO(), io.StringIO()
    call_command("sync_members", "--backoff", "0", *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_members_known_only_by_id_get_names_parties_seats_and_status(members_api):
    unnamed((172, "Commons"), (90001, "Commons"), (90002, "Commons"))
    out, _ = sync(members_api)
    assert "named 3" in out
    mp = Member.objects.get(parliament_id=172)
    assert (mp.name, mp.party, mp.constituency, mp.house, mp.is_current) == (
        "Ms Diane Abbott",
        "Independent",
        "Hackney North and Stoke Newington",
        "Commons",
        True,
    )
    peer = Member.objects.get(parliament_id=90001)
    # The House comes from the Members API; a peer's "seat" is the peerage.
    assert (peer.name, peer.house, peer.constituency, peer.party) == (
        "Baroness Example of Testford",
        "Lords",
        "Life peer",
        "Crossbench",
    )
    former = Member.objects.get(parliament_id=90002)
    assert former.is_current is False
    assert former.details_updated_at is not None
    # Each request says who is asking.
    assert all(h["User-Agent"].startswith("PQTracker/") for _, h in members_api.requests)
    assert sorted(p for p, _ in members_api.requests) == [
        "/api/Members/172",
        "/api/Members/90001",
        "/api/Members/90002",
    ]


@pytest.mark.django_db
def test_named_members_are_not_asked_again_unless_all(members_api):
    unnamed((172, "Commons"))
    Member.objects.create(name="Someone Named", parliament_id=90001, house="Lords")
    sync(members_api)
    assert len(members_api.requests) == 1
    out, _ = sync(members_api)
    assert "Every member already has a name" in out
    assert len(members_api.requests) == 1
    out, _ = sync(members_api, "--all")
    assert len(members_api.requests) == 3
    assert Member.objects.get(parliament_id=90001).name == "Baroness Example of Testford"
    assert "updated 1" in out


@pytest.mark.django_db
def test_503s_and_timeouts_are_retried(members_api):
    unnamed((172, "Commons"), (90001, "Lords"))
    members_api.fail(172, SERVICE_UNAVAILABLE, SERVICE_UNAVAILABLE)
    members_api.fail(90001, ("sleep", 1.0, ""))
    out, _ = sync(members_api, "--timeout", "0.3")
    assert "named 2" in out
    assert not Member.objects.filter(name="").exists()


@pytest.mark.parametrize(
    ("fault", "says"),
    [
        ((200, {}, "<html>Oops</html>"), "malformed body"),
        ((200, {}, json.dumps({"value": {"id": 172}})), "malformed member"),
        ((200, {}, json.dumps({"value": {"id": 999, "nameDisplayAs": "X"}})), "field 'id'"),
    ],
)
@pytest.mark.django_db
def test_a_malformed_response_changes_no_member(members_api, fault, says):
    unnamed((90001, "Lords"), (172, "Commons"), (90002, "Commons"))
    members_api.fail(172, fault)
    with pytest.raises(CommandError) as raised:
        sync(members_api, "--workers", "1")
    assert says in str(raised.value)
    assert "/api/Members/172" in str(raised.value)
    assert "No member was changed" in str(raised.value)
    # All or nothing: the members fetched before the bad one are not written either.
    assert Member.objects.filter(name="").count() == 3


@pytest.mark.django_db
def test_retries_are_bounded(members_api):
    unnamed((172, "Commons"))
    members_api.fail(172, *[SERVICE_UNAVAILABLE] * 3)
    with pytest.raises(CommandError, match="failed after 3 tries: HTTP 503"):
        sync(members_api, "--tries", "3")
    assert len(members_api.requests) == 3
    assert Member.objects.get(parliament_id=172).name == ""


@pytest.mark.django_db
def test_an_id_the_api_does_not_know_stays_unnamed(members_api):
    unnamed((172, "Commons"), (404404, "Commons"))
    members_api.unknown.add(404404)
    out, _ = sync(members_api)
    assert "named 1" in out
    assert "not found: 404404" in out
    assert Member.objects.get(parliament_id=404404).display_name == (
        "Member of Parliament (id 404404)"
    )


@pytest.mark.django_db
def test_a_member_known_only_by_name_is_folded_into_the_named_one(members_api, make_question):
    # Logged from a pasted page: a name, no id; then an API import: an id, no name.
    asked = make_question(asked_by="Ms Diane Abbott", heading="From a pasted page")
    answered = make_question(date_answered=datetime.date(2025, 3, 1), answered_by="Ms Diane Abbott")
    unnamed((172, "Commons"))
    out, _ = sync(members_api)
    assert "merged 1 known only by name" in out
    (member,) = Member.objects.filter(name="Ms Diane Abbott")
    assert member.parliament_id == 172
    asked.refresh_from_db()
    answered.answer.refresh_from_db()
    assert asked.asking_member == member
    assert answered.answer.minister.member == member


@pytest.mark.django_db
def test_base_url_comes_from_the_setting(members_api, settings):
    unnamed((172, "Commons"))
    settings.PARLIAMENT_MEMBERS_API_BASE_URL = members_api.base_url + "/"
    sync(members_api)
    assert Member.objects.get(parliament_id=172).name == "Ms Diane Abbott"


# --- after imports ---------------------------------------------------------------


def import_sample(*extra):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_written_questions", SAMPLE, *extra, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_importing_the_sample_month_names_every_member(members_api, client):
    out, _ = import_sample()
    assert "Members API: asked about" in out
    assert not Member.objects.filter(name="").exists()
    count = Member.objects.count()
    assert len(members_api.requests) == count
    # No page shows an id in place of a name.
    placeholder = re.compile(rb"Member of Parliament \(id|(?<!Test )Member \d+\b")
    question = Question.objects.filter(answer__isnull=False).first()
    member = question.asking_member
    pages = [
        reverse("home"),
        reverse("question_list"),
        question.get_absolute_url(),
        member.get_absolute_url(),
        question.answer.minister.member.get_absolute_url(),
        reverse("department_performance"),
        question.department.get_absolute_url(),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert not placeholder.search(response.content), url
    assert (
        generated_name(member.parliament_id).encode()
        in client.get(question.get_absolute_url()).content
    )


@pytest.mark.django_db
def test_no_members_option_leaves_names_for_later(members_api):
    import_sample("--no-members")
    assert not members_api.requests
    assert Member.objects.filter(name="").exists()


@pytest.mark.django_db
def test_an_unreachable_members_api_keeps_the_import_and_says_how_to_finish(settings):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.PARLIAMENT_MEMBERS_API_BASE_URL = f"http://127.0.0.1:{port}"
    settings.MEMBERS_SYNC_AFTER_IMPORT = True
    from answers.importers import parliament_api

    # No waiting between the retries of a server that is not there.
    original = parliament_api.ParliamentApi.__init__

    def quick(self, base_url, **kwargs):
        original(self, base_url, **{**kwargs, "backoff": 0, "tries": 2})

    parliament_api.ParliamentApi.__init__ = quick
    try:
        out, err = import_sample()
    finally:
        parliament_api.ParliamentApi.__init__ = original
    assert "2185 created" in out
    assert Question.objects.count() == 2185
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "connection failed" in lines[0]
    assert "manage.py sync_members" in lines[0]
