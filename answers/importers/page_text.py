"""Read written questions out of the visible text of public web pages.

Staff paste (or a fetcher saves) the text a browser shows for a written
question. Three page layouts are understood:

A. a Parallel Parliament question page: heading, "(asked on 24th July 2024)",
   "Question to the ...:", the question, an "Answered by" block (portrait,
   name, role, "This question was answered on ...") and the answer;
B. a Parallel Parliament listing entry: "Written Question", heading, the date
   the question was answered, "Asked by: Name (Party - Constituency)",
   "Question to the ...:", the question, "Answered by Name - Role", the answer;
C. a parliament.uk listing entry (2014-2021 site): "Q", "Asked by Name",
   "(Constituency)", "Asked on: 29 June 2017", department, heading, "Commons" or
   "Lords", the question, "A", "Answered by: ...", "Answered on: ...", the answer.

A text may hold one record or a listing of many, in any mix of layouts; the
site's own furniture (buttons, pop-ups, loading spinners, portraits) is dropped
so that it never reaches a field. The module is pure: no database and no
Django, so it can be used by importers, forms and management commands alike,
and tested on its own.

Anything that is not a written question raises :class:`PageTextError`, whose
message names what was expected and on which line, because the person who
pasted the text is the one who has to fix it.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

__all__ = ["PageRecord", "PageTextError", "parse_page_text"]


class PageTextError(ValueError):
    """Text that is not a written question.

    ``str()`` says what was expected and where ("line 3: expected ..."), so it
    can be shown to the person who supplied the text as it is. ``line`` is the
    1-based line number, or None when the problem is not tied to a line.
    """

    line: int | None

    def __init__(self, message: str, line: int | None = None) -> None:
        self.message = message
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)

    def __reduce__(self):
        # Keep the line number when the error crosses a process boundary.
        return (type(self), (self.message, self.line))


@dataclass(frozen=True)
class PageRecord:
    """One written question (and its answer, if it has one) as the page shows it.

    Names, parties and roles are kept as displayed (honorifics included),
    because the pages are the evidence and the importer decides how to match
    them to members. Dates the page does not show are None.
    """

    heading: str
    date_tabled: datetime.date | None
    asking_member: str | None
    asking_member_party: str | None
    constituency: str | None
    house: str  # "Commons" or "Lords"
    department: str | None
    question_text: str
    answered_by: str | None
    minister_role: str | None
    date_answered: datetime.date | None
    answer_text: str | None  # paragraphs joined by "\n\n"
    uin: str | None
    is_holding: bool = False  # a "Holding answer received on ..." line was present
    date_holding_answer: datetime.date | None = None
    grouped_uins: tuple[str, ...] = ()  # from "Grouped Questions: 16197, 16198"

    def to_json_dict(self) -> dict:
        """The 13 ground-truth fields, dates as ISO strings, None where unknown.

        The holding and grouped-question metadata are left out on purpose: the
        ground-truth files (and whatever compares against them) have exactly
        these keys.
        """
        return {
            "heading": self.heading,
            "date_tabled": _iso(self.date_tabled),
            "asking_member": self.asking_member,
            "asking_member_party": self.asking_member_party,
            "constituency": self.constituency,
            "house": self.house,
            "department": self.department,
            "question_text": self.question_text,
            "answered_by": self.answered_by,
            "minister_role": self.minister_role,
            "date_answered": _iso(self.date_answered),
            "answer_text": self.answer_text,
            "uin": self.uin,
        }


def _iso(value: datetime.date | None) -> str | None:
    return value.isoformat() if value is not None else None


# --- dates ---------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, full in enumerate(
        (
            "january", "february", "march", "april", "may", "june", "july",
            "august", "september", "october", "november", "december",
        ),
        start=1,
    )
    for name in (full, full[:3])
} | {"sept": 9}  # fmt: skip
_WEEKDAYS = {
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun",
}  # fmt: skip
_WORDY_DATE = re.compile(
    r"(?:(?P<weekday>[a-z]+)\.?,?\s+)?"
    r"(?P<day>\d{1,2})(?:st|nd|rd|th)?\s+(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{4})",
    re.IGNORECASE,
)
_ISO_DATE = re.compile(r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})")
_SLASH_DATE = re.compile(r"(?P<day>\d{1,2})/(?P<month>\d{1,2})/(?P<year>\d{4})")


def _parse_date(text: str) -> datetime.date | None:
    """A date as the sites write it, or None if ``text`` is not one.

    Parallel Parliament writes "24th July 2024" or "Monday 23rd January 2023";
    parliament.uk writes "05 June 2020". The weekday, when given, is not
    checked against the date: the date is what matters and a mismatch is the
    site's slip, not a reason to reject the question.
    """
    text = text.strip().rstrip(".,;")
    match = _WORDY_DATE.fullmatch(text)
    if match:
        weekday = match["weekday"]
        if weekday is not None and weekday.casefold() not in _WEEKDAYS:
            return None
        month = _MONTHS.get(match["month"].casefold())
        if month is None:
            return None
        return _make_date(match["year"], month, match["day"])
    match = _ISO_DATE.fullmatch(text) or _SLASH_DATE.fullmatch(text)
    if match:
        return _make_date(match["year"], match["month"], match["day"])
    return None


def _make_date(year: str | int, month: str | int, day: str | int) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:  # 30th February, year 0000 and the like
        return None


# --- line patterns ---------------------------------------------------------------
# Every pattern is matched against a cleaned line (see _clean_line): single
# spaces, no leading or trailing space, invisible characters removed.

_A_DATE = re.compile(r"\(\s*asked\s+on\b\s*:?\s*(?P<date>[^()]*?)\s*\)(?P<rest>.*)", re.I)
_WRITTEN_QUESTION = re.compile(r"written\s+question\s*:?", re.I)
_C_DATE = re.compile(r"asked\s+on\b\s*(?P<colon>:)?\s*(?P<date>.*)", re.I)
_Q_LINE = re.compile(r"Q(?:[\s:.]+(?P<uin>(?:HL\s?)?\d+))?")
_A_LINE = re.compile(r"A")
_ASKED_BY = re.compile(r"asked\s+by\b\s*:?\s*(?P<rest>.*)", re.I)
_QUESTION_TO = re.compile(r"question\s+to\s+(?:the\s+)?(?P<department>.+?)\s*:?", re.I)
_TO_ASK = re.compile(r"to\s+ask\b", re.I)
_ANSWERED_BY = re.compile(r"answered\s+by\b\s*:?\s*(?P<rest>.*)", re.I)
_ANSWERED_ON = re.compile(
    r"(?:this\s+question\s+was\s+)?answered\s+on\b\s*:?\s*(?P<date>.*?)\.?", re.I
)
_HOLDING = re.compile(r"holding\s+answer\s+received\s+on\b\s*:?\s*(?P<date>.*?)\.?", re.I)
_GROUPED = re.compile(r"grouped\s+questions?\b\s*:?\s*(?P<rest>.*)", re.I)
# What a page may show in place of an answer that has not come yet.
_AWAITING = re.compile(
    r"(?:awaiting\s+(?:an\s+)?answer|this\s+question\s+(?:has\s+not\s+yet\s+been\s+answered"
    r"|is\s+awaiting\s+(?:an\s+)?answer))\.?",
    re.I,
)
_HOUSE = re.compile(r"(?P<house>commons|lords)", re.I)
_PAREN_LINE = re.compile(r"\((?P<inner>.*)\)")

# UINs: Commons ones are numbers, Lords ones "HL" and a number.
_UIN = r"(?:HL\s?\d+|\d+)"
_UIN_TOKEN = re.compile(_UIN, re.I)
_UIN_LABELLED_LINE = re.compile(rf"\[?UIN\s*:?\s*(?P<uin>{_UIN})\]?\.?", re.I)
_UIN_IN_LINE = re.compile(rf"\bUIN\s*:?\s*(?P<uin>{_UIN})\b", re.I)
_UIN_BARE_LINE = re.compile(rf"\[?(?P<uin>{_UIN})\]?", re.I)
_UIN_LIST_LINE = re.compile(rf"{_UIN}(?:[\s,;|]+{_UIN})*[\s,;|]*", re.I)
# Hansard-style tag closing a question: "... statement. [HL1234]".
_QUESTION_TAG = re.compile(rf"\s*\[(?P<uin>{_UIN})\]$", re.I)

# Lords written questions ask the Government as a whole ("To ask His
# Majesty's Government ..."), or one of the Lords' own office-holders.
_LORDS_QUESTION = re.compile(
    r"\s*to\s+ask\s+(?:(?:his|her|their)\s+majesty['’‘`]?s\s+government"
    r"|the\s+(?:senior\s+deputy\s+speaker|lord\s+speaker|chairman\s+of\s+committees))\b",
    re.I,
)
# What Parallel Parliament shows in place of a constituency for a peer.
_PEERAGE = re.compile(
    r"\b(?:life\s+peer(?:ess)?|peer(?:ess)?|hereditary|bishops?|lords?\s+spiritual)\b", re.I
)
# "Name - Role" and "Party - Constituency"; the spaces keep "Labour (Co-op)",
# "Weston-super-Mare" and "Gentlemen-at-Arms" whole.
_DASH = re.compile(r"\s+[-–—]\s+")
_MARKERS = re.compile(r"(?:\s*\[[A-Z]\])+$")  # "[N]" / "[R]" badges after a name
_PORTRAIT = re.compile(r"(?P<name>.*?)\s*\bPortrait")
_VIEW_SOURCE = re.compile(r"\s*(?:[-–—|]\s*)?\bView\s+Source$", re.I)

# Lines that are the sites' buttons and widgets, never content.
_FURNITURE = {"view source", "close", "portrait", "expand all answers", "print selected"}
_SPINNER = "reticulating splines"  # Parallel Parliament's loading message, after the answer

# Pop-ups explaining a badge. parliament.uk: "[N]", "Close", "Named Day", an
# explanation; Parallel Parliament: "Named day", an explanation, "Close".
_POPUP_BADGE = re.compile(r"\[[A-Z]\]")
_POPUP_TITLE = re.compile(
    r"(?:named\s+day(?:\s+questions?)?|registered\s+interests?)\s*:?", re.IGNORECASE
)
_POPUP_TEXT = re.compile(
    r"named\s+day|relevant\s+interest|interest\s+has\s+been\s+declared", re.IGNORECASE
)
_POPUP_MAX_LINES = 6
# Portrait, name and a role of up to a few lines: how far to look for the
# "This question was answered on" line under a bare "Answered by".
_ANSWERER_MAX_LINES = 6

# Lines that carry a record's structure: a pop-up never runs over them.
_STRUCTURAL = re.compile(
    r"(?:asked\s+(?:on|by)\b|answered\s+(?:on|by)\b|to\s+ask\b|question\s+to\b"
    r"|this\s+question\s+was\s+answered|holding\s+answer\b|grouped\s+questions?\b"
    r"|\(\s*asked\s+on\b|written\s+question\s*:?$|(?:commons|lords)$|[QA]$|Q[\s:.]+\S+$)",
    re.IGNORECASE,
)

_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SPACES = re.compile(r"\s+")

_EXAMPLE_A = "'(asked on 12th February 2025)'"
_EXAMPLE_B = "'Monday 23rd January 2023'"
_EXAMPLE_C = "'Asked on: 24 April 2020'"


# --- the text as lines -----------------------------------------------------------


class _Lines:
    """The text as cleaned lines, with page furniture blanked out.

    Furniture is replaced by an empty line rather than removed, so an index
    ``i`` is always line ``i + 1`` of the text as given and error messages can
    point at the right place. A blank line is also what the furniture amounts
    to in the layout: it separates, it does not join.
    """

    def __init__(self, text: str) -> None:
        self.items = [_clean_line(raw) for raw in text.splitlines()]
        # Where the loading spinner stood: an answer ends there.
        self.spinners: set[int] = set()
        self._blank_furniture()
        self._blank_popups()

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int) -> str:
        return self.items[index]

    def next_filled(self, index: int, end: int | None = None) -> int | None:
        """The first non-blank line after ``index`` (before ``end``), or None."""
        stop = len(self.items) if end is None else end
        for i in range(index + 1, stop):
            if self.items[i]:
                return i
        return None

    def previous_filled(self, index: int) -> int | None:
        for i in range(index - 1, -1, -1):
            if self.items[i]:
                return i
        return None

    def _blank_furniture(self) -> None:
        for i, line in enumerate(self.items):
            line = _VIEW_SOURCE.sub("", line)
            folded = line.casefold()
            if folded == _SPINNER:
                self.spinners.add(i)
                line = ""
            elif folded in _FURNITURE:
                line = ""
            self.items[i] = line

    def _blank_popups(self) -> None:
        """Blank the pop-ups that explain a badge such as "[N]" (named day).

        They sit among the header lines of a record, and their wording would
        otherwise be read as a heading or question. Only a run that starts with
        a badge or a pop-up title is touched, so an answer that merely talks
        about named day questions keeps every word.
        """
        items = self.items
        i = 0
        while i < len(items):
            line = items[i]
            if _POPUP_BADGE.fullmatch(line):
                # parliament.uk: badge, "Close", title, explanation; ends where
                # the record goes on ("Asked on: ...", another badge).
                items[i] = ""
                i += 1
                budget = _POPUP_MAX_LINES
                while i < len(items) and budget:
                    line = items[i]
                    if line:
                        if _STRUCTURAL.match(line) or _POPUP_BADGE.fullmatch(line):
                            break
                        items[i] = ""
                        budget -= 1
                    i += 1
            elif _POPUP_TITLE.fullmatch(line) and self._explains_badge(i):
                # A title, then explanatory lines that speak of the badge.
                items[i] = ""
                i += 1
                while i < len(items):
                    line = items[i]
                    if line:
                        if not self._is_explanation(i):
                            break
                        items[i] = ""
                    i += 1
            else:
                i += 1

    def _is_explanation(self, index: int | None) -> bool:
        if index is None:
            return False
        line = self.items[index]
        return bool(_POPUP_TEXT.search(line)) and not _STRUCTURAL.match(line)

    def _explains_badge(self, index: int) -> bool:
        """Whether a pop-up title is followed by its explanation; a heading that
        happens to read "Named Day Questions" is not."""
        return self._is_explanation(self.next_filled(index))


def _clean_line(raw: str) -> str:
    """One line with invisible characters gone and every run of spaces (tabs,
    non-breaking spaces) made a single space: browsers show them so, and the
    patterns can then assume it."""
    return _SPACES.sub(" ", raw.translate(_INVISIBLE)).strip()


# --- finding the records ---------------------------------------------------------


def parse_page_text(text: str) -> list[PageRecord]:
    """Every record in the text (a file may hold one record or a listing of many).

    Raises PageTextError if no record can be found or a record is malformed.
    Text before the first record (site navigation, search forms) is ignored;
    a record runs until the next one starts.
    """
    if not isinstance(text, str):
        raise PageTextError(f"expected the page text as a string, got {type(text).__name__}")
    lines = _Lines(text)
    starts = _record_starts(lines)
    if not starts:
        raise _no_record_error(lines)
    records = []
    ordered = sorted(starts)
    for position, start in enumerate(ordered):
        end = ordered[position + 1] if position + 1 < len(ordered) else len(lines)
        parse = _PARSERS[starts[start]]
        records.append(parse(lines, start, end))
    return records


def _record_starts(lines: _Lines) -> dict[int, str]:
    """Where each record starts, and its layout ("A", "B" or "C").

    Each layout has one line that only it has: A's "(asked on ...)", B's
    "Written Question", C's "Asked on: ...". The record starts at that line
    or at the lines that belong above it (A's heading; C's "Q", "Asked by"
    and constituency lines).
    """
    starts: dict[int, str] = {}
    for i, line in enumerate(lines.items):
        if not line:
            continue
        if _A_DATE.fullmatch(line):
            heading = lines.previous_filled(i)
            if heading is None or _is_anchor(lines[heading]):
                raise PageTextError(
                    f"expected a heading before the date {_quote(line)}", line=i + 1
                )
            start = heading
            label = lines.previous_filled(heading)
            # Parallel Parliament may label a question page "Written Question".
            if label is not None and _WRITTEN_QUESTION.fullmatch(lines[label]):
                start = label
            starts[start] = "A"
        elif _WRITTEN_QUESTION.fullmatch(line):
            heading = lines.next_filled(i)
            date = lines.next_filled(heading) if heading is not None else None
            if date is not None and _A_DATE.fullmatch(lines[date]):
                continue  # the label of a question page (layout A), handled above
            starts.setdefault(i, "B")
        elif _c_date(line) is not None:
            starts[_c_record_top(lines, i)] = "C"
        elif _Q_LINE.fullmatch(line):
            # A "Q" that opens an entry starts a record even if its "Asked on"
            # line is missing, so the damage is reported rather than the entry
            # being read as part of the previous answer.
            following = lines.next_filled(i)
            if following is not None and _is_c_prefix(lines[following], after_q=True):
                starts[i] = "C"
    return starts


def _c_record_top(lines: _Lines, date_index: int) -> int:
    """The first line of the parliament.uk entry whose "Asked on" line is given.

    Walks up over the member's lines and badges to the "Q" line. A bracketed
    line alone is not enough to move the start: without "Q" or "Asked by"
    above it, it may as well be the last line of the previous answer.
    """
    top = date_index
    i = lines.previous_filled(date_index)
    while i is not None and _is_c_prefix(lines[i], after_q=False):
        line = lines[i]
        if _Q_LINE.fullmatch(line):
            return i
        if _ASKED_BY.fullmatch(line):
            top = i
        i = lines.previous_filled(i)
    return top


def _is_c_prefix(line: str, *, after_q: bool) -> bool:
    """Whether a line can sit between "Q" and "Asked on" in a parliament.uk entry."""
    if _A_DATE.fullmatch(line):
        return False
    if after_q and _c_date(line) is not None:
        return True
    return bool(
        (not after_q and _Q_LINE.fullmatch(line))
        or _ASKED_BY.fullmatch(line)
        or _PAREN_LINE.fullmatch(line)
        or _POPUP_TEXT.search(line)
    )


def _c_date(line: str) -> str | None:
    """The date text of a parliament.uk "Asked on: ..." line, else None.

    Without the colon, the line only counts if a date follows, so that prose
    starting "Asked on ..." is not taken for an entry.
    """
    match = _C_DATE.fullmatch(line)
    if match is None:
        return None
    if match["colon"] or _parse_date(match["date"]) is not None:
        return match["date"]
    return None


def _is_anchor(line: str) -> bool:
    return bool(
        _A_DATE.fullmatch(line) or _WRITTEN_QUESTION.fullmatch(line) or _c_date(line) is not None
    )


def _no_record_error(lines: _Lines) -> PageTextError:
    """The error for text with no record in it, pointing where one went wrong.

    With nothing to anchor on, the text is read as the start of the most
    likely layout: parliament.uk if it has "Q" or "Asked by" lines, otherwise
    a question page whose first line is the heading.
    """
    filled = [i for i, line in enumerate(lines.items) if line]
    if not filled:
        return PageTextError("expected a written question, but the text is empty", line=1)
    for i in filled:
        line = lines[i]
        if _Q_LINE.fullmatch(line) or (_ASKED_BY.fullmatch(line) and ":" not in line):
            j = i
            while j is not None and _is_c_prefix(lines[j], after_q=False):
                following = lines.next_filled(j)
                if following is None:
                    return PageTextError(
                        f"expected a date such as {_EXAMPLE_C} after {_quote(lines[j])}, "
                        "but the text ends",
                        line=j + 2,
                    )
                j = following
            return PageTextError(
                f"expected a date such as {_EXAMPLE_C} in a parliament.uk entry, "
                f"found {_quote(lines[j])}",
                line=j + 1,
            )
    heading = filled[0]
    hint = f"(or a 'Written Question' listing entry, or a parliament.uk entry with {_EXAMPLE_C})"
    if len(filled) == 1:
        return PageTextError(
            f"expected a date such as {_EXAMPLE_A} after the heading "
            f"{_quote(lines[heading])}, but the text ends {hint}",
            line=heading + 2,
        )
    return PageTextError(
        f"expected a date such as {_EXAMPLE_A} after the heading {_quote(lines[heading])}, "
        f"found {_quote(lines[filled[1]])} {hint}",
        line=filled[1] + 1,
    )


def _quote(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# --- the parts of a record -------------------------------------------------------


@dataclass
class _Answer:
    answered_by: str | None = None
    minister_role: str | None = None
    date_answered: datetime.date | None = None
    text: str | None = None
    holding_date: datetime.date | None = None
    is_holding: bool = False
    grouped: tuple[str, ...] = ()
    uin: str | None = None


@dataclass
class _Member:
    name: str | None = None
    party: str | None = None
    constituency: str | None = None
    is_peer: bool = False


def _parse_member(text: str) -> _Member:
    """ "Jessica Morden (Labour - Newport East)" as name, party and constituency.

    For a peer the second part is the kind of peerage ("Life peer"), which is
    not a constituency. The brackets are matched from the end so that a party
    such as "Labour (Co-op)" stays whole.
    """
    text = _MARKERS.sub("", text).strip()
    name, inner = _split_trailing_brackets(text)
    member = _Member(name=name or None)
    if inner:
        parts = _DASH.split(inner, maxsplit=1)
        if len(parts) == 2:
            member.party = parts[0] or None
            if _PEERAGE.search(parts[1]):
                member.is_peer = True
            else:
                member.constituency = parts[1] or None
        else:
            member.party = inner
    return member


def _split_trailing_brackets(text: str) -> tuple[str, str | None]:
    """ "Name (Party - Place)" as ("Name", "Party - Place"); text without a
    bracketed ending comes back whole."""
    if not text.endswith(")"):
        return text, None
    depth = 0
    for i in range(len(text) - 1, -1, -1):
        if text[i] == ")":
            depth += 1
        elif text[i] == "(":
            depth -= 1
            if depth == 0:
                if i == 0:
                    return text, None
                return text[:i].strip(), text[i + 1 : -1].strip()
    return text, None


def _split_role(text: str) -> tuple[str | None, str | None]:
    """ "Lord Hermer - Attorney General" as name and role. Only the first dash
    splits: a role may contain one, a minister's name does not."""
    parts = _DASH.split(text, maxsplit=1)
    name = parts[0].strip() or None
    role = parts[1].strip() if len(parts) == 2 else ""
    return name, role or None


