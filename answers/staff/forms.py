"""Forms for the staff pages.

Each form validates what a person typed and says plainly what to fix; the
writes themselves go through ``answers.services``. Edit forms carry the
``version`` of the record they were loaded from and its values as ``base``:
a save made after someone else's is merged with theirs (``answers.merge``),
and a field both changed is kept only as the editor chooses (``keep_<name>``).

Departments are chosen from the known list, and askers and ministers from
the known members: the text typed must name exactly one of them.
"""

import datetime
import re

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from ..forms import DATE_ERRORS, DATE_INPUT_FORMATS, DateInput
from ..groups import ADMINS, STAFF
from ..merge import read_base, sign_base
from ..models import ActionStatus, Department, House, Member
from ..people import display_name, long_date
from ..text import html_to_text


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
    """The version of the record as the form was loaded (``answers.services``)."""

    widget = forms.HiddenInput

    def __init__(self, *, required=True):
        message = (
            "This page was missing the version of the record it shows. "
            "Open the record again and make your change there."
        )
        super().__init__(
            required=required,
            min_value=1,
            error_messages={"required": message, "invalid": message, "min_value": message},
        )


KEEP_YOURS, KEEP_THEIRS = "yours", "theirs"


class StaffForm(forms.Form):
    # Labels of optional fields end "(optional)", as GOV.UK asks.
    show_optional = True

    # Hidden fields of versioned forms that are not record values.
    CONTROL_FIELDS = ("version", "base", "conflicts")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflicts = []
        if "base" in self.fields:
            raw = self.data.get(self.add_prefix("conflicts"), "") if self.is_bound else ""
            names = [name for name in raw.split(",") if name in self.merge_names()]
            self.conflicts = names
            for name in names:
                label = self.fields[name].label
                self.fields[f"keep_{name}"] = forms.ChoiceField(
                    label=f"{label}: which to keep",
                    choices=[(KEEP_YOURS, "Keep yours"), (KEEP_THEIRS, "Keep theirs")],
                    widget=GovukRadioSelect,
                    error_messages={
                        "required": "You both changed this field: choose yours or theirs."
                    },
                )

    def merge_names(self):
        """The fields that hold the record's values (merged field by field)."""
        return [
            name
            for name in self.base_fields
            if name not in self.CONTROL_FIELDS and not name.startswith("keep_")
        ]

    @classmethod
    def initial_for(cls, record):
        """The form's values for ``record``: ``record_values``, its version and the signed base."""
        values = cls.record_values(record)
        names = [n for n in cls.base_fields if n not in cls.CONTROL_FIELDS]
        return {
            **values,
            "version": getattr(record, "version", None),
            "base": sign_base({name: values.get(name) for name in names}),
        }

    @staticmethod
    def record_values(record):
        return {}

    def base(self):
        return read_base(self.cleaned_data.get("base"))

    def yours(self, theirs):
        """What the editor asks for: the cleaned values, with conflicts settled their way."""
        values = {name: self.cleaned_data.get(name) for name in self.merge_names()}
        for name in self.conflicts:
            if self.cleaned_data.get(f"keep_{name}") == KEEP_THEIRS:
                values[name] = theirs.get(name)
        return values

    def display(self, name, value):
        return _display(self.fields[name], value)


def _display(field, value):
    if value in (None, ""):
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return long_date(value)
    if hasattr(value, "get_username"):
        return display_name(value)
    if hasattr(value, "pk"):
        return str(value)
    if hasattr(field, "choices"):
        return str(dict(field.choices).get(value, value))
    return str(value).replace("\r\n", "\n").strip()


# --- choosing from the known lists ----------------------------------------------

# "Karin Smyth (4823)", or "Member of Parliament (id 4823)" for a member known by id only.
_WITH_ID = re.compile(r"^(?P<name>.*?)\s*\((?:id\s*)?(?P<id>\d+)\)\s*$")

AUTOCOMPLETE_URL = "/members/search.json?role={role}"


