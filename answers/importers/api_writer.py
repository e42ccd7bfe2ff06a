"""Write checked Parliament API questions to the database, in bulk.

One call is one transaction: everything the items say is written, or nothing.
Rows are matched by Parliament ids (questions, departments, members) and
written with ``bulk_create``/``bulk_update`` a chunk at a time, because an
import of a month of questions row by row through ``save()`` takes minutes.

Bulk writes skip ``save()`` and the per-record services, so their rules are
applied here through the same functions: due dates from ``answers.deadlines``,
the holding-answer and correction rules (``services.answer_holding_date``,
``services.answer_original``), version bumps (``services.version_bump``, so a
staff edit open on a question that an import changed is merged with it),
the answer's copy of the tabling date, ``updated_at``, and history rows
(``answers.importers.history``). Departments and named members go through
``answers.services`` itself: there are few of them, and the services hold the
rules for matching a member or department first known from page text.
"""

import contextlib
import datetime
import functools
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from answers import services
from answers import summary as department_summary
from answers.columns import AnswerState
from answers.deadlines import due_date_for
from answers.grouping import Held, link_grouped, refs_named_by
from answers.lookups import key_chunks
from answers.models import Answer, Department, Member, Minister, Question
from answers.services import ImportSummary
from answers.text import html_to_text
from answers.workflow.services import questions_changed as workflow_sync

from . import bulk
from .history import CHANGED, CREATED, record_history

# Rows fetched or written per query: well under SQLite's bound-parameter
# limit, and big enough that a month of questions takes a handful of queries.
CHUNK_SIZE = 500
# Items a chunk on PostgreSQL, which has no such limit and writes new rows by
# COPY: fewer statements, while the next chunk's search vectors are computed
# during each write.
PG_CHUNK_SIZE = 1000

HISTORY_REASON = "Imported from the Parliament Written Questions API"


# A member known only by id until an item or the Members API names them (list
# pages do not): stored without a name, shown as Member.display_name.
PLACEHOLDER_NAME = ""


def _chunks(values, size=CHUNK_SIZE):
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _squash(text):
    # Compare texts without whitespace: the list endpoint flattens an HTML
    # answer's paragraphs with its own spacing.
    return "".join(text.split())


def _due_date(house, date_tabled, is_named_day, date_for_answer):
    if is_named_day and date_for_answer:
        return due_date_for(
            house=house, date_tabled=date_tabled, is_named_day=True, date_for_answer=date_for_answer
        )
    # An ordinary question's deadline depends on its House and tabling date
    # only: cached on those, not on the date for answer every item gives.
    return _ordinary_due_date(house, date_tabled)


@lru_cache(maxsize=4096)
def _ordinary_due_date(house, date_tabled):
    return due_date_for(house=house, date_tabled=date_tabled)


# --- merging what an item says with what we hold --------------------------------


def merged_question_text(existing, item):
    """``(text, is_truncated)`` for a question after importing ``item``.

    A list page's cut text never replaces a whole text we already hold that it
    is the start of: re-importing a list page after the fetcher completed the
    question changes nothing.
    """
    if (
        existing is not None
        and item.text_is_truncated
        and not existing.text_is_truncated
        and _squash(existing.text).startswith(_squash(item.text))
    ):
        return existing.text, False
    return item.text, item.text_is_truncated


def _answer_state(answer):
    return (answer.date_answered, answer.is_holding, answer.is_correction, answer.date_corrected)


def _truncated_answer_prefix(answer_text):
    plain = html_to_text(answer_text).rstrip()
    if plain.endswith("..."):
        plain = plain[:-3]
    # The cut may fall inside an entity ("R&am...") that unescaping left as is.
    amp = plain.rfind("&")
    if amp != -1 and " " not in plain[amp:] and ";" not in plain[amp:]:
        plain = plain[:amp]
    return _squash(plain)


