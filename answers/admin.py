"""The Django admin: every model, with a question's answer and actions inline.

Saves go through ``answers.services`` so that due dates, versions and
completion dates follow the same rules as the staff pages and importers.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.views.main import ORDER_VAR, PAGE_VAR, SEARCH_VAR, ChangeList
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max, Min
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin

from . import search, services
from .groups import ADMINS
from .lookups import one_of
from .merge import form_data, read_base, sign_base, three_way
from .models import (
    ActionStatus,
    Answer,
    Department,
    FollowUpAction,
    GroupedQuestionRef,
    InternalNote,
    Member,
    Minister,
    Question,
)
from .views import CappedPaginator


class VersionedAdminForm(forms.ModelForm):
    """Carries the version and the values the admin page was loaded with.

    A save made after someone else's (in the admin or on the staff pages) is
    merged with theirs: fields only they changed keep their change, fields
    only you changed take yours (``answers.merge``). Fields you both changed
    are listed with both values, nothing is saved, and the form comes back
    holding their other changes: you set each listed field to the value to
    keep and save again.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    loaded_base = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # New records are saved whatever the version; edits carry theirs.
        self.expected_version = services.ANY_VERSION
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version
            self.fields["loaded_base"].initial = sign_base(self._values(self.instance))

    def _merge_names(self):
        concrete = {f.name for f in self._meta.model._meta.concrete_fields}
        return [name for name in self.fields if name in concrete]

    def _values(self, record):
        model_fields = self._meta.model._meta
        return {
            name: getattr(record, model_fields.get_field(name).attname)
            for name in self._merge_names()
        }

    def clean(self):
        cleaned = super().clean()
        loaded = cleaned.get("loaded_version")
        if self.instance.pk and loaded is None and "loaded_version" not in self.errors:
            # A hand-made POST without the version would skip the check below.
            raise ValidationError(
                "This form did not say which version of the record it was loaded at, so "
                "changes made since could be overwritten. Reload the page and make your "
                "changes again."
            )
        if not self.instance.pk or loaded is None:
            return cleaned
        self.expected_version = loaded
        current = type(self.instance).objects.get(pk=self.instance.pk)
        if current.version == loaded:
            return cleaned
        names = self._merge_names()
        theirs = self._values(current)
        merged = three_way(
            base=read_base(cleaned.get("loaded_base")),
            theirs=theirs,
            yours={name: cleaned.get(name) for name in names},
            names=names,
        )
        kept = {name: getattr(current, name) for name in merged.kept_theirs}
        if merged.conflicts:
            self._show_merged(current, kept)
            listing = "; ".join(
                f"{self.fields[name].label}: yours “{comparable_display(cleaned.get(name))}”, "
                f"theirs “{comparable_display(getattr(current, name))}”"
                for name in merged.conflicts
            )
            raise ValidationError(
                f"{services.StaleEditError(current)} Nothing was saved. You both changed "
                f"{listing}. The form now holds their changes to the other fields and your "
                "version of these: set each to the value to keep, and save again."
            )
        cleaned.update(kept)
        self.expected_version = current.version
        return cleaned

    def _show_merged(self, current, kept):
        """Put their changes and the current version into the form shown again."""
        data = self.data.copy()
        for key, value in form_data(self, kept).items():
            data.setlist(key, value if isinstance(value, list) else [value])
        for name, value in kept.items():
            if isinstance(self.fields[name].widget, forms.CheckboxInput) and not value:
                data.pop(self.add_prefix(name), None)
        data[self.add_prefix("loaded_version")] = str(current.version)
        data[self.add_prefix("loaded_base")] = sign_base(self._values(current))
        self.data = data


def comparable_display(value):
    if value in (None, ""):
        return "(blank)"
    if isinstance(value, bool):
        return "yes" if value else "no"
    return " ".join(str(value).split())[:120]


