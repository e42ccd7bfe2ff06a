"""sync_written_questions against a local stand-in for the Written Questions API.

The stand-in (``tests/test_fetch_api.FakeParliament``) serves recorded items
and answers the tabled, answered and corrected date windows as the real list
endpoint does; tests then change what it holds, as Parliament would between
two runs: a new question, a new answer, a correction, a withdrawal.
"""

import copy
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from answers.models import Answer, Question, SyncRun
from tests.members_standin import serving
from tests.test_fetch_api import LIST_PATH, SAMPLE, FakeParliament

SERVICE_UNAVAILABLE = (503, {}, "Service Unavailable")
DAY = "2024-09-06"


def _within(value, query, prefix):
    low, high = query.get(f"{prefix}WhenFrom"), query.get(f"{prefix}WhenTo")
    if low is None and high is None:
        return True
    return bool(value) and (low or "") <= value[:10] <= (high or "9999")


class ChangingParliament(FakeParliament):
    """The list endpoint with all three date windows."""

    def _list(self, query):
        chosen = [
            value
            for value in self.items
            if _within(value["dateTabled"], query, "tabled")
            and _within(value.get("dateAnswered"), query, "answered")
            and _within(value.get("dateAnswerCorrected"), query, "corrected")
            and query.get("house", value["house"]) == value["house"]
        ]
        skip, take = int(query.get("skip", 0)), int(query.get("take", 20))
        page = copy.deepcopy(chosen[skip : skip + take])
        return {"totalResults": len(chosen), "results": [{"value": v, "links": []} for v in page]}

    def add(self, value):
        self.items.append(value)
        self.by_id[value["id"]] = value


