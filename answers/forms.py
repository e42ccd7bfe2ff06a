"""Forms, rendered the GOV.UK way.

``GovukFormRenderer`` points Django's form rendering at
``templates/govuk/forms/``, so every form, django-filter's included, gets
GOV.UK labels, hints, error messages and classes without per-template markup.
"""

from django import forms
from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"


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
