"""Models that keep figures and imports current: per-department monthly
timeliness and the record of each scheduled sync.

They live beside ``answers.models`` (which imports them) and refer to its
models by name, so that each file stays about one thing.
"""

import datetime

from django.db import models
from django.db.models import Q


class Tally(models.Model):
    """How a department answered a set of questions (a month's, or all of them).

    ``owed_due`` and ``answer_days`` are small histograms, so that "overdue"
    (which depends on today) and the median working days to answer come from
    the summary too.
    """

    questions = models.PositiveIntegerField(default=0)
    # Substantive answers (holding answers do not count).
    answered = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    late = models.PositiveIntegerField(default=0)
    # Not withdrawn and without a substantive answer.
    owed = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    # {"2024-09-13": 2, "": 1}: owed questions by due date ("" when unknown).
    owed_due = models.JSONField(default=dict, blank=True)
    # {"3": 10}: substantive answers by working days from tabling to answer.
    answer_days = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    def overdue(self, today):
        """Owed questions whose due date has passed."""
        from answers.summary import overdue_of

        return overdue_of(self.owed_due, today)


class DepartmentMonth(Tally):
    """How one department answered the questions tabled in one month.

    Kept current on every write (``answers.summary``): the departments pages
    read these rows instead of counting a million questions per view.
    """

    department = models.ForeignKey(
        "answers.Department", on_delete=models.CASCADE, related_name="months"
    )
    # The first day of the month tabled; null for questions whose tabling
    # date is not known.
    month = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["department", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "month"],
                condition=Q(month__isnull=False),
                name="departmentmonth_unique_month",
            ),
            models.UniqueConstraint(
                fields=["department"],
                condition=Q(month__isnull=True),
                name="departmentmonth_unique_undated",
            ),
        ]

    def __str__(self):
        when = f"{self.month:%B %Y}" if self.month else "tabling date unknown"
        return f"{self.department_id}: {when}"


class DepartmentTotal(Tally):
    """A department's months added up, kept with them: ``/departments/`` reads
    one row per department, however many years it has answered."""

    department = models.OneToOneField(
        "answers.Department", on_delete=models.CASCADE, primary_key=True, related_name="total"
    )

    def __str__(self):
        return f"{self.department_id}: all months"


class SyncRun(models.Model):
    """One run of ``sync_written_questions``: what it asked for and what it did.

    A failed run is recorded with its error and changes nothing else; the
    next run starts from the end of the last run that succeeded.
    """

    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    # The window of dates the run asked the API about (inclusive).
    window_from = models.DateField()
    window_to = models.DateField()
    succeeded = models.BooleanField(default=False)
    added = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    members_named = models.PositiveIntegerField(default=0)
    requests = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        get_latest_by = "started_at"
        indexes = [
            models.Index(fields=["succeeded", "-started_at"], name="syncrun_latest_success"),
        ]

    def __str__(self):
        outcome = "succeeded" if self.succeeded else "failed" if self.finished_at else "running"
        return f"Sync {self.window_from} to {self.window_to}: {outcome}"

    @property
    def duration(self):
        if self.finished_at is None:
            return None
        return self.finished_at - self.started_at


def first_of_month(day):
    return day.replace(day=1) if day else None


def next_month(day):
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