def member_from_text(text, *, house=None, role):
    """The one known member ``text`` names: "Karin Smyth", or "Karin Smyth (4823)".

    Raises ``ValidationError`` naming the candidates when the name is not
    known or is not enough to tell members apart. ``house`` narrows the search
    (the asker and the answering minister sit in the question's House).
    """
    text = " ".join((text or "").split())
    what = "minister" if role == "minister" else "member"
    match = _WITH_ID.match(text)
    members = Member.objects.all()
    if match:
        found = list(members.filter(parliament_id=int(match["id"])))
        if found:
            return found[0]
        text = match["name"]
    found = list(members.filter(name__iexact=text))
    in_house = [member for member in found if house is None or member.house == house]
    if len(in_house) == 1:
        return in_house[0]
    if not found:
        raise forms.ValidationError(
            f"“{text}” is not a known {what}. Start typing a name and choose from the list; "
            "a new member is added by a members sync or an admin."
        )
    candidates = in_house or found

    def describe(member):
        bits = [member.get_house_display()]
        if member.party:
            bits.append(member.party)
        if member.constituency:
            bits.append(member.constituency)
        ident = f" ({member.parliament_id})" if member.parliament_id else ""
        return f"{member.name}{ident}, {', '.join(bits)}"

    listing = "; ".join(describe(member) for member in candidates)
    if not in_house:
        raise forms.ValidationError(
            f"“{text}” is not a {what} of the {House(house).label}: {listing}."
        )
    raise forms.ValidationError(
        f"“{text}” could be {len(candidates)} members: {listing}. Type the name with the "
        "Parliament id in brackets, for example “Name (1234)”."
    )


class MemberField(forms.CharField):
    """A known member, typed: a text box the type-ahead enhances for ``role``.

    The text stays text here (so an error shows it back as typed); the form's
    ``clean`` turns it into the member with ``resolve_member``, once the
    House is known.
    """

    def __init__(self, *, label, role, who):
        self.role = role
        super().__init__(
            label=label,
            max_length=255,
            required=False,
            help_text=f"Start typing the {who}’s name and choose from the list.",
            widget=forms.TextInput(
                attrs={
                    "autocomplete": "off",
                    "spellcheck": "false",
                    "data-autocomplete-url": AUTOCOMPLETE_URL.format(role=role),
                }
            ),
        )


def resolve_member(form, cleaned, name, *, house):
    """Replace the typed text of ``name`` in ``cleaned`` by the member, or add the error."""
    typed = (cleaned.get(name) or "").strip()
    cleaned[name] = None
    if typed and house:
        try:
            cleaned[name] = member_from_text(typed, house=house, role=form.fields[name].role)
        except forms.ValidationError as exc:
            form.add_error(name, exc)


