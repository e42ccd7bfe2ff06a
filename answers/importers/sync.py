"""Keeping up with Parliament: what changed since the last successful sync.

Each run of ``sync_written_questions`` asks the Written Questions API for
three windows of dates, from the end of the last good run to today:

- questions *tabled* in the window, reaching back ``recheck_days`` more so
  that withdrawals (which the API cannot be asked about by date) and
  holding answers on recent questions are seen;
- questions *answered* in the window: new answers, and holding answers made
  substantive;
- questions *corrected* in the window.

It completes cut-short texts from the detail endpoint, imports everything in
one transaction, then names any new members. A ``SyncRun`` row records each
run; one that fails records its error and changes nothing else, so the next
run starts again from the last good one.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q, Subquery
from django.utils import timezone

from answers.models import SyncRun

# A sync older than this is shown to staff as a warning.
STALE_AFTER = datetime.timedelta(days=1)
RECHECK_DAYS = 14


def window_sources(api, window_from, window_to, *, recheck_days=RECHECK_DAYS, house=None, take):
    """The three page sources of a sync window (see the module docstring)."""
    return [
        api.list_pages(
            tabled_from=window_from - datetime.timedelta(days=recheck_days),
            tabled_to=window_to,
            house=house,
            take=take,
        ),
        api.list_pages(answered_from=window_from, answered_to=window_to, house=house, take=take),
        api.list_pages(corrected_from=window_from, corrected_to=window_to, house=house, take=take),
    ]


def last_good_run():
    return SyncRun.objects.filter(succeeded=True).order_by("-started_at", "-id").first()


@dataclass(frozen=True)
class SyncStatus:
    last_run: SyncRun | None
    last_success: SyncRun | None
    now: datetime.datetime

    @property
    def never_run(self):
        return self.last_run is None

    @property
    def is_stale(self):
        """Runs exist, and none has succeeded within a day."""
        if self.last_run is None:
            return False
        if self.last_success is None:
            return True
        return (
            self.now - (self.last_success.finished_at or self.last_success.started_at) > STALE_AFTER
        )


def sync_status(now=None):
    """The latest run and the latest successful one, in one query."""
    latest = SyncRun.objects.order_by("-started_at", "-id").values("pk")[:1]
    latest_good = (
        SyncRun.objects.filter(succeeded=True).order_by("-started_at", "-id").values("pk")[:1]
    )
    runs = list(
        SyncRun.objects.filter(Q(pk=Subquery(latest)) | Q(pk=Subquery(latest_good))).order_by(
            "-started_at", "-id"
        )
    )
    last_run = runs[0] if runs else None
    last_success = next((run for run in runs if run.succeeded), None)
    return SyncStatus(last_run, last_success, now or timezone.now())
