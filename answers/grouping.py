"""Grouped questions: linking questions answered together, in whatever order they arrive.

A source names the other questions of a group by UIN: the Parliament API's
``groupedQuestions`` (with ``groupedQuestionsDates`` giving each one's tabling
date) and a page's "Grouped Questions: 16197" line (UIN only). UINs are
reused, so a named question is matched on House, UIN and tabling date when the
source gives the date, and otherwise to the question with that UIN tabled
nearest the naming question (see :func:`pick`).

A named question we do not hold yet is remembered as a ``GroupedQuestionRef``;
when a question with that House and UIN is later created or changed, by either
importer, the reference is resolved: the two are linked and the reference
deleted. Every step works on sets of questions with a fixed number of queries
per chunk, so the bulk API importer stays bulk.
"""

import datetime
from collections import defaultdict
from typing import NamedTuple

from .lookups import key_chunks
from .models import GroupedQuestionRef, Question

# Rows fetched or written per query: well under SQLite's bound-parameter limit.
CHUNK_SIZE = 500

# A grouped question named by UIN only is matched to the question with that
# UIN tabled nearest the naming question, within this window; UINs are reused
# across sessions, which are much further apart.
GROUP_MATCH_WINDOW = datetime.timedelta(days=120)


class Held(NamedTuple):
    """A question as grouping needs it."""

    pk: int
    house: str
    uin: str
    date_tabled: datetime.date | None

    @classmethod
    def of(cls, question):
        return cls(question.pk, question.house, question.uin, question.date_tabled)


class Ref(NamedTuple):
    """Question ``question_id`` names a grouped question: ``house`` + ``uin`` (+ ``date_tabled``)."""

    question_id: int
    house: str
    uin: str
    date_tabled: datetime.date | None  # the named question's, when the source gives it
    near: datetime.date | None  # the naming question's tabling date

    @property
    def key(self):
        return (self.house, self.uin)

    @property
    def row(self):
        """What identifies the stored ``GroupedQuestionRef``."""
        return (self.question_id, self.house, self.uin, self.date_tabled)


def refs_named_by(question, named):
    """``Ref``s for the grouped questions ``named`` by ``question`` (a ``Held``).

    ``named`` is ``(uin, date_tabled or None)`` pairs. A question naming
    itself is left out.
    """
    refs = []
    for uin, date_tabled in named:
        uin = (uin or "").strip()
        if not uin:
            continue
        if uin == question.uin and date_tabled in (None, question.date_tabled):
            continue
        refs.append(Ref(question.pk, question.house, uin, date_tabled, question.date_tabled))
    return refs


def pick(candidates, ref):
    """The pk of the question ``ref`` names among ``candidates`` (``{pk: date tabled}``), or None.

    With a tabling date the date must match. With a UIN only: the question
    tabled nearest the naming question (on or before it on a tie) within
    ``GROUP_MATCH_WINDOW``; when the naming question's own date is unknown,
    the newest.
    """
    if not candidates:
        return None
    others = [(date, pk) for pk, date in candidates.items() if pk != ref.question_id]
    if ref.date_tabled is not None:
        matches = sorted(pk for date, pk in others if date == ref.date_tabled)
        return matches[0] if matches else None
    if ref.near is None:
        dated = [(date, pk) for date, pk in others if date is not None]
        return max(dated)[1] if dated else None
    near = [
        (abs(date - ref.near), date > ref.near, pk)
        for date, pk in others
        if date is not None and abs(date - ref.near) <= GROUP_MATCH_WINDOW
    ]
    return min(near)[2] if near else None


def _pending_naming(arrived):
    """Stored references that may name one of ``arrived``: ``{Ref: GroupedQuestionRef pk}``."""
    keys = {(q.house, q.uin) for q in arrived if q.uin}
    houses = sorted({house for house, _ in keys})
    pending = {}
    for chunk in key_chunks(sorted({uin for _, uin in keys})):
        named = GroupedQuestionRef.objects.filter(house__in=houses, uin__any=chunk)
        rows = named.values_list(
            "pk", "question_id", "house", "uin", "date_tabled", "question__date_tabled"
        )
        for pk, question_id, house, uin, date_tabled, near in rows:
            if (house, uin) in keys:
                pending[Ref(question_id, house, uin, date_tabled, near)] = pk
    return pending


