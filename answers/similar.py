"""Existing questions that look like the one being logged.

Shown before a new question is saved, so that a duplicate (the same question
pasted twice) or a question answered before (members re-ask) is spotted.

Every written question opens with the same words ("To ask the Secretary of
State for Health and Social Care, what steps his Department is taking to …"),
which would make any two questions to one department look alike. Both
methods below therefore compare what follows that opening, plus the heading.

- PostgreSQL: pg_trgm similarity (extension created by migration 0002),
  which forgives typos and word endings ("dentist"/"dentists").
- Other databases (SQLite in development): the share of distinctive words
  the two questions have in common.

Either way the page costs one query, and it reads an index, not every
question of a department. On PostgreSQL the candidates are the questions
with the nearest headings (a GiST trigram index, read nearest first); on
other databases, the newest that share one of the question's longest
distinctive words (the full-text index, answers.search). Only those few are
scored.
"""

import re

from django.db import connection
from django.db.models import F, Func, Value

from . import search
from .models import Question

LIMIT = 5

# "To ask the Secretary of State for Education, " / "To ask His Majesty's
# Government " / "To ask the Minister for the Cabinet Office, ".
_OPENING = r"^\s*to\s+ask\s+(the\s+[^,]*?,|(his|her)\s+majesty['’]?s\s+government,?)\s*"
_OPENING_RE = re.compile(_OPENING, re.IGNORECASE)

# Mean trigram similarity of heading and question (0 to 1) above which a
# question is shown. Tuned on the real questions in tests/data: unrelated
# questions, even to one department, score below 0.28; the same question
# reworded ("Dentistry: carers" for "Dental Services: Carers") above 0.4.
TRIGRAM_THRESHOLD = 0.3

# Word overlap (Dice coefficient of distinctive words) above which a question
# is shown on databases without pg_trgm.
WORD_THRESHOLD = 0.3
# Rows fetched for scoring in Python on such databases: newest first.
WORD_CANDIDATES = 300
# Candidates scored in SQL on PostgreSQL, the nearest headings first.
# Scoring strips the opening formula and common words with regular
# expressions, about a third of a millisecond a question, so a few dozen.
TRIGRAM_CANDIDATES = 20
# Distinctive words (the longest) of which a candidate must share two.
PROBE_WORDS = 6

_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
# Common English words and the words every question uses.
_STOP_TEXT = """
    a about after all also an and any are as assessment at be been being between
    both but by can could department departments did do does during each estimate
    for from government had has have he her his how if in into is it its made make
    many may more most much not of on or other our over plans potential she should
    since so state steps such than that the their them there these they this those
    to take taken taking under up was we were what when whether which who will with
    would year years ask secretary majesty majesty's minister ministers policy
    number ensure support
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())
_STOP_ALTERNATION = "|".join(sorted(STOP_WORDS, key=lambda w: (-len(w), w)))
_STOP_WORDS_RE = re.compile(rf"\b({_STOP_ALTERNATION})\b", re.IGNORECASE)
# The same for PostgreSQL's regular expressions, whose word boundaries are \m and \M.
_STOP_WORDS_PG = rf"\m({_STOP_ALTERNATION})\M"


def question_core(text):
    """The question without its opening formula."""
    return _OPENING_RE.sub("", text or "", count=1).strip()


def without_stop_words(text):
    """``text`` with the words every question uses blanked out, as the SQL side does."""
    return _STOP_WORDS_RE.sub(" ", text or "")


def distinctive_words(text):
    words = set()
    for word in _WORD.findall((text or "").lower()):
        word = word.replace("’", "'")
        if len(word) > 2 and word not in STOP_WORDS:
            # A crude stem, so that "dentist" meets "dentists".
            words.add(word[:-1] if len(word) > 4 and word.endswith("s") else word)
    return words


def similar_questions(*, heading="", text="", exclude_pk=None, limit=LIMIT, among=None):
    """Up to ``limit`` questions most like ``heading`` and ``text``, best first.

    Each has a ``similarity`` attribute between 0 and 1. ``among`` narrows the
    questions compared (a queryset filter, e.g. one department's).
    """
    heading = (heading or "").strip()
    core = question_core(text)
    if not heading and not core:
        return []
    queryset = Question.objects.for_list()
    if among is not None:
        queryset = queryset.filter(among)
    if exclude_pk is not None:
        queryset = queryset.exclude(pk=exclude_pk)
    if connection.vendor == "postgresql":
        return _by_trigrams(queryset, heading, core, limit)
    return _by_words(queryset, heading, core, limit)


def _probe(heading, core):
    """The longest distinctive words: long words are the rare ones."""
    wanted = distinctive_words(f"{heading} {core}")
    return sorted(wanted, key=lambda w: (-len(w), w))[:PROBE_WORDS]


def _by_trigrams(queryset, heading, core, limit):
    from itertools import combinations

    from django.contrib.postgres.search import SearchQuery, TrigramDistance, TrigramSimilarity

    from .search.postgres import vector

    # Candidates from an index, read for a fixed number of rows: the nearest
    # headings by trigram distance (a GiST index on department and heading,
    # migration 0011: a nearest-neighbour walk, not a scan). Without a
    # heading, the newest questions that share two of the question's longest
    # distinctive words (the search vector's GIN index).
    if heading:
        candidates = queryset.order_by(TrigramDistance("heading", heading))
    else:
        words = [w for w in _probe(heading, core) if w.isalnum()]
        if len(words) < 2:
            return []
        pairs = " | ".join(f"({a} & {b})" for a, b in combinations(words, 2))
        candidates = (
            queryset.alias(search_vector=vector())
            .filter(search_vector=SearchQuery(pairs, search_type="raw", config="english"))
            .order_by("-pk")
        )
    queryset = queryset.filter(pk__in=candidates.values("pk")[:TRIGRAM_CANDIDATES])

    stored_core = Func(
        Func(F("text"), Value(_OPENING), Value(""), Value("i"), function="regexp_replace"),
        Value(_STOP_WORDS_PG),
        Value(" "),
        Value("gi"),
        function="regexp_replace",
    )
    scores = []
    if heading:
        scores.append(TrigramSimilarity("heading", heading))
    if core:
        scores.append(TrigramSimilarity(stored_core, without_stop_words(core)))
    # The mean of the two: a shared heading alone ("Schools") is not enough,
    # and neither is a shared phrase in otherwise different questions.
    similarity = scores[0] if len(scores) == 1 else (scores[0] + scores[1]) / 2
    # The threshold is applied here rather than in SQL, where the score would
    # be computed twice for every candidate (once to filter, once to sort).
    best = queryset.annotate(similarity=similarity).order_by("-similarity", "-id")[:limit]
    return [question for question in best if question.similarity >= TRIGRAM_THRESHOLD]


def _by_words(queryset, heading, core, limit):
    wanted = distinctive_words(f"{heading} {core}")
    if not wanted:
        return []
    # Narrow with the full-text index to questions sharing one of the longest
    # words (long words are the rare ones), then score the few candidates here.
    probe = " OR ".join(_probe(heading, core))
    scored = []
    for question in search.matching(queryset, probe).order_by("-id")[:WORD_CANDIDATES]:
        theirs = distinctive_words(f"{question.heading} {question_core(question.text)}")
        if not theirs:
            continue
        score = 2 * len(wanted & theirs) / (len(wanted) + len(theirs))
        if score >= WORD_THRESHOLD:
            question.similarity = score
            scored.append(question)
    scored.sort(key=lambda q: (-q.similarity, -q.pk))
    return scored[:limit]
