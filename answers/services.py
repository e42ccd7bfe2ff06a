"""Writes that touch more than one model, in one place.

Views, admin actions, importers and management commands call these keyword-only
functions; each validates and runs inside ``transaction.atomic`` so a failure
leaves nothing half-written.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from . import grouping
from .deadlines import due_date_for
from .models import (
    ActionStatus,
    Answer,
    Department,
    FollowUpAction,
    House,
    InternalNote,
    Member,
    Minister,
    Question,
)
from .text import paragraphs_to_html
from .workflow.services import questions_changed as workflow_sync


class StaleEditError(Exception):
    """Someone else saved the record after the editor loaded it."""

    def __init__(self, current):
        self.current = current
        latest = current.history.first() if hasattr(current, "history") else None
        self.changed_by = getattr(latest, "history_user", None)
        self.changed_at = getattr(latest, "history_date", None)
        who = "someone else"
        if self.changed_by:
            # The name people know, and the username that is unambiguous.
            full_name = self.changed_by.get_full_name()
            username = self.changed_by.get_username()
            who = f"{full_name} ({username})" if full_name else username
        when = (
            timezone.localtime(self.changed_at).strftime("%-d %B %Y at %H:%M")
            if self.changed_at
            else ""
        )
        super().__init__(
            f"{who} changed this {current._meta.verbose_name} {('on ' + when) if when else ''} "
            "after you opened it. Your changes have not been saved."
        )


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    questions: list = field(default_factory=list)

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def _assign(obj, values):
    """Set ``values`` on ``obj``; True when anything changed."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _check_version(model, pk, expected_version):
    """Lock the row and refuse the save if it moved on since the editor loaded it."""
    current = model.objects.select_for_update().get(pk=pk)
    if expected_version is not None and current.version != int(expected_version):
        raise StaleEditError(current)
    return current


# --- reference data ----------------------------------------------------------


def department_for(*, name, parliament_id=None):
    """The department with this Parliament id or name, created if new."""
    name = " ".join((name or "").split())
    if parliament_id is not None:
        department = Department.objects.filter(parliament_id=parliament_id).first()
        if department:
            if (
                name
                and department.name != name
                and not Department.objects.filter(name=name).exists()
            ):
                department.name = name
                department.save(update_fields=["name"])
            return department
    department = Department.objects.filter(name__iexact=name).first()
    if department:
        if parliament_id is not None and department.parliament_id is None:
            department.parliament_id = parliament_id
            department.save(update_fields=["parliament_id"])
        return department
    slug = base = slugify(name)[:240] or "department"
    n = 2
    while Department.objects.filter(slug=slug).exists():
        slug = f"{base}-{n}"
        n += 1
    return Department.objects.create(name=name, slug=slug, parliament_id=parliament_id)


def member_for(*, name, house, party="", constituency="", parliament_id=None):
    """The member with this Parliament id, or this name in this House, created if new.

    Party and constituency are filled in or refreshed when the source gives them.
    """
    name = " ".join((name or "").split())
    member = None
    id_learned = False
    if parliament_id is not None:
        member = Member.objects.filter(parliament_id=parliament_id).first()
    if member is None:
        member = Member.objects.filter(name=name, house=house, parliament_id__isnull=True).first()
        if member is not None and parliament_id is not None:
            member.parliament_id = parliament_id
            id_learned = True
    if member is None:
        return Member.objects.create(
            name=name,
            house=house,
            party=party or "",
            constituency=constituency or "",
            parliament_id=parliament_id,
        )
    updates = {"name": name or member.name}
    if party:
        updates["party"] = party
    if constituency:
        updates["constituency"] = constituency
    if _assign(member, updates) or id_learned:
        member.save()
    return member


def minister_for(*, member, title="", department=None):
    title = " ".join((title or "").split())
    minister, created = Minister.objects.get_or_create(
        member=member, title=title, defaults={"department": department}
    )
    if not created and department is not None and minister.department_id is None:
        minister.department = department
        minister.save(update_fields=["department"])
    return minister


# --- questions and answers ---------------------------------------------------


def question_save(*, question, user=None, expected_version=None):
    """Save a question: recompute its due date, bump its version, refuse stale edits."""
    with transaction.atomic():
        if question.pk:
            current = _check_version(Question, question.pk, expected_version)
            question.version = current.version + 1
        elif question.logged_by_id is None and user is not None and user.is_authenticated:
            question.logged_by = user
        question.due_date = due_date_for(
            house=question.house,
            date_tabled=question.date_tabled,
            is_named_day=question.is_named_day,
            date_for_answer=question.date_for_answer,
        )
        question.full_clean(exclude=["grouped_questions"])
        question.save()
        # The answering process follows the question's dates.
        workflow_sync([question.pk], actor=user)
    return question


