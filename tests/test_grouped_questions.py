"""Grouped questions are linked whichever order they arrive in, through either importer.

A question naming a grouped question we do not hold yet leaves a
GroupedQuestionRef behind; the question arriving later (from an API file or
page text) resolves it: both are linked and the reference goes.
"""

import copy
import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from answers import services
from answers.importers.api_items import parse_document
from answers.importers.api_writer import import_questions
from answers.importers.page_text import parse_page_text
from answers.models import GroupedQuestionRef, Question

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
SAMPLE = DATA / "samples" / "commons-2024-09-list.json"
PAGE_035 = DATA / "pq-texts" / "035.txt"  # format C: "Grouped Questions: 16197"

_TEMPLATE = json.loads(SAMPLE.read_text(encoding="utf-8"))[0]


def api_item(pid, uin, tabled, *, grouped=(), dated=True, house="Commons"):
    """A sample item made into question ``pid`` (UIN ``uin``) grouped with ``grouped``.

    ``grouped`` is ``(uin, tabled)`` pairs; a UIN whose date is None, or every
    UIN with ``dated=False``, is left out of groupedQuestionsDates.
    """
    item = copy.deepcopy(_TEMPLATE)
    item["value"].update(
        id=pid,
        uin=uin,
        house=house,
        heading=f"Heading of {uin}",
        questionText=f"To ask the Secretary of State, question {uin} tabled {tabled}.",
        dateTabled=f"{tabled}T00:00:00",
        dateForAnswer=None,
        isNamedDay=False,
        dateAnswered=None,
        answerText=None,
        answeringMemberId=None,
        groupedQuestions=[uin for uin, _ in grouped],
        groupedQuestionsDates=[
            {"questionUin": uin, "dateTabled": f"{when}T00:00:00"}
            for uin, when in grouped
            if dated and when is not None
        ],
    )
    return item


