"""Template helpers for GOV.UK Frontend markup."""

from django import template
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


@register.inclusion_tag("includes/status_tag.html", takes_context=True)
def status_tag(context, question):
    from django.utils import timezone

    from answers.deadlines import timeliness

    today = context.get("today") or timezone.localdate()
    return {"status": timeliness(question, today)}


@register.filter(name="display_name")
def display_name_filter(user):
    """A user's full name, else their username (``answers.people.display_name``)."""
    return display_name(user)


@register.filter(name="long_date")
def long_date_filter(value):
    """ "12 February 2025" (``answers.people.long_date``)."""
    return long_date(value)
