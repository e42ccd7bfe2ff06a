"""Widgets written directly by GovukFormRenderer are what Django's templates write."""

import pytest
from django.forms.renderers import TemplatesSetting
from django.http import QueryDict

from answers.filters import QuestionFilter
from answers.models import Question
from answers.staff.filters import ActionFilter, StaffQuestionFilter
from answers.staff.forms import ActionForm, NewQuestionForm

pytestmark = pytest.mark.django_db

TYPED = (
    "q=vaccines+%22a+%26+b%22&house=Lords&status=answered&tabled_from=1%2F2%2F2025"
    "&tabled_to=not+a+date&member=Ann+O%27Neil&sort=newest_tabled&timeliness=late"
)


def widgets(form):
    return {field.name: str(field.as_widget()) for field in form}


def template_widgets(form):
    own, form.renderer = form.renderer, TemplatesSetting()
    try:
        return widgets(form)
    finally:
        form.renderer = own


def forms_to_check(make_question):
    make_question(department="Department for Education & Skills <DfES>")
    data = QueryDict(TYPED)
    for filterset in (
        QuestionFilter(None, queryset=Question.objects.all()),
        QuestionFilter(data, queryset=Question.objects.all()),
        StaffQuestionFilter(data, queryset=Question.objects.all()),
        ActionFilter(QueryDict("status=unfinished&overdue=yes"), queryset=None),
    ):
        form = filterset.form
        form.is_valid()
        yield form
    yield NewQuestionForm(data={"heading": 'Say "hello" & <b>', "house": "Commons"})
    yield ActionForm()


def test_written_widgets_match_the_templates(make_question):
    checked = 0
    for form in forms_to_check(make_question):
        fast, reference = widgets(form), template_widgets(form)
        assert fast == reference
        checked += len(fast)
    assert checked > 30


def test_the_widgets_are_written_without_templates(monkeypatch):
    """The check above compares something: text boxes and drop-downs skip the templates."""
    form = QuestionFilter(QueryDict(TYPED), queryset=Question.objects.all()).form
    rendered = []
    real = TemplatesSetting.render

    def counting(self, template_name, context, request=None):
        rendered.append(template_name)
        return real(self, template_name, context, request)

    monkeypatch.setattr(TemplatesSetting, "render", counting)
    widgets(form)
    assert not [name for name in rendered if name.startswith("django/forms/widgets/")]