class ActionAdminForm(VersionedAdminForm):
    """A follow-up action closed as done or cancelled needs its outcome (the service rule)."""

    def clean(self):
        cleaned = super().clean()
        if "status" in cleaned:
            try:
                services.action_check_outcome(
                    status=cleaned["status"],
                    outcome=cleaned.get("outcome", self.instance.outcome),
                    previous_status=self.instance.status if self.instance.pk else None,
                )
            except ValidationError as exc:
                if "outcome" in self.fields:
                    self.add_error("outcome", exc.message_dict["outcome"])
                else:
                    self.add_error(None, exc.message_dict["outcome"])
        return cleaned


class MarkDoneForm(forms.Form):
    outcome = forms.CharField(
        label="Outcome",
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="What was done. Recorded on every action marked done here.",
        error_messages={"required": "Enter the outcome: what was done."},
    )


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["name", "parliament_id"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name", "house", "party", "constituency", "parliament_id"]
    list_filter = ["house", "party"]
    search_fields = ["name", "constituency", "party"]


@admin.register(Minister)
class MinisterAdmin(admin.ModelAdmin):
    list_display = ["member", "title", "department"]
    list_filter = ["department"]
    search_fields = ["member__name", "title"]
    autocomplete_fields = ["member", "department"]
    list_select_related = ["member", "department"]


class AnswerInline(admin.StackedInline):
    model = Answer
    form = VersionedAdminForm
    extra = 0
    max_num = 1
    autocomplete_fields = ["minister"]
    fields = [
        "loaded_version",
        "loaded_base",
        "minister",
        "date_answered",
        "text",
        "is_holding",
        "date_holding_answer",
        "is_correction",
        "date_corrected",
        "original_text",
    ]


class FollowUpActionInline(admin.TabularInline):
    model = FollowUpAction
    form = ActionAdminForm
    extra = 0
    autocomplete_fields = ["owner"]
    fields = [
        "loaded_version",
        "loaded_base",
        "title",
        "organisation",
        "owner",
        "due_date",
        "status",
        "outcome",
        "is_public",
        "completed_on",
    ]
    # Set by the status change (services.action_update), never typed.
    readonly_fields = ["completed_on"]


class InternalNoteInline(admin.TabularInline):
    model = InternalNote
    form = VersionedAdminForm
    extra = 0
    fields = ["loaded_version", "loaded_base", "text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]


class YearFilter(admin.SimpleListFilter):
    """A year filter whose choices come from the first and last dates (two index reads).

    Django's ``date_hierarchy`` lists the years by reading every row
    (SELECT DISTINCT over the whole table); at a million questions that
    alone costs more than the page should.
    """

    field_name = None

    def lookups(self, request, model_admin):
        # Two queries: SQLite reads one end of an index for MIN or for MAX
        # alone, but the whole table for both at once. As aggregates, not
        # ORDER BY … LIMIT 1: the date's index is newest first with undated
        # rows last, which PostgreSQL reads for MIN and MAX but not for an
        # ordering whose undated rows would come first.
        rows = model_admin.model._default_manager
        first = rows.aggregate(first=Min(self.field_name))["first"]
        if not first:
            return []
        last = rows.aggregate(last=Max(self.field_name))["last"]
        years = range(last.year, first.year - 1, -1)
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(**{f"{self.field_name}__year": int(self.value())})
        return queryset


def year_filter(field_name, title):
    return type(
        f"{field_name.title().replace('_', '')}YearFilter",
        (YearFilter,),
        {"field_name": field_name, "title": title, "parameter_name": f"{field_name}_year"},
    )


class SortableOnlyChangeList(ChangeList):
    """A changelist that sorts only by the columns ``sortable_by`` names.

    Django leaves the other column headers unlinked, but still sorts by any
    column a link or bookmark names (``?o=1``). Here such a column is left
    out, and with none left the list keeps its usual order.
    """

    def get_ordering(self, request, queryset):
        if ORDER_VAR in self.params and self.sortable_by is not None:
            kept = [part for part in self.params[ORDER_VAR].split(".") if self._sortable(part)]
            if kept:
                self.params[ORDER_VAR] = ".".join(kept)
            else:
                del self.params[ORDER_VAR]
        return super().get_ordering(request, queryset)

    def _sortable(self, part):
        try:
            column = self.list_display[int(part.rpartition("-")[2])]
        except (IndexError, ValueError):
            return True  # not a column: Django passes over it
        return column in self.sortable_by


class RowLinksChangeList(SortableOnlyChangeList):
    """Each row's link carries the list's filters, added here once per row.

    Django adds them to each row's link through ``add_preserved_filters``,
    which resolves the link's URL against the whole URL configuration to
    see whether it is the changelist's own: a filtered page of fifty rows
    spent more on that than on its query. A row's link is its change page,
    never the changelist, so the filters are appended as Django would
    append them (``_changelist_filters=…``), and the attribute Django reads
    is left empty.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_filters, self.preserved_filters = self.preserved_filters, ""

    def url_for_result(self, result):
        url = super().url_for_result(result)
        return f"{url}?{self.row_filters}" if self.row_filters else url


class LargeTableAdmin(SimpleHistoryAdmin):
    """A changelist that stays fast at a million rows.

    It counts up to 2,000 rows (``CappedPaginator``) and never counts the
    whole table a second time, searches through the full-text index, and
    shows 50 rows a page.
    """

    show_full_result_count = False
    # Half Django's hundred: the admin builds each cell of each row through
    # its own helpers, and a hundred rows cost more than the rest of the page.
    list_per_page = 50

    def action_checkbox(self, obj):
        # Django's own checkbox, written out directly: rendered as a widget
        # through the form renderer, a hundred of them cost more than the rows.
        label = format_html(gettext("Select this object for an action - {}"), str(obj))
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select" aria-label="{}">',
            ACTION_CHECKBOX_NAME,
            obj.pk,
            label,
        )

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # A search lists as many matches as the public list's (``CappedPaginator``).
        searched = search.is_searchable(request.GET.get(SEARCH_VAR, ""))
        return CappedPaginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            limit=search.RANK_LIMIT if searched else None,
        )

    def get_changelist(self, request, **kwargs):
        return RowLinksChangeList


@admin.register(Question)
class QuestionAdmin(LargeTableAdmin):
    list_display = [
        "heading",
        "house",
        "uin",
        "date_tabled",
        "due_date",
        "department",
        "asking_member",
    ]
    list_filter = [
        "house",
        "is_withdrawn",
        "is_named_day",
        year_filter("date_tabled", "year tabled"),
        "department",
    ]
    # Searched through answers.search (words, phrases, OR, -word, UINs,
    # members), not with LIKE over these columns.
    search_fields = ["heading", "text", "uin"]
    search_help_text = 'Words, "a phrase", OR, -word, a UIN or a member\'s name.'
    autocomplete_fields = ["asking_member", "department", "grouped_questions"]
    list_select_related = ["department", "asking_member"]
    # Sorted by the columns an index keeps in order. By heading, house,
    # department or asker, a million rows were sorted for each page (0.2 to
    # 0.5 s); the filters narrow by house and department instead.
    sortable_by = ["uin", "date_tabled", "due_date"]
    readonly_fields = ["due_date", "logged_by", "created_at", "updated_at"]
    inlines = [AnswerInline, FollowUpActionInline, InternalNoteInline]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    form = VersionedAdminForm

    def get_deleted_objects(self, objs, request):
        # Pending grouped-question references are bookkeeping that belongs to
        # its question (read-only in the admin, so nobody holds a delete
        # permission for them): they go with it rather than blocking the delete.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(GroupedQuestionRef._meta.verbose_name)
        return deleted, counts, perms_needed, protected

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return search.matching(queryset, search_term), False

    def save_model(self, request, obj, form, change):
        # A new question built by the admin form is saved with its values.
        services.question_update(
            question=obj, expected_version=form.expected_version, user=request.user
        )

    def save_formset(self, request, form, formset, change):
        """The inlines' answer, actions and notes, each through its service."""
        forms_by_instance = {id(inline.instance): inline for inline in formset.forms}
        for record in formset.save(commit=False):
            expected = forms_by_instance[id(record)].expected_version
            if isinstance(record, InternalNote):
                services.note_update(
                    note=record, expected_version=expected, text=record.text, author=request.user
                )
            elif isinstance(record, FollowUpAction):
                services.action_update(action=record, expected_version=expected)
            elif isinstance(record, Answer):
                services.answer_update(answer=record, expected_version=expected)
            else:  # pragma: no cover - every inline is one of the three
                raise TypeError(f"No service saves {type(record).__name__}")
        for record in formset.deleted_objects:
            record.delete()
        formset.save_m2m()


@admin.register(Answer)
class AnswerAdmin(LargeTableAdmin):
    list_display = ["question", "minister", "date_answered", "is_holding", "is_correction"]
    # As for questions: by minister, or holding and corrected first, every
    # answer was sorted for each page (0.2 to 0.7 s at a million).
    sortable_by = ["question", "date_answered"]
    list_filter = ["is_holding", "is_correction", year_filter("date_answered", "year answered")]
    # Searched through answers.search, as the question changelist is.
    search_fields = ["question__heading", "text"]
    search_help_text = 'Words, "a phrase", OR, -word, a UIN or a member\'s name.'
    autocomplete_fields = ["question", "minister"]
    list_select_related = ["question", "minister__member"]
    ordering = ["-date_answered", "-id"]
    form = VersionedAdminForm

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        questions = search.matching(Question.objects.all(), search_term)
        return queryset.filter(question__in=questions.values("pk")), False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        paginator = super().get_paginator(
            request, queryset, per_page, orphans, allow_empty_first_page
        )
        paginator.newest_keys = self._newest_keys(request, queryset, per_page)
        return paginator

    def _newest_keys(self, request, answers, per_page):
        """The first keys of a search's answers, newest first, for a deep page; or None.

        Walked newest first, page 20 of a word in one question in fifty
        passes 50,000 answers (130 ms at a million). Instead the matching
        questions are read newest answered first as the public list reads
        them (``search.newest_keys``: the answer's date is kept on its
        question), and their answers are the list's first ones: every answer
        after the last question's date is among them, and so, read here, is
        every answer of that same day. Only for the plain search, newest
        first: another filter or sort is walked as before.
        """
        from .filters import QuestionFilter

        text = request.GET.get(SEARCH_VAR, "")
        if set(request.GET) - {SEARCH_VAR, PAGE_VAR} or not search.is_searchable(text):
            return None
        try:
            page = int(request.GET.get(PAGE_VAR, 1))
        except ValueError:
            return None
        if page <= 1:
            return None
        wanted = search.RANK_LIMIT + 1
        questions = search.matching(Question.objects.all(), text).order_by(
            *QuestionFilter.SORTS["newest_answered"][1]
        )
        upto = min(page * per_page, search.RANK_LIMIT)
        keys = search.newest_keys(questions, text, "answer_date", wanted, upto)
        if keys is None:
            return None
        read = list(
            Answer.objects.filter(question_id__in=one_of(keys)).values_list(
                "date_answered", "pk", "question_id"
            )
        )
        found = {(day, pk) for day, pk, _ in read}
        if len(keys) == wanted:
            # The last question's answer: its day is where the list is cut.
            day = next((day for day, _, question in read if question == keys[-1]), None)
            if day is not None:
                found.update(answers.filter(date_answered=day).values_list("date_answered", "pk"))
        # The changelist's order: newest answered, then newest added.
        return [pk for _, pk in sorted(found, reverse=True)[:wanted]]

    def save_model(self, request, obj, form, change):
        services.answer_update(answer=obj, expected_version=form.expected_version)


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "yes":
            return queryset.overdue(today)
        if self.value() == "no":
            return queryset.not_overdue(today)
        return queryset


@admin.register(FollowUpAction)
class FollowUpActionAdmin(SimpleHistoryAdmin):
    list_display = ["title", "question", "organisation", "owner", "due_date", "status", "is_public"]
    list_filter = ["status", OverdueFilter, "is_public", "owner", "organisation"]
    search_fields = ["title", "detail", "organisation", "question__heading"]
    autocomplete_fields = ["question", "owner"]
    list_select_related = ["question", "owner"]
    readonly_fields = ["completed_on", "created_at", "updated_at"]
    date_hierarchy = "due_date"
    actions = ["mark_done"]
    form = ActionAdminForm

    def save_model(self, request, obj, form, change):
        services.action_update(action=obj, expected_version=form.expected_version)

    @admin.action(description="Mark selected actions as done", permissions=["change"])
    def mark_done(self, request, queryset):
        """Ask for the outcome, then mark every open selected action done with it."""
        form = MarkDoneForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            count = 0
            with transaction.atomic():
                for action in queryset.open():
                    services.action_set_status(
                        action=action,
                        status=ActionStatus.DONE,
                        outcome=form.cleaned_data["outcome"],
                        expected_version=services.ANY_VERSION,
                    )
                    count += 1
            self.message_user(
                request,
                f"{count} action{'s' if count != 1 else ''} marked as done.",
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/answers/followupaction/mark_done.html",
            {
                **self.admin_site.each_context(request),
                "title": "Mark follow-up actions as done",
                "opts": self.model._meta,
                "form": form,
                "selected": queryset,
                "open_count": queryset.open().count(),
                "action_checkbox_name": ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(InternalNote)
class InternalNoteAdmin(SimpleHistoryAdmin):
    list_display = ["question", "author", "created_at"]
    search_fields = ["text", "question__heading"]
    autocomplete_fields = ["question"]
    list_select_related = ["question", "author"]
    readonly_fields = ["author", "created_at"]
    form = VersionedAdminForm

    def save_model(self, request, obj, form, change):
        services.note_update(
            note=obj, expected_version=form.expected_version, text=obj.text, author=request.user
        )


@admin.register(GroupedQuestionRef)
class GroupedQuestionRefAdmin(admin.ModelAdmin):
    """Read-only: the importers store these and resolve them (answers.grouping)."""

    list_display = ["uin", "house", "date_tabled", "question"]
    list_filter = ["house"]
    search_fields = ["uin", "question__uin", "question__heading"]
    list_select_related = ["question"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- user accounts ---------------------------------------------------------------

User = get_user_model()


class AccountAdmin(UserAdmin):
    """Users, with admin access following Admins membership (see answers.groups).

    "Staff status" is shown but not editable: it is set from the groups, so
    putting someone in Admins is the one way to give admin access. An admin
    who is not a superuser cannot make anyone a superuser, hand out single
    permissions outside the groups, or edit a superuser.
    """

    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]
    list_filter = ["is_active", "groups", "is_staff", "is_superuser"]

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "is_staff", "last_login"]
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [
            (
                name,
                {
                    **options,
                    "description": (
                        f"Put people who handle questions in the Staff group, and those "
                        f"who also run the service in {ADMINS}. Staff status (admin "
                        f"access) follows {ADMINS} membership and cannot be set by hand."
                    ),
                },
            )
            if name == "Permissions"
            else (name, options)
            for name, options in fieldsets
        ]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)


if admin.site.is_registered(User):
    admin.site.unregister(User)
admin.site.register(User, AccountAdmin)


# Clearance routes of the answering process.
from .workflow import admin as workflow_admin  # noqa: E402, F401
