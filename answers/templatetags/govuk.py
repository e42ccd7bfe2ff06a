"""Template helpers for GOV.UK Frontend markup."""

from django import template
from django.utils.html import format_html
from django.utils.http import urlencode

from answers.people import display_name, long_date

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
    from django.utils import timezone

    from answers.deadlines import timeliness

    today = context.get("today") or timezone.localdate()
    status = timeliness(question, today)
    return format_html('<strong class="{}">{}</strong>', status.css_class, status.label)


@register.simple_tag(name="object_url")
def object_url_tag(name, value):
    """``{% url name value %}`` for a one-argument page, reversed once (answers.links)."""
    from answers.links import object_url

    return object_url(name, value)


# Names that link to their pages. Tags rather than included templates: a list
# row names two members and a department, and an include costs more than
# the row.


@register.simple_tag
def member_link(member):
    """A member's name (or what they are, while only their id is known), linked to their page."""
    return format_html(
        '<a class="govuk-link" href="{}">{}</a>', member.get_absolute_url(), member.display_name
    )


@register.simple_tag
def department_link(department):
    """A department's name linked to its page, or "Not known"."""
    if department is None:
        return "Not known"
    return format_html(
        '<a class="govuk-link" href="{}">{}</a>', department.get_absolute_url(), department.name
    )


@register.filter(name="display_name")
def display_name_filter(user):
    """A user's full name, else their username (``answers.people.display_name``)."""
    return display_name(user)


@register.filter(name="long_date")
def long_date_filter(value):
    """ "12 February 2025" (``answers.people.long_date``)."""
    return long_date(value)
