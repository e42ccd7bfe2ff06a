"""import_written_questions: files saved from the Parliament Written Questions API.

Tested on the real September 2024 sample (tests/data/samples/, copied from
../shared/samples/) and on broken copies of it made in tmp_path.
"""

import copy
import datetime
import gc
import io
import json
import os
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from answers.importers.api_items import ApiDataError, answer_html, parse_document
from answers.importers.api_writer import import_questions
from answers.models import Answer, Department, Member, Minister, Question

DATA = Path(__file__).parent / "data" / "samples"
SAMPLE = DATA / "commons-2024-09-list.json"
DETAIL = DATA / "question-1679416-detail.json"
ROOT = Path(__file__).resolve().parent.parent


@cache
def _sample_text():
    return SAMPLE.read_text(encoding="utf-8")


def sample_items():
    """A fresh copy of the sample's 2,185 items, safe to change."""
    return json.loads(_sample_text())


def sample_item(parliament_id):
    for item in sample_items():
        if item["value"]["id"] == parliament_id:
            return item
    raise LookupError(parliament_id)


def write(tmp_path, name, data):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run(*args, stdout=None):
    out = stdout or io.StringIO()
    err = io.StringIO()
    call_command("import_written_questions", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def nothing_written():
    return not (
        Question.objects.exists()
        or Answer.objects.exists()
        or Department.objects.exists()
        or Member.objects.exists()
        or Minister.objects.exists()
    )


# --- the whole sample --------------------------------------------------------


@pytest.mark.django_db
def test_whole_sample_imports_every_item_and_department_and_reimport_changes_nothing():
    items = [item["value"] for item in sample_items()]
    out, _ = run(SAMPLE)
    assert "Imported 1 file: 2185 created, 0 updated, 0 unchanged." in out

    assert set(Question.objects.values_list("parliament_id", flat=True)) == {v["id"] for v in items}
    assert Question.objects.count() == 2185
    assert Answer.objects.count() == 2185
    assert set(Department.objects.values_list("parliament_id", "name")) == {
        (v["answeringBodyId"], v["answeringBodyName"]) for v in items
    }
    # Every question is in the department its item names.
    assert {
        (pid, dept)
        for pid, dept in Question.objects.values_list("parliament_id", "department__parliament_id")
    } == {(v["id"], v["answeringBodyId"]) for v in items}
    assert Member.objects.count() == len(
        {v["askingMemberId"] for v in items} | {v["answeringMemberId"] for v in items}
    )
    assert Minister.objects.count() == len({v["answeringMemberId"] for v in items})
    # The list endpoint cut 493 question texts at 255 characters and 1,788
    # answers (1,783 ending "...", 5 stopping at 255 on a space).
    assert Question.objects.filter(text_is_truncated=True).count() == 493
    assert Answer.objects.filter(text_is_truncated=True).count() == 1788
    assert Answer.objects.filter(is_correction=True).count() == 4
    assert Answer.objects.exclude(date_holding_answer=None).count() == 52
    assert Question.objects.filter(is_named_day=True).count() == 528
    assert not Question.objects.filter(due_date=None).exists()
    assert Question.history.count() == 2185
    assert Answer.history.count() == 2185

    trio = Question.objects.get(uin="5348", date_tabled=datetime.date(2024, 9, 11))
    assert sorted(trio.grouped_questions.values_list("uin", flat=True)) == ["5346", "5347"]
    # 736 references, 11 to questions tabled before the sample, plus one
    # that only one side of the pair lists.
    assert Question.grouped_questions.through.objects.count() == 736 - 11 + 1

    stamps = dict(Question.objects.values_list("pk", "updated_at"))
    out, _ = run(SAMPLE)
    assert "Imported 1 file: 0 created, 0 updated, 2185 unchanged." in out
    assert Question.objects.count() == 2185
    assert dict(Question.objects.values_list("pk", "updated_at")) == stamps
    assert set(Question.objects.values_list("version", flat=True)) == {1}
    assert set(Answer.objects.values_list("version", flat=True)) == {1}
    assert Question.history.count() == 2185
    assert Answer.history.count() == 2185


@pytest.mark.django_db
def test_sample_values_are_stored_as_the_api_gives_them(tmp_path):
    value = sample_item(1728700)["value"]
    run(write(tmp_path, "one.json", [sample_item(1728700)]))
    question = Question.objects.get(parliament_id=1728700)
    assert question.uin == "5242"
    assert question.house == "Commons"
    assert question.heading == "Trade Agreements"
    assert question.text == value["questionText"]
    assert question.date_tabled == datetime.date(2024, 9, 10)
    assert question.date_for_answer == datetime.date(2024, 10, 7)
    assert question.is_named_day
    # A named-day question is due on the day named.
    assert question.due_date == datetime.date(2024, 10, 7)
    assert question.department.name == "Department for Business and Trade"
    assert question.asking_member.parliament_id == 5210
    answer = question.answer
    assert answer.date_answered == datetime.date(2024, 12, 19)
    assert answer.question_date_tabled == question.date_tabled
    assert answer.minister.member.parliament_id == 632
    assert answer.minister.department == question.department
    assert answer.text.startswith("<p>It is not Government policy")
    assert answer.text_is_truncated


@pytest.mark.django_db
def test_ordinary_question_is_due_five_working_days_after_tabling(tmp_path):
    item = sample_item(1728700)
    item["value"]["isNamedDay"] = False
    run(write(tmp_path, "one.json", [item]))
    # Tabled Tuesday 10 September 2024: five working days on is Tuesday 17th.
    assert Question.objects.get().due_date == datetime.date(2024, 9, 17)


# --- the three shapes --------------------------------------------------------


@pytest.mark.django_db
def test_list_envelope_and_single_item_shapes_are_read(tmp_path):
    items = sample_items()[:3]
    envelope = write(tmp_path, "page.json", {"totalResults": 3, "results": items})
    out, _ = run(envelope, DETAIL)
    assert "Imported 2 files: 4 created" in out
    detail = Question.objects.get(parliament_id=1679416)
    # The detail endpoint's texts are whole, and its answer is HTML.
    assert not detail.text_is_truncated
    assert not detail.answer.text_is_truncated
    assert detail.answer.text.startswith("<p>The department is supporting sectors")
    assert "<p> </p>" not in detail.answer.text


def test_document_shapes_parse_without_a_database():
    items = sample_items()[:2]
    assert [q.parliament_id for q in parse_document(items)] == [1728700, 1728699]
    envelope = {"totalResults": 2, "results": items}
    assert [q.parliament_id for q in parse_document(envelope)] == [1728700, 1728699]
    (single,) = parse_document({"value": items[0]["value"], "links": []})
    assert single.parliament_id == 1728700
    assert not single.text_is_truncated
    with pytest.raises(ApiDataError, match="expected a JSON array of items"):
        parse_document({"something": "else"})


# --- answers: HTML, holding, corrections ----------------------------------------


@pytest.mark.django_db
def test_answer_html_is_sanitised(tmp_path):
    detail = json.loads(DETAIL.read_text())
    detail["value"]["answerText"] = (
        '<p onclick="steal()">Safe <strong>bold</strong></p><script>alert(1)</script>'
        '<p><a href="https://www.gov.uk/x" target="_blank">link</a></p>'
        '<img src="x" onerror="alert(1)">'
    )
    run(write(tmp_path, "detail.json", detail))
    text = Answer.objects.get().text
    assert "<script" not in text and "onclick" not in text and "onerror" not in text
    assert "<img" not in text and "target=" not in text
    assert "<strong>bold</strong>" in text
    assert 'href="https://www.gov.uk/x"' in text


def test_list_answer_text_keeps_entities_as_html():
    assert answer_html("R&amp;D tax reliefs") == "<p>R&amp;D tax reliefs</p>"
    assert answer_html("<p>A</p><p>\u00a0</p><p>B</p>") == "<p>A</p><p>B</p>"


def _answered(item, **changes):
    item = copy.deepcopy(item)
    item["value"].update(changes)
    return item


@pytest.mark.django_db
def test_holding_answer_becomes_substantive(tmp_path):
    base = sample_item(1728700)
    holding = _answered(
        base,
        answerIsHolding=True,
        dateAnswered="2024-10-07T00:00:00",
        dateHoldingAnswer="2024-10-07T00:00:00",
        answerText="I will reply to the hon. Member as soon as possible.",
    )
    run(write(tmp_path, "holding.json", [holding]))
    question = Question.objects.get()
    assert question.status == "holding"
    assert question.answer.is_holding

    substantive = _answered(
        base,
        answerIsHolding=False,
        dateAnswered="2024-12-19T00:00:00",
        # The API does not always repeat when the holding answer was given.
        dateHoldingAnswer=None,
        answerText="It is not Government policy to make commitments on youth mobility.",
    )
    out, _ = run(write(tmp_path, "substantive.json", [substantive]))
    assert "0 created, 1 updated, 0 unchanged" in out
    question = Question.objects.get()
    answer = question.answer
    assert question.status == "answered"
    assert not answer.is_holding
    assert answer.date_answered == datetime.date(2024, 12, 19)
    assert answer.date_holding_answer == datetime.date(2024, 10, 7)
    assert (
        answer.text == "<p>It is not Government policy to make commitments on youth mobility.</p>"
    )
    # A staff edit opened before the import is now stale.
    assert answer.version == 2
    assert [h.is_holding for h in answer.history.order_by("history_date", "history_id")] == [
        True,
        False,
    ]


@pytest.mark.django_db
def test_correction_keeps_the_original_text_and_date(tmp_path):
    base = _answered(
        sample_item(1728700),
        answerText="The first answer.",
        dateAnswered="2024-09-17T00:00:00",
    )
    run(write(tmp_path, "first.json", [base]))

    corrected = _answered(
        base,
        answerText="The corrected answer.",
        answerIsCorrection=True,
        dateAnswerCorrected="2024-10-01T00:00:00",
        correctingMemberId=632,
    )
    path = write(tmp_path, "corrected.json", [corrected])
    out, _ = run(path)
    assert "1 updated" in out
    answer = Answer.objects.get()
    assert answer.is_correction
    assert answer.text == "<p>The corrected answer.</p>"
    assert answer.date_corrected == datetime.date(2024, 10, 1)
    assert answer.original_text == "<p>The first answer.</p>"
    assert answer.original_date_answered == datetime.date(2024, 9, 17)
    assert answer.date_answered == datetime.date(2024, 9, 17)

    # The same correction again: nothing changes, the original is still kept.
    out, _ = run(path)
    assert "0 created, 0 updated, 1 unchanged" in out
    assert Answer.objects.get().original_text == "<p>The first answer.</p>"


@pytest.mark.django_db
def test_correction_seen_first_takes_the_original_from_the_detail_endpoint(tmp_path):
    detail = json.loads(DETAIL.read_text())
    detail["value"].update(
        answerIsCorrection=True,
        dateAnswerCorrected="2024-02-01T00:00:00",
        answerText="<p>Corrected.</p>",
        originalAnswerText="<p>As first given.</p>",
    )
    run(write(tmp_path, "detail.json", detail))
    answer = Answer.objects.get()
    assert answer.original_text == "<p>As first given.</p>"
    assert answer.original_date_answered == datetime.date(2024, 1, 10)
    assert answer.date_corrected == datetime.date(2024, 2, 1)


# --- truncated texts ---------------------------------------------------------


@pytest.mark.django_db
def test_completed_texts_survive_a_later_list_import(tmp_path):
    listed = sample_item(1728700)  # question 222 chars, answer cut at 255 + "..."
    listed["value"]["questionText"] = ("To ask the Secretary of State " + "x" * 300)[:255]
    list_file = write(tmp_path, "list.json", [listed])
    run(list_file)
    question = Question.objects.get()
    assert question.text_is_truncated
    assert question.answer.text_is_truncated

    whole = copy.deepcopy(listed["value"])
    whole["questionText"] = "To ask the Secretary of State " + "x" * 300 + ", and why."
    whole["answerText"] = (
        "<p>" + listed["value"]["answerText"][:-3] + " with the rest of it.</p><p>More.</p>"
    )
    run(write(tmp_path, "detail.json", {"value": whole, "links": []}))
    question = Question.objects.get()
    assert not question.text_is_truncated
    assert question.text.endswith(", and why.")
    assert not question.answer.text_is_truncated
    assert question.answer.text.endswith("<p>More.</p>")

    # The list's cut texts are the start of what we hold: nothing changes.
    out, _ = run(list_file)
    assert "0 created, 0 updated, 1 unchanged" in out
    question = Question.objects.get()
    assert question.text.endswith(", and why.")
    assert question.answer.text.endswith("<p>More.</p>")


# --- members, departments and matching ----------------------------------------


@pytest.mark.django_db
def test_members_get_names_parties_and_constituencies_when_items_carry_them(tmp_path):
    item = sample_item(1728700)
    run(write(tmp_path, "bare.json", [item]))
    asker = Member.objects.get(parliament_id=5210)
    # Known only by id for now: no made-up name.
    assert asker.name == ""
    assert asker.display_name == "Member of Parliament (id 5210)"

    named = copy.deepcopy(item)
    named["value"]["askingMember"] = {
        "id": 5210,
        "name": "Jo Example",
        "party": "Labour",
        "memberFrom": "Somewhere East",
    }
    named["value"]["answeringMember"] = {
        "id": 632,
        "name": "A Minister",
        "party": "Labour",
        "memberFrom": "Elsewhere",
    }
    run(write(tmp_path, "named.json", [named]))
    asker.refresh_from_db()
    assert (asker.name, asker.party, asker.constituency) == (
        "Jo Example",
        "Labour",
        "Somewhere East",
    )
    assert Member.objects.get(parliament_id=632).name == "A Minister"

    # An item without the names later does not forget them.
    run(write(tmp_path, "bare-again.json", [item]))
    asker.refresh_from_db()
    assert asker.name == "Jo Example"
    assert Member.objects.count() == 2


@pytest.mark.django_db
def test_question_logged_from_page_text_is_matched_not_duplicated(tmp_path, make_question):
    logged = make_question(
        heading="Trade Agreements", uin="5242", date_tabled=datetime.date(2024, 9, 10)
    )
    out, _ = run(write(tmp_path, "one.json", [sample_item(1728700)]))
    assert "0 created, 1 updated" in out
    logged.refresh_from_db()
    assert Question.objects.count() == 1
    assert logged.parliament_id == 1728700
    assert logged.department.parliament_id == 214


@pytest.mark.django_db
def test_department_known_by_name_learns_its_parliament_id(tmp_path):
    Department.objects.create(name="Department for Business and Trade", slug="dbt")
    run(write(tmp_path, "one.json", [sample_item(1728700)]))
    assert Department.objects.get().parliament_id == 214


# --- grouped questions -------------------------------------------------------


def _group_uins(question):
    return sorted(question.grouped_questions.values_list("uin", flat=True))


@pytest.mark.django_db
def test_grouped_questions_link_as_they_arrive(tmp_path):
    by_uin = {item["value"]["uin"]: item for item in sample_items()}
    # 5348 alone: the other two are not here yet, so nothing to link.
    run(write(tmp_path, "a.json", [by_uin["5348"]]))
    assert _group_uins(Question.objects.get(uin="5348")) == []

    # 5346 arrives later and lists 5347 and 5348: the link to 5348 is made.
    run(write(tmp_path, "b.json", [by_uin["5346"]]))
    assert _group_uins(Question.objects.get(uin="5348")) == ["5346"]

    out, _ = run(write(tmp_path, "c.json", [by_uin["5347"]]))
    assert "1 created" in out
    for uin in ("5346", "5347", "5348"):
        others = sorted({"5346", "5347", "5348"} - {uin})
        assert _group_uins(Question.objects.get(uin=uin)) == others


@pytest.mark.django_db
def test_group_link_to_a_question_tabled_before_the_file(tmp_path):
    run(SAMPLE)
    later = Question.objects.get(parliament_id=1728517)  # lists UIN 2976 of 30 August
    assert _group_uins(later) == []
    earlier = copy.deepcopy(sample_item(1728517))
    earlier["value"].update(
        id=1720001,
        uin="2976",
        dateTabled="2024-08-30T00:00:00",
        dateForAnswer="2024-09-04T00:00:00",
        groupedQuestions=["5015"],
        groupedQuestionsDates=[{"questionUin": "5015", "dateTabled": "2024-09-10T00:00:00"}],
    )
    run(write(tmp_path, "august.json", [earlier]))
    assert _group_uins(later) == ["2976"]


@pytest.mark.django_db
def test_group_listed_by_one_side_only_links_both(tmp_path):
    run(write(tmp_path, "pair.json", [sample_item(1728076), sample_item(1728077)]))
    assert _group_uins(Question.objects.get(parliament_id=1728076)) == ["4734"]
    assert _group_uins(Question.objects.get(parliament_id=1728077)) == ["4733"]


# --- broken copies: refused, nothing written -----------------------------------


@pytest.mark.django_db
def test_truncated_file_is_refused_and_nothing_written(tmp_path):
    broken = tmp_path / "cut.json"
    broken.write_bytes(SAMPLE.read_bytes()[:1_500_000])
    with pytest.raises(CommandError) as raised:
        run(broken)
    message = str(raised.value)
    assert "cut.json" in message
    assert "not valid JSON" in message
    assert nothing_written()


@pytest.mark.django_db
def test_bad_date_in_item_25_is_refused_naming_file_item_id_and_field(tmp_path):
    items = sample_items()
    items[25]["value"]["dateTabled"] = "2024-09-31T00:00:00"
    path = write(tmp_path, "bad-date.json", items)
    with pytest.raises(CommandError) as raised:
        run(path)
    message = str(raised.value)
    assert "bad-date.json" in message
    assert "index 25" in message
    assert f"Parliament id {items[25]['value']['id']}" in message
    assert "'dateTabled'" in message
    assert "is not a date" in message
    assert nothing_written()


@pytest.mark.django_db
def test_missing_id_is_refused(tmp_path):
    items = sample_items()[:40]
    del items[7]["value"]["id"]
    with pytest.raises(CommandError) as raised:
        run(write(tmp_path, "no-id.json", items))
    message = str(raised.value)
    assert "no-id.json" in message
    assert "index 7 (no Parliament id)" in message
    assert "'id'" in message and "missing" in message
    assert nothing_written()


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("isNamedDay", "yes", "expected true or false"),
        ("answeringBodyId", "214", "expected a whole number"),
        ("uin", 5242.5, "expected a string"),
        ("house", "Senate", "expected Commons or Lords"),
        ("dateAnswered", "2024-09-01T00:00:00", "before the date tabled"),
        ("groupedQuestions", "5241", "expected a list"),
    ],
)
@pytest.mark.django_db
def test_wrong_types_are_refused(tmp_path, field, value, says):
    items = sample_items()[:5]
    items[3]["value"][field] = value
    with pytest.raises(CommandError) as raised:
        run(write(tmp_path, "typed.json", items))
    message = str(raised.value)
    assert f"index 3 (Parliament id {items[3]['value']['id']})" in message
    assert f"'{field}'" in message
    assert says in message
    assert nothing_written()


