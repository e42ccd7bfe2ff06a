"""Build a large, realistic corpus of questions for benchmarks.

    manage.py generate_questions --count 1000000 [--seed 1] [--source FILE]

The questions are made from a real month of the Parliament API's list
(``tests/data/samples/commons-2024-09-list.json`` unless ``--source`` names
another): real headings, question texts, answers, departments, members and
ministers. Each generated question takes the heading and text of one sample
question, and two in five also take the substance of a second question to the
same department ("…; and what steps …"), so words vary from question to
question. Tabling dates are spread evenly over 2014 to the present, oldest
first in id order as an importer would add them; UINs count up within each
year. Recent questions are awaiting an answer; older ones are answered (about
2% holding, 1% corrected), 2% are withdrawn, 5% are grouped in pairs, and
0.5% have a follow-up action. A list of rare real words (places) is planted
once each, so a benchmark can search for a word found in one question.

On PostgreSQL the rows are loaded with ``COPY``, triggers and secondary
indexes off except the search-vector trigger, and the indexes are built
afterwards; elsewhere with ``bulk_create`` in large batches (the FTS5
triggers fill the search table). History rows are not written (the corpus is not an audit
trail). The command refuses to run on a database that already holds
questions unless ``--append`` is given.
"""

import datetime
import json
import random
import re
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from answers import summary
from answers.deadlines import due_date_for
from answers.importers.api_writer import PLACEHOLDER_NAME
from answers.models import (
    Answer,
    Department,
    FollowUpAction,
    Member,
    Minister,
    Question,
)
from answers.text import paragraphs_to_html

DEFAULT_SOURCE = (
    Path(settings.BASE_DIR) / "tests" / "data" / "samples" / "commons-2024-09-list.json"
)
FIRST_DAY = datetime.date(2014, 1, 6)

# Real places, each planted in exactly one question: a search for one of them
# finds one question however large the corpus.
RARE_WORDS = [
    "Auchtermuchty", "Llanfairfechan", "Ecclefechan", "Tobermory", "Portmeirion",
    "Mousehole", "Wetwang", "Ulverston", "Cromarty", "Kirkcudbright", "Lostwithiel",
    "Machynlleth", "Tewkesbury", "Lyndhurst", "Brampton", "Penzance", "Fraserburgh",
    "Hexham", "Dolgellau", "Stornoway",
]  # fmt: skip

_OPENING = re.compile(
    r"^\s*to\s+ask\s+(the\s+[^,]*?,|(his|her)\s+majesty['’]?s\s+government,?)\s*", re.I
)

ACTIONS = [
    ("Write to the member with the figures promised", "Private office"),
    ("Publish the data set the answer refers to", "Analytical services"),
    ("Check the answer against the published statistics", "Statistics team"),
    ("Arrange the meeting the minister offered", "Ministerial office"),
    ("Place a copy of the letter in the Library", "Parliamentary branch"),
]


def _sample(path):
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc
    items = data["results"] if isinstance(data, dict) else data
    return [item.get("value", item) for item in items]


def _date(value):
    return datetime.date.fromisoformat(value[:10]) if value else None