def merged_answer_text(existing, item_answer):
    """``(text, is_truncated)`` for an answer after importing ``item_answer``.

    The whole text we hold is kept when the item's cut text is its start and
    the answer has not moved on (same date, holding state and correction).
    """
    if (
        existing is not None
        and item_answer.text_is_truncated
        and not existing.text_is_truncated
        and _answer_state(existing) == _answer_state(item_answer)
        and _squash(html_to_text(existing.text)).startswith(
            _truncated_answer_prefix(item_answer.text)
        )
    ):
        return existing.text, False
    return item_answer.text, item_answer.text_is_truncated


def answer_values(existing, item_answer, *, question, minister_id):
    """The field values of a question's answer after importing ``item_answer``.

    The holding-answer and correction rules are the services' own
    (``answer_holding_date``, ``answer_original``).
    """
    text, text_is_truncated = merged_answer_text(existing, item_answer)
    original_text, original_date = services.answer_original(
        existing,
        is_correction=item_answer.is_correction,
        text=text,
        date_answered=item_answer.date_answered,
        original_text=item_answer.original_text,
    )
    return {
        "minister_id": minister_id,
        "date_answered": item_answer.date_answered,
        "text": text,
        "text_is_truncated": text_is_truncated,
        "is_holding": item_answer.is_holding,
        "date_holding_answer": services.answer_holding_date(
            existing,
            is_holding=item_answer.is_holding,
            date_answered=item_answer.date_answered,
            date_holding_answer=item_answer.date_holding_answer,
            source_may_omit=True,
        ),
        "is_correction": item_answer.is_correction,
        "date_corrected": item_answer.date_corrected,
        "original_text": original_text,
        "original_date_answered": original_date,
        "question_date_tabled": question.date_tabled,
    }


def _changed(obj, values):
    """Set ``values`` on ``obj``; return the names of the fields that changed."""
    changed = []
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def _field_names(model, attnames):
    # bulk_update wants field names ("department"), not attnames ("department_id").
    names = {field.attname: field.name for field in model._meta.concrete_fields}
    return sorted(names[attname] for attname in attnames)


# --- reading what we hold --------------------------------------------------------


def existing_questions(items, *, lock=False):
    """Questions we already hold for ``items``: ``{parliament id: Question}``.

    A question logged from page text before the API knew it (no Parliament
    id) is the same question when its House, UIN and tabling date match.
    ``lock`` (inside a transaction) holds the rows until it ends, so that a
    staff edit saved meanwhile is not overwritten under an old version number.
    """
    questions = Question.objects.select_related("answer")
    if lock:
        # Only the questions: PostgreSQL cannot lock the nullable side of the
        # outer join to the answer.
        questions = questions.select_for_update(of=("self",))
    found = {}
    for chunk in key_chunks(item.parliament_id for item in items):
        for question in questions.filter(parliament_id__any=chunk):
            found[question.parliament_id] = question
    unmatched = [item for item in items if item.parliament_id not in found]
    if unmatched:
        by_key = {}
        for chunk in key_chunks(unmatched):
            candidates = questions.filter(
                parliament_id__isnull=True, uin__any={item.uin for item in chunk}
            )
            for question in candidates.order_by("id"):
                by_key.setdefault((question.house, question.uin, question.date_tabled), question)
        for item in unmatched:
            question = by_key.pop((item.house, item.uin, item.date_tabled), None)
            if question is not None:
                found[item.parliament_id] = question
    return found


def needs_completion(items):
    """Parliament ids of ``items`` whose import would leave a text cut short.

    The fetcher asks the detail endpoint for these only: a question already
    completed and unchanged needs no second request.
    """
    truncated = [item for item in items if item.is_truncated]
    if not truncated:
        return set()
    held = existing_questions(truncated)
    wanted = set()
    for item in truncated:
        existing = held.get(item.parliament_id)
        if merged_question_text(existing, item)[1]:
            wanted.add(item.parliament_id)
            continue
        if item.answer is not None:
            answer = existing.get_answer() if existing is not None else None
            if merged_answer_text(answer, item.answer)[1]:
                wanted.add(item.parliament_id)
    return wanted


# --- reference data ----------------------------------------------------------


def _departments(items):
    names = {}
    for item in items:
        if item.department_id:
            names[item.department_id] = item.department_name
    found = {d.parliament_id: d for d in Department.objects.filter(parliament_id__in=names)}
    for parliament_id, name in names.items():
        department = found.get(parliament_id)
        if department is None or department.name != name:
            found[parliament_id] = services.department_get_or_create(
                name=name, parliament_id=parliament_id
            )
    return found


