"""The pages of the answering process, as the PQ team, a drafter and a clearer use them."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from answers.models import AnswerProcess, Draft, Question, Stage

pytestmark = pytest.mark.django_db


def url(name, q=None, **kw):
    return reverse(f"workflow:{name}", args=[q.pk] if q else [], kwargs=kw or None)


def move_url(q, name):
    return reverse("workflow:move", args=[q.pk, name])


def test_the_road_through_the_pages(client, make_question, route, team, drafter, deputy,
                                    private_office):  # fmt: skip
    q = make_question(heading="School Meals")
    client.force_login(team)
    page = client.get(url("process", q))
    assert page.status_code == 200 and "Commission" in page.content.decode()
    response = client.post(move_url(q, "commission"), {"owner": drafter.pk})
    assert response.status_code == 302
    assert mail.outbox[-1].to == ["dee.drafter@example.org"]
    assert f"http://testserver/staff/questions/{q.pk}/process/" in mail.outbox[-1].body

    client.force_login(drafter)
    work = client.get(url("my_work")).content.decode()
    assert "School Meals" in work and "Accept or reject" in work
    client.post(move_url(q, "accept"))
    response = client.post(
        url("draft", q), {"answer_text": "First draft.", "background_note": "Why.", "based_on": 0}
    )
    assert response.status_code == 302
    client.post(move_url(q, "submit"))
    assert AnswerProcess.objects.get(question=q).stage == Stage.IN_CLEARANCE
    assert mail.outbox[-1].to == ["dan.deputy@example.org"]

    client.force_login(deputy)
    assert "Clear or return (Deputy director)" in client.get(url("my_work")).content.decode()
    client.post(move_url(q, "clear"))
    client.force_login(private_office)
    # A return without comments is refused and keeps the page.
    refused = client.post(move_url(q, "return"), {"comment": ""})
    assert refused.status_code == 200
    assert "Say what needs changing" in refused.content.decode()
    client.post(move_url(q, "return"), {"comment": "Add the figures."})
    assert mail.outbox[-1].to == ["dee.drafter@example.org"]
    assert "Add the figures." in mail.outbox[-1].body

    client.force_login(drafter)
    client.post(url("draft", q), {"answer_text": "With figures.", "based_on": 1})
    client.post(move_url(q, "submit"))
    client.force_login(private_office)
    client.post(move_url(q, "clear"))
    assert AnswerProcess.objects.get(question=q).stage == Stage.CLEARED

    client.force_login(team)
    form = client.get(move_url(q, "submit_answer")).content.decode()
    assert "With figures." in form
    from answers import services

    services.member_get_or_create(name="Jo Minister", house="Commons")
    client.post(
        move_url(q, "submit_answer"),
        {"date_answered": "19/02/2025", "member": "Jo Minister", "minister_role": "MoS"},
    )
    q = Question.objects.get(pk=q.pk)
    assert q.answer.text == "<p>With figures.</p>"
    staff_page = client.get(reverse("staff:question_detail", args=[q.pk])).content.decode()
    assert "Answering process" in staff_page and "Add the figures." in staff_page
    assert "working day" in staff_page or "same day" in staff_page


def test_a_refused_move_keeps_what_was_typed(client, in_stage, team, drafter):
    q = in_stage(Stage.ANSWERED)
    client.force_login(team)
    response = client.post(move_url(q, "transfer_out"), {"department": "HM Treasury"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "is not possible now" in content and 'value="HM Treasury"' in content


def test_two_people_editing_one_draft_never_overwrite_each_other(client, in_stage, drafter, team):
    q = in_stage(Stage.DRAFTING)
    client.force_login(team)
    client.post(url("draft", q), {"answer_text": "Team's version.", "based_on": 1})
    client.force_login(drafter)
    response = client.post(url("draft", q), {"answer_text": "Drafter's version.", "based_on": 1})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Pat Team saved version 2" in content
    assert "Team&#x27;s version." in content and "Drafter&#x27;s version." in content
    assert 'name="based_on" value="2"' in content
    assert list(Draft.objects.filter(process__question=q).values_list("number", flat=True)) == [
        2,
        1,
    ]
    # Saving again, deliberately, keeps both.
    client.post(url("draft", q), {"answer_text": "Combined.", "based_on": 2})
    assert Draft.objects.filter(process__question=q).count() == 3
    # A change to another field is merged, and the page says whose was kept.
    client.force_login(team)
    client.post(url("draft", q), {"answer_text": "Combined.", "background_note": "Note",
                                  "based_on": 3})  # fmt: skip
    client.force_login(drafter)
    response = client.post(
        url("draft", q), {"answer_text": "Combined, shorter.", "based_on": 3}, follow=True
    )
    assert "Pat Team had saved version 4 meanwhile: their background note was kept" in (
        response.content.decode()
    )
    latest = Draft.objects.filter(process__question=q).first()
    assert (latest.number, latest.answer_text, latest.background_note) == (
        5, "Combined, shorter.", "Note",
    )  # fmt: skip


def test_the_answer_given_is_compared_with_the_cleared_draft(client, in_stage, team):
    from answers import services

    q = in_stage(Stage.CLEARED)
    services.answer_record(
        question=q, expected_version=None, date_answered=datetime.date(2025, 2, 19),
        text="<p>A better draft answer.</p>",
    )  # fmt: skip
    client.force_login(team)
    content = client.get(reverse("staff:question_detail", args=[q.pk])).content.decode()
    assert "How the answer given differs from the cleared draft" in content
    assert "[added: </span> better<" in content


def test_bulk_commission_and_the_board(client, make_question, team, drafter):
    a, b = make_question(heading="Alpha"), make_question(heading="Beta")
    client.force_login(team)
    page = client.get(url("bulk_commission")).content.decode()
    assert "Alpha" in page and "Beta" in page
    refused = client.post(url("bulk_commission"), {"owner": drafter.pk})
    assert "Choose at least one question" in refused.content.decode()
    client.post(url("bulk_commission"), {"questions": [a.pk, b.pk], "owner": drafter.pk})
    assert AnswerProcess.objects.filter(owner=drafter, stage=Stage.COMMISSIONED).count() == 2
    assert len(mail.outbox) == 2
    board = client.get(url("board"), {"stage": "commissioned", "owner": drafter.pk})
    assert board.context["page"].paginator.count == 2
    export = client.get(url("board_export"), {"stage": "commissioned"})
    csv = b"".join(export.streaming_content).decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("question_id,house,uin,heading")
    assert len(csv.splitlines()) == 3 and "Dee Drafter" in csv
    bad = client.get(url("board_export"), {"due_from": "31/02/2025"})
    assert bad.status_code == 400


def board_rows(content):
    """Each row of the board's table as the text of its cells."""
    body = content.split('<tbody class="govuk-table__body">', 1)[1].split("</tbody>", 1)[0]
    return [
        [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_each_board_row_shows_its_process_or_nothing_without_one(client, in_stage, team):
    in_stage(Stage.NEW, heading="Not yet commissioned")
    in_stage(Stage.IN_CLEARANCE, heading="With the deputy director")
    in_stage(Stage.TRANSFERRED_OUT, heading="Sent on")
    client.force_login(team)
    rows = {row[0]: row[1:] for row in board_rows(client.get(url("board")).content.decode())}
    new = next(cells for heading, cells in rows.items() if "Not yet commissioned" in heading)
    clearing = next(
        cells for heading, cells in rows.items() if "With the deputy director" in heading
    )
    assert new[0] == "New" and new[1] == "" and new[2] == ""
    assert "Deputy director" in clearing[0] and clearing[1] == "Dee Drafter"
    sent = client.get(url("board"), {"stage": "transferred_out"}).content.decode()
    [transferred] = board_rows(sent)
    assert "Sent on" in transferred[0] and "HMT" in transferred[1]


def test_steps_on_one_question(client, in_stage, team, deputy):
    q = in_stage(Stage.COMMISSIONED)
    client.force_login(team)
    response = client.post(url("steps", q), {"name": "Press office", "user": deputy.pk})
    assert response.status_code == 302
    process = AnswerProcess.objects.get(question=q)
    assert [s.name for s in process.steps.all()] == [
        "Deputy director", "Private office", "Press office",
    ]  # fmt: skip
    both = client.post(url("steps", q), {"name": "X", "user": deputy.pk, "group": 1})
    assert "either a person or a group" in both.content.decode()
    client.post(url("steps", q), {"remove": process.steps.get(name="Press office").pk})
    assert process.steps.count() == 2


def test_drafters_see_only_their_own_questions(client, in_stage, make_question, other_drafter):
    mine = in_stage(Stage.DRAFTING)
    client.force_login(other_drafter)
    assert client.get(url("process", mine)).status_code == 403
    assert client.get(url("draft", mine)).status_code == 403
    assert client.post(move_url(mine, "submit")).status_code == 403
    assert client.get(url("board")).status_code == 403
    assert client.get(reverse("staff:dashboard")).status_code == 403
    assert client.get(reverse("staff:question_detail", args=[mine.pk])).status_code == 403
    # Signing in takes a drafter to "My work".
    assert client.get(url("start")).url == url("my_work")


def test_statistics_page(client, in_stage, team):
    in_stage(Stage.ANSWERED)
    client.force_login(team)
    response = client.get(url("stats"), {"start": "01/01/2025", "end": "31/12/2026"})
    content = response.content.decode()
    assert response.status_code == 200
    assert '<svg role="img"' in content and "<desc" in content
    assert "Department for Education" in content and "Dee Drafter" in content
    bad = client.get(url("stats"), {"start": "01/02/2025", "end": "01/01/2025"})
    assert "must be on or after its start" in bad.content.decode()


def test_every_board_count_is_the_count_of_the_list_it_links_to(
    client, in_stage, make_question, team
):
    # One question at every stage, and some the process never saw: new,
    # holding and answered straight from Parliament, and withdrawn ones.
    for stage in Stage:
        in_stage(stage)
    in_stage(Stage.DRAFTING)
    make_question(date_tabled=datetime.date(2025, 2, 12))
    make_question(date_tabled=datetime.date(2025, 2, 12), date_answered=datetime.date(2025, 2, 14),
                  is_holding=True)  # fmt: skip
    make_question(date_tabled=datetime.date(2025, 2, 12), date_answered=datetime.date(2025, 2, 14))
    make_question(date_tabled=datetime.date(2025, 2, 12), is_withdrawn=True)
    in_stage(Stage.TRANSFERRED_OUT, is_withdrawn=True)
    client.force_login(team)
    board = client.get(url("board"))
    tiles = board.context["tiles"]
    counts = {label: count for label, count, _ in tiles}
    assert counts["New"] == 2
    assert counts["Drafting"] == 2
    assert counts["Holding answer sent"] == 2
    assert counts["Transferred out"] == 1
    # Tabled in 2025: every open question is past both deadlines by now.
    assert counts["Past the Parliament deadline"] == board.context["open_total"] == 11
    assert counts["Past the internal deadline"] == 4  # commissioned, two drafting, in clearance
    for label, count, link in tiles:
        listed = client.get(link).context["page"].paginator.count
        assert listed == count, label
