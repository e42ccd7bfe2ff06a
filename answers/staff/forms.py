"""Forms for the staff pages.

Each form validates what a person typed and says plainly what to fix; the
writes themselves go through ``answers.services``. Edit forms carry the
``version`` of the record they were loaded from, so a save made after someone
else's is refused instead of overwriting it (services.StaleEditError).
"""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from ..forms import DATE_ERRORS, DATE_INPUT_FORMATS, DateInput
from ..groups import ADMINS, STAFF
from ..models import ActionStatus, House
from ..text import html_to_text


def _long_date(value):
    return f"{value.day} {value:%B %Y}"


class GovukRadioSelect(forms.RadioSelect):
    def id_for_label(self, id_, index=None):
        # The error summary links to the first radio, as GOV.UK asks; Django
        # gives a radio group no id of its own.
        return super().id_for_label(id_, 0 if index is None else index)


def date_field(label, *, required=False, required_message="", help_text=""):
    messages = dict(DATE_ERRORS)
    if required_message:
        messages["required"] = required_message
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput,
        input_formats=DATE_INPUT_FORMATS,
        help_text=f"{help_text} For example, 12/02/2025.".strip(),
        error_messages=messages,
    )


class VersionField(forms.IntegerField):
    """The version of the record as the form was loaded; see services._check_version."""

    widget = forms.HiddenInput

    def __init__(self, *, required=True):
        super().__init__(
            required=required,
            min_value=1,
            error_messages={
                "required": "This page was missing the version of the record it shows. "
                "Open the record again and make your change there.",
                "invalid": "This page was missing the version of the record it shows. "
                "Open the record again and make your change there.",
                "min_value": "This page was missing the version of the record it shows. "
                "Open the record again and make your change there.",
            },
        )


class StaffForm(forms.Form):
    # Labels of optional fields end "(optional)", as GOV.UK asks.
    show_optional = True

    def differences(self, current_initial):
        """(label, what you typed, what is saved) for the fields that differ.

        Shown when a save is refused as stale, so the editor sees both versions.
        """
        rows = []
        for name, field in self.fields.items():
            if name == "version" or not hasattr(self, "cleaned_data"):
                continue
            mine = self.cleaned_data.get(name)
            theirs = current_initial.get(name)
            if _display(field, mine) != _display(field, theirs):
                rows.append((field.label, _display(field, mine), _display(field, theirs)))
        return rows


def _display(field, value):
    if value in (None, ""):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return _long_date(value)
    if hasattr(field, "choices") and not hasattr(value, "pk"):
        return str(dict(field.choices).get(value, value))
    if hasattr(value, "pk"):
        return str(getattr(value, "get_full_name", lambda: "")() or value)
    return str(value).replace("\r\n", "\n").strip()


# --- pasting a page ------------------------------------------------------------


class PasteForm(forms.Form):
    page_text = forms.CharField(
        label="Paste the page text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
        help_text="Copy everything on the question’s page (Parallel Parliament or "
        "parliament.uk) and paste it here to fill in the form below.",
    )


# --- questions -----------------------------------------------------------------