def import_api(tmp_path, *items, name=None):
    path = tmp_path / (name or f"file-{len(list(tmp_path.iterdir()))}.json")
    path.write_text(json.dumps(list(items)), encoding="utf-8")
    out = io.StringIO()
    call_command("import_written_questions", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def import_text(path):
    out = io.StringIO()
    call_command("import_text", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def group_of(**lookup):
    question = Question.objects.get(**lookup)
    return sorted(question.grouped_questions.values_list("uin", flat=True))


def refs():
    return sorted(
        GroupedQuestionRef.objects.values_list("question__uin", "house", "uin", "date_tabled")
    )


def links():
    return Question.grouped_questions.through.objects.count()


A = "90001"
B = "90002"
SEP_10 = datetime.date(2024, 9, 10)


# --- the Parliament API ---------------------------------------------------------


def test_question_named_before_it_arrives_is_linked_when_it_does(tmp_path):
    import_api(tmp_path, api_item(1, A, "2024-09-10", grouped=[(B, "2024-09-10")]))
    assert group_of(uin=A) == []
    assert refs() == [(A, "Commons", B, SEP_10)]

    # B comes later, in another file, and does not list A.
    out = import_api(tmp_path, api_item(2, B, "2024-09-10"))
    assert "1 created, 0 updated, 0 unchanged" in out
    assert group_of(uin=A) == [B]
    assert group_of(uin=B) == [A]
    assert refs() == []


def test_reverse_order_links_at_once_and_leaves_no_reference(tmp_path):
    import_api(tmp_path, api_item(2, B, "2024-09-10"))
    out = import_api(tmp_path, api_item(1, A, "2024-09-10", grouped=[(B, "2024-09-10")]))
    assert "1 created" in out
    assert group_of(uin=A) == [B]
    assert group_of(uin=B) == [A]
    assert refs() == []


def test_both_sides_naming_each_other_in_separate_files(tmp_path):
    import_api(tmp_path, api_item(1, A, "2024-09-10", grouped=[(B, "2024-09-11")]))
    import_api(tmp_path, api_item(2, B, "2024-09-11", grouped=[(A, "2024-09-10")]))
    assert group_of(uin=A) == [B]
    assert links() == 2
    assert refs() == []


def test_reused_uin_with_another_tabling_date_is_not_linked(tmp_path):
    import_api(tmp_path, api_item(1, A, "2024-09-10", grouped=[(B, "2024-09-10")]))
    # The same UIN in an earlier session: not the question A names.
    import_api(tmp_path, api_item(2, B, "2023-01-10"))
    assert group_of(uin=A) == []
    assert refs() == [(A, "Commons", B, SEP_10)]

    # The question A names arrives: linked, and only that one.
    import_api(tmp_path, api_item(3, B, "2024-09-10"))
    assert group_of(parliament_id=1) == [B]
    assert group_of(parliament_id=2) == []
    assert Question.objects.get(parliament_id=3).grouped_questions.get().parliament_id == 1
    assert refs() == []


def test_same_uin_in_the_other_house_is_not_linked(tmp_path):
    import_api(tmp_path, api_item(1, A, "2024-09-10", grouped=[(B, "2024-09-10")]))
    import_api(tmp_path, api_item(2, B, "2024-09-10", house="Lords"))
    assert group_of(uin=A) == []
    assert refs() == [(A, "Commons", B, SEP_10)]


def test_undated_reference_is_resolved_within_the_window_only(tmp_path):
    import_api(tmp_path, api_item(1, A, "2024-09-10", grouped=[(B, None)], dated=False))
    assert refs() == [(A, "Commons", B, None)]
    import_api(tmp_path, api_item(2, B, "2022-09-10"))  # two years off: a reused UIN
    assert group_of(parliament_id=1) == []
    import_api(tmp_path, api_item(3, B, "2024-09-20"))
    assert Question.objects.get(parliament_id=1).grouped_questions.get().parliament_id == 3
    assert refs() == []


def test_reference_resolved_when_a_held_question_changes_to_match(tmp_path):
    import_api(tmp_path, api_item(1, A, "2024-09-10", grouped=[(B, "2024-09-10")]))
    import_api(tmp_path, api_item(2, B, "2024-09-09"))
    assert group_of(uin=A) == []
    # Parliament corrects B's tabling date: now it is the question A names.
    out = import_api(tmp_path, api_item(2, B, "2024-09-10"))
    assert "0 created, 1 updated" in out
    assert group_of(uin=A) == [B]
    assert refs() == []


def test_reimport_changes_nothing_and_stores_no_duplicate_reference(tmp_path):
    first = api_item(1, A, "2024-09-10", grouped=[(B, "2024-09-10"), ("90003", None)])
    import_api(tmp_path, first)
    assert len(refs()) == 2
    out = import_api(tmp_path, first)
    assert "0 created, 0 updated, 1 unchanged" in out
    assert len(refs()) == 2

    import_api(tmp_path, api_item(2, B, "2024-09-10"))
    before = (links(), refs(), dict(Question.objects.values_list("pk", "version")))
    for item in (first, api_item(2, B, "2024-09-10")):
        assert "1 unchanged" in import_api(tmp_path, item)
    assert (links(), refs(), dict(Question.objects.values_list("pk", "version"))) == before
    assert refs() == [(A, "Commons", "90003", None)]


def test_whole_sample_keeps_references_to_questions_tabled_before_it(tmp_path):
    call_command("import_written_questions", str(SAMPLE), stdout=io.StringIO())
    # The 11 references to questions tabled before September wait for them.
    assert GroupedQuestionRef.objects.count() == 11
    assert (
        GroupedQuestionRef.objects.filter(date_tabled__lt=datetime.date(2024, 9, 1)).count() == 11
    )
    stored = refs()
    out = io.StringIO()
    call_command("import_written_questions", str(SAMPLE), stdout=out)
    assert "0 created, 0 updated, 2185 unchanged" in out.getvalue()
    assert refs() == stored


def _queries_to_resolve(n, first_id):
    """Queries for importing ``n`` questions that ``n`` held questions named."""
    namers = [
        api_item(
            first_id + i, str(first_id + i), "2024-09-10", grouped=[(f"N{first_id + i}", None)]
        )
        for i in range(n)
    ]
    import_questions(parse_document(namers))
    assert GroupedQuestionRef.objects.count() == n
    named = parse_document(
        [api_item(first_id + 500 + i, f"N{first_id + i}", "2024-09-12") for i in range(n)]
    )
    with CaptureQueriesContext(connection) as queries:
        summary = import_questions(named)
    assert summary.created == n
    assert GroupedQuestionRef.objects.count() == 0
    assert links() == 2 * n
    Question.objects.all().delete()
    return len(queries.captured_queries)


def test_resolving_references_costs_the_same_queries_for_5_or_50():
    assert _queries_to_resolve(5, 1000) == _queries_to_resolve(50, 2000)


# --- page text --------------------------------------------------------------------

# 035.txt: tabled 13 November 2015 in the Commons, "Grouped Questions: 16197".
UIN_16197 = "16197"


def test_page_text_grouped_line_links_a_question_imported_from_the_api(tmp_path):
    import_api(tmp_path, api_item(7, UIN_16197, "2015-11-13"))
    out = import_text(PAGE_035)
    assert "1 created" in out
    assert group_of(heading="VisitEngland") == [UIN_16197]
    assert group_of(uin=UIN_16197) == [""]  # the page gives 035 no UIN
    assert refs() == []


def test_api_question_arriving_after_the_page_resolves_its_reference(tmp_path):
    import_text(PAGE_035)
    assert refs() == [("", "Commons", UIN_16197, None)]
    import_api(tmp_path, api_item(7, UIN_16197, "2015-11-16"))
    assert group_of(heading="VisitEngland") == [UIN_16197]
    assert refs() == []


def test_page_text_question_arriving_after_the_page_resolves_its_reference(tmp_path):
    import_text(PAGE_035)
    other = tmp_path / "16197.txt"
    other.write_text(
        PAGE_035.read_text(encoding="utf-8")
        .replace("Grouped Questions: 16197", "UIN 16197")
        .replace("VisitEngland\n", "Tourism: Finance\n", 1)
        .replace("what recent discussions he has had", "what funding he has provided"),
        encoding="utf-8",
    )
    assert "1 created" in import_text(other)
    assert group_of(heading="VisitEngland") == [UIN_16197]
    assert refs() == []


def test_page_text_matches_the_question_tabled_nearest_not_a_reused_uin(tmp_path):
    import_api(
        tmp_path,
        api_item(7, UIN_16197, "2015-11-10"),
        api_item(8, UIN_16197, "2017-11-10"),  # the next Parliament reused it
    )
    import_text(PAGE_035)
    linked = Question.objects.get(heading="VisitEngland").grouped_questions.get()
    assert linked.parliament_id == 7
    assert refs() == []


def test_page_text_without_a_match_in_the_window_keeps_the_reference(tmp_path):
    import_api(tmp_path, api_item(8, UIN_16197, "2019-11-10"))
    import_text(PAGE_035)
    assert group_of(heading="VisitEngland") == []
    assert refs() == [("", "Commons", UIN_16197, None)]


def test_page_text_reimport_changes_nothing(tmp_path):
    import_text(PAGE_035)
    assert "0 created, 0 updated, 1 unchanged" in import_text(PAGE_035)
    assert len(refs()) == 1
    import_api(tmp_path, api_item(7, UIN_16197, "2015-11-13"))
    assert "0 created, 0 updated, 1 unchanged" in import_text(PAGE_035)
    assert refs() == []
    assert links() == 2


def test_page_that_now_names_a_held_question_counts_as_updated(tmp_path):
    text = PAGE_035.read_text(encoding="utf-8")
    (ungrouped,) = parse_page_text(text.replace("Grouped Questions: 16197", ""))
    services.questions_import_pages(records=[ungrouped])
    import_api(tmp_path, api_item(7, UIN_16197, "2015-11-13"))
    (record,) = parse_page_text(text)
    question, outcome = services.question_import_page(record=record)
    assert outcome == "updated"
    assert group_of(pk=question.pk) == [UIN_16197]
    assert services.question_import_page(record=record)[1] == "unchanged"


# --- the stored references --------------------------------------------------------


def test_one_undated_reference_per_question_and_uin(tmp_path):
    import_text(PAGE_035)
    ref = GroupedQuestionRef.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupedQuestionRef.objects.create(question=ref.question, house="Commons", uin=UIN_16197)
    # A dated reference to the same UIN is another reference.
    GroupedQuestionRef.objects.create(
        question=ref.question, house="Commons", uin=UIN_16197, date_tabled=SEP_10
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        GroupedQuestionRef.objects.create(
            question=ref.question, house="Commons", uin=UIN_16197, date_tabled=SEP_10
        )


def test_references_go_with_the_question_that_named_them(tmp_path):
    import_text(PAGE_035)
    Question.objects.get(heading="VisitEngland").delete()
    assert refs() == []


@pytest.mark.parametrize("who", ["admin_user", "admins_member"])
def test_admin_lists_references_read_only(client, request, who):
    client.force_login(request.getfixturevalue(who))
    import_text(PAGE_035)
    response = client.get(reverse("admin:answers_groupedquestionref_changelist"))
    assert response.status_code == 200
    assert UIN_16197 in response.content.decode()
    assert client.get(reverse("admin:answers_groupedquestionref_add")).status_code == 403


# --- the public page ----------------------------------------------------------------


def test_public_question_page_links_to_the_grouped_question(tmp_path, anonymous):
    import_api(tmp_path, api_item(1, A, "2024-09-10", grouped=[(B, "2024-09-10")]))
    import_api(tmp_path, api_item(2, B, "2024-09-10"))
    a, b = Question.objects.get(uin=A), Question.objects.get(uin=B)
    content = anonymous.get(a.get_absolute_url()).content.decode()
    assert "Grouped with" in content
    assert f'href="{b.get_absolute_url()}">Heading of {B} (UIN {B})</a>' in content
    content = anonymous.get(b.get_absolute_url()).content.decode()
    assert f'href="{a.get_absolute_url()}">Heading of {A} (UIN {A})</a>' in content


def test_a_question_logged_by_staff_resolves_a_pending_grouped_reference(db):
    naming = services.question_create(
        heading="Schools: Kent",
        text="To ask the Secretary of State for Education, about schools in Kent.",
        house="Commons",
        uin="5621",
        date_tabled=datetime.date(2024, 9, 12),
        department=services.department_get_or_create(name="Department for Education"),
    )
    GroupedQuestionRef.objects.create(
        question=naming, house="Commons", uin="5622", date_tabled=datetime.date(2024, 9, 12)
    )
    logged = services.question_create(
        heading="Schools: Kent",
        text="To ask the Secretary of State for Education, about school places in Kent.",
        house="Commons",
        uin="5622",
        date_tabled=datetime.date(2024, 9, 12),
        department=services.department_get_or_create(name="Department for Education"),
    )
    assert list(Question.objects.get(pk=naming.pk).grouped_questions.all()) == [logged]
    assert not GroupedQuestionRef.objects.exists()