def _members(items):
    """``{member id: Member}`` for every asking and answering member of ``items``."""
    infos = {}
    houses = {}
    for item in items:
        for info in (item.asking_member, item.answer.minister if item.answer else None):
            if info is None:
                continue
            houses.setdefault(info.parliament_id, item.house)
            # Keep the fullest description an item gives.
            if info.name or info.parliament_id not in infos:
                infos[info.parliament_id] = info
    found = {}
    for chunk in _chunks(infos):
        found.update((m.parliament_id, m) for m in Member.objects.filter(parliament_id__in=chunk))
    placeholders = []
    for parliament_id, info in infos.items():
        member = found.get(parliament_id)
        if info.name:
            wanted = {"name": info.name}
            if info.party:
                wanted["party"] = info.party
            if info.constituency:
                wanted["constituency"] = info.constituency
            if member is None or any(getattr(member, k) != v for k, v in wanted.items()):
                found[parliament_id] = services.member_get_or_create(
                    name=info.name,
                    house=houses[parliament_id],
                    party=info.party,
                    constituency=info.constituency,
                    parliament_id=parliament_id,
                )
        elif member is None:
            placeholders.append(
                Member(
                    name=PLACEHOLDER_NAME,
                    parliament_id=parliament_id,
                    house=houses[parliament_id],
                )
            )
    for member in Member.objects.bulk_create(placeholders, batch_size=CHUNK_SIZE):
        found[member.parliament_id] = member
    return found


def _ministers(items, members, departments):
    """``{member id: Minister}`` for the answering members of ``items``.

    The API says who answered but not the post they held, so each answering
    member is one Minister with no title, in the department first seen.
    """
    first_department = {}
    for item in items:
        if item.answer is not None and item.answer.minister is not None:
            first_department.setdefault(
                item.answer.minister.parliament_id, departments.get(item.department_id)
            )
    by_member_pk = {members[pid].pk: pid for pid in first_department}
    found = {}
    for minister in Minister.objects.filter(member_id__in=by_member_pk, title=""):
        found[by_member_pk[minister.member_id]] = minister
    # A month of answers brings dozens of ministers at once; created together
    # rather than one get_or_create (and savepoint) each.
    missing = [
        Minister(member=members[pid], title="", department=department)
        for pid, department in first_department.items()
        if pid not in found
    ]
    for minister in Minister.objects.bulk_create(missing):
        found[by_member_pk[minister.member_id]] = minister
    return found


# --- grouped questions -------------------------------------------------------


def _link_groups(items, questions, arrived=()):
    """Link grouped questions both ways; return the pks that gained a link.

    A grouped question we do not hold yet is remembered, and linked when it
    arrives (``answers.grouping``); ``arrived`` are the questions this import
    created or changed, which may be such a question.
    """
    refs = []
    for item in items:
        question = Held.of(questions[item.parliament_id])
        refs.extend(refs_named_by(question, ((ref.uin, ref.date_tabled) for ref in item.grouped)))
    return link_grouped(
        refs,
        known=[Held.of(question) for question in questions.values()],
        arrived=[Held.of(question) for question in arrived],
    )


# --- the import ------------------------------------------------------------------


def import_questions(items, *, user=None, history=True, progress=None):
    """Create or update the questions of ``items`` (checked ``ApiQuestion``s), all or nothing.

    ``history`` writes django-simple-history rows for every question and
    answer created or changed, as ``save()`` would. ``progress(done, total)``
    is called after each chunk. Returns an ``ImportSummary``; a question whose
    answer or grouping changed counts as updated.

    The questions held already are read (and locked) first, all at once.
    Then chunk by chunk: what each item changes is worked out in Python
    (:class:`_Chunk`), and written. On PostgreSQL the search vectors of a
    chunk's new questions are computed on a second connection while the
    previous chunk is written (``bulk.SearchDocuments``).
    """
    with bulk.cyclic_gc_paused():
        return _import_questions(items, user=user, history=history, progress=progress)