class QuestionForm(StaffForm):
    """The question itself, as logged or edited by staff."""

    house = forms.ChoiceField(
        label="House",
        choices=House.choices,
        initial=House.COMMONS,
        widget=GovukRadioSelect(attrs={"inline": True}),
        error_messages={"required": "Choose the House of Commons or the House of Lords."},
    )
    uin = forms.CharField(
        label="UIN",
        max_length=30,
        required=False,
        help_text="The question’s number, for example 29000 or HL4567.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "spellcheck": "false"}),
    )
    date_tabled = date_field(
        "Date tabled",
        required=True,
        required_message="Enter the date the question was tabled.",
        help_text="The answer is due 5 working days after this in the Commons, 10 in the Lords.",
    )
    is_named_day = forms.BooleanField(
        label="Named day question",
        required=False,
        help_text="Commons only: the member named the day the answer is due.",
    )
    date_for_answer = date_field("Named day", help_text="Needed for a named day question.")
    heading = forms.CharField(
        label="Heading",
        max_length=500,
        error_messages={"required": "Enter the question’s heading, for example Infant Mortality."},
    )
    text = forms.CharField(
        label="Question",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the question text."},
        help_text="Starting “To ask …”.",
    )
    department = forms.CharField(
        label="Department",
        max_length=255,
        error_messages={"required": "Enter the department the question is addressed to."},
        help_text="Start typing to choose a known department; a new name adds a department.",
        widget=forms.TextInput(attrs={"list": "departments", "autocomplete": "off"}),
    )
    asking_member = forms.CharField(label="Asked by", max_length=255, required=False)
    asking_member_party = forms.CharField(
        label="Their party",
        max_length=120,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    constituency = forms.CharField(
        label="Their constituency or peerage",
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    source_url = forms.URLField(
        label="Source web address",
        max_length=1000,
        required=False,
        assume_scheme="https",
        error_messages={"invalid": "Enter a web address, like https://www.parliament.uk/…"},
    )

    QUESTION_FIELDS = [
        "house",
        "uin",
        "date_tabled",
        "is_named_day",
        "date_for_answer",
        "heading",
        "text",
        "department",
        "asking_member",
        "asking_member_party",
        "constituency",
        "source_url",
    ]

    def __init__(self, *args, today=None, answer_date=None, **kwargs):
        self.today = today or timezone.localdate()
        # The saved answer's date, if any: tabling cannot move after it.
        self.answer_date = answer_date
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(question):
        member = question.asking_member
        return {
            "house": question.house,
            "uin": question.uin,
            "date_tabled": question.date_tabled,
            "is_named_day": question.is_named_day,
            "date_for_answer": question.date_for_answer,
            "heading": question.heading,
            "text": question.text,
            "department": question.department.name if question.department else "",
            "asking_member": member.name if member else "",
            "asking_member_party": member.party if member else "",
            "constituency": member.constituency if member else "",
            "source_url": question.source_url,
            "is_withdrawn": question.is_withdrawn,
            "date_withdrawn": question.date_withdrawn,
            "version": question.version,
        }

    @staticmethod
    def initial_from_record(record):
        """Form values from a parsed page (answers.importers.page_text.PageRecord)."""
        return {
            "house": record.house,
            "uin": record.uin or "",
            "date_tabled": record.date_tabled,
            "heading": record.heading,
            "text": record.question_text,
            "department": record.department or "",
            "asking_member": record.asking_member or "",
            "asking_member_party": record.asking_member_party or "",
            "constituency": record.constituency or "",
            "answered_by": record.answered_by or "",
            "minister_role": record.minister_role or "",
            "date_answered": record.date_answered,
            "answer_text": record.answer_text or "",
            # A page's "Holding answer received on …" line dates the holding
            # answer that came first: the answer shown is the substantive one
            # (as services.import_page_record reads it), so is_holding stays off.
            "date_holding_answer": record.date_holding_answer,
        }

    def clean(self):
        cleaned = super().clean()
        tabled = cleaned.get("date_tabled")
        if tabled and tabled > self.today:
            self.add_error("date_tabled", "The date tabled must be today or in the past.")
        if tabled and self.answer_date and tabled > self.answer_date:
            self.add_error(
                "date_tabled",
                f"The date tabled must be on or before the date it was answered "
                f"({_long_date(self.answer_date)}).",
            )
        if cleaned.get("is_named_day"):
            named = cleaned.get("date_for_answer")
            if cleaned.get("house") == House.LORDS:
                self.add_error("is_named_day", "Only Commons questions can be named day questions.")
            if not named and "date_for_answer" not in self.errors:
                self.add_error("date_for_answer", "Enter the named day for the answer.")
            elif named and tabled and named < tabled:
                self.add_error(
                    "date_for_answer", "The named day must be on or after the date tabled."
                )
        else:
            # A date for answer without the named-day box means nothing here.
            cleaned["date_for_answer"] = None
        for name in ("uin", "heading", "text", "department", "asking_member"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        return cleaned

    def question_fields(self):
        """Keyword arguments for services.question_write."""
        data = self.cleaned_data
        return {
            "house": data["house"],
            "uin": data["uin"],
            "date_tabled": data["date_tabled"],
            "is_named_day": data["is_named_day"],
            "date_for_answer": data["date_for_answer"],
            "heading": data["heading"],
            "text": data["text"],
            "source_url": data["source_url"],
            "department_name": data["department"],
            "asking_member_name": data["asking_member"],
            "asking_member_party": data["asking_member_party"],
            "constituency": data["constituency"],
        }


class AnswerFieldsMixin(forms.Form):
    answered_by = forms.CharField(
        label="Answered by",
        max_length=255,
        required=False,
        help_text="The minister’s name, for example Karin Smyth.",
    )
    minister_role = forms.CharField(
        label="Minister’s post",
        max_length=500,
        required=False,
        help_text="For example, Minister of State (Department of Health and Social Care).",
    )
    date_answered = date_field("Date answered")
    answer_text = forms.CharField(
        label="Answer",
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Leave a blank line between paragraphs.",
    )
    is_holding = forms.BooleanField(
        label="This is a holding answer",
        required=False,
        help_text="A full answer is still to come, so the question stays on the due list.",
    )
    date_holding_answer = date_field(
        "Holding answer given on",
        help_text="When a holding answer came before this one.",
    )

    ANSWER_FIELDS = [
        "answered_by",
        "minister_role",
        "date_answered",
        "answer_text",
        "is_holding",
        "date_holding_answer",
    ]
    answer_required = True

    def has_answer(self):
        data = getattr(self, "cleaned_data", {})
        return bool(data.get("date_answered") or (data.get("answer_text") or "").strip())

    def clean_answer(self, cleaned, *, tabled):
        """Check the answer fields; on the new-question form they are all optional."""
        answered = cleaned.get("date_answered")
        text = (cleaned.get("answer_text") or "").strip()
        cleaned["answer_text"] = text
        anything = answered or text or cleaned.get("answered_by") or cleaned.get("is_holding")
        if not (self.answer_required or anything):
            return
        if not answered and "date_answered" not in self.errors:
            self.add_error("date_answered", "Enter the date the question was answered.")
        if not text:
            self.add_error("answer_text", "Enter the answer text.")
        if answered and answered > self.today:
            self.add_error("date_answered", "The date answered must be today or in the past.")
        if answered and tabled and answered < tabled:
            self.add_error(
                "date_answered",
                f"The date answered must be on or after the date tabled ({_long_date(tabled)}).",
            )
        held = cleaned.get("date_holding_answer")
        if held and answered and held > answered:
            self.add_error(
                "date_holding_answer",
                "The holding answer must be dated on or before the date answered.",
            )
        if held and tabled and held < tabled:
            self.add_error(
                "date_holding_answer", "The holding answer must be dated on or after tabling."
            )
        if cleaned.get("minister_role") and not cleaned.get("answered_by"):
            self.add_error("answered_by", "Enter the minister’s name for this post.")

    def answer_fields(self):
        """Keyword arguments for services.answer_write."""
        data = self.cleaned_data
        return {
            "minister_name": data["answered_by"],
            "minister_role": data["minister_role"],
            "date_answered": data["date_answered"],
            "text": data["answer_text"],
            "is_holding": data["is_holding"],
            "date_holding_answer": data["date_holding_answer"],
        }


class NewQuestionForm(AnswerFieldsMixin, QuestionForm):
    """Log a question, with its answer when the page already has one."""

    answer_required = False

    field_order = QuestionForm.QUESTION_FIELDS + AnswerFieldsMixin.ANSWER_FIELDS

    def clean(self):
        cleaned = super().clean()
        self.clean_answer(cleaned, tabled=cleaned.get("date_tabled"))
        return cleaned


class EditQuestionForm(QuestionForm):
    is_withdrawn = forms.BooleanField(label="Withdrawn", required=False)
    date_withdrawn = date_field("Date withdrawn")
    version = VersionField()

    def clean(self):
        cleaned = super().clean()
        withdrawn = cleaned.get("date_withdrawn")
        if cleaned.get("is_withdrawn"):
            tabled = cleaned.get("date_tabled")
            if withdrawn and tabled and withdrawn < tabled:
                self.add_error("date_withdrawn", "The question cannot be withdrawn before tabling.")
            if withdrawn and withdrawn > self.today:
                self.add_error("date_withdrawn", "The date withdrawn must be today or in the past.")
        else:
            cleaned["date_withdrawn"] = None
        return cleaned

    def question_fields(self):
        fields = super().question_fields()
        fields["is_withdrawn"] = self.cleaned_data["is_withdrawn"]
        fields["date_withdrawn"] = self.cleaned_data["date_withdrawn"]
        return fields


class AnswerForm(AnswerFieldsMixin, StaffForm):
    """Record or edit a question's answer."""

    # Empty when there was no answer as the form was loaded.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, question, today=None, **kwargs):
        self.question = question
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)

    @staticmethod
    def initial_for(answer):
        if answer is None:
            return {}
        minister = answer.minister
        return {
            "answered_by": minister.member.name if minister else "",
            "minister_role": minister.title if minister else "",
            "date_answered": answer.date_answered,
            "answer_text": html_to_text(answer.text),
            "is_holding": answer.is_holding,
            "date_holding_answer": answer.date_holding_answer,
            "version": answer.version,
        }

    def clean(self):
        cleaned = super().clean()
        self.clean_answer(cleaned, tabled=self.question.date_tabled)
        return cleaned


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add an internal note",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Only staff see notes. They are never shown on public pages.",
        error_messages={
            "required": "Enter the note.",
            "max_length": "The note must be 10,000 characters or fewer.",
        },
    )

    def clean_text(self):
        text = self.cleaned_data["text"].strip()
        if not text:
            raise forms.ValidationError("Enter the note.")
        return text


# --- follow-up actions ---------------------------------------------------------


def action_owners():
    """People who can own an action: active members of Staff or Admins, and superusers."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True)
        .filter(Q(groups__name__in=[STAFF, ADMINS]) | Q(is_superuser=True))
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return user.get_full_name() or user.get_username()


class ActionForm(StaffForm):
    title = forms.CharField(
        label="Action",
        max_length=500,
        help_text="What will be done, for example “Obtain the OHID London action plan”.",
        error_messages={"required": "Enter what the action is."},
    )
    detail = forms.CharField(
        label="Detail",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For staff only: never shown on the public page.",
    )
    owner = OwnerChoiceField(
        label="Owner",
        queryset=None,
        required=False,
        empty_label="No one yet",
        help_text="The person who will see it through.",
        error_messages={"invalid_choice": "Choose an owner from the list."},
    )
    organisation = forms.CharField(
        label="Owning organisation",
        max_length=255,
        required=False,
        help_text="The organisation responsible, for example OHID London.",
        widget=forms.TextInput(attrs={"list": "organisations", "autocomplete": "off"}),
    )
    due_date = date_field("Due date")
    is_public = forms.BooleanField(
        label="Show on the public question page",
        required=False,
        help_text="The public page shows the action, organisation, due date and status, "
        "and the outcome once done. Detail and owner stay internal.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = action_owners()

    @staticmethod
    def initial_for(action):
        return {
            "title": action.title,
            "detail": action.detail,
            "owner": action.owner,
            "organisation": action.organisation,
            "due_date": action.due_date,
            "is_public": action.is_public,
            "version": action.version,
        }

    def clean(self):
        cleaned = super().clean()
        for name in ("title", "detail", "organisation"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        if (
            "owner" not in self.errors
            and not cleaned.get("owner")
            and not cleaned.get("organisation")
        ):
            self.add_error("owner", "Choose an owner or enter the owning organisation.")
        return cleaned

    def apply_to(self, action):
        for name in ("title", "detail", "owner", "organisation", "due_date", "is_public"):
            setattr(action, name, self.cleaned_data[name])
        return action


class EditActionForm(ActionForm):
    version = VersionField()


class ActionStatusForm(StaffForm):
    # The outcome is needed for done or cancelled: "(optional)" would mislead.
    show_optional = False

    status = forms.ChoiceField(
        label="Status",
        choices=ActionStatus.choices,
        widget=GovukRadioSelect,
        error_messages={"required": "Choose the action’s status."},
    )
    outcome = forms.CharField(
        label="Outcome",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What happened. Needed when the action is done or cancelled; a done "
        "action’s outcome is shown on the public page if the action is public.",
    )
    version = VersionField()

    @staticmethod
    def initial_for(action):
        return {"status": action.status, "outcome": action.outcome, "version": action.version}

    def clean(self):
        cleaned = super().clean()
        cleaned["outcome"] = (cleaned.get("outcome") or "").strip()
        if (
            cleaned.get("status") in (ActionStatus.DONE, ActionStatus.CANCELLED)
            and not cleaned["outcome"]
        ):
            self.add_error(
                "outcome",
                "Enter the outcome: what was done, or why the action was cancelled.",
            )
        return cleaned
