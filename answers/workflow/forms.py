"""Forms of the answering process. What a person typed is kept on every error."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q
from django.utils import timezone

from answers.forms import DATE_ERRORS, DATE_INPUT_FORMATS, DateInput
from answers.models import Minister
from answers.people import display_name
from answers.staff.forms import MemberField, resolve_member


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return display_name(obj)


def people_who_draft():
    """Everyone who may be given a question: Drafters and the PQ team."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(groups__permissions__codename="work_on_process")
            | Q(groups__permissions__codename="manage_process")
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class WorkflowForm(forms.Form):
    show_optional = True


class MoveForm(WorkflowForm):
    """What one move needs: an owner, a reason or comments, a department."""

    owner = PersonChoiceField(
        label="Commission to",
        queryset=get_user_model().objects.none(),
        error_messages={"required": "Choose who will draft the answer."},
        help_text="Policy leads in the Drafters group, and the PQ team.",
    )
    minister = forms.ModelChoiceField(
        label="Answering minister",
        queryset=Minister.objects.none(),
        required=False,
        help_text="Who is expected to answer; used when the answer is submitted.",
    )
    comment = forms.CharField(label="Comment", widget=forms.Textarea(attrs={"rows": 5}))
    department = forms.CharField(label="Department", max_length=255)

    def __init__(self, *args, move, question, **kwargs):
        super().__init__(*args, **kwargs)
        self.move = move
        if "owner" in move.needs:
            self.fields["owner"].queryset = people_who_draft()
            self.fields["minister"].queryset = Minister.objects.select_related("member").filter(
                Q(department=question.department) | Q(department__isnull=True)
            )
        else:
            del self.fields["owner"]
            del self.fields["minister"]
        if "comment" in move.needs:
            if move.name == "reject":
                self.fields["comment"].label = "Why are you rejecting it?"
                self.fields[
                    "comment"
                ].help_text = "For example, who should answer it instead. The PQ team sees this."
                self.fields["comment"].error_messages["required"] = (
                    "Give a reason for rejecting it."
                )
            else:
                self.fields["comment"].label = "What needs changing?"
                self.fields["comment"].error_messages["required"] = (
                    "Say what needs changing before it is returned."
                )
        else:
            self.fields["comment"].required = False
            self.fields["comment"].label = "Comment"
        if "department" in move.needs:
            out = move.name == "transfer_out"
            self.fields["department"].label = (
                "Transfer to which department?" if out else "Transferred from which department?"
            )
            self.fields["department"].error_messages["required"] = "Name the department."
        else:
            del self.fields["department"]


class SubmitAnswerForm(WorkflowForm):
    """The date and the answering minister; the text is the cleared draft's."""

    date_answered = forms.DateField(
        label="Date answered",
        widget=DateInput,
        input_formats=DATE_INPUT_FORMATS,
        error_messages={**DATE_ERRORS, "required": "Enter the date the answer was given."},
        help_text="For example, 12/02/2025.",
    )
    member = MemberField(label="Answered by", role="minister", who="minister")
    minister_role = forms.CharField(label="Minister's post", max_length=500, required=False)

    def __init__(self, *args, question=None, **kwargs):
        self.question = question
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_for(cls, process):
        minister = process.minister
        return {
            "date_answered": timezone.localdate(),
            "member": minister.member.name if minister else "",
            "minister_role": minister.title if minister else "",
        }

    def clean(self):
        cleaned = super().clean()
        house = self.question.house if self.question is not None else None
        # A known member, found as the answer form finds one.
        resolve_member(self, cleaned, "member", house=house)
        return cleaned

    def clean_date_answered(self):
        value = self.cleaned_data["date_answered"]
        tabled = self.question.date_tabled if self.question is not None else None
        if tabled and value < tabled:
            raise forms.ValidationError(
                f"The answer date must be the same as or after the date the question was "
                f"tabled ({tabled.day} {tabled:%B %Y})."
            )
        return value


class DraftForm(WorkflowForm):
    answer_text = forms.CharField(
        label="Draft answer",
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="As the minister would give it. Leave a blank line between paragraphs.",
        error_messages={"required": "Write the draft answer before saving it."},
    )
    background_note = forms.CharField(
        label="Background note",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="For the minister and clearers only; never published.",
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class StepForm(WorkflowForm):
    name = forms.CharField(
        label="Step name", max_length=120, help_text="For example, Press office.",
        error_messages={"required": "Name the step, for example “Press office”."},
    )  # fmt: skip
    user = PersonChoiceField(
        label="Cleared by a person", queryset=get_user_model().objects.none(), required=False
    )
    group = forms.ModelChoiceField(
        label="Or by anyone in a group", queryset=Group.objects.order_by("name"), required=False
    )
    position = forms.IntegerField(
        label="Position", min_value=1, required=False,
        help_text="1 for the first step. Leave blank to add it at the end.",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .order_by("first_name", "last_name", "username")
        )

    def clean(self):
        cleaned = super().clean()
        if bool(cleaned.get("user")) == bool(cleaned.get("group")):
            raise forms.ValidationError(
                "Choose either a person or a group to clear this step, not both."
            )
        return cleaned


class BulkCommissionForm(WorkflowForm):
    questions = forms.ModelMultipleChoiceField(
        label="Questions", queryset=None, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one question to commission."},
    )  # fmt: skip
    owner = PersonChoiceField(
        label="Commission to",
        queryset=get_user_model().objects.none(),
        error_messages={"required": "Choose who will draft the answers."},
    )

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["questions"].queryset = questions
        self.fields["questions"].label_from_instance = lambda q: (
            f"{q.heading}{' (UIN ' + q.uin + ')' if q.uin else ''}"
        )
        self.fields["owner"].queryset = people_who_draft()
