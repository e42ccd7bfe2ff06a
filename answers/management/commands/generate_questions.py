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
2% after a holding answer, which the last three months' still are, 1%
corrected), 2% are withdrawn, 5% are grouped in pairs, and
0.5% have a follow-up action. A list of rare real words (places) is planted
once each, so a benchmark can search for a word found in one question.

The department with the most questions runs them through the answering
process, as a department using the tracker does: every one of its questions
of the last two years has a process (commissioned to a policy lead,
drafted, cleared in two steps, some returned, answered), its moves
recorded; those still owed an answer stand at every open stage. Forty
policy leads draft, four deputy directors clear first and the private office
last. The sample month names members by id only, so each member the corpus
creates is given a made-up name, party and constituency (the Members API is
not asked).

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
from django.db import connection, models, transaction
from django.utils import timezone

from answers import summary
from answers.columns import AnswerState, answer_date, answer_state
from answers.deadlines import due_date_for
from answers.groups import DRAFTERS, STAFF
from answers.models import (
    Answer,
    AnswerProcess,
    Department,
    FollowUpAction,
    Member,
    Minister,
    ProcessEvent,
    Question,
    QuestionStep,
    Stage,
)
from answers.text import paragraphs_to_html
from answers.workflow.stats import spell

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

FIRST_NAMES = [
    "Alex", "Bridget", "Callum", "Deborah", "Emeka", "Fiona", "Gareth", "Harpreet", "Imran",
    "Joanne", "Kieran", "Lucy", "Marsha", "Nadia", "Owen", "Priti", "Rhys", "Siobhan",
    "Tobias", "Uma", "Victoria", "Wes", "Yasmin", "Zac",
]  # fmt: skip
SURNAMES = [
    "Abbott", "Barker", "Chowdhury", "Davies", "Evans", "Fletcher", "Gill", "Hughes",
    "Iqbal", "Jenkins", "Kaur", "Lewis", "McDonald", "Nwosu", "O'Brien", "Patel", "Quinn",
    "Robertson", "Shah", "Thomas", "Underwood", "Vaughan", "Williams", "Young",
]  # fmt: skip
PARTIES = ["Labour", "Conservative", "Liberal Democrat", "Scottish National Party", "Green Party"]
PLACES = [
    "Aldershot", "Bolton North", "Carlisle", "Derby South", "Exeter", "Falkirk", "Gower",
    "Hastings and Rye", "Ipswich", "Jarrow", "Kettering", "Leeds West", "Milton Keynes",
    "Newport East", "Oldham", "Peterborough", "Reading Central", "Stroud", "Truro",
    "Wakefield", "York Central",
]  # fmt: skip