def _import_questions(items, *, user, history, progress):
    # The same question twice (overlapping pages) is imported once, as last given.
    unique = {}
    for item in items:
        unique[item.parliament_id] = item
    items = list(unique.values())
    run = _Run(
        now=timezone.now(),
        history=history,
        history_user=user if user is not None and user.is_authenticated else None,
    )
    total = len(items)
    done = 0

    size = PG_CHUNK_SIZE if bulk.copy_available() else CHUNK_SIZE
    chunks = list(_chunks(items, size))
    # Overlapping work is worth it with several chunks (PostgreSQL only).
    pipelined = bulk.copy_available() and len(chunks) > 1

    with transaction.atomic(), contextlib.ExitStack() as stack:
        run.departments = _departments(items)
        run.members = _members(items)
        run.ministers = _ministers(items, run.members, run.departments)
        held = existing_questions(items, lock=True)

        pks = documents = None
        if bulk.copy_available():
            new_count = sum(1 for item in items if item.parliament_id not in held)
            if pipelined and new_count > size:
                # Its connection opens while the pks are taken.
                documents = stack.enter_context(bulk.SearchDocuments())
            # The new questions' pks from the sequence, up front: their answers
            # need them, and the chunks are then worked out without a query.
            pks = iter(bulk.take_pks(Question, new_count))
        prepare = functools.partial(_prepare, run, held, pks, documents)
        if pipelined:
            # While this thread waits for the database to write a chunk,
            # another works out the next ones.
            prepared = stack.enter_context(_thread_pool("import-chunks")).map(prepare, chunks)
        else:
            prepared = map(prepare, chunks)
        for chunk in prepared:
            chunk.write()
            done += len(chunk.items)
            if progress is not None:
                progress(done, total)

        outcome, questions = run.outcome, run.questions
        # Bulk writes send no signals: the department figures of every
        # department-month a changed question touches are recomputed, and
        # created questions elsewhere are added to theirs.
        touched = set()
        for pid, kind in outcome.items():
            if kind == "updated":
                question = questions[pid]
                touched.add(
                    department_summary.cell_of(question.department_id, question.date_tabled)
                )
                if pid in run.before:
                    touched.add(run.before[pid])
        department_summary.refresh(touched)
        created = []
        for pid, kind in outcome.items():
            question = questions[pid]
            cell = department_summary.cell_of(question.department_id, question.date_tabled)
            if kind == "created" and cell not in touched:
                answer = question.get_answer()
                created.append(
                    (
                        question.department_id,
                        question.date_tabled,
                        question.due_date,
                        question.is_withdrawn,
                        answer.date_answered if answer is not None else None,
                        answer.is_holding if answer is not None else None,
                    )
                )
        department_summary.add_new(created)

        parliament_id_of = {question.pk: pid for pid, question in questions.items()}
        for pk in _link_groups(items, questions, run.arrived):
            pid = parliament_id_of.get(pk)
            if pid is not None and outcome[pid] == "unchanged":
                outcome[pid] = "updated"

    summary = ImportSummary()
    for item in items:
        kind = run.outcome[item.parliament_id]
        setattr(summary, kind, getattr(summary, kind) + 1)
        summary.questions.append(run.questions[item.parliament_id])
    return summary


@dataclass
class _Run:
    """What one import knows and has done, shared by its chunks."""

    now: datetime.datetime
    history: bool
    history_user: object
    departments: dict = field(default_factory=dict)
    members: dict = field(default_factory=dict)
    ministers: dict = field(default_factory=dict)
    outcome: dict = field(default_factory=dict)  # parliament id -> created/updated/unchanged
    questions: dict = field(default_factory=dict)  # parliament id -> Question
    arrived: list = field(default_factory=list)  # created, or changed by this import
    before: dict = field(default_factory=dict)  # parliament id -> its cell before this import

    @functools.cached_property
    def members_by_pk(self):
        return {member.pk: member for member in self.members.values()}


@functools.cache
def _field_defaults(model):
    """``[(attname, default)]`` of ``model``'s concrete fields, in order; a callable default
    is marked ``_CALL`` to be called for each instance."""
    return [
        (f.attname, _CALL if callable(f.default) else f.get_default())
        for f in model._meta.concrete_fields
    ]


