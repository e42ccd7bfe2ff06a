"""Every write, in one place: one set of functions per entity, ``<entity>_<action>``.

The staff pages, the admin, the importers and the management commands all
call these keyword-only functions, so each rule is written once:

- versions: a record's version moves on in ``version_bump`` only, and a save
  carrying an older version than the stored one raises ``StaleEditError``
  (the pages then merge, see ``answers.merge``);
- questions: ``question_create``, ``question_update``, ``question_import_page``;
- answers: ``answer_record`` (the one answer to a question, recorded or
  edited), ``answer_update`` (field by field, the admin), and the rules the
  bulk API writer shares: ``answer_holding_date`` and ``answer_original``;
- notes: ``note_create``, ``note_update``;
- follow-up actions: ``action_create``, ``action_update``,
  ``action_set_status`` (a done or cancelled action needs an outcome:
  ``action_check_outcome``);
- reference data the importers meet: ``department_get_or_create``,
  ``member_get_or_create``, ``minister_post``. Staff choose departments and
  members from the known lists; only importers and admins add them.

Each write validates and runs inside ``transaction.atomic``, so a failure
leaves nothing half-written.
"""

import datetime
import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypedDict, Unpack

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from . import grouping
from .deadlines import due_date_for
from .importers.page_text import PageRecord
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
from .people import display_name, long_date
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
            f"{long_date(timezone.localtime(self.changed_at))} at "
            f"{timezone.localtime(self.changed_at):%H:%M}"
            if self.changed_at
            else ""
        )
        super().__init__(
            f"{who} changed this {current._meta.verbose_name} {('on ' + when) if when else ''} "
            "after you opened it."
        )

    @property
    def changed_by_name(self):
        return display_name(self.changed_by) if self.changed_by else ""


class Unchecked(enum.Enum):
    """``expected_version=ANY_VERSION``: an importer's write, made whatever the version."""

    ANY = "any"


ANY_VERSION = Unchecked.ANY


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


# --- versions ------------------------------------------------------------------


def version_bump(record, *, stored_version: int) -> None:
    """The one place a record's version moves on (the bulk API writer calls it too)."""
    record.version = stored_version + 1


def _lock_current(model, pk, expected_version):
    """Lock the row and refuse the save if it moved on since the editor loaded it."""
    current = model.objects.select_for_update().get(pk=pk)
    if expected_version is not ANY_VERSION and current.version != expected_version:
        raise StaleEditError(current)
    return current


def _save_versioned(record, *, expected_version, exclude=()):
    """Save ``record``: stale check and version bump for an existing row, then full_clean."""
    with transaction.atomic():
        if record.pk:
            current = _lock_current(type(record), record.pk, expected_version)
            version_bump(record, stored_version=current.version)
        record.full_clean(exclude=list(exclude))
        record.save()
    return record


def _check_names(kind, given, allowed):
    unknown = set(given) - set(allowed)
    if unknown:
        raise TypeError(f"{kind}() got unexpected fields: {', '.join(sorted(unknown))}")


# --- reference data (importers and admins) -------------------------------------


def department_get_or_create(*, name: str, parliament_id: int | None = None) -> Department:
    """The department with this Parliament id or name, created if new (importers only)."""
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
    return Department.objects.create(name=name, parliament_id=parliament_id)