def _normal_uin(text: str) -> str:
    return text.replace(" ", "").upper()


def _uin_tokens(text: str) -> tuple[str, ...]:
    return tuple(_normal_uin(token) for token in _UIN_TOKEN.findall(text))


def _paragraphs(chunks: list[list[str]]) -> str:
    """Paragraphs joined by a blank line; the lines within one by a newline.

    The pages separate paragraphs (and the cells of a flattened table) with a
    blank line, which is what the ground truth keeps. Lines that follow one
    another without a blank stay one paragraph, so no line break is invented
    and none is lost.
    """
    return "\n\n".join("\n".join(chunk) for chunk in chunks if chunk)


def _date_or_error(text: str, line: int, example: str) -> datetime.date:
    value = _parse_date(text)
    if value is None:
        raise PageTextError(f"expected a date such as {example}, found {_quote(text)}", line=line)
    return value


def _parse_answer(lines: _Lines, begin: int, end: int) -> _Answer:
    """The answer part of a record, from its first line to the record's end.

    Understands both Parallel Parliament's stacked block ("Answered by",
    portrait, name, role, "This question was answered on ...") and the
    one-line forms ("Answered by Name - Role", "Answered by: Name"), and takes
    holding, grouped-question and UIN lines as metadata wherever they stand.
    """
    answer = _Answer()
    i = begin
    while i < end and (not lines[i] or _A_LINE.fullmatch(lines[i])):
        i += 1
    if i < end and (match := _ANSWERED_BY.fullmatch(lines[i])):
        rest = match["rest"].strip()
        if rest:
            answer.answered_by, answer.minister_role = _split_role(_MARKERS.sub("", rest))
            i += 1
        else:
            i = _parse_stacked_answerer(lines, i + 1, end, answer)
    i = _parse_answer_metadata(lines, i, end, answer)
    answer.text = _parse_answer_text(lines, i, end, answer)
    return answer


