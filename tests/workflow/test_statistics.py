"""Statistics: median working days per stage, share returned, share on time, by team and owner."""

import collections
import datetime
import statistics

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from answers import services
from answers.models import AnswerProcess, Question, Stage
from answers.workflow import services as workflow
from answers.workflow.stats import median, statistics_for
from tests.snapshots import counted_then_kept, fetched, postgresql_only

pytestmark = pytest.mark.django_db

D = datetime.date


def at(day, hour=10):
    return datetime.datetime.combine(
        day, datetime.time(hour), tzinfo=timezone.get_current_timezone()
    )


def road(q, team, drafter, deputy, office, *, returned, answered_on):
    """Commission Mon 10 Feb 2025, accept Tue 11, submit Thu 13, clear Fri 14 (and Mon 17)."""
    Question.objects.filter(pk=q.pk).update(created_at=at(D(2025, 2, 7)))  # logged Friday
    q.refresh_from_db()
    workflow.process_move(
        question=q, move="commission", actor=team, owner=drafter, when=at(D(2025, 2, 10))
    )
    workflow.process_move(question=q, move="accept", actor=drafter, when=at(D(2025, 2, 11)))
    process = AnswerProcess.objects.get(question=q)
    workflow.draft_save(process=process, author=drafter, answer_text="Draft")
    workflow.process_move(question=q, move="submit", actor=drafter, when=at(D(2025, 2, 13)))
    if returned:
        workflow.process_move(
            question=q, move="return", actor=deputy, comment="Again", when=at(D(2025, 2, 13), 12)
        )
        workflow.process_move(question=q, move="submit", actor=drafter, when=at(D(2025, 2, 13), 14))
    workflow.process_move(question=q, move="clear", actor=deputy, when=at(D(2025, 2, 14)))
    workflow.process_move(question=q, move="clear", actor=office, when=at(D(2025, 2, 17)))
    services.answer_record(question=q, expected_version=None, date_answered=answered_on,
                           text="<p>Answer</p>")  # fmt: skip


def test_medians_returns_and_on_time(make_question, route, team, drafter, other_drafter, deputy,
                                     private_office):  # fmt: skip
    # Due Wednesday 19 February 2025.
    a = make_question(date_tabled=D(2025, 2, 12))
    b = make_question(date_tabled=D(2025, 2, 12))
    road(a, team, drafter, deputy, private_office, returned=False, answered_on=D(2025, 2, 19))
    road(b, team, other_drafter, deputy, private_office, returned=True,
         answered_on=D(2025, 2, 20))  # fmt: skip
    stats = statistics_for(D(2025, 2, 1), D(2025, 2, 28))
    overall = stats["overall"]
    medians = {stage: median for stage, median, _ in overall.medians}
    assert medians == {
        "new": 1,  # logged Friday, commissioned Monday
        "commissioned": 1,  # Monday to Tuesday
        # Tuesday to Thursday for both; b's second spell of drafting lasted no time.
        "drafting": 2,
        "in_clearance": 1,  # to Friday, and Friday to Monday; b's returned spell was 0
        # The answers were recorded today, outside the period: not counted.
        "cleared": None,
    }
    assert (overall.returned, overall.submitted) == (1, 2)
    assert (overall.on_time, overall.answered) == (1, 2)
    owners = {row.label: row for row in stats["owners"]}
    assert owners["Dee Drafter"].share_returned == 0
    assert owners["Otto Other"].share_returned == 1
    assert owners["Otto Other"].share_on_time == 0
    assert [row.label for row in stats["teams"]] == ["Department for Education"]


def test_a_period_without_moves(db):
    stats = statistics_for(D(2020, 1, 1), D(2020, 1, 31))
    assert stats["overall"].share_on_time is None and stats["overall"].share_returned is None
    assert all(bar["value"] is None for bar in stats["chart"]["bars"])


@given(st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=40))
def test_a_median_from_counts_is_the_median_of_the_values(values):
    assert median(collections.Counter(values)) == statistics.median(values)


def test_moves_recorded_before_spells_were_kept_are_filled_in_alike(
    make_question, route, team, drafter, other_drafter, deputy, private_office
):
    import importlib

    from django.apps import apps

    from answers.models import ProcessEvent

    a, b = make_question(date_tabled=D(2025, 2, 12)), make_question(date_tabled=D(2025, 2, 12))
    road(a, team, drafter, deputy, private_office, returned=False, answered_on=D(2025, 2, 19))
    road(b, team, other_drafter, deputy, private_office, returned=True,
         answered_on=D(2025, 2, 20))  # fmt: skip
    kept = list(
        ProcessEvent.objects.order_by("id").values_list("stage_days", "stage_owner", "department")
    )
    assert any(days for days, _, _ in kept) and all(team for _, _, team in kept)
    ProcessEvent.objects.update(stage_days=None, stage_owner=None, department=None)
    migration = importlib.import_module("answers.migrations.0014_process_event_spells")
    migration.fill(apps, None)
    assert (
        list(
            ProcessEvent.objects.order_by("id").values_list(
                "stage_days", "stage_owner", "department"
            )
        )
        == kept
    )


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_counts_are_kept_until_anything_is_written(client, in_stage, team):
    """The same period again costs the snapshot and the names; a move counts afresh."""

    def view():
        return fetched(
            client,
            reverse("workflow:stats"),
            lambda response: response.context["stats"]["overall"],
            {"start": "01/01/2025"},
        )

    in_stage(Stage.ANSWERED)
    client.force_login(team)
    (first, counted), (second, kept) = counted_then_kept(view)
    assert counted - kept == 5  # the spells, three tallies of drafts, the answers
    assert (first.answered, first.submitted) == (second.answered, second.submitted) == (1, 1)
    in_stage(Stage.ANSWERED)
    assert view()[0].answered == 2
