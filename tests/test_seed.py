"""The first record: loaded through the page-text importer, every field right."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from answers.models import Answer, FollowUpAction, Question
from answers.text import html_to_text

pytestmark = pytest.mark.django_db

EXPECTED = json.loads(
    (Path(__file__).parent / "data" / "seed" / "infant-mortality.json").read_text(encoding="utf-8")
)


@pytest.fixture
def seeded():
    call_command("load_seed", verbosity=0)
    return Question.objects.get()


def test_seed_fields_equal_the_record(seeded):
    question = seeded
    answer = question.answer
    assert question.heading == EXPECTED["heading"]
    assert question.date_tabled.isoformat() == EXPECTED["date_tabled"]
    assert question.house == EXPECTED["house"]
    assert question.department.name == EXPECTED["department"]
    assert question.text == EXPECTED["question_text"]
    assert question.asking_member is None
    assert answer.minister.member.name == EXPECTED["answered_by"]
    assert answer.minister.title == EXPECTED["minister_role"]
    assert answer.date_answered.isoformat() == EXPECTED["date_answered"]
    assert html_to_text(answer.text) == EXPECTED["answer_text"]
    assert answer.text.count("<p>") == 4


def test_page_furniture_appears_nowhere(seeded, client):
    for answer in Answer.objects.all():
        assert "Reticulating" not in answer.text
    page = client.get(seeded.get_absolute_url()).content.decode()
    assert "Reticulating" not in page
    assert "View Source" not in page
    assert "Portrait" not in page


def test_loading_twice_leaves_one_question_and_its_actions_once(seeded):
    actions = FollowUpAction.objects.count()
    call_command("load_seed", verbosity=0)
    assert Question.objects.count() == 1
    assert Answer.objects.count() == 1
    assert FollowUpAction.objects.count() == actions


def test_seed_actions_are_a_mix_of_public_and_internal_with_owners_and_dates(seeded):
    actions = list(seeded.follow_up_actions.all())
    assert len(actions) == 4
    assert {a.is_public for a in actions} == {True, False}
    assert all(a.organisation and a.due_date for a in actions)
    titles = " ".join(a.title for a in actions)
    assert "action plan" in titles and "Havering" in titles
    done = [a for a in actions if a.status == "done"]
    assert all(a.completed_on for a in done)


def test_public_page_shows_public_actions_only(seeded, client):
    page = client.get(seeded.get_absolute_url()).content.decode()
    for action in seeded.follow_up_actions.all():
        assert (action.title in page) is action.is_public


def test_fresh_install_home_page_shows_the_seed(seeded, client):
    page = client.get("/").content.decode()
    assert "Infant Mortality" in page