def _questions_with(keys):
    """``{(house, uin): {pk: date tabled}}`` for every question held with one of ``keys``."""
    found = defaultdict(dict)
    for chunk in key_chunks(sorted({uin for _, uin in keys})):
        rows = Question.objects.filter(uin__any=chunk).values_list(
            "house", "uin", "date_tabled", "pk"
        )
        for house, uin, date_tabled, pk in rows:
            if (house, uin) in keys:
                found[(house, uin)][pk] = date_tabled
    return found


def _link(pairs):
    """Write the links ``pairs`` (both directions given) not held yet; return those written."""
    if not pairs:
        return set()
    through = Question.grouped_questions.through
    held = set()
    for chunk in key_chunks({a for a, _ in pairs}):
        held.update(
            through.objects.filter(from_question_id__any=chunk).values_list(
                "from_question_id", "to_question_id"
            )
        )
    new = pairs - held
    through.objects.bulk_create(
        [through(from_question_id=a, to_question_id=b) for a, b in sorted(new)],
        batch_size=CHUNK_SIZE,
        ignore_conflicts=True,
    )
    return new


def link_grouped(refs, *, known=(), arrived=()):
    """Link grouped questions both ways, remember what cannot be linked yet; return pks linked.

    ``refs`` are the ``Ref``s the sources of the questions just written name.
    ``known`` are those questions (``Held``), looked at before the database:
    a group arriving in one file is linked without a query for it.
    ``arrived`` are the questions just created or changed: stored references
    naming them are resolved. Returns the pks of the questions that gained a
    link.
    """
    candidates = defaultdict(dict)
    for question in known:
        if question.uin:
            candidates[(question.house, question.uin)][question.pk] = question.date_tabled
    incoming = set(refs)
    pending = _pending_naming(arrived) if arrived else {}
    everything = incoming | set(pending)

    matched = {ref: pick(candidates.get(ref.key), ref) for ref in everything}
    looked_up = {ref.key for ref, pk in matched.items() if pk is None}
    if looked_up:
        for key, found in _questions_with(looked_up).items():
            candidates[key].update(found)
        for ref, pk in matched.items():
            if pk is None:
                matched[ref] = pick(candidates.get(ref.key), ref)

    pairs = set()
    for ref, other in matched.items():
        if other is not None:
            pairs.update({(ref.question_id, other), (other, ref.question_id)})
    new_links = _link(pairs)

    resolved_rows = [pk for ref, pk in pending.items() if matched[ref] is not None]
    unresolved = {ref for ref in incoming if matched[ref] is None}
    # A reference stored earlier that this import resolved from its own side
    # (the named question came in by a route that does not resolve, such as
    # the admin) goes too; only looked for when a link was new, so that a
    # re-import of linked questions costs no query here.
    newly_linked = {
        ref
        for ref in incoming
        if matched[ref] is not None and (ref.question_id, matched[ref]) in new_links
    }
    _keep_refs(unresolved, newly_linked, resolved_rows)
    return {a for a, _ in new_links}


def _keep_refs(unresolved, resolved, delete):
    """Store the ``unresolved`` refs not stored yet; delete stored ones that are ``resolved``."""
    delete = set(delete)
    stored = {}
    for chunk in key_chunks({ref.question_id for ref in unresolved | resolved}):
        rows = GroupedQuestionRef.objects.filter(question_id__any=chunk).values_list(
            "pk", "question_id", "house", "uin", "date_tabled"
        )
        for pk, *row in rows:
            stored[tuple(row)] = pk
    delete.update(stored[ref.row] for ref in resolved if ref.row in stored)
    for chunk in key_chunks(sorted(delete)):
        GroupedQuestionRef.objects.filter(pk__any=chunk).delete()
    new = sorted({ref.row for ref in unresolved} - set(stored), key=str)
    GroupedQuestionRef.objects.bulk_create(
        [
            GroupedQuestionRef(question_id=question_id, house=house, uin=uin, date_tabled=date)
            for question_id, house, uin, date in new
        ],
        batch_size=CHUNK_SIZE,
        # Two imports at once naming the same question: the first one wins.
        ignore_conflicts=True,
    )