# The answering process of the busiest department over its last two years.
PROCESS_DAYS = 730
POLICY_LEADS = 40
DEPUTY_DIRECTORS = 4
OPEN_STAGES_SPREAD = [
    (Stage.NEW, 1), (Stage.TRANSFERRED_IN, 1), (Stage.COMMISSIONED, 3), (Stage.REJECTED, 1),
    (Stage.DRAFTING, 6), (Stage.IN_CLEARANCE, 4), (Stage.CLEARED, 2), (Stage.TRANSFERRED_OUT, 1),
]  # fmt: skip

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
            self._processes(random.Random(seed), self.next_ids[0])  # noqa: S311
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
        # Made up: the sample names members by id only.
        names = random.Random(len(ids))  # noqa: S311 - a reproducible corpus
        Member.objects.bulk_create(
            [
                Member(
                    parliament_id=pid,
                    name=f"{names.choice(FIRST_NAMES)} {names.choice(SURNAMES)}",
                    party=names.choice(PARTIES),
                    constituency=names.choice(PLACES),
                )
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
                held = rng.random() < 0.02
                # Never in the future: a recent question is answered by today.
                answered_on = min(tabled + datetime.timedelta(days=rng.randint(1, 30)), today)
                # A holding answer is followed by the substantive one within
                # weeks: only recent questions are still held.
                holding_on = answered_on if held else None
                holding = held and age < 90
                if held and not holding:
                    answered_on = min(
                        holding_on + datetime.timedelta(days=rng.randint(5, 40)), today
                    )
                correction = not held and rng.random() < 0.01
                answer = {
                    "question_id": question["id"],
                    "minister_id": ministers.get((source.get("answeringMemberId"), dept)),
                    "date_answered": answered_on,
                    "text": paragraphs_to_html(answer_text),
                    "text_is_truncated": answer_text.endswith("..."),
                    "is_holding": holding,
                    "date_holding_answer": holding_on,
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

    # --- the answering process of the busiest department ---------------------------

    def _processes(self, rng, first_id):
        """Processes and their moves for the busiest department's recent questions."""
        from django.contrib.auth.models import Group, User

        new = Question.objects.filter(id__gte=first_id)
        busiest = (
            new.values("department").annotate(n=models.Count("id")).order_by("-n", "department")
        ).first()
        if not busiest or busiest["department"] is None:
            return
        today = timezone.localdate()
        questions = list(
            new.filter(
                department=busiest["department"],
                is_withdrawn=False,
                date_tabled__gte=today - datetime.timedelta(days=PROCESS_DAYS),
            )
            .annotate(state=answer_state(), answered_on=answer_date())
            .values_list("id", "date_tabled", "due_date", "state", "answered_on")
        )
        if not questions:
            return
        drafters = Group.objects.get(name=DRAFTERS)
        office, _ = Group.objects.get_or_create(name="Private office")

        def person(username, *groups):
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": rng.choice(FIRST_NAMES), "last_name": rng.choice(SURNAMES)},
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            user.groups.add(*groups)
            return user

        # Policy leads draft; deputy directors clear first, private office last.
        leads = [person(f"policy.lead{n}", drafters) for n in range(1, POLICY_LEADS + 1)]
        deputies = [person(f"deputy.director{n}", drafters) for n in range(1, DEPUTY_DIRECTORS + 1)]
        person("private.office1", drafters, office)
        team = person("pq.team1", Group.objects.get(name=STAFF))
        open_stages = [stage for stage, weight in OPEN_STAGES_SPREAD for _ in range(weight)]
        processes, moves = [], {}
        for pk, tabled, due, state, answered_on in questions:
            if state == AnswerState.SUBSTANTIVE:
                stage = Stage.ANSWERED
            elif state == AnswerState.HOLDING:
                stage = Stage.HOLDING
            else:
                stage = rng.choice(open_stages)
            owner = rng.choice(leads)
            start = timezone.make_aware(datetime.datetime.combine(tabled, datetime.time(10)))
            events = _moves_to(stage, start, answered_on, returned=rng.random() < 0.15)
            process = AnswerProcess(
                question_id=pk,
                stage=stage,
                owner=owner if stage not in (Stage.NEW, Stage.TRANSFERRED_IN) else None,
                draft_due=due - datetime.timedelta(days=2)
                if due and stage in (Stage.COMMISSIONED, Stage.DRAFTING)
                else None,
                transfer_department="HM Treasury"
                if stage in (Stage.TRANSFERRED_IN, Stage.TRANSFERRED_OUT)
                else "",
                stage_since=events[-1][3] if events else start,
            )
            processes.append(process)
            moves[pk] = (events, owner)
        AnswerProcess.objects.bulk_create(processes, batch_size=2000)
        process_ids = dict(
            AnswerProcess.objects.filter(question_id__in=moves).values_list("question_id", "id")
        )
        due_of = {pk: due for pk, _, due, _, _ in questions}
        steps = []
        for process in processes:
            if process.stage == Stage.IN_CLEARANCE:
                due = due_of[process.question_id]
                clearers = [
                    ("Deputy director", {"user": rng.choice(deputies)}, -1),
                    ("Private office", {"group": office}, 0),
                ]
                for position, (name, clearer, days) in enumerate(clearers, start=1):
                    steps.append(
                        QuestionStep(
                            process_id=process_ids[process.question_id],
                            position=position,
                            name=name,
                            deadline=due + datetime.timedelta(days=days) if due else None,
                            **clearer,
                        )
                    )
        QuestionStep.objects.bulk_create(steps, batch_size=2000)
        current = {
            process_id: step_id
            for step_id, process_id in QuestionStep.objects.filter(
                process_id__in=process_ids.values(), position=1
            ).values_list("id", "process_id")
        }
        AnswerProcess.objects.bulk_update(
            [
                AnswerProcess(id=process_id, current_step_id=step_id)
                for process_id, step_id in current.items()
            ],
            ["current_step"],
            batch_size=2000,
        )

        def recorded(pk, events, owner):
            # As apply_move records them, with the spell each move ends.
            logged = events[0][3] - datetime.timedelta(hours=1) if events else None
            previous = None
            for move, before, after, at, step in events:
                moved_by = owner.pk if move != "transfer_in" else None
                if previous is None:
                    days, held_by = spell(before, logged, at, moved_by, first=True)
                else:
                    days, held_by = spell(before, previous.at, at, previous.owner_id, first=False)
                previous = ProcessEvent(
                    process_id=process_ids[pk],
                    move=move,
                    from_stage=before,
                    to_stage=after,
                    actor=team if move != "accept" else owner,
                    owner_id=moved_by,
                    at=at,
                    step_name=step,
                    stage_days=days,
                    stage_owner_id=held_by,
                    department_id=busiest["department"],
                )
                yield previous

        ProcessEvent.objects.bulk_create(
            (
                event
                for pk, (events, owner) in moves.items()
                for event in recorded(pk, events, owner)
            ),
            batch_size=5000,
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


def _moves_to(stage, start, answered_on, *, returned):
    """``[(move, from, to, at, step name)]``: the usual road from new to ``stage``."""
    day = datetime.timedelta(days=1)
    if stage == Stage.NEW:
        return []
    if stage == Stage.TRANSFERRED_IN:
        return [("transfer_in", Stage.NEW, Stage.TRANSFERRED_IN, start, "")]
    road = [("commission", Stage.NEW, Stage.COMMISSIONED, start, "")]
    if stage == Stage.REJECTED:
        return [*road, ("reject", Stage.COMMISSIONED, Stage.REJECTED, start + day, "")]
    if stage == Stage.TRANSFERRED_OUT:
        return [*road, ("transfer_out", Stage.COMMISSIONED, Stage.TRANSFERRED_OUT, start + day, "")]
    if stage == Stage.COMMISSIONED:
        return road
    road.append(("accept", Stage.COMMISSIONED, Stage.DRAFTING, start + day / 2, ""))
    if stage == Stage.DRAFTING:
        return road
    road.append(("submit", Stage.DRAFTING, Stage.IN_CLEARANCE, start + 2 * day, "Deputy director"))
    if returned:
        road.append(
            ("return", Stage.IN_CLEARANCE, Stage.DRAFTING, start + 3 * day, "Deputy director")
        )
        road.append(
            ("submit", Stage.DRAFTING, Stage.IN_CLEARANCE, start + 4 * day, "Deputy director")
        )
    if stage == Stage.IN_CLEARANCE:
        return road
    at = road[-1][3]
    road.append(("clear", Stage.IN_CLEARANCE, Stage.IN_CLEARANCE, at + day, "Deputy director"))
    road.append(("clear", Stage.IN_CLEARANCE, Stage.CLEARED, at + 2 * day, "Private office"))
    if stage == Stage.CLEARED:
        return road
    answered = road[-1][3] + day / 2
    if answered_on:
        answered = max(
            answered, timezone.make_aware(datetime.datetime.combine(answered_on, datetime.time(16)))
        )
    if stage == Stage.HOLDING:
        return [*road, ("holding", Stage.CLEARED, Stage.HOLDING, answered, "")]
    return [*road, ("submit_answer", Stage.CLEARED, Stage.ANSWERED, answered, "")]
