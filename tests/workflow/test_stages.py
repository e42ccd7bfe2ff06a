"""The stage rules: every allowed and every refused move, with who and when."""

import datetime

import pytest
from django.contrib.auth.models import User

from answers import services
from answers.models import AnswerProcess, Draft, ProcessEvent, Question, Stage
from answers.workflow import services as workflow
from answers.workflow.stages import MOVES, SYSTEM, MoveError, stage_expression

pytestmark = pytest.mark.django_db

PEOPLE_MOVES = [name for name, move in MOVES.items() if move.actor != SYSTEM]
ALL_STAGES = list(Stage)


def inputs(name, drafter):
    move = MOVES[name]
    return {
        "owner": drafter if "owner" in move.needs else None,
        "comment": "Because." if "comment" in move.needs else "",
        "department": "HM Treasury" if "department" in move.needs else "",
    }


def make_move(question, name, actor, drafter):
    if name == "submit_answer":
        return workflow.submit_as_answer(
            question=question, actor=actor, date_answered=datetime.date(2025, 2, 19)
        )
    return workflow.process_move(question=question, move=name, actor=actor, **inputs(name, drafter))


EXPECTED = {
    "commission": Stage.COMMISSIONED,
    "reassign": Stage.COMMISSIONED,
    "accept": Stage.DRAFTING,
    "reject": Stage.REJECTED,
    "return": Stage.DRAFTING,
    "holding": Stage.HOLDING,
    "resume": Stage.DRAFTING,
    "submit_answer": Stage.ANSWERED,
    "transfer_out": Stage.TRANSFERRED_OUT,
    "transfer_in": Stage.TRANSFERRED_IN,
    "submit": Stage.IN_CLEARANCE,  # the route has two steps
    "clear": Stage.IN_CLEARANCE,  # the first of two steps
}


@pytest.mark.parametrize("stage", ALL_STAGES)
@pytest.mark.parametrize("name", PEOPLE_MOVES)
def test_every_move_from_every_stage(in_stage, team, drafter, stage, name):
    question = in_stage(stage)
    process = AnswerProcess.objects.filter(question=question).first()
    before = (process.stage, process.owner_id) if process else (Stage.NEW, None)
    events = ProcessEvent.objects.count()
    if stage in MOVES[name].sources:
        event = make_move(question, name, team, drafter)
        process = AnswerProcess.objects.get(question=question)
        assert process.stage == EXPECTED[name]
        assert (event.move, event.from_stage, event.to_stage) == (name, stage, EXPECTED[name])
        assert event.actor == team and event.at is not None
        assert ProcessEvent.objects.count() == events + 1
    else:
        with pytest.raises(MoveError, match="is not possible now"):
            make_move(question, name, team, drafter)
        process = AnswerProcess.objects.filter(question=question).first()
        after = (process.stage, process.owner_id) if process else (Stage.NEW, None)
        assert after == before
        assert ProcessEvent.objects.count() == events


def test_the_table_names_a_move_for_every_side_branch():
    sources = {stage for move in MOVES.values() for stage in move.sources}
    targets = {move.target for move in MOVES.values()}
    # Every stage is reached by some move, and every open stage can be left.
    assert set(Stage) - {Stage.NEW} <= targets | {Stage.IN_CLEARANCE, Stage.CLEARED}
    assert sources == set(Stage) - {Stage.ANSWERED, Stage.TRANSFERRED_OUT}


def test_the_whole_road_with_a_return_records_who_and_when(
    make_question, route, team, drafter, deputy, private_office
):
    q = make_question()
    steps = [
        ("commission", team, {"owner": drafter}),
        ("accept", drafter, {}),
    ]
    for name, actor, extra in steps:
        workflow.process_move(question=q, move=name, actor=actor, **extra)
    process = AnswerProcess.objects.get(question=q)
    workflow.draft_save(process=process, author=drafter, answer_text="First go.")
    workflow.process_move(question=q, move="submit", actor=drafter)
    workflow.process_move(question=q, move="clear", actor=deputy)
    process.refresh_from_db()
    assert process.current_step.name == "Private office"
    workflow.process_move(question=q, move="return", actor=private_office, comment="Add figures.")
    process.refresh_from_db()
    assert process.stage == Stage.DRAFTING and process.current_step is None
    workflow.draft_save(process=process, author=drafter, answer_text="With figures.", based_on=1)
    workflow.process_move(question=q, move="submit", actor=drafter)
    process.refresh_from_db()
    # Resubmitted, it goes back to the step that returned it.
    assert process.current_step.name == "Private office"
    workflow.process_move(question=q, move="clear", actor=private_office)
    process.refresh_from_db()
    assert process.stage == Stage.CLEARED
    assert process.cleared_draft.answer_text == "With figures."
    minister = services.member_get_or_create(name="Jo Minister", house="Commons")
    workflow.submit_as_answer(
        question=q, actor=team, date_answered=datetime.date(2025, 2, 19),
        member=minister, minister_role="Minister of State",
    )  # fmt: skip
    q = Question.objects.get(pk=q.pk)
    assert q.answer.text == "<p>With figures.</p>"
    assert q.answer.minister.member.name == "Jo Minister"
    log = [
        (e.move, e.to_stage, e.actor.username, e.step_name, e.comment)
        for e in ProcessEvent.objects.filter(process__question=q).select_related("actor")
    ]
    assert log == [
        ("commission", "commissioned", "pat.team", "", ""),
        ("accept", "drafting", "dee.drafter", "", ""),
        ("submit", "in_clearance", "dee.drafter", "Deputy director", ""),
        ("clear", "in_clearance", "dan.deputy", "Deputy director", ""),
        ("return", "drafting", "pip.office", "Private office", "Add figures."),
        ("submit", "in_clearance", "dee.drafter", "Private office", ""),
        ("clear", "cleared", "pip.office", "Private office", ""),
        ("submit_answer", "answered", "pat.team", "", ""),
    ]


