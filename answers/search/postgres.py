"""PostgreSQL full-text search over ``answers_question.search_vector``.

The vector is written by triggers (migration 0006) and indexed with GIN, so
a search reads the index rather than the rows. ``ts_rank``'s default weights
(A 1.0, B 0.4, C 0.2, D 0.1) rank the UIN and heading above the question, the
question above the answer, the answer above the asking member's name.
"""

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchVectorField,
)
from django.db import connection
from django.db.models import F, Func, OuterRef, Subquery, TextField, Value
from django.db.models.expressions import Expression
from django.db.models.functions import Coalesce, Concat

from . import START, STOP

CONFIG = "english"


class SearchVectorColumn(Expression):
    """``search_vector`` of the query's question table, under whatever alias it has.

    The column is the database's own (migration 0006), not a model field, so
    no query loads it and only the API importer's bulk insert writes it
    (migration 0011).
    """

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection):
        alias = compiler.query.get_initial_alias()
        return f"{compiler.quote_name_unless_alias(alias)}.search_vector", []


def vector():
    return SearchVectorColumn()


def query(text):
    return SearchQuery(text, search_type="websearch", config=CONFIG)


def matching(queryset, text):
    return queryset.alias(search_vector=vector()).filter(search_vector=query(text))


def ranks(queryset, text, limit):
    """``[(pk, rank, date_tabled)]`` of the ``limit`` most recently added matches.

    The newest matches are chosen first, with their vectors, and only they
    are ranked: in one query level, PostgreSQL would rank every match before
    keeping the newest. One pass over the matches, not two.
    """
    newest = (
        queryset.select_related(None)
        .order_by("-pk")
        .annotate(rank_vector=vector())
        .values_list("pk", "date_tabled", "rank_vector")[:limit]
    )
    sql, params = newest.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT newest.pk, ts_rank(newest.rank_vector, "  # noqa: S608 - the ORM's own SQL
            f"websearch_to_tsquery(%s::regconfig, %s)), newest.date_tabled FROM ({sql}) newest",
            [CONFIG, text, *params],
        )
        return cursor.fetchall()


def with_snippets(queryset, text):
    from answers.models import Answer

    # The answer's text through a subquery, not a join: the list counts its
    # rows from this same queryset, and a join would be counted along.
    answer_text = Subquery(Answer.objects.filter(question=OuterRef("pk")).values("text")[:1])
    answer = Func(
        Coalesce(answer_text, Value("")),
        Value("<[^>]*>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )
    document = Concat(F("text"), Value(" "), answer, output_field=TextField())
    # ts_headline is costly, and PostgreSQL runs it only for the rows of the
    # page, after the sort and the LIMIT.
    return queryset.annotate(
        search_snippet=SearchHeadline(
            document,
            query(text),
            config=CONFIG,
            start_sel=START,
            stop_sel=STOP,
            max_fragments=2,
            max_words=24,
            min_words=10,
            fragment_delimiter=" … ",
        )
    )


def rebuild():
    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE answers_question q SET search_vector = answers_question_document(
                q.uin, q.heading, q.text,
                (SELECT a.text FROM answers_answer a WHERE a.question_id = q.id),
                (SELECT m.name FROM answers_member m WHERE m.id = q.asking_member_id)
            )
            """
        )