def _parse_stacked_answerer(lines: _Lines, begin: int, end: int, answer: _Answer) -> int:
    """Name and role under a bare "Answered by"; returns where the answer goes on.

    The role is whatever stands between the name and the "answered on" line,
    so a missing role simply leaves nothing there. Without an "answered on"
    line, only the lines directly under the name can be the role: after a
    blank line the answer itself starts.
    """
    window: list[int] = []
    date_index = None
    i = begin
    while i < end and len(window) < _ANSWERER_MAX_LINES:
        line = lines[i]
        if line:
            if _ANSWERED_ON.fullmatch(line):
                date_index = i
                break
            if _is_answer_metadata(line):
                break
            window.append(i)
        i += 1
    if date_index is not None:
        block = window
        resume = date_index
    else:
        first = lines.next_filled(begin - 1, end)
        block = []
        resume = end if first is None else first
        while resume < end and lines[resume] and not _is_answer_metadata(lines[resume]):
            block.append(resume)
            resume += 1
    portrait_name = None
    role_lines = []
    for index in block:
        line = lines[index]
        portrait = _PORTRAIT.fullmatch(line)
        if portrait is not None:
            portrait_name = portrait_name or portrait["name"] or None
        elif answer.answered_by is None:
            answer.answered_by = line
        else:
            role_lines.append(line)
    if answer.answered_by is None:
        answer.answered_by = portrait_name
    answer.minister_role = " ".join(role_lines) or None
    return resume


