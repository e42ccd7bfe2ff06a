"""A question's history as staff read it: who changed what, and from what to what.

django-simple-history keeps a full copy of a row at every save. Here the
copies of a question, its answer, its follow-up actions and its notes are
fetched in one query per model (with the people and records they point to
joined in), compared in Python, and turned into entries such as "Status:
Open → Done".
"""

from dataclasses import dataclass, field

from django.utils.text import Truncator

from ..models import Answer, FollowUpAction, InternalNote
from ..people import display_name, long_date
from ..text import html_to_text

# What each model's history shows, in this order. Versions and timestamps
# are left out: they change on every save and say nothing to a reader.
QUESTION_FIELDS = [
    "heading",
    "text",
    "house",
    "uin",
    "date_tabled",
    "is_named_day",
    "date_for_answer",
    "due_date",
    "department",
    "asking_member",
    "is_withdrawn",
    "date_withdrawn",
    "source_url",
]
ANSWER_FIELDS = [
    "minister",
    "date_answered",
    "text",
    "is_holding",
    "date_holding_answer",
    "is_correction",
    "date_corrected",
]
ACTION_FIELDS = [
    "title",
    "detail",
    "owner",
    "organisation",
    "due_date",
    "status",
    "is_public",
    "outcome",
    "completed_on",
]
NOTE_FIELDS = ["text"]

TEXT_LIMIT = 300


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    when: object
    who: object
    summary: str
    changes: list = field(default_factory=list)


def _label(model, name):
    label = str(model._meta.get_field(name).verbose_name)
    return label[:1].upper() + label[1:]


def _display(record, name):
    model_field = record._meta.get_field(name)
    if model_field.is_relation:
        if getattr(record, model_field.attname) is None:
            return ""
        try:
            related = getattr(record, name)
        except model_field.related_model.DoesNotExist:
            return "(deleted)"
        if hasattr(related, "get_username"):
            return display_name(related)
        return str(related)
    value = getattr(record, name)
    if value is None or value == "":
        return ""
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "strftime"):
        return long_date(value)
    text = html_to_text(value) if "<" in str(value) else str(value)
    return Truncator(text).chars(TEXT_LIMIT)


def _raw(record, name):
    return getattr(record, record._meta.get_field(name).attname)


def _entries(records, fields, describe):
    """Entries for the history records of one model, oldest first per object."""
    previous = {}
    entries = []
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        kind = record.history_type
        if kind == "~" and before is not None:
            changes = [
                Change(
                    _label(record.instance_type, name),
                    _display(before, name),
                    _display(record, name),
                )
                for name in fields
                if _raw(before, name) != _raw(record, name)
            ]
            if not changes:
                # Saved without a visible change (a version bump, say).
                continue
        else:
            changes = []
        entries.append(
            Entry(
                when=record.history_date,
                who=record.history_user,
                summary=describe(record, kind),
                changes=changes,
            )
        )
    return entries


def _describe_question(record, kind):
    return {"+": "Logged the question", "-": "Deleted the question"}.get(
        kind, "Changed the question"
    )


def _describe_answer(record, kind):
    return {"+": "Recorded the answer", "-": "Deleted the answer"}.get(kind, "Changed the answer")


def _describe_action(record, kind):
    verb = {"+": "Added", "-": "Deleted"}.get(kind, "Changed")
    return f"{verb} the follow-up action “{Truncator(record.title).chars(80)}”"


def _describe_note(record, kind):
    return {"+": "Added a note", "-": "Deleted a note"}.get(kind, "Changed a note")


def question_history(question):
    """Every recorded change to ``question`` and what hangs off it, newest first.

    Four queries: the question's, the answer's, the actions' and the notes'
    history, each with the users and records it names joined in.
    """
    order = ["history_date", "history_id"]
    sources = [
        (
            question.history.select_related("history_user", "department", "asking_member"),
            QUESTION_FIELDS,
            _describe_question,
        ),
        (
            Answer.history.filter(question_id=question.pk).select_related(
                "history_user", "minister__member"
            ),
            ANSWER_FIELDS,
            _describe_answer,
        ),
        (
            FollowUpAction.history.filter(question_id=question.pk).select_related(
                "history_user", "owner"
            ),
            ACTION_FIELDS,
            _describe_action,
        ),
        (
            InternalNote.history.filter(question_id=question.pk).select_related("history_user"),
            NOTE_FIELDS,
            _describe_note,
        ),
    ]
    entries = []
    for records, fields, describe in sources:
        entries += _entries(records.order_by(*order), fields, describe)
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
