"""The Django admin: every model, with a question's answer and actions inline.

Saves go through ``answers.services`` so that due dates, versions and
completion dates follow the same rules as the staff pages and importers.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .groups import ADMINS
from .models import (
    Answer,
    Department,
    FollowUpAction,
    GroupedQuestionRef,
    InternalNote,
    Member,
    Minister,
    Question,
)


class VersionedAdminForm(forms.ModelForm):
    """Carries the version the admin page was loaded at, so a later save is refused.

    Two people editing one record in the admin (or one in the admin and one
    on the staff pages) must not overwrite each other silently.
    """

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["loaded_version"].initial = self.instance.version

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
        if self.instance.pk and loaded is not None:
            current = type(self.instance).objects.get(pk=self.instance.pk)
            if current.version != loaded:
                raise ValidationError(str(services.StaleEditError(current)))
        return cleaned


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
    list_display = ["member", "title", "department", "start_date", "end_date"]
    list_filter = ["department"]
    search_fields = ["member__name", "title"]
    autocomplete_fields = ["member", "department"]
    list_select_related = ["member", "department"]


class AnswerInline(admin.StackedInline):
    model = Answer
    extra = 0
    max_num = 1
    autocomplete_fields = ["minister"]
    fields = [
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
    extra = 0
    autocomplete_fields = ["owner"]
    fields = ["title", "organisation", "owner", "due_date", "status", "is_public", "completed_on"]
    # Set by the status change (services.action_save), never typed.
    readonly_fields = ["completed_on"]


class InternalNoteInline(admin.TabularInline):
    model = InternalNote
    extra = 0
    fields = ["text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]


@admin.register(Question)
class QuestionAdmin(SimpleHistoryAdmin):
    list_display = [
        "heading",
        "house",
        "uin",
        "date_tabled",
        "due_date",
        "department",
        "asking_member",
    ]
    list_filter = ["house", "is_withdrawn", "is_named_day", "department"]
    search_fields = ["heading", "text", "uin"]
    autocomplete_fields = ["asking_member", "department", "grouped_questions"]
    list_select_related = ["department", "asking_member"]
    readonly_fields = ["due_date", "logged_by", "created_at", "updated_at"]
    date_hierarchy = "date_tabled"
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

    def save_model(self, request, obj, form, change):
        services.question_save(
            question=obj, user=request.user, expected_version=form.cleaned_data["loaded_version"]
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is InternalNote:
            for note in formset.save(commit=False):
                if note.author_id is None:
                    note.author = request.user
                note.save()
            for note in formset.deleted_objects:
                note.delete()
            return
        if formset.model is FollowUpAction:
            for action in formset.save(commit=False):
                services.action_save(action=action)
            for action in formset.deleted_objects:
                action.delete()
            return
        if formset.model is Answer:
            # Through the service, so the answer's version moves on and a
            # staff member editing it meanwhile is told, not overwritten.
            for answer in formset.save(commit=False):
                services.answer_save(answer=answer)
            for answer in formset.deleted_objects:
                answer.delete()
            return
        super().save_formset(request, form, formset, change)


@admin.register(Answer)
class AnswerAdmin(SimpleHistoryAdmin):
    list_display = ["question", "minister", "date_answered", "is_holding", "is_correction"]
    list_filter = ["is_holding", "is_correction"]
    search_fields = ["question__heading", "text"]
    autocomplete_fields = ["question", "minister"]
    list_select_related = ["question", "minister__member"]
    date_hierarchy = "date_answered"
    form = VersionedAdminForm

    def save_model(self, request, obj, form, change):
        services.answer_save(answer=obj, expected_version=form.cleaned_data["loaded_version"])


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
            return queryset.exclude(pk__in=queryset.overdue(today).values("pk"))
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
    form = VersionedAdminForm

    def save_model(self, request, obj, form, change):
        services.action_save(action=obj, expected_version=form.cleaned_data["loaded_version"])

    @admin.action(description="Mark selected actions as done", permissions=["change"])
    def mark_done(self, request, queryset):
        count = 0
        for action in queryset.open():
            services.action_complete(action=action)
            count += 1
        self.message_user(
            request, f"{count} action{'s' if count != 1 else ''} marked as done.", messages.SUCCESS
        )


@admin.register(InternalNote)
class InternalNoteAdmin(SimpleHistoryAdmin):
    list_display = ["question", "author", "created_at"]
    search_fields = ["text", "question__heading"]
    autocomplete_fields = ["question"]
    list_select_related = ["question", "author"]
    readonly_fields = ["author", "created_at"]

    def save_model(self, request, obj, form, change):
        if obj.author_id is None:
            obj.author = request.user
        super().save_model(request, obj, form, change)


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