def answer_record(*, question, date_answered, text="", minister=None, is_holding=False,
                  date_holding_answer=None, answer=None, expected_version=None):  # fmt: skip
    """Record or edit the answer to ``question``. ``text`` is sanitised HTML."""
    with transaction.atomic():
        if answer is None:
            answer = question.get_answer() or Answer(question=question)
        if answer.pk:
            current = _check_version(Answer, answer.pk, expected_version)
            answer.version = current.version + 1
        answer.question = question
        answer.minister = minister
        answer.date_answered = date_answered
        answer.text = text
        if answer.is_holding and not is_holding and not date_holding_answer:
            # A holding answer becoming substantive keeps the date it was held.
            date_holding_answer = answer.date_holding_answer or answer.date_answered
        answer.is_holding = is_holding
        answer.date_holding_answer = date_holding_answer
        answer.question_date_tabled = question.date_tabled
        answer.full_clean(exclude=["question"])
        answer.save()
        # An answer recorded or imported closes the answering process.
        workflow_sync([question.pk])
    return answer


def answer_save(*, answer, expected_version=None):
    """Save an answer edited field by field (the admin): bump its version, refuse stale edits."""
    with transaction.atomic():
        if answer.pk:
            current = _check_version(Answer, answer.pk, expected_version)
            answer.version = current.version + 1
        answer.save()
    return answer


# The question fields a staff form may set directly; people and departments
# arrive as names and go through member_for/department_for.
QUESTION_FIELDS = frozenset(
    {
        "house",
        "uin",
        "date_tabled",
        "is_named_day",
        "date_for_answer",
        "heading",
        "text",
        "source_url",
        "is_withdrawn",
        "date_withdrawn",
    }
)