_CALL = object()


def _new(model, values, **more):
    """An unsaved ``model`` with ``values`` and ``more`` (by attname), the rest its defaults.

    Built from positional arguments in field order, which costs Django half
    what keywords do: it counts at thousands of rows.
    """
    args = []
    for attname, default in _field_defaults(model):
        if attname in more:
            args.append(more[attname])
        elif attname in values:
            args.append(values[attname])
        elif default is _CALL:
            args.append(model._meta.get_field(attname).get_default())
        else:
            args.append(default)
    return model(*args)


@contextlib.contextmanager
def _thread_pool(name):
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
    try:
        yield pool
    finally:
        # On an error, the chunks not started yet are not worked out.
        pool.shutdown(cancel_futures=True)


def _refuse_queries(execute, sql, params, many, context):
    raise AssertionError(f"a chunk is worked out without the database, but asked: {sql}")


def _prepare(run, held, pks, documents, items):
    """``items`` as a :class:`_Chunk`, its search vectors asked for when ``documents``.

    May run in a thread of its own: it sends no query, which there would run
    outside the import's transaction; any attempt fails.
    """
    with connections[DEFAULT_DB_ALIAS].execute_wrapper(_refuse_queries):
        chunk = _Chunk(run, items, held, pks)
    if documents is not None:
        chunk.search_documents = documents
        chunk.vectors = documents.submit(chunk.documents())
    return chunk