@pytest.fixture(scope="module")
def sample_items():
    return json.loads(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture
def parliament(sample_items, settings):
    # One day of the sample: 64 questions tabled on Friday 6 September 2024.
    items = [item for item in sample_items if item["value"]["dateTabled"][:10] == DAY]
    api = ChangingParliament(copy.deepcopy(items))
    with serving(api):
        settings.PARLIAMENT_API_BASE_URL = api.base_url
        yield api


def sync(*extra):
    out, err = io.StringIO(), io.StringIO()
    call_command(
        "sync_written_questions", "--backoff", "0", "--page-size", "25", *extra,
        stdout=out, stderr=err,
    )  # fmt: skip
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_first_run_needs_a_start_date(parliament):
    with pytest.raises(CommandError, match="give the first date to fetch"):
        sync()
    assert not SyncRun.objects.exists()


@pytest.mark.django_db
def test_a_sync_picks_up_a_new_question_a_new_answer_and_a_correction(parliament):
    unanswered = parliament.items[0]
    unanswered_answer = {
        k: unanswered[k]
        for k in (
            "dateAnswered",
            "answerText",
            "answeringMemberId",
            "answeringMember",
            "answeringMemberId",
        )
    }
    for key in unanswered_answer:
        unanswered[key] = None
    out, _ = sync("--since", DAY, "--until", "2024-09-30")
    assert "64 created, 0 updated, 0 unchanged" in out
    first = SyncRun.objects.get()
    assert (first.succeeded, first.added, first.changed, first.error) == (True, 64, 0, "")
    assert first.finished_at >= first.started_at
    assert not Answer.objects.filter(question__parliament_id=unanswered["id"]).exists()

    # Parliament moves on: on 1 October a question is tabled, the unanswered
    # one is answered, and an answered one is corrected.
    new = copy.deepcopy(parliament.items[1])
    new.update(id=9_000_001, uin="999001", dateTabled="2024-10-01T00:00:00", dateForAnswer="2024-10-08T00:00:00", dateAnswered=None,
               answerText=None, answeringMemberId=None, heading="A new question")  # fmt: skip
    parliament.add(new)
    unanswered.update(unanswered_answer, dateAnswered="2024-10-01T00:00:00")
    corrected = parliament.items[2]
    corrected.update(answerIsCorrection=True, dateAnswerCorrected="2024-10-01T00:00:00",
                     answerText="The corrected answer.")  # fmt: skip

    out, _ = sync("--until", "2024-10-01")
    assert "1 created, 2 updated, 0 unchanged" in out
    second = SyncRun.objects.order_by("-started_at", "-id").first()
    assert (second.window_from, second.window_to) == (
        datetime.date(2024, 9, 30),
        datetime.date(2024, 10, 1),
    )
    assert (second.added, second.changed) == (1, 2)
    assert Question.objects.get(parliament_id=new["id"]).heading == "A new question"
    assert Answer.objects.get(question__parliament_id=unanswered["id"]).date_answered == (
        datetime.date(2024, 10, 1)
    )
    answer = Answer.objects.get(question__parliament_id=corrected["id"])
    assert answer.is_correction and "The corrected answer." in answer.text
    assert answer.original_text  # what was first given is kept
    # The three windows were asked for, from the end of the last good run.
    queries = [q for path, q, _ in parliament.requests if path == LIST_PATH][-3:]
    assert [q.get("tabledWhenFrom") for q in queries] == ["2024-09-16", None, None]
    assert [q.get("answeredWhenFrom") for q in queries] == [None, "2024-09-30", None]
    assert [q.get("correctedWhenFrom") for q in queries] == [None, None, "2024-09-30"]

    # A second run over the same days adds and changes nothing.
    before = dict(Question.objects.values_list("parliament_id", "version"))
    out, _ = sync("--until", "2024-10-01")
    assert "0 created, 0 updated" in out
    assert dict(Question.objects.values_list("parliament_id", "version")) == before
    third = SyncRun.objects.order_by("-started_at", "-id").first()
    assert (third.succeeded, third.added, third.changed) == (True, 0, 0)


@pytest.mark.django_db
def test_a_withdrawal_among_recent_questions_is_seen(parliament):
    sync("--since", DAY, "--until", DAY)
    withdrawn = parliament.items[3]
    withdrawn.update(isWithdrawn=True)
    out, _ = sync("--until", "2024-09-10")
    assert "1 updated" in out
    assert Question.objects.get(parliament_id=withdrawn["id"]).is_withdrawn


@pytest.mark.django_db
def test_a_failed_run_is_recorded_changes_nothing_and_the_next_starts_from_the_last_good_one(
    parliament,
):
    sync("--since", DAY, "--until", DAY)
    parliament.items[0]["heading"] = "Changed meanwhile"
    # The answered window's page fails for good.
    original = parliament.handle

    def failing(handler):
        if "answeredWhenFrom" in handler.path:
            return SERVICE_UNAVAILABLE
        return original(handler)

    parliament.handle = failing
    with pytest.raises(CommandError) as raised:
        sync("--until", "2024-09-10", "--tries", "2")
    assert "HTTP 503" in str(raised.value)
    assert f"next run starts from {DAY}" in str(raised.value)
    failed = SyncRun.objects.order_by("-started_at", "-id").first()
    assert (failed.succeeded, failed.window_from) == (False, datetime.date(2024, 9, 6))
    assert "HTTP 503" in failed.error and failed.finished_at
    assert (
        Question.objects.get(parliament_id=parliament.items[0]["id"]).heading != "Changed meanwhile"
    )

    parliament.handle = original
    out, _ = sync("--until", "2024-09-10")
    latest = SyncRun.objects.order_by("-started_at", "-id").first()
    assert latest.succeeded and latest.window_from == datetime.date(2024, 9, 6)
    assert (
        Question.objects.get(parliament_id=parliament.items[0]["id"]).heading == "Changed meanwhile"
    )


# --- the staff dashboard ---------------------------------------------------------


@pytest.mark.django_db
def test_dashboard_shows_the_last_sync_and_warns_after_a_day_without_success(
    staff_client, parliament
):
    url = reverse("staff:dashboard")
    assert "has not run yet" in staff_client.get(url).content.decode()
    sync("--since", DAY, "--until", DAY)
    body = staff_client.get(url).content.decode()
    assert "Last synced with Parliament" in body and "64 added" in body
    assert "govuk-warning-text" not in body
    SyncRun.objects.update(finished_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC),
                           started_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC))  # fmt: skip
    body = staff_client.get(url).content.decode()
    assert "govuk-warning-text" in body
    assert "has not succeeded for over a day" in body