def _is_answer_metadata(line: str) -> bool:
    return bool(
        _ANSWERED_ON.fullmatch(line)
        or _HOLDING.fullmatch(line)
        or _GROUPED.fullmatch(line)
        or _UIN_LABELLED_LINE.fullmatch(line)
    )


def _parse_answer_metadata(lines: _Lines, begin: int, end: int, answer: _Answer) -> int:
    """The metadata lines directly under the answerer ("Answered on: ...",
    "Holding answer received on ..."); returns the first line after them."""
    i = begin
    while i < end:
        line = lines[i]
        if line and not _is_answer_metadata(line):
            break
        if line:
            _take_metadata(line, i, answer)
        i += 1
    return i


def _take_metadata(line: str, index: int, answer: _Answer) -> bool:
    """Record one metadata line on ``answer``; False if it is not one."""
    if match := _ANSWERED_ON.fullmatch(line):
        date = _date_or_error(match["date"], index + 1, "'Answered on: 5 June 2020'")
        if answer.date_answered is None:
            answer.date_answered = date
    elif match := _HOLDING.fullmatch(line):
        date = _date_or_error(
            match["date"], index + 1, "'Holding answer received on 29 April 2020'"
        )
        answer.is_holding = True
        if answer.holding_date is None:
            answer.holding_date = date
    elif match := _GROUPED.fullmatch(line):
        answer.grouped += _uin_tokens(match["rest"])
    elif match := _UIN_LABELLED_LINE.fullmatch(line):
        answer.uin = answer.uin or _normal_uin(match["uin"])
    else:
        return False
    return True