class _Chunk:
    """One chunk of items: the rows it creates and changes, worked out; then written.

    Working out reads nothing from the database: the questions held are
    looked up before, and new questions take their pks from ``pks`` (on
    PostgreSQL; elsewhere they get them as they are inserted).
    """

    def __init__(self, run, items, held, pks=None):
        self.run = run
        self.items = items
        # The new questions' search vectors, when computed on a second connection.
        self.search_documents = self.vectors = None
        self.new_questions, self.changed_questions, self.question_fields = [], [], set()
        self.new_answers, self.changed_answers, self.answer_fields = [], [], set()
        self._questions(held, pks)
        self._answers()

    def _questions(self, held, pks):
        run = self.run
        for item in self.items:
            question = held.get(item.parliament_id)
            if question is not None:
                # The department-month it counted in before this import.
                run.before[item.parliament_id] = department_summary.cell_of(
                    question.department_id, question.date_tabled
                )
            text, text_is_truncated = merged_question_text(question, item)
            values = {
                "parliament_id": item.parliament_id,
                "house": item.house,
                "uin": item.uin,
                "date_tabled": item.date_tabled,
                "date_for_answer": item.date_for_answer,
                "is_named_day": item.is_named_day,
                "heading": item.heading,
                "text": text,
                "text_is_truncated": text_is_truncated,
                "asking_member_id": (
                    run.members[item.asking_member.parliament_id].pk if item.asking_member else None
                ),
                "department_id": (
                    run.departments[item.department_id].pk if item.department_id else None
                ),
                "is_withdrawn": item.is_withdrawn,
                "due_date": _due_date(
                    item.house, item.date_tabled, item.is_named_day, item.date_for_answer
                ),
            }
            if question is None:
                question = _new(
                    Question,
                    values,
                    id=next(pks) if pks is not None else None,
                    logged_by_id=run.history_user.pk if run.history_user else None,
                )
                self.new_questions.append(question)
                run.outcome[item.parliament_id] = "created"
            else:
                changed = _changed(question, values)
                if changed:
                    services.version_bump(question, stored_version=question.version)
                    question.updated_at = run.now
                    self.question_fields.update(changed)
                    self.changed_questions.append(question)
                    run.outcome[item.parliament_id] = "updated"
                else:
                    run.outcome[item.parliament_id] = "unchanged"
            run.questions[item.parliament_id] = question
        run.arrived.extend(self.new_questions)
        run.arrived.extend(self.changed_questions)

    def _answers(self):
        run = self.run
        for item in self.items:
            if item.answer is None:
                if run.outcome[item.parliament_id] == "created":
                    # Known to have none: asking would cost a query.
                    Question.answer.related.set_cached_value(
                        run.questions[item.parliament_id], None
                    )
                continue
            question = run.questions[item.parliament_id]
            created = run.outcome[item.parliament_id] == "created"
            existing = None if created else question.get_answer()
            minister = (
                run.ministers[item.answer.minister.parliament_id] if item.answer.minister else None
            )
            values = answer_values(
                existing,
                item.answer,
                question=question,
                minister_id=minister.pk if minister else None,
            )
            if existing is None:
                answer = _new(Answer, values)
                self.new_answers.append(answer)
                question.answer = answer  # and the answer's question
            else:
                changed = _changed(existing, values)
                if not changed:
                    continue
                services.version_bump(existing, stored_version=existing.version)
                existing.updated_at = run.now
                self.answer_fields.update(changed)
                self.changed_answers.append(existing)
            if run.outcome[item.parliament_id] == "unchanged":
                run.outcome[item.parliament_id] = "updated"

    def documents(self):
        """What the new questions' search vectors are computed from, in order."""
        members_by_pk = self.run.members_by_pk
        for question in self.new_questions:
            answer = question.get_answer()
            asker = members_by_pk.get(question.asking_member_id)
            yield (
                question.uin,
                question.heading,
                question.text,
                answer.text if answer is not None else None,
                asker.name if asker is not None else None,
            )

    def write(self):
        if bulk.copy_available():
            # Answers before their questions: the question row is then
            # written once, with its answer's state in it. Written after, the
            # answers' statement trigger would write every answered question
            # again, with all its index entries. (The foreign key from answer
            # to question is checked at commit: Django makes it DEFERRABLE
            # INITIALLY DEFERRED.)
            self._write_answers()
            self._write_questions()
        else:
            # SQLite keeps the answer state by answer triggers only, and
            # gives the questions their pks as they are inserted.
            self._write_questions()
            self._write_answers()
        # Answers close, and new dates move, the answering process. A
        # question this import created has no process yet.
        created = {question.pk for question in self.new_questions}
        workflow_sync(
            pk
            for pk in [
                *(question.pk for question in self.changed_questions),
                *(answer.question_id for answer in [*self.new_answers, *self.changed_answers]),
            ]
            if pk not in created
        )

    def _write_questions(self):
        run = self.run
        columns, values = (), ()
        vectors = None
        if self.search_documents is not None:
            vectors = self.search_documents.vectors(self.vectors)
        if vectors is not None:
            columns = ("search_vector", "answer_state", "answer_date", "answer_minister_id")
            values = [
                (vector, *_stored_answer_state(question.get_answer()))
                for question, vector in zip(self.new_questions, vectors, strict=True)
            ]
        bulk.insert(
            Question, self.new_questions, now=run.now, extra_columns=columns, extra_values=values
        )
        _write(Question, self.new_questions, self.changed_questions, self.question_fields, run)

    def _write_answers(self):
        run = self.run
        bulk.insert(Answer, self.new_answers, now=run.now)
        _write(Answer, self.new_answers, self.changed_answers, self.answer_fields, run)


def _stored_answer_state(answer):
    """``(answer_state, answer_date, answer_minister_id)`` of a question with ``answer``,
    as the triggers keep them.

    Written with a question whose search vector comes with it, which the
    row trigger then leaves alone (migrations 0007, 0012 and 0018).
    """
    if answer is None:
        return AnswerState.NONE, None, None
    return (
        AnswerState.HOLDING if answer.is_holding else AnswerState.SUBSTANTIVE,
        answer.date_answered,
        answer.minister_id,
    )


def _write(model, new, changed, fields, run):
    """History rows for the ``new`` objects (inserted already); the ``changed`` ones written."""
    if new and run.history:
        record_history(
            model, new, CREATED, user=run.history_user, reason=HISTORY_REASON, when=run.now
        )
    if changed:
        names = [*_field_names(model, fields), "version", "updated_at"]
        model.objects.bulk_update(changed, names, batch_size=CHUNK_SIZE)
        if run.history:
            record_history(
                model, changed, CHANGED, user=run.history_user, reason=HISTORY_REASON, when=run.now
            )
