"""Forms, rendered the GOV.UK way.

``GovukFormRenderer`` points Django's form rendering at
``templates/govuk/forms/``, so every form, django-filter's included, gets
GOV.UK labels, hints, error messages and classes without per-template markup.
"""

from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "govuk/forms/form.html"
    field_template_name = "govuk/forms/field.html"
