"""Emails: sent on each move to the right people with the right links; the daily digest once."""

import datetime
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from answers.models import AnswerProcess, ReminderSent, Stage
from answers.workflow import services as workflow
from tests.workflow.conftest import person

pytestmark = pytest.mark.django_db

D = datetime.date


def run(date, *extra):
    out = StringIO()
    call_command("send_reminders", "--date", date.isoformat(), *extra, stdout=out)
    return out.getvalue()


def by_person():
    return {tuple(m.to): m for m in mail.outbox}


# --- emails on moves ---------------------------------------------------------------


def test_each_move_emails_the_person_who_acts_next(make_question, route, team, drafter, deputy,
                                                   private_office, committed):  # fmt: skip
    q = make_question(heading="Free School Meals")
    link = f"http://testserver/staff/questions/{q.pk}/process/"
    with committed():
        workflow.process_move(question=q, move="commission", actor=team, owner=drafter)
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["dee.drafter@example.org"], "PQ commissioned to you: Free School Meals")
    ]
    assert link in mail.outbox[0].body and "17 February 2025" in mail.outbox[0].body
    with committed():
        workflow.process_move(question=q, move="reject", actor=drafter, comment="Not DfE policy")
    assert mail.outbox[-1].to == ["pat.team@example.org"]
    assert "Not DfE policy" in mail.outbox[-1].body and link in mail.outbox[-1].body
    with committed():
        workflow.process_move(question=q, move="commission", actor=team, owner=drafter)
        workflow.process_move(question=q, move="accept", actor=drafter)
        process = AnswerProcess.objects.get(question=q)
        workflow.draft_save(process=process, author=drafter, answer_text="Draft.")
        workflow.process_move(question=q, move="submit", actor=drafter)
    assert mail.outbox[-1].to == ["dan.deputy@example.org"]
    assert "Deputy director" in mail.outbox[-1].subject and link in mail.outbox[-1].body
    with committed():
        workflow.process_move(question=q, move="clear", actor=deputy)
    # The second step names a group: its members hear of it.
    assert mail.outbox[-1].to == ["pip.office@example.org"]
    with committed():
        workflow.process_move(question=q, move="return", actor=private_office, comment="Shorter")
    assert mail.outbox[-1].to == ["dee.drafter@example.org"]
    assert "Shorter" in mail.outbox[-1].body
    with committed():
        workflow.process_move(question=q, move="submit", actor=drafter)
        workflow.process_move(question=q, move="clear", actor=private_office)
    assert mail.outbox[-1].to == ["pat.team@example.org"]  # cleared: submit it
    with committed():
        workflow.submit_as_answer(question=q, actor=team, date_answered=D(2025, 2, 19))
    answered = mail.outbox[-1]
    assert answered.subject == "PQ answered: Free School Meals"
    assert answered.to == ["dan.deputy@example.org", "dee.drafter@example.org",
                           "pip.office@example.org"]  # fmt: skip
    assert all(link in m.body for m in mail.outbox)


def test_a_refused_move_sends_nothing(in_stage, drafter, committed):
    q = in_stage(Stage.DRAFTING)
    mail.outbox.clear()
    with committed(), pytest.raises(Exception, match="not possible now"):
        workflow.process_move(question=q, move="accept", actor=drafter)
    assert mail.outbox == []


# --- the daily digest ---------------------------------------------------------------


@pytest.fixture
def day(in_stage, make_question, team):
    """Question due Wednesday 19 February 2025: draft due Monday 17, steps 18 and 19."""
    drafting = in_stage(Stage.DRAFTING, heading="Drafting one")
    clearing = in_stage(Stage.IN_CLEARANCE, heading="Clearing one")
    new = make_question(heading="Nobody has it")
    mail.outbox.clear()
    return drafting, clearing, new


def test_the_digest_names_what_is_due_and_links_to_it(day):
    drafting, clearing, new = day
    # Friday 14 February: the drafts are due on Monday, the next working day.
    assert "Sent 1 reminder to 1 person" in run(D(2025, 2, 14))
    (message,) = mail.outbox
    assert message.to == ["dee.drafter@example.org"]
    assert "Due next working day (1)" in message.body
    assert "Drafting one: Draft due, by 17 February 2025" in message.body
    assert f"http://testserver/staff/questions/{drafting.pk}/process/" in message.body


def test_each_reminder_once_however_often_it_runs(day):
    drafting, clearing, new = day
    run(D(2025, 2, 17))
    first = by_person()
    assert set(first) == {("dee.drafter@example.org",), ("dan.deputy@example.org",)}
    assert "Due today (1)" in first[("dee.drafter@example.org",)].body
    assert "Clear or return (Deputy director), by 18 February 2025" in (
        first[("dan.deputy@example.org",)].body
    )
    mail.outbox.clear()
    assert "Sent 0 reminders to 0 people" in run(D(2025, 2, 17))
    assert mail.outbox == []
    # The next day the draft is overdue (a new reminder), the step due today.
    run(D(2025, 2, 18))
    second = by_person()
    assert "Overdue (1)" in second[("dee.drafter@example.org",)].body
    assert "Due today (1)" in second[("dan.deputy@example.org",)].body
    # The PQ team hears of the question nobody has taken on, due tomorrow.
    assert "Nobody has it: Commission it, by 19 February 2025" in (
        second[("pat.team@example.org",)].body
    )
    mail.outbox.clear()
    run(D(2025, 2, 18))
    assert mail.outbox == []


def test_group_steps_remind_every_member(in_stage, deputy, private_office):
    q = in_stage(Stage.IN_CLEARANCE)
    workflow.process_move(question=q, move="clear", actor=deputy)
    colleague = person("quinn.office", "Drafters")
    colleague.groups.add(private_office.groups.get(name="Private office"))
    mail.outbox.clear()
    run(D(2025, 2, 19))
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert "pip.office@example.org" in recipients and "quinn.office@example.org" in recipients


def test_dry_run_sends_and_records_nothing(day):
    assert "Would send 2 reminders to 2 people" in run(D(2025, 2, 17), "--dry-run")
    assert mail.outbox == [] and not ReminderSent.objects.exists()


def test_nothing_on_a_bank_holiday_or_a_weekend(day):
    assert "not a working day" in run(D(2025, 4, 21))  # Easter Monday
    assert "not a working day" in run(D(2025, 2, 15))
    assert mail.outbox == []


def test_a_bad_date_is_a_clear_error(db):
    with pytest.raises(CommandError, match="--date must be a date like 2025-02-12"):
        call_command("send_reminders", "--date", "12/02/2025")


def test_a_failed_send_records_nothing_so_the_next_run_retries(day, monkeypatch):
    import answers.workflow.reminders as reminders

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(reminders, "send_mail", broken)
    with pytest.raises(OSError):
        run(D(2025, 2, 17))
    assert not ReminderSent.objects.exists()
    monkeypatch.undo()
    run(D(2025, 2, 17))
    assert len(mail.outbox) == 2


def test_a_withdrawn_question_is_neither_reminded_nor_in_my_work(day, client, drafter):
    from answers import services

    drafting, clearing, new = day
    for q in (drafting, clearing, new):
        services.question_update(
            question=q, expected_version=q.version, is_withdrawn=True, date_withdrawn=D(2025, 2, 14)
        )
    run(D(2025, 2, 18))
    assert mail.outbox == []
    client.force_login(drafter)
    assert client.get("/staff/my-work/").context["items"] == []
