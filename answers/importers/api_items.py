"""Parliament Written Questions API items, checked and turned into plain values.

Nothing here touches the database: a file (or a page fetched from the live
API) is read and every item validated first, so that a bad item anywhere
refuses the whole file before anything is written. ``api_writer`` then writes
the checked items in bulk.

The API comes in three shapes (see ``tests/data/samples/README.md``): a bare
array of ``{"value": {...}, "links": [...]}`` items (list pages concatenated),
the list envelope ``{"totalResults": N, "results": [...]}``, and a single
``{"value": {...}}`` item as the detail endpoint returns it.

The list endpoint cuts texts short: ``questionText`` at 255 characters, and
``answerText`` (HTML stripped, entities kept) at 255 characters plus "...".
Items from it are flagged as truncated so that the fetcher can complete them
from the detail endpoint, which gives the full text and the answer as HTML.
"""

import datetime
import json
import re
import zoneinfo
from dataclasses import dataclass
from pathlib import Path

from answers.models import House
from answers.text import sanitise_html

# Where the list endpoint cuts texts. A text this long from a list page may
# have lost its end; one from the detail endpoint has not.
LIST_TEXT_LIMIT = 255

LONDON = zoneinfo.ZoneInfo("Europe/London")

# House.values builds a new list on each use.
HOUSES = frozenset(House.values)

# The widths of the columns the values go into, checked here so that
# PostgreSQL never refuses a row half way through a bulk insert.
MAX_LENGTHS = {
    "uin": 30,
    "heading": 500,
    "answeringBodyName": 255,
    "name": 255,
    "party": 120,
    "memberFrom": 255,
}

_BLOCK_TAG = re.compile(r"<(p|ul|ol|table|h[2-4]|blockquote)[\s>]", re.IGNORECASE)
# Parliament pads answers with empty paragraphs ("<p> </p>") as spacers.
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|\u00a0|<br>)*</p>", re.IGNORECASE)


class ApiDataError(ValueError):
    """An API document or item that cannot be imported, said in words a user can act on."""

    def __init__(self, message, *, source="", index=None, parliament_id=None, field=None):
        self.message = message
        self.source = str(source)
        self.index = index
        self.parliament_id = parliament_id
        self.field = field
        super().__init__(str(self))

    def __str__(self):
        where = []
        if self.source:
            where.append(self.source)
        if self.index is not None:
            pid = (
                f"Parliament id {self.parliament_id}"
                if self.parliament_id is not None
                else "no Parliament id"
            )
            where.append(f"item at index {self.index} ({pid})")
        if self.field:
            where.append(f"field {self.field!r}")
        return ": ".join([*where, self.message])


class _FieldError(Exception):
    def __init__(self, field, message):
        self.field = field
        self.message = message


@dataclass(frozen=True)
class MemberInfo:
    """A member as an item names them: always an id; a name only with expandMember."""

    parliament_id: int
    name: str = ""
    party: str = ""
    constituency: str = ""


@dataclass(frozen=True)
class GroupRef:
    """Another question answered together with this one."""

    uin: str
    # Given by groupedQuestionsDates; UINs are reused, so the tabling date is
    # what tells two questions with the same UIN apart.
    date_tabled: datetime.date | None = None


@dataclass(frozen=True)
class ApiAnswer:
    date_answered: datetime.date
    text: str  # sanitised HTML
    text_is_truncated: bool
    is_holding: bool
    date_holding_answer: datetime.date | None
    is_correction: bool
    date_corrected: datetime.date | None
    original_text: str  # sanitised HTML; "" when the item does not give it
    minister: MemberInfo | None


@dataclass(frozen=True)
class ApiQuestion:
    parliament_id: int
    house: str
    uin: str
    date_tabled: datetime.date
    date_for_answer: datetime.date | None
    is_named_day: bool
    heading: str
    text: str
    text_is_truncated: bool
    asking_member: MemberInfo | None
    department_id: int | None
    department_name: str
    is_withdrawn: bool
    grouped: tuple[GroupRef, ...]
    answer: ApiAnswer | None

    @property
    def is_truncated(self):
        return self.text_is_truncated or bool(self.answer and self.answer.text_is_truncated)


# --- values ------------------------------------------------------------------


def answer_html(value):
    """An API answer as the HTML we store: sanitised, spacer paragraphs dropped.

    List items carry the answer as text with its HTML entities kept
    ("R&amp;D"); that is already valid HTML, so it is sanitised like the rest
    and wrapped in a paragraph.
    """
    clean = _EMPTY_PARAGRAPH.sub("", sanitise_html(value or "")).strip()
    if clean and not _BLOCK_TAG.search(clean):
        clean = f"<p>{clean}</p>"
    return clean