def member_get_or_create(*, name: str, house: str, party: str = "", constituency: str = "",
                         parliament_id: int | None = None) -> Member:  # fmt: skip
    """The member with this Parliament id, or this name in this House, created if new.

    Importers only: staff choose members from the known list. Party and
    constituency are filled in or refreshed when the source gives them.
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


def minister_post(*, member: Member, title: str = "", department: Department | None = None
                  ) -> Minister:  # fmt: skip
    """The ministerial post ``member`` answered in.

    A post named by its title is found or added. Without a title the member's
    known post is used (the one in ``department`` first, else the latest), so
    naming a known minister never adds a second, untitled post; a member with
    no post yet gets an untitled one.
    """
    title = " ".join((title or "").split())
    posts = Minister.objects.filter(member=member)
    if not title:
        known = posts.filter(department=department).order_by("-id").first() if department else None
        known = known or posts.order_by("-id").first()
        if known is not None:
            return known
    minister, created = Minister.objects.get_or_create(
        member=member, title=title, defaults={"department": department}
    )
    if not created and department is not None and minister.department_id is None:
        minister.department = department
        minister.save(update_fields=["department"])
    return minister


# The department a post's title names in its closing brackets.
_POST_DEPARTMENT = re.compile(r"\((?P<name>[^()]+)\)\s*$")


def minister_department_warning(*, minister: Minister | None, department: Department | None
                                ) -> str:  # fmt: skip
    """A warning when the minister's post is in another department than the question's.

    A warning, not a refusal: ministers move, and a pasted page names the
    minister's current post.
    """
    if minister is None or department is None:
        return ""
    other = ""
    named = _POST_DEPARTMENT.search(minister.title or "")
    if minister.department_id and minister.department_id != department.pk:
        other = minister.department.name
    elif named and named["name"].strip().lower() != department.name.lower():
        # "Minister of State (Department for Work and Pensions)"
        other = named["name"].strip()
    if not other:
        return ""
    post = minister.title or "their post"
    return (
        f"{minister.member.name}’s post ({post}) is in the {other}, but the question "
        f"is addressed to the {department.name}. Check the minister and the department."
    )


# --- questions ---------------------------------------------------------------------


class QuestionFields(TypedDict, total=False):
    house: str
    uin: str
    parliament_id: int | None
    date_tabled: datetime.date | None
    is_named_day: bool
    date_for_answer: datetime.date | None
    heading: str
    text: str
    text_is_truncated: bool
    department: Department | None
    asking_member: Member | None
    source_url: str
    is_withdrawn: bool
    date_withdrawn: datetime.date | None


def _question_save(question, *, user, expected_version):
    """The question rules: due date, withdrawal date, who logged it, grouping links."""
    if not question.is_withdrawn:
        question.date_withdrawn = None
    if (
        question.pk is None
        and question.logged_by_id is None
        and getattr(user, "is_authenticated", False)
    ):
        question.logged_by = user
    question.due_date = due_date_for(
        house=question.house,
        date_tabled=question.date_tabled,
        is_named_day=question.is_named_day,
        date_for_answer=question.date_for_answer,
    )
    with transaction.atomic():
        _save_versioned(question, expected_version=expected_version, exclude=["grouped_questions"])
        # The answer keeps a copy of the tabling date (so "not answered before
        # tabling" is a database constraint): kept true here, the one place a
        # question's tabling date changes outside the bulk writer.
        Answer.objects.filter(question=question).exclude(
            question_date_tabled=question.date_tabled
        ).update(question_date_tabled=question.date_tabled)
        if question.uin:
            # An import may have named this question as grouped with another
            # before anyone logged it: link them now.
            grouping.link_grouped([], arrived=[grouping.Held.of(question)])
        # The answering process follows the question's dates.
        workflow_sync([question.pk], actor=user)
    return question


def question_create(*, user=None, **fields: Unpack[QuestionFields]) -> Question:
    """Log a new question."""
    _check_names("question_create", fields, QuestionFields.__annotations__)
    return _question_save(Question(**fields), user=user, expected_version=ANY_VERSION)


def question_update(*, question: Question, expected_version: "int | Unchecked", user=None,
                    **changes: Unpack[QuestionFields]) -> Question:  # fmt: skip
    """Change a question. A stored version other than ``expected_version`` raises
    :class:`StaleEditError` and writes nothing."""
    _check_names("question_update", changes, QuestionFields.__annotations__)
    for name, value in changes.items():
        setattr(question, name, value)
    return _question_save(question, user=user, expected_version=expected_version)


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


def question_import_page(*, record: PageRecord, user=None, source_url: str = ""
                         ) -> tuple[Question, str]:  # fmt: skip
    """Create or update one question (and its answer) from a parsed page record.

    Returns ``(question, outcome)`` with outcome "created", "updated" or
    "unchanged". What a page does not say leaves what we know alone.
    """
    house = House(record.house)
    department = department_get_or_create(name=record.department) if record.department else None
    asking_member = None
    if record.asking_member:
        asking_member = member_get_or_create(
            name=record.asking_member,
            house=house,
            party=record.asking_member_party or "",
            constituency=record.constituency or "",
        )
    question = _find_question_for_record(record)
    values = {
        "house": house.value,
        "heading": record.heading,
        "text": record.question_text,
        "department": department,
    }
    if record.date_tabled:
        values["date_tabled"] = record.date_tabled
    if record.uin:
        values["uin"] = record.uin
    if asking_member:
        values["asking_member"] = asking_member
    if source_url:
        values["source_url"] = source_url
    if question is None:
        question = question_create(user=user, **values)
        outcome = "created"
    elif any(getattr(question, name) != value for name, value in values.items()):
        question_update(question=question, expected_version=ANY_VERSION, user=user, **values)
        outcome = "updated"
    else:
        outcome = "unchanged"

    # "Grouped Questions: 16197" names UINs without their tabling dates; a
    # question named that we do not hold yet is linked when it arrives.
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
            minister = minister_post(
                member=member_get_or_create(name=record.answered_by, house=house),
                title=record.minister_role or "",
                department=department,
            )
        answer = question.get_answer()
        text = paragraphs_to_html(record.answer_text)
        # A "Holding answer received on …" line means the answer shown is the
        # substantive one that followed a holding answer.
        wanted = {
            "minister": minister,
            "date_answered": record.date_answered,
            "text": text,
            "is_holding": False,
        }
        if answer is None or any(getattr(answer, k) != v for k, v in wanted.items()):
            answer_record(
                question=question,
                expected_version=ANY_VERSION,
                minister=minister,
                date_answered=record.date_answered,
                text=text,
                is_holding=False,
                date_holding_answer=record.date_holding_answer,
            )
            if outcome == "unchanged":
                outcome = "updated"
    return question, outcome


def questions_import_pages(*, records: Iterable[PageRecord], user=None, source_url: str = ""
                           ) -> ImportSummary:  # fmt: skip
    """Import every parsed page record, all or nothing."""
    summary = ImportSummary()
    with transaction.atomic():
        for record in records:
            question, outcome = question_import_page(
                record=record, user=user, source_url=source_url
            )
            setattr(summary, outcome, getattr(summary, outcome) + 1)
            summary.questions.append(question)
    return summary


# --- answers -----------------------------------------------------------------------


class AnswerFields(TypedDict, total=False):
    minister: Minister | None
    date_answered: datetime.date | None
    text: str
    text_is_truncated: bool
    is_holding: bool
    date_holding_answer: datetime.date | None
    is_correction: bool
    date_corrected: datetime.date | None
    original_text: str
    original_date_answered: datetime.date | None


def answer_holding_date(existing, *, is_holding: bool, date_answered, date_holding_answer,
                        source_may_omit: bool = False):  # fmt: skip
    """The date a holding answer was given, after an answer is recorded.

    A holding answer that becomes substantive keeps the date it was held. An
    importer's source (``source_may_omit``) says nothing of a date it leaves
    out, so the stored date stays, and a holding answer is held on its own
    date; a person editing the form sees the stored date, so a blank means
    none.
    """
    if date_holding_answer is None and existing is not None:
        if existing.is_holding and not is_holding:
            return existing.date_holding_answer or existing.date_answered
        if source_may_omit:
            date_holding_answer = existing.date_holding_answer
    if source_may_omit and is_holding and date_holding_answer is None:
        return date_answered
    return date_holding_answer


def answer_original(existing, *, is_correction: bool, text: str, date_answered,
                    original_text: str = "", original_date_answered=None):  # fmt: skip
    """``(original_text, original_date_answered)`` of an answer after it is recorded.

    A corrected answer keeps the answer as first given and its date: given
    by the source when it has them, else what we held before the correction.
    """
    kept_text = existing.original_text if existing is not None else ""
    kept_date = existing.original_date_answered if existing is not None else None
    if not is_correction:
        return kept_text, kept_date
    if original_text:
        kept_text = original_text
    elif (
        not kept_text
        and existing is not None
        and not existing.is_correction
        and existing.text != text
    ):
        # Corrected since we last looked: what we held is the original.
        kept_text = existing.text
    if original_date_answered is not None:
        kept_date = original_date_answered
    elif kept_date is None:
        kept_date = (
            existing.date_answered
            if existing is not None and not existing.is_correction
            else date_answered
        )
    return kept_text, kept_date


def answer_record(*, question: Question, expected_version: "int | None | Unchecked",
                  date_answered: datetime.date, text: str, minister: Minister | None = None,
                  is_holding: bool = False,
                  date_holding_answer: datetime.date | None = None) -> Answer:  # fmt: skip
    """Record the answer to ``question``, or change the one it has. ``text`` is HTML.

    ``expected_version`` is the answer's version when the editor loaded it,
    or None when there was no answer then: an answer recorded by someone else
    in the meantime raises :class:`StaleEditError`, never overwritten.
    """
    with transaction.atomic():
        existing = Answer.objects.select_for_update().filter(question=question).first()
        if expected_version is not ANY_VERSION:
            if existing is not None and expected_version is None:
                raise StaleEditError(existing)
            if existing is None and expected_version is not None:
                # The answer the editor loaded has been deleted (by an admin).
                raise ValidationError("The answer you were editing has been deleted.")
        answer = existing or Answer(question=question)
        date_holding_answer = answer_holding_date(
            existing,
            is_holding=is_holding,
            date_answered=date_answered,
            date_holding_answer=date_holding_answer,
        )
        answer.minister = minister
        answer.date_answered = date_answered
        answer.text = text
        answer.is_holding = is_holding
        answer.date_holding_answer = date_holding_answer
        answer.question_date_tabled = question.date_tabled
        try:
            with transaction.atomic():
                answer = _save_versioned(
                    answer,
                    expected_version=ANY_VERSION if existing is None else expected_version,
                    exclude=["question"],
                )
        except IntegrityError:
            # Two people recording the first answer at once: the one-answer
            # rule lets only the first in; the second sees whose it is.
            existing = Answer.objects.filter(question=question).first()
            if existing is None:
                raise
            raise StaleEditError(existing) from None
        # An answer recorded or imported closes the answering process.
        workflow_sync([question.pk])
    return answer


def answer_update(*, answer: Answer, expected_version: "int | Unchecked",
                  **changes: Unpack[AnswerFields]) -> Answer:  # fmt: skip
    """Change an answer field by field (the admin), or save a new one the admin added."""
    _check_names("answer_update", changes, AnswerFields.__annotations__)
    stored = Answer.objects.filter(pk=answer.pk).first() if answer.pk else None
    for name, value in changes.items():
        setattr(answer, name, value)
    answer.date_holding_answer = answer_holding_date(
        stored,
        is_holding=answer.is_holding,
        date_answered=answer.date_answered,
        date_holding_answer=answer.date_holding_answer,
    )
    answer.original_text, answer.original_date_answered = answer_original(
        stored,
        is_correction=answer.is_correction,
        text=answer.text,
        date_answered=answer.date_answered,
        original_text=answer.original_text,
        original_date_answered=answer.original_date_answered,
    )
    with transaction.atomic():
        _save_versioned(answer, expected_version=expected_version, exclude=["question"])
        # An answer recorded in the admin closes the answering process too.
        workflow_sync([answer.question_id])
    return answer


# --- internal notes ------------------------------------------------------------------


def note_create(*, question: Question, author, text: str) -> InternalNote:
    note = InternalNote(question=question, author=author, text=(text or "").strip())
    note.full_clean()
    note.save()
    return note


def note_update(*, note: InternalNote, expected_version: "int | Unchecked", text: str,
                author=None) -> InternalNote:  # fmt: skip
    """Change a note's text; a note added in the admin is written by whoever adds it."""
    note.text = (text or "").strip()
    if note.author_id is None and author is not None:
        note.author = author
    return _save_versioned(note, expected_version=expected_version)


