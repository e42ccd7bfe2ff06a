"""Template helpers for GOV.UK Frontend markup."""

from html import escape

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from answers.deadlines import timeliness
from answers.links import object_url
from answers.people import display_name, long_date
from answers.search import snippet_html

register = template.Library()


@register.filter
def widget_type(bound_field):
    """'checkbox', 'radio', 'select', 'textarea', 'date' or 'input' for a bound field."""
    input_type = getattr(bound_field.field.widget, "input_type", None)
    if input_type in ("checkbox", "radio", "select", "date"):
        return input_type
    name = type(bound_field.field.widget).__name__.lower()
    if "textarea" in name:
        return "textarea"
    if "select" in name:
        return "select"
    return "input"


@register.simple_tag
def govuk_widget(bound_field, css_class):
    """Render a field's widget with GOV.UK classes and ARIA links to its hint and error."""
    attrs = {}
    classes = css_class
    if bound_field.errors:
        classes += {
            "govuk-select": " govuk-select--error",
            "govuk-textarea": " govuk-textarea--error",
        }.get(css_class.split()[0], " govuk-input--error")
    existing = bound_field.field.widget.attrs.get("class", "")
    attrs["class"] = f"{classes} {existing}".strip()
    described = []
    if bound_field.help_text:
        described.append(f"{bound_field.auto_id}-hint")
    if bound_field.errors:
        described.append(f"{bound_field.auto_id}-error")
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return bound_field.as_widget(attrs=attrs)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (None removes)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + urlencode(sorted(params.lists()), doseq=True) if params else "?"


@register.simple_tag(takes_context=True)
def status_tag(context, question):
    """The question's timeliness as a GOV.UK tag: "Awaiting answer", "Overdue (3 …)"."""
    today = context.get("today") or timezone.localdate()
    return _status_tag(question, today)


def _status_tag(question, today):
    status = timeliness(question, today)
    return format_html('<strong class="{}">{}</strong>', status.css_class, status.label)


@register.simple_tag(name="object_url")
def object_url_tag(name, value):
    """``{% url name value %}`` for a one-argument page, reversed once (answers.links)."""
    return object_url(name, value)


# Names that link to their pages. Tags rather than included templates: a list
# row names two members and a department, and an include costs more than
# the row.


@register.simple_tag
def member_link(member):
    """A member's name (or what they are, while only their id is known), linked to their page."""
    return mark_safe(_member(member))  # noqa: S308 - escaped by _link


@register.simple_tag
def department_link(department):
    """A department's name linked to its page, or "Not known"."""
    return mark_safe(_department(department))  # noqa: S308 - escaped by _link


@register.filter(name="display_name")
def display_name_filter(user):
    """A user's full name, else their username (``answers.people.display_name``)."""
    return display_name(user)


@register.filter(name="long_date")
def long_date_filter(value):
    """ "12 February 2025" (``answers.people.long_date``)."""
    return long_date(value)


@register.simple_tag(takes_context=True)
def question_rows(context, questions):
    """The rows of a public table of questions (``includes/question_table.html``).

    Built here rather than in the template: a list page shows 25 rows, each
    naming its question, house, UIN, asker, minister, date, department and
    status, and the template language's lookups cost more than the rest of
    the row (0.3 ms a row; here a fifth to a third of that). Every value is escaped
    (``html.escape``, as Django's ``escape``); the snippet and the status tag
    come as safe HTML.
    """
    today = context.get("today") or timezone.localdate()
    return _rows(
        f"{_lead(question, question.get_absolute_url(), minister=True)}"
        f"{_cell('Tabled', _date(question.date_tabled), nowrap=True)}"
        f"{_cell('Department', _department(question.department))}"
        f"{_cell('Status', _status_tag(question, today))}"
        for question in questions
    )


@register.simple_tag(takes_context=True)
def staff_question_rows(context, questions, answered_column=False):
    """The rows of a staff table of questions (``staff/includes/question_table.html``),
    as ``question_rows``: the staff page of each, and its due date (or the
    day it was answered)."""
    today = context.get("today") or timezone.localdate()
    rows = []
    for question in questions:
        if answered_column:
            answer = question.get_answer()
            last = _cell("Answered", _date(answer.date_answered if answer else None), nowrap=True)
        else:
            due = _date(question.due_date)
            if question.due_date and question.is_named_day:
                due += '<br><span class="govuk-body-s">named day</span>'
            last = _cell("Due", due, nowrap=True)
        rows.append(
            f"{_lead(question, object_url('staff:question_detail', question.pk), minister=False)}"
            f"{_cell('Department', _department(question.department))}"
            f"{_cell('Tabled', _date(question.date_tabled), nowrap=True)}"
            f"{last}{_cell('Status', _status_tag(question, today))}"
        )
    return _rows(rows)


def _rows(cells):
    return mark_safe(  # noqa: S308 - every value escaped where the cells are made
        "".join(f'<tr class="govuk-table__row">{row}</tr>' for row in cells)
    )


def _link(url, text):
    """A GOV.UK link, its address and text escaped: the one spelling of the markup."""
    return f'<a class="govuk-link" href="{escape(url)}">{escape(text)}</a>'


def _member(member):
    return _link(member.get_absolute_url(), member.display_name)


def _cell(label, html, nowrap=False):
    wrap = " app-nowrap" if nowrap else ""
    return f'<td class="govuk-table__cell{wrap}" data-label="{label}">{html}</td>'


def _date(day):
    return long_date(day) if day else "Not known"


def _department(department):
    return _link(department.get_absolute_url(), department.name) if department else "Not known"


def _lead(question, url, *, minister):
    """The first cell: the question linked to ``url``, its house, UIN and asker
    (and, with ``minister``, who answered), and its search snippet if any."""
    about = escape(question.get_house_display())
    if question.uin:
        about += f", UIN {escape(question.uin)}"
    asker = question.asking_member if question.asking_member_id is not None else None
    if asker is not None:
        about += f" · asked by {_member(asker)}"
    answer = question.get_answer() if minister else None
    post = answer.minister if answer is not None else None
    if post is not None:
        about += f" · answered by {_member(post.member)}"
    snippet = getattr(question, "search_snippet", None)
    if snippet:
        snippet = (
            '<p class="govuk-body-s govuk-!-margin-bottom-0 govuk-!-margin-top-1 app-snippet">'
            f"{snippet_html(snippet)}</p>"
        )
    return (
        '<td class="govuk-table__cell app-table__lead">'
        f"{_link(url, question.heading)}"
        f'<p class="govuk-body-s govuk-!-margin-bottom-0 govuk-!-margin-top-1">{about}</p>'
        f"{snippet or ''}</td>"
    )