class Command(BaseCommand):
    help = "Generate N realistic questions (with answers) from the real sample month."

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--source", default=str(DEFAULT_SOURCE))
        parser.add_argument(
            "--append", action="store_true", help="Add to a database that has questions."
        )

    def handle(self, *args, count, seed, source, append, **options):
        if count < 1:
            raise CommandError("--count must be at least 1.")
        if not append and Question.objects.exists():
            raise CommandError(
                "The database already holds questions; use --append to add more anyway."
            )
        items = [i for i in _sample(source) if i.get("questionText") and i.get("heading")]
        if not items:
            raise CommandError(f"{source} holds no questions.")
        started = timezone.now()
        with transaction.atomic():
            departments, members, ministers = self._people(items)
            # Read once: a replayed plan must give the same ids.
            self.next_ids = (
                (Question.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1,
                (
                    Question.objects.order_by("-parliament_id")
                    .values_list("parliament_id", flat=True)
                    .first()
                    or 10_000_000
                )
                + 1,
            )

            def make_plan():
                return self._plan(
                    random.Random(seed),  # noqa: S311 - a reproducible corpus
                    items,
                    count,
                    departments,
                    members,
                    ministers,
                )

            if connection.vendor == "postgresql":
                self._copy(make_plan)
            else:
                self._bulk(make_plan())
            # Bulk writes send no signals: the departments pages' figures
            # are recomputed from what is now held.
            summary.rebuild()
        seconds = (timezone.now() - started).total_seconds()
        self.stdout.write(
            f"Generated {count:,} questions in {seconds:.0f} s "
            f"({count / max(seconds, 0.001):,.0f} a second)."
        )

    # --- reference data: the sample's departments, members and ministers ------

    def _people(self, items):
        departments = {}
        for item in items:
            pid, name = item.get("answeringBodyId"), item.get("answeringBodyName")
            if pid and name and pid not in departments:
                dept, _ = Department.objects.get_or_create(
                    parliament_id=pid, defaults={"name": name}
                )
                departments[pid] = dept.pk
        members = {}
        ids = {i["askingMemberId"] for i in items if i.get("askingMemberId")}
        ids |= {i["answeringMemberId"] for i in items if i.get("answeringMemberId")}
        existing = dict(
            Member.objects.filter(parliament_id__in=ids).values_list("parliament_id", "pk")
        )
        Member.objects.bulk_create(
            [
                Member(parliament_id=pid, name=PLACEHOLDER_NAME)
                for pid in sorted(ids - set(existing))
            ]
        )
        members = dict(
            Member.objects.filter(parliament_id__in=ids).values_list("parliament_id", "pk")
        )
        ministers = {}
        for item in items:
            mid, dept = item.get("answeringMemberId"), item.get("answeringBodyId")
            if mid and (mid, dept) not in ministers:
                title = f"Minister ({item.get('answeringBodyName') or 'answering body'})"
                minister, _ = Minister.objects.get_or_create(
                    member_id=members[mid],
                    title=title[:500],
                    defaults={"department_id": departments.get(dept)},
                )
                ministers[(mid, dept)] = minister.pk
        return departments, members, ministers

    # --- the rows ---------------------------------------------------------------

    def _plan(self, rng, items, count, departments, members, ministers):
        """Yield (question, answer or None, grouped-with offset, action or None) tuples."""
        by_department = {}
        answered = {}
        for item in items:
            by_department.setdefault(item.get("answeringBodyId"), []).append(item)
            if item.get("answerText"):
                answered.setdefault(item.get("answeringBodyId"), []).append(item)
        today = timezone.localdate()
        span = (today - FIRST_DAY).days
        days = sorted(rng.randrange(span + 1) for _ in range(count))
        rare = {rng.randrange(count): word for word in RARE_WORDS[: max(1, min(20, count // 50))]}
        next_id, next_pid = self.next_ids
        uin_year, uin = None, 0
        due_cache = {}
        now = timezone.now()
        for index, day in enumerate(days):
            tabled = FIRST_DAY + datetime.timedelta(days=day)
            if tabled.year != uin_year:
                uin_year, uin = tabled.year, 0
            uin += 1
            item = rng.choice(items)
            dept = item.get("answeringBodyId")
            text = item["questionText"]
            if rng.random() < 0.4:
                other = rng.choice(by_department[dept])
                core = _OPENING.sub("", other["questionText"], count=1).strip().rstrip(".")
                if core and other is not item:
                    text = f"{text.rstrip().rstrip('.')}; and {core}."
            if index in rare:
                text = f"{text.rstrip().rstrip('.')}, including in {rare[index]}."
            house = item.get("house") or "Commons"
            named = bool(item.get("isNamedDay"))
            for_answer = (
                tabled + datetime.timedelta(days=rng.choice((5, 7, 10, 14))) if named else None
            )
            key = (house, tabled, named, for_answer)
            if key not in due_cache:
                due_cache[key] = due_date_for(
                    house=house, date_tabled=tabled, is_named_day=named, date_for_answer=for_answer
                )
            withdrawn = rng.random() < 0.02
            question = {
                "id": next_id + index,
                "house": house,
                "uin": str(uin) if house == "Commons" else f"HL{uin}",
                "parliament_id": next_pid + index,
                "date_tabled": tabled,
                "date_for_answer": for_answer,
                "is_named_day": named,
                "heading": item["heading"][:500],
                "text": text,
                "text_is_truncated": False,
                "asking_member_id": members.get(item.get("askingMemberId")),
                "department_id": departments.get(dept),
                "is_withdrawn": withdrawn,
                "date_withdrawn": tabled + datetime.timedelta(days=2) if withdrawn else None,
                "due_date": due_cache[key],
                "source_url": "",
                "logged_by_id": None,
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            answer = None
            age = (today - tabled).days
            if not withdrawn and (age > 40 or rng.random() < age / 60):
                source = (
                    item if item.get("answerText") else rng.choice(answered.get(dept) or [item])
                )
                answer_text = source.get("answerText") or "The information requested is not held."
                holding = rng.random() < 0.02
                correction = not holding and rng.random() < 0.01
                answered_on = tabled + datetime.timedelta(days=rng.randint(1, 30))
                answer = {
                    "question_id": question["id"],
                    "minister_id": ministers.get((source.get("answeringMemberId"), dept)),
                    "date_answered": answered_on,
                    "text": paragraphs_to_html(answer_text),
                    "text_is_truncated": answer_text.endswith("..."),
                    "is_holding": holding,
                    "date_holding_answer": answered_on if holding else None,
                    "is_correction": correction,
                    "date_corrected": answered_on + datetime.timedelta(days=20)
                    if correction
                    else None,
                    "original_text": paragraphs_to_html("The figures given were wrong.")
                    if correction
                    else "",
                    "original_date_answered": answered_on if correction else None,
                    "question_date_tabled": tabled,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            grouped = index > 0 and rng.random() < 0.05
            action = None
            if answer and rng.random() < 0.005:
                title, organisation = rng.choice(ACTIONS)
                done = rng.random() < 0.6
                action = {
                    "question_id": question["id"],
                    "title": title,
                    "detail": "",
                    "owner_id": None,
                    "organisation": organisation,
                    "due_date": answer["date_answered"] + datetime.timedelta(days=28),
                    "status": "done" if done else "open",
                    "is_public": rng.random() < 0.5,
                    "outcome": "Done as promised." if done else "",
                    "completed_on": answer["date_answered"] + datetime.timedelta(days=21)
                    if done
                    else None,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            yield question, answer, grouped, action

    def _bulk(self, plan, batch=5000):
        questions, answers, pairs, actions = [], [], [], []

        def flush():
            Question.objects.bulk_create([Question(**q) for q in questions])
            Answer.objects.bulk_create([Answer(**a) for a in answers])
            through = Question.grouped_questions.through
            through.objects.bulk_create(
                [through(from_question_id=a, to_question_id=b) for a, b in pairs]
                + [through(from_question_id=b, to_question_id=a) for a, b in pairs]
            )
            FollowUpAction.objects.bulk_create([FollowUpAction(**a) for a in actions])
            for values in (questions, answers, pairs, actions):
                values.clear()

        for question, answer, grouped, action in plan:
            questions.append(question)
            if answer:
                answers.append(answer)
            if grouped:
                pairs.append((question["id"] - 1, question["id"]))
            if action:
                actions.append(action)
            if len(questions) >= batch:
                flush()
        flush()

    def _copy(self, make_plan):
        """Load with COPY: answers and the rest first, then questions.

        Triggers and foreign-key checks are off (replica mode) except the
        search-vector trigger, which fills each question's vector as it
        arrives, its answer already in place. Secondary indexes are dropped
        for the load and built afterwards, which is much faster than
        maintaining them row by row. The plan is replayed from its seed, so
        no table's rows are held in memory.
        """
        from psycopg import sql

        raw = connection.connection
        with raw.cursor() as cur:
            cur.execute(
                "SELECT indexname, indexdef FROM pg_indexes "
                "WHERE tablename IN ('answers_question', 'answers_answer') "
                "AND indexdef NOT LIKE 'CREATE UNIQUE INDEX%%'"
            )
            indexes = cur.fetchall()
            for name, _ in indexes:
                cur.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(name)))
            cur.execute("SET LOCAL session_replication_role = replica")
            pairs, actions = [], []
            answer_columns = self._answer_columns()
            with cur.copy(
                sql.SQL("COPY answers_answer ({}) FROM STDIN").format(
                    sql.SQL(", ").join(map(sql.Identifier, answer_columns))
                )
            ) as copy:
                for question, answer, grouped, action in make_plan():
                    if answer:
                        copy.write_row([answer[c] for c in answer_columns])
                    if grouped:
                        pairs.append((question["id"] - 1, question["id"]))
                    if action:
                        actions.append(action)
            action_columns = self._action_columns()
            with cur.copy(
                sql.SQL("COPY answers_followupaction ({}) FROM STDIN").format(
                    sql.SQL(", ").join(map(sql.Identifier, action_columns))
                )
            ) as copy:
                for action in actions:
                    copy.write_row([action[c] for c in action_columns])
            with cur.copy(
                "COPY answers_question_grouped_questions (from_question_id, to_question_id) FROM STDIN"
            ) as copy:
                for a, b in pairs:
                    copy.write_row((a, b))
                    copy.write_row((b, a))
            cur.execute(
                "ALTER TABLE answers_question ENABLE ALWAYS TRIGGER answers_question_search"
            )
            columns = None
            plan = make_plan()
            for question, *_ in plan:
                columns = list(question)
                break
            with cur.copy(
                sql.SQL("COPY answers_question ({}) FROM STDIN").format(
                    sql.SQL(", ").join(map(sql.Identifier, columns))
                )
            ) as copy:
                for question, *_ in make_plan():
                    copy.write_row([question[c] for c in columns])
            cur.execute("ALTER TABLE answers_question ENABLE TRIGGER answers_question_search")
            cur.execute("SET LOCAL session_replication_role = origin")
            for _, definition in indexes:
                cur.execute(definition)
            for table in ("answers_question", "answers_answer", "answers_followupaction"):
                cur.execute(
                    sql.SQL(
                        "SELECT setval(pg_get_serial_sequence({name}, 'id'), "
                        "(SELECT COALESCE(MAX(id), 1) FROM {table}))"
                    ).format(name=sql.Literal(table), table=sql.Identifier(table))
                )

    @staticmethod
    def _answer_columns():
        return [
            "question_id", "minister_id", "date_answered", "text", "text_is_truncated",
            "is_holding", "date_holding_answer", "is_correction", "date_corrected",
            "original_text", "original_date_answered", "question_date_tabled",
            "created_at", "updated_at", "version",
        ]  # fmt: skip

    @staticmethod
    def _action_columns():
        return [
            "question_id", "title", "detail", "owner_id", "organisation", "due_date",
            "status", "is_public", "outcome", "completed_on", "created_at", "updated_at",
            "version",
        ]  # fmt: skip
