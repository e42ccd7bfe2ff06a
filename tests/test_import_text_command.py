"""import_text: questions from the saved text of web pages.

Run on the real page texts in tests/data/pq-texts (copies of ../shared/pq-texts)
and on broken text made in tmp_path.
"""

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from answers.models import Answer, Department, Member, Question

DATA = Path(__file__).parent / "data" / "pq-texts"
TEXTS = sorted(DATA.glob("*.txt"))
ROOT = Path(__file__).resolve().parent.parent
JSON_KEYS = {
    "heading",
    "date_tabled",
    "asking_member",
    "asking_member_party",
    "constituency",
    "house",
    "department",
    "question_text",
    "answered_by",
    "minister_role",
    "date_answered",
    "answer_text",
    "uin",
}
NOT_A_QUESTION = "Weekly team meeting\n\nAgenda: budgets, rotas and the office move.\n"


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_text", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def ground_truth(path):
    truth = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    truth.pop("source_url")
    # None of the pages shows a UIN.
    truth.setdefault("uin", None)
    return truth


def nothing_written():
    return not (Question.objects.exists() or Member.objects.exists() or Department.objects.exists())


@pytest.mark.django_db
def test_dry_run_json_prints_each_record_with_exactly_the_page_fields():
    assert len(TEXTS) == 11
    out, err = run("--dry-run", "--json", *TEXTS)
    records = json.loads(out)  # stdout is nothing but the JSON
    assert len(records) == len(TEXTS)
    for path, record in zip(TEXTS, records, strict=True):
        assert set(record) == JSON_KEYS, path.name
        assert record == ground_truth(path), path.name
    assert "nothing written" in err
    assert nothing_written()


@pytest.mark.django_db
def test_json_dates_are_iso_paragraphs_blank_line_separated_and_unknowns_null():
    out, _ = run("--dry-run", "--json", DATA / "001.txt")
    (record,) = json.loads(out)
    assert record["date_tabled"] == "2024-07-24"
    assert record["date_answered"] == "2024-07-29"
    assert record["answer_text"].count("\n\n") == 1
    assert record["asking_member"] is None
    assert record["uin"] is None


@pytest.mark.django_db
def test_dry_run_without_json_lists_what_would_be_imported():
    out, _ = run("--dry-run", DATA / "001.txt", DATA / "033.txt")
    assert "Dry run: 2 questions parsed from 2 files; nothing written." in out
    assert "Commons: Primary Education: Free School Meals, answered 2024-07-29" in out
    assert nothing_written()


@pytest.mark.django_db
def test_import_creates_the_question_and_answer():
    out, _ = run(DATA / "033.txt", "--source-url", "https://www.parliament.uk/q/033")
    assert "Imported 1 question: 1 created, 0 updated, 0 unchanged." in out
    question = Question.objects.get()
    assert question.heading == "Health Professions: Coronavirus"
    assert question.department.name == "Department of Health and Social Care"
    assert question.asking_member.name == "Ben Lake"
    assert question.asking_member.constituency == "Ceredigion"
    assert question.source_url == "https://www.parliament.uk/q/033"
    assert question.due_date is not None
    answer = question.answer
    assert answer.minister.member.name == "Ms Nadine Dorries"
    assert answer.text.startswith("<p>The classification of COVID-19")
    assert answer.text.count("<p>") == 2


@pytest.mark.django_db
def test_the_same_question_pasted_twice_is_one_question_updated(tmp_path):
    run(DATA / "001.txt")
    out, _ = run(DATA / "001.txt")
    assert "0 created, 0 updated, 1 unchanged" in out

    changed = tmp_path / "001-corrected.txt"
    changed.write_text(
        (DATA / "001.txt")
        .read_text(encoding="utf-8")
        .replace("ready to learn.", "ready to learn, from April."),
        encoding="utf-8",
    )
    out, _ = run(changed)
    assert "0 created, 1 updated, 0 unchanged" in out
    assert Question.objects.count() == 1
    assert Answer.objects.get().text.endswith("ready to learn, from April.</p>")


@pytest.mark.django_db
def test_all_the_sample_pages_import_and_reimport_unchanged():
    out, _ = run(*TEXTS)
    assert "Imported 11 questions: 11 created" in out
    out, _ = run(*TEXTS)
    assert "0 created, 0 updated, 11 unchanged" in out
    assert Question.objects.count() == 11


@pytest.mark.django_db
def test_text_that_is_not_a_question_is_refused_saying_what_and_where(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(NOT_A_QUESTION, encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        run(notes)
    message = str(raised.value)
    assert "notes.txt: line " in message
    assert "expected" in message
    assert "nothing was written" in message
    assert nothing_written()


@pytest.mark.django_db
def test_one_bad_file_among_several_writes_nothing(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text(NOT_A_QUESTION, encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        run(DATA / "001.txt", notes, DATA / "033.txt")
    assert "notes.txt" in str(raised.value)
    assert "001.txt" not in str(raised.value)
    assert nothing_written()


@pytest.mark.django_db
def test_empty_file_is_refused(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(CommandError, match="empty.txt"):
        run(empty)
    assert nothing_written()


@pytest.mark.django_db
def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        run(tmp_path / "nope.txt")


@pytest.mark.django_db
def test_json_with_import_keeps_stdout_pure_json():
    out, err = run("--json", DATA / "001.txt")
    assert [r["heading"] for r in json.loads(out)] == ["Primary Education: Free School Meals"]
    assert "Imported 1 question: 1 created" in err
    assert Question.objects.count() == 1


@pytest.mark.django_db
def test_text_can_come_from_standard_input(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO((DATA / "001.txt").read_text(encoding="utf-8")))
    out, _ = run("-")
    assert "1 created" in out
    assert Question.objects.get().heading == "Primary Education: Free School Meals"


@pytest.mark.django_db
def test_user_is_recorded_as_who_logged_it(staff_user):
    run("--user", staff_user.username, DATA / "001.txt")
    assert Question.objects.get().logged_by == staff_user
    with pytest.raises(CommandError, match="no user called 'nobody'"):
        run("--user", "nobody", DATA / "001.txt")


def test_bad_text_exits_non_zero_without_a_traceback(tmp_path):
    """Run as staff do; the text is refused before any database work."""
    notes = tmp_path / "notes.txt"
    notes.write_text(NOT_A_QUESTION, encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "import_text", "--dry-run", "--json", str(notes)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "notes.txt: line" in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
