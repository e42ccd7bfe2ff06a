"""Models of the answering process.

Imported at the end of ``answers.models`` so that they belong to the answers
app (one set of migrations, one admin).

A question gets an :class:`AnswerProcess` the first time someone acts on it
(commission, transfer, holding answer). Until then its stage is worked out
from the question itself: answered if it has a substantive answer, otherwise
new (see ``QuestionQuerySet.with_stage`` in ``answers.workflow.stages``).
"""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q

from answers.models import Department, Minister, Question
from answers.people import display_name


class Stage(models.TextChoices):
    NEW = "new", "New"
    TRANSFERRED_IN = "transferred_in", "Transferred in"
    COMMISSIONED = "commissioned", "Awaiting acceptance"
    REJECTED = "rejected", "Rejected by owner"
    DRAFTING = "drafting", "Drafting"
    IN_CLEARANCE = "in_clearance", "In clearance"
    CLEARED = "cleared", "Cleared"
    HOLDING = "holding", "Holding answer sent"
    ANSWERED = "answered", "Answered"
    TRANSFERRED_OUT = "transferred_out", "Transferred out"


# Stages in which the question still waits on this department.
OPEN_STAGES = [
    Stage.NEW,
    Stage.TRANSFERRED_IN,
    Stage.COMMISSIONED,
    Stage.REJECTED,
    Stage.DRAFTING,
    Stage.IN_CLEARANCE,
    Stage.CLEARED,
    Stage.HOLDING,
]


class ClearanceRoute(models.Model):
    """A department's default clearance route and its drafting lead time."""

    department = models.OneToOneField(
        Department, on_delete=models.CASCADE, related_name="clearance_route"
    )
    draft_working_days = models.PositiveSmallIntegerField(
        "draft due (working days before the answer is due)",
        default=2,
        help_text="The draft is due this many working days before the question's due "
        "date; the clearance steps share the days in between.",
    )

    class Meta:
        verbose_name = "clearance route"

    def __str__(self):
        return f"Clearance route: {self.department}"


class ClearerMixin(models.Model):
    """Who may clear a step: one named person, or anyone in a group."""

    name = models.CharField(max_length=120, help_text="For example: Deputy director, SpAd.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def clearer_label(self):
        if self.user_id:
            return display_name(self.user)
        if self.group_id:
            return f"anyone in {self.group.name}"
        return ""

    def can_clear(self, user):
        if self.user_id:
            return self.user_id == user.pk
        if self.group_id:
            return any(group.pk == self.group_id for group in user.groups.all())
        return False


def _one_clearer(prefix):
    return models.CheckConstraint(
        condition=(Q(user__isnull=False) & Q(group__isnull=True))
        | (Q(user__isnull=True) & Q(group__isnull=False)),
        name=f"{prefix}_one_clearer",
        violation_error_message="Choose either a person or a group to clear this step, not both.",
    )


class RouteStep(ClearerMixin):
    route = models.ForeignKey(ClearanceRoute, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        ordering = ["route", "position", "id"]
        verbose_name = "clearance step"
        constraints = [_one_clearer("routestep")]


class AnswerProcessQuerySet(models.QuerySet):
    def for_list(self):
        return self.select_related(
            "question",
            "question__department",
            "owner",
            "current_step",
            "current_step__user",
            "current_step__group",
        )


class AnswerProcess(models.Model):
    """Where a question stands between tabling and answer, and who holds it."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="process")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.NEW)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="processes_owned",
        help_text="The policy lead who drafts the answer.",
    )
    minister = models.ForeignKey(
        Minister,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The minister expected to answer.",
    )
    # Computed from the question's due date and the department's route
    # (answers.workflow.services.deadlines_recompute); never typed.
    draft_due = models.DateField(null=True, blank=True, db_index=True)
    current_step = models.ForeignKey(
        "QuestionStep", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    cleared_draft = models.ForeignKey(
        "Draft", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    transfer_department = models.CharField(
        max_length=255, blank=True, help_text="Where it went (transferred out) or came from."
    )
    transfer_date = models.DateField(null=True, blank=True)
    stage_since = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AnswerProcessQuerySet.as_manager()

    class Meta:
        verbose_name = "answering process"
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="process_stage_valid"),
        ]
        indexes = [models.Index(fields=["stage", "draft_due"], name="process_stage_due")]
        permissions = [
            ("manage_process", "Run the answering process (commission, transfer, submit)"),
            ("work_on_process", "Draft and clear the questions one is given"),
        ]

    def __str__(self):
        return f"{self.question}: {self.get_stage_display()}"


class QuestionStep(ClearerMixin):
    """One clearance step on one question, copied from the route and editable."""

    process = models.ForeignKey(AnswerProcess, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(default=1)
    deadline = models.DateField(null=True, blank=True, db_index=True)
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["process", "position", "id"]
        verbose_name = "clearance step on a question"
        constraints = [_one_clearer("questionstep")]


class Draft(models.Model):
    """One saved version of a draft answer; every version is kept."""

    process = models.ForeignKey(AnswerProcess, on_delete=models.CASCADE, related_name="drafts")
    number = models.PositiveIntegerField()
    answer_text = models.TextField("draft answer")
    background_note = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["process", "-number"]
        constraints = [
            # Two saves based on the same version cannot both land.
            models.UniqueConstraint(fields=["process", "number"], name="draft_unique_number"),
        ]

    def __str__(self):
        return f"Draft {self.number} of {self.process.question}"


class ProcessEvent(models.Model):
    """One move: who, when, from which stage to which, and why."""

    process = models.ForeignKey(AnswerProcess, on_delete=models.CASCADE, related_name="events")
    move = models.CharField(max_length=30)
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(db_index=True)
    comment = models.TextField(blank=True)
    # What the move was about, as it stood then (the owner given, the step cleared).
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    step_name = models.CharField(max_length=120, blank=True)
    # Where the draft went next, for a submission or a clearance: whose turn it is.
    to_step = models.ForeignKey(
        "QuestionStep", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # For the statistics (answers.workflow.stats), kept as the move is made,
    # so that a quarter's figures are counted by the database from this table
    # alone rather than worked out again from every move and its question:
    # the working days the question spent in the stage this move leaves (when
    # it is one they measure), who held it there, and the team.
    stage_days = models.PositiveIntegerField(null=True, blank=True)
    stage_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The team: the question's answering department when the move was made.
    department = models.ForeignKey(
        Department, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["process", "at", "id"]
        indexes = [
            # The statistics read a period's moves from these alone (on
            # PostgreSQL; elsewhere they are plain partial indexes on ``at``).
            models.Index(
                fields=["at"],
                include=["from_stage", "department", "stage_owner", "stage_days"],
                condition=Q(stage_days__isnull=False),
                name="processevent_spells",
            ),
            models.Index(
                fields=["at"],
                include=["move", "process", "department", "owner"],
                condition=Q(move__in=["submit", "return"]),
                name="processevent_drafts",
            ),
        ]

    def __str__(self):
        return f"{self.move} ({self.from_stage} → {self.to_stage})"


class ReminderSent(models.Model):
    """A reminder already sent, so the daily run never sends it twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # What was due and when, and how it stood: "draft:12:2025-02-14:overdue".
    key = models.CharField(max_length=120)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="reminder_sent_once"),
        ]

    def __str__(self):
        return f"{self.key} to {self.user}"