def test_reject_needs_a_reason_and_goes_back_to_the_team(make_question, team, drafter):
    q = make_question()
    workflow.process_move(question=q, move="commission", actor=team, owner=drafter)
    with pytest.raises(MoveError, match="Give a reason"):
        workflow.process_move(question=q, move="reject", actor=drafter, comment="  ")
    assert AnswerProcess.objects.get(question=q).stage == Stage.COMMISSIONED
    workflow.process_move(question=q, move="reject", actor=drafter, comment="Wrong team")
    process = AnswerProcess.objects.get(question=q)
    assert process.stage == Stage.REJECTED and process.owner is None
    # The history keeps who rejected it and why.
    event = process.events.last()
    assert (event.owner, event.comment) == (drafter, "Wrong team")


def test_return_needs_comments(in_stage, deputy):
    q = in_stage(Stage.IN_CLEARANCE)
    with pytest.raises(MoveError, match="Say what needs changing"):
        workflow.process_move(question=q, move="return", actor=deputy, comment="")


def test_only_the_owner_accepts_and_only_the_named_clearer_clears(
    in_stage, other_drafter, drafter, deputy, private_office
):
    q = in_stage(Stage.COMMISSIONED)
    with pytest.raises(MoveError, match="You cannot"):
        workflow.process_move(question=q, move="accept", actor=other_drafter)
    with pytest.raises(MoveError, match="You cannot"):
        workflow.process_move(question=q, move="reassign", actor=drafter, owner=drafter)
    q2 = in_stage(Stage.IN_CLEARANCE)
    # The first step names the deputy director: the private office cannot clear it.
    with pytest.raises(MoveError, match="You cannot"):
        workflow.process_move(question=q2, move="clear", actor=private_office)
    workflow.process_move(question=q2, move="clear", actor=deputy)
    with pytest.raises(MoveError, match="You cannot"):
        workflow.process_move(question=q2, move="clear", actor=deputy)
    # The second names a group: any member may clear it.
    workflow.process_move(question=q2, move="clear", actor=private_office)
    assert AnswerProcess.objects.get(question=q2).stage == Stage.CLEARED


def test_a_person_outside_every_group_can_do_nothing(in_stage, plain_user):
    q = in_stage(Stage.COMMISSIONED)
    for name in ("accept", "reject", "reassign"):
        with pytest.raises(MoveError, match="You cannot"):
            workflow.process_move(question=q, move=name, actor=plain_user, comment="x")


def test_commissioning_to_someone_outside_drafters_is_refused(make_question, team, plain_user):
    q = make_question()
    with pytest.raises(MoveError, match="not a drafter"):
        workflow.process_move(question=q, move="commission", actor=team, owner=plain_user)
    assert not AnswerProcess.objects.filter(question=q, stage=Stage.COMMISSIONED).exists()


def test_submit_needs_a_draft(make_question, team, drafter):
    q = make_question()
    workflow.process_move(question=q, move="commission", actor=team, owner=drafter)
    workflow.process_move(question=q, move="accept", actor=drafter)
    with pytest.raises(MoveError, match="Write and save a draft"):
        workflow.process_move(question=q, move="submit", actor=drafter)
    assert AnswerProcess.objects.get(question=q).stage == Stage.DRAFTING


def test_no_route_means_cleared_on_submission(make_question, team, drafter):
    q = make_question(department="Cabinet Office")
    workflow.process_move(question=q, move="commission", actor=team, owner=drafter)
    workflow.process_move(question=q, move="accept", actor=drafter)
    process = AnswerProcess.objects.get(question=q)
    workflow.draft_save(process=process, author=drafter, answer_text="Short.")
    event = workflow.process_move(question=q, move="submit", actor=drafter)
    assert event.to_stage == Stage.CLEARED


def test_bulk_commission_is_all_or_nothing(make_question, team, drafter):
    a, b = make_question(), make_question()
    workflow.process_move(question=b, move="transfer_out", actor=team, department="HMT")
    with pytest.raises(MoveError):
        workflow.bulk_commission(questions=[a, b], owner=drafter, actor=team)
    assert not AnswerProcess.objects.filter(question=a).exists()
    c = make_question()
    workflow.bulk_commission(questions=[a, c], owner=drafter, actor=team)
    assert set(AnswerProcess.objects.filter(owner=drafter).values_list("stage", flat=True)) == {
        Stage.COMMISSIONED
    }


