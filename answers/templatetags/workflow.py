"""Template helpers for the answering process."""

from django import template
from django.utils.html import format_html

from answers.workflow.models import AnswerProcess, Stage
from answers.workflow.stages import MOVES, initial_stage

register = template.Library()

COLOURS = {
    Stage.NEW: "govuk-tag--blue",
    Stage.TRANSFERRED_IN: "govuk-tag--light-blue",
    Stage.COMMISSIONED: "govuk-tag--purple",
    Stage.REJECTED: "govuk-tag--red",
    Stage.DRAFTING: "govuk-tag--yellow",
    Stage.IN_CLEARANCE: "govuk-tag--orange",
    Stage.CLEARED: "govuk-tag--turquoise",
    Stage.HOLDING: "govuk-tag--pink",
    Stage.ANSWERED: "govuk-tag--green",
    Stage.TRANSFERRED_OUT: "govuk-tag--grey",
}


@register.filter
def stage_label(stage):
    try:
        return Stage(stage).label
    except ValueError:
        return stage


@register.filter
def stage_colour(stage):
    return COLOURS.get(stage, "govuk-tag--grey")


@register.simple_tag
def stage_tag(stage):
    """The stage as a GOV.UK tag, in its colour. A tag rather than an included
    template: the board shows one on every row."""
    return format_html(
        '<strong class="govuk-tag {} app-nowrap">{}</strong>',
        stage_colour(stage),
        stage_label(stage),
    )


@register.filter
def move_label(name):
    move = MOVES.get(name)
    return move.label.lower() if move else name


@register.inclusion_tag("workflow/includes/panel.html", takes_context=True)
def process_panel(context, question):
    """The process in brief on the staff question page (two queries)."""
    from answers.workflow.timeline import answer_difference, timeline

    process = (
        AnswerProcess.objects.select_related("owner", "cleared_draft")
        .filter(question=question)
        .first()
    )
    events = list(process.events.select_related("actor", "owner", "to_step")) if process else []
    answer = question.get_answer()
    difference = []
    if process and process.cleared_draft and answer is not None:
        difference = answer_difference(process.cleared_draft.answer_text, answer.text)
    return {
        "question": question,
        "process": process,
        "stage": process.stage if process else initial_stage(question),
        "entries": timeline(events),
        "difference": difference,
        "perms": context.get("perms"),
    }
