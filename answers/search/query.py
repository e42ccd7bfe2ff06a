"""What people type into a search box, parsed the way search engines read it.

The syntax is PostgreSQL's ``websearch_to_tsquery``: words are all required,
``"a quoted phrase"`` matches those words in that order, ``OR`` between two
terms accepts either, and ``-word`` (or ``-"a phrase"``) leaves out questions
that have it. PostgreSQL parses it itself; the SQLite backend renders the
parsed form as an FTS5 query, so both read a search the same way.
"""

import re
from dataclasses import dataclass, field

_TOKEN = re.compile(r'-?"[^"]*"?|[^\s"]+')
_WORD = re.compile(r"\w+")

# PostgreSQL's English stop words (its "english" text search configuration
# ignores them); the SQLite backend drops them too, so "the schools" and
# "schools" find the same questions on both.
STOP_WORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been
    before being below between both but by can did do does doing don down during
    each few for from further had has have having he her here hers herself him
    himself his how i if in into is it its itself just me more most my myself no
    nor not now of off on once only or other our ours ourselves out over own s same
    she should so some such t than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when
    where which while who whom why will with you your yours yourself yourselves
    """.split()  # noqa: SIM905 - a list of words reads better as words
)


@dataclass
class Term:
    words: tuple  # one word, or a phrase's words in order
    negated: bool = False


@dataclass
class Search:
    # Every clause must match; a clause is one term or several joined by OR.
    clauses: list = field(default_factory=list)

    @property
    def positive(self):
        return [c for c in self.clauses if not (len(c) == 1 and c[0].negated)]

    @property
    def negative(self):
        return [c[0] for c in self.clauses if len(c) == 1 and c[0].negated]

    def words(self):
        """Every word searched for (not excluded), for highlighting."""
        return [w for clause in self.positive for term in clause for w in term.words]


def parse(text):
    """``text`` as a :class:`Search`; words only, punctuation ignored."""
    clauses = []
    join_next = False
    for token in _TOKEN.findall(text or ""):
        if token.lower() == "or" and clauses:
            join_next = True
            continue
        negated = token.startswith("-")
        body = token[1:] if negated else token
        quoted = body.startswith('"')
        words = tuple(w.lower() for w in _WORD.findall(body))
        if not quoted and len(words) == 1 and words[0] in STOP_WORDS:
            continue
        if not words:
            continue
        term = Term(words, negated)
        if join_next and not negated and clauses and not clauses[-1][0].negated:
            clauses[-1].append(term)
        else:
            clauses.append([term])
        join_next = False
    return Search(clauses)


def to_fts5(search):
    """The FTS5 MATCH expression for ``search``, or ``None`` when it can match nothing."""

    def term(t):
        return '"' + " ".join(t.words) + '"'

    positive = []
    for clause in search.positive:
        parts = [term(t) for t in clause]
        positive.append(parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")")
    if not positive:
        return None
    expression = " AND ".join(positive)
    for t in search.negative:
        expression = f"({expression}) NOT {term(t)}"
    return expression