# --- drafts -------------------------------------------------------------------


def test_every_version_is_kept_and_a_stale_save_is_refused(in_stage, drafter, other_drafter):
    q = in_stage(Stage.DRAFTING)
    process = AnswerProcess.objects.get(question=q)
    workflow.draft_save(process=process, author=drafter, answer_text="Second.", based_on=1)
    with pytest.raises(workflow.DraftConflict, match="Dee Drafter saved version 2"):
        workflow.draft_save(process=process, author=other_drafter, answer_text="Mine", based_on=1)
    assert list(Draft.objects.filter(process=process).values_list("answer_text", flat=True)) == [
        "Second.",
        "A draft answer.",
    ]


def test_changes_to_different_fields_are_merged(in_stage, drafter, team):
    q = in_stage(Stage.DRAFTING)
    process = AnswerProcess.objects.get(question=q)
    # The team adds a background note; the drafter, from version 1, rewrites the answer.
    workflow.draft_save(process=process, author=team, answer_text="A draft answer.",
                        background_note="Agreed with No10.", based_on=1)  # fmt: skip
    merged = workflow.draft_save(
        process=process, author=drafter, answer_text="A better answer.", based_on=1
    )
    assert (merged.number, merged.answer_text, merged.background_note) == (
        3, "A better answer.", "Agreed with No10.",
    )  # fmt: skip
    assert merged.kept_theirs == ["background note"]


def test_a_draft_cannot_change_in_clearance(in_stage, drafter):
    q = in_stage(Stage.IN_CLEARANCE)
    process = AnswerProcess.objects.get(question=q)
    with pytest.raises(MoveError, match="cannot be changed now"):
        workflow.draft_save(process=process, author=drafter, answer_text="Sneaky", based_on=1)


# --- answers arriving from elsewhere ---------------------------------------------


def stage_of(question):
    return Question.objects.annotate(stage=stage_expression()).get(pk=question.pk).stage


def test_a_question_arriving_with_an_answer_is_answered(make_question):
    q = make_question(date_answered=datetime.date(2025, 2, 14))
    assert stage_of(q) == Stage.ANSWERED
    assert stage_of(make_question()) == Stage.NEW
    holding = make_question(date_answered=datetime.date(2025, 2, 14), is_holding=True)
    assert stage_of(holding) == Stage.HOLDING
    assert workflow.process_for(q).stage == Stage.ANSWERED


def test_an_answer_recorded_later_closes_the_process(in_stage):
    q = in_stage(Stage.IN_CLEARANCE)
    services.answer_record(
        question=q, expected_version=None, date_answered=datetime.date(2025, 2, 19),
        text="<p>The official answer.</p>",
    )  # fmt: skip
    process = AnswerProcess.objects.get(question=q)
    assert process.stage == Stage.ANSWERED
    event = process.events.last()
    assert (event.move, event.from_stage) == ("answer_recorded", Stage.IN_CLEARANCE)
    assert stage_of(q) == Stage.ANSWERED


def test_a_holding_answer_recorded_moves_it_to_holding(in_stage):
    q = in_stage(Stage.DRAFTING)
    services.answer_record(
        question=q, expected_version=None, date_answered=datetime.date(2025, 2, 19),
        text="<p>Soon.</p>", is_holding=True,
    )  # fmt: skip
    assert AnswerProcess.objects.get(question=q).stage == Stage.HOLDING


def test_an_imported_answer_closes_the_process(in_stage):
    from answers.importers.api_items import parse_item
    from answers.importers.api_writer import import_questions

    q = in_stage(Stage.CLEARED)
    q = services.question_update(question=q, expected_version=q.version, parliament_id=990001)
    items = [
        parse_item(
            {
                "id": 990001, "house": "Commons", "uin": "1234", "dateTabled": "2025-02-12T00:00:00",
                "heading": q.heading, "questionText": q.text, "answeringBodyId": 60,
                "answeringBodyName": "Department for Education", "isWithdrawn": False,
                "isNamedDay": False, "dateAnswered": "2025-02-19T00:00:00",
                "answerText": "<p>The official answer.</p>", "answerIsHolding": False,
                "answeringMemberId": 4000,
            }
        )
    ]  # fmt: skip
    import_questions(items)
    process = AnswerProcess.objects.get(question=q)
    assert process.stage == Stage.ANSWERED
    assert process.events.last().move == "answer_recorded"


def test_people_are_kept_on_the_record_when_a_user_is_removed(in_stage, drafter):
    q = in_stage(Stage.DRAFTING)
    assert ProcessEvent.objects.filter(actor=drafter).exists()
    # Owners are protected: an account with work in hand is deactivated, not deleted.
    with pytest.raises(Exception):  # noqa: B017
        User.objects.filter(pk=drafter.pk).delete()
    assert AnswerProcess.objects.get(question=q).owner == drafter