def parse_api_date(value):
    """An API date ("2024-09-10T00:00:00", or a plain ISO date) as a date.

    A timestamp with an offset is taken in London time, the House's clock.
    """
    if not isinstance(value, str):
        raise ValueError(f"expected a date string, not {_type_name(value)}")
    text = value.strip()
    try:
        if len(text) == 10:
            return datetime.date.fromisoformat(text)
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a date") from None
    if moment.tzinfo is not None:
        moment = moment.astimezone(LONDON)
    return moment.date()


def _type_name(value):
    return {
        type(None): "null",
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "an object",
    }.get(type(value), type(value).__name__)


class _Item:
    """Typed access to one item's fields; every failure names its field."""

    def __init__(self, raw):
        self.raw = raw

    def _get(self, name, required):
        value = self.raw.get(name)
        if value is None and required:
            raise _FieldError(name, "is missing" if name not in self.raw else "is null")
        return value

    def integer(self, name, *, required=False):
        value = self._get(name, required)
        if value is None:
            return None
        # bool is an int in Python; in JSON true is not a number.
        if isinstance(value, bool) or not isinstance(value, int):
            raise _FieldError(name, f"expected a whole number, not {_type_name(value)}")
        if value <= 0:
            raise _FieldError(name, f"expected a positive id, not {value}")
        return value

    def string(self, name, *, required=False, max_length=None):
        value = self._get(name, required)
        if value is None:
            return ""
        if not isinstance(value, str):
            raise _FieldError(name, f"expected a string, not {_type_name(value)}")
        value = value.strip()
        if required and not value:
            raise _FieldError(name, "is empty")
        limit = max_length or MAX_LENGTHS.get(name)
        if limit and len(value) > limit:
            raise _FieldError(name, f"is {len(value)} characters long; at most {limit} fit")
        return value

    def boolean(self, name):
        value = self._get(name, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise _FieldError(name, f"expected true or false, not {_type_name(value)}")
        return value

    def date(self, name, *, required=False):
        value = self._get(name, required)
        if value is None:
            return None
        try:
            return parse_api_date(value)
        except ValueError as error:
            raise _FieldError(name, str(error)) from None

    def member(self, id_name, object_name):
        parliament_id = self.integer(id_name)
        details = self.raw.get(object_name)
        if details is None:
            return MemberInfo(parliament_id) if parliament_id else None
        if not isinstance(details, dict):
            raise _FieldError(object_name, f"expected an object, not {_type_name(details)}")
        inner = _Item(details)
        try:
            nested_id = inner.integer("id")
            name = inner.string("name")
            party = inner.string("party")
            constituency = inner.string("memberFrom")
        except _FieldError as error:
            raise _FieldError(f"{object_name}.{error.field}", error.message) from None
        parliament_id = parliament_id or nested_id
        if parliament_id is None:
            return None
        if nested_id is not None and nested_id != parliament_id:
            raise _FieldError(
                f"{object_name}.id", f"is {nested_id} but {id_name} is {parliament_id}"
            )
        return MemberInfo(parliament_id, name, party, constituency)

    def grouped(self, date_tabled):
        uins = self.raw.get("groupedQuestions") or []
        dated = self.raw.get("groupedQuestionsDates") or []
        if not uins and not dated:  # most questions
            return ()
        if not isinstance(uins, list):
            raise _FieldError("groupedQuestions", f"expected a list, not {_type_name(uins)}")
        if not isinstance(dated, list):
            raise _FieldError("groupedQuestionsDates", f"expected a list, not {_type_name(dated)}")
        refs = {}
        for position, entry in enumerate(dated):
            field = f"groupedQuestionsDates[{position}]"
            if not isinstance(entry, dict):
                raise _FieldError(field, f"expected an object, not {_type_name(entry)}")
            inner = _Item(entry)
            try:
                uin = inner.string("questionUin", required=True, max_length=30)
                tabled = inner.date("dateTabled")
            except _FieldError as error:
                raise _FieldError(f"{field}.{error.field}", error.message) from None
            refs[uin] = GroupRef(uin, tabled)
        for position, uin in enumerate(uins):
            # The list gives UINs as strings; a number is the same UIN.
            if isinstance(uin, int) and not isinstance(uin, bool):
                uin = str(uin)
            if not isinstance(uin, str) or not uin.strip():
                raise _FieldError(
                    f"groupedQuestions[{position}]", f"expected a UIN, not {_type_name(uin)}"
                )
            refs.setdefault(uin.strip(), GroupRef(uin.strip(), None))
        return tuple(refs.values())


def parse_item(raw, *, complete=False):
    """One API item (``{"value": {...}}`` or the bare value) as an ``ApiQuestion``.

    ``complete`` says the item came from the detail endpoint, whose texts are
    never cut short. Raises ``ApiDataError`` naming the field at fault.
    """
    if isinstance(raw, dict) and "value" in raw and "id" not in raw:
        raw = raw["value"]
    if not isinstance(raw, dict):
        raise ApiDataError(f"expected an object with a 'value', not {_type_name(raw)}")
    item = _Item(raw)
    parliament_id = None
    try:
        parliament_id = item.integer("id", required=True)
        house = item.string("house", required=True)
        if house not in HOUSES:
            raise _FieldError("house", f"expected Commons or Lords, not {house!r}")
        date_tabled = item.date("dateTabled", required=True)
        date_for_answer = item.date("dateForAnswer")
        if date_for_answer and date_for_answer < date_tabled:
            raise _FieldError(
                "dateForAnswer", f"{date_for_answer} is before the date tabled, {date_tabled}"
            )
        uin = item.string("uin", required=True)
        text = item.string("questionText", required=True)
        heading = item.string("heading") or f"Written question {uin}"
        department_id = item.integer("answeringBodyId")
        department_name = item.string("answeringBodyName")
        if department_id and not department_name:
            raise _FieldError("answeringBodyName", "is missing for the answering body")
        question = ApiQuestion(
            parliament_id=parliament_id,
            house=house,
            uin=uin,
            date_tabled=date_tabled,
            date_for_answer=date_for_answer,
            is_named_day=item.boolean("isNamedDay"),
            heading=heading,
            text=text,
            text_is_truncated=not complete and _raw_length(raw, "questionText") >= LIST_TEXT_LIMIT,
            asking_member=item.member("askingMemberId", "askingMember"),
            department_id=department_id,
            department_name=department_name,
            is_withdrawn=item.boolean("isWithdrawn"),
            grouped=item.grouped(date_tabled),
            answer=_parse_answer(item, date_tabled, complete),
        )
    except _FieldError as error:
        raise ApiDataError(error.message, parliament_id=parliament_id, field=error.field) from None
    return question


def _raw_length(raw, name):
    # Measured before stripping: a text cut on a space is still cut.
    value = raw.get(name)
    return len(value) if isinstance(value, str) else 0


def _parse_answer(item, date_tabled, complete):
    date_answered = item.date("dateAnswered")
    raw_text = item.string("answerText", max_length=10_000_000)
    if date_answered is None:
        if raw_text:
            raise _FieldError("dateAnswered", "is missing for an item with an answer")
        return None
    if date_answered < date_tabled:
        raise _FieldError(
            "dateAnswered", f"{date_answered} is before the date tabled, {date_tabled}"
        )
    is_correction = item.boolean("answerIsCorrection")
    return ApiAnswer(
        date_answered=date_answered,
        text=answer_html(raw_text),
        # Anything this long from a list page may have been cut (most end
        # "..."; a few stop at 255 on a space).
        text_is_truncated=not complete and _raw_length(item.raw, "answerText") >= LIST_TEXT_LIMIT,
        is_holding=item.boolean("answerIsHolding"),
        date_holding_answer=item.date("dateHoldingAnswer"),
        is_correction=is_correction,
        date_corrected=item.date("dateAnswerCorrected"),
        original_text=answer_html(item.string("originalAnswerText", max_length=10_000_000)),
        minister=item.member("answeringMemberId", "answeringMember"),
    )


# --- documents ---------------------------------------------------------------


def items_in_document(data):
    """The raw items of a decoded API document and whether they are complete.

    Returns ``(items, complete)``: a single ``{"value": ...}`` is what the
    detail endpoint returns, so its texts are whole.
    """
    if isinstance(data, list):
        return data, False
    if isinstance(data, dict):
        if "results" in data:
            results = data["results"]
            if not isinstance(results, list):
                raise ApiDataError(f"'results' should be a list, not {_type_name(results)}")
            return results, False
        if isinstance(data.get("value"), dict):
            return [data], True
    raise ApiDataError(
        'expected a JSON array of items, a list page {"totalResults": N, "results": [...]} '
        'or a single item {"value": {...}}'
    )


def parse_document(data, *, source="", complete=None):
    """Every item of a decoded document, validated; the first bad one raises."""
    try:
        raw_items, shape_complete = items_in_document(data)
    except ApiDataError as error:
        error.source = str(source)
        raise
    if complete is None:
        complete = shape_complete
    questions = []
    for index, raw in enumerate(raw_items):
        try:
            questions.append(parse_item(raw, complete=complete))
        except ApiDataError as error:
            error.source = str(source)
            error.index = index
            raise
    return questions


def read_api_file(path):
    """A saved API file's questions, all validated, or ``ApiDataError``."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ApiDataError(f"cannot be read ({error.strerror})", source=path) from None
    try:
        # utf-8-sig: a file saved on Windows may start with a byte-order mark.
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ApiDataError("is not UTF-8 text", source=path) from None
    except json.JSONDecodeError as error:
        raise ApiDataError(
            f"is not valid JSON (line {error.lineno}, column {error.colno}: {error.msg}); "
            "was the file cut short?",
            source=path,
        ) from None
    return parse_document(data, source=path)
