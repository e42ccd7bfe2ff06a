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

from functools import lru_cache

from django.db import transaction
from django.utils import timezone

from answers import services
from answers import summary as department_summary
from answers.deadlines import due_date_for
from answers.grouping import Held, link_grouped, refs_named_by
from answers.models import Answer, Department, Member, Minister, Question
from answers.services import ImportSummary
from answers.text import html_to_text
from answers.workflow.services import questions_changed as workflow_sync

from .history import CHANGED, CREATED, record_history

# Rows fetched or written per query: well under SQLite's bound-parameter
# limit, and big enough that a month of questions takes a handful of queries.
CHUNK_SIZE = 500

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


@lru_cache(maxsize=4096)
def _due_date(house, date_tabled, is_named_day, date_for_answer):
    return due_date_for(
        house=house,
        date_tabled=date_tabled,
        is_named_day=is_named_day,
        date_for_answer=date_for_answer,
    )


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
    for chunk in _chunks(item.parliament_id for item in items):
        for question in questions.filter(parliament_id__in=chunk):
            found[question.parliament_id] = question
    unmatched = [item for item in items if item.parliament_id not in found]
    if unmatched:
        by_key = {}
        for chunk in _chunks(unmatched):
            candidates = questions.filter(
                parliament_id__isnull=True, uin__in={item.uin for item in chunk}
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
    """
    # The same question twice (overlapping pages) is imported once, as last given.
    unique = {}
    for item in items:
        unique[item.parliament_id] = item
    items = list(unique.values())
    now = timezone.now()
    history_user = user if user is not None and user.is_authenticated else None
    outcome = {}
    questions = {}
    arrived = []  # created, or changed by this import
    before = {}  # parliament id -> (department id, month) before this import
    total = len(items)
    done = 0

    with transaction.atomic():
        departments = _departments(items)
        members = _members(items)
        ministers = _ministers(items, members, departments)

        for chunk in _chunks(items):
            held = existing_questions(chunk, lock=True)
            new_questions, changed_questions, question_fields = [], [], set()
            for item in chunk:
                question = held.get(item.parliament_id)
                if question is not None:
                    # The department-month it counted in before this import.
                    before[item.parliament_id] = department_summary.cell_of(
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
                        members[item.asking_member.parliament_id].pk if item.asking_member else None
                    ),
                    "department_id": (
                        departments[item.department_id].pk if item.department_id else None
                    ),
                    "is_withdrawn": item.is_withdrawn,
                    "due_date": _due_date(
                        item.house, item.date_tabled, item.is_named_day, item.date_for_answer
                    ),
                }
                if question is None:
                    question = Question(logged_by=history_user, **values)
                    new_questions.append(question)
                    outcome[item.parliament_id] = "created"
                else:
                    changed = _changed(question, values)
                    if changed:
                        services.version_bump(question, stored_version=question.version)
                        question.updated_at = now
                        question_fields.update(changed)
                        changed_questions.append(question)
                        outcome[item.parliament_id] = "updated"
                    else:
                        outcome[item.parliament_id] = "unchanged"
                questions[item.parliament_id] = question

            _write(
                Question,
                new_questions,
                changed_questions,
                question_fields,
                history,
                history_user,
                now,
            )
            arrived.extend(new_questions)
            arrived.extend(changed_questions)

            new_answers, changed_answers, answer_fields = [], [], set()
            for item in chunk:
                if item.answer is None:
                    continue
                question = questions[item.parliament_id]
                existing = (
                    None if outcome[item.parliament_id] == "created" else question.get_answer()
                )
                minister = (
                    ministers[item.answer.minister.parliament_id] if item.answer.minister else None
                )
                values = answer_values(
                    existing,
                    item.answer,
                    question=question,
                    minister_id=minister.pk if minister else None,
                )
                if existing is None:
                    answer = Answer(question=question, **values)
                    new_answers.append(answer)
                    question.answer = answer
                else:
                    changed = _changed(existing, values)
                    if not changed:
                        continue
                    services.version_bump(existing, stored_version=existing.version)
                    existing.updated_at = now
                    answer_fields.update(changed)
                    changed_answers.append(existing)
                if outcome[item.parliament_id] == "unchanged":
                    outcome[item.parliament_id] = "updated"

            _write(Answer, new_answers, changed_answers, answer_fields, history, history_user, now)
            # Answers close, and new dates move, the answering process.
            workflow_sync(
                [question.pk for question in [*new_questions, *changed_questions]]
                + [answer.question_id for answer in [*new_answers, *changed_answers]]
            )

            done += len(chunk)
            if progress is not None:
                progress(done, total)

        # Bulk writes send no signals: the department figures of every
        # department-month a created or changed question touches, recomputed.
        touched = set()
        for pid, kind in outcome.items():
            if kind != "unchanged":
                question = questions[pid]
                touched.add(
                    department_summary.cell_of(question.department_id, question.date_tabled)
                )
                if pid in before:
                    touched.add(before[pid])
        department_summary.refresh(touched)

        parliament_id_of = {question.pk: pid for pid, question in questions.items()}
        for pk in _link_groups(items, questions, arrived):
            pid = parliament_id_of.get(pk)
            if pid is not None and outcome[pid] == "unchanged":
                outcome[pid] = "updated"

    summary = ImportSummary()
    for item in items:
        kind = outcome[item.parliament_id]
        setattr(summary, kind, getattr(summary, kind) + 1)
        summary.questions.append(questions[item.parliament_id])
    return summary


def _write(model, new, changed, fields, history, history_user, now):
    if new:
        model.objects.bulk_create(new, batch_size=CHUNK_SIZE)
        if history:
            record_history(model, new, CREATED, user=history_user, reason=HISTORY_REASON, when=now)
    if changed:
        names = [*_field_names(model, fields), "version", "updated_at"]
        model.objects.bulk_update(changed, names, batch_size=CHUNK_SIZE)
        if history:
            record_history(
                model, changed, CHANGED, user=history_user, reason=HISTORY_REASON, when=now
            )