# --- follow-up actions ---------------------------------------------------------------


class ActionFields(TypedDict, total=False):
    title: str
    detail: str
    owner: object
    organisation: str
    due_date: datetime.date | None
    is_public: bool
    status: str
    outcome: str
    completed_on: datetime.date | None


CLOSED_STATUSES = (ActionStatus.DONE, ActionStatus.CANCELLED)


def action_check_outcome(*, status: str, outcome: str, previous_status: str | None = None):
    """A follow-up action closed as done or cancelled needs its outcome recorded.

    Raises ``ValidationError`` on ``outcome``. An action that was already
    closed (``previous_status``) is not asked again.
    """
    if status in CLOSED_STATUSES and status != previous_status and not (outcome or "").strip():
        raise ValidationError(
            {"outcome": "Enter the outcome: what was done, or why the action was cancelled."}
        )


def _action_save(action, *, expected_version, today):
    today = today or timezone.localdate()
    with transaction.atomic():
        previous = (
            FollowUpAction.objects.filter(pk=action.pk).values_list("status", flat=True).first()
            if action.pk
            else None
        )
        action.outcome = (action.outcome or "").strip()
        action_check_outcome(status=action.status, outcome=action.outcome, previous_status=previous)
        if action.status == ActionStatus.DONE and action.completed_on is None:
            action.completed_on = today
        elif action.status != ActionStatus.DONE:
            action.completed_on = None
        return _save_versioned(action, expected_version=expected_version)