def question_write(*, question=None, user=None, expected_version=None, department_name="",
                   asking_member_name="", asking_member_party="", constituency="",
                   **fields):  # fmt: skip
    """Log a new question (``question=None``) or edit one, from what a person typed.

    ``department_name`` and ``asking_member_name`` are matched to existing
    records (or create them), so a pasted page needs no lookups first. An edit
    carrying an ``expected_version`` older than the stored one raises
    :class:`StaleEditError` and writes nothing.
    """
    unknown = set(fields) - QUESTION_FIELDS
    if unknown:
        raise TypeError(f"question_write() got unexpected fields: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        if question is None:
            question = Question()
        elif question.pk:
            # Refuse a stale edit before creating any department or member.
            _check_version(Question, question.pk, expected_version)
        for name, value in fields.items():
            setattr(question, name, value)
        house = House(question.house)
        department_name = " ".join((department_name or "").split())
        question.department = department_for(name=department_name) if department_name else None
        asking_member_name = " ".join((asking_member_name or "").split())
        question.asking_member = (
            member_for(
                name=asking_member_name,
                house=house,
                party=asking_member_party or "",
                constituency=constituency or "",
            )
            if asking_member_name
            else None
        )
        if not question.is_withdrawn:
            question.date_withdrawn = None
        question_save(question=question, user=user, expected_version=expected_version)
        if question.uin:
            # An import may have named this question as grouped with another
            # before anyone logged it: link them now.
            grouping.link_grouped([], arrived=[grouping.Held.of(question)])
    return question


def answer_write(*, question, expected_version, date_answered, text, minister_name="",
                 minister_role="", is_holding=False, date_holding_answer=None):  # fmt: skip
    """Record or edit the answer to ``question`` from a staff form.

    ``text`` is plain text, paragraphs separated by a blank line.
    ``expected_version`` is the answer's version when the form was loaded, or
    None when there was no answer then: an answer recorded by someone else in
    the meantime is refused as a stale edit, never overwritten.

    Answers imported from Parliament are HTML (tables, lists, links); when the
    plain text comes back unchanged the stored HTML is kept, so correcting the
    minister does not flatten a table.
    """
    from .text import html_to_text

    with transaction.atomic():
        existing = Answer.objects.select_for_update().filter(question=question).first()
        if existing is not None and expected_version in (None, ""):
            raise StaleEditError(existing)
        if existing is None and expected_version not in (None, ""):
            # The answer the editor loaded has been deleted (by an admin).
            raise ValueError("The answer you were editing has been deleted.")
        text = (text or "").replace("\r\n", "\n").strip()
        if existing is not None and html_to_text(existing.text) == html_to_text(
            paragraphs_to_html(text)
        ):
            html = existing.text
        else:
            html = paragraphs_to_html(text)
        minister = None
        minister_name = " ".join((minister_name or "").split())
        if minister_name:
            member = member_for(name=minister_name, house=House(question.house))
            minister = minister_for(
                member=member, title=minister_role or "", department=question.department
            )
        try:
            with transaction.atomic():
                return answer_record(
                    question=question,
                    answer=existing,
                    expected_version=expected_version if existing is not None else None,
                    date_answered=date_answered,
                    text=html,
                    minister=minister,
                    is_holding=is_holding,
                    date_holding_answer=date_holding_answer,
                )
        except IntegrityError:
            # Two people recording the first answer at once: the one-answer
            # rule lets only the first in; the second sees whose it is.
            existing = Answer.objects.filter(question=question).first()
            if existing is None:
                raise
            raise StaleEditError(existing) from None


def question_log(*, user, question_fields, answer_fields=None):
    """Log a new question, and its answer when the page already had one, all or nothing."""
    with transaction.atomic():
        question = question_write(user=user, **question_fields)
        if answer_fields:
            answer_write(question=question, expected_version=None, **answer_fields)
    return question


def note_add(*, question, author, text):
    return InternalNote.objects.create(question=question, author=author, text=text.strip())


# --- follow-up actions -------------------------------------------------------


def action_save(*, action, expected_version=None, today=None):
    """Create or edit a follow-up action; done sets the completion date."""
    today = today or timezone.localdate()
    with transaction.atomic():
        if action.pk:
            current = _check_version(FollowUpAction, action.pk, expected_version)
            action.version = current.version + 1
        if action.status == ActionStatus.DONE and action.completed_on is None:
            action.completed_on = today
        elif action.status != ActionStatus.DONE:
            action.completed_on = None
        action.full_clean()
        action.save()
    return action


def action_set_status(*, action, status, outcome=None, expected_version=None, today=None):
    action.status = ActionStatus(status)
    if outcome is not None:
        action.outcome = outcome.strip()
    return action_save(action=action, expected_version=expected_version, today=today)


def action_complete(*, action, outcome=None, today=None):
    return action_set_status(action=action, status=ActionStatus.DONE, outcome=outcome, today=today)


# --- page-text imports -------------------------------------------------------


def _find_question_for_record(record):
    """The question a pasted record is, if we already hold it.

    A UIN with its House and tabling date identifies a question; without a UIN
    (most pasted pages) the question's own words in its House do.
    """
    candidates = Question.objects.filter(house=record.house)
    if record.uin and record.date_tabled:
        found = candidates.filter(uin=record.uin, date_tabled=record.date_tabled).first()
        if found:
            return found
    return candidates.filter(text=record.question_text).order_by("id").first()


def import_page_record(record, *, user=None, source_url=""):
    """Create or update one question (and its answer) from a parsed page record.

    Returns ``(question, outcome)`` with outcome "created", "updated" or
    "unchanged".
    """
    house = House(record.house)
    department = department_for(name=record.department) if record.department else None
    asking_member = None
    if record.asking_member:
        asking_member = member_for(
            name=record.asking_member,
            house=house,
            party=record.asking_member_party or "",
            constituency=record.constituency or "",
        )
    question = _find_question_for_record(record)
    outcome = "unchanged"
    values = {
        "house": house.value,
        "heading": record.heading,
        "text": record.question_text,
        "department": department,
    }
    # What a page does not say leaves what we know alone.
    if record.date_tabled:
        values["date_tabled"] = record.date_tabled
    if record.uin:
        values["uin"] = record.uin
    if asking_member:
        values["asking_member"] = asking_member
    if source_url:
        values["source_url"] = source_url
    if question is None:
        question = Question(**values)
        question_save(question=question, user=user)
        outcome = "created"
    elif _assign(question, values):
        question_save(question=question, user=user)
        outcome = "updated"

    # "Grouped Questions: 16197" names UINs without their tabling dates; a
    # question named that we do not hold yet is linked when it arrives, and a
    # question arriving here may be one that an earlier import named.
    held = grouping.Held.of(question)
    linked = grouping.link_grouped(
        grouping.refs_named_by(held, ((uin, None) for uin in record.grouped_uins)),
        arrived=[held] if outcome != "unchanged" else [],
    )
    if question.pk in linked and outcome == "unchanged":
        outcome = "updated"

    if record.answer_text and record.date_answered:
        minister = None
        if record.answered_by:
            minister_member = member_for(name=record.answered_by, house=house)
            minister = minister_for(
                member=minister_member, title=record.minister_role or "", department=department
            )
        answer = question.get_answer()
        text = paragraphs_to_html(record.answer_text)
        # A "Holding answer received on …" line means the answer shown is the
        # substantive one that followed a holding answer.
        is_holding = False
        wanted = {
            "minister": minister,
            "date_answered": record.date_answered,
            "text": text,
            "is_holding": is_holding,
        }
        if answer is None or any(getattr(answer, k) != v for k, v in wanted.items()):
            holding_date = record.date_holding_answer
            answer_record(
                question=question,
                minister=minister,
                date_answered=record.date_answered,
                text=text,
                is_holding=is_holding,
                date_holding_answer=holding_date,
            )
            if outcome == "unchanged":
                outcome = "updated"
    return question, outcome


def import_page_records(records, *, user=None, source_url=""):
    """Import every record, all or nothing."""
    summary = ImportSummary()
    with transaction.atomic():
        for record in records:
            question, outcome = import_page_record(record, user=user, source_url=source_url)
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            summary.questions.append(question)
    return summary