def _parse_answer_text(lines: _Lines, begin: int, end: int, answer: _Answer) -> str | None:
    """The answer's paragraphs, leaving out metadata and what follows the spinner."""
    chunks: list[list[str]] = [[]]
    has_text = False
    grouped_open = False  # "Grouped Questions:" with its numbers on the next lines
    for i in range(begin, end):
        line = lines[i]
        if i in lines.spinners and has_text:
            break  # the rest of the page (related content) is not the answer
        if not line:
            _new_chunk(chunks)
            continue
        if grouped_open and _UIN_LIST_LINE.fullmatch(line):
            answer.grouped += _uin_tokens(line)
            continue
        grouped_open = False
        is_date = _ANSWERED_ON.fullmatch(line) is not None
        if (not is_date or not has_text) and _take_metadata(line, i, answer):
            grouped_open = _GROUPED.fullmatch(line) is not None and not answer.grouped
            _new_chunk(chunks)
            continue
        chunks[-1].append(line)
        has_text = True
    return _paragraphs(chunks) or None


def _new_chunk(chunks: list[list[str]]) -> None:
    if chunks[-1]:
        chunks.append([])


@dataclass
class _Question:
    department: str | None = None
    text: str = ""
    member: _Member | None = None
    uin: str | None = None


def _parse_question_text(
    lines: _Lines, begin: int, end: int, question: _Question, after: str, line_hint: int
) -> None:
    """The question's paragraphs between ``begin`` and ``end``; UIN lines and
    a closing "[HL1234]" tag are taken as the UIN, not as wording, and an
    "Awaiting answer" notice is the site's, not the member's."""
    chunks: list[list[str]] = [[]]
    for i in range(begin, end):
        line = lines[i]
        if i in lines.spinners and any(chunks):
            break  # an unanswered question page goes on with related content
        if not line:
            _new_chunk(chunks)
            continue
        if _AWAITING.fullmatch(line):
            _new_chunk(chunks)
            continue
        match = _UIN_LABELLED_LINE.fullmatch(line) or _UIN_BARE_LINE.fullmatch(line)
        if match is not None:
            question.uin = question.uin or _normal_uin(match["uin"])
            _new_chunk(chunks)
            continue
        chunks[-1].append(line)
    text = _paragraphs(chunks)
    tag = _QUESTION_TAG.search(text)
    if tag is not None and tag.start() > 0:
        question.uin = question.uin or _normal_uin(tag["uin"])
        text = text[: tag.start()].rstrip()
    if not text:
        raise PageTextError(
            "expected the question text (e.g. 'To ask the Secretary of State for ...') "
            f"after {_quote(after)}",
            line=line_hint,
        )
    question.text = text


