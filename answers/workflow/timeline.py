"""The timeline of a question's process, and how its answer differs from the cleared draft."""

import difflib
import re
from dataclasses import dataclass

from django.utils import timezone
from django.utils.timesince import timesince

from answers.deadlines import working_days_between
from answers.text import html_to_text


@dataclass
class Entry:
    event: object
    until: object  # when the stage it led to ended (None: still in it)
    working_days: int
    duration: str


def in_stage_for(start, end):
    """(working days, words) spent between two moments."""
    days = working_days_between(timezone.localdate(start), timezone.localdate(end))
    if days:
        return days, f"{days} working day{'s' if days != 1 else ''}"
    return 0, f"{timesince(start, end)} (same day)" if end > start else "moments"


def timeline(events, now=None):
    """Each move, and how long the question then stayed in the stage it led to."""
    now = now or timezone.now()
    events = list(events)
    entries = []
    for event, following in zip(events, [*events[1:], None][: len(events)], strict=True):
        until = following.at if following is not None else None
        days, words = in_stage_for(event.at, until or now)
        if until is None and event.to_stage in ("answered", "transferred_out"):
            words = ""
        entries.append(Entry(event, until, days, words))
    return entries


_WORD = re.compile(r"\S+|\s+")


def answer_difference(draft_text, answer_html):
    """Word by word, how the official answer differs from the cleared draft.

    A list of ("same" | "removed" | "added", text); empty when they are the same.
    """
    before = " ".join(draft_text.split())
    after = " ".join(html_to_text(answer_html).split())
    if before == after:
        return []
    a, b = _WORD.findall(before), _WORD.findall(after)
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("same", "".join(a[i1:i2])))
        if op in ("delete", "replace"):
            out.append(("removed", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("added", "".join(b[j1:j2])))
    return out
