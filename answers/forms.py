"""Forms, rendered the GOV.UK way.

``GovukFormRenderer`` points Django's form rendering at
``templates/govuk/forms/``, so every form, django-filter's included, gets
GOV.UK labels, hints, error messages and classes without per-template markup.
"""

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

_INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("text", "date", "email", "number", "search", "url", "tel", "password", "hidden")
)
_SELECT_TEMPLATE = "django/forms/widgets/select.html"


def _attrs_html(attrs):
    """Django's widgets/attrs.html: False left out, True bare, anything else quoted."""
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input_html(widget):
    value = widget["value"]
    shown = "" if value is None else f' value="{conditional_escape(value)}"'
    return (
        f'<input type="{conditional_escape(widget["type"])}" name="{conditional_escape(widget["name"])}"'
        f"{shown}{_attrs_html(widget['attrs'])}>"
    )


def _select_html(widget):
    options = "".join(
        f'\n  <option value="{conditional_escape(option["value"])}"'
        f"{_attrs_html(option['attrs'])}>{conditional_escape(option['label'])}</option>\n"
        for _, group, _ in widget["optgroups"]
        for option in group
    )
    return (
        f'<select name="{conditional_escape(widget["name"])}"{_attrs_html(widget["attrs"])}>'
        f"{options}\n</select>"
    )


class GovukFormRenderer(TemplatesSetting):
    """Forms and fields through the GOV.UK templates; plain widgets written directly.

    Text boxes and drop-downs are written out here, exactly as Django's own
    widget templates write them (tests/test_forms_rendering.py compares the
    two): through the templates, a filter form's dozen fields and their
    options cost more than the list they filter.
    """

    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name.startswith("django/forms/") else None
        if widget is not None:
            if template_name in _INPUT_TEMPLATES:
                return mark_safe(_input_html(widget))  # noqa: S308 - every value escaped above
            if template_name == _SELECT_TEMPLATE and not any(
                group_name for group_name, _, _ in widget["optgroups"]
            ):
                return mark_safe(_select_html(widget))  # noqa: S308 - every value escaped above
        return super().render(template_name, context, request)


class DateInput(forms.DateInput):
    """A plain text box, so that a wrongly typed date is shown back as typed.

    (A browser date picker sends nothing at all for a date it cannot read.)
    """

    def __init__(self, attrs=None):
        super().__init__(
            attrs={"class": "govuk-input--width-10", "inputmode": "numeric", **(attrs or {})},
            format="%d/%m/%Y",
        )


# Day first, as people in the UK write dates; ISO and "12 February 2025" too,
# because that is how the pages people copy from show them.
DATE_INPUT_FORMATS = [
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%Y-%m-%d",
    "%d %B %Y",
    "%d %b %Y",
]

DATE_ERRORS = {"invalid": "Enter a real date, for example 12/02/2025."}