def _first(lines: _Lines, begin: int, end: int, pattern: re.Pattern[str]) -> int | None:
    for i in range(begin, end):
        if lines[i] and pattern.fullmatch(lines[i]):
            return i
    return None


def _answer_start(lines: _Lines, begin: int, end: int) -> int:
    for i in range(begin, end):
        line = lines[i]
        if line and (
            _ANSWERED_BY.fullmatch(line) or _ANSWERED_ON.fullmatch(line) or _HOLDING.fullmatch(line)
        ):
            return i
    return end


def _parse_pp_body(lines: _Lines, begin: int, end: int, after: str) -> tuple[_Question, int]:
    """What follows the date on a Parallel Parliament page or listing entry:
    the asking member, "Question to the ...:", and the question. Returns the
    question and the index where the answer starts (``end`` if unanswered)."""
    answer_start = _answer_start(lines, begin, end)
    question = _Question()
    to_index = _first(lines, begin, answer_start, _QUESTION_TO)
    if to_index is not None:
        question.department = _QUESTION_TO.fullmatch(lines[to_index])["department"]
        header_end, text_start = to_index, to_index + 1
        after = lines[to_index]
    else:
        ask_index = _first(lines, begin, answer_start, _TO_ASK)
        header_end = text_start = begin if ask_index is None else ask_index
    if to_index is None and header_end == begin:
        # No landmarks at all: member and UIN lines at the top are not wording.
        header_end = text_start = _skip_pp_header_lines(lines, begin, answer_start)
    _parse_pp_header(lines, begin, header_end, question)
    hint_index = lines.next_filled(text_start - 1, answer_start)
    _parse_question_text(
        lines,
        text_start,
        answer_start,
        question,
        after,
        (hint_index if hint_index is not None else min(answer_start, len(lines))) + 1,
    )
    return question, answer_start


