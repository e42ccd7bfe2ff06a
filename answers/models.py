"""The PQ Tracker domain: written questions, their answers and what follows.

Reads go through named queryset methods (``Question.objects.for_list()``) so a
page's joins live in one place; multi-model writes go through
``answers.services`` so the admin, the staff forms and the importers share one
set of rules.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.lookups import Exact, LessThan
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from .columns import AnswerState, answer_state
from .links import object_url
from .people import long_date
from .summary_models import DepartmentMonth, DepartmentTotal, SyncRun  # noqa: F401
from .text import sanitise_html


class House(models.TextChoices):
    COMMONS = "Commons", "House of Commons"
    LORDS = "Lords", "House of Lords"


class Department(models.Model):
    """A government department: the answering body of a question."""

    name = models.CharField(max_length=255, unique=True)
    slug = models.SlugField(max_length=255, unique=True)
    # The Parliament API's answeringBodyId; null for departments known only
    # from page text.
    parliament_id = models.PositiveIntegerField(
        null=True, blank=True, unique=True, verbose_name="Parliament answering body id"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            # Unique: "Department for X" and "Department for X." differ only in
            # punctuation, so a number is added after a slug already taken.
            base = slugify(self.name)[:240] or "department"
            slug, n = base, 2
            while Department.objects.filter(slug=slug).exclude(pk=self.pk).exists():
                slug, n = f"{base}-{n}", n + 1
            self.slug = slug
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return object_url("department_detail", self.slug)


class Member(models.Model):
    """A member of either House, asking or answering questions.

    A member first known only by a Parliament id (API list pages do not name
    members) has an empty ``name`` until ``sync_members`` fetches it from the
    Members API; pages show ``display_name``, never a made-up name.
    """

    name = models.CharField(max_length=255, blank=True, db_index=True)
    parliament_id = models.PositiveIntegerField(
        null=True, blank=True, unique=True, verbose_name="Parliament member id"
    )
    party = models.CharField(max_length=120, blank=True)
    # "Romford" for an MP; the peerage type ("Life peer") for a peer.
    constituency = models.CharField(
        max_length=255, blank=True, help_text="Constituency (MPs) or peerage (peers)."
    )
    house = models.CharField(max_length=10, choices=House.choices, default=House.COMMONS)
    # The Members API's membershipStatus.statusIsActive: null until asked.
    is_current = models.BooleanField("currently a member", null=True, blank=True)
    # When the Members API last described this member (sync_members).
    details_updated_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(house__in=House.values), name="member_house_valid"),
            # Without a Parliament id the name within a House is the identity
            # that page-text imports match on.
            models.UniqueConstraint(
                fields=["name", "house"],
                condition=Q(parliament_id__isnull=True),
                name="member_unique_name_without_parliament_id",
            ),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return object_url("member_detail", self.pk)

    @property
    def has_name(self):
        return bool(self.name)

    @property
    def display_name(self):
        """The member's name, or what they are while only their id is known."""
        if self.name:
            return self.name
        who = (
            "Member of the House of Lords" if self.house == House.LORDS else "Member of Parliament"
        )
        return f"{who} (id {self.parliament_id})"

    @property
    def parliament_url(self):
        """The member's profile on the Parliament site, when their id is known."""
        if self.parliament_id:
            return f"https://members.parliament.uk/member/{self.parliament_id}/career"
        return ""