@pytest.mark.django_db
def test_each_file_is_its_own_transaction(tmp_path):
    good = write(tmp_path, "good.json", sample_items()[:3])
    items = sample_items()[3:6]
    items[2]["value"]["dateTabled"] = "soon"
    bad = write(tmp_path, "bad.json", items)
    out = io.StringIO()
    with pytest.raises(CommandError) as raised:
        run(good, bad, stdout=out)
    assert "1 file refused" in str(raised.value)
    assert "bad.json" in str(raised.value)
    assert "Imported 1 file: 3 created" in out.getvalue()
    assert set(Question.objects.values_list("parliament_id", flat=True)) == {
        item["value"]["id"] for item in sample_items()[:3]
    }


@pytest.mark.django_db
def test_a_failure_while_writing_leaves_nothing_behind(tmp_path, monkeypatch):
    from answers.importers import api_writer

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(api_writer, "_link_groups", explode)
    items = parse_document(sample_items()[:50])
    with pytest.raises(RuntimeError):
        import_questions(items)
    assert nothing_written()
    # The cycle collector, paused while the import ran, runs again.
    assert gc.isenabled()


@pytest.mark.django_db
def test_files_and_a_refused_one_leave_the_cycle_collector_running(tmp_path):
    good = write(tmp_path, "good.json", sample_items()[:3])
    bad = write(tmp_path, "bad.json", "[")
    with pytest.raises(CommandError):
        run(good, bad, stdout=io.StringIO())
    assert gc.isenabled()
    gc.disable()
    try:
        # Left off by whoever turned it off.
        run(good, stdout=io.StringIO())
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_bad_input_exits_non_zero_without_a_traceback(tmp_path):
    """Run as staff do: manage.py in a shell. The file is refused before any database work."""
    broken = tmp_path / "broken.json"
    broken.write_text('[{"value": {"id": 1, "house": "Commons"', encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_written_questions", str(broken)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "broken.json" in result.stderr
    assert "Traceback" not in result.stderr


# --- output --------------------------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self):
        return True


@pytest.mark.django_db
def test_progress_bar_only_on_a_terminal(tmp_path):
    path = write(tmp_path, "few.json", sample_items()[:3])
    plain, _ = run(path)
    assert "\r" not in plain
    terminal = _Terminal()
    run(path, stdout=terminal)
    assert "\r" in terminal.getvalue()
    assert "3/3" in terminal.getvalue()


# --- history -------------------------------------------------------------------


def _history_rows(model):
    history = model.history.model
    columns = [f.attname for f in history._meta.concrete_fields if f.attname != "history_id"]
    return sorted(history.objects.values_list(*columns), key=repr)


@pytest.mark.django_db
def test_history_rows_are_those_simple_history_would_write(tmp_path, monkeypatch):
    """The INSERT … SELECT history copy matches simple_history's own bulk writer."""
    from answers.importers import history

    first = parse_document(sample_items()[:30])
    changed = copy.deepcopy(sample_items()[:30])
    for item in changed[:10]:
        item["value"]["heading"] += " (amended)"
        item["value"]["answerText"] = "A different answer."
    then = parse_document(changed)
    moment = datetime.datetime(2025, 1, 2, 3, 4, 5, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)

    import_questions(first)
    import_questions(then)
    ours = {model: _history_rows(model) for model in (Question, Answer)}
    assert (len(ours[Question]), len(ours[Answer])) == (40, 40)
    assert Question.history.filter(history_type="~").count() == 10
    assert Answer.history.filter(history_type="~").count() == 10
    assert (
        Question.history.filter(
            history_change_reason="Imported from the Parliament Written Questions API"
        ).count()
        == 40
    )

    # Start again (members and departments stay, so their ids match).
    Question.objects.all().delete()
    Question.history.all().delete()
    Answer.history.all().delete()
    monkeypatch.setattr(history, "_copyable_columns", lambda model: None)
    import_questions(first)
    import_questions(then)

    def without_ids(rows, model):
        # Primary keys differ between the two runs; everything else must not.
        history_model = model.history.model
        columns = [
            f.attname for f in history_model._meta.concrete_fields if f.attname != "history_id"
        ]
        keep = [i for i, c in enumerate(columns) if c not in {"id", "question_id"}]
        return sorted((tuple(row[i] for i in keep) for row in rows), key=repr)

    for model in (Question, Answer):
        assert without_ids(_history_rows(model), model) == without_ids(ours[model], model)


# --- cost ------------------------------------------------------------------------


def _queries_to_reimport(items):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    import_questions(items)
    with CaptureQueriesContext(connection) as queries:
        summary = import_questions(items)
    assert summary.unchanged == len(items)
    return [q["sql"].split(" ", 1)[0] for q in queries.captured_queries]


@pytest.mark.django_db
def test_reimport_costs_the_same_queries_for_40_questions_or_400():
    few = _queries_to_reimport(parse_document(sample_items()[:40]))
    many = _queries_to_reimport(parse_document(sample_items()[:400]))
    assert few == many
    assert many == [
        "SAVEPOINT",  # the import's transaction, inside the test's
        "SELECT",  # departments by answering-body id
        "SELECT",  # members by member id
        "SELECT",  # ministers of the answering members
        "SELECT",  # questions by Parliament id, locked, with their answers
        "SELECT",  # grouped-question links already held
        "RELEASE",  # nothing written
    ]


@pytest.mark.django_db
def test_withdrawn_question_is_marked_withdrawn(tmp_path):
    item = sample_item(1728700)
    item["value"].update(isWithdrawn=True, dateAnswered=None, answerText=None)
    run(write(tmp_path, "withdrawn.json", [item]))
    question = Question.objects.get()
    assert question.is_withdrawn
    assert question.status == "withdrawn"
    assert question.get_answer() is None