class DepartmentField(forms.ModelChoiceField):
    """A department from the known list; only an admin adds one."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Department.objects.order_by("name"),
            label="Department",
            empty_label="Choose the department",
            help_text="The department the question is addressed to. "
            "A department not in the list is added by an admin.",
            error_messages={
                "required": "Choose the department the question is addressed to.",
                "invalid_choice": "Choose a department from the list.",
            },
            **kwargs,
        )


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
    department = DepartmentField()
    asking_member = MemberField(label="Asked by", role="asker", who="member")
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
        "source_url",
    ]

    def __init__(self, *args, today=None, answer_date=None, **kwargs):
        self.today = today or timezone.localdate()
        # The saved answer's date, if any: tabling cannot move after it.
        self.answer_date = answer_date
        super().__init__(*args, **kwargs)

    @staticmethod
    def record_values(question):
        return {
            "house": question.house,
            "uin": question.uin,
            "date_tabled": question.date_tabled,
            "is_named_day": question.is_named_day,
            "date_for_answer": question.date_for_answer,
            "heading": question.heading,
            "text": question.text,
            "department": question.department,
            "asking_member": question.asking_member,
            "source_url": question.source_url,
            "is_withdrawn": question.is_withdrawn,
            "date_withdrawn": question.date_withdrawn,
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
            "department": Department.objects.filter(name__iexact=record.department or "").first(),
            "asking_member": record.asking_member or "",
            "answered_by": record.answered_by or "",
            "minister_role": record.minister_role or "",
            "date_answered": record.date_answered,
            "answer_text": record.answer_text or "",
            # A page's "Holding answer received on …" line dates the holding
            # answer that came first: the answer shown is the substantive one
            # (as services.question_import_page reads it), so is_holding stays off.
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
                f"({long_date(self.answer_date)}).",
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
        for name in ("uin", "heading", "text"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = cleaned[name].strip()
        resolve_member(self, cleaned, "asking_member", house=cleaned.get("house"))
        return cleaned

    def question_fields(self, values=None):
        """Keyword arguments for services.question_create/question_update."""
        data = self.cleaned_data if values is None else values
        names = [*self.QUESTION_FIELDS, "is_withdrawn", "date_withdrawn"]
        return {name: data[name] for name in names if name in self.fields and name in data}


class AnswerFieldsMixin(forms.Form):
    answered_by = MemberField(label="Answered by", role="minister", who="minister")
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

    def clean_answer(self, cleaned, *, tabled, house):
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
                f"The date answered must be on or after the date tabled ({long_date(tabled)}).",
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
        resolve_member(self, cleaned, "answered_by", house=house)


class NewQuestionForm(AnswerFieldsMixin, QuestionForm):
    """Log a question, with its answer when the page already has one."""

    answer_required = False

    field_order = QuestionForm.QUESTION_FIELDS + AnswerFieldsMixin.ANSWER_FIELDS

    def clean(self):
        cleaned = super().clean()
        self.clean_answer(cleaned, tabled=cleaned.get("date_tabled"), house=cleaned.get("house"))
        return cleaned


class EditQuestionForm(QuestionForm):
    is_withdrawn = forms.BooleanField(label="Withdrawn", required=False)
    date_withdrawn = date_field("Date withdrawn")
    version = VersionField()
    base = forms.CharField(widget=forms.HiddenInput, required=False)
    conflicts = forms.CharField(widget=forms.HiddenInput, required=False)

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


class AnswerForm(AnswerFieldsMixin, StaffForm):
    """Record or edit a question's answer."""

    # Empty when there was no answer as the form was loaded.
    version = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    base = forms.CharField(widget=forms.HiddenInput, required=False)
    conflicts = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, question, today=None, **kwargs):
        self.question = question
        self.today = today or timezone.localdate()
        super().__init__(*args, **kwargs)

    @staticmethod
    def record_values(answer):
        if answer is None:
            return {}
        minister = answer.minister
        return {
            "answered_by": minister.member if minister else None,
            "minister_role": minister.title if minister else "",
            "date_answered": answer.date_answered,
            "answer_text": html_to_text(answer.text),
            "is_holding": answer.is_holding,
            "date_holding_answer": answer.date_holding_answer,
        }

    def clean(self):
        cleaned = super().clean()
        self.clean_answer(cleaned, tabled=self.question.date_tabled, house=self.question.house)
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
        return display_name(user)


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
    def record_values(action):
        return {
            "title": action.title,
            "detail": action.detail,
            "owner": action.owner,
            "organisation": action.organisation,
            "due_date": action.due_date,
            "is_public": action.is_public,
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

    def action_fields(self, values=None):
        """Keyword arguments for services.action_create/action_update."""
        data = self.cleaned_data if values is None else values
        return {name: data[name] for name in self.merge_names() if name in data}


class EditActionForm(ActionForm):
    version = VersionField()
    base = forms.CharField(widget=forms.HiddenInput, required=False)
    conflicts = forms.CharField(widget=forms.HiddenInput, required=False)


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
    base = forms.CharField(widget=forms.HiddenInput, required=False)
    conflicts = forms.CharField(widget=forms.HiddenInput, required=False)

    @staticmethod
    def record_values(action):
        return {"status": action.status, "outcome": action.outcome}

    def clean(self):
        cleaned = super().clean()
        cleaned["outcome"] = (cleaned.get("outcome") or "").strip()
        return cleaned