class Minister(models.Model):
    """A member holding a ministerial post (the answering minister)."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="posts")
    title = models.CharField(
        max_length=500,
        blank=True,
        help_text='As Parliament shows it, e.g. "Minister of State (Department of Health and Social Care)".',
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="ministers"
    )

    class Meta:
        ordering = ["member__name", "title"]
        constraints = [
            models.UniqueConstraint(fields=["member", "title"], name="minister_unique_post"),
        ]

    def __str__(self):
        name = self.member.display_name
        return f"{name}, {self.title}" if self.title else name


class QuestionStatus(models.TextChoices):
    """What the public list filters on."""

    AWAITING = "awaiting", "Awaiting answer"
    ANSWERED = "answered", "Answered"
    HOLDING = "holding", "Holding answer"
    WITHDRAWN = "withdrawn", "Withdrawn"

    @classmethod
    def of(cls, *, is_withdrawn, has_answer, answer_is_holding):
        """The status of a question from its stored fields (rows read with values())."""
        if is_withdrawn:
            return cls.WITHDRAWN
        if not has_answer:
            return cls.AWAITING
        return cls.HOLDING if answer_is_holding else cls.ANSWERED


def owed_answer_q(prefix=""):
    """Still owed a substantive answer: not withdrawn, and unanswered or only held.

    ``prefix`` reaches the question through a relation ("questions__").
    """
    return Q(**{f"{prefix}is_withdrawn": False}) & (
        Q(**{f"{prefix}answer__isnull": True}) | Q(**{f"{prefix}answer__is_holding": True})
    )


# When a question still owed an answer (``owed_answer_q``) is due.
def overdue_q(today):
    return Q(due_date__lt=today)


def due_on_q(day):
    return Q(due_date=day)


def due_soon_q(today, *, days=7):
    """Due after today and within ``days`` days."""
    return Q(due_date__gt=today, due_date__lte=today + datetime.timedelta(days=days))


class QuestionQuerySet(models.QuerySet):
    def for_list(self):
        # Every relation a list row shows, in the one query that fetches the
        # rows: a page costs the same number of queries for 1 or 60 rows.
        return self.select_related(
            "department",
            "asking_member",
            "answer",
            "answer__minister",
            "answer__minister__member",
        )

    def for_detail(self):
        return self.for_list().prefetch_related("grouped_questions")

    # The status filters read the answer's state as stored on the question
    # (answers.columns, kept by triggers), so each is one indexed read of this
    # table; owed_answer_q() states the same rule through the relation.
    def _answer_state(self, lookup, value):
        return self.filter(lookup(answer_state(), value), is_withdrawn=False)

    def awaiting(self):
        return self._answer_state(Exact, AnswerState.NONE)

    def answered(self):
        return self._answer_state(Exact, AnswerState.SUBSTANTIVE)

    def holding(self):
        return self._answer_state(Exact, AnswerState.HOLDING)

    def withdrawn(self):
        return self.filter(is_withdrawn=True)

    def with_status(self, status):
        return {
            QuestionStatus.AWAITING: self.awaiting,
            QuestionStatus.ANSWERED: self.answered,
            QuestionStatus.HOLDING: self.holding,
            QuestionStatus.WITHDRAWN: self.withdrawn,
        }[QuestionStatus(status)]()

    def unanswered(self):
        """Still owed a substantive answer (awaiting or holding)."""
        return self._answer_state(LessThan, AnswerState.SUBSTANTIVE)

    def overdue(self, today):
        return self.unanswered().filter(overdue_q(today))

    def due_on(self, day):
        return self.unanswered().filter(due_on_q(day))

    def due_soon(self, today, *, days=7):
        """Owed an answer due after today and within ``days`` days."""
        return self.unanswered().filter(due_soon_q(today, days=days))


class Question(models.Model):
    house = models.CharField(max_length=10, choices=House.choices, default=House.COMMONS)
    # UINs are reused (per Parliament in the Commons, per session in the
    # Lords), so they are not unique on their own. Indexed in Meta.
    uin = models.CharField("UIN", max_length=30, blank=True)
    parliament_id = models.PositiveIntegerField(
        null=True, blank=True, unique=True, verbose_name="Parliament question id"
    )
    date_tabled = models.DateField(null=True, blank=True, db_index=True)
    date_for_answer = models.DateField(null=True, blank=True)
    is_named_day = models.BooleanField("named day", default=False)
    heading = models.CharField(max_length=500)
    text = models.TextField("question text")
    # The Parliament list endpoint cuts question text at 255 characters; such
    # questions are completed from the detail endpoint.
    text_is_truncated = models.BooleanField(default=False)
    # Both lead an index of their questions newest first (migrations 0006
    # and 0010), which also serves what an index of their own would.
    asking_member = models.ForeignKey(
        Member,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions_asked",
        db_index=False,
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="questions",
        db_index=False,
    )
    is_withdrawn = models.BooleanField("withdrawn", default=False)
    date_withdrawn = models.DateField(null=True, blank=True)
    grouped_questions = models.ManyToManyField("self", blank=True, symmetrical=True)
    # Computed from house, tabling date and named day (answers.deadlines);
    # stored so that "due today" and "overdue" are indexed filters.
    due_date = models.DateField(null=True, blank=True, db_index=True, editable=False)
    source_url = models.URLField(max_length=1000, blank=True)
    # Indexed in Meta where set: imported questions (nearly all) have none.
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="questions_logged",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking: a save carrying an older version is refused.
    version = models.PositiveIntegerField(default=1, editable=False)
    # Full-text search lives beside the model, kept by database triggers
    # (answers.search, migration 0006): a ``search_vector`` column on
    # PostgreSQL, an FTS5 table on SQLite. Python never reads or writes it.

    # The history of a question is read by its id: no other column of the
    # historical table is indexed, so that an import writing a history row
    # for each of its questions maintains two indexes there, not eleven.
    history = HistoricalRecords(
        excluded_fields=["version", "updated_at"],
        no_db_index=[
            "parliament_id",
            "date_tabled",
            "due_date",
            "asking_member",
            "department",
            "logged_by",
        ],  # fmt: skip
    )
    objects = QuestionQuerySet.as_manager()

    # Set on the questions of a search results page (answers.search); a
    # question from anywhere else has none, and templates may ask.
    search_snippet = ""

    class Meta:
        ordering = [models.F("date_tabled").desc(nulls_last=True), "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(house__in=House.values), name="question_house_valid"
            ),
            models.CheckConstraint(
                condition=Q(date_for_answer__isnull=True)
                | Q(date_tabled__isnull=True)
                | Q(date_for_answer__gte=models.F("date_tabled")),
                name="question_answer_due_not_before_tabling",
            ),
        ]
        indexes = [
            # The public list's default ordering (newest tabled first, undated
            # last), so a page is read from the index instead of sorting. On
            # PostgreSQL migration 0006 rebuilds it as "date_tabled DESC NULLS
            # LAST" to match; SQLite sorts NULL lowest, so DESC puts it last.
            models.Index(fields=["-date_tabled", "-id"], name="question_newest_tabled"),
            # The house filter is usually combined with a date range.
            models.Index(fields=["house", "-date_tabled"], name="question_house_tabled"),
            models.Index(fields=["is_withdrawn", "due_date"], name="question_open_due"),
            # A question by its UIN (searches, grouped questions); exact only.
            models.Index(fields=["uin"], name="question_uin"),
            # Who logged a question, for the few logged by hand (deleting a user).
            models.Index(
                fields=["logged_by"],
                name="question_logged_by",
                condition=Q(logged_by__isnull=False),
            ),
            # Questions logged from page text, which the API importer matches by
            # UIN: a few among a million, found without visiting every
            # question that shares a (reused) UIN.
            models.Index(
                fields=["uin"],
                name="question_uin_unlinked",
                condition=Q(parliament_id__isnull=True),
            ),
        ]

    def __str__(self):
        return self.heading

    def get_absolute_url(self):
        return object_url("question_detail", self.pk)

    def get_answer(self):
        try:
            return self.answer
        except Answer.DoesNotExist:
            return None

    def get_process(self):
        """The question's answering process (``workflow.AnswerProcess``), or None
        while it has none: a list reads it once a row, not failing at each use."""
        try:
            return self.process
        except ObjectDoesNotExist:
            return None

    @property
    def status(self):
        answer = self.get_answer()
        return QuestionStatus.of(
            is_withdrawn=self.is_withdrawn,
            has_answer=answer is not None,
            answer_is_holding=answer is not None and answer.is_holding,
        )

    @property
    def parliament_url(self):
        if self.date_tabled and self.uin:
            return (
                "https://questions-statements.parliament.uk/written-questions/detail/"
                f"{self.date_tabled.isoformat()}/{self.uin}"
            )
        return ""


class GroupedQuestionRef(models.Model):
    """A grouped question a source named that we did not hold yet.

    Kept until a question with this House and UIN (and tabling date, when the
    source gave one) arrives through any importer; the two are then linked
    and the reference deleted (``answers.grouping``).
    """

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="pending_group_refs"
    )
    house = models.CharField(max_length=10, choices=House.choices)
    uin = models.CharField("UIN", max_length=30)
    # The named question's tabling date, when the source gives it (the API's
    # groupedQuestionsDates); page text names a UIN only.
    date_tabled = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = "pending grouped-question reference"
        constraints = [
            # NULL is distinct from NULL in a UNIQUE constraint on both
            # databases (nulls_distinct=False is PostgreSQL 15+ only), so the
            # undated reference has its own partial constraint.
            models.UniqueConstraint(
                fields=["question", "house", "uin", "date_tabled"],
                condition=Q(date_tabled__isnull=False),
                name="groupref_unique_dated",
            ),
            models.UniqueConstraint(
                fields=["question", "house", "uin"],
                condition=Q(date_tabled__isnull=True),
                name="groupref_unique_undated",
            ),
            models.CheckConstraint(
                condition=Q(house__in=House.values), name="groupref_house_valid"
            ),
        ]
        indexes = [
            # Resolving: the references naming a question that has just arrived.
            models.Index(fields=["house", "uin"], name="groupref_house_uin"),
        ]

    def __str__(self):
        when = f" tabled {long_date(self.date_tabled)}" if self.date_tabled else ""
        return f"{self.house} UIN {self.uin}{when}, named by {self.question}"


class Answer(models.Model):
    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="answer")
    # Indexed with the date by answer_minister_newest (Meta).
    minister = models.ForeignKey(
        Minister,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="answers",
        db_index=False,
    )
    date_answered = models.DateField(db_index=True)
    # Sanitised HTML (answers.text.sanitise_html); plain-text answers are
    # stored as escaped paragraphs.
    text = models.TextField("answer text", blank=True)
    text_is_truncated = models.BooleanField(default=False)
    is_holding = models.BooleanField("holding answer", default=False)
    date_holding_answer = models.DateField(null=True, blank=True)
    is_correction = models.BooleanField("corrected", default=False)
    date_corrected = models.DateField(null=True, blank=True)
    original_text = models.TextField(
        blank=True, help_text="The answer as first given, kept when it is corrected."
    )
    original_date_answered = models.DateField(null=True, blank=True)
    # A copy of the question's tabling date, kept by save(), so that "an
    # answer is not dated before its question" is a database constraint.
    question_date_tabled = models.DateField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    # Read by question (the staff "what changed" list), so that is indexed.
    history = HistoricalRecords(
        excluded_fields=["version", "updated_at", "question_date_tabled"],
        no_db_index=["minister", "date_answered"],
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(question_date_tabled__isnull=True)
                | Q(date_answered__gte=models.F("question_date_tabled")),
                name="answer_not_before_tabling",
            ),
        ]
        indexes = [
            # A minister's answers newest first, and the first and latest
            # answers of each post (member and department pages).
            models.Index(fields=["minister", "-date_answered"], name="answer_minister_newest"),
            # The admin's "holding" and "correction" filters, newest first:
            # a few hundred and a few thousand of a million answers, found
            # by reading every answer without them.
            models.Index(
                fields=["-date_answered", "-id"],
                condition=Q(is_holding=True),
                name="answer_holding_newest",
            ),
            models.Index(
                fields=["-date_answered", "-id"],
                condition=Q(is_correction=True),
                name="answer_correction_newest",
            ),
        ]

    def __str__(self):
        return f"Answer to {self.question}"

    def save(self, *args, **kwargs):
        self.question_date_tabled = self.question.date_tabled
        # Answer text is shown as HTML on public pages: whatever path wrote it
        # (the admin included), only sanitised markup is stored.
        self.text = sanitise_html(self.text)
        self.original_text = sanitise_html(self.original_text)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "question_date_tabled"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        try:
            tabled = self.question.date_tabled
        except ObjectDoesNotExist:
            tabled = None
        if tabled and self.date_answered and self.date_answered < tabled:
            raise ValidationError(
                {
                    "date_answered": (
                        f"The answer date must be the same as or after the date the question "
                        f"was tabled ({long_date(tabled)})."
                    )
                }
            )


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


# Open or in progress: not yet done or cancelled.
OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


def overdue_action_q(today):
    """A follow-up action is overdue when it is still open and its due date has passed."""
    return Q(status__in=OPEN_ACTION_STATUSES, due_date__lt=today)


class FollowUpActionQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_public=True)

    def open(self):
        return self.filter(status__in=OPEN_ACTION_STATUSES)

    def overdue(self, today):
        return self.filter(overdue_action_q(today))

    def not_overdue(self, today):
        return self.exclude(overdue_action_q(today))

    def for_list(self):
        return self.select_related("question", "question__department", "owner")


class FollowUpAction(models.Model):
    """Something an answer creates that must be tracked until it is done."""

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="follow_up_actions"
    )
    title = models.CharField(max_length=500)
    detail = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_up_actions",
        help_text="The person who will see it through.",
    )
    organisation = models.CharField(
        "owning organisation",
        max_length=255,
        blank=True,
        db_index=True,
        help_text="The organisation responsible, e.g. OHID London.",
    )
    due_date = models.DateField(null=True, blank=True, db_index=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN, db_index=True
    )
    is_public = models.BooleanField(
        "public", default=False, help_text="Public actions appear on the public question page."
    )
    outcome = models.TextField(blank=True, help_text="What happened, recorded when it closes.")
    completed_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version", "updated_at"])
    objects = FollowUpActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = "follow-up action"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ActionStatus.values), name="action_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=ActionStatus.DONE) | Q(completed_on__isnull=False),
                name="action_done_has_completion_date",
            ),
        ]
        indexes = [
            # The staff dashboard: open actions by due date.
            models.Index(fields=["status", "due_date"], name="action_status_due"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self):
        return self.status in OPEN_ACTION_STATUSES

    def is_overdue(self, today=None):
        """``overdue_action_q`` for one action already in hand."""
        today = today or timezone.localdate()
        return self.is_open and self.due_date is not None and self.due_date < today


class InternalNote(models.Model):
    """A staff-only note on a question. Never shown on a public page."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"Note on {self.question} ({long_date(self.created_at)})"


# --- the answering process ------------------------------------------------------
# Commission, draft, clear, submit, transfer: the models live in
# answers/workflow/models.py and belong to this app.
from .workflow.models import (  # noqa: E402, F401
    AnswerProcess,
    ClearanceRoute,
    Draft,
    ProcessEvent,
    QuestionStep,
    ReminderSent,
    RouteStep,
    Stage,
)