def action_create(*, question: Question, today: datetime.date | None = None,
                  **fields: Unpack[ActionFields]) -> FollowUpAction:  # fmt: skip
    """Add a follow-up action; a done one gets today's completion date."""
    _check_names("action_create", fields, ActionFields.__annotations__)
    action = FollowUpAction(question=question, **fields)
    return _action_save(action, expected_version=ANY_VERSION, today=today)


def action_update(*, action: FollowUpAction, expected_version: "int | Unchecked",
                  today: datetime.date | None = None,
                  **changes: Unpack[ActionFields]) -> FollowUpAction:  # fmt: skip
    """Change a follow-up action; done sets the completion date, reopening clears it."""
    _check_names("action_update", changes, ActionFields.__annotations__)
    for name, value in changes.items():
        setattr(action, name, value)
    return _action_save(action, expected_version=expected_version, today=today)


def action_set_status(*, action: FollowUpAction, status: str, outcome: str | None = None,
                      expected_version: "int | Unchecked",
                      today: datetime.date | None = None) -> FollowUpAction:  # fmt: skip
    """Move an action to ``status``; done or cancelled needs an outcome."""
    changes = {"status": ActionStatus(status)}
    if outcome is not None:
        changes["outcome"] = outcome
    return action_update(action=action, expected_version=expected_version, today=today, **changes)