def _parse_pp_header(lines: _Lines, begin: int, end: int, question: _Question) -> None:
    """The asking member and UIN among the lines above the question.

    Other lines there (badges, pop-up remnants, site labels) are passed over:
    they are not part of any field.
    """
    i = begin
    while i < end:
        line = lines[i]
        i += 1
        if not line:
            continue
        if match := _ASKED_BY.fullmatch(line):
            rest = match["rest"].strip()
            if rest:
                question.member = _parse_member(rest)
            else:
                i = _parse_stacked_member(lines, i, end, question)
            continue
        match = (
            _UIN_IN_LINE.search(line) or _UIN_BARE_LINE.fullmatch(line) or _Q_LINE.fullmatch(line)
        )
        if match is not None and match["uin"] and question.uin is None:
            question.uin = _normal_uin(match["uin"])


def _parse_stacked_member(lines: _Lines, begin: int, end: int, question: _Question) -> int:
    """A member under a bare "Asked by": portrait, name, "Party - Constituency"."""
    i = begin
    while i < end and not lines[i]:
        i += 1
    portrait_name = None
    shown: list[str] = []
    while i < end and lines[i]:
        portrait = _PORTRAIT.fullmatch(lines[i])
        if portrait is not None:
            portrait_name = portrait_name or portrait["name"] or None
        else:
            shown.append(lines[i])
        i += 1
    name = shown[0] if shown else portrait_name
    if name is not None:
        text = name
        if len(shown) > 1:
            paren = _PAREN_LINE.fullmatch(shown[1])
            text = f"{name} ({paren['inner'] if paren else shown[1]})"
        question.member = _parse_member(text)
    return i


def _skip_pp_header_lines(lines: _Lines, begin: int, end: int) -> int:
    i = begin
    while i < end:
        line = lines[i]
        if line and not _ASKED_BY.fullmatch(line) and not _UIN_IN_LINE.search(line):
            break
        i += 1
    return i


def _house(question_text: str, member: _Member | None) -> str:
    if _LORDS_QUESTION.match(question_text) or (member is not None and member.is_peer):
        return "Lords"
    return "Commons"


def _record(
    *,
    heading: str,
    date_tabled: datetime.date | None,
    house: str,
    question: _Question,
    answer: _Answer,
    date_answered: datetime.date | None,
    uin: str | None,
) -> PageRecord:
    member = question.member or _Member()
    return PageRecord(
        heading=heading,
        date_tabled=date_tabled,
        asking_member=member.name,
        asking_member_party=member.party,
        # Peers sit for no constituency, whatever stands in its place.
        constituency=None if house == "Lords" else member.constituency,
        house=house,
        department=question.department,
        question_text=question.text,
        answered_by=answer.answered_by,
        minister_role=answer.minister_role,
        date_answered=date_answered,
        answer_text=answer.text,
        uin=uin or question.uin or answer.uin,
        is_holding=answer.is_holding,
        date_holding_answer=answer.holding_date,
        grouped_uins=answer.grouped,
    )


def _is_answered(answer: _Answer) -> bool:
    return bool(answer.answered_by or answer.text or answer.date_answered)


# --- the three layouts -------------------------------------------------------------


def _parse_layout_a(lines: _Lines, start: int, end: int) -> PageRecord:
    """A Parallel Parliament question page (layout A)."""
    heading_index = start
    if _WRITTEN_QUESTION.fullmatch(lines[start]):
        heading_index = lines.next_filled(start, end)
        if heading_index is None:
            raise PageTextError("expected a heading after 'Written Question'", line=start + 2)
    heading = lines[heading_index]
    date_index = lines.next_filled(heading_index, end)
    match = _A_DATE.fullmatch(lines[date_index]) if date_index is not None else None
    if match is None:
        found = lines[date_index] if date_index is not None else "the end of the record"
        raise PageTextError(
            f"expected a date such as {_EXAMPLE_A} after the heading, found {_quote(found)}",
            line=(date_index if date_index is not None else heading_index + 1) + 1,
        )
    date_tabled = _date_or_error(match["date"], date_index + 1, _EXAMPLE_A)
    uin_match = _UIN_IN_LINE.search(match["rest"])
    question, answer_start = _parse_pp_body(lines, date_index + 1, end, lines[date_index])
    answer = _parse_answer(lines, answer_start, end)
    return _record(
        heading=heading,
        date_tabled=date_tabled,
        house=_house(question.text, question.member),
        question=question,
        answer=answer,
        date_answered=answer.date_answered,
        uin=_normal_uin(uin_match["uin"]) if uin_match else None,
    )


def _parse_layout_b(lines: _Lines, start: int, end: int) -> PageRecord:
    """A Parallel Parliament listing entry (layout B).

    Its date line is the date the question was answered, so an answered entry
    has no tabling date. An entry without an answer can only be showing the
    date it was asked, so that is where the date goes then.
    """
    heading_index = lines.next_filled(start, end)
    if heading_index is None:
        raise PageTextError(
            "expected a heading after 'Written Question', but the entry ends", line=start + 2
        )
    heading = lines[heading_index]
    date_index = lines.next_filled(heading_index, end)
    if date_index is None:
        raise PageTextError(
            f"expected a date such as {_EXAMPLE_B} after the heading, but the entry ends",
            line=heading_index + 2,
        )
    date = _parse_date(lines[date_index])
    if date is None:
        raise PageTextError(
            f"expected a date such as {_EXAMPLE_B} after the heading, "
            f"found {_quote(lines[date_index])}",
            line=date_index + 1,
        )
    question, answer_start = _parse_pp_body(lines, date_index + 1, end, lines[date_index])
    answer = _parse_answer(lines, answer_start, end)
    answered = _is_answered(answer)
    return _record(
        heading=heading,
        date_tabled=None if answered else date,
        house=_house(question.text, question.member),
        question=question,
        answer=answer,
        date_answered=(answer.date_answered or date) if answered else None,
        uin=None,
    )


def _parse_layout_c(lines: _Lines, start: int, end: int) -> PageRecord:
    """A parliament.uk listing entry (layout C), which states its House."""
    question = _Question()
    constituency = None
    q_uin = None
    i = start
    while True:
        if i >= end:
            last = lines.previous_filled(end) if end > start else None
            raise PageTextError(
                f"expected a date such as {_EXAMPLE_C}, but the entry ends",
                line=(last if last is not None else start) + 2,
            )
        line = lines[i]
        if line and _c_date(line) is not None:
            break
        if line:
            if match := _Q_LINE.fullmatch(line):
                q_uin = q_uin or (_normal_uin(match["uin"]) if match["uin"] else None)
            elif match := _ASKED_BY.fullmatch(line):
                question.member = _parse_member(match["rest"])
            elif match := _PAREN_LINE.fullmatch(line):
                constituency = match["inner"].strip() or None
            elif not _POPUP_TEXT.search(line):
                raise PageTextError(
                    f"expected a date such as {_EXAMPLE_C} in a parliament.uk entry, "
                    f"found {_quote(line)}",
                    line=i + 1,
                )
        i += 1
    date_index = i
    date_tabled = _date_or_error(_c_date(lines[date_index]) or "", date_index + 1, _EXAMPLE_C)

    # Department, heading, then the House. Some entries show only one line
    # (e.g. "House of Commons Commission"); it then serves as both.
    above_house: list[int] = []
    house_index = None
    i = date_index + 1
    while i < end and len(above_house) <= 2:
        line = lines[i]
        if line:
            if _HOUSE.fullmatch(line) and above_house:
                house_index = i
                break
            if _HOUSE.fullmatch(line):
                raise PageTextError(
                    f"expected the answering department after {_quote(lines[date_index])}, "
                    f"found {_quote(line)}",
                    line=i + 1,
                )
            if (match := _UIN_LABELLED_LINE.fullmatch(line)) is not None:
                q_uin = q_uin or _normal_uin(match["uin"])
            else:
                above_house.append(i)
        i += 1
    if house_index is None:
        if len(above_house) > 2:
            where = above_house[2]
            found = f"found {_quote(lines[where])}"
        else:
            where = (above_house[-1] if above_house else date_index) + 1
            found = "but the entry ends"
        raise PageTextError(
            f"expected 'Commons' or 'Lords' after the department and heading, {found}",
            line=where + 1,
        )
    department = lines[above_house[0]]
    heading = lines[above_house[-1]]
    house = _HOUSE.fullmatch(lines[house_index])["house"].capitalize()

    answer_start = end
    for j in range(house_index + 1, end):
        line = lines[j]
        if line and (
            _A_LINE.fullmatch(line) or _ANSWERED_BY.fullmatch(line) or _ANSWERED_ON.fullmatch(line)
        ):
            answer_start = j
            break
    hint = lines.next_filled(house_index, answer_start)
    _parse_question_text(
        lines,
        house_index + 1,
        answer_start,
        question,
        lines[house_index],
        (hint if hint is not None else house_index + 1) + 1,
    )
    question.department = department
    if question.member is None:
        question.member = _Member()
    if constituency is not None and question.member.constituency is None:
        # parliament.uk puts the constituency on its own line in brackets.
        parts = _DASH.split(constituency, maxsplit=1)
        if len(parts) == 2:
            question.member.party = question.member.party or parts[0]
            constituency = None if _PEERAGE.search(parts[1]) else parts[1]
        question.member.constituency = constituency
    answer = _parse_answer(lines, answer_start, end)
    return _record(
        heading=heading,
        date_tabled=date_tabled,
        house=house,
        question=question,
        answer=answer,
        date_answered=answer.date_answered,
        uin=q_uin,
    )


_PARSERS = {"A": _parse_layout_a, "B": _parse_layout_b, "C": _parse_layout_c}
